// A circle's dashboard in the page (issue 23): a person picks a circle under
// "Tableau de bord"; the bar charts (Chart.js) hold the API's figures for
// that person's role, each value named by the catalogue; the figures read in
// French; "Exporter (CSV)" downloads the same figures. A visitor sees no
// follow-up. Accessible, no stray value, at desktop and phone width.
// Against a real `terrier serve` (tests/web/run) in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, launch } from "./lib/browser.mjs";
import { PHONE, assertAccessible, assertNoLeak, get, open, shot, signInWithToken } from "./lib/audit.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Each chart drawn: its figure's id, its labels and its numbers, read from
// Chart.js's own instance (the same module the page loaded).
function drawnCharts(page) {
  return page.evaluate(async () => {
    const { Chart } = await import("/vendor/chart.js");
    return [...document.querySelectorAll("#dashboard-charts figure")].map((f) => {
      const chart = Chart.getChart(f.querySelector("canvas"));
      return {
        id: f.id,
        keys: f.dataset.keys.split("|"),
        labels: chart.data.labels,
        data: chart.data.datasets[0].data,
        drawn: chart.chartArea.width > 50 && chart.chartArea.height > 50,
      };
    });
  });
}

describe("dashboard", () => {
  for (const [view, viewport, role] of [
    ["desktop", DESKTOP, "foundation"],
    ["phone", PHONE, null],
  ]) {
    test(`the MEL's charts hold the API's figures (${view}, ${role ?? "visitor"})`, async () => {
      const { page, context, problems } = await open(browser, { viewport });
      if (role) await signInWithToken(page, role);
      if (view === "phone") await page.click("#drawer-toggle");
      await page.selectOption("#dashboard-territory", "mel");
      await page.click('#dashboard-form button[type="submit"]');
      await page.waitForSelector("#dashboard-charts figure canvas");

      const d = await get("/api/territories/mel/dashboard", role);
      const config = await get("/api/map-config");
      const expected = [
        ["dashboard-opportunities-status", d.opportunities.by_status],
        ["dashboard-opportunities-kind", d.opportunities.by_kind],
        ["dashboard-needs-status", d.needs.by_status],
      ];
      if (role) expected.push(["dashboard-matches-stage", d.matches.by_stage]);
      const charts = await drawnCharts(page);
      assert.deepEqual(
        charts.map((c) => c.id),
        expected.map(([id]) => id),
        "one chart per count; the follow-up's only for a signed-in role",
      );
      for (const [i, [id, counts]] of expected.entries()) {
        const c = charts[i];
        assert.deepEqual(c.keys, Object.keys(counts), `${id}: the vocabulary's values, in order`);
        assert.deepEqual(c.data, Object.values(counts), `${id}: the API's numbers`);
        assert.deepEqual(
          c.labels,
          c.keys.map((k) => config.labels[k] ?? k),
          `${id}: each value as the catalogue labels it`,
        );
        assert.ok(c.drawn, `${id} is drawn`);
      }
      assert.ok(d.opportunities.by_status.disponible > 0, "the demo's MEL has available buildings");
      const figures = await page.innerText("#dashboard-figures");
      assert.match(figures, /À revérifier/);
      if (role) {
        assert.match(figures, /Surface trouvée/);
        assert.match(figures, new RegExp(`${new Intl.NumberFormat("fr-FR").format(d.surface_found_m2)}\\s?m²`));
      } else {
        assert.doesNotMatch(figures, /Surface trouvée/);
        assert.match(await page.innerText("#dashboard-status"), /réservé aux personnes connectées/);
      }
      await assertNoLeak(page, "#dashboard-figures", `the dashboard's figures (${view})`);
      await assertAccessible(page, `the dashboard (${view})`);
      await page.locator("#dashboard-charts").scrollIntoViewIfNeeded();
      await shot(page, `dashboard-${view}`);
      const overflow = await page.evaluate(() => {
        const side = document.querySelector("#dashboard-charts").getBoundingClientRect();
        return [...document.querySelectorAll("#dashboard-charts canvas")].some(
          (c) => c.getBoundingClientRect().right > side.right + 1,
        );
      });
      assert.equal(overflow, false, "no chart wider than the sidebar");

      // The same figures as a CSV.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#dashboard-csv")]);
      assert.match(download.suggestedFilename(), /^terrier-mel-tableau-de-bord-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = Buffer.concat(await (await download.createReadStream()).toArray()).toString("utf8");
      assert.match(text, /^\uFEFFRubrique;Clé;Valeur\r\n/);
      assert.ok(
        text.includes(`"Opportunités par statut";"disponible";${d.opportunities.by_status.disponible}\r\n`),
        text,
      );
      assert.equal(text.includes("Correspondances par étape du suivi"), Boolean(role));
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
