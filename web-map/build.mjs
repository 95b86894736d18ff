// Copies MapLibre GL JS from node_modules into public/vendor/, which
// `terrier serve` serves with the page: nothing is loaded from a CDN.
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
const version = JSON.parse(readFileSync(join(here, "node_modules", "maplibre-gl", "package.json"), "utf8")).version;
console.log(`web-map: MapLibre GL JS ${version} copied to public/vendor/`);
