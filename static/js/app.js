// The shell: one view per topic, chosen by the URL hash (#descent?surface=rosenbrock&...), and
// the language switch. A view is a template partial plus a module exporting
// mount(root, params, ctx) and unmount(), and optionally update(params) (Back and Forward),
// setActive(on) (shown or hidden) and relabel() (after a language switch). The top bar's
// classroom tools (presentation mode, share, export) live in present.js, share.js, export.js.

import { startExport } from "./export.js";
import { onLanguage, preferredLanguage, setLanguage, t } from "./i18n.js";
import { keepShellParams, startPresentation, takeShellParams } from "./present.js";
import { startShare } from "./share.js";
import { toast } from "./toast.js";
import { formatHash, parseHash } from "./url.js";

const VIEWS = {
  lessons: () => import("./lessons.js"),
  descent: () => import("./descent.js"),
  conditioning: () => import("./conditioning.js"),
  experiments: () => import("./experiments.js"),
  backprop: () => import("./backprop.js"),
  gradcheck: () => import("./gradcheck.js"),
  data: () => import("./data.js"),
  svm: () => import("./svm.js"),
  network: () => import("./network.js"),
};
const DEFAULT_VIEW = "lessons"; // where the page opens
const entries = new Map(); // view name -> { module, status: "mounting" | "mounted" | "failed", pending }
let current = null;
let applied = null; // the hash the page shows
let shown = null; // the view's part of it (the shell's own params, present.js's, taken off)

const section = (name) => document.querySelector(`[data-view="${name}"]`);

async function route() {
  if (location.hash === applied) return;
  applied = location.hash;
  const { view, params } = parseHash(location.hash);
  takeShellParams(params);
  const name = Object.hasOwn(VIEWS, view) ? view : DEFAULT_VIEW;
  if (formatHash(name, params) === shown) return; // only presentation mode changed
  shown = formatHash(name, params);
  if (current !== name) entries.get(current)?.module?.setActive?.(false);
  current = name;
  for (const s of document.querySelectorAll("[data-view]")) s.hidden = s.dataset.view !== name;
  for (const link of document.querySelectorAll("[data-view-link]")) {
    if (link.dataset.viewLink === name) { link.setAttribute("aria-current", "page"); showLink(link); }
    else link.removeAttribute("aria-current");
  }
  const entry = entries.get(name);
  if (entry?.status === "mounting") { entry.pending = params; return; }
  if (entry?.status !== "mounted") { await mountView(name, params); return; }
  document.body.dataset.ready = name;
  entry.module.setActive?.(true);
  await entry.module.update?.(params);
}

// On a narrow screen the nav is a row that scrolls sideways: keep the current view's link in it.
function showLink(link) {
  const nav = link.parentElement;
  if (nav.scrollWidth > nav.clientWidth) nav.scrollLeft = link.offsetLeft - (nav.clientWidth - link.offsetWidth) / 2;
}

// Mount a view; on failure show why, with a Retry (coming back to the view retries too).
async function mountView(name, params) {
  const root = section(name);
  const entry = { module: null, status: "mounting", pending: null };
  entries.set(name, entry);
  root.querySelector(":scope > .view-error")?.remove();
  root.setAttribute("aria-busy", "true");
  try {
    entry.module = await VIEWS[name]();
    await entry.module.mount(root, params, context(name));
    entry.status = "mounted";
    root.dataset.mounted = "true";
    if (current === name) document.body.dataset.ready = name;
    else entry.module.setActive?.(false);
    if (entry.pending) await entry.module.update?.(entry.pending);
  } catch (error) {
    entry.status = "failed";
    try { entry.module?.unmount(); } catch { /* it never finished mounting */ }
    showMountError(root, name, error);
  } finally {
    root.removeAttribute("aria-busy");
  }
}

function showMountError(root, name, error) {
  const box = Object.assign(document.createElement("div"), { className: "view-error" });
  box.setAttribute("role", "alert");
  const heading = Object.assign(document.createElement("p"), { className: "view-error-title" });
  heading.dataset.i18n = "page.view_error";
  heading.textContent = t("page.view_error");
  const detail = Object.assign(document.createElement("p"), { textContent: error?.message ?? String(error) });
  const retry = Object.assign(document.createElement("button"), { type: "button", className: "primary" });
  retry.dataset.i18n = "page.retry";
  retry.dataset.role = "retry";
  retry.textContent = t("page.retry");
  retry.addEventListener("click", () => {
    const { params } = parseHash(location.hash);
    takeShellParams(params);
    mountView(name, params);
  });
  box.append(heading, detail, retry);
  root.prepend(box);
}

// What a view may ask of the shell: write its state into the URL (the shell's own params
// kept after it), and whether the page has a view. User changes push a history entry, so
// Back returns to the previous state; corrections replace it.
function context(name) {
  return {
    save(params, { push = true } = {}) {
      const plain = formatHash(name, params);
      const hash = keepShellParams(plain);
      const link = document.querySelector(`[data-view-link="${name}"]`);
      if (link) link.href = plain; // the nav link returns to the view as it was left
      if (current !== name || hash === location.hash) return;
      if (push) history.pushState(null, "", hash);
      else history.replaceState(null, "", hash);
      applied = location.hash;
      shown = plain;
    },
    built,
  };
}

const built = (name) => Object.hasOwn(VIEWS, name);

// ---- language -----------------------------------------------------------------------------

function showLanguage(code) {
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === code));
  }
  for (const entry of entries.values()) if (entry.status === "mounted") entry.module.relabel?.();
}

async function chooseLanguage(code) {
  await setLanguage(code, { remember: true });
}

function whenPlotly() {
  return new Promise((resolve) => {
    if (window.Plotly) resolve();
    else window.addEventListener("load", resolve, { once: true });
  });
}

async function start() {
  onLanguage(showLanguage);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => chooseLanguage(button.dataset.lang).catch(toast));
  }
  const language = setLanguage(preferredLanguage()).catch(toast);
  await Promise.all([language, whenPlotly()]);
  window.addEventListener("popstate", () => route().catch(toast));
  window.addEventListener("hashchange", () => route().catch(toast));
  startShare();
  startExport({ current: () => ({ name: current, root: section(current), module: entries.get(current)?.module }) });
  await Promise.all([route(), startPresentation({ built }).catch(toast)]);
}

start().catch(toast);
