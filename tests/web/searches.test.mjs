// Saved searches on the page (issue 23): a member saves the filters under a
// name and gets the private feed's address once; a new opportunity that fits
// shows as a count on "Mon compte" at the next visit and in the list, where
// « Ouvrir » brings the filters back and resets the count; the feed answers
// as Atom. Accessible, no stray value, at desktop and phone width. Against a
// real `terrier serve` (tests/web/run) in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, launch, ready } from "./lib/browser.mjs";
import { account, signInWithPassword } from "./lib/accounts.mjs";
import { BASE, PHONE, api, assertAccessible, assertNoLeak, open, shot } from "./lib/audit.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const FITTING = {
  type: "Feature",
  geometry: { type: "Point", coordinates: [2.8319, 50.4321] },
  properties: {
    title: "Atelier de la cité des Provinces",
    kind: "atelier",
    built_surface_m2: 640,
    visibility: "public",
  },
};

describe("saved searches", () => {
  for (const [view, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ]) {
    test(`a member saves a search, sees what is new at the next visit and opens it (${view})`, async () => {
      const who = await account(BASE, "member");
      const { page, context, problems } = await open(browser, { viewport });
      await signInWithPassword(page, who);
      const phone = view === "phone";
      if (phone) await page.click("#drawer-toggle");

      // Filters as a person sets them: ateliers of 500 m² and more.
      await page.check('#kind-choices input[value="atelier"]');
      await page.fill('#filters input[name="surface_min"]', "500");
      await page.waitForFunction(() => /kind=atelier/.test(location.search) && /surface_min=500/.test(location.search));
      assert.equal(await page.isVisible("#search-save-open"), true, "the save button shows for a person");
      await page.click("#search-save-open");
      await page.getByLabel("Nom de la recherche").fill(`Ateliers de 500 m² (${view})`);
      await assertAccessible(page, `the save dialog (${view})`);
      await page.click("#search-submit");
      await page.waitForSelector("#search-created:not([hidden])");
      const feedUrl = await page.inputValue("#search-feed");
      assert.match(feedUrl, new RegExp(`^${BASE}/feeds/[0-9a-f]{64}\\.atom$`));
      await shot(page, `searches-saved-${view}`);
      await assertNoLeak(page, "#search-dialog", `the save dialog (${view})`);
      await page.click("#search-cancel");

      const feed = await fetch(feedUrl);
      assert.equal(feed.status, 200);
      assert.equal(feed.headers.get("content-type"), "application/atom+xml; charset=utf-8");
      assert.doesNotMatch(await feed.text(), new RegExp(`Atelier de la cité des Provinces \\(${view}\\)`));

      // A new atelier that fits, then the person's next visit.
      const made = await api("/api/opportunities", "admin", {
        method: "POST",
        body: { ...FITTING, properties: { ...FITTING.properties, title: `${FITTING.properties.title} (${view})` } },
      });
      assert.equal(made.status, 201, JSON.stringify(made.json));
      assert.match(await (await fetch(feedUrl)).text(), new RegExp(`Atelier de la cité des Provinces \\(${view}\\)`));
      await page.goto(`${BASE}/`);
      await ready(page);
      await page.waitForFunction(() => document.querySelector("#searches-badge").textContent === "1");
      assert.equal(await page.isVisible("#searches-badge"), true);
      assert.equal(
        await page.getAttribute("#account-open", "aria-label"),
        "Mon compte, 1 nouveauté dans vos recherches",
      );

      await page.click("#account-open");
      const row = page.locator("#searches-table tbody tr").first();
      await row.locator("td.news").waitFor();
      assert.equal(await row.locator("td").nth(0).innerText(), `Ateliers de 500 m² (${view})`);
      assert.equal(await row.locator("td").nth(1).innerText(), "1");
      await shot(page, `searches-account-${view}`);
      await assertNoLeak(page, "#account-dialog", `Mon compte (${view})`);
      await assertAccessible(page, `Mon compte with searches (${view})`);

      // « Ouvrir »: the filters come back, the count goes.
      await row.getByRole("button", { name: "Ouvrir" }).click();
      await page.waitForFunction(() => !document.querySelector("#account-dialog").open);
      await page.waitForFunction(() => /kind=atelier/.test(location.search) && /surface_min=500/.test(location.search));
      if (phone) await page.click("#drawer-toggle");
      assert.equal(await page.isChecked('#kind-choices input[value="atelier"]'), true);
      assert.equal(await page.inputValue('#filters input[name="surface_min"]'), "500");
      await page.waitForFunction(() => document.querySelector("#searches-badge").hidden);
      const counted = await api(
        "/ogcapi/collections/opportunities/items?kind=atelier&surface_min=500&limit=1",
        "member",
      );
      await page.waitForFunction(
        (n) => document.querySelector("#opportunity-count").dataset.count === String(n),
        counted.json.numberMatched,
      );
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("a visitor and a shared token see no save button", async () => {
    const { page, context, problems } = await open(browser);
    assert.equal(await page.isVisible("#search-save-open"), false);
    assert.equal(await page.isVisible("#account-open"), false);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
