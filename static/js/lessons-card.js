// One lesson on the page: its number and title, its text as the server rendered it (HTML with
// MathML equations), "Open in the view" (or why not yet), the thing to try with its answer
// behind a toggle, previous and next, and "mark as done". The Lessons view and the presentation
// panel each hold one, built from templates/partials/lesson-card.html; a card finds its parts by
// data-role inside its own root.

import { t } from "./i18n.js";
import { doneLessons, onProgress, setDone } from "./lessons-data.js";

let cards = 0; // numbers the cards, so that their ids (for aria-controls) are unique on the page

const plainClick = (event) => event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
const langTag = (code) => (code === "zh" ? "zh-CN" : "en");

export class LessonCard {
  // root: the card's element. built(view): whether the page has that view; open(lesson): open
  // it there; go(id): show another lesson; href(id): the link to it (for a new tab).
  // openable: false where the view is already beside the card (presentation).
  constructor(root, { built, open, go, href, openable = true }) {
    Object.assign(this, { root, built, href, openable });
    this.lesson = null;
    this.list = [];
    this.listeners = new AbortController();
    const signal = this.listeners.signal;
    const answer = this.q("lesson-answer");
    answer.id = `lesson-answer-${++cards}`;
    this.q("lesson-answer-toggle").setAttribute("aria-controls", answer.id);
    this.q("lesson-answer-toggle").addEventListener("click", () => this.showAnswer(answer.hidden), { signal });
    this.q("lesson-open").addEventListener("click", () => { if (this.lesson) open(this.lesson); }, { signal });
    this.q("lesson-done").addEventListener("change", (event) => {
      if (this.lesson) setDone(this.lesson.id, event.target.checked);
    }, { signal });
    for (const role of ["lesson-previous", "lesson-next"]) {
      this.q(role).addEventListener("click", (event) => {
        const id = event.currentTarget.dataset.id;
        if (!id || !plainClick(event)) return; // a middle or ctrl click opens a new tab
        event.preventDefault();
        go(id);
      }, { signal });
    }
    this.stopProgress = onProgress((ids) => this.showDone(ids));
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  destroy() {
    this.listeners.abort();
    this.stopProgress();
  }

  // lesson: the reply of /lessons/{id}; list: that of /lessons (the neighbours' titles, the count).
  show(lesson, list) {
    const another = this.lesson?.id !== lesson.id;
    this.lesson = lesson;
    this.list = list;
    this.root.dataset.lesson = lesson.id;
    this.q("lesson-title").textContent = lesson.title;
    // The server renders the Markdown with raw HTML off and whitelists the MathML it makes.
    this.q("lesson-text").innerHTML = lesson.html;
    this.q("lesson-try").textContent = lesson.try;
    this.q("lesson-answer-text").textContent = lesson.answer;
    for (const role of ["lesson-title", "lesson-text", "lesson-try", "lesson-answer-text"]) {
      this.q(role).lang = langTag(lesson.lang); // a lesson missing in one language comes in the other
    }
    this.q("lesson-fallback").hidden = !lesson.fallback;
    if (another) this.showAnswer(false);
    this.showDone(doneLessons());
    this.relabel();
  }

  // The words built here from the catalogue (the template's own are re-rendered by i18n.js).
  relabel() {
    const lesson = this.lesson;
    if (!lesson) return;
    this.q("lesson-number").textContent = t("page.lessons.number", { n: lesson.number, total: this.list.length });
    const ready = this.built(lesson.view);
    this.q("lesson-open-row").hidden = !ready || !this.openable;
    this.q("lesson-unbuilt").hidden = ready;
    this.q("lesson-unbuilt").textContent = ready ? "" : t("page.lessons.unbuilt", { view: lesson.view });
    this.root.dataset.built = String(ready);
    this.showStep("lesson-previous", lesson.previous, "page.lessons.previous");
    this.showStep("lesson-next", lesson.next, "page.lessons.next");
  }

  showStep(role, id, key) {
    const link = this.q(role);
    const neighbour = this.list.find((item) => item.id === id);
    link.hidden = !neighbour;
    if (!neighbour) { delete link.dataset.id; return; }
    link.dataset.id = id;
    link.href = this.href(id);
    link.textContent = t(key, { title: neighbour.title });
  }

  showAnswer(open) {
    const toggle = this.q("lesson-answer-toggle");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.dataset.i18n = open ? "page.lessons.hide_answer" : "page.lessons.show_answer";
    toggle.textContent = t(toggle.dataset.i18n);
    this.q("lesson-answer").hidden = !open;
    this.root.dataset.answer = open ? "shown" : "hidden";
  }

  showDone(ids) {
    if (this.lesson) this.q("lesson-done").checked = ids.has(this.lesson.id);
  }

  // After a step to another lesson: the reader starts at its title.
  focusTitle() {
    this.q("lesson-title").focus({ preventScroll: true });
    this.root.scrollIntoView({ block: "start" });
  }
}
