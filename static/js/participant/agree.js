// "Jag håller med": agree with another participant's pin instead of making a second pin at the same
// place. Of another's pin the phone shows where, how it felt and what it is about, never their words
// or photo. An agreement travels through the outbox like a pin: kept on the phone first, sent once.
// Loaded when first needed (app.js), and only walks that share pins have the sheet.
import { t, tn } from "../i18n.js";
import { page, walk, session, newClientId, isOnline } from "./api.js";
import { categoryText } from "./mine.js";
import * as mapView from "./map.js";
import * as outbox from "./outbox.js";
import { openSheet } from "./sheet.js";

const $ = (id) => document.getElementById(id);
const sheet = $("agree");
const form = $("agree-form");

let pin = null;  // the pin the sheet is about
let hooks = {};

/** Wire the sheet; hooks: status(pinId) → the phone's agreement item or null, takeBack(item),
 * newHere(pin), done(text). */
export function initAgree(h) {
  hooks = h;
  form.addEventListener("submit", submit);
  $("agree-takeback").addEventListener("click", () => hooks.takeBack(hooks.status(pin.id)));
  $("agree-new").addEventListener("click", () => hooks.newHere(pin));
}

/** Open the sheet for another participant's pin (as the server listed it). */
export function openAgree(other, opener = document.activeElement) {
  pin = other;
  form.reset();
  $("agree-error").hidden = true;
  $("agree-summary").dataset.rating = other.rating;
  $("agree-rating").textContent = t("ratings." + other.rating);
  const cats = categoryText(other.categories);
  $("agree-cats").textContent = cats;
  $("agree-cats").hidden = !cats;
  $("agree-count").textContent = other.agreements ? tn("agree_count", other.agreements) : "";
  $("agree-count").hidden = !other.agreements;
  showState();
  openSheet(sheet, { opener, onClose: () => mapView.holdStill(false) });
  // The pin in view above the sheet (and back where the map was once it closes).
  mapView.holdStill(true);
  mapView.reveal(other.lat, other.lon, sheet.offsetHeight);
}

/** Update the open sheet after the phone's agreements changed. */
export function showState() {
  if (!pin) return;
  const mine = hooks.status(pin.id);
  $("agree-ask").hidden = Boolean(mine);
  $("agree-submit").hidden = Boolean(mine);
  $("agree-done").hidden = !mine;
  $("agree-takeback").hidden = !mine;
  $("agree-state").textContent = mine ? (mine.waiting ? t("agreed_waiting") : mine.state === "failed" ? t("state_failed_unknown") : t("agreed_sent")) : "";
}

async function submit(event) {
  event.preventDefault();
  if (!pin || hooks.status(pin.id)) return;
  const rating = form.querySelector("input[name=agree-rating]:checked");
  const record = {
    kind: "agreement", client_id: newClientId(), code: walk.code, pinId: pin.id,
    url: `${page.urls.pins}/${pin.id}/agreements`, itemBase: page.urls.agreement,
    token: session.token, created: Date.now(), state: "waiting", error: null, photo: null,
    fields: { rating: rating ? rating.value : null, comment: $("agree-comment").value.trim() },
  };
  try {
    await outbox.enqueue(record);
  } catch {
    const sent = isOnline() && (await outbox.sendDirect(record).catch(() => false));
    if (!sent) {
      $("agree-error").textContent = t("no_storage");
      $("agree-error").hidden = false;
      return;
    }
  }
  hooks.done(isOnline() ? t("agreed_toast") : t("agreed_waiting"));
}
