// Copies MapLibre GL JS and Terra Draw (polygon drawing) from node_modules
// into public/vendor/, which `terrier serve` serves with the page: nothing is
// loaded from a CDN.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "node_modules", "maplibre-gl", "dist");
const vendor = join(here, "public", "vendor");
mkdirSync(vendor, { recursive: true });
for (const f of ["maplibre-gl.mjs", "maplibre-gl-shared.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css"]) {
  // The source-map comments would make a browser with devtools ask for maps
  // we do not ship.
  const text = readFileSync(join(dist, f), "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
  writeFileSync(join(vendor, f), text);
}
copyFileSync(join(here, "node_modules", "maplibre-gl", "LICENSE.txt"), join(vendor, "MAPLIBRE-LICENSE.txt"));
// Terra Draw and its MapLibre adapter are ES modules; the adapter imports the
// bare name "terra-draw", which a browser resolves only through an import map
// (an inline script, which the page's CSP forbids): point it at the file.
const modules = join(here, "node_modules");
const terraDraw = join(modules, "terra-draw", "dist", "terra-draw.module.js");
const adapter = join(modules, "terra-draw-maplibre-gl-adapter", "dist", "terra-draw-maplibre-gl-adapter.module.js");
const unmapped = (text) => text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
writeFileSync(join(vendor, "terra-draw.module.js"), unmapped(readFileSync(terraDraw, "utf8")));
const adapterText = unmapped(readFileSync(adapter, "utf8")).replaceAll(
  /from\s*"terra-draw"/g,
  'from"./terra-draw.module.js"',
);
if (adapterText.includes('"terra-draw"'))
  throw new Error("the Terra Draw adapter imports terra-draw in a way build.mjs does not rewrite");
writeFileSync(join(vendor, "terra-draw-maplibre-gl-adapter.module.js"), adapterText);
const version = JSON.parse(readFileSync(join(here, "node_modules", "maplibre-gl", "package.json"), "utf8")).version;
const drawVersion = JSON.parse(readFileSync(join(modules, "terra-draw", "package.json"), "utf8")).version;
console.log(`web-map: MapLibre GL JS ${version} and Terra Draw ${drawVersion} copied to public/vendor/`);
