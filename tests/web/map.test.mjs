// The map page in a real browser: Debian's chromium, driven by
// playwright-core, against a real `terrier serve` with the demo data
// (started by tests/web/run).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { account, signInWithPassword } from "./lib/accounts.mjs";
import { BASE, TOKENS, get as api } from "./lib/api.mjs";
import {
  clickablePixel,
  DESKTOP,
  idle,
  jump,
  launch,
  openPage as openOn,
  ready,
  rendered,
  signInWithToken as signIn,
} from "./lib/browser.mjs";

const ARTIFACTS = process.env.TERRIER_ARTIFACTS;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A page that records every console error, page error, failed request and
// HTTP error, and refuses any request that leaves this server (IGN's
// included).
function openPage(options = {}) {
  return openOn(browser, BASE, { ...options, ign: "outside" });
}

// The counts of the drawn clusters and lone opportunities, summed.
function clusteredCount(page) {
  return page.evaluate(() =>
    window.terrier.map
      .queryRenderedFeatures({ layers: ["opportunities-clusters", "opportunities-tiles"] })
      .reduce((n, f) => n + (f.properties.count ?? 1), 0),
  );
}

async function openOpportunity(page, feature) {
  const [lon, lat] = feature.geometry.coordinates;
  await jump(page, { center: [lon, lat], zoom: 15 });
  const pixel = await clickablePixel(page, "opportunities-detail", feature.id);
  assert.ok(pixel, `opportunity ${feature.id} is drawn and clickable at zoom 15`);
  await page.mouse.click(pixel.x, pixel.y);
  await page.waitForFunction((id) => {
    const p = document.querySelector("#panel");
    return (
      !p.hidden && p.dataset.kind === "opportunity" && p.dataset.id === String(id) && p.dataset.loading === "false"
    );
  }, feature.id);
}

function fieldValue(page, field) {
  return page.evaluate((f) => document.querySelector(`#panel dd[data-field="${f}"]`)?.textContent ?? null, field);
}

describe("the map page", () => {
  test("loads with no console error, no failed request and nothing from outside", async () => {
    const { page, context, problems, outside } = await openPage();
    assert.equal(await page.title(), "Terrier — tiers-lieux et foncier des Hauts-de-France");
    assert.equal(await page.getAttribute("html", "lang"), "fr");
    const count = await page.textContent("#opportunity-count");
    const all = await api("/ogcapi/collections/opportunities/items?limit=1");
    assert.match(count, /opportunités$/);
    assert.equal(Number(await page.getAttribute("#opportunity-count", "data-count")), all.numberMatched);
    // Zoom in so the tile, detail and label layers load too.
    await jump(page, { center: [3.06, 50.63], zoom: 13 });
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
    const attribution = await page.textContent(".maplibregl-ctrl-attrib");
    assert.match(attribution, /IGN/);
    assert.match(attribution, /Cartofriches/);
    await context.close();
  });

  test("every layer draws features", async () => {
    const { page, context, problems } = await openPage();
    // The whole region: boundaries, circles, needs' areas, places and the
    // opportunities' clusters with their counts.
    assert.ok((await rendered(page, ["departements-line"])) >= 5, "départements");
    const circles = (await api("/ogcapi/collections/territories/items?level=circle")).numberMatched;
    const drawnCircles = await page.evaluate(
      () =>
        new Set(window.terrier.map.queryRenderedFeatures({ layers: ["circles-fill"] }).map((f) => f.properties.id))
          .size,
    );
    assert.equal(drawnCircles, circles, "every circle's territory");
    // Labels that would collide are left out by MapLibre; most are placed.
    assert.ok((await rendered(page, ["circles-label"])) >= circles - 2, "circles' names");
    assert.ok((await rendered(page, ["needs-fill"])) > 0, "needs' areas");
    assert.ok((await rendered(page, ["places-points", "places-clusters"])) > 0, "places");
    assert.ok((await rendered(page, ["opportunities-clusters"])) > 5, "opportunities' clusters");
    const labels = await page.evaluate(() =>
      window.terrier.map
        .queryRenderedFeatures({ layers: ["opportunities-cluster-count"] })
        .map((f) => f.properties.count),
    );
    assert.ok(
      labels.length > 5 && labels.every((n) => Number.isInteger(n) && n > 1),
      `cluster counts shown: ${labels}`,
    );
    // Every opportunity the page counts is in a cluster or drawn alone
    // (features may be listed once per tile they touch: at least).
    const counted = Number(await page.getAttribute("#opportunity-count", "data-count"));
    assert.ok((await clusteredCount(page)) >= counted * 0.95, "the clusters hold the opportunities");
    // Lille at zoom 10: opportunities from the tiles, communes.
    await jump(page, { center: [3.06, 50.63], zoom: 10 });
    assert.ok((await clusteredCount(page)) > 20, "opportunities from tiles");
    assert.ok((await rendered(page, ["communes-line"])) > 10, "communes");
    assert.equal(await rendered(page, ["opportunities-detail"]), 0, "no detail layer below its zoom");
    // Zoom 13: the detail layer from /ogcapi, the places' labels.
    await jump(page, { center: [3.06, 50.63], zoom: 13 });
    assert.ok((await rendered(page, ["opportunities-detail"])) > 0, "opportunities from /ogcapi");
    // The layer switcher hides a layer.
    await page.uncheck('#layer-switcher input[value="needs"]');
    await jump(page, { center: [2.8, 50.4], zoom: 8 });
    assert.equal(await rendered(page, ["needs-fill"]), 0);
    assert.match(page.url(), /layers=circles%2Copportunities%2Cplaces%2Crestricted/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the layers the page shares with QGIS are painted as the served style says", async () => {
    const served = await api("/styles/terrier.json");
    const { page, context, problems } = await openPage();
    const { layers, pagePaint, pageLayout } = await page.evaluate(async () => ({
      layers: window.terrier.map.getStyle().layers,
      pagePaint: (await import("/style.js")).PAGE_PAINT,
      pageLayout: (await import("/style.js")).PAGE_LAYOUT,
    }));
    const drawn = new Map(layers.map((l) => [l.id, l.paint ?? {}]));
    const shared = served.layers.filter((l) => drawn.has(l.id));
    assert.ok(shared.length >= 12, `shared layers: ${shared.map((l) => l.id)}`);
    // What the page sets itself (the colour it switches by kind or tenure,
    // the clusters' size by count) is declared; every other property is the
    // served one.
    const without = (paint, own) => Object.fromEntries(Object.entries(paint).filter(([k]) => !own.includes(k)));
    for (const layer of shared) {
      const own = pagePaint[layer.id] ?? [];
      assert.deepEqual(without(drawn.get(layer.id), own), without(layer.paint ?? {}, own), layer.id);
    }
    // The labels' field, font and size too: every layout property of a
    // shared label but the switcher's visibility and what the page declares.
    const layouts = new Map(layers.map((l) => [l.id, l.layout ?? {}]));
    const labels = shared.filter((l) => l.type === "symbol" && l.layout?.["text-field"]);
    assert.ok(labels.length >= 3, `shared labels: ${labels.map((l) => l.id)}`);
    for (const layer of labels) {
      const own = ["visibility", ...(pageLayout[layer.id] ?? [])];
      assert.deepEqual(without(layouts.get(layer.id), own), without(layer.layout, own), layer.id);
    }
    // An opportunity's look by status and size at the detail zoom: the
    // served layers' (one per kind for QGIS 3.22, alike but for the colour).
    const other = served.layers.find((l) => l.id === "opportunities-other").paint;
    assert.deepEqual(without(drawn.get("opportunities-detail"), ["circle-color"]), without(other, ["circle-color"]));
    // The needs' areas: the served fill from the detail zoom (needs-area),
    // below it their outline only; needs-fill, the same areas at every zoom
    // for the clicks, is transparent (MapLibre does not draw it).
    const needsFill = served.layers.find((l) => l.id === "needs-fill");
    const area = layers.find((l) => l.id === "needs-area");
    assert.deepEqual(area.paint, needsFill.paint);
    assert.equal(area.minzoom, await page.evaluate(async () => (await import("/style.js")).DETAIL_ZOOM));
    assert.equal(drawn.get("needs-fill")["fill-opacity"], 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the regional view shows cluster counts, readable at desktop and phone width, signed in or not", async () => {
    for (const signedIn of [false, true]) {
      for (const [name, viewport] of [
        ["bureau", DESKTOP],
        ["telephone", { width: 390, height: 844 }],
      ]) {
        const { page, context, problems } = await openPage({ viewport });
        if (signedIn) await signInWithPassword(page, await account(BASE, "foundation"));
        await idle(page);
        const labels = await page.evaluate(() =>
          window.terrier.map
            .queryRenderedFeatures({ layers: ["opportunities-cluster-count"] })
            .map((f) => f.properties.count),
        );
        assert.ok(
          labels.length >= 3 && labels.every((n) => Number.isInteger(n) && n > 1),
          `${name}: cluster counts ${labels}`,
        );
        // MapLibre leaves out a label that would overlap another: the placed
        // ones do not collide.
        const boxes = await page.evaluate(() => {
          const map = window.terrier.map;
          return map.queryRenderedFeatures({ layers: ["opportunities-cluster-count"] }).map((f) => {
            const p = map.project(f.geometry.coordinates);
            return [p.x, p.y];
          });
        });
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, b] = [boxes[i], boxes[j]];
            assert.ok(
              Math.abs(a[0] - b[0]) > 8 || Math.abs(a[1] - b[1]) > 8,
              `${name}: two counts on one another at ${a}`,
            );
          }
        }
        const text = await page.textContent("body");
        assert.doesNotMatch(text, /\bnull\b|\bundefined\b/);
        await page.screenshot({
          path: join(ARTIFACTS, `vue-regionale-${signedIn ? "connecte" : "public"}-${name}.png`),
        });
        assert.deepEqual(problems, []);
        await context.close();
      }
    }
  });

  test("a filter changes the count and the URL, and the URL restores it", async () => {
    const { page, context, problems } = await openPage();
    const before = await page.getAttribute("#opportunity-count", "data-count");
    await page.check('#kind-choices input[value="friche"]');
    await page.fill('input[name="surface_min"]', "300");
    await page.waitForFunction((b) => {
      const c = document.querySelector("#opportunity-count").dataset.count;
      return c && c !== b && window.location.search.includes("surface_min=300");
    }, before);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("kind"), "friche");
    assert.equal(url.searchParams.get("surface_min"), "300");
    const expected = (await api("/ogcapi/collections/opportunities/items?kind=friche&surface_min=300&limit=1"))
      .numberMatched;
    // Under load the two changes may be two requests: the count settles on
    // the last one.
    await page
      .waitForFunction((n) => document.querySelector("#opportunity-count").dataset.count === String(n), expected)
      .catch(() => {});
    const count = Number(await page.getAttribute("#opportunity-count", "data-count"));
    assert.equal(count, expected);
    assert.ok(count < Number(before));
    assert.match(await page.textContent("#opportunity-count"), /opportunités?$|Aucune/);
    // The tiles follow the filter: every drawn opportunity is a friche.
    await jump(page, { center: [3.06, 50.63], zoom: 10 });
    const kinds = await page.evaluate(() => [
      ...new Set(
        window.terrier.map
          .queryRenderedFeatures({ layers: ["opportunities-tiles", "opportunities-clusters"] })
          .flatMap((f) =>
            f.properties.count > 1
              ? Object.keys(f.properties)
                  .filter((k) => k.startsWith("kind_"))
                  .map((k) => k.slice(5))
              : [f.properties.kind],
          ),
      ),
    ]);
    assert.deepEqual(kinds, ["friche"]);

    // A territory too, then reload the shared link.
    await page.selectOption("#territory-select", "mel");
    await page.waitForFunction(() => window.location.search.includes("territory=mel"));
    await page.waitForFunction(() => !document.querySelector("#opportunity-count").textContent.includes("…"));
    const withTerritory = (
      await api("/ogcapi/collections/opportunities/items?kind=friche&surface_min=300&territory=mel&limit=1")
    ).numberMatched;
    await page.waitForFunction(
      (n) => document.querySelector("#opportunity-count").dataset.count === String(n),
      withTerritory,
    );
    const shared = page.url();
    const second = await openPage({ path: new URL(shared).pathname + new URL(shared).search + new URL(shared).hash });
    assert.equal(Number(await second.page.getAttribute("#opportunity-count", "data-count")), withTerritory);
    assert.equal(await second.page.isChecked('#kind-choices input[value="friche"]'), true);
    assert.equal(await second.page.isChecked('#kind-choices input[value="bureau"]'), false);
    assert.equal(await second.page.inputValue('input[name="surface_min"]'), "300");
    assert.equal(await second.page.inputValue("#territory-select"), "mel");
    assert.deepEqual(second.problems, []);
    await second.context.close();

    // Clearing the filters gives the whole count back.
    await page.click("#filters-reset");
    await page.waitForFunction((b) => document.querySelector("#opportunity-count").dataset.count === b, before);
    assert.equal(new URL(page.url()).search, "");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("clicking an opportunity opens its details and the needs it fits", async () => {
    const { page, context, problems } = await openPage();
    // A public opportunity that a need was matched with.
    const needs = await api("/ogcapi/collections/needs/items?limit=100");
    let match;
    for (const need of needs.features) {
      const m = await api(`/api/needs/${need.id}/matches`);
      if (m.features.length) {
        match = m.features[0];
        break;
      }
    }
    assert.ok(match, "the demo data has matches");
    const opportunity = await api(`/ogcapi/collections/opportunities/items/${match.properties.opportunity_id}`);
    await openOpportunity(page, opportunity);
    assert.equal(await page.textContent("#panel-title"), opportunity.properties.title);
    assert.equal(await fieldValue(page, "kind"), opportunity.properties.kind);
    const names = await page.$$eval("#panel .matches > li strong", (els) => els.map((e) => e.textContent));
    const expected = await api(`/api/opportunities/${opportunity.id}/matches`);
    assert.deepEqual(
      names,
      expected.features.map((f) => f.properties.collective_name),
    );
    assert.ok(names.length > 0);
    assert.equal(await page.evaluate(() => window.terrier.state.matchLines.features.length), names.length);
    await page.keyboard.press("Escape");
    assert.equal(await page.isHidden("#panel"), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("clicking a need's area shows its ranked matches, their reasons and lines to them", async () => {
    const { page, context, problems } = await openPage();
    const needs = await api("/ogcapi/collections/needs/items?limit=100");
    let need;
    let matches;
    // A need of its own area (a territory's needs are one area of the
    // tiles, whose click lists them: the test after this one).
    for (const n of needs.features.filter((f) => !f.properties.territory)) {
      const m = await api(`/api/needs/${n.id}/matches`);
      if (m.features.length >= 2 && n.geometry.type === "Polygon") {
        need = n;
        matches = m;
        break;
      }
    }
    assert.ok(need, "a need with two matches or more");
    const anchor = await page.evaluate((g) => {
      const ring = g.coordinates[0];
      const xs = ring.map((c) => c[0]);
      const ys = ring.map((c) => c[1]);
      return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    }, need.geometry);
    await jump(page, { center: anchor, zoom: 11 });
    // Below the detail zoom the area is its outline, not filled, and a click
    // inside it still opens the need.
    assert.equal(await rendered(page, ["needs-area"]), 0, "no fill at zoom 11");
    assert.ok((await rendered(page, ["needs-line"])) > 0, "the outlines");
    const pixel = await clickablePixel(page, "needs-fill", need.id);
    assert.ok(pixel, "the need's area is clickable");
    await page.mouse.click(pixel.x, pixel.y);
    await page.waitForFunction((id) => {
      const p = document.querySelector("#panel");
      return !p.hidden && p.dataset.kind === "need" && p.dataset.id === String(id) && p.dataset.loading === "false";
    }, need.id);
    assert.equal(await page.textContent("#panel-title"), need.properties.collective_name);
    const shown = await page.$$eval("#panel .matches > li", (els) =>
      els.map((e) => ({
        id: e.dataset.matchId,
        score: e.querySelector(".score").textContent,
        reasons: e.querySelectorAll("ul li").length,
      })),
    );
    assert.deepEqual(
      shown.map((s) => s.id),
      matches.features.map((f) => String(f.properties.match_id)),
    );
    // Ranked: scores do not increase down the list (valid matches first).
    const valid = matches.features.filter((f) => f.properties.still_valid).map((f) => f.properties.score);
    assert.deepEqual(
      valid,
      [...valid].sort((a, b) => b - a),
    );
    assert.ok(
      shown.every((s) => s.reasons > 0),
      "every match gives its reasons",
    );
    const lines = await page.evaluate(() =>
      window.terrier.state.matchLines.features.map((f) => f.geometry.coordinates[1]),
    );
    assert.deepEqual(
      lines,
      matches.features.map((f) => f.geometry.coordinates),
    );
    await idle(page);
    assert.equal((await rendered(page, ["match-lines"])) > 0, true);
    // No contact for a visitor.
    assert.equal(await page.$("#panel .confidential"), null);
    // At the detail zoom the area is filled.
    await jump(page, { center: anchor, zoom: 12 });
    assert.ok((await rendered(page, ["needs-area"])) > 0, "filled at zoom 12");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a territory's needs are one area labelled with their count, which lists them and opens each", async () => {
    const { page, context, problems } = await openPage();
    await jump(page, { center: [3.06, 50.63], zoom: 10 });
    const group = await page.evaluate(() =>
      window.terrier.map
        .queryRenderedFeatures({ layers: ["needs-fill"] })
        .map((f) => f.properties)
        .find((p) => p.count > 1),
    );
    assert.ok(group, "the MEL's needs drawn as one feature");
    const all = await api(
      `/ogcapi/collections/needs/items?limit=1000&filter=${encodeURIComponent(`territory = '${group.territory}'`)}`,
    );
    assert.equal(all.features.length, group.count);
    const labels = await page.evaluate(() =>
      window.terrier.map.queryRenderedFeatures({ layers: ["needs-label"] }).map((f) => f.properties.count),
    );
    assert.ok(labels.includes(group.count), `its label is drawn: ${labels}`);
    const pixel = await clickablePixel(page, "needs-fill", group.id);
    assert.ok(pixel, "the group's area is clickable");
    await page.mouse.click(pixel.x, pixel.y);
    await page.waitForFunction(() => {
      const p = document.querySelector("#panel");
      return !p.hidden && p.dataset.kind === "need-group" && p.dataset.loading === "false";
    });
    assert.equal(await page.textContent("#panel-title"), `${group.count} besoins sur ce territoire`);
    const listed = await page.$$eval("#panel .need-group button", (bs) => bs.map((b) => b.textContent));
    assert.deepEqual([...listed].sort(), all.features.map((f) => f.properties.collective_name).sort());
    await page.click("#panel .need-group button");
    await page.waitForFunction(() => {
      const p = document.querySelector("#panel");
      return p.dataset.kind === "need" && p.dataset.loading === "false";
    });
    assert.equal(await page.textContent("#panel-title"), listed[0]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a foundation's token shows the owner that a visitor does not see", async () => {
    // A public opportunity whose owner is known.
    const page1 = await api("/ogcapi/collections/opportunities/items?limit=10000", "foundation");
    const target = page1.features.find(
      (f) =>
        f.properties.visibility === "public" &&
        f.properties.owner_name &&
        f.properties.location_precision !== "commune",
    );
    assert.ok(target, "a public opportunity with an owner");
    const { page, context, problems } = await openPage();
    await openOpportunity(page, target);
    assert.equal(await fieldValue(page, "owner_name"), null);
    assert.equal(await page.$("#panel .confidential"), null);
    assert.equal(await page.textContent("#role-badge"), "Visiteur");

    await signIn(page, "foundation");
    assert.match(await page.textContent("#role-badge"), /^Foncière solidaire — Foncière test/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("terrier.token")), TOKENS.foundation);
    assert.equal(await page.isVisible("#restricted-layer"), true, "the restricted layer appears");
    await openOpportunity(page, target);
    assert.equal(await fieldValue(page, "owner_name"), target.properties.owner_name);
    assert.ok(await page.$("#panel .confidential"));
    // More opportunities for a foundation (réseau and private ones).
    const publicCount = (await api("/ogcapi/collections/opportunities/items?limit=1")).numberMatched;
    const foundationCount = (await api("/ogcapi/collections/opportunities/items?limit=1", "foundation")).numberMatched;
    assert.ok(foundationCount > publicCount);
    await page.waitForFunction(
      (n) => document.querySelector("#opportunity-count").dataset.count === String(n),
      foundationCount,
    );

    // Signing out forgets the token and the fields.
    await page.click("#sign-out");
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "public");
    await ready(page);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("terrier.token")), null);
    await openOpportunity(page, target);
    assert.equal(await fieldValue(page, "owner_name"), null);
    await page.waitForFunction(
      (n) => document.querySelector("#opportunity-count").dataset.count === String(n),
      publicCount,
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("an unknown token is refused with a message, and nothing is kept", async () => {
    const { page, context } = await openPage();
    await page.click("#sign-in");
    await page.fill("#token-input", "trr_0000000000000000000000000000000000000000000000000000000000000000");
    await page.click("#sign-in-submit");
    await page.waitForFunction(() => document.querySelector("#sign-in-error").textContent !== "");
    assert.equal(await page.textContent("#sign-in-error"), "Jeton inconnu ou révoqué.");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("terrier.token")), null);
    await context.close();
  });

  test("an animator exports the circle's GeoJSON; a visitor cannot", async () => {
    const { page, context, problems } = await openPage();
    await page.selectOption("#export-territory", "mel");
    assert.equal(await page.isDisabled('#export-buttons button[data-format="geojson"]'), true);
    await signIn(page, "animator");
    assert.equal(await page.inputValue("#export-territory"), "mel");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('#export-buttons button[data-format="geojson"]'),
    ]);
    const file = join(ARTIFACTS, "export-mel.geojson");
    await download.saveAs(file);
    const data = JSON.parse(await readFile(file, "utf8"));
    assert.equal(data.type, "FeatureCollection");
    const count = (layer) => data.features.filter((f) => f.properties.couche === layer).length;
    const expected = (await api("/ogcapi/collections/opportunities/items?territory=mel&limit=1", "animator"))
      .numberMatched;
    assert.equal(count("opportunites"), expected);
    assert.equal(count("lieux"), (await api("/ogcapi/collections/places/items?territory=mel&limit=1")).numberMatched);
    assert.ok(expected > 0);
    // An animator's export never holds an owner.
    assert.ok(data.features.every((f) => !("owner_name" in f.properties)));
    // Another circle is not theirs.
    await page.selectOption("#export-territory", "littoral");
    assert.equal(await page.isDisabled('#export-buttons button[data-format="geojson"]'), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the search flies to a commune", async () => {
    const { page, context, problems } = await openPage();
    await page.fill("#search-input", "Lens");
    await page.waitForSelector("#search-results li");
    const first = await page.textContent("#search-results li");
    assert.match(first, /Lens/);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(500);
    await idle(page);
    const center = await page.evaluate(() => window.terrier.map.getCenter().toArray());
    assert.ok(Math.abs(center[0] - 2.83) < 0.1 && Math.abs(center[1] - 50.43) < 0.1, `centre ${center}`);
    assert.ok((await page.evaluate(() => window.terrier.map.getZoom())) > 10);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("on a phone the filters open as a drawer and the controls are reachable by keyboard", async () => {
    const { page, context, problems } = await openPage({ viewport: { width: 390, height: 844 } });
    const mapBox = await page.locator("#map").boundingBox();
    assert.ok(mapBox.width >= 380, "the map takes the width");
    const sidebar = await page.locator("#sidebar").boundingBox();
    assert.ok(sidebar.x + sidebar.width <= 0, "the drawer starts closed");
    await page.focus("#drawer-toggle");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(400);
    assert.equal(await page.getAttribute("#drawer-toggle", "aria-expanded"), "true");
    const opened = await page.locator("#sidebar").boundingBox();
    assert.ok(opened.x >= 0);
    // Tab reaches the filters' first field.
    await page.focus('input[name="surface_min"]');
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.name), "surface_max");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
