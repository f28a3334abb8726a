// The walk page: the intro until the phone has joined, then the map with "Markera här", the pin
// form, "Mina punkter" and the way without the map. Registers the service worker for offline use.
import { t, tn } from "../i18n.js";
import { page, session, join, isOnline, pinCache } from "./api.js";
import * as mapView from "./map.js";
import { initForm, openNew, openNoMap, openEdit, moveTo, placing } from "./form.js";
import { initMine, openMine, refresh, agreementWith, nearby, takeBack } from "./mine.js";
import * as outbox from "./outbox.js";
import { openSheet, openSheetElement, closeSheet } from "./sheet.js";

const $ = (id) => document.getElementById(id);
const html = document.documentElement;
let mapStarted = false;
let toastTimer = null;

/** A message that leaves by itself (longer texts stay a little longer). */
function toast(text) {
  clearTimeout(toastTimer);
  $("toast").textContent = text;
  toastTimer = setTimeout(() => { $("toast").textContent = ""; }, Math.min(9000, 3000 + 45 * text.length));
}
/** A message that can wait: shown once no other is on screen, so that it never takes the place of
 * one just given (the map kept for offline use can finish as "Tack! Punkten är skickad." appears). */
function toastWhenFree(text) {
  if ($("toast").textContent) setTimeout(() => toastWhenFree(text), 500);
  else toast(text);
}

// The GPS state as a small chip over the map; what to do about it comes once as a toast.
const GPS_CHIP = { wait: "gps_chip_wait", denied: "gps_chip_off", unavailable: "gps_chip_off" };
const GPS_TEXT = { denied: "gps_denied", unavailable: "gps_unavailable" };
let gpsState = null;
function showGps(state) {
  $("gps-status").textContent = GPS_CHIP[state] ? t(GPS_CHIP[state]) : "";
  if (GPS_TEXT[state] && state !== gpsState) toast(t(GPS_TEXT[state]));
  gpsState = state;
}

async function update() {
  const counts = await refresh();
  if (!counts) return;
  const parts = [];
  if (!isOnline()) parts.push(t("offline_chip"));
  if (counts.waiting) parts.push(tn("waiting_chip", counts.waiting));
  $("net-status").textContent = parts.join(" · ");
  $("net-status").title = !isOnline() ? t("offline") : "";
}

/** Leaflet (the phone's build), loaded when the map is first shown: the intro does not need its 30 KB. */
let leaflet = null;
function loadLeaflet() {
  if (window.L) return Promise.resolve();
  if (!leaflet) {
    leaflet = new Promise((resolve, reject) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = page.urls.leafletCss;
      document.head.append(css);
      const script = document.createElement("script");
      script.src = page.urls.leafletJs;
      script.onload = resolve;
      script.onerror = () => { leaflet = null; reject(new Error("leaflet")); };
      document.head.append(script);
    });
  }
  return leaflet;
}

async function showMap() {
  html.classList.add("joined");
  if (!mapStarted) {
    mapStarted = true;
    try {
      await loadLeaflet();
    } catch {
      mapStarted = false;  // no network and no saved copy yet: the list and the no-map path still work
      update();
      return;
    }
    mapView.startMap($("map"), {
      tap: (latlng) => moveTo(latlng),
      dragged: (latlng) => moveTo(latlng),
      gps: showGps,
      pin: (pin) => {
        if (placing() || openSheetElement()) return;
        if (pin.own) openMine(pin.key);
        else openAgree(pin, $("mark"));
      },
    });
    installWorker();  // once someone has joined: the worker keeps the page, the map and the outbox
  }
  update();
  outbox.flush();
}

function sessionLost() {
  session.forget();
  html.classList.remove("joined");
  const error = $("start-error");
  error.textContent = t("session_lost");
  error.hidden = false;
}

async function start() {
  const button = $("start");
  const error = $("start-error");
  error.hidden = true;
  if (!isOnline()) {
    error.textContent = t("start_failed");
    error.hidden = false;
    return;
  }
  button.disabled = true;
  try {
    const result = await join();
    if (result.ok) {
      showMap();
      $("mark").focus();
    } else {
      error.textContent = result.message || t("start_failed");
      error.hidden = false;
    }
  } catch {
    error.textContent = t("start_failed");
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

function mark() {
  const fix = mapView.position();
  const where = fix || mapView.centre();
  openNew({ lat: where.lat, lon: where.lon, accuracy: fix ? fix.accuracy : null }, Boolean(fix));
  if (!fix) toast(t("gps_none_pin"));
}

/** Install the service worker and have it keep this page; html[data-offline=ready] says it has. */
async function installWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    // A page the worker already served was kept on the way; the first visit has to ask.
    const served = Boolean(navigator.serviceWorker.controller);
    await navigator.serviceWorker.register(page.urls.sw, { scope: "/" });
    const registration = await navigator.serviceWorker.ready;
    if (!served) {
      await new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = resolve;
        registration.active.postMessage({ type: "keep-page", url: location.pathname }, [channel.port2]);
      });
    }
    html.dataset.offline = "ready";
    // The walk area's map, kept for offline use (bounded; the worker skips tiles it has already).
    if (page.offline && registration.active) registration.active.postMessage({ type: "prefetch-tiles", offline: page.offline });
  } catch {
    // Without a worker (an http:// address on a LAN, say) the page still works while online.
  }
}

/** "Jag håller med" (agree.js), loaded the first time someone opens another's pin. */
let agreeModule = null;
function agreeing() {
  if (!agreeModule) {
    agreeModule = import("./agree.js").then((agree) => {
      agree.initAgree({
        status: agreementWith,
        takeBack: async (item) => { await takeBack(item); agree.showState(); },
        newHere: (pin) => openNew({ lat: pin.lat, lon: pin.lon, accuracy: null }, false),
        done: (text) => { closeSheet(); toast(text); update(); },
      });
      return agree;
    });
    agreeModule.catch(() => { agreeModule = null; });
  }
  return agreeModule;
}
function openAgree(pin, opener) {
  agreeing().then((agree) => agree.openAgree(pin, opener)).catch(() => toast(t("save_failed")));
}

initForm({
  done: (text, clientId) => { if (clientId) mapView.flash(clientId); toast(text); update(); },
  nearby,
  agreed: (pinId) => Boolean(agreementWith(pinId)),
  agree: openAgree,
});
initMine({
  edit: openEdit, toast: (text) => { toast(text); update(); }, sessionLost,
  changed: () => { if (agreeModule) agreeModule.then((agree) => agree.showState()); },
});
outbox.onChange((report) => {
  if (report.sent && report.sent.length) {
    pinCache.keep(report.sent);
    toast(t("sent"));
  }
  if (report.failed && report.failed.length) toast(t("failed_toast"));
  if (report.online && mapStarted) mapView.redrawTiles();
  if (html.classList.contains("joined")) update();
});
// How far keeping the map for offline use has come: a chip while it runs, a toast when it is done.
let tilesDone = false;
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type !== "tiles" || tilesDone) return;
    const finished = data.done >= data.total;
    $("map-status").textContent = finished ? "" : t("tiles_progress", { percent: Math.round((100 * data.done) / data.total) });
    if (finished) {
      tilesDone = true;
      html.dataset.tiles = data.failed ? "partial" : "ready";
      if (!data.failed && data.fetched) toastWhenFree(t("tiles_ready"));  // said once, when it was saved
    }
  });
}
$("start").addEventListener("click", start);
$("mark").addEventListener("click", mark);
$("nomap").addEventListener("click", openNoMap);
$("mine-open").addEventListener("click", () => openMine(null));
// Help (112, BRIS) opens over whatever is on screen, offline too; without the script it is a page.
$("help-open").addEventListener("click", (event) => {
  event.preventDefault();
  openSheet($("help"), { opener: event.currentTarget });
});

if (session.token) showMap();
else html.classList.remove("joined");
