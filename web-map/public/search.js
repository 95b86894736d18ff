// The search box: communes and places by name (keyboard: ↓ ↑ Entrée), and a
// flight to the one chosen.

import * as api from "./api.js";
import { $, element } from "./dom.js";
import { debounce } from "./context.js";
import * as view from "./context.js";
import { bboxOf } from "./geometry.js";

export function wireSearch() {
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
    const { map } = view;
    if (item.geometry.type === "Point") map.flyTo({ center: item.geometry.coordinates, zoom: 14 });
    else map.fitBounds(bboxOf(item.geometry), { padding: 40, maxZoom: 14 });
  };
  const render = () => {
    results.replaceChildren(
      ...items.map((item, i) => {
        const li = element(
          "li",
          { id: `search-result-${i}`, role: "option", "aria-selected": String(i === active) },
          item.label ?? "",
          element("span", { class: "kind", text: item.kind ? ` — ${item.kind}` : "" }),
        );
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          choose(item);
        });
        return li;
      }),
    );
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
        ...places.features.map((f) => ({
          label: f.properties.name || "Lieu",
          kind: f.properties.kind,
          geometry: f.geometry,
        })),
        ...communes.features.map((f) => ({
          label: f.properties.name,
          kind: `commune (${f.properties.code})`,
          geometry: f.geometry,
        })),
      ];
      active = -1;
      render();
    } catch (e) {
      if (e.name !== "AbortError") console.warn("recherche :", e.message);
    }
  }, 200);
  input.addEventListener("input", search);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && items.length) {
      active = (active + 1) % items.length;
      render();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && items.length) {
      active = (active - 1 + items.length) % items.length;
      render();
      e.preventDefault();
    } else if (e.key === "Enter" && items.length) {
      choose(items[Math.max(active, 0)]);
      e.preventDefault();
    } else if (e.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}
