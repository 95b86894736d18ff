// The map's style, built from the page's state: the project's own boundaries
// (so the page works offline), the raster base layers (basemap.js: IGN's by
// default), then circles, needs' search areas, places and opportunities.
// The paint of every layer the page shares with QGIS comes from the style
// the server serves (/styles/terrier.json, api/style_document.cpp): the
// page adds its own sources, filters, visibilities and the few properties
// it chooses at run time (PAGE_PAINT).

import { tilesUrl } from "./api.js";
import { element } from "./dom.js";
import { fieldLabel, firstValue, longValueLabel, mapConfig, styles, valueLabel } from "./catalogue.js";

// The colours of kinds and tenures and the look of each status come from
// the server (core/map_style.hpp, through /api/map-config): one style for
// the page, its legend and the exports.
const kindColors = () => styles().kind_colors ?? {};
const tenureColors = () => styles().tenure_colors ?? {};
const statusStyles = () => styles().opportunity_statuses ?? {};
// The visibility everyone reads: the vocabulary's first (core/vocabulary.hpp).
const openVisibility = () => firstValue("visibilities");
// One colour per layer of the network (core/map_style.hpp, like the
// exports' QGIS styles).
const layerColor = (layer) => styles().layer_colors?.[layer] ?? "gray";

// /styles/terrier.json, given once by the page that read it (setServedStyle).
let served = { layers: [] };

export function setServedStyle(value) {
  served = value;
}

// The paint properties the page sets itself on top of a served layer's:
// the colour by kind or by tenure that the page switches, and the clusters'
// size by their count (QGIS 3.22 reads no interpolation inside another).
export const PAGE_PAINT = {
  "opportunities-clusters": ["circle-color", "circle-radius"],
  // The needs' areas as the clicks find them: transparent (needs-area below
  // draws them at the detail zooms).
  "needs-fill": ["fill-opacity"],
};

// A copy of a served layer's paint (none when the server has no such layer:
// the page then draws it with its own paint only).
function servedPaint(id) {
  const layer = served.layers.find((l) => l.id === id);
  return structuredClone(layer?.paint ?? {});
}

// The layout properties the page sets itself on top of a served layer's:
// the clusters' count written the French way (12 345), an expression QGIS
// 3.22 does not read.
export const PAGE_LAYOUT = {
  "opportunities-cluster-count": ["text-field"],
};

// A copy of a served layer's layout (its labels' field, font and size), to
// which the page adds its switcher's visibility.
function servedLayout(id) {
  const layer = served.layers.find((l) => l.id === id);
  return structuredClone(layer?.layout ?? {});
}

// Layers the switcher turns on and off, by its checkbox value.
export const LAYER_GROUPS = {
  circles: ["circles-fill", "circles-line", "circles-label"],
  places: ["places-clusters", "places-cluster-count", "places-points", "places-label"],
  opportunities: [
    "opportunities-clusters",
    "opportunities-cluster-count",
    "opportunities-tiles",
    "opportunities-detail",
  ],
  needs: ["needs-fill", "needs-area", "needs-line", "needs-label"],
  restricted: ["restricted-tiles", "restricted-detail"],
};

// Opportunities come from vector tiles below this zoom, from /ogcapi items
// of the visible area at and above it (every attribute, fewer features).
export const DETAIL_ZOOM = 12;

function match(property, colors) {
  const expr = ["match", ["coalesce", ["get", property], ""]];
  for (const [value, color] of Object.entries(colors)) expr.push(value, color);
  expr.push(layerColor("other"));
  return expr;
}

export function opportunityColor(colorBy) {
  return colorBy === "tenure" ? match("tenure", tenureColors()) : match("kind", kindColors());
}

// An "interpolate" whose outputs are multiplied by `scale` (the served
// radius grows with the surface; the tiles' points are smaller than the
// detail's).
function scaled(interpolate, scale) {
  if (!Array.isArray(interpolate) || interpolate[0] !== "interpolate") return interpolate;
  return interpolate.map((v, i) => (i >= 4 && i % 2 === 0 ? v * scale : v));
}

// An opportunity's look by status and size comes from the served style (its
// layer of the kinds no palette knows); its colour, by kind or tenure, is
// the page's.
function opportunityPaint(colorBy, scale) {
  const paint = servedPaint("opportunities-other");
  return {
    ...paint,
    "circle-color": opportunityColor(colorBy),
    "circle-radius": scaled(paint["circle-radius"], scale),
  };
}

// Up to the server's cluster_max_zoom (/api/map-config) the tiles carry one
// feature per cell of a grid, with its "count" and per kind its
// "kind_<value>"; a cell of one opportunity is that opportunity.
const IS_CLUSTER = [">", ["coalesce", ["get", "count"], 1], 1];
const IS_POINT = ["!", IS_CLUSTER];

// A cluster of one kind takes the kind's colour; a mixed one is neutral.
function clusterColor(colorBy) {
  if (colorBy === "tenure") return layerColor("cluster");
  const expr = ["case"];
  for (const [value, color] of Object.entries(kindColors()))
    expr.push(["==", ["get", `kind_${value}`], ["get", "count"]], color);
  expr.push(layerColor("cluster"));
  return expr;
}

function clusterLayers(state, visible) {
  const maxzoom = Math.min((mapConfig().cluster_max_zoom ?? 11) + 1, DETAIL_ZOOM);
  const common = { source: "opportunities", "source-layer": "opportunities", maxzoom, filter: IS_CLUSTER };
  return [
    {
      id: "opportunities-clusters",
      type: "circle",
      ...common,
      layout: { visibility: visible("opportunities") },
      paint: {
        ...servedPaint("opportunities-clusters"),
        "circle-color": clusterColor(state.colorBy),
        // Smaller at the regional scale, where a 32-pixel cell holds more.
        "circle-radius": [
          "interpolate",
          ["linear"],
          ["zoom"],
          7,
          ["interpolate", ["linear"], ["sqrt", ["get", "count"]], 1, 8, 10, 11, 40, 14, 100, 16],
          10,
          ["interpolate", ["linear"], ["sqrt", ["get", "count"]], 1, 9, 10, 16, 40, 24, 100, 30],
        ],
      },
    },
    {
      id: "opportunities-cluster-count",
      type: "symbol",
      ...common,
      layout: {
        ...servedLayout("opportunities-cluster-count"),
        visibility: visible("opportunities"),
        "text-field": ["number-format", ["get", "count"], { locale: "fr-FR" }],
      },
      paint: servedPaint("opportunities-cluster-count"),
    },
  ];
}

function restrictedPaint(scale) {
  return {
    "circle-color": "rgba(0,0,0,0)",
    "circle-radius": ["+", scaled(servedPaint("opportunities-other")["circle-radius"], scale), 3],
    "circle-stroke-color": "#7a3e00",
    "circle-stroke-width": 2,
  };
}

const TEXT = {
  "text-font": ["sans-serif"],
  "text-size": 12,
};
const HALO = { "text-color": "#1d2327", "text-halo-color": "#ffffff", "text-halo-width": 1.5 };

export function buildStyle(state) {
  const visible = (group) => (state.layers.has(group) ? "visible" : "none");
  const filters = state.apiFilters();
  const sources = {
    departements: {
      type: "vector",
      tiles: [tilesUrl("territories", { level: "departement" })],
      minzoom: 0,
      maxzoom: 12,
    },
    communes: { type: "vector", tiles: [tilesUrl("territories", { level: "commune" })], minzoom: 8, maxzoom: 12 },
    // The circles' outlines and the needs' areas are tiles, drawn to each
    // zoom's pixel (whole polygons as GeoJSON were most of the page's first
    // bytes, and needs grow with the data); the circles' names stay points.
    circles: { type: "vector", tiles: [tilesUrl("territories", { level: "circle" })], minzoom: 0, maxzoom: 12 },
    "circle-labels": { type: "geojson", data: state.circleLabels },
    needs: { type: "vector", tiles: [tilesUrl("needs")], minzoom: 0, maxzoom: 14 },
    places: { type: "geojson", data: state.places, cluster: true, clusterRadius: 40, clusterMaxZoom: 10 },
    opportunities: { type: "vector", tiles: [tilesUrl("opportunities", filters)], minzoom: 0, maxzoom: 14 },
    "opportunities-detail": { type: "geojson", data: state.detail },
    "match-lines": { type: "geojson", data: state.matchLines },
  };
  // Terrier's own départements under the raster layers: what shows when
  // there are none, or when their service cannot be reached.
  const layers = [
    { id: "background", type: "background", paint: servedPaint("background") },
    {
      id: "departements-fill",
      type: "fill",
      source: "departements",
      "source-layer": "territories",
      paint: servedPaint("departements-fill"),
    },
  ];
  state.basemaps?.addToStyle(sources, layers);
  layers.push(
    {
      id: "communes-line",
      type: "line",
      source: "communes",
      "source-layer": "territories",
      minzoom: 8,
      paint: servedPaint("communes-line"),
    },
    {
      id: "departements-line",
      type: "line",
      source: "departements",
      "source-layer": "territories",
      paint: servedPaint("departements-line"),
    },
    {
      id: "communes-label",
      type: "symbol",
      source: "communes",
      // One point per commune, in the one tile that holds it: a label on the
      // polygon itself would be repeated in each tile the commune crosses.
      // Beside its point when a place's name or a count is on it (a town's
      // centre holds both), rather than hidden.
      "source-layer": "territory_labels",
      minzoom: 10,
      layout: {
        ...TEXT,
        "text-field": ["get", "name"],
        "text-size": 11,
        "text-variable-anchor": ["center", "top", "bottom", "left", "right"],
        "text-radial-offset": 1.6,
      },
      paint: { "text-color": "#4a545c", "text-halo-color": "#ffffff", "text-halo-width": 1 },
    },
    {
      id: "circles-fill",
      type: "fill",
      source: "circles",
      "source-layer": "territories",
      layout: { visibility: visible("circles") },
      paint: servedPaint("circles-fill"),
    },
    {
      id: "circles-line",
      type: "line",
      source: "circles",
      "source-layer": "territories",
      layout: { visibility: visible("circles") },
      paint: servedPaint("circles-line"),
    },
    // A need's area is its dashed outline (needs-line) at every zoom, and
    // filled as the served style says (needs-area) from the detail zoom only:
    // below it the window holds a need's whole area and many others', and
    // each translucent fill is blended over most of the window (SwiftShader,
    // software WebGL as on a machine without a GPU, took 0.5-1.7 s a frame
    // at zoom 11 over Lens with the 1,000 needs of the benchmark's 100,000
    // opportunities, 0.25-0.35 s without the needs). needs-fill is the same
    // area without paint, at every zoom, for the clicks: MapLibre draws no
    // fill of opacity 0 (draw_fill.ts) but queryRenderedFeatures finds it.
    {
      id: "needs-area",
      type: "fill",
      source: "needs",
      "source-layer": "needs",
      minzoom: DETAIL_ZOOM,
      layout: { visibility: visible("needs") },
      paint: servedPaint("needs-fill"),
    },
    {
      id: "needs-fill",
      type: "fill",
      source: "needs",
      "source-layer": "needs",
      layout: { visibility: visible("needs") },
      paint: { ...servedPaint("needs-fill"), "fill-opacity": 0 },
    },
    {
      id: "needs-line",
      type: "line",
      source: "needs",
      "source-layer": "needs",
      layout: { visibility: visible("needs") },
      paint: servedPaint("needs-line"),
    },
    {
      id: "match-lines",
      type: "line",
      source: "match-lines",
      paint: { "line-color": layerColor("match"), "line-width": 2.5, "line-dasharray": [2, 1] },
    },
    ...clusterLayers(state, visible),
    {
      id: "opportunities-tiles",
      type: "circle",
      source: "opportunities",
      "source-layer": "opportunities",
      maxzoom: DETAIL_ZOOM,
      filter: IS_POINT,
      layout: { visibility: visible("opportunities") },
      paint: opportunityPaint(state.colorBy, 0.6),
    },
    {
      id: "restricted-tiles",
      type: "circle",
      source: "opportunities",
      "source-layer": "opportunities",
      maxzoom: DETAIL_ZOOM,
      filter: ["all", IS_POINT, ["!=", ["get", "visibility"], openVisibility()]],
      layout: { visibility: state.restrictedVisible() ? "visible" : "none" },
      paint: restrictedPaint(0.6),
    },
    {
      id: "opportunities-detail",
      type: "circle",
      source: "opportunities-detail",
      minzoom: DETAIL_ZOOM,
      layout: { visibility: visible("opportunities") },
      paint: opportunityPaint(state.colorBy, 1),
    },
    {
      id: "restricted-detail",
      type: "circle",
      source: "opportunities-detail",
      minzoom: DETAIL_ZOOM,
      filter: ["!=", ["get", "visibility"], openVisibility()],
      layout: { visibility: state.restrictedVisible() ? "visible" : "none" },
      paint: restrictedPaint(1),
    },
    {
      id: "places-clusters",
      type: "circle",
      source: "places",
      filter: ["has", "point_count"],
      layout: { visibility: visible("places") },
      paint: {
        "circle-color": layerColor("place"),
        "circle-radius": ["step", ["get", "point_count"], 13, 10, 17, 30, 22],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    },
    {
      id: "places-cluster-count",
      type: "symbol",
      source: "places",
      filter: ["has", "point_count"],
      layout: {
        ...TEXT,
        visibility: visible("places"),
        "text-field": ["get", "point_count_abbreviated"],
        "text-allow-overlap": true,
      },
      paint: { "text-color": "#ffffff" },
    },
    {
      id: "places-points",
      type: "circle",
      source: "places",
      filter: ["!", ["has", "point_count"]],
      layout: { visibility: visible("places") },
      paint: servedPaint("places-points"),
    },
    {
      id: "places-label",
      type: "symbol",
      source: "places",
      filter: ["!", ["has", "point_count"]],
      minzoom: 10,
      layout: { ...servedLayout("places-label"), visibility: visible("places") },
      paint: servedPaint("places-label"),
    },
    {
      id: "needs-label",
      type: "symbol",
      source: "needs",
      // One point per need (or per territory's needs) in one tile only: a
      // label on the area itself would be repeated in each tile it crosses.
      "source-layer": "need_labels",
      minzoom: 9,
      layout: {
        ...TEXT,
        visibility: visible("needs"),
        // The needs of one territory are one feature of the tiles (count).
        "text-field": [
          "case",
          [">", ["get", "count"], 1],
          ["concat", ["to-string", ["get", "count"]], " besoins"],
          ["get", "collective_name"],
        ],
        "text-size": 11,
        // Beside its point when the circle's own name (a territory's needs
        // share its outline, so their points meet) or another label is there.
        "text-variable-anchor": ["center", "top", "bottom", "left", "right"],
        "text-radial-offset": 1,
        // A territory's needs before a need of its own.
        "symbol-sort-key": ["-", 0, ["get", "count"]],
      },
      paint: { ...HALO, "text-color": layerColor("need") },
    },
    {
      id: "circles-label",
      type: "symbol",
      source: "circle-labels",
      maxzoom: 11,
      layout: { ...servedLayout("circles-label"), visibility: visible("circles") },
      paint: servedPaint("circles-label"),
    },
  );
  return {
    version: 8,
    // No "glyphs": MapLibre draws labels with the browser's own fonts, so
    // nothing is fetched from a font server.
    sources,
    layers,
  };
}

function swatch(color, area = false) {
  const span = element("span", { class: area ? "swatch area" : "swatch" });
  span.style.background = color;
  return span;
}

function row(node, text) {
  return element("div", { class: "row" }, node, text);
}

export function renderLegend(container, state) {
  container.replaceChildren();
  const title = (text) => {
    return element("h3", { text });
  };
  if (state.layers.has("opportunities")) {
    const colors = state.colorBy === "tenure" ? tenureColors() : kindColors();
    container.append(title(state.colorBy === "tenure" ? "Opportunités, par mode" : "Opportunités, par type"));
    for (const [value, color] of Object.entries(colors)) container.append(row(swatch(color), longValueLabel(value)));
    container.append(row(swatch(layerColor("other")), "non renseigné"));
    container.append(title(fieldLabel("opportunity", "status")));
    for (const [value, s] of Object.entries(statusStyles()))
      container.append(row(swatch("#9aa5ad"), `${valueLabel(value)} : ${s.legend}`));
    container.append(row("", "taille : surface"));
    container.append(
      row(
        swatch(layerColor("cluster")),
        "vue régionale : nombre d'opportunités par zone (couleur du type s'il est seul)",
      ),
    );
  }
  if (state.restrictedVisible()) {
    const ring = swatch("transparent");
    ring.style.border = "2px solid #7a3e00";
    container.append(row(ring, "visibilité réseau ou privée"));
  }
  container.append(title("Réseau"));
  if (state.layers.has("places")) container.append(row(swatch(layerColor("place")), "tiers-lieu du réseau"));
  if (state.layers.has("circles")) container.append(row(swatch(layerColor("circle"), true), "territoire d'un cercle"));
  if (state.layers.has("needs")) {
    // Its dashed outline, filled at the detail zooms only (needs-area).
    const outline = swatch("transparent", true);
    outline.style.border = `2px dashed ${layerColor("need")}`;
    container.append(row(outline, "zone recherchée par un collectif (remplie en vue rapprochée)"));
  }
  container.append(row(swatch(layerColor("match"), true), "mise en relation (fiche ouverte)"));
}
