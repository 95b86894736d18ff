// Requests ("sollicitations") the land group logs: who asked, from which
// organisation and commune, about what, through which channel, the
// orientation given and where it stands. A list with filters, a form to add
// or edit one (If-Match on every change), and the list as shown exported by
// the server (CSV, XLSX, ODS: /api/requests/export with the list's filters,
// which `terrier import requests` and "Importer un tableau" read back).
// The form is built from the catalogue's request fields (/api/map-config,
// forms-fields.js's builder, as the other forms); its confidential fields
// (contact, notes) only for a session that reads them, and the list never has
// them for another.

import * as api from "./api.js";
import { $, element } from "./dom.js";
import { debounce } from "./context.js";
import * as view from "./context.js";
import { state } from "./state.js";
import { download } from "./exports.js";
import { copyLinkBlock, definitionList, linkPath, text } from "./panel.js";
import { fieldLabel, formFields, formatValue, mapConfig, panelFields, valueLabel, vocabulary } from "./catalogue.js";
import { clearFieldErrors, fieldControl, showFieldError } from "./forms-fields.js";
import { clearConflict, showConflict } from "./conflict.js";
import { onSessionChange, personSignedIn } from "./session.js";

// The list's columns (their headings: the catalogue's labels, index.html's
// data-field-label).
const COLUMNS = [
  "received_on",
  "requester",
  "organisation",
  "commune_name",
  "subject",
  "channel",
  "orientation",
  "status",
];
const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short" });

let rows = [];
let editing = null; // {id, etag} of the request in the form, null for a new one
let controls = new Map(); // the form's fields: name -> {spec, read(), write(value)}

const frenchDate = (v) => {
  const d = new Date(`${v}T00:00:00`);
  return v && !Number.isNaN(d.getTime()) ? dateFormat.format(d) : (v ?? "");
};

async function load() {
  const count = $("requests-count");
  try {
    const answer = await api.getJson("/api/requests");
    rows = Array.isArray(answer) ? answer : (answer.requests ?? answer.items ?? []);
    render();
  } catch (e) {
    count.textContent = `Sollicitations indisponibles : ${e.message}`;
  }
}

// Case and accents ignored, as the server's search (terrier_fold) ignores them.
const folded = (v) =>
  String(v ?? "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase("fr");

// The list's filters, as /api/requests and its export take them.
function filters() {
  return {
    status: $("requests-status-filter").value,
    channel: $("requests-channel-filter").value,
    q: $("requests-q").value.trim(),
  };
}

function filtered() {
  const { status, channel, q } = filters();
  const wanted = folded(q);
  return rows.filter(
    (r) =>
      (!status || r.status === status) &&
      (!channel || r.channel === channel) &&
      (!wanted ||
        ["requester", "organisation", "commune", "commune_name", "subject", "orientation"].some((k) =>
          folded(r[k]).includes(wanted),
        )),
  );
}

function render() {
  const shown = filtered();
  $("requests-count").textContent = `${shown.length} sollicitation${shown.length > 1 ? "s" : ""} sur ${rows.length}`;
  $("requests-table").tBodies[0].replaceChildren(
    ...shown.map((r) => {
      const tr = element("tr");
      tr.dataset.id = String(r.id);
      tr.tabIndex = 0;
      for (const key of COLUMNS) {
        const value =
          key === "received_on"
            ? frenchDate(r[key])
            : key === "commune_name"
              ? (r.commune_name ?? r.commune)
              : valueLabel(text(r[key]));
        const td = element("td", { text: text(value) });
        td.dataset.field = key;
        tr.append(td);
      }
      tr.addEventListener("click", () => edit(r.id));
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter") edit(r.id);
      });
      return tr;
    }),
  );
}

// --- the form --------------------------------------------------------------

function clearErrors() {
  clearFieldErrors($("request-form"));
  $("request-error").textContent = "";
  clearConflict($("request-error"));
}

// The form's fields, built again at each opening from the catalogue: the
// confidential ones in their own box, for a session that reads them.
function buildFields() {
  const specs = formFields("request", state.session.confidential);
  controls = new Map(specs.map((f) => [f.name, { spec: f, ...fieldControl(f, mapConfig().vocabularies) }]));
  const open = [...controls.values()].filter((c) => !c.spec.confidential).map((c) => c.block);
  const confidential = [...controls.values()].filter((c) => c.spec.confidential).map((c) => c.block);
  const box = confidential.length
    ? element(
        "fieldset",
        { class: "confidential wide-field", id: "request-confidential" },
        element("legend", { text: "Confidentiel" }),
        ...confidential,
      )
    : null;
  $("request-fields").replaceChildren(...open, ...(box ? [box] : []));
}

// --- a request's panel (its link: /?request=ID) -----------------------------

const panelRows = (confidential) =>
  panelFields("request", confidential).map((f) => [f.name, f.label, (v) => formatValue(f, v)]);

function relatedLink(kind, id, label) {
  const p = element("p");
  const a = element("a", { text: `${label} n° ${id}` });
  a.href = linkPath(kind, id);
  p.append(a);
  return p;
}

// A request in the side panel: what it says, "Modifier" for a role that
// writes requests, "Copier le lien".
export function openRequestPanel(r) {
  const fields = definitionList({ ...r, commune: r.commune_name || r.commune }, panelRows(false));
  const confidential = ["contact", "notes"].some((k) => text(r[k]) !== "")
    ? element("section", { class: "confidential" })
    : null;
  confidential?.append(
    element("h3", { text: "Confidentiel — foncières et administrateurs" }),
    definitionList(r, panelRows(true)),
  );
  const actions = element("div", { class: "export-buttons" });
  if ((state.session.may?.writes?.request ?? "none") !== "none") {
    const change = element("button", { text: "Modifier la sollicitation" });
    change.type = "button";
    change.addEventListener("click", () => edit(r.id));
    actions.append(change);
  }
  actions.append(copyLinkBlock("request", r.id));
  view.panel.custom(
    "request",
    r.id,
    `Sollicitation — ${text(r.subject) || text(r.requester) || `n° ${r.id}`}`,
    fields,
    confidential,
    r.need_id ? relatedLink("need", r.need_id, fieldLabel("request", "need_id", { unit: false })) : null,
    actions,
  );
}

// A list without a value takes its vocabulary's first one (core/vocabulary
// orders them so).
function fill(r) {
  for (const [name, c] of controls) {
    c.write(r[name] ?? (c.spec.vocabulary ? vocabulary(c.spec.vocabulary)[0] : null));
  }
}

// The write body: every field the form shows, empty ones as null (an edit
// clears them).
function read() {
  const body = {};
  for (const [name, c] of controls) body[name] = c.read();
  return body;
}

function openForm(title) {
  buildFields();
  clearErrors();
  $("request-title").textContent = title;
  $("request-delete").hidden = editing === null;
  $("request-dialog").showModal();
}

function createNew() {
  editing = null;
  openForm("Nouvelle sollicitation");
  fill({ received_on: new Date().toISOString().slice(0, 10) });
}

async function edit(id) {
  try {
    const { body, etag } = await api.getWithEtag(`/api/requests/${id}`);
    editing = { id, etag };
    openForm("Modifier la sollicitation");
    fill(body);
  } catch (e) {
    $("requests-count").textContent = `Sollicitation indisponible : ${e.message}`;
  }
}

// A 412: the form's values against the current version (conflict.js);
// retry() sends the change again once the person keeps theirs.
function conflict(err, retry) {
  const current = err.problem?.current;
  const target = editing;
  const mine = read();
  const fields = [...controls.values()].map((c) => c.spec);
  const newEtag = async () => err.etag ?? (await api.getWithEtag(`/api/requests/${target.id}`)).etag;
  showConflict($("request-error"), {
    message: "Quelqu'un l'a modifiée entre-temps : vos changements ne sont pas enregistrés.",
    fields,
    mine,
    theirs: current,
    onKeepMine: async () => {
      target.etag = await newEtag().catch(() => target.etag);
      return retry();
    },
    onTakeTheirs: async () => {
      fill(current);
      target.etag = await newEtag().catch(() => target.etag);
      $("request-error").textContent = "Version actuelle reprise.";
    },
  });
}

function refused(err, retry) {
  if (err.status === 412 && err.problem?.current && editing) {
    conflict(err, retry);
    return;
  }
  const placed = err.fields?.filter(({ field, detail }) => showFieldError($("request-form"), field, detail)) ?? [];
  if (!placed.length || placed.length < (err.fields?.length ?? 0))
    $("request-error").textContent = `Enregistrement refusé : ${err.message}`;
}

async function save(e) {
  e.preventDefault();
  clearErrors();
  const body = read();
  const missing = [...controls.values()].filter((c) => c.spec.required && body[c.spec.name] === null);
  for (const c of missing) showFieldError($("request-form"), c.spec.name, "Champ obligatoire.");
  if (missing.length) return;
  try {
    if (editing) await api.send("PATCH", `/api/requests/${editing.id}`, body, { etag: editing.etag });
    else await api.send("POST", "/api/requests", body);
    $("request-dialog").close();
    await load();
  } catch (err) {
    refused(err, () => save(e));
  }
}

async function remove() {
  if (!editing) return;
  try {
    await api.send("DELETE", `/api/requests/${editing.id}`, undefined, { etag: editing.etag });
    $("request-dialog").close();
    await load();
  } catch (err) {
    refused(err, remove);
  }
}

// --- export ----------------------------------------------------------------

// The list as shown, written by the server: its filters go with the format.
function exportList(format) {
  const query = new URLSearchParams({ format });
  for (const [name, value] of Object.entries(filters())) if (value) query.set(name, value);
  return download(`/api/requests/export?${query}`, `sollicitations.${format}`, $("requests-count"));
}

// --- the view --------------------------------------------------------------

function openView() {
  $("followup-close").click(); // one view at a time
  $("requests-view").hidden = false;
  $("requests-open").setAttribute("aria-pressed", "true");
  load();
}

function closeView() {
  $("requests-view").hidden = true;
  $("requests-open").setAttribute("aria-pressed", "false");
}

export function wireRequests() {
  const form = $("request-form");
  for (const [select, values] of [
    [$("requests-channel-filter"), vocabulary("request_channels")],
    [$("requests-status-filter"), vocabulary("request_statuses")],
  ]) {
    for (const v of values) select.add(new Option(valueLabel(v), v));
  }
  $("requests-open").addEventListener("click", () => ($("requests-view").hidden ? openView() : closeView()));
  $("requests-close").addEventListener("click", closeView);
  $("request-new").addEventListener("click", createNew);
  $("requests-export").addEventListener("click", () => exportList("csv"));
  for (const button of document.querySelectorAll("#requests-export-sheets button")) {
    button.addEventListener("click", () => exportList(button.dataset.format));
  }
  $("request-cancel").addEventListener("click", () => $("request-dialog").close());
  $("request-delete").addEventListener("click", remove);
  form.addEventListener("submit", save);
  $("requests-filters").addEventListener("input", debounce(render, 150));
  $("requests-filters").addEventListener("submit", (e) => e.preventDefault());
  onSessionChange((s) => {
    $("requests-open").hidden = !personSignedIn(s);
    if (!personSignedIn(s)) {
      closeView();
      rows = [];
    }
  });
}
