// The list of how each trajectory ended: one row per trajectory, redrawn only when it changes.

const shown = new WeakMap(); // list element -> the text it shows

// rows: [{ color, className, text }]
export function showOutcomes(list, rows) {
  const key = rows.map((r) => `${r.className}|${r.color}|${r.text}`).join("\n");
  if (shown.get(list) === key) return;
  shown.set(list, key);
  list.replaceChildren(...rows.map(({ color, className, text }) => {
    const li = Object.assign(document.createElement("li"), { className });
    const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
    swatch.style.background = color;
    li.append(swatch, text);
    return li;
  }));
}

export function showPlaceholder(list, text) {
  showOutcomes(list, []);
  shown.set(list, `placeholder|${text}`);
  list.replaceChildren(Object.assign(document.createElement("li"), { className: "muted", textContent: text }));
}
