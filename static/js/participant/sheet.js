// Bottom sheets: one open at a time; focus moves to the sheet's heading on opening and back to the
// button that opened it on closing; Escape and the × button close it.

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

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && current) closeSheet();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-close]")) closeSheet();
});
