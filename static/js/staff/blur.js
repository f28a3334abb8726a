// Blurring by hand: drag a rectangle on the photo and it is written into the form's number fields (the
// keyboard way: type them), which also draw it. The server checks every rectangle again.
const figure = document.querySelector(".blur-figure");
const form = document.querySelector(".blur-form");

if (figure && form) {
  const width = Number(figure.dataset.width);
  const height = Number(figure.dataset.height);
  const smallest = Number(figure.dataset.min) || 4;
  const most = Number(form.dataset.max) || 10;
  const list = form.querySelector(".blur-rows");
  const addButton = form.querySelector("[data-add-row]");
  const fields = ["x", "y", "w", "h"];
  const template = list.querySelector(".blur-row").cloneNode(true);
  const legend = template.querySelector("legend").textContent;

  const rows = () => [...list.querySelectorAll(".blur-row")];
  const valuesOf = (row) => fields.map((name) => row.querySelector(`[name="${name}"]`).value.trim());
  const isEmpty = (row) => valuesOf(row).every((v) => v === "");

  function renumber() {
    const all = rows();
    all.forEach((row, i) => {
      row.querySelector("legend").textContent = all.length > 1 ? `${legend} ${i + 1}` : legend;
    });
    addButton.hidden = all.length >= most;
  }

  function addRow() {
    if (rows().length >= most) return null;
    const row = template.cloneNode(true);
    list.append(row);
    renumber();
    return row;
  }

  // The rectangles in the form, outlined on the photo (in percent, so they follow the photo's size).
  function draw() {
    figure.querySelectorAll(".blur-box.is-new").forEach((box) => box.remove());
    for (const row of rows()) {
      const [x, y, w, h] = valuesOf(row).map(Number);
      if (isEmpty(row) || ![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) continue;
      const box = document.createElement("span");
      box.className = "blur-box is-new";
      box.style.left = `${(100 * x) / width}%`;
      box.style.top = `${(100 * y) / height}%`;
      box.style.width = `${(100 * w) / width}%`;
      box.style.height = `${(100 * h) / height}%`;
      figure.append(box);
    }
  }

  function put(rect) {
    const row = rows().find(isEmpty) || addRow();
    if (!row) return;
    fields.forEach((name, i) => { row.querySelector(`[name="${name}"]`).value = String(rect[i]); });
    draw();
  }

  // A point of the pointer in the photo's own pixels, kept inside the photo.
  function at(event) {
    const r = figure.querySelector("img").getBoundingClientRect();
    const x = Math.min(Math.max(event.clientX - r.left, 0), r.width);
    const y = Math.min(Math.max(event.clientY - r.top, 0), r.height);
    return [(x * width) / r.width, (y * height) / r.height];
  }

  function rectangle(a, b) {
    const x0 = Math.floor(Math.min(a[0], b[0]));
    const y0 = Math.floor(Math.min(a[1], b[1]));
    const x1 = Math.min(width, Math.ceil(Math.max(a[0], b[0])));
    const y1 = Math.min(height, Math.ceil(Math.max(a[1], b[1])));
    return [x0, y0, x1 - x0, y1 - y0];
  }

  let start = null;
  let preview = null;
  figure.classList.add("is-drawing");
  figure.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    figure.setPointerCapture(event.pointerId);
    start = at(event);
    preview = document.createElement("span");
    preview.className = "blur-box is-new";
    figure.append(preview);
  });
  figure.addEventListener("pointermove", (event) => {
    if (!start) return;
    const [x, y, w, h] = rectangle(start, at(event));
    Object.assign(preview.style, {
      left: `${(100 * x) / width}%`, top: `${(100 * y) / height}%`,
      width: `${(100 * w) / width}%`, height: `${(100 * h) / height}%`,
    });
  });
  const finish = (event) => {
    if (!start) return;
    const rect = rectangle(start, at(event));
    start = null;
    preview.remove();
    preview = null;
    if (rect[2] >= smallest && rect[3] >= smallest) put(rect);
  };
  figure.addEventListener("pointerup", finish);
  figure.addEventListener("pointercancel", () => { start = null; preview?.remove(); preview = null; });

  form.addEventListener("input", draw);
  form.addEventListener("reset", () => {
    // After the browser has emptied the fields: one empty row again, nothing outlined.
    setTimeout(() => { rows().slice(1).forEach((row) => row.remove()); renumber(); draw(); });
  });
  addButton.addEventListener("click", () => addRow()?.querySelector("input").focus());
  renumber();
}
