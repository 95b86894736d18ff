// Where a form's row lies. LocationPicker: an opportunity's point, from a click
// on the map, a commune chosen in "Commune", an address chosen in "Adresse"
// (geocoder.js), or the dragged marker.
// AreaPicker: a need's search area, a circle, a commune, a radius around a
// clicked point, or a polygon drawn with Terra Draw (draw.js).

import * as api from "./api.js";
import { element } from "./dom.js";
import { fieldLabel, firstValue } from "./catalogue.js";
import { PolygonDrawer } from "./draw.js";
import { suggestAddresses } from "./geocoder.js";

const round6 = (v) => Math.round(v * 1e6) / 1e6;

// The centre of a geometry's bounding box: where the marker of a commune
// stands until the server's own point comes back.
function centreOf(geometry) {
  if (!geometry) return null;
  if (geometry.type === "Point") return geometry.coordinates;
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

// Communes of the region whose name starts like `q`, for the "Commune"
// suggestions: [{name, code, slug, geometry}].
async function communes(q, signal) {
  const page = await api.getJson(api.itemsPath("territories", { level: "commune", q, limit: 8 }), { signal });
  return page.features.map((f) => ({
    name: f.properties.name,
    code: f.properties.code,
    slug: f.properties.slug,
    geometry: f.geometry,
  }));
}

// A name as people type it: no case, no accents, one kind of dash and space.
const fold = (v) =>
  String(v ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLocaleLowerCase("fr")
    .replace(/[-'’\s]+/g, " ")
    .trim();

// The "Commune" input with its list of the region's communes, following
// WAI-ARIA's combobox pattern (list autocomplete): typing lists the
// communes, ArrowDown and ArrowUp move the active option, Enter chooses it
// (or the commune whose name was typed exactly), Escape closes the list.
function communeInput(id, label, onChoose) {
  const listId = `${id}-list`;
  const labelId = `${id}-label`;
  const input = element("input", {
    id,
    type: "text",
    autocomplete: "off",
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": listId,
    placeholder: "Nom de la commune…",
  });
  // Named apart from the input, so "Commune" names only the input.
  const list = element("ul", {
    id: listId,
    class: "search-results commune-suggestions",
    role: "listbox",
    "aria-label": `${label} : suggestions`,
    hidden: true,
  });
  let found = []; // the communes listed for `searched`
  let searched = null; // the text they were found for
  let active = -1;
  let request;
  let timer;
  let search = null; // the search under way: a promise

  const optionId = (i) => `${id}-option-${i}`;
  const setActive = (i) => {
    active = i;
    list.querySelectorAll("[role=option]").forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", optionId(i));
      document.getElementById(optionId(i))?.scrollIntoView?.({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };
  const open = () => {
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  const choose = (c) => {
    input.value = c.name;
    searched = input.value.trim();
    close();
    onChoose(c);
  };
  const render = () => {
    list.replaceChildren(
      ...found.map((c, i) => {
        const li = element(
          "li",
          { id: optionId(i), role: "option", "aria-selected": "false", dataset: { code: c.code } },
          c.name,
          element("span", { class: "kind", text: ` — ${c.code}` }),
        );
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          choose(c);
        });
        return li;
      }),
    );
    active = -1;
    input.removeAttribute("aria-activedescendant");
  };
  // The communes for what the input says now; the same promise while asked.
  const lookUp = () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q === searched && !search) return Promise.resolve(found);
    if (search && search.q === q) return search;
    request?.abort();
    if (q.length < 2) {
      found = [];
      searched = q;
      search = null;
      render();
      close();
      return Promise.resolve(found);
    }
    const controller = (request = new AbortController());
    const asked = communes(q, controller.signal).then(
      (communes) => {
        if (request !== controller) return found;
        found = communes;
        searched = q;
        search = null;
        render();
        if (document.activeElement === input) open();
        return found;
      },
      (e) => {
        if (request === controller) search = null;
        if (e.name !== "AbortError") console.warn("communes :", e.message);
        return [];
      },
    );
    asked.q = q;
    search = asked;
    return asked;
  };
  const exact = () => found.find((c) => fold(c.name) === fold(input.value)) ?? null;

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 200);
  });
  input.addEventListener("keydown", async (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const down = e.key === "ArrowDown";
      await lookUp();
      if (!found.length) return;
      open();
      const n = found.length;
      setActive(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
    } else if (e.key === "Enter") {
      // Enter chooses here; it never sends the form from this field.
      e.preventDefault();
      if (!list.hidden && active >= 0 && input.value.trim() === searched) return choose(found[active]);
      await lookUp();
      const c = active >= 0 ? found[active] : exact();
      if (c) choose(c);
      else open();
    } else if (e.key === "Escape") {
      if (!list.hidden) {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    }
    return undefined;
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  const wrap = element(
    "div",
    { class: "commune-input" },
    element("label", { for: id, id: labelId, text: label }),
    input,
    list,
  );
  return { wrap, input };
}

export class LocationPicker {
  constructor(context, feature) {
    this.context = context;
    this.errorKey = "commune";
    this.missing = "Cliquez sur la carte, choisissez une commune ou déplacez le marqueur.";
    this.mode = null; // "point" | "commune" | "address" | null (unchanged)
    this.lngLat = feature?.geometry?.type === "Point" ? feature.geometry.coordinates : null;
    this.commune = null;
    const { wrap, input } = communeInput("form-commune", fieldLabel("opportunity", "commune"), (c) =>
      this.chooseCommune(c),
    );
    this.input = input;
    if (feature?.properties?.commune_insee) input.value = feature.properties.commune_insee;
    this.where = element("p", {
      class: "hint location-status",
      "aria-live": "polite",
      text: this.lngLat
        ? "Emplacement enregistré ; cliquez sur la carte ou déplacez le marqueur pour le changer."
        : "Cliquez sur la carte pour placer le bien, ou choisissez une commune.",
    });
    this.block = element(
      "div",
      { class: "form-field", dataset: { field: "commune" } },
      wrap,
      this.where,
      element("p", { class: "field-error", role: "alert", dataset: { errorFor: "commune" } }),
    );
    this.onClick = (e) => this.place([e.lngLat.lng, e.lngLat.lat], "point");
  }

  attach() {
    const { map, maplibregl } = this.context;
    this.marker = new maplibregl.Marker({ draggable: true, color: "#b45c00" });
    this.marker.getElement().classList.add("editor-marker");
    this.marker.on("dragend", () => {
      const p = this.marker.getLngLat();
      this.place([p.lng, p.lat], "point");
    });
    if (this.lngLat) this.marker.setLngLat(this.lngLat).addTo(map);
    map.on("click", this.onClick);
  }

  place(lngLat, mode) {
    this.lngLat = [round6(lngLat[0]), round6(lngLat[1])];
    this.mode = mode;
    this.marker.setLngLat(this.lngLat).addTo(this.context.map);
    if (mode === "point") {
      this.commune = null;
      this.where.textContent = `Point placé sur la carte : ${this.lngLat[1].toFixed(5)} N, ${this.lngLat[0].toFixed(5)} E.`;
    }
  }

  // The form's "Adresse" input suggests addresses; one chosen places the
  // point at it.
  watchAddress(input) {
    suggestAddresses(input, (a) => this.chooseAddress(a));
  }

  chooseAddress(a) {
    this.place(a.lngLat, "address");
    this.commune = null;
    if (a.city) this.input.value = a.city;
    this.where.textContent = `À l'adresse ${a.label} (précision : adresse).`;
    this.context.map.jumpTo({ center: this.lngLat, zoom: Math.max(this.context.map.getZoom(), 15) });
  }

  chooseCommune(c) {
    this.commune = c;
    this.place(centreOf(c.geometry), "commune");
    this.where.textContent = `Dans la commune de ${c.name} (précision : commune).`;
    this.context.map.fitBounds(boundsOf(c.geometry), { padding: 40, maxZoom: 13, duration: 0 });
  }

  ready() {
    return this.mode !== null;
  }

  body() {
    if (this.mode === "point") {
      return {
        lon: this.lngLat[0],
        lat: this.lngLat[1],
        wkt: null,
        commune_insee: null,
        location_precision: firstValue("location_precisions"),
      };
    }
    if (this.mode === "address") {
      return {
        lon: this.lngLat[0],
        lat: this.lngLat[1],
        wkt: null,
        commune_insee: null,
        location_precision: "adresse",
      };
    }
    if (this.mode === "commune") {
      return { commune_insee: this.commune.code, lon: null, lat: null, wkt: null, location_precision: null };
    }
    return {};
  }

  dispose() {
    this.context.map.off("click", this.onClick);
    this.marker?.remove();
  }
}

function boundsOf(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [
    [b[0], b[1]],
    [b[2], b[3]],
  ];
}

const AREA_MODES = [
  ["circle", "Un cercle du réseau"],
  ["commune", "Une commune"],
  ["point", "Un rayon autour d'un point"],
  ["polygon", "Un polygone dessiné sur la carte"],
];

export class AreaPicker {
  constructor(context, feature) {
    this.context = context;
    this.errorKey = "area";
    this.missing = "Choisissez une zone de recherche.";
    const session = context.session();
    // A role that writes needs only in its circle is offered that circle.
    const ownCircleOnly = session.may?.writes?.need === "circle";
    const circles = context.circles().filter((c) => !ownCircleOnly || c.slug === (session.circle ?? session.territory));
    const p = feature?.properties ?? {};
    const known = (slug) => circles.some((c) => c.slug === slug);
    this.mode = p.territory
      ? known(p.territory) || context.circles().some((c) => c.slug === p.territory)
        ? "circle"
        : "commune"
      : p.radius_m
        ? "point"
        : feature
          ? "polygon"
          : null;
    this.centre = this.mode === "point" ? centreOf(feature.geometry) : null;
    this.polygon = this.mode === "polygon" && /Polygon$/.test(feature.geometry?.type ?? "") ? feature.geometry : null;
    this.commune = this.mode === "commune" ? { slug: p.territory } : null;
    this.changed = false;

    const radios = element("div", { class: "area-modes" });
    for (const [value, label] of AREA_MODES) {
      const input = element("input", { type: "radio", name: "area-mode", value });
      input.checked = value === this.mode;
      input.addEventListener("change", () => this.setMode(value));
      radios.append(element("label", {}, input, ` ${label}`));
    }
    this.circleSelect = element("select", { id: "form-area-circle", "aria-label": fieldLabel("place", "circle") });
    for (const c of circles) this.circleSelect.append(new Option(c.name, c.slug));
    if (this.mode === "circle") this.circleSelect.value = p.territory;
    this.circleSelect.addEventListener("change", () => {
      this.changed = true;
    });
    const { wrap, input } = communeInput("form-area-commune", fieldLabel("opportunity", "commune"), (c) => {
      this.commune = c;
      this.changed = true;
      this.preview(c.geometry);
    });
    if (this.mode === "commune") input.value = p.territory;
    this.radius = element("input", {
      id: "form-radius",
      type: "number",
      min: "0",
      step: "any",
      value: p.radius_m ? p.radius_m / 1000 : 5,
    });
    this.radius.addEventListener("input", () => {
      this.changed = true;
    });
    this.drawButton = element("button", { type: "button", class: "secondary", text: "Dessiner sur la carte" });
    this.drawButton.addEventListener("click", () => this.startDrawing());
    this.where = element("p", { class: "hint area-status", "aria-live": "polite" });
    this.parts = {
      circle: element(
        "label",
        { class: "block", for: "form-area-circle" },
        fieldLabel("place", "circle"),
        this.circleSelect,
      ),
      commune: wrap,
      point: element(
        "div",
        {},
        element("label", { class: "block", for: "form-radius" }, fieldLabel("need", "radius_km"), this.radius),
      ),
      polygon: element("div", {}, this.drawButton),
    };
    const fieldset = element(
      "fieldset",
      { class: "choices" },
      element("legend", { text: fieldLabel("need", "territory") }),
      radios,
      ...Object.values(this.parts),
      this.where,
    );
    this.block = element(
      "div",
      { class: "form-field", dataset: { field: "area" } },
      fieldset,
      element("p", { class: "field-error", role: "alert", dataset: { errorFor: "area" } }),
    );
    this.drawer = new PolygonDrawer(context.map);
    this.onClick = (e) => {
      if (this.mode !== "point") return;
      this.centre = [round6(e.lngLat.lng), round6(e.lngLat.lat)];
      this.changed = true;
      this.marker.setLngLat(this.centre).addTo(this.context.map);
      this.where.textContent = `Centre placé : ${this.centre[1].toFixed(5)} N, ${this.centre[0].toFixed(5)} E.`;
    };
  }

  attach() {
    const { map, maplibregl } = this.context;
    this.marker = new maplibregl.Marker({ color: "#b45c00" });
    this.marker.getElement().classList.add("editor-marker");
    if (this.centre) this.marker.setLngLat(this.centre).addTo(map);
    if (this.polygon) this.preview(this.polygon);
    map.on("click", this.onClick);
    this.showParts();
  }

  setMode(mode) {
    this.mode = mode;
    this.changed = true;
    if (mode !== "polygon") this.drawer.stop();
    this.showParts();
    this.where.textContent = {
      circle: "Choisissez le cercle.",
      commune: "Tapez le nom de la commune.",
      point: "Cliquez sur la carte pour placer le centre, puis donnez le rayon.",
      polygon: "« Dessiner sur la carte », puis cliquez les sommets ; cliquez le premier pour fermer.",
    }[mode];
  }

  showParts() {
    for (const [mode, part] of Object.entries(this.parts)) part.hidden = mode !== this.mode;
  }

  async startDrawing() {
    this.where.textContent = "Préparation du dessin…";
    await this.drawer.start((geometry) => {
      this.polygon = geometry;
      this.changed = true;
      this.drawer.stop();
      this.preview(geometry);
      this.where.textContent = `Polygone dessiné (${geometry.coordinates[0].length - 1} sommets).`;
    });
    if (this.drawer.active) {
      this.where.textContent = "Cliquez les sommets du polygone ; cliquez le premier pour le fermer.";
    }
  }

  // The chosen area drawn on the map while the form is open.
  preview(geometry) {
    const map = this.context.map;
    const data = { type: "Feature", properties: {}, geometry };
    if (map.getSource("editor-area")) map.getSource("editor-area").setData(data);
    else {
      map.addSource("editor-area", { type: "geojson", data });
      map.addLayer({
        id: "editor-area-line",
        type: "line",
        source: "editor-area",
        paint: { "line-color": "#b45c00", "line-width": 2, "line-dasharray": [2, 1] },
      });
    }
  }

  ready() {
    if (this.mode === "circle") return Boolean(this.circleSelect.value);
    if (this.mode === "commune") return Boolean(this.commune?.slug);
    if (this.mode === "point") return Boolean(this.centre);
    if (this.mode === "polygon") return Boolean(this.polygon);
    return false;
  }

  body() {
    if (!this.changed) return {};
    const none = { territory: null, lat: null, lon: null, radius_km: null, wkt: null };
    const radius = this.radius.value.trim() === "" ? null : Number(this.radius.value);
    switch (this.mode) {
      case "circle":
        return { ...none, territory: this.circleSelect.value || null };
      case "commune":
        return { ...none, territory: this.commune?.slug ?? null };
      case "point":
        return { ...none, lat: this.centre?.[1] ?? null, lon: this.centre?.[0] ?? null, radius_km: radius };
      case "polygon":
        return { ...none, wkt: this.polygon ? polygonWkt(this.polygon) : null };
      default:
        return {};
    }
  }

  dispose() {
    const map = this.context.map;
    this.drawer.stop();
    map.off("click", this.onClick);
    this.marker?.remove();
    if (map.getLayer("editor-area-line")) map.removeLayer("editor-area-line");
    if (map.getSource("editor-area")) map.removeSource("editor-area");
  }
}

function polygonWkt(geometry) {
  const ring = (r) => `(${r.map(([x, y]) => `${x} ${y}`).join(", ")})`;
  const polygon = (p) => `(${p.map(ring).join(", ")})`;
  if (geometry.type === "MultiPolygon") return `MULTIPOLYGON(${geometry.coordinates.map(polygon).join(", ")})`;
  return `POLYGON${polygon(geometry.coordinates)}`;
}
