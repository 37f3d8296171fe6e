// Chart text for a projector: while presenting, every drawn chart's fonts (the base font, titles,
// axis titles and ticks, 3-D axes, legends, annotations) are SCALE times their size, and back to
// normal after. Views draw their charts as they always do; a chart drawn with a layout whose
// fonts are not yet scaled (a new chart, or Plotly.react with a fresh layout) is scaled with
// Plotly.relayout right after, and scaled layouts are remembered so nothing grows twice.

/* global Plotly */

export const SCALE = 1.5; // 12 px becomes 18; exact in binary, so leaving restores every size
const BASE = 12; // Plotly's default font size, which unsized text inherits
const scaled = new WeakSet(); // layouts whose fonts are SCALE times the view's
const watched = new WeakMap(); // chart -> the `on` of Plotly's emitter we listen to (purge makes a new one)
let on = false;

const AXES = /^(?:[xy]axis\d*)$/;
const SCENES = /^scene\d*$/;
const SCENE_AXES = ["xaxis", "yaxis", "zaxis"];

// [path, font] of every font a layout sets a size for; the base font always (it has a default).
function fonts(layout) {
  const found = [["font", { ...layout.font, size: layout.font?.size ?? BASE }]];
  const add = (path, font) => { if (Number.isFinite(font?.size)) found.push([path, font]); };
  const axis = (path, value) => {
    add(`${path}.title.font`, value?.title?.font);
    add(`${path}.tickfont`, value?.tickfont);
  };
  add("title.font", layout.title?.font);
  add("legend.font", layout.legend?.font);
  add("legend.title.font", layout.legend?.title?.font);
  for (const [key, value] of Object.entries(layout)) {
    if (AXES.test(key)) axis(key, value);
    if (SCENES.test(key)) for (const name of SCENE_AXES) axis(`${key}.${name}`, value?.[name]);
  }
  (layout.annotations ?? []).forEach((note, i) => add(`annotations[${i}].font`, note?.font));
  return found;
}

// Every font of a chart times `factor`, each font object replaced, never changed in place
// (a view may share one between its charts).
function resize(div, factor) {
  const update = Object.fromEntries(fonts(div.layout).map(([path, font]) => [path, { ...font, size: font.size * factor }]));
  return Plotly.relayout(div, update);
}

function grow(div) {
  if (!on || !div.layout || scaled.has(div.layout) || !div.isConnected) return;
  scaled.add(div.layout); // before the relayout, which draws again (and says so)
  resize(div, SCALE).catch(() => scaled.delete(div.layout));
}

function shrink(div) {
  if (!div.layout || !scaled.has(div.layout)) return;
  scaled.delete(div.layout);
  resize(div, 1 / SCALE).catch(() => {});
}

function watch(div) {
  if (typeof div.on !== "function" || watched.get(div) === div.on) return;
  watched.set(div, div.on);
  div.on("plotly_afterplot", () => grow(div));
  div.on("plotly_react", () => grow(div));
}

const charts = () => document.querySelectorAll(".js-plotly-plot");

// Plotly marks a div as a chart with this class when it first draws it.
const observer = new MutationObserver(() => {
  for (const div of charts()) { watch(div); grow(div); }
});

// Presenting or not: the charts drawn now change at once, and those drawn later follow.
export function presentCharts(presenting) {
  if (presenting === on) return;
  on = presenting;
  document.documentElement.dataset.chartScale = String(on ? SCALE : 1);
  if (on) observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["class"] });
  else observer.disconnect();
  for (const div of charts()) {
    watch(div);
    if (on) grow(div);
    else shrink(div);
  }
}
