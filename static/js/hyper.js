// The optimizer's hyperparameter form, built from its torch defaults.

export function hyperField(name, value) {
  const label = document.createElement("label");
  label.textContent = name.replaceAll("_", " ");
  if (typeof value === "boolean") {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: value });
    box.dataset.hyper = name;
    label.append(box);
  } else if (Array.isArray(value)) {
    const pair = document.createElement("span");
    value.forEach((v, i) => {
      const input = Object.assign(document.createElement("input"), { type: "number", step: "any", value: v });
      input.dataset.hyper = name; input.dataset.index = i; input.style.width = "50%";
      pair.append(input);
    });
    label.append(pair);
  } else {
    const input = Object.assign(document.createElement("input"), { type: "number", step: "any", value });
    input.dataset.hyper = name;
    label.append(input);
  }
  return label;
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

