// The page's words, rendered by the server in the chosen language into a JSON island (id "i18n"); the
// phone's and the staff pages' scripts hold none of their own. One way for every text to reach a script.
const strings = JSON.parse(document.getElementById("i18n").textContent);

/** The text for `key`, with {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = key.split(".").reduce((node, part) => (node == null ? node : node[part]), strings);
  if (typeof text !== "string") return key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

const plurals = new Intl.PluralRules(document.documentElement.lang || "sv");

/** The text for `key` with the count n in it, in the plural form the language uses for n. */
export function tn(key, n, params = {}) {
  const forms = key.split(".").reduce((node, part) => (node == null ? node : node[part]), strings);
  if (!forms || typeof forms !== "object") return key;
  const text = forms[plurals.select(n)] ?? forms.other;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name === "n" ? String(n) : name in params ? String(params[name]) : whole));
}
