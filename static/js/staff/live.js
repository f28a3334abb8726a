// The live dashboard: poll the walk's feed, keep markers, counters, and the latest words and photos fresh.
import { config, csrfToken, el, makeMap, ratingColour } from "./map.js";
import { t, tn } from "../i18n.js";

const cfg = config();
const map = makeMap("live-map");
const markers = new Map();
const pins = new Map();
let cursor = null;
let adding = false;

function style(pin) {
  return pin.hidden
    ? { radius: 8, color: "#555", weight: 2, dashArray: "3 3", fillColor: "#ccc", fillOpacity: 0.5 }
    : { radius: pin.staff ? 9 : 8, color: "#111", weight: pin.staff ? 3 : 1.5, fillColor: ratingColour(pin.rating), fillOpacity: 0.95 };
}

function popup(pin) {
  const box = el("div", { class: "pin-popup" },
    el("strong", {}, pin.rating_label), " · ", pin.author,
    pin.categories.length ? el("div", {}, pin.categories.join(", ")) : null,
    pin.comment ? el("p", {}, pin.comment) : null,
    pin.photo ? el("img", { src: pin.photo.thumb_url, alt: t("photo"), width: "160" }) : null,
    pin.agreements ? el("div", {}, tn("agreements", pin.agreements)) : null,
    pin.concern ? el("p", { class: "concern" }, t("concern")) : null,
    pin.before_walk ? el("div", { class: "tag" }, t("before_walk")) : null,
    pin.hidden && !pin.concern ? el("p", { class: "muted" }, t("hidden") + ": " + (pin.hidden_reason || "")) : null,
    el("div", {}, el("a", { href: cfg.moderateUrl + "#pin-" + pin.id }, t("moderate"))));
  return box;
}

function upsert(pin) {
  pins.set(pin.id, pin);
  let marker = markers.get(pin.id);
  if (!marker) {
    marker = L.circleMarker([pin.lat, pin.lon], style(pin)).addTo(map);
    marker.getElement()?.setAttribute("data-pin-id", pin.id);
    markers.set(pin.id, marker);
  } else {
    marker.setLatLng([pin.lat, pin.lon]).setStyle(style(pin));
  }
  marker.bindPopup(() => popup(pin));
  marker.getElement()?.setAttribute("data-hidden", String(pin.hidden));
}

function renderSide(figures) {
  for (const [key, value] of Object.entries(figures)) {
    const node = document.querySelector(`[data-figure="${key}"]`);
    if (node) node.textContent = value;
    const label = document.querySelector(`[data-figure-label="${key}"]`);
    // The page's language decides which word goes with a number ("1 punkt", "2 punkter").
    if (label) label.textContent = tn("figures." + key, value);
  }
  const latest = [...pins.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  document.getElementById("latest-comments").replaceChildren(
    ...latest.filter((p) => p.comment).slice(0, 12).map((p) =>
      el("li", { class: p.hidden ? "is-hidden" : "" },
        el("span", { class: `rating-dot r${p.rating}`, "aria-hidden": "true" }), " ",
        el("strong", {}, p.rating_label), " – ", p.comment, " ", el("span", { class: "muted small" }, p.author))));
  document.getElementById("latest-photos").replaceChildren(
    ...latest.filter((p) => p.photo && !p.photo.hidden).slice(0, 8).map((p) =>
      el("a", { href: p.photo.url, target: "_blank", rel: "noopener" }, el("img", { src: p.photo.thumb_url, alt: `${t("photo")}: ${p.rating_label}`, width: "120" }))));
}

/** Who is heard: the sentence, the warning when a few voices dominate, one bar per participant. */
function renderSpread(spread) {
  if (!spread) return;
  document.getElementById("spread-text").textContent = spread.sentence;
  const warning = document.getElementById("spread-warning");
  warning.textContent = spread.warning || "";
  warning.hidden = !spread.warning;
  document.getElementById("spread-bars").replaceChildren(...spread.bars.map((bar) =>
    el("li", {}, el("span", {}, bar.label), " ", el("meter", { min: "0", max: String(spread.max), value: String(bar.count) }), " ", el("span", {}, String(bar.count)))));
}

// Several pins at the same spot (within about a metre) would show as one dot: a count sits on top,
// and tapping it lists them all, each with its own moderation link.
const stacks = L.layerGroup().addTo(map);
const spot = (pin) => `${pin.lat.toFixed(5)},${pin.lon.toFixed(5)}`;
function drawStacks() {
  stacks.clearLayers();
  const bySpot = new Map();
  for (const pin of pins.values()) bySpot.set(spot(pin), [...(bySpot.get(spot(pin)) || []), pin]);
  for (const group of bySpot.values()) {
    if (group.length < 2) continue;
    const icon = L.divIcon({ className: "stack-count", html: String(group.length), iconSize: [26, 26] });
    L.marker([group[0].lat, group[0].lon], { icon, title: tn("stacked", group.length), alt: tn("stacked", group.length),
      zIndexOffset: 1000, keyboard: true })
      .bindPopup(() => el("div", { class: "stack-list" }, el("strong", {}, tn("stacked", group.length)), ...group.map(popup)))
      .addTo(stacks);
  }
}

async function poll() {
  try {
    const url = cfg.feedUrl + (cursor ? "?since=" + encodeURIComponent(cursor) : "");
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) throw new Error(response.status);
    const data = await response.json();
    data.pins.forEach(upsert);
    const alive = new Set(data.ids);
    for (const [id, marker] of markers) if (!alive.has(id)) { marker.remove(); markers.delete(id); pins.delete(id); }
    drawStacks();
    cursor = data.cursor;
    renderSide(data.figures);
    renderSpread(data.spread);
    document.getElementById("live-status").textContent = t("updated") + " " + new Date().toLocaleTimeString(document.documentElement.lang || "sv");
  } catch (err) {
    document.getElementById("live-status").textContent = t("offline");
  }
}

// Staff pins: press the button, click the map, fill in the small form.
const addButton = document.getElementById("add-pin");
const addForm = document.getElementById("staff-pin-form");
addButton.addEventListener("click", () => {
  adding = !adding;
  addButton.setAttribute("aria-pressed", String(adding));
  document.getElementById("live-map").classList.toggle("picking", adding);
});
map.on("click", (e) => {
  if (!adding) return;
  addForm.hidden = false;
  // One id per pin: a double click or a retry stores it once.
  addForm.client_id.value = addForm.client_id.value || crypto.randomUUID();
  addForm.lat.value = e.latlng.lat.toFixed(7);
  addForm.lon.value = e.latlng.lng.toFixed(7);
  addForm.querySelector("select").focus();
});
addForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const response = await fetch(cfg.addPinUrl, {
    method: "POST", body: new FormData(addForm), credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  });
  const message = document.getElementById("staff-pin-message");
  const body = await response.json().catch(() => null);
  if (!response.ok || !body) { message.textContent = body ? body.message : t("offline"); return; }
  message.textContent = t("added");
  upsert(body);
  addForm.reset();
  addForm.client_id.value = "";
  addForm.hidden = true;
  adding = false;
  addButton.setAttribute("aria-pressed", "false");
});
addForm.querySelector("[data-cancel]").addEventListener("click", () => {
  addForm.hidden = true;
  adding = false;
  addButton.setAttribute("aria-pressed", "false");
  document.getElementById("live-map").classList.remove("picking");
});

// The next poll starts when the last one has answered, so answers never arrive out of order.
async function pollForever() {
  await poll();
  setTimeout(pollForever, cfg.pollSeconds * 1000);
}
pollForever();
