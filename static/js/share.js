// Share with the class: a dialog with the link to the page as it is now, the same link at this
// machine's addresses on the local network, and a QR code of it to scan (GET /api/v1/share),
// kept up to date while the state changes. Also the page's modal dialogs and copying, which
// export.js uses too.

import { getJSON, isAbort } from "./api.js";
import { t } from "./i18n.js";
import { dropParam } from "./present.js";
import { toast } from "./toast.js";

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex]:not([tabindex='-1'])";

// A modal dialog opened by `opener`: focus goes in and stays in (Tab wraps round), Escape or
// the close button closes it, and focus returns to the opener.
export function modal(dialog, opener, { onOpen = () => {}, onClose = () => {} } = {}) {
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const stops = [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length);
    if (!stops.length) return;
    const [first, last] = [stops[0], stops.at(-1)];
    const inside = dialog.contains(document.activeElement) && document.activeElement !== dialog;
    if (event.shiftKey && (document.activeElement === first || !inside)) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && (document.activeElement === last || !inside)) { event.preventDefault(); first.focus(); }
  });
  dialog.querySelector("[data-role=close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { onClose(); opener.focus(); });
  opener.addEventListener("click", () => {
    dialog.showModal();
    opener.setAttribute("aria-expanded", "true");
    onOpen();
  });
  dialog.addEventListener("close", () => opener.setAttribute("aria-expanded", "false"));
}

// The link to share: the page as it is now, without presentation mode (a student who opens it
// gets the ordinary page, controls and all).
export function shareUrl() {
  const url = new URL(location.href);
  if (url.hash) url.hash = dropParam(url.hash, "present");
  return url.href;
}

// Copy text: the Clipboard API where the page may use it (https, localhost), else the old way
// through a selected field (a page opened at http://192.168.… is not a secure context).
// Returns whether it worked; `status` says so in words.
export async function copyText(text, status) {
  let copied = false;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    const field = Object.assign(document.createElement("textarea"), { value: text, readOnly: true });
    field.className = "sr-only";
    (status.closest("dialog") ?? document.body).append(field);
    field.select();
    copied = document.execCommand("copy");
    field.remove();
  }
  status.dataset.i18n = copied ? "page.share.copied" : "page.share.copy_failed";
  status.textContent = t(status.dataset.i18n);
  return copied;
}

// The server's QR code, an <svg> drawn by segno, parsed as HTML (it has no xmlns) and taken in
// only if it is one.
function qrCode(text) {
  const doc = new DOMParser().parseFromString(text, "text/html");
  const svg = doc.body.firstElementChild;
  if (svg?.localName !== "svg") throw new Error(t("page.share.no_qr"));
  for (const script of svg.querySelectorAll("script, foreignObject")) script.remove();
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  return document.importNode(svg, true);
}

class SharePanel {
  constructor() {
    this.dialog = document.querySelector("[data-share-dialog]");
    this.opener = document.querySelector("[data-role=share-open]");
    this.controller = null;
    this.gen = 0;
  }

  q(role) {
    return this.dialog.querySelector(`[data-role="${role}"]`);
  }

  start() {
    modal(this.dialog, this.opener, {
      onOpen: () => { this.q("share-copied").textContent = ""; this.refresh().catch(toast); },
      onClose: () => this.controller?.abort(),
    });
    this.q("share-copy").addEventListener("click", () => this.copy(this.q("share-link").value).catch(toast));
    this.q("share-lan").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-url]");
      if (button) this.copy(button.dataset.url).catch(toast);
    });
    // While the dialog is open the page behind it is inert: only Back, Forward or a typed
    // hash change the state.
    for (const type of ["hashchange", "popstate"]) window.addEventListener(type, () => this.refreshIfOpen());
  }

  refreshIfOpen() {
    if (this.dialog.open && shareUrl() !== this.dialog.dataset.url) this.refresh().catch(toast);
  }

  async copy(text) {
    const status = this.q("share-copied");
    if (!(await copyText(text, status))) this.q("share-link").select(); // then Ctrl+C does it
  }

  async refresh() {
    const gen = ++this.gen;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const url = shareUrl();
    this.q("share-link").value = url;
    this.q("share-error").hidden = true;
    this.dialog.setAttribute("aria-busy", "true");
    let reply;
    try {
      reply = await getJSON(`/api/v1/share?url=${encodeURIComponent(url)}`, { signal: controller.signal });
    } catch (error) {
      if (isAbort(error) || gen !== this.gen) return;
      this.q("share-error").textContent = error.message;
      this.q("share-error").hidden = false;
      this.dialog.removeAttribute("aria-busy");
      return;
    }
    if (gen !== this.gen) return;
    this.q("share-qr").replaceChildren(qrCode(reply.qr_svg));
    this.q("share-qr-url").textContent = reply.qr_url;
    this.q("share-lan").replaceChildren(...reply.lan_urls.map((link) => this.lanItem(link)));
    this.q("share-no-lan").hidden = reply.lan_urls.length > 0;
    this.dialog.dataset.url = url;
    this.dialog.removeAttribute("aria-busy");
  }

  lanItem(link) {
    const item = document.createElement("li");
    const anchor = Object.assign(document.createElement("a"), { href: link, textContent: link });
    const copy = Object.assign(document.createElement("button"), { type: "button" });
    copy.dataset.url = link;
    copy.dataset.i18n = "page.share.copy";
    copy.textContent = t("page.share.copy");
    item.append(anchor, copy);
    return item;
  }
}

export function startShare() {
  new SharePanel().start();
}
