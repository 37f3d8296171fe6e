// The page's words: one catalogue per language, fetched from the server, looked up by key.
// Parameters are filled by name and numbers formatted with Intl.NumberFormat, never concatenated.

import { localized } from "./api.js";

export const LANGS = ["en", "zh"];
const STORE = "gdviz.lang";
let current = "en";
let messages = {};
const listeners = new Set();

export const lang = () => current;

// The remembered choice, else the first of the browser's languages we speak, else English.
export function preferredLanguage() {
  const stored = localStorage.getItem(STORE);
  if (LANGS.includes(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = String(tag).split("-")[0].toLowerCase();
    if (LANGS.includes(primary)) return primary;
  }
  return "en";
}

export async function setLanguage(code, { remember = false } = {}) {
  const next = LANGS.includes(code) ? code : "en";
  const response = await fetch(`/api/v1/i18n/${next}`, { headers: { "Accept-Language": next } });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}: /api/v1/i18n/${next}`);
  messages = await response.json();
  current = next;
  localized.lang = next;
  if (remember) localStorage.setItem(STORE, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  applyI18n(document);
  for (const listener of listeners) listener(next);
}

// Called after every language change (views re-render their dynamic text).
export function onLanguage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function has(key) {
  return Object.hasOwn(messages, key);
}

// The message `key` with its {name} placeholders filled; numbers go through fmt().
export function t(key, params = {}) {
  const template = messages[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    if (typeof value !== "number") return String(value);
    return Number.isInteger(value) ? fmt(value, { maximumFractionDigits: 0 }) : fmt(value);
  });
}

const formats = new Map();

// A number in the page's language: 4 significant digits unless told otherwise.
export function fmt(value, options = { maximumSignificantDigits: 4 }) {
  if (!Number.isFinite(value)) return String(value);
  const id = `${current}|${JSON.stringify(options)}`;
  if (!formats.has(id)) formats.set(id, new Intl.NumberFormat(current === "zh" ? "zh-CN" : "en", options));
  return formats.get(id).format(value);
}

// Static text in templates: data-i18n sets the text, data-i18n-title etc. set attributes.
const ATTRIBUTES = ["title", "aria-label", "placeholder"];

export function applyI18n(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const name of ATTRIBUTES) {
    for (const el of root.querySelectorAll(`[data-i18n-${name}]`)) {
      el.setAttribute(name, t(el.getAttribute(`data-i18n-${name}`)));
    }
  }
}
