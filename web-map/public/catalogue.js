// The server's field catalogue (importers/field_table.cpp, sent by
// /api/map-config): every label, unit, control and vocabulary the page shows
// comes from here. The page writes no French field label and no vocabulary
// value of its own (tests/web/catalogue.test.mjs fails if it does).

const euro = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
const number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long" });

// /api/map-config, given once by the page that read it (setConfig); until
// then every list is empty and every label the name itself.
let config = { vocabularies: {}, basemap: null };

export function setConfig(value) {
  config = value;
}

export function mapConfig() {
  return config;
}

// The fields of an entity ("opportunity", "need", "place", "request"), in
// the order the page shows them: [{name, label, labelled, unit, control,
// vocabulary, required, panel, confidential}].
export function fields(entity) {
  return config.fields?.[entity] ?? [];
}

export function field(entity, name) {
  return fields(entity).find((f) => f.name === name);
}

// A field's label for people (with its unit by default: the catalogue's "labelled"), the name
// itself for a field the catalogue does not know.
export function fieldLabel(entity, name, { unit = true } = {}) {
  const f = field(entity, name);
  if (!f) return name;
  return unit ? f.labelled : f.label;
}

// The page's own elements that name a field (index.html's
// data-field-label="entity.field": a list's headings and filters, the
// account forms) take its label from the catalogue.
export function labelFields(root = document) {
  for (const e of root.querySelectorAll("[data-field-label]")) {
    const [entity, name] = e.dataset.fieldLabel.split(".");
    e.textContent = fieldLabel(entity, name, { unit: false });
  }
}

// The fields a form enters, confidential ones only for a role that reads them.
export function formFields(entity, withConfidential) {
  return fields(entity).filter((f) => f.control !== "none" && (withConfidential || !f.confidential));
}

// The fields a panel or a list shows (the confidential ones apart).
export function panelFields(entity, confidential = false) {
  return fields(entity).filter((f) => f.panel && f.confidential === confidential);
}

// A stored value as people read it (the server's "labels": an acronym in capitals).
export function valueLabel(value) {
  return config.labels?.[value] ?? value;
}

// A value's label followed by what it stands for (the server's "descriptions"), where a legend has room.
export function longValueLabel(value) {
  const d = config.descriptions?.[value];
  return d ? `${valueLabel(value)} (${d})` : valueLabel(value);
}

export function vocabulary(name) {
  return config.vocabularies?.[name] ?? [];
}

// A new row's default for a vocabulary: its first value (core/vocabulary.hpp
// orders them so).
export function firstValue(name) {
  return vocabulary(name)[0];
}

// How an import kind's field is named in the import report.
export function importLabel(kind, name) {
  return config.import_labels?.[kind]?.[name] ?? name;
}

export function styles() {
  return config.styles ?? {};
}

// A server value as a person reads it: "" for nothing, lists joined, an
// object's values (never "[object Object]").
export function text(v) {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(text).filter(Boolean).join(", ");
  if (typeof v === "object")
    return Object.entries(v)
      .filter(([, x]) => text(x) !== "")
      .map(([k, x]) => `${k} : ${text(x)}`)
      .join(" · ");
  if (typeof v === "number" && !Number.isFinite(v)) return "";
  return String(v);
}

export const isNumber = (v) =>
  typeof v === "number" ? Number.isFinite(v) : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));

function formatDate(v) {
  const d = new Date(`${v}T00:00:00`);
  return Number.isNaN(d.getTime()) ? text(v) : dateFormat.format(d);
}

// A field's value as a panel shows it, by the field's unit, control and
// vocabulary; falls back to the value as text when it is not what the field
// expects (a panel never says "NaN", "null" or "[object Object]").
export function formatValue(f, v) {
  if (v === null || v === undefined) return "";
  if (f?.vocabulary) return Array.isArray(v) ? v.map(valueLabel).join(", ") : valueLabel(text(v));
  if (f?.control === "date" || /^\d{4}-\d{2}-\d{2}$/.test(String(v))) return formatDate(v);
  if (!f?.unit || !isNumber(v)) return text(v);
  const n = Number(v);
  if (f.unit === "€") return euro.format(n);
  if (f.unit === "m" && n >= 1000) return `${number.format(n / 1000)} km`;
  return `${number.format(n)} ${f.unit}`;
}
