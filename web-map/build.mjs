// Copies MapLibre GL JS, Terra Draw (polygon drawing) and Chart.js (the
// dashboard's charts) from node_modules
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
// Chart.js's ES module imports its helpers' chunk by a relative path and the
// bare name "@kurkle/color" (its colours): both rewritten to files beside it.
const chartDist = join(modules, "chart.js", "dist");
const colorFile = join(modules, "@kurkle", "color", "dist", "color.esm.js");
const rewritten = (text, from, to) => {
  const out = text.replaceAll(from, to);
  if (out === text) throw new Error(`build.mjs: ${from} not found in a Chart.js file`);
  return out;
};
writeFileSync(
  join(vendor, "chart.js"),
  rewritten(
    rewritten(
      unmapped(readFileSync(join(chartDist, "chart.js"), "utf8")),
      "'./chunks/helpers.dataset.js'",
      "'./chart-helpers.js'",
    ),
    "import '@kurkle/color';",
    "import './kurkle-color.js';",
  ),
);
writeFileSync(
  join(vendor, "chart-helpers.js"),
  rewritten(
    unmapped(readFileSync(join(chartDist, "chunks", "helpers.dataset.js"), "utf8")),
    "'@kurkle/color'",
    "'./kurkle-color.js'",
  ),
);
writeFileSync(join(vendor, "kurkle-color.js"), unmapped(readFileSync(colorFile, "utf8")));
copyFileSync(join(modules, "chart.js", "LICENSE.md"), join(vendor, "CHARTJS-LICENSE.md"));
const version = JSON.parse(readFileSync(join(here, "node_modules", "maplibre-gl", "package.json"), "utf8")).version;
const drawVersion = JSON.parse(readFileSync(join(modules, "terra-draw", "package.json"), "utf8")).version;
const chartVersion = JSON.parse(readFileSync(join(modules, "chart.js", "package.json"), "utf8")).version;
console.log(
  `web-map: MapLibre GL JS ${version}, Terra Draw ${drawVersion} and Chart.js ${chartVersion} copied to public/vendor/`,
);
