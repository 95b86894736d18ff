// What the browser tests share: Debian's chromium through playwright-core,
// a page that records every console error, page error, failed request and
// HTTP error, refuses anything outside the server under test (IGN's
// Géoplateforme is answered with drawn tiles, or refused, on request), and
// helpers that wait for the map to settle.
import { join } from "node:path";
import { TOKENS } from "./api.mjs";

const { chromium } = await import(join(process.env.TERRIER_WEB_MODULES, "playwright-core", "index.mjs"));

export const IGN_ORIGIN = "https://data.geopf.fr";

// Flags that keep Chromium off the network and give it WebGL through
// SwiftShader. Every request but the loopback's goes to a proxy that is not
// there (port 9, closed), so a page can reach nothing outside the servers
// under test without intercepting each request: an interception (a route on
// "**/*") pauses every request of the page and disables its cache, about a
// second of CPU per page load. A test sees what was refused through
// `recordOutside`.
// SwiftShader's drawing is most of a test's CPU (perf: its JIT and library
// about 60 % of Chromium's samples during a page load). Compositing the page
// in software and running the GPU thread inside the browser process drop a
// step and a process hop per frame: a page load of the demo at 1400 x 900
// costs 6.5-7.0 s of Chromium's CPU with them against 8.1-10.6 s without, a
// jump to zoom 13 2.9-3.3 s against 4.4-5.3 s (cpuacct of Chromium's
// processes alone, alternated runs).
const CHROMIUM_ARGS = [
  "--proxy-server=http://127.0.0.1:9",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--disable-gpu-compositing",
  "--in-process-gpu",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--no-pings",
];

// Calls `record(url)` for every request of `context` that leaves `base` (the
// proxy above refuses them).
export function recordOutside(context, base, record) {
  context.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith("blob:") && !url.startsWith("data:")) record(url);
  });
}

// A desktop's window, as the tests open it: an HD laptop's screen. Every
// frame is drawn by SwiftShader on the CPU, in proportion to the pixels: at
// 1280 x 720 a test file costs about a third less CPU than at 1400 x 900.
export const DESKTOP = Object.freeze({ width: 1280, height: 720 });

export function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

// Opens `path` on `base`. ign: "tiles" answers IGN's WMTS with tiles drawn by
// `painter` (and GetFeatureInfo with `featureInfo(url)`), "refuse" lets the
// proxy refuse them; either way they are recorded in `ign`. "outside": IGN is
// refused like any other origin, in `outside` and `problems`. `locale`: the
// browser's language; `watch(page)` runs before the page is loaded (a test's
// own listeners).
export async function openPage(
  browser,
  base,
  {
    viewport = DESKTOP,
    path = "/",
    ign = "refuse",
    painter = null,
    featureInfo = null,
    wait = true,
    locale = undefined,
    watch = null,
  } = {},
) {
  // Reduced motion, as a person may ask of their system: the camera jumps
  // instead of animating and labels appear without a fade, so that no frame
  // is drawn for a transition (each frame costs SwiftShader CPU here).
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale, reducedMotion: "reduce" });
  const page = await context.newPage();
  const problems = [];
  const outside = [];
  const ignRequests = [];
  const fromIgn = (url) => ign !== "outside" && url.startsWith(`${IGN_ORIGIN}/`);
  recordOutside(context, base, (url) => {
    if (fromIgn(url)) ignRequests.push(new URL(url));
    else outside.push(url);
  });
  // Only IGN's requests are intercepted, and only when the test answers them.
  if (ign === "tiles")
    await context.route(`${IGN_ORIGIN}/**`, (route) =>
      answerIgn(route, new URL(route.request().url()), painter, featureInfo),
    );
  // Chromium itself notes a refused request in the console ("Failed to load
  // resource"): for IGN's origin those lines are counted apart, in ignLog.
  const ignLog = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (fromIgn(m.location()?.url ?? "")) ignLog.push(m.text());
    else problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    const reason = r.failure()?.errorText ?? "";
    // A request the page itself cancelled (a superseded count or tile) is not
    // a failure; IGN's refused requests are counted apart.
    if (reason.includes("ERR_ABORTED") || fromIgn(r.url())) return;
    problems.push(`request failed: ${r.url()} ${reason}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  if (watch) watch(page);
  await page.goto(`${base}${path}`);
  if (wait) await ready(page);
  return { page, context, problems, outside, ign: ignRequests, ignLog };
}

async function answerIgn(route, url, painter, featureInfo) {
  const q = url.searchParams;
  const headers = { "Access-Control-Allow-Origin": "*" };
  if (q.get("REQUEST") === "GetFeatureInfo") {
    const answer = featureInfo ? await featureInfo(url) : { type: "FeatureCollection", features: [] };
    if (answer === "abort") return route.abort("internetdisconnected");
    return route.fulfill({ status: 200, headers, contentType: "application/json", body: JSON.stringify(answer) });
  }
  if (q.get("REQUEST") !== "GetTile" || !painter) return route.fulfill({ status: 400, headers, body: "" });
  const tile = await painter.tile(
    q.get("LAYER"),
    Number(q.get("TILEMATRIX")),
    Number(q.get("TILECOL")),
    Number(q.get("TILEROW")),
  );
  return route.fulfill({ status: 200, headers, contentType: q.get("FORMAT"), body: tile });
}

export async function ready(page) {
  await page.waitForFunction(() => window.terrier?.ready === true, null, { timeout: 60_000 });
  await idle(page);
}

// Waits until the map has drawn everything it asked for: its tiles, and the
// detail layer's opportunities for the current view (fetched by the page
// itself after a move or a change of person, which the map does not track).
export async function idle(page) {
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const map = window.terrier.map;
        const check = () => {
          if (!map.loaded() || !map.areTilesLoaded() || map.isMoving()) return map.once("idle", check);
          // Once the detail's data is set, the first test above waits for it
          // to be drawn.
          if (document.body.dataset.detail === "pending") return setTimeout(check, 50);
          resolve();
        };
        check();
      }),
  );
}

// Signs in with a token of tests/web/run and waits for the new role's page.
export async function signInWithToken(page, role) {
  await page.click("#sign-in");
  await page.fill("#token-input", TOKENS[role]);
  await page.click("#sign-in-submit");
  await page.waitForFunction(
    (r) => document.querySelector("#role-badge").dataset.role === r && window.terrier?.state?.session?.role === r,
    role,
  );
  await ready(page);
}

export async function jump(page, view) {
  // jumpTo fires moveend at once, which marks the detail layer pending. It
  // returns the map, which Playwright would serialise whole (its tiles'
  // typed arrays as base64, seconds of the page's CPU): nothing is returned.
  await page.evaluate((v) => {
    window.terrier.map.jumpTo(v);
  }, view);
  await idle(page);
}

export function rendered(page, layers) {
  return page.evaluate((ls) => window.terrier.map.queryRenderedFeatures({ layers: ls }).length, layers);
}

// Whether the tiles draw opportunity `id` at `where`: as a point of its own
// (a cell of one carries its id), or counted in the cluster drawn over it.
export function drawnInTiles(page, id, where) {
  return page.evaluate(
    ({ id, where }) => {
      const map = window.terrier.map;
      const p = map.project(where);
      const near = map.queryRenderedFeatures(
        [
          [p.x - 30, p.y - 30],
          [p.x + 30, p.y + 30],
        ],
        { layers: ["opportunities-tiles", "opportunities-clusters"] },
      );
      return near.some((f) => String(f.properties.id ?? f.id) === String(id) || f.properties.count > 1);
    },
    { id, where },
  );
}

// The Web Mercator tile (WMTS "PM" matrix z) and pixel under lon, lat.
export function tileAt(lon, lat, z) {
  const size = 256 * 2 ** z;
  const phi = (lat * Math.PI) / 180;
  const x = ((lon + 180) / 360) * size;
  const y = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * size;
  const col = Math.floor(x / 256);
  const row = Math.floor(y / 256);
  return { z, col, row, i: Math.floor(x - col * 256), j: Math.floor(y - row * 256) };
}

// Polls `condition` (in node, every 20 ms) until it holds; fails after
// `timeout` ms naming `what`.
export async function until(condition, what, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeout} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// A pixel where a click lands on the given feature first, as the page's own
// click handler orders its layers (CLICKABLE in web-map/public/app.js); null
// when none is found on screen.
export function clickablePixel(page, layer, id) {
  return page.evaluate(
    ({ layer, id }) => {
      const map = window.terrier.map;
      const order = [
        "opportunities-detail",
        "opportunities-clusters",
        "opportunities-tiles",
        "places-points",
        "places-clusters",
        "needs-fill",
        "circles-fill",
      ].filter((l) => map.getLayer(l) && map.getLayoutProperty(l, "visibility") !== "none");
      const canvas = map.getCanvas();
      const rect = canvas.getBoundingClientRect();
      const { width, height } = rect;
      const candidates = map
        .queryRenderedFeatures({ layers: [layer] })
        .filter((f) => String(f.properties.id ?? f.id) === String(id));
      const points = [];
      for (const f of candidates) {
        if (f.geometry.type === "Point") points.push({ ...map.project(f.geometry.coordinates), centre: true });
      }
      for (let y = 20; y < height - 20; y += 12) for (let x = 20; x < width - 20; x += 12) points.push({ x, y });
      // Off a point's centre, the feature must be first around the pixel
      // too: a click a pixel or two off (the canvas's fractional offset)
      // still lands on it rather than on a neighbour's edge.
      // The pixel must also show the map, not a control or legend over it.
      const firstAt = (x, y) => {
        if (document.elementFromPoint(rect.left + x, rect.top + y) !== canvas) return false;
        const hit = map.queryRenderedFeatures([x, y], { layers: order })[0];
        return hit && hit.layer.id === layer && String(hit.properties.id ?? hit.id) === String(id);
      };
      for (const p of points) {
        if (p.x < 5 || p.y < 5 || p.x > width - 5 || p.y > height - 5) continue;
        const around = p.centre
          ? [[0, 0]]
          : [
              [0, 0],
              [-3, 0],
              [3, 0],
              [0, -3],
              [0, 3],
            ];
        if (around.every(([dx, dy]) => firstAt(p.x + dx, p.y + dy))) {
          return { x: rect.left + p.x, y: rect.top + p.y };
        }
      }
      return null;
    },
    { layer, id },
  );
}
