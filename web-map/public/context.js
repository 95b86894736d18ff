// What the page's modules share: the state, the server's configuration, the
// map and the side panel, set once by app.js at start-up, and small helpers.

export const $ = (id) => document.getElementById(id);
export const EMPTY = { type: "FeatureCollection", features: [] };
export const COUNT = new Intl.NumberFormat("fr-FR");

export const ctx = {
  state: null,   // State (state.js)
  config: { vocabularies: {}, basemap: null },  // /api/map-config
  map: null,     // the MapLibre map
  panel: null,   // Panel (panel.js)
};

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function setData(source, data) {
  ctx.map.getSource(source)?.setData(data);
}

// A DOM element with its text and class.
export function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}
