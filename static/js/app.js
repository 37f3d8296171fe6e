// The shell: one view per topic, chosen by the URL hash. A new view is a template partial,
// a module exporting mount(), and one line here.

import { toast } from "./toast.js";

const VIEWS = {
  descent: () => import("./descent.js"),
};
const mounted = new Set();

async function show(name) {
  const view = VIEWS[name] ? name : "descent";
  for (const section of document.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  for (const link of document.querySelectorAll("[data-view-link]")) {
    if (link.dataset.viewLink === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!mounted.has(view)) {
    mounted.add(view);
    const module = await VIEWS[view]();
    await module.mount();
    document.body.dataset.ready = view;
  }
}

function whenPlotly() {
  return new Promise((resolve) => {
    if (window.Plotly) resolve();
    else window.addEventListener("load", resolve, { once: true });
  });
}

window.addEventListener("hashchange", () => show(location.hash.slice(1)).catch(toast));
whenPlotly().then(() => show(location.hash.slice(1))).catch(toast);
