/* The service worker: keeps the walk page and its files so a reload works offline, answers for map
 * tiles it cannot fetch, and sends pins that waited (on request from the page, or by Background Sync).
 * The server puts self.WALKAPP = {version, assets, queue, tiles} in front of this file. */
"use strict";
importScripts(self.WALKAPP.queue);

const SHELL = "walkapp-shell-" + self.WALKAPP.version;
const PAGES = "walkapp-pages";
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

function tile(request) {
  return fetch(request).catch(() => new Response(BLANK_TILE, { headers: { "Content-Type": "image/svg+xml" } }));
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
