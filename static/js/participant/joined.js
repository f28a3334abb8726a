// Someone who has joined on this phone goes straight to the map, without the intro flashing by.
// A classic script in <head> (not deferred), so it runs before the page is drawn.
try {
  if (localStorage.getItem("walkapp:token:" + document.currentScript.dataset.code)) {
    document.documentElement.classList.add("joined");
  }
} catch (e) { /* private mode: the intro shows first */ }
