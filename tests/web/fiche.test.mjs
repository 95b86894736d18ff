// "Imprimer la fiche" on an opportunity's panel and on a match's, against a
// real `terrier serve` (tests/web/run) in Debian's chromium: the button asks
// the server for the fiche with the page's credentials (the pasted token) and
// the answer is a PDF, shown in a new tab; screenshots at a desktop's width
// and a phone's (tests/artifacts/views/fiche-*.png).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, launch, openPage, signInWithToken } from "./lib/browser.mjs";
import { PHONE, get, shot } from "./lib/audit.mjs";

const BASE = process.env.TERRIER_URL;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Clicks the panel's "Imprimer la fiche" and gives the fiche's answer and
// the tab it opened.
async function printFiche(page, context, path) {
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === path);
  const tab = context.waitForEvent("page");
  await page.locator("#panel").getByRole("button", { name: "Imprimer la fiche" }).click();
  const response = await answer;
  return { response, tab: await tab };
}

async function openOpportunityPanel(page, id) {
  await page.evaluate(async (i) => {
    const { openOpportunity } = await import("/features.js");
    await openOpportunity(i);
  }, id);
  await page.waitForFunction((i) => {
    const p = document.querySelector("#panel");
    return !p.hidden && p.dataset.kind === "opportunity" && p.dataset.id === String(i) && p.dataset.loading === "false";
  }, id);
}

describe("the funder's fiche", () => {
  test("an opportunity's panel prints its fiche as a PDF, for a foundation, at a desktop's and a phone's width", async () => {
    const opportunities = await get("/ogcapi/collections/opportunities/items?territory=mel&limit=1", "foundation");
    const id = opportunities.features[0].id;
    for (const [name, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ]) {
      const { page, context, problems } = await openPage(browser, BASE, { viewport });
      await signInWithToken(page, "foundation");
      await openOpportunityPanel(page, id);
      const button = page.locator("#panel").getByRole("button", { name: "Imprimer la fiche" });
      await button.scrollIntoViewIfNeeded();
      await shot(page, `fiche-opportunity-${name}`);
      const { response, tab } = await printFiche(page, context, `/api/opportunities/${id}/fiche.pdf`);
      assert.equal(response.status(), 200);
      assert.equal(response.headers()["content-type"], "application/pdf");
      await tab.waitForURL(/^blob:/);
      assert.equal(await page.locator("#panel .fiche-status").textContent(), "");
      assert.deepEqual(problems, []);
      await context.close();
    }
  });

  test("a match's panel prints its fiche for a member, the member's token going with it", async () => {
    const member = "member";
    const needs = await get("/ogcapi/collections/needs/items?territory=mel&limit=50", member);
    let found;
    for (const need of needs.features) {
      const matches = await get(`/api/needs/${need.id}/matches`, member);
      if (matches.features.length) {
        found = { need, match: matches.features[0] };
        break;
      }
    }
    assert.ok(found, "a need of the MEL circle with a match");
    const matchId = found.match.properties.match_id;
    const { page, context, problems } = await openPage(browser, BASE, { viewport: PHONE });
    await signInWithToken(page, member);
    await page.evaluate(
      async ([m, n]) => {
        const { openMatch } = await import("/followup.js");
        await openMatch(m, n);
      },
      [matchId, found.need.id],
    );
    await page.waitForFunction(
      (m) =>
        document.querySelector("#panel").dataset.kind === "match" &&
        document.querySelector("#panel").dataset.id === String(m),
      matchId,
    );
    await page.locator("#panel").getByRole("button", { name: "Imprimer la fiche" }).scrollIntoViewIfNeeded();
    await shot(page, "fiche-match-phone");
    const { response } = await printFiche(page, context, `/api/matches/${matchId}/fiche.pdf`);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()["content-type"], "application/pdf");
    assert.match((await response.request().allHeaders()).authorization ?? "", /^Bearer /);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
