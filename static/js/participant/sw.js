/* The service worker: keeps the walk page and its files so a reload works offline, answers for map
 * tiles it cannot fetch (the walk area's tiles it keeps, once asked), and sends pins that waited (on request from the page, or by Background Sync).
 * The server puts self.WALKAPP = {version, assets, queue, tiles} in front of this file. */
"use strict";
importScripts(self.WALKAPP.queue);

const SHELL = "walkapp-shell-" + self.WALKAPP.version;
const PAGES = "walkapp-pages";
// The walk area's map tiles, kept for offline use (the page asks once someone has joined).
const TILES = "walkapp-tiles";
const ASSETS = new Set(self.WALKAPP.assets);
const TILE = tilePattern(self.WALKAPP.tiles);
// An empty light tile: offline, the map shows blank squares instead of broken images.
const BLANK_TILE = '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#e8ece4"/></svg>';

/** A RegExp for the configured tile URL template, its {z}/{x}/{y}/{s} parts matching anything. */
function tilePattern(template) {
  let absolute = template;
  if (template.startsWith("//")) absolute = self.location.protocol + template;
  else if (template.startsWith("/")) absolute = self.location.origin + template;
  const parts = absolute.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp("^" + parts.join("[^/?#]*") + "$");
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll([...ASSETS])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("walkapp-shell-") && n !== SHELL).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const ours = url.origin === self.location.origin;
  if (ours && request.mode === "navigate" && url.pathname.startsWith("/j/")) event.respondWith(walkPage(event));
  else if (ours && ASSETS.has(url.pathname)) event.respondWith(shellFile(request));
  else if (TILE.test(request.url)) event.respondWith(tile(request));
});

/** The walk page from the network, kept for offline; the kept copy when the network fails. */
async function walkPage(event) {
  const key = pageKey(event.request.url);
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(caches.open(PAGES).then((cache) => cache.put(key, copy)));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(key, { cacheName: PAGES });
    if (kept) return kept;
    throw error;
  }
}

function pageKey(url) {
  const u = new URL(url);
  return u.origin + u.pathname;
}

async function shellFile(request) {
  const kept = await caches.match(request, { cacheName: SHELL, ignoreSearch: true });
  return kept || fetch(request);
}

/** A tile: the kept copy if the area was saved for offline use, else the network, else a blank. */
async function tile(request) {
  const kept = await caches.match(request.url, { cacheName: TILES });
  if (kept) return kept;
  return fetch(request).catch(() => new Response(BLANK_TILE, { headers: { "Content-Type": "image/svg+xml" } }));
}

/** The tile addresses of a walk area: {bounds: [[s, w], [n, e]], zooms: [min, max]}, with the same
 * formula as walkapp/offline_tiles.py (which counted them for the leader). */
function areaTiles(template, offline) {
  const [[south, west], [north, east]] = offline.bounds;
  const urls = [];
  for (let z = offline.zooms[0]; z <= offline.zooms[1]; z++) {
    const n = 2 ** z;
    const col = (lon) => Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
    const row = (lat) => {
      const rad = (Math.max(Math.min(lat, 85.0511), -85.0511) * Math.PI) / 180;
      return Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n)));
    };
    for (let x = col(west); x <= col(east); x++) {
      for (let y = row(north); y <= row(south); y++) {
        urls.push(new URL(template.replace("{z}", z).replace("{x}", x).replace("{y}", y).replace("{s}", "a"), self.location.origin).href);
      }
    }
  }
  return urls;
}

/** Keep the walk area's tiles, a few at a time, telling the pages how far it has come. A tile kept
 * already is not fetched again; one that fails is tried on the next visit. */
let prefetching = null;
function prefetch(template, offline) {
  if (prefetching) return prefetching;
  prefetching = (async () => {
    const cache = await caches.open(TILES);
    const urls = areaTiles(template, offline);
    let done = 0;
    let failed = 0;
    let fetched = 0;
    const tell = async () => {
      const pages = await self.clients.matchAll({ type: "window" });
      pages.forEach((client) => client.postMessage({ type: "tiles", done, failed, fetched, total: urls.length }));
    };
    const queue = [...urls];
    const worker = async () => {
      for (let url = queue.shift(); url; url = queue.shift()) {
        try {
          if (!(await cache.match(url))) {
            const response = await fetch(url, { credentials: "same-origin" });
            if (response.ok) {
              await cache.put(url, response);
              fetched += 1;
            } else {
              failed += 1;
            }
          }
        } catch {
          failed += 1;
        }
        done += 1;
        if (done % 10 === 0 || done === urls.length) await tell();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await tell();
  })().finally(() => { prefetching = null; });
  return prefetching;
}

/** Keep the page the participant has open, fetched before this worker was there to see it. */
async function keepPage(path) {
  const url = new URL(path, self.location.origin);
  if (!url.pathname.startsWith("/j/")) return;
  const response = await fetch(url, { credentials: "same-origin" });
  if (response.ok) await (await caches.open(PAGES)).put(pageKey(url.href), response);
}

/** Send what waits, then tell every open page how it went. */
async function flushAndTell() {
  const report = self.navigator.onLine === false ? { sent: [], failed: [], waiting: 0, network: true } : await self.WalkQueue.flush();
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  pages.forEach((client) => client.postMessage({ type: "outbox", report }));
  return report;
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "flush") {
    event.waitUntil(flushAndTell());
  } else if (message.type === "prefetch-tiles" && message.offline) {
    event.waitUntil(prefetch(self.WALKAPP.tiles, message.offline).catch(() => null));
  } else if (message.type === "keep-page") {
    const reply = event.ports[0];
    event.waitUntil(keepPage(message.url).catch(() => null).then(() => reply && reply.postMessage("kept")));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "walkapp-outbox") return;
  event.waitUntil(flushAndTell().then((report) => {
    // A rejected sync is retried by the browser later, even with the page closed.
    if (report.network || report.waiting) throw new Error("pins still waiting");
  }));
});
