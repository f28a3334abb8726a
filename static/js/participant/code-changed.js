// The walk got a new code. A phone that joined with the old one asks the API with its token, which
// answers with the walk's new address; the token moves to the new code and the map opens again.
// Nobody without a token learns the new code.
(async () => {
  "use strict";
  const old = document.getElementById("code-changed-text").dataset.code;
  let token = null;
  try { token = localStorage.getItem("walkapp:token:" + old); } catch { return; }
  if (!token) return;
  try {
    const res = await fetch("/api/v1/walks/" + encodeURIComponent(old), {
      headers: { Authorization: "Bearer " + token, Accept: "application/json" },
    });
    if (!res.ok) return;
    const walk = await res.json();
    localStorage.setItem("walkapp:token:" + walk.code, token);
    location.replace(walk.url);
  } catch { /* offline: the page stays, and the phone's saved copy of the map still works */ }
})();
