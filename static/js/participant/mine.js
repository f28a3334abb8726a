// "Mina punkter": one's own pins in a list and on the map, those still on the phone first, then the
// pins one agreed with; others' pins on the map when the walk shares them. Own pins can be changed or
// deleted, and agreements taken back, while the walk is open.
import { t } from "../i18n.js";
import { page, walk, call, pinUrl, pinCache, photoUrl, isOnline } from "./api.js";
import * as mapView from "./map.js";
import * as outbox from "./outbox.js";
import { openSheet } from "./sheet.js";

const $ = (id) => document.getElementById(id);
const sheet = $("mine");
const list = $("mine-list");
const template = $("pin-item");
const agreementTemplate = $("agreement-item");
const stopsByName = Object.fromEntries(walk.stops.map((s) => [s.name, s]));
const categoryLabels = Object.fromEntries(walk.categories.map((c) => [c.key, c.label]));
// Pins closer than this to a new pin are offered before a second one is made at the same place.
const NEARBY_M = 25;
const thumbs = new Map(); // photo key → object URL, so a redraw does not fetch again
let hooks = {};
let items = [];
let others = [];
let generation = 0;

/** Wire the list; hooks: edit(target, thumbUrl), toast(text), sessionLost(), changed(). */
export function initMine(h) {
  hooks = h;
  list.addEventListener("click", act);
  $("erase-ask").addEventListener("click", () => confirmErase(true));
  $("erase-no").addEventListener("click", () => confirmErase(false));
  $("erase-yes").addEventListener("click", eraseAll);
}

/** Fetch (when online) and show the pins; resolves to {waiting, failed} counts of the phone's outbox. */
export async function refresh() {
  const run = ++generation;
  let pins = pinCache.load();
  if (isOnline()) {
    try {
      const since = Date.now();
      const res = await call("GET", page.urls.pins);
      if (res.status === 401) return hooks.sessionLost();
      if (res.ok) pins = pinCache.save(res.data.pins, since);
    } catch {
      // The connection dropped on the way: the kept copy will do until the next try.
    }
  }
  const sentIds = pins.flatMap((p) => [p.client_id, p.agreed && p.agreed.client_id]);
  const onServer = new Set(sentIds.filter(Boolean));
  const records = (await outbox.waiting(walk.code)).filter((r) => !onServer.has(r.client_id));
  if (run !== generation) return null;
  others = pins.filter((p) => !p.own).map((p) => ({ ...p, key: "other-" + p.id }));
  const byId = new Map(others.map((p) => [p.id, p]));
  const pinRecords = records.filter((r) => r.kind !== "agreement");
  const agreeRecords = records.filter((r) => r.kind === "agreement");
  items = [
    ...pinRecords.reverse().map(fromRecord),
    ...pins.filter((p) => p.own).reverse().map(fromPin),
    ...agreeRecords.reverse().map((r) => fromAgreementRecord(r, byId.get(r.pinId))),
    ...others.filter((p) => p.agreed).reverse().map(fromAgreed),
  ];
  render();
  mapView.showPins([...others, ...items.filter((i) => !i.agreement && i.lat != null)]);
  if (hooks.changed) hooks.changed();
  return {
    waiting: records.filter((r) => r.state !== "failed").length,
    failed: records.filter((r) => r.state === "failed").length,
  };
}

/** The categories of a pin as words. */
export const categoryText = (keys) => (keys || []).map((k) => categoryLabels[k] || k).join(", ");

/** Metres between two points (near enough at a walk's scale). */
function metres(a, b) {
  const dy = (a.lat - b.lat) * 111320;
  const dx = (a.lon - b.lon) * 111320 * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  return Math.hypot(dx, dy);
}

/** The phone's agreement with pin `pinId` (sent or waiting), or null. */
export const agreementWith = (pinId) => items.find((i) => i.agreement && i.pinId === pinId) || null;

/** Pins within NEARBY_M of (lat, lon), nearest first: one's own ({own: true, item}) and others'
 * ({own: false, pin}), at most `max`. */
export function nearby(lat, lon, max = 3) {
  const here = { lat, lon };
  const own = items.filter((i) => !i.agreement && i.lat != null && !i.stop).map((item) => ({ own: true, item, at: item }));
  const theirs = others.map((p) => ({ own: false, pin: p, at: p }));
  return [...own, ...theirs]
    .map((n) => ({ ...n, m: metres(here, n.at) }))
    .filter((n) => n.m <= NEARBY_M)
    .sort((a, b) => a.m - b.m)
    .slice(0, max);
}

function fromRecord(record) {
  const f = record.fields;
  const stop = f.stop ? stopsByName[f.stop] : null;
  return {
    key: record.client_id, clientId: record.client_id, target: { record }, own: true, waiting: record.state !== "failed",
    state: record.state === "failed" ? "failed" : "waiting", error: record.error,
    rating: Number(f.rating), categories: f.categories || [], comment: f.comment,
    stop: f.stop, words: f.place_description,
    lat: stop ? stop.lat : f.lat != null ? Number(f.lat) : null,
    lon: stop ? stop.lon : f.lon != null ? Number(f.lon) : null,
  };
}

function fromPin(pin) {
  return {
    key: "pin-" + pin.id, clientId: pin.client_id, target: { pin }, own: true, waiting: false, state: pin.hidden ? "hidden" : "sent",
    rating: pin.rating, categories: pin.categories, comment: pin.comment,
    stop: pin.stop_name, words: pin.unplaced ? pin.place_description : null,
    lat: pin.unplaced ? null : pin.lat, lon: pin.unplaced ? null : pin.lon,
    photo: pin.photo ? { key: pin.id + ":" + pin.updated_at, url: pin.photo.thumb_url } : null,
  };
}

/** An agreement still on the phone; `pin` is the pin it is about, when the phone still has it listed. */
function fromAgreementRecord(record, pin) {
  return {
    key: record.client_id, agreement: true, pinId: record.pinId, target: { record },
    waiting: record.state !== "failed", state: record.state === "failed" ? "failed" : "waiting", error: record.error,
    rating: pin ? pin.rating : null, categories: pin ? pin.categories : [], comment: record.fields.comment,
  };
}

/** An agreement the server has. */
function fromAgreed(pin) {
  return {
    key: "agreement-" + pin.agreed.id, agreement: true, pinId: pin.id, target: { agreement: pin.agreed },
    waiting: false, state: "sent", rating: pin.rating, categories: pin.categories, comment: pin.agreed.comment,
  };
}

function stateText(item) {
  if (item.state === "waiting") return t("state_waiting");
  if (item.state === "hidden") return t("state_hidden");
  if (item.state === "failed") return item.error && item.error.message ? t("state_failed", { message: item.error.message }) : t("state_failed_unknown");
  return t("state_sent");
}

function render() {
  list.replaceChildren(...items.map(renderItem));
  $("erase").hidden = items.length === 0;
  const ownPins = items.filter((i) => !i.agreement).length;
  $("mine-empty").hidden = items.length > 0;
  $("mine-count").textContent = ownPins;
  $("mine-count").hidden = ownPins === 0;
}

function renderItem(item) {
  const li = (item.agreement ? agreementTemplate : template).content.firstElementChild.cloneNode(true);
  Object.assign(li.dataset, { key: item.key, state: item.state });
  if (item.rating != null) li.dataset.rating = item.rating;
  const text = (selector, value) => {
    const el = li.querySelector(selector);
    el.textContent = value || "";
    el.hidden = !value;
  };
  text(".pin-rating", item.rating != null ? t("ratings." + item.rating) : "");
  text(".pin-cats", categoryText(item.categories));
  if (item.agreement) {
    text(".pin-comment", item.comment);
    text(".pin-state", item.state === "sent" ? t("agreed_sent") : stateText(item));
    return li;
  }
  text(".pin-place", item.stop ? t("place_stop", { stop: item.stop }) : item.words ? t("place_words", { text: item.words }) : "");
  text(".pin-comment", item.comment);
  text(".pin-state", stateText(item));
  showThumb(li.querySelector(".thumb"), item);
  return li;
}

async function showThumb(img, item) {
  let key, url;
  if (item.target.record && item.target.record.photo) {
    key = item.key;
    url = thumbs.get(key) || URL.createObjectURL(item.target.record.photo);
  } else if (item.photo) {
    key = item.photo.key;
    url = thumbs.get(key);
    if (!url && isOnline()) url = await photoUrl(item.photo.url).catch(() => null);
  }
  if (!url) return;
  thumbs.set(key, url);
  item.thumbUrl = url;
  img.src = url;
  img.hidden = false;
}

/** Open the list, with the pin `key` (tapped on the map) marked and in view. */
export function openMine(key) {
  openSheet(sheet, { opener: $("mine-open") });
  list.querySelectorAll(".highlight").forEach((el) => el.classList.remove("highlight"));
  const li = key && list.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (li) {
    li.classList.add("highlight");
    li.scrollIntoView({ block: "nearest" });
  }
}

function act(event) {
  const button = event.target.closest("button[data-act]");
  if (!button) return;
  const li = button.closest(".pin");
  const item = items.find((i) => i.key === li.dataset.key);
  if (!item) return;
  const confirming = (on) => {
    for (const el of li.querySelectorAll("[data-act]")) el.hidden = ["confirm", "cancel"].includes(el.dataset.act) !== on;
    li.querySelector(`[data-act="${on ? "confirm" : "delete"}"]`).focus();
  };
  if (button.dataset.act === "takeback") takeBack(item);
  else if (button.dataset.act === "edit") hooks.edit(item.target, item.thumbUrl);
  else if (button.dataset.act === "delete") confirming(true);
  else if (button.dataset.act === "cancel") confirming(false);
  else if (button.dataset.act === "confirm") remove(item);
}

async function remove(item) {
  if (item.target.record) {
    await outbox.discard(item.key);
  } else {
    if (!isOnline()) return hooks.toast(t("need_online"));
    let res;
    try {
      res = await call("DELETE", pinUrl(item.target.pin.id));
    } catch {
      return hooks.toast(t("need_online"));
    }
    if (!res.ok && res.status !== 404) return hooks.toast(res.data.message || t("save_failed"));
  }
  hooks.toast(t("deleted"));
  await refresh();
  $("mine-title").focus();
}

/** Take an agreement back: off the phone if it still waits there, else from the server. */
export async function takeBack(item) {
  if (!item) return;
  if (item.target.record) {
    await outbox.discard(item.target.record.client_id);
  } else {
    if (!isOnline()) return hooks.toast(t("need_online_agreement"));
    let res;
    try {
      res = await call("DELETE", page.urls.agreement + item.target.agreement.id);
    } catch {
      return hooks.toast(t("need_online_agreement"));
    }
    if (!res.ok && res.status !== 404) return hooks.toast(res.data.message || t("save_failed"));
  }
  hooks.toast(t("taken_back"));
  await refresh();
}

function confirmErase(on) {
  $("erase-ask").hidden = on;
  $("erase-confirm").hidden = !on;
  (on ? $("erase-yes") : $("erase-ask")).focus();
}

/** "Ta bort alla mina punkter": what waits on the phone goes from the phone, what was sent from the
 * server (one request); a pin staff are acting on stays there. */
async function eraseAll() {
  const sent = items.some((i) => !i.target.record);
  if (sent && !isOnline()) return hooks.toast(t("need_online"));
  for (const record of await outbox.waiting(walk.code)) await outbox.discard(record.client_id);
  let kept = 0;
  if (sent) {
    let res;
    try {
      res = await call("DELETE", page.urls.pins);
    } catch {
      return hooks.toast(t("need_online"));
    }
    if (!res.ok) return hooks.toast(res.data.message || t("save_failed"));
    kept = res.data.kept_pins || 0;
  }
  confirmErase(false);
  hooks.toast(kept ? t("erased_kept") : t("erased"));
  await refresh();
  $("mine-title").focus();
}
