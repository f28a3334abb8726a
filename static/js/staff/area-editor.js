// The walk form's map: a circle around a point or a drawn polygon, and named stops along the route.
import { config, el, makeMap } from "./map.js";
import { t } from "../i18n.js";

const form = document.getElementById("walk-form");
const cfg = config();
const map = makeMap("area-map");
if (!cfg.area) map.setView(cfg.center, 15);

const mode = form.querySelector("#area_mode");
const lat = form.querySelector("#center_lat");
const lon = form.querySelector("#center_lon");
const radius = form.querySelector("#radius_m");
const areaField = form.querySelector("#area_geojson");
const stopsField = form.querySelector("#stops_json");
const stopList = document.getElementById("stop-list");
const hint = document.getElementById("map-hint");

let tool = "area";
let circle = null;
let vertices = [];
let polygon = L.polygon([], { color: "#0b5cad" }).addTo(map);
let stops = JSON.parse(stopsField.value || "[]");
const stopLayer = L.layerGroup().addTo(map);

// A form that came back with an error still holds what was drawn; otherwise start from the saved area.
const drawn = (() => { try { return JSON.parse(areaField.value); } catch { return null; } })();
const start = drawn && drawn.type === "Polygon" ? drawn : cfg.area;
if (start && start.type === "Polygon") {
  vertices = start.coordinates[0].slice(0, -1).map(([x, y]) => L.latLng(y, x));
}

function drawArea() {
  const isCircle = mode.value === "circle";
  form.querySelectorAll(".circle-only").forEach((n) => (n.hidden = !isCircle));
  form.querySelectorAll(".polygon-only").forEach((n) => (n.hidden = isCircle));
  if (circle) { circle.remove(); circle = null; }
  polygon.setLatLngs(isCircle ? [] : vertices);
  if (isCircle && lat.value && lon.value) {
    circle = L.circle([+lat.value, +lon.value], { radius: +radius.value || 600, color: "#0b5cad" }).addTo(map);
  }
  hint.textContent = tool === "stop" ? t("stopHint") : isCircle ? t("circleHint") : t("polygonHint");
}

function drawStops() {
  stopLayer.clearLayers();
  stopList.replaceChildren();
  stops.forEach((stop, i) => {
    // Numbered as in the list below the map; app.css makes it big enough to drag with a finger.
    const icon = L.divIcon({ className: "stop-marker", html: String(i + 1), iconSize: null });
    const marker = L.marker([stop.lat, stop.lon], { draggable: true, title: stop.name, icon }).addTo(stopLayer);
    marker.getElement()?.setAttribute("aria-label", stop.name);
    marker.on("dragend", () => { const p = marker.getLatLng(); stop.lat = p.lat; stop.lon = p.lng; save(); });
    const input = el("input", { value: stop.name, "aria-label": t("stopName") + " " + (i + 1), maxlength: "200" });
    input.addEventListener("input", () => { stop.name = input.value; save(); });
    const remove = el("button", { type: "button", class: "button small", onclick: () => { stops.splice(i, 1); save(); drawStops(); } }, t("remove"));
    stopList.append(el("li", {}, input, " ", remove));
  });
  save();
}

function save() {
  stopsField.value = JSON.stringify(stops);
  if (mode.value === "polygon" && vertices.length >= 3) {
    const ring = vertices.map((p) => [+p.lng.toFixed(7), +p.lat.toFixed(7)]);
    ring.push(ring[0]);
    areaField.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
  } else if (mode.value === "polygon") {
    areaField.value = "";
  }
}

// Put a corner, the circle's centre or a stop at a point: a click on the map, or the map's centre
// (the crosshair) for those who move the map with the keyboard.
function placeAt(latlng) {
  const done = document.getElementById("map-done");
  if (tool === "stop") {
    const name = `${t("stop")} ${stops.length + 1}`;
    stops.push({ name, lat: +latlng.lat.toFixed(6), lon: +latlng.lng.toFixed(6) });
    tool = "area";
    document.getElementById("add-stop").setAttribute("aria-pressed", "false");
    drawStops();
    done.textContent = t("stopAdded", { name });
  } else if (mode.value === "circle") {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    done.textContent = t("centreSet");
  } else {
    vertices.push(latlng);
    done.textContent = t("cornerAdded", { n: vertices.length });
  }
  save();
  drawArea();
}

map.on("click", (e) => placeAt(e.latlng));
document.getElementById("place-center").addEventListener("click", () => placeAt(map.getCenter()));

document.getElementById("add-stop").addEventListener("click", (e) => {
  tool = tool === "stop" ? "area" : "stop";
  e.currentTarget.setAttribute("aria-pressed", String(tool === "stop"));
  drawArea();
});
document.getElementById("undo-vertex").addEventListener("click", () => { vertices.pop(); save(); drawArea(); });
document.getElementById("clear-polygon").addEventListener("click", () => { vertices = []; save(); drawArea(); });
[mode, lat, lon, radius].forEach((input) => input.addEventListener("input", () => { save(); drawArea(); }));
form.addEventListener("submit", save);
drawArea();
drawStops();
