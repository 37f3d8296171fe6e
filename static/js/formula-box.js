// A text box for a formula, checked by the server as the student types: after a short pause
// the text goes to POST /api/v1/objectives/describe; an error comes back as a sentence and a
// column, shown under the box as the text with a caret under the offending character.
// Used by every view that takes a typed expression; it knows nothing of what the view does
// with a valid one.

import { isAbort, postJSON } from "./api.js";
import { t } from "./i18n.js";

const DELAY = 300; // ms of quiet before a check

export class FormulaBox {
  // input: the <input>; error: the element that shows what is wrong (it gets a caret line and
  // a sentence); onValid(info, text) and onInvalid(error, text) are told the outcome of each
  // check; objective(text) builds the objective sent for checking.
  constructor({ input, error, onValid, onInvalid = () => {}, objective = (text) => ({ expression: text }), signal }) {
    Object.assign(this, { input, error, onValid, onInvalid, objective });
    this.timer = 0;
    this.request = null;
    this.checked = null; // the text last checked and its outcome
    this.fault = null; // the error shown, to tell again in another language
    this.told = null; // the text onValid or onInvalid last heard about
    if (!error.id) error.id = `formula-error-${Math.random().toString(36).slice(2, 9)}`;
    input.setAttribute("aria-describedby", error.id);
    input.setAttribute("spellcheck", "false");
    input.setAttribute("autocomplete", "off");
    input.addEventListener("input", () => this.schedule(), { signal });
    input.addEventListener("change", () => this.check({ notify: true }).catch(() => {}), { signal });
    signal?.addEventListener("abort", () => { clearTimeout(this.timer); this.request?.abort(); });
  }

  get text() {
    return this.input.value.trim();
  }

  // Put `text` in the box and check it at once; resolves to its description, or null. The
  // caller, not onValid, decides what to do with it.
  set(text) {
    this.input.value = text;
    this.told = text; // the caller acts on it
    return this.check();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check({ notify: true }).catch(() => {}), DELAY);
  }

  // Check the box's text now; resolves to the description, or null when the text is wrong.
  // With `notify`, onValid or onInvalid hears the outcome (the student typed it).
  async check({ force = false, notify = false } = {}) {
    clearTimeout(this.timer);
    const text = this.text;
    if (!force && this.checked?.text === text) {
      // Leaving the box (change) after a pause in typing (input) says nothing new.
      if (notify && this.told !== text) this.tell(this.checked.info, this.fault?.error, text);
      return this.checked.info;
    }
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    this.input.dataset.checking = "true";
    try {
      const info = await postJSON("/api/v1/objectives/describe", { objective: this.objective(text) }, { signal: request.signal });
      if (this.request !== request) return null;
      this.checked = { text, info };
      this.showFault(null, text);
      if (notify) this.tell(info, null, text);
      return info;
    } catch (error) {
      if (isAbort(error) || this.request !== request) return null;
      this.checked = { text, info: null };
      this.showFault(error, text);
      if (notify) this.tell(null, error, text);
      return null;
    } finally {
      if (this.request === request) delete this.input.dataset.checking;
    }
  }

  tell(info, error, text) {
    this.told = text;
    if (info) this.onValid(info, text);
    else this.onInvalid(error, text);
  }

  // The sentence under the box, with the text and a caret under column `column` when the
  // server names one (1-based, counted in characters as typed).
  showFault(error, text) {
    this.fault = error ? { error, text } : null;
    this.input.setAttribute("aria-invalid", String(Boolean(error)));
    if (!error) {
      this.error.hidden = true;
      this.error.replaceChildren();
      delete this.error.dataset.column;
      return;
    }
    const column = Number.isInteger(error.body?.column) ? error.body.column : null;
    const parts = [];
    if (column !== null) parts.push(caretLine(text, column));
    // The box is the field: the server's "objective.expression: " before the sentence goes.
    const message = error.message.replace(/^[\w.]*expression[:：]\s*/, "");
    parts.push(Object.assign(document.createElement("p"), { className: "expr-message", textContent: message }));
    this.error.replaceChildren(...parts);
    this.error.hidden = false;
    if (column !== null) this.error.dataset.column = String(column);
    else delete this.error.dataset.column;
    if (error.body?.key) this.error.dataset.key = error.body.key;
  }

  // After a language switch: ask again, so that the server's sentence (and the description's
  // title) come back translated. Resolves to the description, or null.
  relabel() {
    if (!this.checked) return Promise.resolve(null);
    return this.check({ force: true, notify: this.text !== this.checked.text });
  }
}

// The text in a monospace block with the character at `column` marked and a caret under it.
function caretLine(text, column) {
  const chars = Array.from(text);
  const at = Math.max(0, Math.min(column - 1, chars.length));
  const pre = Object.assign(document.createElement("pre"), { className: "expr-caret" });
  pre.setAttribute("aria-hidden", "true"); // the sentence says the column in words
  const mark = Object.assign(document.createElement("mark"), { textContent: chars[at] ?? " " });
  pre.append(chars.slice(0, at).join(""), mark, chars.slice(at + 1).join(""), "\n",
    `${" ".repeat(at)}^`);
  return pre;
}

// "x and y", "x, y and z" in the page's language.
export function listNames(names) {
  if (names.length <= 1) return names.join("");
  return t("page.expr.names", { first: names.slice(0, -1).join(t("page.expr.comma")), last: names.at(-1) });
}
