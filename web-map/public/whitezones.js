// White zones: a circle's communes farther than a distance from every
// tiers-lieu of the network (GET /api/territories/{slug}/white-zones), drawn
// on the map and listed by population, largest first, with the needs and
// available opportunities inside each; downloadable like the exports. The
// layer is the page's own (not the style's): it is added again after every
// change of style.

import * as api from "./api.js";
import { $, element } from "./dom.js";
import * as view from "./context.js";
import { download } from "./exports.js";
import { bboxOf } from "./geometry.js";
import { fieldLabel, firstValue, valueLabel } from "./catalogue.js";

const SOURCE = "white-zones";
const LAYERS = [
  {
    id: "white-zones-fill",
    type: "fill",
    source: SOURCE,
    paint: { "fill-color": "#d94801", "fill-opacity": 0.28 },
  },
  {
    id: "white-zones-line",
    type: "line",
    source: SOURCE,
    paint: { "line-color": "#a63603", "line-width": 1.2 },
  },
];
const number = new Intl.NumberFormat("fr-FR");
const km = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

let shown = null; // the FeatureCollection on the map, or null

function addLayers() {
  const map = view.map;
  if (!shown || map.getSource(SOURCE)) return;
  map.addSource(SOURCE, { type: "geojson", data: shown });
  for (const layer of LAYERS) map.addLayer(layer, map.getLayer("places-points") ? "places-points" : undefined);
}

function clear() {
  shown = null;
  const map = view.map;
  for (const layer of LAYERS) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
  if (map.getSource(SOURCE)) map.removeSource(SOURCE);
  $("white-zones-result").replaceChildren();
  $("white-zones-clear").hidden = true;
  $("white-zones-downloads").hidden = true;
}

function query() {
  const distance = $("white-zones-distance").value.trim() || "10";
  return `distance_km=${encodeURIComponent(distance)}`;
}

function path(slug, format) {
  return `/api/territories/${encodeURIComponent(slug)}/white-zones?${query()}${format ? `&format=${format}` : ""}`;
}

// "Besoins : A ; B", or nothing when there are none.
function inside(label, list, key) {
  return list.length
    ? element("span", { class: "white-zone-inside", text: `${label} : ${list.map((x) => x[key]).join(" ; ")}` })
    : null;
}

// Narrow as the sidebar: the commune (a button that frames it), its
// inhabitants and its distance; what lies inside under its name.
function table(zones) {
  const head = element(
    "tr",
    {},
    ...[fieldLabel("opportunity", "commune", { unit: false }), "Habitants", "Distance"].map((t) =>
      element("th", { scope: "col", text: t }),
    ),
  );
  const rows = zones.features.map((f) => {
    const p = f.properties;
    const name = element("button", { type: "button", class: "link", text: p.name });
    name.addEventListener("click", () =>
      view.map.fitBounds(bboxOf(f.geometry), { padding: 40, maxZoom: 12, duration: 0 }),
    );
    const distance = p.nearest_place ? `${km.format(p.distance_km)} km` : "—";
    return element(
      "tr",
      {},
      element(
        "th",
        { scope: "row" },
        name,
        inside("Besoins", p.needs, "collective_name"),
        // Titles can be many (a town's friches): their number, the titles in
        // the files; the status as the catalogue names it.
        p.opportunities.length
          ? element("span", {
              class: "white-zone-inside",
              text: `${p.opportunities.length} opportunité${p.opportunities.length > 1 ? "s" : ""} (${valueLabel(firstValue("opportunity_statuses"))})`,
            })
          : null,
      ),
      element("td", { class: "number", text: p.population === null ? "—" : number.format(p.population) }),
      element("td", {
        class: "number",
        text: distance,
        title: p.nearest_place ? `de ${p.nearest_place}` : "aucun tiers-lieu situé",
      }),
    );
  });
  return element(
    "table",
    { class: "list white-zones-table" },
    element("caption", { class: "visually-hidden", text: "Zones blanches, par population" }),
    element("thead", {}, head),
    element("tbody", {}, ...rows),
  );
}

async function show() {
  const slug = $("white-zones-territory").value;
  const status = $("white-zones-status");
  if (!slug) {
    status.textContent = "Choisissez un cercle.";
    return;
  }
  status.textContent = "Calcul des zones blanches…";
  try {
    const zones = await api.getJson(path(slug));
    clear();
    shown = zones;
    addLayers();
    const n = zones.features.length;
    const population = zones.features.reduce((s, f) => s + (f.properties.population ?? 0), 0);
    status.textContent = n
      ? `${n} commune${n > 1 ? "s" : ""} à plus de ${km.format(zones.distance_km)} km d'un tiers-lieu (${number.format(population)} habitants).`
      : `Aucune commune à plus de ${km.format(zones.distance_km)} km d'un tiers-lieu.`;
    if (n) $("white-zones-result").replaceChildren(table(zones));
    $("white-zones-clear").hidden = false;
    $("white-zones-downloads").hidden = n === 0;
    if (n) {
      // bboxOf walks any depth of coordinates: every commune's at once.
      const all = { coordinates: zones.features.map((f) => f.geometry.coordinates) };
      view.map.fitBounds(bboxOf(all), { padding: 40, maxZoom: 11, duration: 0 });
    }
  } catch (e) {
    status.textContent = `Zones blanches indisponibles : ${e.message}`;
  }
}

export function wireWhiteZones() {
  $("white-zones-form").addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  $("white-zones-clear").addEventListener("click", () => {
    clear();
    $("white-zones-status").textContent = "";
  });
  for (const b of document.querySelectorAll("#white-zones-downloads button")) {
    b.addEventListener("click", () => {
      const slug = $("white-zones-territory").value;
      download(path(slug, b.dataset.format), `zones-blanches-${slug}.${b.dataset.format}`, $("white-zones-status"));
    });
  }
  // A new style (a change of colours or of person) drops the page's own
  // layers: put them back.
  view.map.on("styledata", addLayers);
}
