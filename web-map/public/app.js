// Terrier's map page: starts the map and wires its parts (state.js and the
// URL, layers.js, filters.js, search.js, features.js and panel.js, exports.js,
// session.js, basemap.js). Everything comes from this server (MapLibre from
// vendor/, data from /tiles, /ogcapi and /api), except the base layers' tiles.

import * as maplibregl from "./vendor/maplibre-gl.mjs";
import { wireAccount } from "./account.js";
import * as api from "./api.js";
import { Basemaps } from "./basemap.js";
import * as view from "./context.js";
import { EMPTY, debounce, setData, setView } from "./context.js";
import { $ } from "./dom.js";
import { updateExportAccess, wireExports } from "./exports.js";
import { extendPanels, openCircle, openNeed, openNeedGroup, openOpportunity } from "./features.js";
import { fillCircleSelects, fillFilterForm, wireFilters } from "./filters.js";
import { editButton, wireEditing } from "./forms-hooks.js";
import { wireFollowup } from "./followup.js";
import { applyFilters, loadOverlays, markDetailPending, refreshCount, refreshDetail, reloadNeeds } from "./layers.js";
import { openLink, openPendingLink, readLink, wireLinks } from "./links.js";
import { Panel } from "./panel.js";
import { wireRequests } from "./requests.js";
import { wireSearch } from "./search.js";
import { needFeedBlock, wireSearches } from "./searches.js";
import { wireWhiteZones } from "./whitezones.js";
import { refreshDashboard, wireDashboard } from "./dashboard.js";
import { loadSession, onSessionChange, showSession, wireSignIn } from "./session.js";
import { state } from "./state.js";
import { labelFields, mapConfig, setConfig } from "./catalogue.js";
import { buildStyle, renderLegend, setServedStyle } from "./style.js";

const REGION = [
  [1.35, 48.8],
  [4.3, 51.1],
]; // Hauts-de-France
const CLICKABLE = [
  "opportunities-detail",
  "opportunities-clusters",
  "opportunities-tiles",
  "places-points",
  "places-clusters",
  "needs-fill",
  "circles-fill",
];

// After a change of person every source is fetched again with the new
// rights.
async function reloadForRole() {
  const { map, panel } = view;
  markDetailPending();
  await loadOverlays();
  map.setStyle(buildStyle(state), { diff: false });
  showSession();
  renderLegend($("legend"), state);
  panel.hide();
  refreshCount();
  refreshDashboard();
  map.once("styledata", refreshDetail);
  await openPendingLink();
}

// --- clicks ----------------------------------------------------------------

// The editing forms and the import (forms-hooks.js), once wired: while a form
// is open a click on the map places its point.
let editing = null;

let parcelRequest;

// The cadastral parcel under a click, in the panel opened for it.
async function showParcel(lngLat) {
  const { map, panel } = view;
  parcelRequest?.abort();
  const request = (parcelRequest = new AbortController());
  panel.parcel("loading");
  try {
    const parcel = await state.basemaps.parcelAt(lngLat, map.getZoom(), { signal: request.signal });
    if (parcelRequest === request) panel.parcel({ parcel });
  } catch (e) {
    if (parcelRequest === request && e.name !== "AbortError") panel.parcel({ error: e.message });
  }
}

// Opens what a click hit; the panel's first (synchronous) step clears the
// previous parcel.
function openHit(hit) {
  const { map, panel } = view;
  switch (hit.layer.id) {
    case "opportunities-detail":
    case "opportunities-tiles":
      return openOpportunity(hit.properties.id ?? hit.id);
    case "opportunities-clusters":
      // Closer, until the cells split into their opportunities.
      return map.easeTo({ center: hit.geometry.coordinates, zoom: Math.floor(map.getZoom()) + 2 });
    case "places-clusters":
      return map
        .getSource("places")
        .getClusterExpansionZoom(hit.properties.cluster_id)
        .then((zoom) => map.easeTo({ center: hit.geometry.coordinates, zoom }));
    case "places-points":
      panel.parcel(null);
      return panel.place({
        ...hit,
        properties: { ...hit.properties, competences: parseList(hit.properties.competences) },
      });
    case "needs-fill":
      // A territory's needs are one feature: its list first.
      if (hit.properties.count > 1) return openNeedGroup(hit.properties.territory, hit.properties.count);
      return openNeed(hit.properties.id ?? hit.id);
    case "circles-fill":
      panel.parcel(null);
      // A tile's feature names its circle by id: the panel reads the list's
      // (or, if the list could not be read, the tile's, its id as the slug).
      return openCircle(
        state.circles.features.find((c) => c.properties.slug === hit.properties.id) ?? {
          ...hit,
          properties: { ...hit.properties, slug: hit.properties.id },
        },
      );
    default:
      return undefined;
  }
}

function wireClicks() {
  const { map, panel } = view;
  for (const id of CLICKABLE) {
    map.on("mouseenter", id, () => {
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", id, () => {
      map.getCanvas().style.cursor = "";
    });
  }
  map.on("click", (e) => {
    if (editing?.capturesClicks) return undefined; // a form is placing a point
    const layers = CLICKABLE.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, "visibility") !== "none");
    const withParcel = state.basemaps.queryable(map.getZoom()) !== null;
    // With the parcels drawn, a click inside a circle but on none of its
    // features asks for the parcel there, not for the circle.
    const hit = map
      .queryRenderedFeatures(e.point, { layers })
      .find((f) => !(withParcel && f.layer.id === "circles-fill"));
    if (!hit && !withParcel) return undefined;
    if (!hit) panel.location(e.lngLat);
    const opened = hit ? openHit(hit) : undefined;
    if (withParcel && !hit?.layer.id.endsWith("-clusters")) showParcel(e.lngLat);
    return opened;
  });
}

// GeoJSON sources hand arrays back as JSON text.
function parseList(v) {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

// --- start -----------------------------------------------------------------

async function start() {
  state.readUrl();
  // Read before any part of the page rewrites the query string.
  const link = readLink();
  const [config, session, served] = await Promise.all([
    api.getJson("/api/map-config"),
    loadSession(),
    api.getJson("/styles/terrier.json"),
  ]);
  setConfig(config);
  setServedStyle(served);
  labelFields();
  state.setSession(session);
  state.setBasemaps(new Basemaps(config.basemap));
  state.basemaps.readUrl(new URLSearchParams(window.location.search));
  await loadOverlays();

  const panel = new Panel({
    root: $("panel"),
    title: $("panel-title"),
    body: $("panel-body"),
    parcel: $("panel-parcel"),
    close: $("panel-close"),
    onClose: () => {
      setData("match-lines", state.setMatchLines(EMPTY));
      // A link's object (/?opportunity=ID…) leaves the address with its panel.
      if (readLink()) state.writeUrl();
    },
  });
  const map = new maplibregl.Map({
    container: "map",
    style: buildStyle(state),
    bounds: REGION,
    hash: true,
    // A person whose system asks for less motion gets labels without their
    // fade (MapLibre itself then moves the camera without animation).
    fadeDuration: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 300,
    maxBounds: [
      [-2, 47.5],
      [7, 52.5],
    ],
    attributionControl: {
      compact: false,
      customAttribution:
        "Limites : IGN – ADMIN EXPRESS, INSEE · Lieux et opportunités : La Compagnie des Tiers-Lieux · Friches : Cerema – Cartofriches",
    },
    transformRequest: (url) => (url.startsWith(window.location.origin) ? { url, headers: api.authHeaders() } : { url }),
  });
  setView({ map, panel });
  state.basemaps.watch(map, $("basemap-notice"));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");

  state.basemaps.renderSwitcher($("basemap-switcher"), () => {
    state.basemaps.probe(map, $("basemap-notice"));
    state.writeUrl();
  });
  fillCircleSelects();
  fillFilterForm();
  wireFilters();
  wireExports();
  wireWhiteZones();
  wireDashboard();
  wireSignIn(reloadForRole);
  wireFollowup();
  wireAccount();
  wireRequests();
  wireSearch();
  wireSearches();
  wireLinks();
  wireClicks();
  // The editing forms and the import (forms*.js, import.js): while a form is
  // open a click on the map places its point.
  editing = wireEditing({
    map,
    maplibregl,
    state,
    config: mapConfig,
    panel,
    onSaved: async (kind) => {
      if (kind === "need") reloadNeeds();
      else applyFilters();
    },
  });
  window.terrier.editing = editing;
  extendPanels((kind, feature) => editButton(panel, editing, kind, feature));
  extendPanels((kind, feature) => needFeedBlock(panel, kind, feature));
  onSessionChange((s) => editing.showFor(s));
  onSessionChange((s) => {
    if (s.may?.export_territories === "circle" && state.circle) $("export-territory").value = state.circle;
    updateExportAccess();
  });
  showSession();
  renderLegend($("legend"), state);
  const refreshDetailSoon = debounce(refreshDetail, 150);
  map.on("moveend", () => {
    markDetailPending();
    refreshDetailSoon();
  });
  refreshCount();
  await new Promise((resolve) => map.once("load", resolve));
  refreshDetail();
  await state.basemaps.probe(map, $("basemap-notice"));
  if (link) await openLink(link);
  window.terrier.ready = true;
}

// For the browser tests and for curious users in the console.
window.terrier = {
  get map() {
    return view.map;
  },
  state,
  ready: false,
};
start().catch((e) => {
  console.error("Terrier : la carte n'a pas pu démarrer :", e);
  $("opportunity-count").textContent = `La carte n'a pas pu démarrer : ${e.message}`;
});
