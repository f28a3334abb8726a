// The code page: someone who has already joined a walk on this phone (opening the installed app,
// say) gets a button straight back to it.
try {
  const last = JSON.parse(localStorage.getItem("walkapp:last"));
  if (last && typeof last.url === "string" && last.url.startsWith("/j/") && localStorage.getItem("walkapp:token:" + last.code)) {
    const resume = document.getElementById("resume");
    document.getElementById("resume-title").textContent = last.title;
    resume.querySelector("a").href = last.url;
    resume.hidden = false;
  }
} catch {
  // No storage (a private window): nothing to resume.
}
