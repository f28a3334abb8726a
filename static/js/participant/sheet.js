// Bottom sheets: one open at a time; focus moves to the sheet's heading on opening, stays inside the
// sheet while it is open (Tab wraps), and goes back to the button that opened it on closing; Escape
// and the × button close it.

let current = null;

/** Open `sheet` (a section with an h2[tabindex=-1]); `onClose` runs once when it closes. */
export function openSheet(sheet, { opener = document.activeElement, tall = false, onClose } = {}) {
  if (current && current.sheet !== sheet) closeSheet({ restoreFocus: false });
  if (!current) current = { sheet, opener, onClose };
  else Object.assign(current, { onClose });
  sheet.classList.toggle("tall", tall);
  sheet.hidden = false;
  sheet.querySelector(".sheet-body").scrollTop = 0;
  document.documentElement.classList.add("sheet-open");
  sheet.querySelector("h2").focus();
}

/** Close the open sheet, if any. */
export function closeSheet({ restoreFocus = true } = {}) {
  if (!current) return;
  const { sheet, opener, onClose } = current;
  current = null;
  sheet.hidden = true;
  document.documentElement.classList.remove("sheet-open");
  if (onClose) onClose();
  if (restoreFocus && opener && opener.isConnected && !opener.closest("[hidden]")) opener.focus();
  else if (restoreFocus) document.getElementById("mark").focus();
}

export const openSheetElement = () => (current ? current.sheet : null);

// Tab stays inside the open sheet (the map behind it is for the finger, not the keyboard).
const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
function focusables(sheet) {
  return [...sheet.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && !el.closest("[hidden]") && el.getClientRects().length);
}

document.addEventListener("keydown", (event) => {
  if (!current) return;
  if (event.key === "Escape") return closeSheet();
  if (event.key !== "Tab") return;
  const items = focusables(current.sheet);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  const inside = current.sheet.contains(document.activeElement);
  if (event.shiftKey && (!inside || document.activeElement === first || document.activeElement === current.sheet.querySelector("h2"))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (!inside || document.activeElement === last)) {
    event.preventDefault();
    first.focus();
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-close]")) closeSheet();
});
