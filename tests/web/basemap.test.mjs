// IGN's base layers under Terrier's data, in a real browser against a real
// `terrier serve` with the default basemap (TERRIER_IGN_URL, started by
// tests/web/run). The machine is offline: requests to IGN's Géoplateforme
// are answered with drawn tiles (tests/web/lib/tiles.mjs) or refused.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { IGN_ORIGIN, idle, jump, launch, openPage, rendered, tileAt } from "./lib/browser.mjs";
import { PLAN_PARK, TilePainter } from "./lib/tiles.mjs";

const BASE = process.env.TERRIER_IGN_URL;
const ARTIFACTS = process.env.TERRIER_ARTIFACTS;
const LENS = [2.8311, 50.4322];
const PLAN = "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2";
const ORTHO = "ORTHOIMAGERY.ORTHOPHOTOS";
const PARCELS = "CADASTRALPARCELS.PARCELLAIRE_EXPRESS";

let browser;
let painter;
before(async () => {
  browser = await launch();
  painter = await TilePainter.open(browser);
});
after(async () => {
  await painter?.close();
  await browser?.close();
});

const open = (options = {}) => openPage(browser, BASE, { ign: "tiles", painter, ...options });
const tiles = (requests, layer) =>
  requests.filter(
    (u) => u.searchParams.get("REQUEST") === "GetTile" && (!layer || u.searchParams.get("LAYER") === layer),
  );
const key = (u) =>
  `${u.searchParams.get("TILEMATRIX")}/${u.searchParams.get("TILECOL")}/${u.searchParams.get("TILEROW")}`;

// The tiles (matrix z) that cover what the map shows.
async function visibleTiles(page, z) {
  const b = await page.evaluate(() => window.terrier.map.getBounds().toArray());
  const nw = tileAt(b[0][0], b[1][1], z);
  const se = tileAt(b[1][0], b[0][1], z);
  return { minCol: nw.col, maxCol: se.col, minRow: nw.row, maxRow: se.row };
}

// A pixel of the map with none of Terrier's clickable features but circles'
// areas under it, as page coordinates, with its lngLat.
function emptyPixel(page) {
  return page.evaluate(() => {
    const map = window.terrier.map;
    const layers = [
      "opportunities-detail",
      "opportunities-tiles",
      "places-points",
      "places-clusters",
      "needs-fill",
      "communes-label",
      "places-label",
      "needs-label",
    ].filter((l) => map.getLayer(l));
    const { width, height } = map.getCanvas().getBoundingClientRect();
    const rect = map.getCanvas().getBoundingClientRect();
    for (let y = height / 2; y < height - 40; y += 17) {
      for (let x = width / 2; x < width - 60; x += 23) {
        const box = [
          [x - 12, y - 12],
          [x + 12, y + 12],
        ];
        if (map.queryRenderedFeatures(box, { layers }).length === 0) {
          const lngLat = map.unproject([x, y]);
          return { x: rect.left + x, y: rect.top + y, lng: lngLat.lng, lat: lngLat.lat, mapX: x, mapY: y };
        }
      }
    }
    return null;
  });
}

describe("the IGN base layers", () => {
  test("the map config and the page's CSP name IGN's Géoplateforme, and nothing else outside", async () => {
    const config = await (await fetch(`${BASE}/api/map-config`)).json();
    assert.equal(config.basemap.provider, "ign");
    assert.deepEqual(
      config.basemap.layers.map((l) => [l.id, l.label, l.kind]),
      [
        ["plan", "Plan IGN", "base"],
        ["ortho", "Photographies aériennes", "base"],
        ["parcels", "Parcelles cadastrales", "overlay"],
      ],
    );
    const csp = (await fetch(`${BASE}/`)).headers.get("content-security-policy");
    assert.match(csp, /img-src 'self' data: blob: https:\/\/data\.geopf\.fr;/);
    // And the forms' geocoder: here tests/web/run's local stand-in.
    assert.match(csp, /connect-src 'self' https:\/\/data\.geopf\.fr http:\/\/127\.0\.0\.1:\d+;/);
    const noBasemap = (await fetch(`${process.env.TERRIER_URL}/`)).headers.get("content-security-policy");
    assert.doesNotMatch(noBasemap, /geopf/);
  });

  test("Plan IGN is the default, asked for the view's WMTS tiles, drawn and credited", async () => {
    const { page, context, problems, outside, ign } = await open();
    await jump(page, { center: LENS, zoom: 14 });
    const asked = tiles(ign);
    assert.ok(asked.length > 0, "tiles were asked for");
    for (const u of asked) {
      const q = u.searchParams;
      assert.equal(`${u.origin}${u.pathname}`, `${IGN_ORIGIN}/wmts`);
      assert.deepEqual(
        [q.get("SERVICE"), q.get("VERSION"), q.get("LAYER"), q.get("STYLE"), q.get("FORMAT"), q.get("TILEMATRIXSET")],
        ["WMTS", "1.0.0", PLAN, "normal", "image/png", "PM"],
      );
    }
    // MapLibre draws 256-pixel tiles one level above its zoom: zoom 14 is
    // the PM matrix 15. The tile under the centre was asked for, and every
    // matrix-15 tile asked for is in view.
    const centre = tileAt(LENS[0], LENS[1], 15);
    const at15 = asked.filter((u) => u.searchParams.get("TILEMATRIX") === "15");
    assert.ok(
      at15.some((u) => key(u) === `15/${centre.col}/${centre.row}`),
      `tile 15/${centre.col}/${centre.row} asked`,
    );
    const view = await visibleTiles(page, 15);
    for (const u of at15) {
      const col = Number(u.searchParams.get("TILECOL"));
      const row = Number(u.searchParams.get("TILEROW"));
      assert.ok(
        col >= view.minCol - 1 && col <= view.maxCol + 1 && row >= view.minRow - 1 && row <= view.maxRow + 1,
        `${key(u)} within ${JSON.stringify(view)}`,
      );
    }
    assert.equal(tiles(ign, ORTHO).length + tiles(ign, PARCELS).length, 0, "no aerial or parcel tile");
    // The plan is drawn: with Terrier's layers off, its parks' green shows.
    for (const layer of ["circles", "places", "opportunities", "needs"])
      await page.uncheck(`#layer-switcher input[value="${layer}"]`);
    await idle(page);
    const box = await page.locator("#map").boundingBox();
    const colours = await painter.sample(await page.screenshot(), box);
    const parks = colours.filter((c) => c.every((v, i) => Math.abs(v - PLAN_PARK[i]) <= 16));
    assert.ok(parks.length > 5, `the plan's parks show (${parks.length} of ${colours.length} pixels)`);
    assert.match(await page.textContent(".maplibregl-ctrl-attrib"), /© IGN – Géoplateforme/);
    assert.equal(await page.isChecked('#basemap-switcher input[value="plan"]'), true);
    assert.equal(await page.isHidden("#basemap-notice"), true);
    assert.equal(new URL(page.url()).searchParams.get("basemap"), null, "the default is not written in the URL");
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
    await context.close();
  });

  test("aerial photographs and parcels switch on and off from the switcher and the URL", async () => {
    const { page, context, problems, ign } = await open();
    await jump(page, { center: LENS, zoom: 14 });
    await page.check('#basemap-switcher input[value="ortho"]');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get("basemap") === "ortho");
    await idle(page);
    const ortho = tiles(ign, ORTHO);
    assert.ok(ortho.length > 0, "aerial tiles asked for");
    assert.ok(
      ortho.every((u) => u.searchParams.get("FORMAT") === "image/jpeg" && u.searchParams.get("TILEMATRIXSET") === "PM"),
    );
    assert.equal(await page.evaluate(() => window.terrier.map.getLayoutProperty("basemap-plan", "visibility")), "none");
    assert.match(await page.textContent(".maplibregl-ctrl-attrib"), /© IGN – Géoplateforme/);

    // Parcels below zoom 15: switched on, nothing asked yet.
    await page.check('#basemap-switcher input[value="parcels"]');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get("overlays") === "parcels");
    await idle(page);
    assert.equal(tiles(ign, PARCELS).length, 0, "no parcel tile below zoom 15");
    await jump(page, { center: LENS, zoom: 16 });
    const parcels = tiles(ign, PARCELS);
    assert.ok(parcels.length > 0, "parcel tiles at zoom 16");
    const centre = tileAt(LENS[0], LENS[1], 17);
    assert.ok(parcels.some((u) => key(u) === `17/${centre.col}/${centre.row}`));
    assert.ok(parcels.every((u) => u.searchParams.get("FORMAT") === "image/png"));

    // The shared link restores both.
    const link = new URL(page.url());
    const second = await open({ path: `${link.pathname}${link.search}${link.hash}` });
    assert.equal(await second.page.isChecked('#basemap-switcher input[value="ortho"]'), true);
    assert.equal(await second.page.isChecked('#basemap-switcher input[value="parcels"]'), true);
    assert.ok(tiles(second.ign, ORTHO).length > 0 && tiles(second.ign, PARCELS).length > 0);
    assert.equal(tiles(second.ign, PLAN).length, 0, "the plan is not asked for under the aerial view");
    assert.deepEqual(second.problems, []);
    await second.context.close();

    // Off again: parcels, then no base at all (Terrier's own boundaries).
    await page.uncheck('#basemap-switcher input[value="parcels"]');
    await page.waitForFunction(() => !new URL(window.location.href).searchParams.has("overlays"));
    await page.check('#basemap-switcher input[value="none"]');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get("basemap") === "none");
    await idle(page);
    const before = ign.length;
    await jump(page, { center: [3.06, 50.63], zoom: 13 });
    assert.equal(ign.length, before, "no IGN request without a base layer");
    assert.ok((await rendered(page, ["communes-line"])) > 0, "Terrier's communes are drawn");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("with the parcels on, a click shows the parcel's reference from WMTS GetFeatureInfo", async () => {
    const asked = [];
    const featureInfo = (url) => {
      asked.push(url);
      return {
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            geometry: null,
            properties: {
              idu: "62498000AB0123",
              section: "AB",
              numero: "0123",
              nom_com: "Lens",
              code_insee: "62498",
              contenance: 1234,
            },
          },
        ],
      };
    };
    const { page, context, problems } = await open({
      path: `/?overlays=parcels&layers=circles,places,opportunities#16/${LENS[1]}/${LENS[0]}`,
      featureInfo,
    });
    const spot = await emptyPixel(page);
    assert.ok(spot, "an empty spot on the map");
    await page.mouse.click(spot.x, spot.y);
    await page.waitForFunction(() => document.querySelector("#panel-parcel")?.dataset.state === "done");
    assert.equal(await page.getAttribute("#panel", "data-kind"), "location");
    const text = await page.textContent("#panel-parcel");
    assert.match(text, /section AB n° 0123/);
    assert.match(text, /Lens \(62498\)/);
    assert.match(text, /62498000AB0123/);
    assert.match(text, /1\s234 m²/);
    assert.equal(asked.length, 1);
    const q = asked[0].searchParams;
    const zoom = await page.evaluate(() => window.terrier.map.getZoom());
    const expected = tileAt(spot.lng, spot.lat, Math.round(zoom + 1));
    assert.deepEqual(
      [
        "SERVICE",
        "REQUEST",
        "VERSION",
        "LAYER",
        "STYLE",
        "TILEMATRIXSET",
        "TILEMATRIX",
        "TILECOL",
        "TILEROW",
        "I",
        "J",
        "INFOFORMAT",
      ].map((k) => q.get(k)),
      [
        "WMTS",
        "GetFeatureInfo",
        "1.0.0",
        PARCELS,
        "normal",
        "PM",
        String(expected.z),
        String(expected.col),
        String(expected.row),
        String(expected.i),
        String(expected.j),
        "application/json",
      ],
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a parcel service that does not answer is said in the panel, quietly", async () => {
    const { page, context, problems } = await open({
      path: `/?overlays=parcels&layers=circles,places,opportunities#16/${LENS[1]}/${LENS[0]}`,
      featureInfo: () => "abort",
    });
    const spot = await emptyPixel(page);
    await page.mouse.click(spot.x, spot.y);
    await page.waitForFunction(() => document.querySelector("#panel-parcel")?.dataset.state === "error");
    assert.match(await page.textContent("#panel-parcel"), /Référence cadastrale indisponible/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("with IGN's origin refused the page draws Terrier's layers, says so once, and logs no error", async () => {
    const { page, context, problems, outside, ign, ignLog } = await openPage(browser, BASE, { ign: "refuse" });
    await page.waitForSelector("#basemap-notice:not([hidden])");
    assert.match(await page.textContent("#basemap-notice"), /^Fond de carte indisponible/);
    assert.ok((await rendered(page, ["departements-line"])) >= 5, "départements");
    assert.ok((await rendered(page, ["circles-fill"])) > 0, "circles");
    assert.ok((await rendered(page, ["opportunities-clusters"])) > 5, "opportunities");
    // One tile asked, refused, and given up on: moving on asks IGN for
    // nothing more, and the console holds at most Chromium's own note of
    // that one refused request.
    const refused = ign.length;
    assert.equal(refused, 1, `one request to IGN, got ${ign.map(String)}`);
    await jump(page, { center: [3.06, 50.63], zoom: 13 });
    assert.ok((await rendered(page, ["communes-line"])) > 10, "communes");
    assert.ok((await rendered(page, ["opportunities-detail"])) > 0, "opportunities from /ogcapi");
    assert.equal(ign.length, refused, "no new request to IGN");
    assert.equal(await page.locator("#basemap-notice").count(), 1);
    assert.ok(ignLog.length <= 1, `Chromium's notes: ${ignLog}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
    await context.close();
  });

  test("a screenshot of the map on the IGN plan (drawn stand-in tiles) is saved", async () => {
    const { page, context, problems } = await open({ viewport: { width: 1280, height: 800 } });
    await jump(page, { center: [2.93, 50.53], zoom: 10.2 });
    const file = join(ARTIFACTS, "map.png");
    await page.screenshot({ path: file });
    const png = await readFile(file);
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 50_000, "a drawn map, not a blank page");
    if (process.env.TERRIER_UPDATE_DOCS) await copyFile(file, join(process.env.TERRIER_UPDATE_DOCS, "carte.png"));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
