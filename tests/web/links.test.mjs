// Links to one object, against a real `terrier serve` with the demo data
// (tests/web/run) in Debian's chromium: /?opportunity=ID, /?need=ID,
// /?match=ID and /?request=ID open the page centred on the object with its
// panel open; an object the visitor may not read asks for a sign-in first,
// then opens; "Copier le lien" copies the address (or shows it selected when
// there is no clipboard); the "Suivi" board's cards are links.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { idle, launch } from "./lib/browser.mjs";
import { BASE, TOKENS, api, assertNoLeak, get, open, shot } from "./lib/audit.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function panelOpen(page, kind, id) {
  await page.waitForFunction(
    ({ kind, id }) => {
      const p = document.querySelector("#panel");
      return !p.hidden && p.dataset.kind === kind && p.dataset.id === String(id) && p.dataset.loading === "false";
    },
    { kind, id },
    { timeout: 30_000 },
  );
  await idle(page);
}

// Whether the map shows `lngLat` near its middle (within a tenth of the
// visible width and height).
function centredOn(page, lngLat) {
  return page.evaluate((ll) => {
    const map = window.terrier.map;
    const p = map.project(ll);
    const { width, height } = map.getCanvas().getBoundingClientRect();
    return Math.abs(p.x - width / 2) < width / 10 && Math.abs(p.y - height / 2) < height / 10;
  }, lngLat);
}

function visibleOnMap(page, lngLat) {
  return page.evaluate((ll) => window.terrier.map.getBounds().contains(ll), lngLat);
}

// Keeps a token in the tab's sessionStorage before the page starts, as a
// person signed in with a token in this tab.
async function withToken(context, role) {
  await context.addInitScript((t) => sessionStorage.setItem("terrier.token", t), TOKENS[role]);
}

async function signInFromDialog(page, role) {
  await page.waitForSelector("#sign-in-dialog[open]");
  assert.match(await page.textContent("#sign-in-reason"), /connectez-vous pour l'ouvrir/);
  await page.fill("#token-input", TOKENS[role]);
  await page.click("#sign-in-submit");
  await page.waitForFunction((r) => window.terrier.state.session.role === r, role);
}

describe("links to one object", () => {
  test("/?opportunity=ID: centred, its panel open, « Copier le lien » copies the same address", async () => {
    const opportunity = (await get("/ogcapi/collections/opportunities/items?territory=mel&limit=1")).features[0];
    const { page, context, problems } = await open(browser, { path: `/?opportunity=${opportunity.id}` });
    await panelOpen(page, "opportunity", opportunity.id);
    assert.ok(await centredOn(page, opportunity.geometry.coordinates), "the map is centred on the building");
    await assertNoLeak(page, "#panel", "the opportunity's panel");
    await page.getByRole("button", { name: "Copier le lien" }).click();
    await page.waitForFunction(() => document.querySelector("#panel .copy-link-status").textContent === "Lien copié");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${BASE}/?opportunity=${opportunity.id}`);
    await shot(page, "link-opportunity");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("/?need=ID: its area in view, its panel open, its link in the panel", async () => {
    const need = (await get("/ogcapi/collections/needs/items?territory=mel&limit=1")).features[0];
    const { page, context, problems } = await open(browser, { path: `/?need=${need.id}` });
    await panelOpen(page, "need", need.id);
    const anchor = await page.evaluate(async (g) => (await import("/geometry.js")).anchorOf(g), need.geometry);
    assert.ok(await visibleOnMap(page, anchor), "the need's area is in view");
    assert.equal(await page.getAttribute("#panel .copy-link", "data-url"), `${BASE}/?need=${need.id}`);
    await assertNoLeak(page, "#panel", "the need's panel");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("/?match=ID for a visitor: sign in first, then the match opens between its need and its building", async () => {
    const board = await get("/api/followup?circle=mel", "member");
    const match = board.matches[0];
    assert.ok(match, "a match in the demo data");
    const { page, context, problems } = await open(browser, { path: `/?match=${match.id}` });
    await signInFromDialog(page, "member");
    await panelOpen(page, "match", match.id);
    assert.equal(
      await page.evaluate(() => window.terrier.state.matchLines.features.length),
      1,
      "a line from the need to the building",
    );
    const line = await page.evaluate(() => window.terrier.state.matchLines.features[0].geometry.coordinates);
    for (const end of line) assert.ok(await visibleOnMap(page, end), "both ends of the match in view");
    assert.equal(await page.getAttribute("#panel .copy-link", "data-url"), `${BASE}/?match=${match.id}`);
    await assertNoLeak(page, "#panel", "the match's panel");
    await shot(page, "link-match-after-sign-in");
    // The API refuses the anonymous reading (401): counted apart.
    assert.deepEqual(
      problems.filter((p) => !/401/.test(p)),
      [],
    );
    await context.close();
  });

  test("/?opportunity=ID of a building reserved to the network: a visitor signs in, then it opens", async () => {
    const all = await get("/ogcapi/collections/opportunities/items?territory=mel&limit=2000", "member");
    const reserved = all.features.find((f) => f.properties.visibility === "réseau");
    assert.ok(reserved, "a building reserved to the network in the demo data");
    assert.equal(
      (await api(`/ogcapi/collections/opportunities/items/${reserved.id}`)).status,
      404,
      "hidden from visitors",
    );
    const { page, context, problems } = await open(browser, { path: `/?opportunity=${reserved.id}` });
    assert.match(await page.textContent("#panel"), /Connectez-vous/);
    await signInFromDialog(page, "member");
    await panelOpen(page, "opportunity", reserved.id);
    assert.ok(await centredOn(page, reserved.geometry.coordinates), "the map is centred on the building");
    assert.deepEqual(
      problems.filter((p) => !/40[14]/.test(p)),
      [],
    );
    await context.close();
  });

  test("/?request=ID: its panel and its commune; without a clipboard the link is shown selected", async () => {
    const created = await api("/api/requests", "member", {
      method: "POST",
      body: {
        received_on: "2026-11-20",
        requester: "Collectif des liens",
        subject: "Un local à Lens",
        commune: "62498",
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.id;
    const { page, context, problems } = await open(browser, { path: "/", wait: false, clipboard: false });
    await withToken(context, "member");
    await context.addInitScript(() => {
      Object.defineProperty(navigator, "clipboard", { value: undefined });
    });
    await page.goto(`${BASE}/?request=${id}`);
    await page.waitForFunction(() => window.terrier?.ready === true, null, { timeout: 60_000 });
    await panelOpen(page, "request", id);
    assert.match(await page.textContent("#panel"), /Un local à Lens/);
    assert.match(await page.textContent("#panel"), /Lens/);
    const lens = await get("/ogcapi/collections/territories/items?level=commune&q=Lens&limit=1");
    const anchor = await page.evaluate(
      async (g) => (await import("/geometry.js")).anchorOf(g),
      lens.features[0].geometry,
    );
    assert.ok(await visibleOnMap(page, anchor), "Lens in view");
    await assertNoLeak(page, "#panel", "the request's panel");
    await page.getByRole("button", { name: "Copier le lien" }).click();
    const field = page.locator("#panel .copy-link-field");
    await field.waitFor();
    const url = `${BASE}/?request=${id}`;
    assert.equal(await field.inputValue(), url);
    assert.deepEqual(
      await field.evaluate((f) => [document.activeElement === f, f.selectionStart, f.selectionEnd]),
      [true, 0, url.length],
      "the link is selected, ready to copy",
    );
    assert.match(await page.textContent("#panel .copy-link-status"), /sélectionné/);
    await shot(page, "link-request-no-clipboard");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the Suivi board's cards link to their match, need and opportunity", async () => {
    const { page, context, problems } = await open(browser, { path: "/", wait: false });
    await withToken(context, "member");
    await page.goto(`${BASE}/?view=suivi&followup_circle=mel`);
    await page.waitForSelector("#followup-board a.board-card");
    await assertNoLeak(page, "#followup-view", "the Suivi board");
    const card = page.locator("#followup-board .board-item").first();
    const matchId = await card.locator("a.board-card").getAttribute("data-match-id");
    assert.equal(await card.locator("a.board-card").getAttribute("href"), `/?match=${matchId}`);
    const match = await get(`/api/matches/${matchId}`, "member");
    assert.equal(await card.locator('a[data-kind="need"]').getAttribute("href"), `/?need=${match.need.id}`);
    assert.equal(
      await card.locator('a[data-kind="opportunity"]').getAttribute("href"),
      `/?opportunity=${match.opportunity.id}`,
    );
    // Followed in this page, the card's link opens the match.
    await card.locator('a[data-kind="opportunity"]').click();
    await panelOpen(page, "opportunity", match.opportunity.id);
    assert.equal(await page.isHidden("#followup-view"), true);
    // Followed in a new tab, the same.
    const tab = await context.newPage();
    await tab.goto(`${BASE}/?match=${matchId}`);
    await panelOpen(tab, "match", matchId);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
