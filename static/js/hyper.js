// The optimizer's hyperparameter form, built from its torch defaults, labelled in the page's
// language with torch's name beside it.

import { t } from "./i18n.js";

const LABELS = {
  momentum: "page.hyper.momentum", dampening: "page.hyper.dampening",
  weight_decay: "page.hyper.weight_decay", nesterov: "page.hyper.nesterov",
  lr_decay: "page.hyper.lr_decay", initial_accumulator_value: "page.hyper.initial_accumulator_value",
  eps: "page.hyper.eps", alpha: "page.hyper.alpha", centered: "page.hyper.centered",
  betas: "page.hyper.betas", amsgrad: "page.hyper.amsgrad",
};

export function hyperLabel(name) {
  return LABELS[name] ? t(LABELS[name]) : name.replaceAll("_", " ");
}

function numberInput(name, value) {
  const input = Object.assign(document.createElement("input"), { type: "number", step: "any", value });
  input.dataset.hyper = name;
  return input;
}

export function hyperField(name, value) {
  const label = document.createElement("label");
  const text = Object.assign(document.createElement("span"), { textContent: hyperLabel(name), title: name });
  text.dataset.hyperLabel = name;
  label.append(text);
  if (typeof value === "boolean") {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: value });
    box.dataset.hyper = name;
    label.append(box);
  } else if (Array.isArray(value)) {
    const pair = Object.assign(document.createElement("span"), { className: "pair" });
    value.forEach((v, i) => {
      const input = numberInput(name, v);
      input.dataset.index = i;
      pair.append(input);
    });
    label.append(pair);
  } else {
    label.append(numberInput(name, value));
  }
  return label;
}

export function relabelHyper(root) {
  for (const span of root.querySelectorAll("[data-hyper-label]")) span.textContent = hyperLabel(span.dataset.hyperLabel);
}

export function readHyper(root) {
  const out = {};
  for (const input of root.querySelectorAll("[data-hyper]")) {
    const name = input.dataset.hyper;
    if (input.type === "checkbox") out[name] = input.checked;
    else if (input.dataset.index !== undefined) (out[name] ??= [])[Number(input.dataset.index)] = Number(input.value);
    else out[name] = Number(input.value);
  }
  return out;
}

// Set the form from values (e.g. read from the URL); fields not named keep their defaults.
export function writeHyper(root, values) {
  for (const input of root.querySelectorAll("[data-hyper]")) {
    const value = values[input.dataset.hyper];
    if (value === undefined) continue;
    if (input.type === "checkbox") input.checked = Boolean(value);
    else if (input.dataset.index !== undefined) input.value = String(value[Number(input.dataset.index)] ?? input.value);
    else input.value = String(value);
  }
}
