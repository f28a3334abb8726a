// Shared by the staff pages: a Leaflet map with our tile server, the walk's area, and rating colours.
let cached = null;
export function config() {
  if (!cached) {
    const el = document.getElementById("map-config");
    cached = el ? JSON.parse(el.textContent) : {};
  }
  return cached;
}

/** A rating's colour, as walkapp/vocab.py defines it (through the page's map-config island). */
export const ratingColour = (rating) => config().scales.ratings[String(rating)].colour;

export function makeMap(elementId, options = {}) {
  const cfg = config();
  // Quarter zoom steps so an area fills the map instead of snapping to half its size.
  const map = L.map(elementId, { scrollWheelZoom: true, zoomSnap: 0.25, ...options });
  L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  if (cfg.area) {
    const area = L.geoJSON(cfg.area, { style: { color: "#0b5cad", weight: 2, dashArray: "6 6", fill: false } }).addTo(map);
    map.fitBounds(area.getBounds(), { padding: [20, 20] });
  } else if (cfg.center) {
    map.setView(cfg.center, 15);
  }
  return map;
}

// Build DOM from text only: user words never become HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}
