// The map and the side panel the page's modules share, given once by app.js
// at start-up (setView) and read-only elsewhere (ES modules' live bindings:
// `import * as view from "./context.js"`, then view.map, view.panel), and
// small helpers.

export const EMPTY = { type: "FeatureCollection", features: [] };
export const COUNT = new Intl.NumberFormat("fr-FR");

export let map = null; // the MapLibre map
export let panel = null; // Panel (panel.js)

export function setView(view) {
  ({ map, panel } = view);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function setData(source, data) {
  map.getSource(source)?.setData(data);
}
