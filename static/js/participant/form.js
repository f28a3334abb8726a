// The pin form in the bottom sheet: a new pin on the map, a new pin without the map, or a change.
import { t, tn } from "../i18n.js";
import { page, walk, session, call, pinUrl, newClientId, isOnline } from "./api.js";
import { shrink } from "./photo.js";
import { lightAt } from "./light.js";
import * as mapView from "./map.js";
import * as outbox from "./outbox.js";
import { openSheet, closeSheet } from "./sheet.js";
import { categoryText } from "./mine.js";

const $ = (id) => document.getElementById(id);
const sheet = $("sheet");
const form = $("pin-form");
const chips = [...form.querySelectorAll(".chip")];
const whereInputs = [...form.querySelectorAll("input[name=where]")];
const COMMENT_MAX = Number($("comment").maxLength);

// What the open form is about: mode "new" (on the map), "nomap", or "edit" with its target
// ({pin} from the server or {record} still on the phone); position {lat, lon, accuracy} or null.
let state = null;
let hooks = {};

/** Wire the form; hooks.done(message, clientId) runs after a pin was kept (with its client_id),
 * sent or changed; hooks.nearby(lat, lon) lists the pins already close by (mine.js), and
 * hooks.agree(pin, opener) opens "Jag håller med" for one of them. */
export function initForm(h) {
  hooks = h;
  $("nearby-list").addEventListener("click", chooseNearby);
  chips.forEach((chip) => chip.addEventListener("click", () => {
    chip.setAttribute("aria-pressed", String(chip.getAttribute("aria-pressed") !== "true"));
  }));
  $("comment").addEventListener("input", countComment);
  $("photo").addEventListener("change", choosePhoto);
  $("photo-remove").addEventListener("click", removePhoto);
  whereInputs.forEach((input) => input.addEventListener("change", () => { showWords(); showFollowUp(); }));
  form.querySelectorAll("input[name=rating]").forEach((input) => input.addEventListener("change", () => { $("rating-error").hidden = true; }));
  form.addEventListener("submit", submit);
}

/** Is the form open for a pin that sits on the map (so a tap on the map moves it)? */
export const placing = () => Boolean(state && state.position && !state.words);

/** A new pin at `position`; fromGps says whether it is the phone's own fix. */
export function openNew(position, fromGps) {
  begin({ mode: "new", position, fromGps }, t("title_new"), t("submit_new"));
  mapView.placeDraft(position.lat, position.lon);
  showNearby();
  open(false);
  mapView.reveal(position.lat, position.lon, sheet.offsetHeight);
}

/** A new pin without the map: at one of the walk's stops, or described in words. */
export function openNoMap() {
  begin({ mode: "nomap", position: null, words: true }, t("title_nomap"), t("submit_new"));
  open(true);
}

/** Change a pin: {pin} as the server sent it, or {record} still waiting on the phone. */
export function openEdit(target, thumbUrl) {
  const f = target.pin || target.record.fields;
  const stop = target.pin ? target.pin.stop_name : f.stop;
  const words = target.pin ? (target.pin.unplaced ? target.pin.place_description : null) : f.place_description;
  const placed = !stop && !words;
  const position = placed ? { lat: Number(f.lat), lon: Number(f.lon), accuracy: null } : null;
  begin({ mode: "edit", target, position, fromGps: false, words: !placed, unchanged: true }, t("title_edit"), t("submit_edit"));
  fill(f, stop, words, target.pin ? target.pin.photo : target.record.photo, thumbUrl);
  if (placed) mapView.placeDraft(position.lat, position.lon);
  open(!placed, document.getElementById("mine-open"));
  if (placed) mapView.reveal(position.lat, position.lon, sheet.offsetHeight);
}

/** Move the pin being made or changed to where the participant tapped or dragged. */
export function moveTo(latlng) {
  if (!placing()) return;
  state.position = { lat: latlng.lat, lon: latlng.lng, accuracy: null };
  state.fromGps = false;
  state.unchanged = false;
  mapView.placeDraft(latlng.lat, latlng.lng);
  $("form-error").hidden = true;
  showNearby();
  showFollowUp();
}

/** On a follow-up walk, at one of the earlier walk's places (its stops): ask whether it got better. */
const FOLLOW_UP_M = 30;
function showFollowUp() {
  let stop = null;
  if (walk.follow_up && state) {
    if (state.position) {
      const here = state.position;
      const metres = (s) => Math.hypot((s.lat - here.lat) * 111320, (s.lon - here.lon) * 111320 * Math.cos((here.lat * Math.PI) / 180));
      stop = walk.stops.filter((s) => metres(s) <= FOLLOW_UP_M).sort((a, b) => metres(a) - metres(b))[0] || null;
    } else {
      const chosen = whereInputs.find((i) => i.checked && i.dataset.stop);
      stop = chosen ? walk.stops.find((s) => s.name === chosen.dataset.stop) : null;
    }
  }
  $("rating-legend").textContent = stop ? t("rating_follow_up") : t("rating_question");
  $("follow-up-hint").textContent = stop ? t("follow_up_hint", { stop: stop.name }) : "";
  $("follow-up-hint").hidden = !stop;
}

/** Before a second pin is made at the same place: the pins already there, one's own to change and
 * others' to agree with. Only for a new pin on the map. */
let near = [];
function showNearby() {
  near = state && state.mode === "new" && state.position ? hooks.nearby(state.position.lat, state.position.lon) : [];
  const box = $("nearby");
  box.hidden = near.length === 0;
  if (!near.length) return;
  $("nearby-title").textContent = tn("nearby_title", near.length);
  $("nearby-list").replaceChildren(...near.map((n, i) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nearby-pin";
    button.dataset.index = i;
    const found = n.own ? n.item : n.pin;
    button.dataset.rating = found.rating;
    const label = document.createElement("span");
    label.className = "pin-rating";
    label.textContent = t("ratings." + found.rating);
    const cats = categoryText(found.categories);
    const what = document.createElement("span");
    what.className = "nearby-what";
    what.textContent = [n.own ? t("nearby_own") : "", cats].filter(Boolean).join(" · ");
    const action = document.createElement("strong");
    action.textContent = n.own ? t("nearby_change") : n.pin.agreed || hooks.agreed(n.pin.id) ? t("nearby_agreed") : t("nearby_agree");
    button.append(label, " ", what, action);
    li.append(button);
    return li;
  }));
}

function chooseNearby(event) {
  const button = event.target.closest("button[data-index]");
  const n = button && near[Number(button.dataset.index)];
  if (!n) return;
  const opener = $("mark");
  if (n.own) openEdit(n.item.target, n.item.thumbUrl);
  else hooks.agree(n.pin, opener);
}

function begin(newState, title, submitLabel) {
  state = { photo: null, photoChanged: false, removePhoto: false, ...newState };
  const preview = $("preview-img");
  if (preview.dataset.own) URL.revokeObjectURL(preview.src);
  preview.dataset.own = "";
  form.reset();
  chips.forEach((chip) => chip.setAttribute("aria-pressed", "false"));
  for (const id of ["rating-error", "place-error", "form-error", "preview"]) $(id).hidden = true;
  $("sheet-title").textContent = title;
  $("submit").textContent = submitLabel;
  $("submit").disabled = false;
  $("move-hint").hidden = Boolean(state.words);
  $("nearby").hidden = true;
  showFollowUp();
  $("place-field").hidden = !state.words;
  showWords();
  countComment();
  const where = state.position || walk.center;
  const light = lightAt(new Date(), where.lat, where.lon);
  form.querySelector(`input[name=light][value="${light}"]`).checked = true;
}

function fill(fields, stop, words, photo, thumbUrl) {
  const rating = form.querySelector(`input[name=rating][value="${fields.rating}"]`);
  if (rating) rating.checked = true;
  const chosen = new Set(fields.categories || []);
  chips.forEach((chip) => chip.setAttribute("aria-pressed", String(chosen.has(chip.dataset.key))));
  $("comment").value = fields.comment || "";
  countComment();
  const light = form.querySelector(`input[name=light][value="${fields.light}"]`);
  if (light) light.checked = true;
  if (stop) {
    const input = whereInputs.find((i) => i.dataset.stop === stop);
    if (input) input.checked = true;
  } else if (words) {
    whereInputs.find((i) => i.value === "words").checked = true;
    $("place-description").value = words;
  }
  showWords();
  showFollowUp();
  state.thumbUrl = thumbUrl;
  if (photo) showPreview(photo instanceof Blob ? URL.createObjectURL(photo) : thumbUrl);
}

function open(tall, opener = document.activeElement) {
  mapView.holdStill(true);
  openSheet(sheet, {
    tall,
    opener,
    onClose: () => {
      state = null;
      mapView.removeDraft();
      mapView.holdStill(false);
    },
  });
}

function countComment() {
  $("comment-count").textContent = t("count", { n: $("comment").value.length, max: COMMENT_MAX });
}

function showWords() {
  const words = whereInputs.find((i) => i.value === "words");
  $("words-field").hidden = !(words && words.checked);
  $("place-error").hidden = true;
}

function choosePhoto() {
  const file = $("photo").files[0];
  if (!file || !state) return;
  state.photo = shrink(file);
  state.photoChanged = true;
  state.removePhoto = false;
  state.photo.then((blob) => {
    if (state && state.photoChanged) showPreview(URL.createObjectURL(blob));
  });
}

function showPreview(url) {
  if (!url) return;
  const img = $("preview-img");
  // Free the previous photo made on this phone (the thumbnail of a sent pin belongs to the list).
  if (img.dataset.own) URL.revokeObjectURL(img.src);
  img.dataset.own = url.startsWith("blob:") && url !== state.thumbUrl ? "1" : "";
  img.src = url;
  $("preview").hidden = false;
}

function removePhoto() {
  state.photo = null;
  state.photoChanged = false;
  state.removePhoto = true;
  $("photo").value = "";
  $("preview").hidden = true;
  $("photo").focus();
}

/** The form's fields as the API takes them, or {error, focus} saying what is missing. */
function collect() {
  const fields = {};
  if (state.words) {
    const where = whereInputs.find((i) => i.checked);
    const text = $("place-description").value.trim();
    if (!where || (where.value === "words" && !text)) return { error: "place-error", message: t("need_place"), focus: where ? $("place-description") : whereInputs[0] };
    if (where.value === "stop") fields.stop = where.dataset.stop;
    else fields.place_description = text;
  } else if (!state.unchanged || state.mode !== "edit") {
    const p = state.position;
    if (!state.fromGps && !mapView.insideArea(p.lat, p.lon)) return { error: "form-error", message: t("outside_area") };
    fields.lat = p.lat.toFixed(7);
    fields.lon = p.lon.toFixed(7);
    if (state.fromGps && p.accuracy != null) fields.accuracy_m = Math.round(p.accuracy * 10) / 10;
  }
  const rating = form.querySelector("input[name=rating]:checked");
  if (!rating) return { error: "rating-error", message: t("need_rating"), focus: form.querySelector("input[name=rating]") };
  fields.rating = rating.value;
  fields.categories = chips.filter((c) => c.getAttribute("aria-pressed") === "true").map((c) => c.dataset.key);
  fields.comment = $("comment").value.trim();
  fields.light = form.querySelector("input[name=light]:checked").value;
  return { fields };
}

function fail(id, message, focus) {
  const box = $(id);
  box.textContent = message;
  box.hidden = false;
  (focus || box).scrollIntoView({ block: "center" });
  if (focus) focus.focus();
}

async function submit(event) {
  event.preventDefault();
  if (!state) return;
  const { fields, error, message, focus } = collect();
  if (error) return fail(error, message, focus);
  const button = $("submit");
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t("sending");
  let done = false;
  try {
    const photo = state.photo ? await state.photo : null;
    const target = state.target;
    if (state.mode !== "edit") done = await keepNew(fields, photo);
    else if (target.record) done = await changeWaiting(target.record, fields, photo);
    else done = await changeSent(target.pin, fields, photo);
  } catch {
    fail("form-error", t("save_failed"));
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
  if (done) closeSheet();
}

async function keepNew(fields, photo) {
  const record = {
    client_id: newClientId(), code: walk.code, url: page.urls.pins, token: session.token,
    created: Date.now(), state: "waiting", error: null, photo,
    fields: { ...fields, taken_at: new Date().toISOString() },
  };
  try {
    await outbox.enqueue(record);
  } catch {
    // The phone could not keep it (no IndexedDB): only a direct send can save it now.
    const sent = isOnline() && (await outbox.sendDirect(record).catch(() => false));
    if (!sent) {
      fail("form-error", t("no_storage"));
      return false;
    }
  }
  hooks.done(isOnline() ? t("sending") : t("saved_waiting"), record.client_id);
  return true;
}

async function changeWaiting(record, fields, photo) {
  // Every way of giving the place is cleared first; the form's fields then bring the one chosen now.
  const where = { lat: null, lon: null, accuracy_m: null, stop: null, place_description: null };
  const kept = await outbox.update(record.client_id, (r) => ({
    // The current token: after joining again, the old one would keep failing.
    ...r, state: "waiting", error: null, token: session.token,
    fields: { ...r.fields, ...where, ...fields },
    photo: state.removePhoto ? null : photo || r.photo,
  }));
  // When it was sent meanwhile, the change is lost: say so; the list now offers the sent pin to change.
  hooks.done(kept ? t("saved") : t("save_failed"));
  if (kept) outbox.flush();
  return true;
}

/** PATCH a pin the server has; false (with the reason shown) when it did not take it. */
async function changeSent(pin, fields, photo) {
  if (!isOnline()) {
    fail("form-error", t("need_online"));
    return false;
  }
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    // An empty categories field clears them; without it the server would keep the old ones.
    if (name === "categories") (value.length ? value : [""]).forEach((key) => body.append("categories", key));
    else body.append(name, value);
  }
  if (photo) body.append("photo", photo, "photo.jpg");
  else if (state.removePhoto) body.append("remove_photo", "1");
  let res;
  try {
    res = await call("PATCH", pinUrl(pin.id), body);
  } catch {
    fail("form-error", t("need_online"));
    return false;
  }
  if (!res.ok) {
    fail("form-error", res.data.message || t("save_failed"));
    return false;
  }
  hooks.done(t("saved"));
  return true;
}
