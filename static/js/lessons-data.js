// The course: the lessons from the server (GET /api/v1/lessons and /lessons/{id}, in the page's
// language), the links that open them, and what a student has done, kept in this browser.

import { getJSON } from "./api.js";
import { lang } from "./i18n.js";

const DONE = "gdviz.lessons.done"; // localStorage: a JSON list of lesson ids
const replies = new Map(); // "lang path" -> a Promise of the reply; a failed one is forgotten
const listeners = new Set();

function cached(path) {
  const key = `${lang()} ${path}`;
  if (!replies.has(key)) {
    replies.set(key, getJSON(path).catch((error) => { replies.delete(key); throw error; }));
  }
  return replies.get(key);
}

// [{ id, number, title, view, state, lang, fallback }], in order.
export const listLessons = () => cached("/api/v1/lessons");

// { ..., html, try, answer, previous, next }
export const readLesson = (id) => cached(`/api/v1/lessons/${encodeURIComponent(id)}`);

// The lesson's own state with the shell's params after it (a lesson's state is a hash such as
// "#descent?surface=himmelblau&lr=0.01"); kept as the server wrote it, so it stays readable.
export function withParams(hash, extra) {
  const query = new URLSearchParams(extra).toString();
  if (!query) return hash;
  return `${hash}${hash.includes("?") ? "&" : "?"}${query}`;
}

// Where "Open in the view" goes: the view in the lesson's state, remembering the lesson.
export const viewHash = (lesson, extra = {}) => withParams(lesson.state, { course: lesson.id, ...extra });

// A lesson shown on the Lessons view.
export const lessonPageHash = (id, extra = {}) => withParams("#lessons", { id, ...extra });

// ---- progress -----------------------------------------------------------------------------

export function doneLessons() {
  try {
    const ids = JSON.parse(localStorage.getItem(DONE) ?? "[]");
    return new Set(Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : []);
  } catch {
    return new Set(); // a hand-edited or foreign value: start afresh rather than fail
  }
}

export function setDone(id, done) {
  const ids = doneLessons();
  if (done) ids.add(id);
  else ids.delete(id);
  localStorage.setItem(DONE, JSON.stringify([...ids]));
  for (const listener of listeners) listener(ids);
}

// Called with the set of done ids whenever it changes (the list and the cards show ticks).
export function onProgress(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
