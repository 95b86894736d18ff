// The follow-up of matches and the requests on the page, against a real
// `terrier serve` (tests/web/run) in Debian's chromium: a match moved to
// "contacté" with a note shows who and when in "Historique"; the "Suivi" view
// counts it and opens it on the map; a member never sees a confidential field
// anywhere in the page, not even in the answers the page receives.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, ready } from "./lib/browser.mjs";

const BASE = process.env.TERRIER_URL;
const FOUNDATION = { Authorization: `Bearer ${process.env.TERRIER_FOUNDATION_TOKEN}` };

// Signs in on the page with the member's token (from tests/web/run).
async function signInAsMember(page) {
  await page.click("#sign-in");
  await page.fill("#token-input", process.env.TERRIER_MEMBER_TOKEN);
  await page.click("#sign-in-submit");
  await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "member");
  await ready(page);
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function json(path, headers = FOUNDATION) {
  const response = await fetch(`${BASE}${path}`, { headers });
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

// A need of the MEL circle with a match still "proposé" that a member sees
// (not one with a confidential building), its first one.
async function proposedMatch() {
  const member = { Authorization: `Bearer ${process.env.TERRIER_MEMBER_TOKEN}` };
  const needs = await json("/ogcapi/collections/needs/items?territory=mel&limit=200", member);
  for (const need of needs.features) {
    const matches = await json(`/api/needs/${need.id}/matches`, member);
    const m = matches.features.find((f) => f.properties.status === "proposé" && f.properties.still_valid);
    if (m) return { need, match: m };
  }
  throw new Error("no proposed match in the demo data");
}

// Opens a need's panel the way the "Suivi" and search paths do.
async function openNeedPanel(page, needId) {
  await page.evaluate(async (id) => {
    const { openNeed } = await import("/features.js");
    await openNeed(id);
  }, needId);
  await page.waitForFunction((id) => {
    const p = document.querySelector("#panel");
    return !p.hidden && p.dataset.kind === "need" && p.dataset.id === String(id) && p.dataset.loading === "false";
  }, needId);
}

// The member signed in on the page with the panel of a need open, one of
// whose matches is still "proposé" (proposedMatch).
async function memberOnProposedMatch() {
  const { need, match } = await proposedMatch();
  const { page, context, problems } = await openPage(browser, BASE);
  await signInAsMember(page);
  await openNeedPanel(page, need.id);
  return { page, context, problems, need, matchId: match.properties.match_id };
}

describe("the follow-up of matches", () => {
  test("a match moved to « contacté » with a note: Historique says who and when, Suivi counts it", async () => {
    const { page, context, problems, need, matchId } = await memberOnProposedMatch();
    await page.locator(`#panel .matches > li[data-match-id="${matchId}"] button.followup-button`).click();
    await page.waitForFunction(
      (id) =>
        document.querySelector("#panel").dataset.kind === "match" &&
        document.querySelector("#panel").dataset.id === String(id),
      matchId,
    );
    await page.getByLabel("Suivi", { exact: true }).selectOption("contacté");
    await page.getByLabel("Note", { exact: true }).fill("Appel au propriétaire : visite à caler");
    const started = Date.now();
    await page.getByRole("button", { name: "Enregistrer le suivi" }).click();
    await page.waitForFunction(() => document.querySelector("#followup-message").textContent === "Suivi enregistré.");
    const history = page.locator("#panel .history-section");
    await page.waitForFunction(() => document.querySelector("#panel .history-section")?.dataset.state === "done");
    const latest = history.locator(".history > li").first();
    assert.match(await latest.textContent(), /Membre test/);
    assert.match(await latest.locator('[data-field="status"]').textContent(), /proposé → contacté/);
    assert.match(await latest.textContent(), /Appel au propriétaire : visite à caler/);
    const at = new Date(await latest.locator("time").getAttribute("datetime"));
    assert.ok(Math.abs(at.getTime() - started) < 120_000, `dated now: ${at.toISOString()}`);

    // The server agrees.
    const stored = (await json(`/api/needs/${need.id}/matches`)).features.find(
      (f) => f.properties.match_id === matchId,
    );
    assert.equal(stored.properties.status, "contacté");

    // The "Suivi" view: counted, filterable, and it opens the match.
    await page.click("#followup-open");
    await page.selectOption("#followup-circle", "mel");
    await page.selectOption("#followup-status", "contacté");
    const card = page.locator(`#followup-board .board-card[data-match-id="${matchId}"]`);
    await card.waitFor();
    assert.ok(Number(await page.getAttribute('#followup-counts [data-status="contacté"]', "data-count")) >= 1);
    assert.match(page.url(), /view=suivi/);
    await card.click();
    await page.waitForFunction(
      (id) =>
        document.querySelector("#panel").dataset.kind === "match" &&
        document.querySelector("#panel").dataset.id === String(id) &&
        document.querySelector("#followup-view").hidden,
      matchId,
    );
    assert.equal(
      await page.evaluate(() => window.terrier.state.matchLines.features.length),
      1,
      "a line from the need to the building",
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a status change against a version changed meanwhile shows both and lets the person choose", async () => {
    const { page, context, problems, matchId } = await memberOnProposedMatch();
    // The page reads the match's version when its panel opens.
    const read = page.waitForResponse(
      (r) => r.request().method() === "GET" && r.url() === `${BASE}/api/matches/${matchId}`,
    );
    await page.locator(`#panel .matches > li[data-match-id="${matchId}"] button.followup-button`).click();
    await read;
    // Someone else moves it meanwhile.
    const current = await fetch(`${BASE}/api/matches/${matchId}`, { headers: FOUNDATION });
    const changed = await fetch(`${BASE}/api/matches/${matchId}`, {
      method: "PATCH",
      body: JSON.stringify({ status: "visite" }),
      headers: { ...FOUNDATION, "Content-Type": "application/json", "If-Match": current.headers.get("ETag") },
    });
    assert.equal(changed.status, 200);
    await page.getByLabel("Suivi", { exact: true }).selectOption("accord");
    await page.getByRole("button", { name: "Enregistrer le suivi" }).click();
    const row = page.locator('#panel .conflict tr[data-field="status"]');
    await row.waitFor();
    assert.deepEqual(await row.locator("td").allTextContents(), ["accord", "visite"]);
    assert.match(
      await page.textContent("#followup-message"),
      /Quelqu'un a modifié ce suivi entre-temps \(suivi actuel : visite\)/,
    );
    assert.equal((await json(`/api/matches/${matchId}`)).status, "visite", "the stale change was not applied");
    await page.click('#panel .conflict button:has-text("Garder ma version")');
    await page.waitForFunction(() => document.querySelector("#followup-message").textContent === "Suivi enregistré.");
    assert.equal(await page.$("#panel .conflict"), null);
    assert.equal((await json(`/api/matches/${matchId}`)).status, "accord");
    // The refused PATCH is the page's only failed request.
    assert.deepEqual(
      problems.filter((p) => !/412/.test(p)),
      [],
    );
    await context.close();
  });

  test("a request changed meanwhile shows both versions; the current one taken, the next save goes through", async () => {
    const member = { Authorization: `Bearer ${process.env.TERRIER_MEMBER_TOKEN}`, "Content-Type": "application/json" };
    const created = await fetch(`${BASE}/api/requests`, {
      method: "POST",
      headers: member,
      // Every list given, so that the form adds no default of its own.
      body: JSON.stringify({
        received_on: "2026-03-02",
        requester: "Conflit de test",
        subject: "Sujet d'origine",
        channel: "e-mail",
        status: "ouverte",
      }),
    });
    assert.equal(created.status, 201);
    const id = (await created.json()).id;
    const { page, context, problems } = await openPage(browser, BASE);
    await signInAsMember(page);
    await page.click("#requests-open");
    await page.click(`#requests-table tr[data-id="${id}"]`);
    await page.waitForSelector("#request-dialog[open]");
    await page.waitForFunction(
      () => document.querySelector('#request-form [name="subject"]').value === "Sujet d'origine",
    );
    // Someone else changes its subject meanwhile.
    const current = await fetch(`${BASE}/api/requests/${id}`, { headers: member });
    const changed = await fetch(`${BASE}/api/requests/${id}`, {
      method: "PATCH",
      headers: { ...member, "If-Match": current.headers.get("ETag") },
      body: JSON.stringify({ subject: "Sujet changé ailleurs" }),
    });
    assert.equal(changed.status, 200);
    await page.fill('#request-form [name="subject"]', "Mon sujet");
    await page.click('#request-form button[type="submit"]');
    const row = page.locator('#request-dialog .conflict tr[data-field="subject"]');
    await row.waitFor();
    assert.deepEqual(await row.locator("td").allTextContents(), ["Mon sujet", "Sujet changé ailleurs"]);
    assert.equal(await page.locator("#request-dialog .conflict tbody tr").count(), 1, "only the subject differs");
    await page.click('#request-dialog .conflict button:has-text("Reprendre la version actuelle")');
    assert.equal(await page.inputValue('#request-form [name="subject"]'), "Sujet changé ailleurs");
    assert.equal(await page.textContent("#request-error"), "Version actuelle reprise.");
    // Against the version taken: accepted.
    await page.fill('#request-form [name="subject"]', "Après reprise");
    await page.click('#request-form button[type="submit"]');
    await page.waitForFunction(() => !document.querySelector("#request-dialog").open);
    assert.equal((await json(`/api/requests/${id}`, member)).subject, "Après reprise");
    assert.deepEqual(
      problems.filter((p) => !/412/.test(p)),
      [],
    );
    await context.close();
  });
});

describe("confidentiality on the page", () => {
  test("a member never sees an owner, a contact or a note, in the page or in what it receives", async () => {
    // What a foundation reads and a member may not.
    const all = await json("/ogcapi/collections/opportunities/items?territory=mel&limit=10000");
    const secrets = new Set();
    for (const f of all.features) {
      for (const k of ["owner_name", "owner_contact", "notes"])
        if (f.properties[k]) secrets.add(String(f.properties[k]));
    }
    const needs = await json("/ogcapi/collections/needs/items?territory=mel&limit=1000");
    for (const f of needs.features)
      for (const k of ["contact", "notes"]) if (f.properties[k]) secrets.add(String(f.properties[k]));
    assert.ok(secrets.size > 3, "the demo data has confidential fields");
    const target = all.features.find((f) => f.properties.owner_name && f.properties.visibility !== "confidentiel");

    const { page, context, problems } = await openPage(browser, BASE);
    const bodies = [];
    page.on("response", async (r) => {
      if (!r.url().startsWith(BASE) || !(r.headers()["content-type"] ?? "").includes("json")) return;
      try {
        bodies.push({ url: r.url(), text: await r.text() });
      } catch {
        /* a body already gone */
      }
    });
    await signInAsMember(page);
    await openNeedPanel(page, needs.features[0].id);
    await page.evaluate(async (id) => {
      const { openOpportunity } = await import("/features.js");
      await openOpportunity(id);
    }, target.id);
    await page.waitForFunction(() => document.querySelector("#panel").dataset.loading === "false");
    await page.click("#followup-open");
    await page.waitForSelector("#followup-board .board-column");
    await page.click("#requests-open");
    await page.waitForFunction(() => /sollicitation/.test(document.querySelector("#requests-count").textContent));
    const text = await page.evaluate(() => document.body.innerText);
    for (const s of secrets) assert.equal(text.includes(s), false, `the page shows « ${s} »`);
    for (const { url, text: body } of bodies) {
      for (const key of ["owner_name", "owner_contact"])
        assert.equal(body.includes(`"${key}"`), false, `${url} carries ${key}`);
      for (const s of secrets) assert.equal(body.includes(JSON.stringify(s)), false, `${url} carries « ${s} »`);
    }
    assert.equal(await page.$("#panel .confidential"), null);
    assert.equal(await page.isHidden("#request-confidential"), true);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
