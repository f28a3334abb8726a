// Leaflet for the participant's phone map: the parts static/js/participant/map.js uses, from
// Leaflet's own modules, as the global `L` the full build would give. Staff pages keep the full
// build (vendor/leaflet/leaflet.js). Adding a use of Leaflet to map.js? Import it here, `make vendor`.
import {Map, createMap as map} from 'leaflet/src/map/Map.js';
// The map's handlers register themselves on import: dragging, pinch and double-tap zoom, and the
// keyboard (arrows and +/- for anyone not using touch). No mouse-wheel zoom (a laptop has the +/-
// buttons, double-click and the keyboard), no box zoom, no tap-hold.
import 'leaflet/src/map/handler/Map.Drag.js';
import 'leaflet/src/map/handler/Map.TouchZoom.js';
import 'leaflet/src/map/handler/Map.DoubleClickZoom.js';
import 'leaflet/src/map/handler/Map.Keyboard.js';
import {zoom} from 'leaflet/src/control/Control.Zoom.js';
import {attribution} from 'leaflet/src/control/Control.Attribution.js';
import {tileLayer} from 'leaflet/src/layer/tile/TileLayer.js';
import {layerGroup} from 'leaflet/src/layer/LayerGroup.js';
import {marker} from 'leaflet/src/layer/marker/Marker.js';
import {icon} from 'leaflet/src/layer/marker/Icon.js';
import {divIcon} from 'leaflet/src/layer/marker/DivIcon.js';  // the stops' names
import {circleMarker} from 'leaflet/src/layer/vector/CircleMarker.js';
import {circle} from 'leaflet/src/layer/vector/Circle.js';
import {polyline} from 'leaflet/src/layer/vector/Polyline.js';  // the walk's area: its outline only
import 'leaflet/src/layer/vector/Renderer.getRenderer.js';
import {toPoint as point} from 'leaflet/src/geometry/Point.js';
import {version} from 'leaflet/package.json';

window.L = {version, Map, map, control: {zoom, attribution}, tileLayer, layerGroup, marker, icon, divIcon, circleMarker,
  circle, polyline, point};
