// The page's side of the outbox (queue.js): keep a pin on the phone first, then ask the service
// worker to send it (or send from the page when there is no worker), and try again until it is sent.
import { isOnline } from "./api.js";

const queue = window.WalkQueue;
const SYNC_TAG = "walkapp-outbox";
const RETRY_MAX_MS = 60000;
const listeners = new Set();
let retryMs = 1000;
let retryTimer = null;

/** Hear about every change: a send report, or going on/offline. */
export const onChange = (listener) => listeners.add(listener);
const changed = (report) => listeners.forEach((listener) => listener(report));

/** The pins of walk `code` still on the phone (waiting or failed), oldest first. */
export async function waiting(code) {
  try {
    // Pins the author deleted stay queued only until the server forgets them too: not shown.
    return (await queue.all()).filter((record) => record.code === code && !record.deleteAfterSend);
  } catch {
    return [];
  }
}

/** Keep the pin on the phone and start sending it; throws only if the phone cannot keep it. */
export async function enqueue(record) {
  await queue.put(record);
  askForSync();
  // Kept on the phone is what counts: the send report arrives through onChange, however slow the network.
  flush().catch(() => null);
}

/** Change a pin that waits; false when it was sent meanwhile. */
export const update = (id, change) => queue.update(id, change);
export const discard = (id) => queue.discard(id);

/** Send now, through the service worker when there is one: its failures stay out of the page. */
export async function flush() {
  if (!isOnline()) return changed({ offline: true });
  const worker = await activeWorker();
  if (worker) worker.postMessage({ type: "flush" });
  else received(await queue.flush());
}

async function activeWorker() {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration().catch(() => null);
  return registration ? registration.active : null;
}

async function askForSync() {
  const registration = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration().catch(() => null) : null;
  if (registration && registration.sync) registration.sync.register(SYNC_TAG).catch(() => null);
}

function received(report) {
  clearTimeout(retryTimer);
  if (report.network || report.waiting) {
    // Online but the send failed (a dropped response, a busy server): back off, then try again.
    retryTimer = setTimeout(flush, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  } else {
    retryMs = 1000;
  }
  changed(report);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox") received(event.data.report);
  });
  navigator.serviceWorker.startMessages();
}
window.addEventListener("online", () => {
  retryMs = 1000;
  changed({ online: true });
  flush();
});
window.addEventListener("offline", () => changed({ offline: true }));
// A last resort for a worker that was stopped halfway or a message that got lost.
setInterval(async () => {
  if (isOnline() && (await queue.all().catch(() => [])).some((r) => r.state !== "failed")) flush();
}, 30000);

/** Without IndexedDB (some private modes) a pin goes straight to the server; true when it arrived. */
export async function sendDirect(record) {
  const result = await queue.send(record);
  if (result.outcome === "sent") changed({ sent: [{ client_id: record.client_id, code: record.code, pin: result.pin }], failed: [] });
  return result.outcome === "sent";
}
