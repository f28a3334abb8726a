// The review page's map: numbered location footprints; click to place a pin described in words.
import { config, makeMap, ratingColour } from "./map.js";
import { t } from "../i18n.js";

const cfg = config();
const map = makeMap("review-map");
// Places at one spot would hide each other's numbers: the first one there carries them all ("3, 5").
const numbersAt = new Map();
const spotOf = (layer) => { const c = layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng(); return `${c.lat.toFixed(5)},${c.lng.toFixed(5)}`; };
L.geoJSON(cfg.footprints, {
  style: (f) => ({ color: f.properties.safe ? "#2b6f3e" : ratingColour(1), weight: 2, fillOpacity: 0.25 }),
  onEachFeature: (f, layer) => {
    const here = spotOf(layer);
    const first = !numbersAt.has(here);
    numbersAt.set(here, [...(numbersAt.get(here) || []), f.properties.n]);
    if (first) layer.bindTooltip(() => numbersAt.get(here).join(", "), { permanent: true, direction: "center", className: "loc-number" });
    layer.on("click", () => document.getElementById("loc-" + f.properties.id)?.scrollIntoView({ behavior: "smooth" }));
  },
}).addTo(map);

let placing = null;
document.querySelectorAll("form[data-place]").forEach((form) => {
  form.querySelector("button[data-start]").addEventListener("click", () => {
    placing = form;
    document.getElementById("review-map").classList.add("picking");
    document.getElementById("place-hint").textContent = t("placeHint");
    document.getElementById("review-map").scrollIntoView({ behavior: "smooth" });
  });
});
map.on("click", (e) => {
  if (!placing) return;
  placing.lat.value = e.latlng.lat.toFixed(7);
  placing.lon.value = e.latlng.lng.toFixed(7);
  placing.submit();
});
