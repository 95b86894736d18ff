// Saved searches: "Enregistrer cette recherche" under the filters (the
// page's filters and territory, as its address writes them), and the
// person's list in "Mon compte": open one, receive it by e-mail or not, get
// a new address for its private feed, delete it. Each search counts what
// changed since it was last opened; the "Mon compte" button shows the sum.
// The feed's address is shown once, when made (like a token).

import * as api from "./api.js";
import { $, element } from "./dom.js";
import * as view from "./context.js";
import { state } from "./state.js";
import { onSessionChange } from "./session.js";
import { fieldLabel } from "./catalogue.js";
import { fillFilterForm } from "./filters.js";
import { applyFilters, applyLayers } from "./layers.js";
import { LINK_KINDS } from "./links.js";
import { buildStyle, renderLegend } from "./style.js";

const date = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium" });
const mayKeep = () => Boolean(state.session.may?.save_searches);

// What the address says about the current search: its filters, layers and
// colours, not the object a link opened.
function currentQuery() {
  const q = new URLSearchParams(window.location.search);
  for (const kind of LINK_KINDS) q.delete(kind);
  return q.toString();
}

function button(text, onClick, className = "secondary") {
  const b = element("button", { class: className, text });
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function showBadge(searches) {
  const total = searches.reduce((n, s) => n + (s.new_count ?? 0), 0);
  const badge = $("searches-badge");
  badge.hidden = total === 0;
  badge.textContent = total ? String(total) : "";
  badge.title = total ? `${total} nouveauté${total > 1 ? "s" : ""} dans vos recherches enregistrées` : "";
  $("account-open").setAttribute(
    "aria-label",
    total ? `Mon compte, ${total} nouveauté${total > 1 ? "s" : ""} dans vos recherches` : "Mon compte",
  );
}

// The person's searches, and the badge; [] when they cannot have any.
export async function refreshSearches() {
  if (!mayKeep()) {
    showBadge([]);
    return [];
  }
  try {
    const searches = await api.getJson("/api/searches");
    showBadge(searches);
    return searches;
  } catch {
    showBadge([]);
    return [];
  }
}

// Applies a saved search to the page, as if its address had been opened.
async function openSearch(s) {
  try {
    await api.send("POST", `/api/searches/${s.id}/seen`);
  } catch {
    // The counter stays; the search opens all the same.
  }
  const colorBefore = state.colorBy;
  window.history.replaceState(null, "", `${window.location.pathname}?${s.query}${window.location.hash}`);
  state.readUrl();
  fillFilterForm();
  for (const input of document.querySelectorAll('#layer-switcher input[name="layer"]'))
    input.checked = state.layers.has(input.value);
  for (const input of document.querySelectorAll('input[name="color"]')) input.checked = input.value === state.colorBy;
  if (state.colorBy !== colorBefore) view.map.setStyle(buildStyle(state));
  renderLegend($("legend"), state);
  applyFilters();
  applyLayers();
  $("account-dialog").close();
  await refreshSearches();
}

function showFeedUrl(boxId, inputId, url) {
  $(inputId).value = url;
  $(boxId).hidden = false;
  $(inputId).select();
}

async function loadSearchList() {
  const table = $("searches-table");
  const body = table.tBodies[0];
  $("searches-error").textContent = "";
  let searches;
  try {
    searches = await api.getJson("/api/searches");
  } catch (e) {
    $("searches-error").textContent = `Recherches indisponibles : ${e.message}`;
    return;
  }
  showBadge(searches);
  if (!searches.length) {
    const none = element("td", {
      class: "hint",
      text: "Aucune recherche enregistrée : choisissez des filtres, puis « Enregistrer cette recherche ».",
    });
    none.colSpan = table.tHead.rows[0].cells.length;
    body.replaceChildren(element("tr", {}, none));
    return;
  }
  body.replaceChildren(
    ...searches.map((s) => {
      const tr = element("tr");
      tr.dataset.id = String(s.id);
      const email = element("input", { type: "checkbox", checked: s.email });
      email.setAttribute("aria-label", `${fieldLabel("search", "email")} : ${s.name}`);
      email.addEventListener("change", async () => {
        try {
          await api.send("PATCH", `/api/searches/${s.id}`, { email: email.checked });
        } catch (e) {
          email.checked = !email.checked;
          $("searches-error").textContent = `Modification refusée : ${e.message}`;
        }
      });
      const news = element("td", { class: "number", text: String(s.new_count ?? 0) });
      if (s.new_count) news.classList.add("news");
      tr.append(
        element("td", { text: s.name }),
        news,
        element("td", {}, email),
        element("td", { text: s.created_at ? date.format(new Date(s.created_at)) : "—" }),
        element(
          "td",
          { class: "actions" },
          button("Ouvrir", () => openSearch(s), ""),
          button("Nouvelle adresse du flux", async () => {
            try {
              const r = await api.send("POST", `/api/searches/${s.id}/feed`);
              showFeedUrl("search-renewed", "search-renewed-url", r.body.feed_url);
            } catch (e) {
              $("searches-error").textContent = `Flux indisponible : ${e.message}`;
            }
          }),
          button("Supprimer", async () => {
            if (!window.confirm(`Supprimer la recherche « ${s.name} » ? Son flux s'arrêtera.`)) return;
            try {
              await api.send("DELETE", `/api/searches/${s.id}`);
              await loadSearchList();
            } catch (e) {
              $("searches-error").textContent = `Suppression refusée : ${e.message}`;
            }
          }),
        ),
      );
      return tr;
    }),
  );
}

// In a need's panel: a feed of its new matches at or above a score, for the
// collective and its animator (the address shown once).
export function needFeedBlock(panel, kind, feature) {
  if (kind !== "need" || !mayKeep()) return;
  const box = element("details", { class: "need-feed" });
  const score = element("input", { type: "number", min: "0", max: "100", step: "5", value: "50" });
  const made = element("input", { readonly: true, class: "feed-url" });
  made.hidden = true;
  made.setAttribute("aria-label", "Adresse privée du flux (copiez-la maintenant : elle ne sera plus affichée)");
  const status = element("p", { class: "hint", role: "status" });
  const create = button(
    "Créer le flux",
    async () => {
      status.textContent = "";
      try {
        const r = await api.send("POST", `/api/needs/${feature.id}/feed`, { min_score: Number(score.value) });
        made.value = r.body.feed_url;
        made.hidden = false;
        made.select();
        status.textContent = "Flux créé : ajoutez cette adresse à un lecteur de flux ; elle ne sera plus affichée.";
      } catch (e) {
        status.textContent = `Flux refusé : ${e.message}`;
      }
    },
    "",
  );
  box.append(
    element("summary", { text: "Suivre les nouvelles propositions (flux)" }),
    element("label", { class: "block" }, "Score minimal (sur 100) ", score),
    create,
    made,
    status,
  );
  panel.append(box);
}

export function wireSearches() {
  const dialog = $("search-dialog");
  $("search-save-open").addEventListener("click", () => {
    $("search-form").reset();
    $("search-error").textContent = "";
    $("search-created").hidden = true;
    $("search-submit").hidden = false;
    dialog.showModal();
    $("search-name").focus();
  });
  $("search-cancel").addEventListener("click", () => dialog.close());
  $("search-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("search-error").textContent = "";
    try {
      const r = await api.send("POST", "/api/searches", {
        name: $("search-name").value.trim(),
        query: currentQuery(),
        email: $("search-email").checked,
      });
      showFeedUrl("search-created", "search-feed", r.body.feed_url);
      $("search-submit").hidden = true;
      await refreshSearches();
    } catch (err) {
      $("search-error").textContent = `Enregistrement refusé : ${err.message}`;
    }
  });
  // "Mon compte" lists them each time it opens.
  $("account-open").addEventListener("click", () => {
    $("search-renewed").hidden = true;
    $("searches-section").hidden = !mayKeep();
    if (mayKeep()) loadSearchList();
  });
  onSessionChange(() => {
    $("search-save").hidden = !mayKeep();
    if (dialog.open) dialog.close();
    refreshSearches();
  });
}
