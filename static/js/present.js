// Presentation mode, for a teacher at a projector: large type (chart text too, through
// present-charts.js), the views' controls folded away (a button shows them), and the lesson
// beside its live view (one above the other on a narrow screen). ← → or PageUp PageDown go
// through the lessons, Escape leaves, P switches the mode on and off. The mode lives in the URL
// with the view's state, as two params of the shell's own:
// #descent?surface=himmelblau&…&course=descent&present=1 (`course` is the lesson beside the
// view). The shell takes them off before a view reads its params and puts them back after a
// view writes its own (app.js), so no view ever sees them.

import { onLanguage, t } from "./i18n.js";
import { LessonCard } from "./lessons-card.js";
import { lessonPageHash, listLessons, readLesson, viewHash, withParams } from "./lessons-data.js";
import { presentCharts } from "./present-charts.js";
import { toast } from "./toast.js";
import { parseHash } from "./url.js";

export const SHELL_PARAMS = ["course", "present"];

// Take the shell's params out of a view's (URLSearchParams, changed in place); return them.
export function takeShellParams(params) {
  const shell = new URLSearchParams();
  for (const name of SHELL_PARAMS) {
    if (params.has(name)) shell.set(name, params.get(name));
    params.delete(name);
  }
  return shell;
}

// A view's hash with the shell's params of the current URL after it.
export function keepShellParams(hash) {
  return withParams(hash, takeShellParams(parseHash(location.hash).params));
}

// The hash without one param, the rest kept exactly as written.
export function dropParam(hash, name) {
  const cut = hash.indexOf("?");
  if (cut < 0) return hash;
  const kept = hash.slice(cut + 1).split("&").filter((part) => part.split("=")[0] !== name);
  return hash.slice(0, cut) + (kept.length ? `?${kept.join("&")}` : "");
}

export const presenting = () => parseHash(location.hash).params.get("present") === "1";

// Where a lesson is presented: beside its view, or on the Lessons view while it has none.
export function presentHash(lesson, built) {
  return built(lesson.view) ? viewHash(lesson, { present: "1" }) : lessonPageHash(lesson.id, { present: "1" });
}

// Where a step to another lesson goes: presented, or on the Lessons view.
export function lessonLink(lesson, built) {
  return presenting() ? presentHash(lesson, built) : lessonPageHash(lesson.id);
}

const STEPS = { PageDown: 1, PageUp: -1, ArrowRight: 1, ArrowLeft: -1 };

// Keys typed into a field stay in the field (a range slider's arrows too); a checkbox or a
// button lets them through.
const typing = (target) => Boolean(target?.closest?.(
  "input:not([type=checkbox]):not([type=radio]):not([type=button]), select, textarea, [contenteditable]",
));

class Presentation {
  // built(view): whether the page has that view (app.js's registry).
  constructor({ built }) {
    this.built = built;
    this.html = document.documentElement;
    this.panel = document.querySelector("[data-present-panel]");
    this.toggle = document.querySelector("[data-role=present-toggle]");
    this.card = new LessonCard(this.q("present-card"), {
      built, openable: false, open: () => {}, href: (id) => lessonPageHash(id),
      go: (id) => this.goTo(id).catch(toast),
    });
    this.current = null; // the lesson in view: beside a view, or on the Lessons view
    this.keysToView = false; // after a click in the live view, ← → are the view's keys
    this.gen = 0;
  }

  q(role) {
    return this.panel.querySelector(`[data-role="${role}"]`);
  }

  start() {
    this.toggle.addEventListener("click", () => this.switch().catch(toast));
    this.q("present-prev").addEventListener("click", () => this.step(-1).catch(toast));
    this.q("present-next").addEventListener("click", () => this.step(1).catch(toast));
    this.q("present-leave").addEventListener("click", () => this.leave());
    this.q("present-controls").addEventListener("click", () => this.showControls(!this.html.dataset.controls));
    window.addEventListener("keydown", (event) => this.onKey(event), { capture: true });
    document.addEventListener("pointerdown", (event) => {
      const view = event.target.closest?.("section[data-view]")?.dataset.view;
      this.useKeys(Boolean(view && view !== "lessons"));
    }, { capture: true });
    window.addEventListener("hashchange", () => this.apply().catch(toast));
    window.addEventListener("popstate", () => this.apply().catch(toast));
    onLanguage(() => this.apply({ relabel: true }).catch(toast));
    return this.apply();
  }

  // ---- the mode, from the URL ---------------------------------------------------------

  async apply({ relabel = false } = {}) {
    const gen = ++this.gen;
    const { view, params } = parseHash(location.hash);
    const on = params.get("present") === "1";
    const name = this.built(view) ? view : "lessons";
    const current = name === "lessons" ? params.get("id") : params.get("course");
    const beside = on && name !== "lessons" && current ? current : null;
    if (current !== this.current) this.useKeys(false);
    this.current = current;
    const was = this.html.dataset.present === "1";
    if (on) this.html.dataset.present = "1";
    else { delete this.html.dataset.present; this.showControls(false); }
    if (beside) this.html.dataset.presentLesson = beside;
    else delete this.html.dataset.presentLesson;
    this.toggle.setAttribute("aria-pressed", String(on));
    this.panel.hidden = !on;
    presentCharts(on);
    this.q("present-controls").hidden = name === "lessons";
    if (on && !was) window.scrollTo(0, 0);
    fitLayout();
    if (!on) return;
    const list = await listLessons();
    if (gen !== this.gen) return;
    this.showBar(list);
    if (!beside) { this.q("present-card").hidden = true; return; }
    const lesson = await readLesson(beside);
    if (gen !== this.gen) return;
    const another = this.card.lesson?.id !== lesson.id;
    this.card.show(lesson, list);
    this.q("present-card").hidden = false;
    if (another && !relabel) this.panel.scrollTop = 0;
    fitLayout();
  }

  showBar(list) {
    const index = list.findIndex((lesson) => lesson.id === this.current);
    this.q("present-where").textContent = index < 0
      ? t("page.present.no_lesson", { total: list.length })
      : t("page.present.where", { n: index + 1, total: list.length, title: list[index].title });
    this.q("present-prev").disabled = index <= 0;
    this.q("present-next").disabled = index === list.length - 1;
    this.useKeys(this.keysToView);
  }

  useKeys(toView) {
    this.keysToView = toView && presenting();
    const key = this.keysToView ? "page.present.keys_view" : "page.present.keys";
    const hint = this.q("present-keys");
    hint.dataset.i18n = key;
    hint.textContent = t(key);
  }

  showControls(on) {
    if (on) this.html.dataset.controls = "shown";
    else delete this.html.dataset.controls;
    const button = this.q("present-controls");
    button.setAttribute("aria-expanded", String(on));
    button.dataset.i18n = on ? "page.present.hide_controls" : "page.present.show_controls";
    button.textContent = t(button.dataset.i18n);
    fitLayout();
  }

  // ---- entering, leaving, going through the lessons -----------------------------------

  async switch() {
    if (presenting()) { this.leave(); return; }
    const { view, params } = parseHash(location.hash);
    const id = params.get("id");
    if ((this.built(view) ? view : "lessons") === "lessons" && id) { // present it beside its view
      const lesson = (await listLessons()).find((item) => item.id === id);
      if (lesson && this.built(lesson.view)) { location.hash = presentHash(lesson, this.built); return; }
    }
    history.replaceState(null, "", withParams(location.hash || "#lessons", { present: "1" }));
    await this.apply();
  }

  leave() {
    history.replaceState(null, "", dropParam(location.hash, "present") || "#");
    this.apply().catch(toast);
  }

  async step(by) {
    const list = await listLessons();
    const index = list.findIndex((lesson) => lesson.id === this.current);
    const next = index < 0 ? (by > 0 ? list[0] : null) : list[index + by];
    if (next) location.hash = presentHash(next, this.built);
  }

  async goTo(id) {
    const lesson = (await listLessons()).find((item) => item.id === id);
    if (lesson) location.hash = presentHash(lesson, this.built);
  }

  onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return; // a dialog's Escape closes the dialog
    if (event.key === "Escape" && presenting()) { // from anywhere, a field too
      event.preventDefault();
      this.leave();
      return;
    }
    if (typing(event.target)) return;
    if (event.key === "p" || event.key === "P") {
      event.preventDefault();
      this.switch().catch(toast);
      return;
    }
    if (!presenting()) return;
    const by = STEPS[event.key];
    if (!by || (this.keysToView && event.key.startsWith("Arrow"))) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // the views' own → and ← never see it
    this.step(by).catch(toast);
  }
}

// Plots fit their new boxes (Plotly's responsive plots listen for the window's resize).
function fitLayout() {
  requestAnimationFrame(() => window.dispatchEvent(new Event("resize")));
}

export function startPresentation(options) {
  return new Presentation(options).start();
}
