// Terrier's own data on the map: the overlays fetched whole (the circles'
// list, the places), the opportunities' count, tiles and detail for the
// current filters, the layer switcher's effect and the lines from a feature
// to its matches. The circles' outlines and the needs' areas are drawn from
// tiles (style.js).

import * as maplibregl from "./vendor/maplibre-gl.mjs";
import * as api from "./api.js";
import { $ } from "./dom.js";
import { COUNT, setData } from "./context.js";
import * as view from "./context.js";
import { state } from "./state.js";
import { anchorOf } from "./geometry.js";
import { DETAIL_ZOOM, LAYER_GROUPS, renderLegend } from "./style.js";

let countRequest;
let detailRequest;

// The circles' outlines are wanted here for their names, their labels'
// anchors and the bounds a form zooms to, not for drawing: simplified within
// CIRCLE_OUTLINE_DEGREES (about 400 m, a pixel at zoom 8) the demo's nine
// weigh 31 KB instead of 213 KB.
const CIRCLE_OUTLINE_DEGREES = 0.005;

export async function loadOverlays() {
  const [circles, places] = await Promise.all([
    api.getJson(
      api.itemsPath("territories", { level: "circle", limit: 100, maxAllowableOffset: CIRCLE_OUTLINE_DEGREES }),
    ),
    api.getJson(api.itemsPath("places", { limit: 5000 })),
  ]);
  const circleLabels = {
    type: "FeatureCollection",
    features: circles.features.map((f) => ({
      type: "Feature",
      properties: { name: f.properties.name, slug: f.properties.slug },
      geometry: { type: "Point", coordinates: anchorOf(f.geometry) },
    })),
  };
  state.setOverlays({ circles, circleLabels, places });
}

// Draws the needs' areas again from their tiles (after a need was saved: the
// server's generation has moved on, so the tiles' ETags no longer match).
export function reloadNeeds() {
  view.map.getSource("needs")?.setTiles([api.tilesUrl("needs")]);
}

export async function refreshCount() {
  countRequest?.abort();
  countRequest = new AbortController();
  const out = $("opportunity-count");
  try {
    const page = await api.getJson(api.itemsPath("opportunities", { ...state.apiFilters(), limit: 1 }), {
      signal: countRequest.signal,
    });
    const n = page.numberMatched;
    if (!Number.isFinite(n)) {
      out.textContent = "Nombre d'opportunités inconnu";
      out.dataset.count = "";
      return;
    }
    const approx = page.numberMatchedIsEstimate ? "environ " : "";
    out.textContent = n === 0 ? "Aucune opportunité" : `${approx}${COUNT.format(n)} opportunité${n > 1 ? "s" : ""}`;
    out.dataset.count = String(n);
  } catch (e) {
    if (e.name === "AbortError") return;
    out.textContent = `Filtre refusé : ${e.message}`;
    out.dataset.count = "";
  }
}

// Whether the detail layer shows the current view: "pending" from a move or a
// change of person until refreshDetail has drawn (or given up on) the view's
// opportunities, then "ready". The browser tests wait on it; a person sees
// the points appear.
export function markDetailPending() {
  document.body.dataset.detail = "pending";
}

function markDetailReady() {
  document.body.dataset.detail = "ready";
}

// At DETAIL_ZOOM and above, the visible opportunities come from /ogcapi with
// every attribute the role may read.
export async function refreshDetail() {
  const { map } = view;
  if (map.getZoom() < DETAIL_ZOOM || !state.layers.has("opportunities")) {
    detailRequest?.abort();
    markDetailReady();
    return;
  }
  markDetailPending();
  detailRequest?.abort();
  detailRequest = new AbortController();
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  try {
    const page = await api.getJson(api.itemsPath("opportunities", { ...state.apiFilters(), bbox, limit: 2000 }), {
      signal: detailRequest.signal,
    });
    for (const f of page.features) f.properties.tenure = f.properties.tenures?.[0] ?? null;
    state.setDetail(page);
    setData("opportunities-detail", page);
    markDetailReady();
  } catch (e) {
    // An aborted request was replaced by a newer one, which marks the view.
    if (e.name === "AbortError") return;
    console.warn("opportunités du cadre :", e.message);
    markDetailReady();
  }
}

export function applyFilters() {
  state.writeUrl();
  view.map.getSource("opportunities")?.setTiles([api.tilesUrl("opportunities", state.apiFilters())]);
  refreshCount();
  refreshDetail();
}

export function applyLayers() {
  const { map } = view;
  for (const [group, ids] of Object.entries(LAYER_GROUPS)) {
    const on = group === "restricted" ? state.restrictedVisible() : state.layers.has(group);
    for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  }
  renderLegend($("legend"), state);
  state.writeUrl();
  refreshDetail();
}

export function drawMatchLines(from, matches) {
  const { map } = view;
  const features = from
    ? matches.features
        .filter((m) => m.geometry)
        .map((m) => ({
          type: "Feature",
          properties: { match_id: m.properties.match_id, score: m.properties.score },
          geometry: { type: "LineString", coordinates: [from, m.geometry.coordinates] },
        }))
    : [];
  setData("match-lines", state.setMatchLines({ type: "FeatureCollection", features }));
  if (features.length) {
    const b = new maplibregl.LngLatBounds(from, from);
    for (const f of features) b.extend(f.geometry.coordinates[1]);
    map.fitBounds(b, { padding: 80, maxZoom: 13, duration: 600 });
  }
}
