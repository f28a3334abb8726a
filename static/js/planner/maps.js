// The planners' maps: layers built in the browser from JSON islands (<script type="application/json">)
// that our own template writes; folium's script only names them (see the rule in walkapp/maps.py).
// User words only ever enter the page through textContent: never as HTML, never in an attribute
// that runs code.
(function () {
  "use strict";

  // Priority bands: 0 felt safe, 1 low … 4 high. They differ in lightness, not only in hue.
  const BAND_COLOURS = ["#2b6cb0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"];
  const BAND_BORDERS = ["#1a4480", "#c0583d", "#a8281c", "#7f0f12", "#33000a"];

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fill(template, id) {
    return template.replace("{id}", encodeURIComponent(String(id)));
  }

  function number(value, digits) {
    return Number(value).toLocaleString(document.documentElement.lang || "sv", {
      minimumFractionDigits: digits, maximumFractionDigits: digits,
    });
  }

  function footprints(collection) {
    return L.geoJSON(collection, {
      interactive: false,
      style: (feature) => ({
        color: BAND_BORDERS[feature.properties.band], weight: 1, fillColor: BAND_COLOURS[feature.properties.band],
        fillOpacity: 0.18,
      }),
    });
  }

  function locationPopup(row, payload) {
    const [id, , , name, priority, status, pins, people, mean, categories, band] = row;
    const t = payload.text;
    const box = el("div", "map-popup");
    box.append(el("strong", "map-popup-title", name));
    const facts = el("p", "map-popup-facts");
    facts.append(band === 0 ? t.safe_place : `${t.priority} ${Math.round(priority)}`, " · ", status);
    box.append(facts);
    const counted = `${pins} ${pins === 1 ? t.pin : t.pins} · ${people} ${people === 1 ? t.person : t.people}`;
    box.append(el("p", "map-popup-facts", `${counted} · ${t.mean} ${number(mean, 1)}`));
    if (categories.length) box.append(el("p", "map-popup-cats", categories.join(", ")));
    const link = el("a", null, t.open_location);
    link.href = fill(payload.locationUrl, id);
    box.append(link);
    return box;
  }

  function locations(payload) {
    const group = L.featureGroup();
    for (const row of payload.rows) {
      const [, lat, lon, name, , , pins, , , , band] = row;
      const marker = L.circleMarker([lat, lon], {
        radius: Math.min(30, 6 + 3 * Math.sqrt(pins)), color: BAND_BORDERS[band], weight: 2,
        fillColor: BAND_COLOURS[band], fillOpacity: 0.75,
      });
      marker.bindTooltip(() => el("span", null, name));
      marker.bindPopup(() => locationPopup(row, payload), { maxWidth: 280 });
      group.addLayer(marker);
    }
    return group;
  }

  function pinPopup(row, payload) {
    const [, , id, rating, categories, comment, photo, walk, light] = row;
    const t = payload.text;
    const box = el("div", "map-popup");
    if (photo) {
      const img = el("img", "map-popup-photo");
      img.src = fill(payload.photoUrl, id);
      img.alt = t.photo;
      img.width = 200;
      img.loading = "lazy";
      box.append(img);
    }
    box.append(el("span", `rating-badge r${rating}`, payload.ratings[String(rating)]));
    if (categories.length) box.append(el("p", "map-popup-cats", categories.map((i) => payload.categories[i]).join(", ")));
    if (comment) {
      // The words are fetched when the popup opens (see walkapp/maps.py) and shown as text only.
      const words = el("p", "comment", "…");
      box.append(words);
      fetch(fill(payload.wordsUrl, id), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((res) => (res.ok ? res.json() : { comment: "" }))
        .then((body) => { words.textContent = body.comment || ""; })
        .catch(() => { words.textContent = ""; });
    }
    const where = [walk >= 0 ? payload.walks[walk] : null, light >= 0 ? payload.lights[light] : null].filter(Boolean);
    if (where.length) box.append(el("p", "map-popup-facts", where.join(" · ")));
    return box;
  }

  function pins(payload) {
    const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    const markers = payload.rows.map((row) => {
      const marker = L.marker([row[0], row[1]], {
        icon: L.divIcon({ className: `rating-dot pin-dot r${row[3]}`, iconSize: [14, 14] }),
        keyboard: false,
      });
      marker.bindPopup(() => pinPopup(row, payload), { maxWidth: 240 });
      return marker;
    });
    cluster.addLayers(markers);
    return cluster;
  }

  function area(geometry) {
    return L.geoJSON(geometry, { interactive: false, style: { color: "#0b5cad", weight: 2, dashArray: "6 6", fill: false } });
  }

  function numbered(payload) {
    const group = L.featureGroup();
    for (const [n, lat, lon, name, band] of payload.rows) {
      const icon = L.divIcon({ className: `map-number band-${band}`, html: "", iconSize: [26, 26] });
      const marker = L.marker([lat, lon], { icon, keyboard: false, title: "" });
      marker.on("add", () => { marker.getElement().textContent = String(n); });
      marker.bindTooltip(() => el("span", null, `${n}. ${name}`));
      group.addLayer(marker);
    }
    return group;
  }

  // Unsafe pins weighted as the server says (heatWeights); the same island as the pins layer.
  function heat(payload) {
    const points = [];
    for (const row of payload.rows) {
      const weight = payload.heatWeights[String(row[3])];
      if (weight) points.push([row[0], row[1], weight]);
    }
    return L.heatLayer(points, { radius: 22, blur: 18, minOpacity: 0.3 });
  }

  // A layer's data, parsed once per page even when two layers read the same island.
  const islands = new Map();
  function data(id) {
    if (!islands.has(id)) islands.set(id, JSON.parse(document.getElementById(id).textContent));
    return islands.get(id);
  }

  window.walkappMaps = { data, footprints, locations, pins, heat, area, numbered };
})();
