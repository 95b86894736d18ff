// Opening one of Terrier's features in the side panel: an opportunity or a
// need with its matches (and lines to them on the map), a circle with its
// count and actions.

import * as api from "./api.js";
import { text, valueLabel } from "./catalogue.js";
import { element } from "./dom.js";
import { COUNT } from "./context.js";
import * as view from "./context.js";
import { state } from "./state.js";
import { offerExport } from "./exports.js";
import { fillFilterForm } from "./filters.js";
import { anchorOf } from "./geometry.js";
import { applyFilters, drawMatchLines } from "./layers.js";

export const focusOn = (m) =>
  view.map.flyTo({ center: m.geometry.coordinates, zoom: Math.max(view.map.getZoom(), 13) });

// Other modules add to every opened opportunity or need (the follow-up adds
// its controls and history): fn(kind, feature, matches).
const extensions = [];
export function extendPanels(fn) {
  extensions.push(fn);
}

async function open(kind, id, title) {
  const { panel } = view;
  panel.loading(title);
  const collection = kind === "opportunity" ? "opportunities" : "needs";
  try {
    const [feature, matches] = await Promise.all([
      api.getJson(`/ogcapi/collections/${collection}/items/${id}`),
      api.getJson(`/api/${collection}/${id}/matches`),
    ]);
    const options = { onFocus: focusOn };
    if (kind === "opportunity") panel.opportunity(feature, matches, options);
    else panel.need(feature, matches, options);
    drawMatchLines(anchorOf(feature.geometry), matches);
    for (const fn of extensions) fn(kind, feature, matches);
    return { feature, matches };
  } catch (e) {
    panel.error(title, api.unavailable(e));
    return null;
  }
}

export const openOpportunity = (id) => open("opportunity", id, "Opportunité");
export const openNeed = (id) => open("need", id, "Besoin");

// The needs whose area is the whole territory `slug` (one feature of the
// needs' tiles, `count` of them): their list, each opening its own panel.
export async function openNeedGroup(slug, count) {
  const { panel } = view;
  const title = `${COUNT.format(count)} besoins sur ce territoire`;
  panel.loading(title);
  try {
    const page = await api.getJson(
      api.itemsPath("needs", {
        filter: `territory = '${slug.replaceAll("'", "''")}'`,
        properties: "collective_name,status",
        skipGeometry: true,
        limit: 1000,
      }),
    );
    const list = element("ul", { class: "need-group" });
    for (const f of page.features) {
      const button = element("button", { type: "button", class: "link", text: text(f.properties.collective_name) });
      button.dataset.id = String(f.id);
      button.addEventListener("click", () => openNeed(f.id));
      list.append(
        element("li", {}, button, " ", element("span", { class: "hint", text: text(valueLabel(f.properties.status)) })),
      );
    }
    panel.custom("need-group", slug, title, list);
  } catch (e) {
    panel.error(title, api.unavailable(e));
  }
}

export async function openCircle(feature) {
  const slug = feature.properties.slug;
  let count = "";
  try {
    const page = await api.getJson(api.itemsPath("opportunities", { territory: slug, limit: 1 }));
    count = `${COUNT.format(page.numberMatched)} opportunité(s) visibles sur ce territoire.`;
  } catch (e) {
    count = e.message;
  }
  view.panel.circle(feature, {
    count,
    onFilter: () => {
      state.setFilter("territory", slug);
      fillFilterForm();
      applyFilters();
    },
    onExport: () => offerExport(slug),
  });
}
