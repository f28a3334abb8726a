// Sortable tables (click a column heading; again to reverse) and print buttons on the planner pages.
// A cell may carry data-sort with the value to sort by; headings say data-sort-type="number" for numbers.

function value(row, index, numeric) {
  const cell = row.cells[index];
  if (!cell) return numeric ? -Infinity : "";
  const raw = cell.dataset.sort ?? cell.textContent.trim();
  if (!numeric) return raw.toLocaleLowerCase();
  const n = parseFloat(String(raw).replace(",", "."));
  return Number.isNaN(n) ? -Infinity : n;
}

function sortBy(table, index, heading) {
  const numeric = heading.dataset.sortType === "number" || heading.classList.contains("num");
  const ascending = heading.getAttribute("aria-sort") !== "ascending";
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const collator = new Intl.Collator(document.documentElement.lang || "sv", { numeric: true });
  rows.sort((a, b) => {
    const x = value(a, index, numeric);
    const y = value(b, index, numeric);
    const order = numeric ? x - y : collator.compare(x, y);
    return ascending ? order : -order;
  });
  body.append(...rows);
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
}

for (const table of document.querySelectorAll("table.sortable")) {
  if (!table.tHead || !table.tBodies[0]) continue;
  Array.from(table.tHead.rows[0].cells).forEach((heading, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    button.append(...heading.childNodes);
    heading.append(button);
    button.addEventListener("click", () => sortBy(table, index, heading));
  });
}

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
