// Issue 13's walk, in one flow, as a member of the land group would take it:
// an invitation becomes an account that signs in; two opportunities placed
// by a click and by a commune reach the API and the tiles; an edit against a
// version changed meanwhile shows both; a need drawn as a polygon; a match
// moved to « contacté » with a note that « Historique » dates and signs;
// signing out. Then the member imports a large spreadsheet of its circle and
// the bar follows the server's reading. Against a real `terrier serve` with
// the demo data (tests/web/run) in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { drawnInTiles, idle, jump, launch, openPage, ready } from "./lib/browser.mjs";
import { account, invite, signInWithPassword, uniqueEmail } from "./lib/accounts.mjs";
import { formLabels, openPanel, pixelOf, saved, startDrawing } from "./lib/editing.mjs";

const BASE = process.env.TERRIER_URL;
const ADMIN = { Authorization: `Bearer ${process.env.TERRIER_ADMIN_TOKEN}` };
const RUN = Date.now().toString(36);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function adminCall(method, path, body, headers = {}) {
  const h = { ...ADMIN, ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get("ETag"), json: text ? JSON.parse(text) : null };
}

async function adminGet(path) {
  const r = await adminCall("GET", path);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json;
}

// A match still « proposé » of a need of the MEL circle, on a building a
// member reads.
async function proposedMatch() {
  const member = { Authorization: `Bearer ${process.env.TERRIER_MEMBER_TOKEN}` };
  const needs = await (
    await fetch(`${BASE}/ogcapi/collections/needs/items?territory=mel&limit=200`, { headers: member })
  ).json();
  for (const need of needs.features) {
    const matches = await (await fetch(`${BASE}/api/needs/${need.id}/matches`, { headers: member })).json();
    const m = matches.features.find((f) => f.properties.status === "proposé" && f.properties.still_valid);
    if (m) return { need, match: m };
  }
  throw new Error("no proposed match in the demo data");
}

describe("a land-group member's walk", () => {
  test("invitation → sign-in → opportunities by a click and by a commune → stale edit → polygon → « contacté » → Historique → sign-out", async () => {
    // The invitation becomes an account, signed in at once.
    const email = uniqueEmail("parcours");
    const name = `Claude Parcours ${RUN}`;
    const path = invite(email, "member", { circle: "mel", name });
    const { page, context, problems } = await openPage(browser, BASE, { path, wait: false });
    await page.waitForSelector("#invitation-form:not([hidden])");
    const password = "un long mot de passe du parcours";
    await page.getByLabel("Mot de passe", { exact: true }).fill(password);
    await page.getByLabel("Confirmer le mot de passe").fill(password);
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await page.waitForURL(`${BASE}/`);
    await ready(page);
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "member");
    // Signed out, then in again with the password.
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "public");
    await ready(page);
    assert.ok(await page.isHidden("#new-opportunity"), "no form for the public");
    await signInWithPassword(page, { email, password, role: "member" });
    await ready(page);
    // What the server says a member with a circle may do.
    assert.ok(await page.isVisible("#new-opportunity"));
    assert.ok(await page.isVisible("#new-need"));
    assert.ok(await page.isVisible("#open-import"));

    // A new opportunity placed by a click: no owner, contact or notes in a
    // member's form.
    const where = [3.0581, 50.6303];
    await jump(page, { center: where, zoom: 15 });
    await page.click("#new-opportunity");
    const labels = await formLabels(page);
    for (const l of ["Intitulé", "Type de bien", "Commune", "Visibilité"])
      assert.ok(labels.includes(l), `« ${l} » in ${labels}`);
    for (const l of ["Propriétaire", "Contact du propriétaire", "Remarques"])
      assert.ok(!labels.includes(l), `no « ${l} »`);
    const editor = page.locator("#editor");
    await editor.getByLabel("Intitulé", { exact: true }).fill(`Atelier du parcours ${RUN}`);
    await editor.getByLabel("Type de bien", { exact: true }).selectOption("atelier");
    await editor.getByLabel("Loyer mensuel (€)", { exact: true }).fill("800");
    const pixel = await pixelOf(page, where);
    await page.mouse.click(pixel.x, pixel.y);
    await page.click('#editor button[type="submit"]');
    const clicked = await saved(page, "Fiche créée.");
    // In the API…
    const item = await adminGet(`/ogcapi/collections/opportunities/items/${clicked}`);
    assert.equal(item.properties.title, `Atelier du parcours ${RUN}`);
    assert.equal(item.properties.commune_insee, "59350");
    assert.ok(
      Math.abs(item.geometry.coordinates[0] - where[0]) < 1e-4 &&
        Math.abs(item.geometry.coordinates[1] - where[1]) < 1e-4,
      `placed where clicked: ${item.geometry.coordinates}`,
    );
    // …and in the tiles.
    await page.click("#editor .panel-close");
    await jump(page, { center: where, zoom: 11 });
    assert.ok(await drawnInTiles(page, clicked, where), "the new opportunity is drawn from the tiles");

    // Another placed by its commune.
    await page.click("#new-opportunity");
    await editor.getByLabel("Intitulé", { exact: true }).fill(`Local du parcours à Roubaix ${RUN}`);
    await editor.getByLabel("Type de bien", { exact: true }).selectOption("commerce");
    await editor.getByLabel("Commune", { exact: true }).pressSequentially("Roubai");
    await page.click('#editor .commune-suggestions li[data-code="59512"]');
    await page.click('#editor button[type="submit"]');
    const byCommune = await saved(page, "Fiche créée.");
    const placed = await adminGet(`/ogcapi/collections/opportunities/items/${byCommune}`);
    assert.equal(placed.properties.commune_insee, "59512");
    assert.equal(placed.properties.location_precision, "commune");
    await page.click("#editor .panel-close");

    // « Modifier » against a version changed meanwhile: both shown, the
    // person chooses.
    await openPanel(page, "opportunity", clicked);
    await page.click('#panel button:has-text("Modifier")');
    const rent = editor.getByLabel("Loyer mensuel (€)", { exact: true });
    await rent.waitFor();
    assert.equal(await rent.inputValue(), "800");
    const current = await adminCall("GET", `/ogcapi/collections/opportunities/items/${clicked}`);
    assert.equal(
      (await adminCall("PATCH", `/api/opportunities/${clicked}`, { rent_eur_month: 900 }, { "If-Match": current.etag }))
        .status,
      200,
    );
    await rent.fill("850");
    await page.click('#editor button[type="submit"]');
    const row = page.locator('#editor .conflict tr[data-field="rent_eur_month"]');
    await row.waitFor();
    assert.deepEqual(await row.locator("td").allTextContents(), ["850", "900"]);
    assert.equal((await adminGet(`/ogcapi/collections/opportunities/items/${clicked}`)).properties.rent_eur_month, 900);
    await page.click('#editor .conflict button:has-text("Garder ma version")');
    await saved(page, "Votre version est enregistrée.");
    assert.equal((await adminGet(`/ogcapi/collections/opportunities/items/${clicked}`)).properties.rent_eur_month, 850);
    await page.click("#editor .panel-close");

    // A need whose search area is drawn as a polygon.
    await jump(page, { center: [3.07, 50.64], zoom: 13 });
    await page.click("#new-need");
    await editor.getByLabel("Collectif", { exact: true }).fill(`Collectif du parcours ${RUN}`);
    await editor.getByLabel("Surface minimale (m²)", { exact: true }).fill("90");
    await page.check('#editor input[name="area-mode"][value="polygon"]');
    await startDrawing(page);
    const corners = [
      [3.06, 50.635],
      [3.08, 50.635],
      [3.08, 50.645],
      [3.06, 50.645],
    ];
    for (const c of corners) {
      const p = await pixelOf(page, c);
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(150);
    }
    const first = await pixelOf(page, corners[0]);
    await page.mouse.click(first.x, first.y);
    await page.waitForFunction(() =>
      /Polygone dessiné/.test(document.querySelector("#editor .area-status")?.textContent ?? ""),
    );
    await page.click('#editor button[type="submit"]');
    const needId = await saved(page, "Fiche créée.");
    const need = await adminGet(`/ogcapi/collections/needs/items/${needId}`);
    assert.equal(need.geometry.type, "MultiPolygon");
    assert.equal(need.geometry.coordinates[0][0].length, 5);
    await page.click("#editor .panel-close");

    // A match moved to « contacté » with a note; « Historique » says who
    // and when.
    const { need: matched, match } = await proposedMatch();
    const matchId = match.properties.match_id;
    await openPanel(page, "need", matched.id);
    await page.locator(`#panel .matches > li[data-match-id="${matchId}"] button.followup-button`).click();
    await page.waitForFunction(
      (id) =>
        document.querySelector("#panel").dataset.kind === "match" &&
        document.querySelector("#panel").dataset.id === String(id),
      matchId,
    );
    await page.getByLabel("Suivi", { exact: true }).selectOption("contacté");
    await page.getByLabel("Note", { exact: true }).fill(`Propriétaire appelé ${RUN}`);
    const started = Date.now();
    await page.getByRole("button", { name: "Enregistrer le suivi" }).click();
    await page.waitForFunction(() => document.querySelector("#followup-message").textContent === "Suivi enregistré.");
    await page.waitForFunction(() => document.querySelector("#panel .history-section")?.dataset.state === "done");
    const latest = page.locator("#panel .history-section .history > li").first();
    const who = [name, email].map((s) => s.replace(/[.+]/g, "\\$&")).join("|");
    assert.match(await latest.textContent(), new RegExp(who), "the member, by name or address");
    assert.match(await latest.locator('[data-field="status"]').textContent(), /proposé → contacté/);
    assert.match(await latest.textContent(), new RegExp(`Propriétaire appelé ${RUN}`));
    const at = new Date(await latest.locator("time").getAttribute("datetime"));
    assert.ok(Math.abs(at.getTime() - started) < 120_000, `dated now: ${at.toISOString()}`);

    // Signed out: the page is the public's again.
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "public");
    await ready(page);
    assert.ok(await page.isHidden("#new-opportunity"));
    // The stale edit's 412 is the only HTTP error of the walk.
    const expected = (p) =>
      p === `HTTP 412: ${BASE}/api/opportunities/${clicked}` || /status of 412 \(Precondition Failed\)/.test(p);
    assert.equal(problems.filter(expected).length, 2, problems.join("\n"));
    assert.deepEqual(
      problems.filter((p) => !expected(p)),
      [],
    );
    await context.close();
  });

  test("a member imports a large spreadsheet of its circle: the bar follows the server, rows outside are refused", async () => {
    const member = await account(BASE, "member", { circle: "mel", name: `Dominique Import ${RUN}` });
    const { page, context, problems } = await openPage(browser, BASE);
    await signInWithPassword(page, member);
    await ready(page);
    await page.click("#open-import");
    // Only the kinds a member imports are offered.
    const offered = await page.$$eval("#import-kind option", (os) => os.filter((o) => !o.disabled).map((o) => o.value));
    assert.deepEqual(offered, ["opportunities", "needs"]);
    // 30 000 rows on a grid inside Lille (56 m apart: no probable
    // duplicates), and one in Amiens, outside the circle.
    const rows = 30_000;
    const lines = ["Réf.;Intitulé;Type de bien;Latitude;Longitude;Visibilité"];
    for (let i = 0; i < rows; i += 1) {
      lines.push(
        `GRAND-${RUN}-${i};Local ${i} gt${RUN};bureau;${(50.6 + Math.floor(i / 200) * 0.0005).toFixed(4)};${(3.0 + (i % 200) * 0.0008).toFixed(4)};réseau`,
      );
    }
    lines.push(`GRAND-${RUN}-amiens;Local am${RUN};bureau;49.8940;2.2957;réseau`);
    // The bar's values while the server reads, recorded in the page.
    await page.evaluate(() => {
      window.seenProgress = [];
      const bar = document.querySelector("#import-progress");
      new MutationObserver(() => {
        if (bar.dataset.phase === "server") window.seenProgress.push(Number(bar.dataset.rowsRead));
      }).observe(bar, { attributes: true });
    });
    await page.setInputFiles("#import-file", {
      name: "grand-suivi.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(lines.join("\n"), "utf8"),
    });
    await page.locator('#import-result li[data-count="inserted"]').waitFor({ timeout: 120_000 });
    assert.equal(
      await page.textContent('#import-result li[data-count="inserted"]'),
      `À ajouter : ${new Intl.NumberFormat("fr-FR").format(rows)}`,
    );
    assert.equal(await page.textContent('#import-result li[data-count="rejected"]'), "Refusées : 1");
    const rejected = await page.$$eval("#import-result .import-rejected tbody tr", (trs) =>
      trs.map((r) => [...r.cells].map((c) => c.textContent)),
    );
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0][0], String(rows + 2));
    assert.match(rejected[0][3], /hors de votre cercle \(mel\)/);
    const seen = await page.evaluate(() => window.seenProgress);
    assert.ok(
      seen.some((n) => n > 0 && n < rows),
      `the bar moved while the server read the file: ${seen.slice(0, 20)}`,
    );
    assert.ok(
      seen.every((n, i) => i === 0 || n >= seen[i - 1]),
      "rows read only grow",
    );

    // « Confirmer l'import »: written, in the member's circle only.
    await page.click("#import-confirm");
    await page.waitForFunction(
      () => /^Import terminé/.test(document.querySelector("#import-status").textContent),
      null,
      { timeout: 180_000 },
    );
    assert.match(
      await page.textContent("#import-status"),
      new RegExp(`${new Intl.NumberFormat("fr-FR").format(rows)} ajoutée\\(s\\).*1 refusée\\(s\\)`),
    );
    // (numberMatched is an estimate above the server's exact-count limit.)
    const imported = await adminGet(`/ogcapi/collections/opportunities/items?q=gt${RUN}&limit=10000`);
    assert.equal(imported.features.length, 10_000);
    const last = await adminGet(`/ogcapi/collections/opportunities/items?q=gt${RUN}&limit=10000&offset=20000`);
    assert.equal(last.features.length, rows - 20_000);
    const outside = await adminGet(`/ogcapi/collections/opportunities/items?q=am${RUN}&limit=1`);
    assert.equal(outside.numberMatched, 0);
    await idle(page);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
