// folium's popups call $(htmlString)[0] and the map may call $(document).ready(fn); this is all of
// jQuery they need (87 KB saved). Our own popups never go through it: they are built with textContent.
window.$ = window.$ || function (arg) {
  if (typeof arg === "string") {
    const template = document.createElement("template");
    template.innerHTML = arg.trim();
    return [template.content.firstElementChild];
  }
  return { ready: (fn) => (document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", fn) : fn()) };
};
