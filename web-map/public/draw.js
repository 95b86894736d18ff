// Drawing a need's search area on the map: a polygon, with Terra Draw and its
// MapLibre adapter (npm packages copied into vendor/ by build.mjs). Click to
// add corners, click the first corner (or double-click) to close it.
//
// Terra Draw (275 KB) is loaded at the first drawing, not with the page: most
// visits draw nothing, and every module the page imports is fetched and
// parsed before the map can start.

let terraDraw = null;

function loadTerraDraw() {
  terraDraw ??= Promise.all([
    import("./vendor/terra-draw.module.js"),
    import("./vendor/terra-draw-maplibre-gl-adapter.module.js"),
  ]).then(([core, adapter]) => ({ ...core, ...adapter }));
  return terraDraw;
}

export class PolygonDrawer {
  constructor(map) {
    this.map = map;
    this.draw = null;
    // Moved on by every start and stop: a start whose modules arrive after
    // a later stop (or start) gives up.
    this.ticket = 0;
  }

  get active() {
    return this.draw !== null;
  }

  // Starts a drawing; onDone(geometry) receives the closed polygon. Resolves
  // once the map accepts clicks for it.
  async start(onDone) {
    this.stop();
    const ticket = this.ticket;
    const { TerraDraw, TerraDrawPolygonMode, TerraDrawMapLibreGLAdapter } = await loadTerraDraw();
    if (ticket !== this.ticket) return;
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, prefixId: "terrier-draw" }),
      modes: [
        new TerraDrawPolygonMode({
          styles: { fillColor: "#0b5c7a", fillOpacity: 0.2, outlineColor: "#0b5c7a", outlineWidth: 2 },
        }),
      ],
    });
    draw.start();
    draw.setMode("polygon");
    draw.on("finish", (id) => {
      const feature = draw.getSnapshotFeature(id);
      if (feature?.geometry?.type === "Polygon") onDone(roundPolygon(feature.geometry));
    });
    this.draw = draw;
  }

  // Stops drawing and removes what was drawn (the form shows the result).
  stop() {
    this.ticket += 1;
    if (!this.draw) return;
    try {
      this.draw.stop();
    } catch {
      // the map's style was replaced meanwhile: its layers are gone already
    }
    this.draw = null;
  }
}

// 6 decimals, as the server stores and serves coordinates (about 10 cm).
function roundPolygon(geometry) {
  const round = (v) => Math.round(v * 1e6) / 1e6;
  return {
    type: "Polygon",
    coordinates: geometry.coordinates.map((ring) => ring.map(([x, y]) => [round(x), round(y)])),
  };
}
