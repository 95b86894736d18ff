// The raster layers under Terrier's own data, as /api/map-config lists them
// (IGN's plan, aerial photographs and cadastral parcels by default): their
// sources and layers in the style, the switcher, their place in the URL, a
// quiet fallback to Terrier's own boundaries when the service cannot be
// reached, and the cadastral parcel under a click.

import { element } from "./dom.js";

const NONE = "none";
const FETCH_TIMEOUT_MS = 8000;
const area = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

export const sourceId = (layer) => `basemap-${layer.id}`;

export class Basemaps {
  constructor(config) {
    this.layers = config?.layers ?? [];
    this.bases = this.layers.filter((l) => l.kind === "base");
    this.overlays = this.layers.filter((l) => l.kind === "overlay");
    this.defaultBase = this.bases[0]?.id ?? NONE;
    this.base = this.defaultBase;
    this.shown = new Set(); // overlays switched on
    this.loaded = new Set(); // sources that drew at least one tile
    this.unavailable = new Set(); // sources given up on
    this.reachable = null; // the service, once asked: true or false
    this.noticeShown = false;
  }

  get any() {
    return this.layers.length > 0;
  }

  // ?basemap=ortho|none (the default base is left out) and ?overlays=parcels.
  readUrl(query) {
    const base = query.get("basemap");
    if (base === NONE || this.bases.some((l) => l.id === base)) this.base = base;
    const overlays = (query.get("overlays") ?? "").split(",");
    this.shown = new Set(this.overlays.filter((l) => overlays.includes(l.id)).map((l) => l.id));
  }

  urlParams() {
    const params = {};
    if (this.base !== this.defaultBase) params.basemap = this.base;
    if (this.shown.size) params.overlays = [...this.shown].sort();
    return params;
  }

  visible(layer) {
    if (this.reachable !== true || this.unavailable.has(sourceId(layer))) return false;
    return this.chosen(layer);
  }

  chosen(layer) {
    return layer.kind === "base" ? layer.id === this.base : this.shown.has(layer.id);
  }

  // Sources and layers for the style, bases then overlays, all under
  // Terrier's boundaries and data.
  addToStyle(sources, layers) {
    for (const layer of [...this.bases, ...this.overlays]) {
      const from = Math.max(layer.minzoom, layer.shown_from_zoom ?? 0);
      sources[sourceId(layer)] = {
        type: "raster",
        tiles: [layer.url],
        tileSize: layer.tile_size ?? 256,
        minzoom: from,
        maxzoom: layer.maxzoom,
        attribution: layer.attribution || "",
      };
      layers.push({
        id: sourceId(layer),
        type: "raster",
        source: sourceId(layer),
        minzoom: from,
        layout: { visibility: this.visible(layer) ? "visible" : "none" },
        paint: layer.kind === "overlay" ? { "raster-opacity": 0.85 } : {},
      });
    }
  }

  apply(map) {
    for (const layer of this.layers) {
      if (map.getLayer(sourceId(layer))) {
        map.setLayoutProperty(sourceId(layer), "visibility", this.visible(layer) ? "visible" : "none");
      }
    }
  }

  // The "Fond de carte" radios and the overlays' checkboxes; onChange after
  // each choice.
  renderSwitcher(container, onChange) {
    container.replaceChildren();
    container.hidden = !this.any;
    if (!this.any) return;
    container.append(element("legend", { text: "Fond de carte" }));
    const choices = [...this.bases.map((l) => [l.id, l.label]), [NONE, "Aucun (limites seulement)"]];
    for (const [id, label] of choices) {
      const input = choice("radio", "basemap", id, this.base === id);
      input.addEventListener("change", () => {
        this.base = id;
        this.retry(id);
        onChange();
      });
      container.append(labelled(input, label));
    }
    for (const layer of this.overlays) {
      const input = choice("checkbox", "overlay", layer.id, this.shown.has(layer.id));
      input.addEventListener("change", () => {
        if (input.checked) this.shown.add(layer.id);
        else this.shown.delete(layer.id);
        this.retry(layer.id);
        onChange();
      });
      const from = layer.shown_from_zoom ? ` (à partir du zoom ${layer.shown_from_zoom})` : "";
      container.append(labelled(input, `${layer.label}${from}`));
    }
  }

  // A layer chosen again is tried again.
  retry(id) {
    const layer = this.layers.find((l) => l.id === id);
    if (layer) this.unavailable.delete(sourceId(layer));
    if (this.reachable === false) this.reachable = null;
  }

  // Asks the service for one tile of the first layer chosen before drawing
  // any: unreachable (offline, a blocked origin, the service down), the page
  // keeps Terrier's own boundaries, says so once, and sends no more requests
  // there than this one. Then draws what is chosen.
  async probe(map, notice) {
    const layer = this.layers.find((l) => this.chosen(l));
    if (!layer || this.reachable !== null) {
      this.apply(map);
      return;
    }
    const z = Math.max(layer.minzoom, Math.min(layer.maxzoom, layer.shown_from_zoom || 6));
    const { col, row } = tileOf({ lng: 2.8, lat: 50.4 }, z);
    const url = layer.url.replace("{z}", String(z)).replace("{x}", String(col)).replace("{y}", String(row));
    try {
      const response = await fetch(url, { credentials: "omit", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      this.reachable = response.ok || response.status === 404;
    } catch {
      this.reachable = false;
    }
    if (!this.reachable) this.say(notice);
    this.apply(map);
  }

  say(notice) {
    if (this.noticeShown) return;
    this.noticeShown = true;
    notice.textContent =
      "Fond de carte indisponible : la carte reste utilisable avec les limites des départements et des communes.";
    notice.hidden = false;
  }

  // Tile errors of the base layers are handled here, never logged: a source
  // that fails before drawing a single tile is hidden (Terrier's own
  // boundaries show through) and the notice says so, once. Other errors go to
  // the console as MapLibre would have sent them.
  watch(map, notice) {
    this.notice = notice;
    const ids = new Set(this.layers.map(sourceId));
    map.on("sourcedata", (e) => {
      if (ids.has(e.sourceId) && e.tile && e.tile.state === "loaded") this.loaded.add(e.sourceId);
    });
    map.on("error", (e) => {
      if (!ids.has(e.sourceId)) {
        console.error(e.error ?? e);
        return;
      }
      if (this.loaded.has(e.sourceId) || this.unavailable.has(e.sourceId)) return;
      this.unavailable.add(e.sourceId);
      if (map.getLayer(e.sourceId)) map.setLayoutProperty(e.sourceId, "visibility", "none");
      this.say(notice);
    });
  }

  // The overlay that can say what lies under a point, when it is drawn there.
  queryable(zoom) {
    return this.overlays.find((l) => l.feature_info_url && this.visible(l) && zoom >= (l.shown_from_zoom ?? 0)) ?? null;
  }

  // The cadastral parcel at lngLat through WMTS GetFeatureInfo on the tile
  // the map draws there: {reference, commune, idu, surface} or null when the
  // service knows none; throws when it cannot answer.
  async parcelAt(lngLat, zoom, { signal } = {}) {
    const layer = this.queryable(zoom);
    if (!layer) return null;
    const url = featureInfoUrl(layer, lngLat, zoom);
    const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const response = await fetch(url, {
      credentials: "omit",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok) throw new Error(`le service a répondu ${response.status}`);
    const body = await response.json();
    const feature = body?.features?.[0];
    return feature ? describeParcel(feature.properties ?? {}) : null;
  }
}

// The WMTS tile and pixel under lngLat at the tile matrix MapLibre draws
// (256-pixel tiles: one level above the map's zoom), within the layer's
// matrices.
export function featureInfoUrl(layer, lngLat, zoom) {
  const z = Math.min(layer.maxzoom, Math.max(layer.minzoom, Math.round(zoom + 1)));
  const { col, row, i, j } = tileOf(lngLat, z);
  return layer.feature_info_url
    .replace("{z}", String(z))
    .replace("{x}", String(col))
    .replace("{y}", String(row))
    .replace("{i}", String(i))
    .replace("{j}", String(j));
}

// The Web Mercator tile (WMTS "PM" matrix z) and the pixel in it under
// lngLat.
function tileOf(lngLat, z) {
  const size = 256 * 2 ** z;
  const lat = (Math.max(-85.0511, Math.min(85.0511, lngLat.lat)) * Math.PI) / 180;
  const x = ((lngLat.lng + 180) / 360) * size;
  const y = ((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * size;
  const col = Math.floor(x / 256);
  const row = Math.floor(y / 256);
  return { col, row, i: Math.floor(x - col * 256), j: Math.floor(y - row * 256) };
}

// Parcellaire Express's attributes: section, numero, idu (the national
// identifier), nom_com, code_insee (or code_dep + code_com), contenance.
function describeParcel(p) {
  const insee = p.code_insee ?? (p.code_dep && p.code_com ? `${p.code_dep}${p.code_com}` : null);
  const parts = [];
  if (p.section) parts.push(`section ${p.section}`);
  if (p.numero) parts.push(`n° ${p.numero}`);
  if (!parts.length && !p.idu) return null;
  return {
    reference: parts.join(" ") || p.idu,
    idu: p.idu ?? null,
    commune: p.nom_com ? `${p.nom_com}${insee ? ` (${insee})` : ""}` : insee,
    surface:
      Number.isFinite(Number(p.contenance)) && p.contenance !== null && p.contenance !== ""
        ? `${area.format(Number(p.contenance))} m²`
        : null,
  };
}

function choice(type, name, value, checked) {
  return element("input", { type, name, value, checked });
}

function labelled(input, text) {
  return element("label", {}, input, ` ${text}`);
}
