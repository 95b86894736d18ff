// What the page shows, restored from and written to the URL's query string
// (filters, layers, colours, base layers: a view is a link to share); the
// map's position lives in the URL's hash (MapLibre's own).

import * as api from "./api.js";
import { Basemaps } from "./basemap.js";
import { EMPTY } from "./context.js";
import { LAYER_GROUPS } from "./style.js";

export const NUMBER_FILTERS = ["surface_min", "surface_max", "rent_max", "price_max"];
export const LIST_FILTERS = { kind: "kind-choices", tenure: "tenure-choices", status: "status-choices" };
const DEFAULT_LAYERS = ["circles", "places", "opportunities", "needs", "restricted"];
// Until the server has answered GET /api/session: nobody signed in, reading
// only what everybody reads, and no role shown (its label is the server's).
export const ANONYMOUS = {
  role: null,
  role_label: "",
  readable_visibilities: [],
  name: null,
  email: null,
  circle: null,
  via: null,
  may: {},
};

export class State {
  constructor() {
    this.filters = {};
    this.layers = new Set(DEFAULT_LAYERS);
    this.colorBy = "kind";
    this.session = { ...ANONYMOUS };
    this.circles = EMPTY;
    this.circleLabels = EMPTY;
    this.places = EMPTY;
    this.detail = EMPTY;
    this.matchLines = EMPTY;
    this.basemaps = new Basemaps(null);
    // Other parts of the page (the "Suivi" view…) add their own parameters.
    this.urlParts = [];
  }

  // What other modules change, each field through its own setter.
  setSession(session) {
    this.session = session;
  }

  setBasemaps(basemaps) {
    this.basemaps = basemaps;
  }

  setFilters(filters) {
    this.filters = filters;
  }

  setFilter(name, value) {
    this.filters = { ...this.filters, [name]: value };
  }

  showLayer(group, visible) {
    if (visible) this.layers.add(group);
    else this.layers.delete(group);
  }

  setColorBy(colorBy) {
    this.colorBy = colorBy;
  }

  // The overlays fetched whole (layers.js).
  setOverlays({ circles, circleLabels, places }) {
    Object.assign(this, { circles, circleLabels, places });
  }

  setDetail(page) {
    this.detail = page;
  }

  // Gives the lines back, for the map's source.
  setMatchLines(lines) {
    this.matchLines = lines;
    return lines;
  }

  // fn() gives parameters of its own view to write in the URL.
  addUrlParams(fn) {
    this.urlParts.push(fn);
  }

  readUrl() {
    const q = new URLSearchParams(window.location.search);
    this.filters = {};
    for (const k of NUMBER_FILTERS) if (q.get(k)) this.filters[k] = q.get(k);
    for (const k of Object.keys(LIST_FILTERS)) if (q.get(k)) this.filters[k] = q.get(k).split(",").filter(Boolean);
    if (q.get("territory")) this.filters.territory = q.get("territory");
    if (q.get("layers") !== null)
      this.layers = new Set(
        q
          .get("layers")
          .split(",")
          .filter((l) => l in LAYER_GROUPS),
      );
    if (q.get("color") === "tenure") this.colorBy = "tenure";
  }

  writeUrl() {
    const params = { ...this.filters, ...this.basemaps.urlParams() };
    for (const part of this.urlParts) Object.assign(params, part());
    if (DEFAULT_LAYERS.some((l) => !this.layers.has(l))) params.layers = [...this.layers].sort();
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

  // The circle a person belongs to (accounts say "circle", tokens "territory").
  get circle() {
    return this.session.circle ?? this.session.territory ?? null;
  }

  restrictedVisible() {
    return (
      this.layers.has("restricted") &&
      this.layers.has("opportunities") &&
      (this.session.readable_visibilities ?? []).length > 1
    );
  }
}

// The page's one state, read by every module and changed through its setters.
export const state = new State();
