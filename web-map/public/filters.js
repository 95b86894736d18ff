// The sidebar: the filters' form (kept in the URL), the circle lists, the
// layer switcher, the colour choice and the phone's drawer.

import * as api from "./api.js";
import { $, element } from "./dom.js";
import * as view from "./context.js";
import { debounce } from "./context.js";
import { applyFilters, applyLayers } from "./layers.js";
import { LIST_FILTERS, NUMBER_FILTERS, state } from "./state.js";
import { mapConfig, valueLabel } from "./catalogue.js";
import { buildStyle, renderLegend } from "./style.js";

function checkboxes(fieldsetId, name, values, selected) {
  const fs = $(fieldsetId);
  fs.querySelectorAll("label").forEach((l) => l.remove());
  for (const value of values) {
    const input = element("input", { type: "checkbox", name, value, checked: selected.includes(value) });
    fs.append(element("label", {}, input, ` ${valueLabel(value)}`));
  }
}

export function fillFilterForm() {
  const config = mapConfig();
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
  state.setFilters(filters);
}

// Every select listing the circles (class "circle-select"), sorted by name;
// the filter keeps a territory typed in the URL that is not a circle.
export function fillCircleSelects() {
  const circles = [...state.circles.features].sort((a, b) => a.properties.name.localeCompare(b.properties.name, "fr"));
  for (const select of document.querySelectorAll("select.circle-select")) {
    const keep = [...select.options].filter(
      (o) =>
        o.dataset.keep !== undefined ||
        (select.id === "territory-select" && o.value !== "" && !circles.some((c) => c.properties.slug === o.value)),
    );
    const value = select.value;
    select.replaceChildren(...keep);
    const group = element("optgroup", { label: "Cercles" });
    for (const c of circles) group.append(new Option(c.properties.name, c.properties.slug));
    select.append(group);
    if ([...select.options].some((o) => o.value === value)) select.value = value;
  }
}

export function wireFilters() {
  const form = $("filters");
  const onChange = debounce(() => {
    readFilterForm();
    applyFilters();
  }, 250);
  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  form.addEventListener("reset", () =>
    setTimeout(() => {
      state.setFilters({});
      fillFilterForm();
      applyFilters();
    }),
  );
  form.addEventListener("submit", (e) => e.preventDefault());

  for (const input of document.querySelectorAll('#layer-switcher input[name="layer"]')) {
    input.checked = state.layers.has(input.value);
    input.addEventListener("change", () => {
      state.showLayer(input.value, input.checked);
      applyLayers();
    });
  }
  for (const input of document.querySelectorAll('input[name="color"]')) {
    input.checked = input.value === state.colorBy;
    input.addEventListener("change", () => {
      state.setColorBy(input.value);
      view.map.setStyle(buildStyle(state));
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
}
