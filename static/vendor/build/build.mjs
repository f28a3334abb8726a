// `make vendor`: static/vendor/leaflet-phone/leaflet-phone.{js,css} from leaflet-phone.mjs.
import {writeFileSync, mkdirSync, copyFileSync} from 'node:fs';
import * as esbuild from 'esbuild';
import {PurgeCSS} from 'purgecss';
import {minify} from 'terser';

const out = '../leaflet-phone';
mkdirSync(out, {recursive: true});

// Modules that Leaflet's own modules import but the phone never runs, replaced by what they would
// amount to here. Paths are drawn as SVG (Leaflet's default), so the canvas renderer and the VML one
// (Internet Explorer 8) find no renderer; every marker on the phone is given its icon, so the
// default icon (which finds its image through a style sheet rule) is a plain icon.
const leftOut = {
  './Canvas': 'export function canvas() { return null; }',
  './SVG.VML': 'export var vmlMixin = {}; export function vmlCreate() {}',
  './Icon.Default': "export {Icon as IconDefault} from 'leaflet/src/layer/marker/Icon.js';",
};
const leaveOut = {
  name: 'leave-out',
  setup(build) {
    build.onResolve({filter: /^\.\/(Canvas|SVG\.VML|Icon\.Default)$/}, (args) => ({path: args.path, namespace: 'left-out'}));
    build.onLoad({filter: /.*/, namespace: 'left-out'}, (args) => ({contents: leftOut[args.path], resolveDir: '.'}));
  },
};

// esbuild bundles; terser then minifies the bundle (two passes: a few per cent smaller than
// esbuild's own minifier, which matters in a 60 KB page).
const bundled = await esbuild.build({
  entryPoints: ['leaflet-phone.mjs'],
  bundle: true,
  format: 'iife',
  target: ['es2019'],
  plugins: [leaveOut],
  write: false,
});
const minified = await minify(bundled.outputFiles[0].text, {
  compress: {passes: 2}, mangle: {toplevel: true}, toplevel: true,
  format: {preamble: '/* Leaflet 1.9.4 (the parts the phone map uses), https://leafletjs.com, (c) 2010-2023 Vladimir Agafonkin, (c) 2010-2011 CloudMade, BSD-2-Clause */'},
});
writeFileSync(`${out}/leaflet-phone.js`, minified.code);

// Leaflet's style sheet without the rules for parts not in the build (popups, layer switcher, ...).
// Leaflet builds a few class names from pieces; those are kept by name.
const [css] = await new PurgeCSS().purge({
  content: [`${out}/leaflet-phone.js`],
  css: ['node_modules/leaflet/dist/leaflet.css'],
  safelist: {standard: [
    /^leaflet-(top|bottom|left|right)$/, /-pane$/, /^leaflet-marker-(icon|shadow)$/,
    /^leaflet-zoom-(animated|hide)$/, /^leaflet-control-zoom-(in|out)$/,
  ]},
});
writeFileSync(`${out}/leaflet-phone.css`, css.css);
copyFileSync('node_modules/leaflet/LICENSE', `${out}/LICENSE`);
