// The follow-up of matches ("mises en relation"): in a match's panel the
// "Suivi" status, a "Note" and "Enregistrer le suivi", and everywhere the
// "Historique" (who, when, what changed, the note); the "Suivi" view lists
// every match the person may see, grouped by status, filterable by circle and
// status, and opens one on the map.

import * as api from "./api.js";
import { $, element } from "./dom.js";
import { COUNT } from "./context.js";
import * as view from "./context.js";
import { state } from "./state.js";
import { extendPanels, focusOn } from "./features.js";
import { anchorOf } from "./geometry.js";
import { drawMatchLines } from "./layers.js";
import { copyLinkBlock, linkPath, text } from "./panel.js";
import { ficheButton } from "./fiche.js";
import { field, fieldLabel, valueLabel, vocabulary } from "./catalogue.js";
import { clearConflict, showConflict } from "./conflict.js";
import { onSessionChange, personSignedIn } from "./session.js";

// The statuses, in their order, as the server lists them (core/vocabulary.hpp
// through /api/map-config): one list for the page, the API and the database.
const matchStatuses = () => vocabulary("match_statuses");
const when = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeStyle: "short" });
const ACTION_LABELS = { insert: "création", create: "création", update: "modification", delete: "suppression" };

const formatDate = (v) => {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? String(v ?? "") : when.format(d);
};
const show = (v) => (Array.isArray(v) ? v.map(valueLabel).join(", ") : valueLabel(text(v))) || "—";

// The entity an object's history path names ("/api/needs/3/history").
const ENTITY_OF_COLLECTION = { matches: "match", opportunities: "opportunity", needs: "need", requests: "request" };
const entityOf = (path) => ENTITY_OF_COLLECTION[path.split("/")[2]];
const score = (v) => (typeof v === "number" && Number.isFinite(v) ? `${COUNT.format(v)} / 100` : "");

// --- history ---------------------------------------------------------------

export function historyList(entries, entity) {
  const ol = element("ol", { class: "history" });
  if (!entries.length) ol.append(element("li", { class: "hint", text: "Aucune modification enregistrée." }));
  for (const h of entries) {
    const li = element("li");
    const head = element("div", { class: "history-head" });
    const time = element("time", { text: formatDate(h.at) });
    time.dateTime = h.at ?? "";
    head.append(time, ` — ${h.who || "inconnu"}`, h.action ? ` · ${ACTION_LABELS[h.action] ?? h.action}` : "");
    li.append(head);
    if (Array.isArray(h.changes) && h.changes.length) {
      const ul = element("ul");
      for (const c of h.changes) {
        const item = element("li");
        item.dataset.field = c.field;
        item.textContent = `${fieldLabel(entity, c.field)} : ${show(c.from)} → ${show(c.to)}`;
        ul.append(item);
      }
      li.append(ul);
    }
    if (h.note) li.append(element("blockquote", { class: "history-note", text: h.note }));
    ol.append(li);
  }
  return ol;
}

// "Historique" of an object (path: /api/matches/ID/history…), loaded into its
// own section.
export function historySection(path) {
  const section = element("section", { class: "history-section" });
  section.append(element("h3", { text: "Historique" }));
  const body = element("div");
  body.append(element("p", { class: "hint", text: "Chargement de l'historique…" }));
  section.append(body);
  section.dataset.state = "loading";
  api
    .getJson(path)
    .then((entries) => {
      body.replaceChildren(historyList(entries, entityOf(path)));
      section.dataset.state = "done";
    })
    .catch((e) => {
      body.replaceChildren(element("p", { class: "hint", text: `Historique indisponible : ${e.message}` }));
      section.dataset.state = "error";
    });
  return section;
}

// --- a match's panel -------------------------------------------------------

// The match's ETag for If-Match, read with the match; null when the server
// does not give one.
async function matchEtag(id) {
  try {
    return (await api.getWithEtag(`/api/matches/${id}`)).etag;
  } catch {
    return null;
  }
}

// m: a feature of /api/needs/ID/matches (properties: match_id, score,
// reasons, status, collective_name, title…); need: the need's feature.
export async function openMatchPanel(m, need) {
  const p = m.properties;
  const id = p.match_id;
  const status = element("select");
  status.id = "followup-status-input";
  status.name = "status";
  for (const s of matchStatuses()) status.add(new Option(valueLabel(s), s));
  status.value = matchStatuses().includes(p.status) ? p.status : matchStatuses()[0];
  const note = element("textarea");
  note.id = "followup-note";
  note.name = "note";
  note.rows = 3;
  const save = element("button", { text: "Enregistrer le suivi" });
  save.type = "submit";
  save.id = "followup-save";
  const message = element("p", { class: "hint", text: "" });
  message.setAttribute("role", "status");
  message.id = "followup-message";
  const form = element("form", { class: "followup-form" });
  const labelled = (text, input) => {
    const label = element("label", { class: "block", text });
    label.htmlFor = input.id;
    return [label, input];
  };
  form.append(
    ...labelled(fieldLabel("match", "status"), status),
    ...labelled(fieldLabel("match", "note"), note),
    save,
    message,
  );

  const reasons = element("ul");
  for (const r of p.reasons ?? []) reasons.append(element("li", { text: text(r) }));
  const summary = element("p");
  summary.append(
    element("strong", {
      text: p.collective_name || need?.properties?.collective_name || fieldLabel("need", "collective_name"),
    }),
    " ↔ ",
    element("strong", { text: p.title || "Opportunité" }),
    score(p.score) ? ` · ${score(p.score)}` : "",
  );
  const actions = element("div", { class: "export-buttons" });
  if (m.geometry) {
    const seeOpportunity = element("button", { class: "secondary", text: "Voir l'opportunité" });
    seeOpportunity.type = "button";
    seeOpportunity.addEventListener("click", () => focusOn(m));
    actions.append(seeOpportunity);
  }
  let history = historySection(`/api/matches/${id}/history`);
  // Who moves a match along is the server's rule (core/roles, sent as
  // may.set_match_status); the page only spares others a form it would refuse.
  const mayMove = Boolean(state.session.may?.set_match_status);
  const readOnly = element("p", {
    class: "hint",
    text: `${p.status ? `Suivi : ${p.status}. ` : ""}Le suivi est tenu par le groupe foncier, les foncières et les administrateurs.`,
  });
  actions.append(
    copyLinkBlock("match", id),
    ficheButton(`/api/matches/${id}/fiche.pdf`, `fiche-mise-en-relation-${id}.pdf`),
  );
  view.panel.custom("match", id, "Mise en relation", summary, reasons, mayMove ? form : readOnly, actions, history);
  if (!mayMove) return;

  // Read while the panel shows; a save waits for it (the form is wired at
  // once, so a quick click never submits the form to the page's address).
  let etag = matchEtag(id);
  // A 412: the status chosen here against the current one (conflict.js).
  const conflict = (err, body) => {
    const current = err.problem?.current ?? {};
    showConflict(message, {
      message: `Quelqu'un a modifié ce suivi entre-temps${current.status ? ` (suivi actuel : ${current.status})` : ""} : vérifiez puis enregistrez à nouveau.`,
      fields: [field("match", "status")].filter(Boolean),
      mine: body,
      theirs: current,
      onKeepMine: () => {
        etag = err.etag ? Promise.resolve(err.etag) : matchEtag(id);
        return submit(body);
      },
      onTakeTheirs: () => {
        etag = err.etag ? Promise.resolve(err.etag) : matchEtag(id);
        if (matchStatuses().includes(current.status)) {
          status.value = current.status;
          p.status = current.status;
        }
        message.textContent = "Version actuelle reprise.";
        message.classList.remove("error");
      },
    });
  };
  const submit = async (body) => {
    save.disabled = true;
    clearConflict(message);
    message.textContent = "Enregistrement…";
    message.classList.remove("error");
    try {
      const sent = await etag;
      const result = await api.send("PATCH", `/api/matches/${id}`, body, { etag: sent });
      etag = Promise.resolve(result.etag ?? sent);
      p.status = body.status;
      note.value = "";
      message.textContent = "Suivi enregistré.";
      const fresh = historySection(`/api/matches/${id}/history`);
      history.replaceWith(fresh);
      history = fresh;
    } catch (err) {
      if (err.status === 412) conflict(err, body);
      else message.textContent = `Suivi refusé : ${err.message}`;
    } finally {
      save.disabled = false;
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { status: status.value };
    if (note.value.trim()) body.note = note.value.trim();
    return submit(body);
  });
}

// Opens a match from its ids: the need's matches give its reasons and the
// building's place; the map shows the line between them.
export async function openMatch(matchId, needId) {
  view.panel.loading("Mise en relation");
  try {
    const [need, matches] = await Promise.all([
      api.getJson(`/ogcapi/collections/needs/items/${needId}`),
      api.getJson(`/api/needs/${needId}/matches`),
    ]);
    const m = matches.features.find((f) => String(f.properties.match_id) === String(matchId));
    if (!m) throw new Error("cette mise en relation n'est plus proposée");
    const from = anchorOf(need.geometry);
    drawMatchLines(from, { features: [m] });
    if (!from && m.geometry) focusOn(m);
    await openMatchPanel(m, need);
  } catch (e) {
    view.panel.error("Mise en relation", api.unavailable(e));
  }
}

// In an opportunity's or a need's panel, for a person signed in: a "Suivi"
// button on each match and the object's history.
function extendFeaturePanel(kind, feature, matches) {
  if (!personSignedIn()) return;
  const need = kind === "need" ? feature : null;
  for (const li of view.panel.body.querySelectorAll(".matches > li")) {
    const m = matches.features.find((f) => String(f.properties.match_id) === li.dataset.matchId);
    if (!m) continue;
    const b = element("button", { class: "secondary followup-button", text: fieldLabel("match", "status") });
    b.type = "button";
    b.addEventListener("click", () =>
      need ? openMatchPanel(m, need) : openMatch(m.properties.match_id, m.properties.need_id),
    );
    li.append(b);
  }
  const collection = kind === "need" ? "needs" : "opportunities";
  view.panel.append(historySection(`/api/${collection}/${feature.id}/history`));
}

// --- the "Suivi" view ------------------------------------------------------

let request;

async function refreshBoard() {
  const circle = $("followup-circle").value;
  const status = $("followup-status").value;
  const board = $("followup-board");
  request?.abort();
  request = new AbortController();
  board.setAttribute("aria-busy", "true");
  try {
    const data = await api.getJson(`/api/followup?${api.queryString({ circle, status })}`, { signal: request.signal });
    renderCounts(data.counts ?? {});
    renderBoard(data.matches ?? [], status);
  } catch (e) {
    if (e.name === "AbortError") return;
    board.replaceChildren(element("p", { class: "error", text: `Suivi indisponible : ${e.message}` }));
  } finally {
    board.removeAttribute("aria-busy");
  }
}

function renderCounts(counts) {
  const out = $("followup-counts");
  out.replaceChildren(
    ...matchStatuses().map((s) => {
      const chip = element("span", { class: "count-chip", text: `${s} : ${COUNT.format(counts[s] ?? 0)}` });
      chip.dataset.status = s;
      chip.dataset.count = String(counts[s] ?? 0);
      return chip;
    }),
  );
}

// A circle's name from its slug (the board gives slugs).
function circleName(slug) {
  if (!slug) return "";
  const circle = state.circles.features.find((f) => f.properties.slug === slug);
  return circle?.properties.name || slug;
}

// A link to a match's need or opportunity, opened in the page.
function objectLink(kind, id, label) {
  const a = element("a", { text: `Voir ${label}` });
  a.href = linkPath(kind, id);
  a.dataset.kind = kind;
  a.addEventListener("click", async (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    closeView();
    const { openLink } = await import("./links.js");
    openLink({ kind, id: String(id) });
  });
  return a;
}

function renderBoard(matches, only) {
  const board = $("followup-board");
  const columns = (only ? [only] : matchStatuses()).map((s) => {
    const items = matches.filter((m) => m.status === s);
    const column = element("section", { class: "board-column" });
    column.dataset.status = s;
    column.append(element("h3", { text: `${s[0].toUpperCase()}${s.slice(1)} (${items.length})` }));
    const list = element("ul");
    for (const m of items) {
      // The card is a link to the match (/?match=ID): a click opens it here,
      // a middle click or "copy the link" gives a colleague the same view.
      const card = element("a", { class: "board-card" });
      card.href = linkPath("match", m.id);
      card.dataset.matchId = String(m.id);
      const changed = m.status_changed_at
        ? `${formatDate(m.status_changed_at)}${m.status_changed_by ? ` par ${m.status_changed_by}` : ""}`
        : "pas encore de suivi";
      card.append(
        element("strong", { text: m.need?.title || "Besoin" }),
        " → ",
        element("strong", { text: m.opportunity?.title || "Opportunité" }),
        element("span", { class: "hint", text: [score(m.score), circleName(m.circle)].filter(Boolean).join(" · ") }),
        element("span", { class: "hint", text: changed }),
      );
      card.addEventListener("click", (e) => {
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        closeView();
        openMatch(m.id, m.need?.id);
      });
      const links = element("p", { class: "board-card-links" });
      if (m.need?.id) links.append(objectLink("need", m.need.id, "le besoin"));
      if (m.opportunity?.id) links.append(objectLink("opportunity", m.opportunity.id, "l'opportunité"));
      const li = element("li", { class: "board-item" });
      li.append(card);
      if (links.childNodes.length) li.append(links);
      list.append(li);
    }
    column.append(list);
    return column;
  });
  board.replaceChildren(...columns);
}

function openView() {
  $("requests-close").click(); // one view at a time
  $("followup-view").hidden = false;
  $("followup-open").setAttribute("aria-pressed", "true");
  state.writeUrl();
  refreshBoard();
}

function closeView() {
  $("followup-view").hidden = true;
  $("followup-open").setAttribute("aria-pressed", "false");
  state.writeUrl();
}

export function wireFollowup() {
  const statusSelect = $("followup-status");
  for (const s of matchStatuses()) statusSelect.add(new Option(valueLabel(s), s));
  const q = new URLSearchParams(window.location.search);
  const wanted = { circle: q.get("followup_circle") ?? "", status: q.get("followup_status") ?? "" };
  statusSelect.value = matchStatuses().includes(wanted.status) ? wanted.status : "";
  if (wanted.circle && ![...$("followup-circle").options].some((o) => o.value === wanted.circle)) {
    $("followup-circle").add(new Option(wanted.circle, wanted.circle));
  }
  $("followup-circle").value = wanted.circle;
  state.addUrlParams(() =>
    $("followup-view").hidden
      ? {}
      : { view: "suivi", followup_circle: $("followup-circle").value, followup_status: statusSelect.value },
  );
  $("followup-open").addEventListener("click", () => ($("followup-view").hidden ? openView() : closeView()));
  $("followup-close").addEventListener("click", closeView);
  for (const select of [$("followup-circle"), statusSelect]) {
    select.addEventListener("change", () => {
      state.writeUrl();
      refreshBoard();
    });
  }
  extendPanels(extendFeaturePanel);
  onSessionChange((s) => {
    $("followup-open").hidden = !personSignedIn(s);
    if (!personSignedIn(s)) closeView();
    else if (q.get("view") === "suivi" && $("followup-view").hidden && !wireFollowup.opened) {
      wireFollowup.opened = true;
      openView();
    }
  });
}
