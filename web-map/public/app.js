// Terrier's map page: wires the map, the filters (kept in the URL), the
// search, the side panel, sign-in and exports. Everything comes from this
// server: MapLibre from vendor/, data from /tiles, /ogcapi and /api.

import * as maplibregl from "./vendor/maplibre-gl.mjs";
import * as api from "./api.js";
import { buildStyle, renderLegend, LAYER_GROUPS, DETAIL_ZOOM } from "./style.js";
import { Panel } from "./panel.js";
import { wireEditing, editButton } from "./forms-hooks.js";

const $ = (id) => document.getElementById(id);
const EMPTY = { type: "FeatureCollection", features: [] };
const REGION = [[1.35, 48.8], [4.3, 51.1]];  // Hauts-de-France
const ROLE_LABELS = {
  public: "Visiteur", member: "Membre du groupe foncier", foundation: "Foncière solidaire",
  animator: "Animateur de cercle", admin: "Administrateur",
};
const NUMBER_FILTERS = ["surface_min", "surface_max", "rent_max", "price_max"];
const LIST_FILTERS = { kind: "kind-choices", tenure: "tenure-choices", status: "status-choices" };
const COUNT = new Intl.NumberFormat("fr-FR");

// What the page shows, restored from and written to the URL's query string;
// the map's position lives in the URL's hash (MapLibre's own).
class State {
  constructor() {
    this.filters = {};
    this.layers = new Set(["circles", "places", "opportunities", "needs", "restricted"]);
    this.colorBy = "kind";
    this.session = { role: "public", readable_visibilities: ["public"] };
    this.circles = EMPTY;
    this.circleLabels = EMPTY;
    this.needs = EMPTY;
    this.places = EMPTY;
    this.detail = EMPTY;
    this.matchLines = EMPTY;
  }

  readUrl() {
    const q = new URLSearchParams(window.location.search);
    this.filters = {};
    for (const k of NUMBER_FILTERS) if (q.get(k)) this.filters[k] = q.get(k);
    for (const k of Object.keys(LIST_FILTERS)) if (q.get(k)) this.filters[k] = q.get(k).split(",").filter(Boolean);
    if (q.get("territory")) this.filters.territory = q.get("territory");
    if (q.get("layers") !== null) this.layers = new Set(q.get("layers").split(",").filter((l) => l in LAYER_GROUPS));
    if (q.get("color") === "tenure") this.colorBy = "tenure";
  }

  writeUrl() {
    const params = { ...this.filters };
    const defaults = ["circles", "places", "opportunities", "needs", "restricted"];
    if (defaults.some((l) => !this.layers.has(l))) params.layers = [...this.layers].sort();
    if (this.layers.size === 0) params.layers = "";
    if (this.colorBy !== "kind") params.color = this.colorBy;
    let qs = api.queryString(params);
    if (this.layers.size === 0) qs = qs ? `${qs}&layers=` : "layers=";
    const url = `${window.location.pathname}${qs ? `?${qs}` : ""}${window.location.hash}`;
    window.history.replaceState(null, "", url);
  }

  apiFilters() {
    return { ...this.filters };
  }

  restrictedVisible() {
    return this.layers.has("restricted") && this.layers.has("opportunities") &&
      this.session.readable_visibilities.length > 1;
  }
}

const state = new State();
let config = { vocabularies: {}, basemap: null };
let map;
let panel;
let editing;
let countRequest;
let detailRequest;

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// --- data ------------------------------------------------------------------

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return a / 2;
}

function ringCentroid(ring) {
  let x = 0;
  let y = 0;
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    x += (ring[j][0] + ring[i][0]) * f;
    y += (ring[j][1] + ring[i][1]) * f;
    a += f;
  }
  return a ? [x / (3 * a), y / (3 * a)] : ring[0];
}

// A point to label or join a shape: its own point, or the centroid of its
// largest outer ring.
export function anchorOf(geometry) {
  if (!geometry) return null;
  if (geometry.type === "Point") return geometry.coordinates;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  let best = null;
  let bestArea = -1;
  for (const p of polygons) {
    const area = Math.abs(ringArea(p[0]));
    if (area > bestArea) [best, bestArea] = [p[0], area];
  }
  return best ? ringCentroid(best) : null;
}

function bboxOf(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [[b[0], b[1]], [b[2], b[3]]];
}

async function loadOverlays() {
  const [circles, needs, places] = await Promise.all([
    api.getJson(api.itemsPath("territories", { level: "circle", limit: 100 })),
    api.getJson(api.itemsPath("needs", { limit: 1000 })),
    api.getJson(api.itemsPath("places", { limit: 5000 })),
  ]);
  state.circles = circles;
  state.circleLabels = {
    type: "FeatureCollection",
    features: circles.features.map((f) => ({ type: "Feature", properties: { name: f.properties.name, slug: f.properties.slug },
      geometry: { type: "Point", coordinates: anchorOf(f.geometry) } })),
  };
  state.needs = needs;
  state.places = places;
}

function setData(source, data) {
  map.getSource(source)?.setData(data);
}

async function refreshCount() {
  countRequest?.abort();
  countRequest = new AbortController();
  const out = $("opportunity-count");
  try {
    const page = await api.getJson(api.itemsPath("opportunities", { ...state.apiFilters(), limit: 1 }), { signal: countRequest.signal });
    const n = page.numberMatched;
    const approx = page.numberMatchedIsEstimate ? "environ " : "";
    out.textContent = n === 0 ? "Aucune opportunité" : `${approx}${COUNT.format(n)} opportunité${n > 1 ? "s" : ""}`;
    out.dataset.count = String(n);
  } catch (e) {
    if (e.name === "AbortError") return;
    out.textContent = `Filtre refusé : ${e.message}`;
    out.dataset.count = "";
  }
}

// At DETAIL_ZOOM and above, the visible opportunities come from /ogcapi with
// every attribute the role may read.
async function refreshDetail() {
  if (map.getZoom() < DETAIL_ZOOM || !state.layers.has("opportunities")) return;
  detailRequest?.abort();
  detailRequest = new AbortController();
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  try {
    const page = await api.getJson(api.itemsPath("opportunities", { ...state.apiFilters(), bbox, limit: 2000 }),
      { signal: detailRequest.signal });
    for (const f of page.features) f.properties.tenure = f.properties.tenures?.[0] ?? null;
    state.detail = page;
    setData("opportunities-detail", page);
  } catch (e) {
    if (e.name !== "AbortError") console.warn("opportunités du cadre :", e.message);
  }
}

function applyFilters() {
  state.writeUrl();
  map.getSource("opportunities")?.setTiles([api.tilesUrl("opportunities", state.apiFilters())]);
  refreshCount();
  refreshDetail();
}

function applyLayers() {
  for (const [group, ids] of Object.entries(LAYER_GROUPS)) {
    const on = group === "restricted" ? state.restrictedVisible() : state.layers.has(group);
    for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  }
  renderLegend($("legend"), state);
  state.writeUrl();
  refreshDetail();
}

// --- the sidebar's controls ------------------------------------------------

function checkboxes(fieldsetId, name, values, selected) {
  const fs = $(fieldsetId);
  fs.querySelectorAll("label").forEach((l) => l.remove());
  for (const value of values) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = name;
    input.value = value;
    input.checked = selected.includes(value);
    label.append(input, ` ${value === "bcus" ? "BCUS" : value}`);
    fs.append(label);
  }
}

function fillFilterForm() {
  const form = $("filters");
  for (const k of NUMBER_FILTERS) form.elements[k].value = state.filters[k] ?? "";
  const v = config.vocabularies;
  checkboxes("kind-choices", "kind", v.opportunity_kinds ?? [], state.filters.kind ?? []);
  checkboxes("tenure-choices", "tenure", v.tenures ?? [], state.filters.tenure ?? []);
  checkboxes("status-choices", "status", v.opportunity_statuses ?? [], state.filters.status ?? []);
  const select = $("territory-select");
  const wanted = state.filters.territory ?? "";
  if (wanted && ![...select.options].some((o) => o.value === wanted)) select.add(new Option(wanted, wanted));
  select.value = wanted;
}

function readFilterForm() {
  const form = $("filters");
  const filters = {};
  for (const k of NUMBER_FILTERS) {
    const value = form.elements[k].value.trim();
    if (value !== "") filters[k] = value;
  }
  for (const k of Object.keys(LIST_FILTERS)) {
    const chosen = [...form.querySelectorAll(`input[name="${k}"]:checked`)].map((i) => i.value);
    if (chosen.length) filters[k] = chosen;
  }
  if ($("territory-select").value) filters.territory = $("territory-select").value;
  state.filters = filters;
}

function fillCircleSelects() {
  const circles = [...state.circles.features].sort((a, b) => a.properties.name.localeCompare(b.properties.name, "fr"));
  for (const select of [$("territory-select"), $("export-territory")]) {
    const keep = select.id === "territory-select" ? [...select.options].filter((o) => o.value === "" || !circles.some((c) => c.properties.slug === o.value)) : [];
    select.replaceChildren(...keep);
    const group = document.createElement("optgroup");
    group.label = "Cercles";
    for (const c of circles) group.append(new Option(c.properties.name, c.properties.slug));
    select.append(group);
  }
}

function wireSidebar() {
  const form = $("filters");
  const onChange = debounce(() => {
    readFilterForm();
    applyFilters();
  }, 250);
  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  form.addEventListener("reset", () => setTimeout(() => {
    state.filters = {};
    fillFilterForm();
    applyFilters();
  }));
  form.addEventListener("submit", (e) => e.preventDefault());

  for (const input of document.querySelectorAll('#layer-switcher input[name="layer"]')) {
    input.checked = state.layers.has(input.value);
    input.addEventListener("change", () => {
      if (input.checked) state.layers.add(input.value);
      else state.layers.delete(input.value);
      applyLayers();
    });
  }
  for (const input of document.querySelectorAll('input[name="color"]')) {
    input.checked = input.value === state.colorBy;
    input.addEventListener("change", () => {
      state.colorBy = input.value;
      map.setStyle(buildStyle(state, config));
      renderLegend($("legend"), state);
      state.writeUrl();
    });
  }

  const toggle = $("drawer-toggle");
  toggle.addEventListener("click", () => {
    const open = $("sidebar").classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  $("ogcapi-url").textContent = api.absolute("/ogcapi");
  for (const button of document.querySelectorAll("#export-buttons button")) {
    button.addEventListener("click", () => exportTerritory($("export-territory").value, button.dataset.format));
  }
  $("export-territory").addEventListener("change", updateExportAccess);
}

// --- exports ---------------------------------------------------------------

function mayExport(slug) {
  const { role, territory } = state.session;
  return role === "foundation" || role === "admin" || (role === "animator" && territory === slug);
}

function updateExportAccess() {
  const slug = $("export-territory").value;
  const allowed = mayExport(slug);
  for (const b of document.querySelectorAll("#export-buttons button")) b.disabled = !allowed;
  const { role, territory } = state.session;
  $("export-status").textContent = allowed ? "" : role === "animator"
    ? `En tant qu'animateur, vous exportez votre cercle (${territory}).`
    : "Réservé aux foncières et à l'animateur du cercle : connectez-vous avec leur jeton.";
}

async function exportTerritory(slug, format) {
  const status = $("export-status");
  status.textContent = "Préparation de l'export…";
  try {
    const { blob, name } = await api.getBlob(`/api/territories/${encodeURIComponent(slug)}/export?format=${format}`);
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name ?? `terrier-${slug}.${format}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status.textContent = `Export téléchargé : ${a.download}`;
  } catch (e) {
    status.textContent = `Export impossible : ${e.message}`;
  }
}

// --- sign-in ---------------------------------------------------------------

function showSession() {
  const { role, name, territory } = state.session;
  const badge = $("role-badge");
  badge.dataset.role = role;
  badge.textContent = ROLE_LABELS[role] + (name ? ` — ${name}` : "") + (territory ? ` (${territory})` : "");
  $("sign-in").hidden = role !== "public";
  $("sign-out").hidden = role === "public";
  $("restricted-layer").hidden = state.session.readable_visibilities.length <= 1;
  editing?.showFor(state.session);
  if (role === "animator" && territory) $("export-territory").value = territory;
  updateExportAccess();
}

// After a change of role every source is fetched again with the new token.
async function reloadForRole() {
  await loadOverlays();
  map.setStyle(buildStyle(state, config), { diff: false });
  showSession();
  renderLegend($("legend"), state);
  panel.hide();
  refreshCount();
  map.once("styledata", refreshDetail);
}

function wireSignIn() {
  const dialog = $("sign-in-dialog");
  $("sign-in").addEventListener("click", () => {
    $("sign-in-error").textContent = "";
    $("token-input").value = "";
    dialog.showModal();
  });
  $("sign-in-cancel").addEventListener("click", () => dialog.close());
  $("sign-in-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const candidate = $("token-input").value.trim();
    try {
      const s = await api.session(candidate);
      api.setToken(candidate);
      state.session = s;
      dialog.close();
      await reloadForRole();
    } catch (err) {
      $("sign-in-error").textContent = err.status === 401 ? "Jeton inconnu ou révoqué." : `Connexion impossible : ${err.message}`;
    }
  });
  $("sign-out").addEventListener("click", async () => {
    api.setToken(null);
    state.session = { role: "public", readable_visibilities: ["public"] };
    await reloadForRole();
  });
}

// --- search ----------------------------------------------------------------

function wireSearch() {
  const input = $("search-input");
  const results = $("search-results");
  let items = [];
  let active = -1;
  const close = () => {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const choose = (item) => {
    close();
    input.value = item.label;
    if (item.geometry.type === "Point") map.flyTo({ center: item.geometry.coordinates, zoom: 14 });
    else map.fitBounds(bboxOf(item.geometry), { padding: 40, maxZoom: 14 });
  };
  const render = () => {
    results.replaceChildren(...items.map((item, i) => {
      const li = document.createElement("li");
      li.id = `search-result-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = ` — ${item.kind}`;
      li.append(item.label, kind);
      li.addEventListener("mousedown", (e) => {
        e.preventDefault();
        choose(item);
      });
      return li;
    }));
    results.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(!results.hidden));
    if (active >= 0) input.setAttribute("aria-activedescendant", `search-result-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };
  let request;
  const search = debounce(async () => {
    const q = input.value.trim();
    request?.abort();
    if (q.length < 2) {
      items = [];
      render();
      return;
    }
    request = new AbortController();
    try {
      const [communes, places] = await Promise.all([
        api.getJson(api.itemsPath("territories", { level: "commune", q, limit: 6 }), { signal: request.signal }),
        api.getJson(api.itemsPath("places", { q, limit: 6 }), { signal: request.signal }),
      ]);
      items = [
        ...places.features.map((f) => ({ label: f.properties.name, kind: f.properties.kind, geometry: f.geometry })),
        ...communes.features.map((f) => ({ label: f.properties.name, kind: `commune (${f.properties.code})`, geometry: f.geometry })),
      ];
      active = -1;
      render();
    } catch (e) {
      if (e.name !== "AbortError") console.warn("recherche :", e.message);
    }
  }, 200);
  input.addEventListener("input", search);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; render(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; render(); e.preventDefault(); }
    else if (e.key === "Enter" && items.length) { choose(items[Math.max(active, 0)]); e.preventDefault(); }
    else if (e.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

// --- clicks and the panel --------------------------------------------------

function drawMatchLines(from, matches) {
  const features = from ? matches.features.filter((m) => m.geometry).map((m) => ({
    type: "Feature", properties: { match_id: m.properties.match_id, score: m.properties.score },
    geometry: { type: "LineString", coordinates: [from, m.geometry.coordinates] },
  })) : [];
  state.matchLines = { type: "FeatureCollection", features };
  setData("match-lines", state.matchLines);
  if (features.length) {
    const b = new maplibregl.LngLatBounds(from, from);
    for (const f of features) b.extend(f.geometry.coordinates[1]);
    map.fitBounds(b, { padding: 80, maxZoom: 13, duration: 600 });
  }
}

const focusOn = (m) => map.flyTo({ center: m.geometry.coordinates, zoom: Math.max(map.getZoom(), 13) });

async function openOpportunity(id) {
  panel.loading("Opportunité");
  try {
    const [feature, matches] = await Promise.all([
      api.getJson(`/ogcapi/collections/opportunities/items/${id}`),
      api.getJson(`/api/opportunities/${id}/matches`),
    ]);
    panel.opportunity(feature, matches, { onFocus: focusOn });
    editButton(panel, editing, "opportunity", feature);
    drawMatchLines(anchorOf(feature.geometry), matches);
  } catch (e) {
    panel.error("Opportunité", `Fiche indisponible : ${e.message}`);
  }
}

async function openNeed(id) {
  panel.loading("Besoin");
  try {
    const [feature, matches] = await Promise.all([
      api.getJson(`/ogcapi/collections/needs/items/${id}`),
      api.getJson(`/api/needs/${id}/matches`),
    ]);
    panel.need(feature, matches, { onFocus: focusOn });
    editButton(panel, editing, "need", feature);
    drawMatchLines(anchorOf(feature.geometry), matches);
  } catch (e) {
    panel.error("Besoin", `Fiche indisponible : ${e.message}`);
  }
}

async function openCircle(feature) {
  const slug = feature.properties.slug;
  let count = "";
  try {
    const page = await api.getJson(api.itemsPath("opportunities", { territory: slug, limit: 1 }));
    count = `${COUNT.format(page.numberMatched)} opportunité(s) visibles sur ce territoire.`;
  } catch (e) {
    count = e.message;
  }
  panel.circle(feature, {
    count,
    onFilter: () => {
      state.filters.territory = slug;
      fillFilterForm();
      applyFilters();
    },
    onExport: () => {
      $("export-territory").value = slug;
      updateExportAccess();
      $("sidebar").classList.add("open");
      $("export-territory").focus();
    },
  });
}

const CLICKABLE = ["opportunities-detail", "opportunities-tiles", "places-points", "places-clusters", "needs-fill", "circles-fill"];

function wireClicks() {
  for (const id of CLICKABLE) {
    map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
  }
  map.on("click", async (e) => {
    if (editing?.capturesClicks) return;  // the open form places its point
    const layers = CLICKABLE.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, "visibility") !== "none");
    const hit = map.queryRenderedFeatures(e.point, { layers })[0];
    if (!hit) return;
    switch (hit.layer.id) {
      case "opportunities-detail":
      case "opportunities-tiles":
        return openOpportunity(hit.properties.id ?? hit.id);
      case "places-clusters": {
        const zoom = await map.getSource("places").getClusterExpansionZoom(hit.properties.cluster_id);
        return map.easeTo({ center: hit.geometry.coordinates, zoom });
      }
      case "places-points":
        return panel.place({ ...hit, properties: { ...hit.properties, competences: parseList(hit.properties.competences) } });
      case "needs-fill":
        return openNeed(hit.properties.id ?? hit.id);
      case "circles-fill":
        return openCircle(hit);
      default:
        return undefined;
    }
  });
}

// GeoJSON sources hand arrays back as JSON text.
function parseList(v) {
  if (typeof v !== "string") return v;
  try { return JSON.parse(v); } catch { return v; }
}

// --- start -----------------------------------------------------------------

async function start() {
  state.readUrl();
  const token = api.token();
  const [cfg, session] = await Promise.all([
    api.getJson("/api/map-config"),
    api.session().catch((e) => {
      if (e.status === 401) api.setToken(null);  // revoked since: forget it
      return null;
    }),
  ]);
  config = cfg;
  if (session && token) state.session = session;
  await loadOverlays();

  panel = new Panel({ root: $("panel"), title: $("panel-title"), body: $("panel-body"), close: $("panel-close"),
    onClose: () => setData("match-lines", (state.matchLines = EMPTY)) });
  map = new maplibregl.Map({
    container: "map",
    style: buildStyle(state, config),
    bounds: REGION,
    hash: true,
    maxBounds: [[-2, 47.5], [7, 52.5]],
    attributionControl: {
      compact: false,
      customAttribution: "Limites : IGN – ADMIN EXPRESS, INSEE · Lieux et opportunités : La Compagnie des Tiers-Lieux · Friches : Cerema – Cartofriches",
    },
    transformRequest: (url) => (url.startsWith(window.location.origin) ? { url, headers: api.authHeaders() } : { url }),
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");

  editing = wireEditing({
    map, maplibregl, state, config: () => config, panel,
    onSaved: async (kind) => {
      if (kind === "need") {
        await loadOverlays();
        setData("needs", state.needs);
      } else {
        map.getSource("opportunities")?.setTiles([api.tilesUrl("opportunities", state.apiFilters())]);
        refreshCount();
        refreshDetail();
      }
    },
  });
  fillCircleSelects();
  fillFilterForm();
  wireSidebar();
  wireSignIn();
  wireSearch();
  wireClicks();
  showSession();
  renderLegend($("legend"), state);
  map.on("moveend", debounce(refreshDetail, 150));
  refreshCount();
  await new Promise((resolve) => map.once("load", resolve));
  refreshDetail();
  window.terrier.ready = true;
}

// For the browser tests and for curious users in the console.
window.terrier = { get map() { return map; }, get editing() { return editing; }, state, ready: false };
start().catch((e) => {
  console.error("Terrier : la carte n'a pas pu démarrer :", e);
  $("opportunity-count").textContent = `La carte n'a pas pu démarrer : ${e.message}`;
});
