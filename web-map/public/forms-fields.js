// The fields of the editing forms, their French labels and how a value goes
// from a feature's properties to a form control and back to a write body.
// Confidential fields are listed apart: a role that may not read them never
// gets them in the form (and the server refuses them from it).

// [JSON field, French label, control, options]
//   control: text | textarea | number | date | select:<vocabulary> | checks:<vocabulary>
export const OPPORTUNITY_FIELDS = [
  ["title", "Intitulé", "text", { required: true }],
  ["kind", "Type de bien", "select:opportunity_kinds", { required: true }],
  ["address", "Adresse", "text"],
  ["commune", "Commune", "commune"],
  ["built_surface_m2", "Surface bâtie (m²)", "number"],
  ["land_surface_m2", "Surface du terrain (m²)", "number"],
  ["tenures", "Modalités", "checks:tenures"],
  ["rent_eur_month", "Loyer mensuel (€)", "number"],
  ["price_eur", "Prix (€)", "number"],
  ["available_from", "Disponible à partir du", "date"],
  ["status", "Statut", "select:opportunity_statuses"],
  ["visibility", "Visibilité", "select:visibilities"],
];
export const OPPORTUNITY_CONFIDENTIAL = [
  ["owner_name", "Propriétaire", "text"],
  ["owner_contact", "Contact du propriétaire", "text"],
  ["notes", "Remarques", "textarea"],
];

export const NEED_FIELDS = [
  ["collective_name", "Collectif", "text", { required: true }],
  ["surface_min_m2", "Surface minimale (m²)", "number"],
  ["surface_ideal_m2", "Surface idéale (m²)", "number"],
  ["surface_max_m2", "Surface maximale (m²)", "number"],
  ["kinds_wanted", "Types recherchés", "checks:opportunity_kinds"],
  ["tenures_accepted", "Modalités acceptées", "checks:tenures"],
  ["rent_max_eur_month", "Loyer maximal (€)", "number"],
  ["price_max_eur", "Prix maximal (€)", "number"],
  ["needed_from", "Besoin à partir du", "date"],
  ["status", "Statut", "select:need_statuses"],
  ["description", "Description", "textarea"],
];
export const NEED_CONFIDENTIAL = [
  ["contact", "Contact du collectif", "text"],
  ["notes", "Remarques", "textarea"],
];

// Where a refused field's message goes when the field has no control of its
// own: the location (opportunities) or the search area (needs).
export const LOCATION_FIELDS = ["lat", "lon", "wkt", "geometry", "commune_insee", "commune_name", "postcode",
  "location_precision", "commune"];
export const AREA_FIELDS = ["territory", "radius_km", "lat", "lon", "wkt", "geometry", "area"];

const TENURE_LABELS = { bcus: "BCUS" };
export const termLabel = (v) => TENURE_LABELS[v] ?? v;

function element(tag, attributes = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}
export { element };

let uid = 0;

// One field's block: label, control, and the place of its error message.
// Returns {block, read(), write(value)}.
export function fieldControl([name, label, control, options = {}], vocabularies) {
  const id = `form-${name}-${++uid}`;
  const error = element("p", { class: "field-error", id: `${id}-error`, role: "alert", dataset: { errorFor: name } });
  const block = element("div", { class: "form-field", dataset: { field: name } });
  if (control.startsWith("checks:")) {
    const values = vocabularies[control.slice(7)] ?? [];
    const fieldset = element("fieldset", { class: "choices", "aria-describedby": error.id },
      element("legend", { text: label }));
    const boxes = values.map((v) => {
      const input = element("input", { type: "checkbox", name, value: v });
      fieldset.append(element("label", {}, input, ` ${termLabel(v)}`));
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
  if (control.startsWith("select:")) {
    input = element("select", { id, name });
    // A required list starts on a visible "Choisissez…", not on a blank.
    input.append(new Option(options.required ? "Choisissez…" : "—", ""));
    for (const v of vocabularies[control.slice(7)] ?? []) input.append(new Option(termLabel(v), v));
  } else if (control === "textarea") {
    input = element("textarea", { id, name, rows: 3 });
  } else {
    const type = control === "number" ? "number" : control === "date" ? "date" : "text";
    input = element("input", { id, name, type, min: type === "number" ? "0" : null, step: type === "number" ? "any" : null,
      autocomplete: "off" });
  }
  if (options.required) input.required = true;
  input.setAttribute("aria-describedby", error.id);
  block.append(element("label", { for: id, text: label }), input, error);
  return {
    block,
    input,
    read: () => {
      const v = input.value.trim();
      if (v === "") return null;
      return control === "number" ? Number(v) : v;
    },
    write: (value) => {
      input.value = value === null || value === undefined ? "" : String(value);
    },
  };
}

// The values a form shows for a feature's properties.
export function formValues(properties) {
  const out = { ...properties };
  if (properties.radius_m !== undefined && properties.radius_m !== null) out.radius_km = properties.radius_m / 1000;
  return out;
}

// Field by field, what differs between two write bodies (for the conflict
// view): [{field, label, mine, theirs}].
export function differences(fields, mine, theirs) {
  const show = (v) => (v === null || v === undefined || v === "" ? "—" : Array.isArray(v) ? v.map(termLabel).join(", ") : String(v));
  const out = [];
  for (const [name, label] of fields) {
    if (name === "commune") continue;
    const a = show(mine[name]);
    const b = show(theirs[name]);
    if (a !== b) out.push({ field: name, label, mine: a, theirs: b });
  }
  return out;
}
