// The page's words, rendered by the server in the chosen language; the scripts hold none of their own.
const strings = JSON.parse(document.getElementById("i18n").textContent);

/** The text for `key`, with {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = key.split(".").reduce((node, part) => (node == null ? node : node[part]), strings);
  if (typeof text !== "string") return key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}
