// Address suggestions for a form's "Adresse" input, from the geocoder
// /api/map-config names (IGN's Géoplateforme by default: GET
// {geocoder}/search?q=…&autocomplete=1&limit=5, a GeoJSON answer). The
// request carries no credentials: only the typed text leaves for the
// geocoder. Without a geocoder, or when it fails, the input stays a plain
// text field. The list follows WAI-ARIA's combobox pattern like the
// communes' (forms-location.js).

import { element } from "./dom.js";
import { mapConfig } from "./catalogue.js";

const DELAY_MS = 300;

// The geocoder's suggestions for `q`: [{label, name, city, citycode, score, lngLat}].
async function suggestions(base, q, signal) {
  const url = `${base}/search?q=${encodeURIComponent(q)}&autocomplete=1&limit=5`;
  const r = await fetch(url, { signal, credentials: "omit", referrerPolicy: "no-referrer" });
  if (!r.ok) throw new Error(`géocodeur : ${r.status}`);
  const answer = await r.json();
  return (answer.features ?? [])
    .filter((f) => f.geometry?.type === "Point")
    .map((f) => ({
      label: f.properties.label,
      name: f.properties.name ?? f.properties.label,
      city: f.properties.city ?? "",
      citycode: f.properties.citycode ?? "",
      score: f.properties.score,
      lngLat: f.geometry.coordinates,
    }));
}

// Makes `input` suggest addresses; `onChoose(address)` when one is chosen.
// Returns false when no geocoder is configured.
export function suggestAddresses(input, onChoose) {
  const base = mapConfig().geocoder;
  if (!base || !input) return false;
  const listId = `${input.id}-addresses`;
  const list = element("ul", {
    id: listId,
    class: "search-results address-suggestions",
    role: "listbox",
    "aria-label": "Adresses suggérées",
    hidden: true,
  });
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");
  let found = [];
  let active = -1;
  let timer;
  let request;

  const optionId = (i) => `${listId}-${i}`;
  const setActive = (i) => {
    active = i;
    list.querySelectorAll("[role=option]").forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (i >= 0) input.setAttribute("aria-activedescendant", optionId(i));
    else input.removeAttribute("aria-activedescendant");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };
  const choose = (a) => {
    input.value = a.name;
    close();
    onChoose(a);
  };
  const render = () => {
    list.replaceChildren(
      ...found.map((a, i) => {
        const li = element("li", { id: optionId(i), role: "option", "aria-selected": "false" }, a.label);
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          choose(a);
        });
        return li;
      }),
    );
    setActive(-1);
    list.hidden = found.length === 0 || document.activeElement !== input;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  const lookUp = async () => {
    const q = input.value.trim();
    request?.abort();
    // The geocoder wants at least three characters.
    if (q.length < 3) {
      found = [];
      render();
      return;
    }
    const controller = (request = new AbortController());
    // The state of the last lookup, for tests and styles: pending, done, failed.
    input.dataset.lookup = "pending";
    try {
      const answer = await suggestions(base, q, controller.signal);
      if (request !== controller) return;
      found = answer;
      input.dataset.lookup = "done";
    } catch (e) {
      if (e.name === "AbortError") return;
      // Typing goes on as in a plain field.
      console.warn("adresses :", e.message);
      found = [];
      input.dataset.lookup = "failed";
    }
    render();
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, DELAY_MS);
  });
  input.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || list.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = found.length;
      const down = e.key === "ArrowDown";
      setActive(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(found[active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return true;
}
