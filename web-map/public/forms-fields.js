// How a field of the catalogue (catalogue.js: its label, control and
// vocabulary come from the server) becomes a form control, and how a value
// goes from a feature's properties to that control and back to a write body.
// A role that may not read a confidential field never gets it in the form
// (and the server refuses it from it).

import { valueLabel } from "./catalogue.js";
import { element } from "./dom.js";

// Where a refused field's message goes when the field has no control of its
// own: the location (opportunities) or the search area (needs).
export const LOCATION_FIELDS = [
  "lat",
  "lon",
  "wkt",
  "geometry",
  "commune_insee",
  "commune_name",
  "postcode",
  "location_precision",
  "commune",
];
export const AREA_FIELDS = ["territory", "radius_km", "lat", "lon", "wkt", "geometry", "area"];

let uid = 0;

// One field's block: label, control, and the place of its error message.
// Returns {block, read(), write(value)}.
export function fieldControl(spec, vocabularies) {
  const { name, labelled: label, control, vocabulary, required } = spec;
  const id = `form-${name}-${++uid}`;
  const error = element("p", { class: "field-error", id: `${id}-error`, role: "alert", dataset: { errorFor: name } });
  const block = element("div", { class: "form-field", dataset: { field: name } });
  if (control === "choices") {
    const values = vocabularies[vocabulary] ?? [];
    const fieldset = element(
      "fieldset",
      { class: "choices", "aria-describedby": error.id },
      element("legend", { text: label }),
    );
    const boxes = values.map((v) => {
      const input = element("input", { type: "checkbox", name, value: v });
      fieldset.append(element("label", {}, input, ` ${valueLabel(v)}`));
      return input;
    });
    block.append(fieldset, error);
    return {
      block,
      read: () => boxes.filter((b) => b.checked).map((b) => b.value),
      write: (value) => {
        const chosen = Array.isArray(value) ? value : typeof value === "string" && value ? value.split(",") : [];
        for (const b of boxes) b.checked = chosen.includes(b.value);
      },
    };
  }
  let input;
  if (control === "choice") {
    input = element("select", { id, name });
    // A required list starts on a visible "Choisissez…", not on a blank.
    input.append(new Option(required ? "Choisissez…" : "—", ""));
    for (const v of vocabularies[vocabulary] ?? []) input.append(new Option(valueLabel(v), v));
  } else if (control === "textarea") {
    input = element("textarea", { id, name, rows: 3 });
  } else {
    // A reference is a row's number: a whole number from 1.
    const reference = control === "reference";
    const type = control === "number" || reference ? "number" : control === "date" ? "date" : "text";
    input = element("input", {
      id,
      name,
      type,
      min: reference ? "1" : type === "number" ? "0" : null,
      step: reference ? "1" : type === "number" ? "any" : null,
      autocomplete: "off",
    });
  }
  if (required) input.required = true;
  if (spec.maxlength) input.maxLength = spec.maxlength;
  if (spec.placeholder) input.placeholder = spec.placeholder;
  input.setAttribute("aria-describedby", error.id);
  block.append(element("label", { for: id, text: label }), input, error);
  return {
    block,
    input,
    read: () => {
      const v = input.value.trim();
      if (v === "") return null;
      return control === "number" || control === "reference" ? Number(v) : v;
    },
    write: (value) => {
      input.value = value === null || value === undefined ? "" : String(value);
    },
  };
}

// A refused field's message next to its control in `root` (after any
// message already there); false when `root` has no such field.
export function showFieldError(root, name, detail) {
  const p = root.querySelector(`.field-error[data-error-for="${name}"]`);
  if (!p) return false;
  p.textContent = p.textContent ? `${p.textContent} ${detail}` : detail;
  p.closest(".form-field")?.classList.add("invalid");
  return true;
}

export function clearFieldErrors(root) {
  for (const p of root.querySelectorAll(".field-error")) p.textContent = "";
  for (const b of root.querySelectorAll(".form-field.invalid")) b.classList.remove("invalid");
}

// The values a form shows for a feature's properties.
export function formValues(properties) {
  const out = { ...properties };
  if (properties.radius_m !== undefined && properties.radius_m !== null) out.radius_km = properties.radius_m / 1000;
  return out;
}
