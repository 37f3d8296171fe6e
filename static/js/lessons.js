// The Lessons view, where the page opens: the course after the CS231n notes, numbered, with a
// tick for each lesson done (kept in this browser), and one lesson at a time (lessons-card.js):
// #lessons?id=step-size. "Open in the view" opens the lesson's view in the lesson's state.

import { lang, t } from "./i18n.js";
import { LessonCard } from "./lessons-card.js";
import { doneLessons, lessonPageHash, listLessons, onProgress, readLesson, viewHash } from "./lessons-data.js";
import { lessonLink, presenting } from "./present.js";
import { toast } from "./toast.js";

let view = null;

export async function mount(root, params, ctx) {
  view = new LessonsView(root, ctx);
  await view.show(params);
}

export function unmount() {
  view?.destroy();
  view = null;
}

export const update = (params) => view?.show(params);
export const relabel = () => view?.relabel();

const plainClick = (event) => event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;

class LessonsView {
  constructor(root, ctx) {
    this.root = root;
    this.built = ctx.built;
    this.listeners = new AbortController();
    this.gen = 0; // replies for a lesson the student has already left are dropped
    this.list = [];
    this.id = null;
    this.focusNext = false; // move focus to the lesson's title once it is shown
    this.card = new LessonCard(this.q("card"), {
      built: this.built, href: (id) => lessonPageHash(id),
      open: (lesson) => { location.hash = viewHash(lesson, presenting() ? { present: "1" } : {}); },
      go: (id) => this.go(id),
    });
    const signal = this.listeners.signal;
    this.q("course").addEventListener("click", (event) => {
      const link = event.target.closest("a[data-id]");
      if (!link || !plainClick(event)) return;
      event.preventDefault();
      this.go(link.dataset.id);
    }, { signal });
    this.q("start").addEventListener("click", () => this.go(this.q("start").dataset.id), { signal });
    this.stopProgress = onProgress(() => this.showProgress());
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  destroy() {
    this.gen += 1;
    this.listeners.abort();
    this.stopProgress();
    this.card.destroy();
  }

  // Another lesson, as a link would: a history entry, so Back returns.
  go(id) {
    const lesson = this.list.find((item) => item.id === id);
    if (!lesson) return;
    this.focusNext = true;
    location.hash = lessonLink(lesson, this.built);
  }

  // The course, and the lesson `id` (none: a welcome that starts or continues the course).
  async show(params) {
    const gen = ++this.gen;
    const list = await listLessons();
    if (gen !== this.gen) return;
    this.list = list;
    this.showCourse();
    const id = params.get("id");
    const known = list.some((lesson) => lesson.id === id);
    if (!known) {
      this.id = null;
      this.q("card").hidden = true;
      this.q("welcome").hidden = false;
      this.showCurrent();
      this.root.dataset.lesson = "";
      this.root.dataset.shownLang = lang();
      return;
    }
    const lesson = await readLesson(id);
    if (gen !== this.gen) return;
    this.id = id;
    this.card.show(lesson, list);
    this.q("welcome").hidden = true;
    this.q("card").hidden = false;
    this.showCurrent();
    this.root.dataset.lesson = id;
    this.root.dataset.shownLang = lang();
    if (this.focusNext) this.card.focusTitle();
    this.focusNext = false;
  }

  showCourse() {
    const items = this.list.map((lesson) => {
      const item = Object.assign(document.createElement("li"), { className: "course-item" });
      item.dataset.lesson = lesson.id;
      const link = Object.assign(document.createElement("a"), { href: lessonPageHash(lesson.id), textContent: lesson.title });
      link.dataset.id = lesson.id;
      if (lesson.fallback) link.lang = lesson.lang === "zh" ? "zh-CN" : "en";
      const tick = Object.assign(document.createElement("span"), { className: "course-tick" });
      tick.setAttribute("aria-hidden", "true");
      tick.textContent = "✓";
      const done = Object.assign(document.createElement("span"), { className: "sr-only course-done" });
      item.append(tick, link, done);
      if (!this.built(lesson.view)) {
        const soon = Object.assign(document.createElement("span"), { className: "course-soon" });
        soon.textContent = t("page.lessons.soon");
        item.append(soon);
      }
      return item;
    });
    this.q("course").replaceChildren(...items);
    this.showProgress();
  }

  showCurrent() {
    for (const item of this.q("course").children) {
      const link = item.querySelector("a");
      if (item.dataset.lesson === this.id) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  // Ticks, "3 of 11 done", and the welcome's button: the first lesson not done yet.
  showProgress() {
    const done = doneLessons();
    for (const item of this.q("course").children) {
      const on = done.has(item.dataset.lesson);
      item.classList.toggle("done", on);
      item.querySelector(".course-done").textContent = on ? t("page.lessons.done_label") : "";
    }
    const count = this.list.filter((lesson) => done.has(lesson.id)).length;
    this.q("progress").textContent = t("page.lessons.progress", { done: count, total: this.list.length });
    const next = this.list.find((lesson) => !done.has(lesson.id)) ?? this.list[0];
    const start = this.q("start");
    start.hidden = !next;
    if (!next) return;
    start.dataset.id = next.id;
    start.textContent = t(count ? "page.lessons.continue" : "page.lessons.start", { n: next.number, title: next.title });
  }

  // The course and the lesson again, in the new language.
  relabel() {
    this.show(new URLSearchParams(this.id ? { id: this.id } : {})).catch(toast);
  }
}
