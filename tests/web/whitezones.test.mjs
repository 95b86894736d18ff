// White zones in the page (issue 23): a person picks a circle and a
// distance in the sidebar; the table lists the same communes as the API,
// largest first, the layer draws them, a commune's name frames it, a
// download gives the CSV; a visitor does not read the network's
// opportunities inside. Accessible, no stray value, at desktop and phone
// width. Against a real `terrier serve` (tests/web/run) in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, idle, launch } from "./lib/browser.mjs";
import { PHONE, assertAccessible, assertNoLeak, get, open, shot, signInWithToken } from "./lib/audit.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("white zones", () => {
  for (const [view, viewport, role] of [
    ["desktop", DESKTOP, "foundation"],
    ["phone", PHONE, null],
  ]) {
    test(`the MEL's communes beyond 4 km of a tiers-lieu, listed and drawn (${view}, ${role ?? "visitor"})`, async () => {
      const { page, context, problems } = await open(browser, { viewport });
      if (role) await signInWithToken(page, role);
      if (view === "phone") await page.click("#drawer-toggle");
      await page.selectOption("#white-zones-territory", "mel");
      await page.fill("#white-zones-distance", "4,5");
      await page.click('#white-zones-form button[type="submit"]');
      await page.waitForSelector(".white-zones-table tbody tr");
      await idle(page);

      const zones = await get("/api/territories/mel/white-zones?distance_km=4.5", role);
      assert.ok(zones.features.length > 3, "the demo's MEL has white zones at 4.5 km");
      const names = await page.locator(".white-zones-table tbody th button").allInnerTexts();
      assert.deepEqual(
        names,
        zones.features.map((f) => f.properties.name),
        "the table lists the API's communes in its order (population, largest first)",
      );
      const status = await page.innerText("#white-zones-status");
      assert.match(status, new RegExp(`^${zones.features.length} communes à plus de 4,5 km d'un tiers-lieu`));
      const drawn = await page.evaluate(
        () => window.terrier.map.queryRenderedFeatures({ layers: ["white-zones-fill"] }).length,
      );
      assert.ok(drawn > 0, "the layer draws the white zones");
      // What a role reads inside: a visitor no opportunity reserved to the network.
      for (const f of zones.features) {
        for (const o of f.properties.opportunities) {
          const item = await get(`/ogcapi/collections/opportunities/items/${o.id}`, role);
          assert.equal(item.properties.status, "disponible");
          if (!role) assert.equal(item.properties.visibility, "public");
        }
      }
      await assertNoLeak(page, "#white-zones-result", `the white zones' table (${view})`);
      await assertAccessible(page, `the white zones (${view})`);
      await shot(page, `white-zones-${view}`);

      // A commune's name frames it.
      await page.locator(".white-zones-table tbody th button").first().click();
      await idle(page);
      const zoom = await page.evaluate(() => window.terrier.map.getZoom());
      assert.ok(zoom > 9, `the map frames the commune (zoom ${zoom})`);

      // The table as a file.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click('#white-zones-downloads button[data-format="csv"]'),
      ]);
      assert.match(download.suggestedFilename(), /^terrier-mel-zones-blanches-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = await (await download.createReadStream()).toArray();
      const text = Buffer.concat(csv).toString("utf8");
      assert.match(text, /Distance au lieu le plus proche \(km\)/);
      assert.equal(text.trim().split("\n").length, zones.features.length + 1);

      await page.click("#white-zones-clear");
      assert.equal(await page.locator(".white-zones-table").count(), 0);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
