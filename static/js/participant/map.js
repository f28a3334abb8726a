// The map: the walk's area (dashed) and stops, the phone's position with its accuracy, the new pin,
// and the pins already made (one's own strong, others' small and pale).
import { t } from "../i18n.js";
import { page, walk } from "./api.js";

// Leaflet is the global L, loaded by app.js just before the map is first drawn.
const HEADER_PX = 52;
let map, tiles, area, me, halo, draft, pinLayer, ownLayer;
let panned = null; // how far a sheet moved the map (a Leaflet point); undone when the sheet closes
let fresh = { id: null, until: 0 }; // the pin just made (client_id), drawn with a pulse for a moment
let fix = null; // the latest GPS position: {lat, lon, accuracy}
let follow = true; // keep the map on the phone until the participant pans it
let hold = false; // a sheet is open: the map must not move under the thumb
let on = {};

const ratingColour = (rating) => getComputedStyle(document.documentElement).getPropertyValue("--r" + rating).trim();

/** Draw the map in `element`; `handlers` hears of taps, drags and the GPS state. */
let mapReady;
/** Resolves once the map is drawn (Leaflet arrives after the intro). */
export const ready = new Promise((resolve) => { mapReady = resolve; });

export function startMap(element, handlers) {
  on = handlers;
  map = L.map(element, { zoomControl: false, attributionControl: false, zoomSnap: 0.5 });
  L.control.attribution({ position: "bottomright" }).addTo(map);
  L.control.zoom({ position: "bottomright", zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out") }).addTo(map);
  // Our own tile server gives anyone only the tiles around the walk: ask for no others.
  tiles = L.tileLayer(page.tiles.url, {
    attribution: page.tiles.attribution, maxZoom: 19, minZoom: page.tiles.minZoom, bounds: page.tiles.bounds,
  }).addTo(map);
  // The area's outline: its GeoJSON Polygon's rings (closed), [lon, lat] turned to Leaflet's [lat, lon].
  const rings = walk.area.coordinates.map((ring) => ring.map(([lon, lat]) => [lat, lon]));
  area = L.polyline(rings, { interactive: false, color: "#102a43", weight: 3, dashArray: "10 8" }).addTo(map);
  map.fitBounds(area.getBounds(), { padding: [12, 12] });
  for (const stop of walk.stops) {
    L.circleMarker([stop.lat, stop.lon], { radius: 7, weight: 3, color: "#102a43", fillColor: "#fff", fillOpacity: 1, interactive: false })
      .addTo(map);
    // The name beside it. Leaflet puts a string in as HTML: a leader's stop name goes in as text only.
    const label = document.createElement("span");
    label.textContent = stop.name;
    L.marker([stop.lat, stop.lon], { icon: L.divIcon({ className: "stop-label", html: label, iconSize: [0, 0] }), interactive: false, keyboard: false })
      .addTo(map);
  }
  // Layers bottom to top: others' pins, the phone's position, one's own pins (a pin made where one
  // stands must not hide under the position dot), the new pin being placed (a marker, above all).
  map.createPane("me").style.zIndex = 450;
  map.createPane("own").style.zIndex = 460;
  pinLayer = L.layerGroup().addTo(map);
  ownLayer = L.layerGroup().addTo(map);
  if (shownPins.length) showPins(shownPins);
  mapReady();
  map.on("click", (e) => on.tap(e.latlng));
  map.on("dragstart", () => { follow = false; });
  watchPosition();
}

function watchPosition() {
  if (!navigator.geolocation) return on.gps("unavailable");
  on.gps("wait");
  navigator.geolocation.watchPosition(located, (err) => on.gps(err.code === 1 ? "denied" : "unavailable"), {
    enableHighAccuracy: true, maximumAge: 10000, timeout: 30000,
  });
}

function located(position) {
  const { latitude: lat, longitude: lon, accuracy } = position.coords;
  const first = fix === null;
  fix = { lat, lon, accuracy };
  const here = [lat, lon];
  if (!me) {
    halo = L.circle(here, { pane: "me", radius: accuracy, interactive: false, weight: 1, color: "#1d4ed8", fillColor: "#3b82f6", fillOpacity: 0.15 }).addTo(map);
    me = L.circleMarker(here, { pane: "me", radius: 8, weight: 3, color: "#fff", fillColor: "#1d4ed8", fillOpacity: 1, interactive: false }).addTo(map);
  } else {
    halo.setLatLng(here).setRadius(accuracy);
    me.setLatLng(here);
  }
  // Far from the walk (at home, say) the area is the better view.
  const near = area.getBounds().pad(0.5).contains(here);
  if (follow && !hold && near) map.setView(here, first ? Math.max(map.getZoom(), 17) : map.getZoom(), { animate: !first });
  on.gps("ok");
}

/** The latest GPS position, or null before the first fix. */
export const position = () => fix;

/** Where a pin goes without GPS: the middle of what the map shows when that is inside the walk's
 * area, else the point of the area nearest to it (so the pin can be sent as it is). */
export function centre() {
  const c = map ? map.getCenter() : { lat: walk.center.lat, lng: walk.center.lon };
  if (insideArea(c.lat, c.lng)) return { lat: c.lat, lon: c.lng };
  return nearestInside(c.lat, c.lng);
}

/** A point inside the area near (lat, lon): the walk's centre or a stop when inside, else the
 * nearest of a grid over the area's bounds. */
function nearestInside(lat, lon) {
  const candidates = [{ lat: walk.center.lat, lon: walk.center.lon }, ...walk.stops.map((s) => ({ lat: s.lat, lon: s.lon }))];
  const polygons = walk.area.type === "Polygon" ? [walk.area.coordinates] : walk.area.coordinates;
  const xs = polygons.flatMap((p) => p[0].map((c) => c[0]));
  const ys = polygons.flatMap((p) => p[0].map((c) => c[1]));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const steps = 24;
  for (let i = 1; i < steps; i++) {
    for (let j = 1; j < steps; j++) candidates.push({ lat: y0 + ((y1 - y0) * i) / steps, lon: x0 + ((x1 - x0) * j) / steps });
  }
  const inside = candidates.filter((p) => insideArea(p.lat, p.lon));
  const scale = Math.cos((lat * Math.PI) / 180);
  const distance = (p) => (p.lat - lat) ** 2 + ((p.lon - lon) * scale) ** 2;
  // The walk's own centre or a stop wins when it is inside: a place the youths recognise.
  const named = inside.slice(0, 1 + walk.stops.length);
  const pool = named.length ? named : inside;
  return pool.length ? pool.reduce((a, b) => (distance(b) < distance(a) ? b : a)) : { lat: walk.center.lat, lon: walk.center.lon };
}

// The new pin's marker: a drawn pin (no image files to download), tip at the bottom.
const DRAFT_ICON = () => L.icon({
  iconUrl: "data:image/svg+xml," + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="25" height="41" viewBox="0 0 25 41">' +
    '<path d="M12.5 1C6.2 1 1 6.2 1 12.5 1 21.5 12.5 40 12.5 40S24 21.5 24 12.5C24 6.2 18.8 1 12.5 1z" ' +
    'fill="#1d4ed8" stroke="#0b1f4d" stroke-width="2"/><circle cx="12.5" cy="12.5" r="4.5" fill="#fff"/></svg>'),
  iconSize: [25, 41], iconAnchor: [12.5, 41],
});

/** Put the new pin at (lat, lon); dragging it reports the new place through handlers.dragged. */
export function placeDraft(lat, lon) {
  if (!map) {
    ready.then(() => placeDraft(lat, lon));
    return;
  }
  if (!draft) {
    draft = L.marker([lat, lon], { icon: DRAFT_ICON(), draggable: true, autoPan: true, keyboard: false, alt: t("draft_pin"),
      title: t("draft_pin"), zIndexOffset: 1000 });
    draft.on("dragend", () => {
      const p = draft.getLatLng();
      on.dragged(p);
    });
    draft.addTo(map);
  } else {
    draft.setLatLng([lat, lon]);
  }
}

export function removeDraft() {
  if (draft) draft.remove();
  draft = null;
}

/** Pan so (lat, lon) sits in the middle of the part of the map the sheet leaves visible. */
export function reveal(lat, lon, coveredPx) {
  if (!map) {
    ready.then(() => reveal(lat, lon, coveredPx));
    return;
  }
  map.stop();  // a fling still gliding would carry the pin away again
  const size = map.getSize();
  const point = map.latLngToContainerPoint([lat, lon]);
  const middle = L.point(size.x / 2, (HEADER_PX + size.y - coveredPx) / 2);
  const offset = point.subtract(middle).round();
  map.panBy(offset, { animate: false });
  panned = panned ? panned.add(offset) : offset;
}

/** While a sheet is open the map stays where it is; "Markera här" turns following on again. When
 * the sheet closes, the map goes back to where it was before the sheet moved it. */
export function holdStill(value) {
  hold = value;
  if (value) follow = true;
  else if (panned && map) {
    map.panBy(panned.multiplyBy(-1), { animate: false });
    panned = null;
  }
}

/** Draw the pin made just now (by its client_id) with a pulse, so the youth sees it land. */
export function flash(clientId) {
  fresh = { id: clientId, until: Date.now() + 4000 };
  showPins(shownPins);
  setTimeout(() => showPins(shownPins), 4100);
}

/** Show the pins: [{lat, lon, rating, own, waiting, key}]; tapping one reports it through handlers.pin. */
let shownPins = [];
export function showPins(pins) {
  shownPins = pins;
  if (!pinLayer) return;  // the map is still loading: startMap draws them
  pinLayer.clearLayers();
  ownLayer.clearLayers();
  const pulsing = Date.now() < fresh.until ? fresh.id : null;
  for (const pin of pins) {
    const isNew = pin.own && pulsing && pin.clientId === pulsing;
    const style = pin.own
      ? { pane: "own", radius: 11, weight: 3, color: "#111", fillColor: ratingColour(pin.rating), fillOpacity: 1,
          dashArray: pin.waiting ? "4 4" : null, className: isNew ? "pin-new" : "" }
      : { radius: 7, weight: 2, color: "#fff", fillColor: ratingColour(pin.rating), fillOpacity: 0.8 };
    L.circleMarker([pin.lat, pin.lon], style).on("click", () => on.pin(pin)).addTo(pin.own ? ownLayer : pinLayer);
  }
}

/** Tiles that failed offline are drawn again once the phone is back online. */
export const redrawTiles = () => tiles && tiles.redraw();

/** Whether (lat, lon) lies inside the walk's area (a Polygon or MultiPolygon, holes respected). */
export function insideArea(lat, lon) {
  const polygons = walk.area.type === "Polygon" ? [walk.area.coordinates] : walk.area.coordinates;
  return polygons.some(([outer, ...holes]) => inRing(outer, lon, lat) && !holes.some((hole) => inRing(hole, lon, lat)));
}

function inRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
