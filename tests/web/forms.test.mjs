// The editing forms and the import from the page, in a real browser (Debian's
// chromium through playwright-core) against a real `terrier serve` with the
// demo data (started by tests/web/run): what is saved is read back from the
// API and the tiles.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BASE, api, get } from "./lib/api.mjs";
import {
  clickablePixel,
  drawnInTiles,
  idle,
  jump,
  launch,
  openPage as openOn,
  signInWithToken,
} from "./lib/browser.mjs";
import { formLabels, pixelOf, saved, startDrawing } from "./lib/editing.mjs";

const ARTIFACTS = process.env.TERRIER_ARTIFACTS;
const OPPORTUNITY_LABELS = [
  "Intitulé",
  "Type de bien",
  "Adresse",
  "Commune",
  "Surface bâtie (m²)",
  "Surface du terrain (m²)",
  "Modalités",
  "Loyer mensuel (€)",
  "Prix (€)",
  "Disponible à partir du",
  "Statut",
  "Visibilité",
];
const CONFIDENTIAL_LABELS = ["Propriétaire", "Contact du propriétaire", "Remarques"];
// Names of this run's rows, so that a second run against the same database
// finds only its own.
const RUN = Date.now().toString(36);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function call(method, path, role, body, headers = {}) {
  return api(path, role, { method, body, headers });
}

// A page signed in as `role` (lib/browser.mjs's: every console error, page
// error, failed request and HTTP error recorded; nothing outside this server).
async function openPage(role, { viewport } = {}) {
  const opened = await openOn(browser, BASE, { viewport, ign: "outside", locale: "fr-FR" });
  if (role) await signInWithToken(opened.page, role);
  return opened;
}

// Opens the panel of the first of `ids` that a click reaches at `view`;
// returns its id.
async function openFeature(page, kind, ids, view) {
  await jump(page, view);
  const layer = kind === "opportunity" ? "opportunities-detail" : "needs-fill";
  let pixel = null;
  let id = null;
  for (id of [ids].flat()) {
    pixel = await clickablePixel(page, layer, id);
    if (pixel) break;
  }
  assert.ok(pixel, `${kind} ${ids} is drawn and clickable`);
  await page.mouse.click(pixel.x, pixel.y);
  // The needs of one territory are one area, whose click lists them.
  await page.waitForFunction(
    ({ kind, id }) => {
      const p = document.querySelector("#panel");
      if (p.hidden || p.dataset.loading !== "false") return false;
      return p.dataset.kind === "need-group" || (p.dataset.kind === kind && p.dataset.id === String(id));
    },
    { kind, id },
  );
  if ((await page.getAttribute("#panel", "data-kind")) === "need-group") {
    await page.click(`#panel .need-group button[data-id="${id}"]`);
  }
  await page.waitForFunction(
    ({ kind, id }) => {
      const p = document.querySelector("#panel");
      return !p.hidden && p.dataset.kind === kind && p.dataset.id === String(id) && p.dataset.loading === "false";
    },
    { kind, id },
  );
  return id;
}

describe("editing on the map", () => {
  test("an admin places a new opportunity by a click and another by a commune; both reach the API and the tiles", async () => {
    const { page, context, problems } = await openPage("admin");
    await page.click("#new-opportunity");
    const labels = await formLabels(page);
    for (const l of [...OPPORTUNITY_LABELS, ...CONFIDENTIAL_LABELS])
      assert.ok(labels.includes(l), `label « ${l} » in ${labels}`);
    const tenures = (await get("/api/map-config")).vocabularies.tenures;
    assert.equal(
      await page.locator('#editor input[name="tenures"]').count(),
      tenures.length,
      "one checkbox per tenure",
    );
    assert.ok(await page.isVisible('#editor button[type="submit"]:has-text("Enregistrer")'));

    // By a click on the map.
    const where = [3.0573, 50.6292];
    await jump(page, { center: where, zoom: 15 });
    await page.locator("#editor").getByLabel("Intitulé", { exact: true }).fill("Atelier posé d'un clic");
    await page.locator("#editor").getByLabel("Type de bien", { exact: true }).selectOption("atelier");
    await page.locator("#editor").getByLabel("Surface bâtie (m²)", { exact: true }).fill("140");
    await page.check('#editor input[name="tenures"][value="location"]');
    await page.locator("#editor").getByLabel("Loyer mensuel (€)", { exact: true }).fill("850");
    await page.locator("#editor").getByLabel("Propriétaire", { exact: true }).fill("SCI du Clic");
    const pixel = await pixelOf(page, where);
    await page.mouse.click(pixel.x, pixel.y);
    await page.click('#editor button[type="submit"]');
    const clicked = await saved(page, "Fiche créée.");
    const item = await get(`/ogcapi/collections/opportunities/items/${clicked}`, "admin");
    assert.equal(item.properties.title, "Atelier posé d'un clic");
    assert.equal(item.properties.owner_name, "SCI du Clic");
    assert.deepEqual(item.properties.tenures, ["location"]);
    assert.equal(item.properties.commune_insee, "59350");
    assert.ok(
      Math.abs(item.geometry.coordinates[0] - where[0]) < 1e-4 &&
        Math.abs(item.geometry.coordinates[1] - where[1]) < 1e-4,
      `placed where clicked: ${item.geometry.coordinates}`,
    );
    assert.equal(
      (await get(`/ogcapi/collections/opportunities/items/${clicked}`)).properties.owner_name,
      undefined,
      "the public reads it without its owner",
    );
    // In the vector tiles, at once.
    await page.click("#editor .panel-close");
    await jump(page, { center: where, zoom: 11 });
    assert.ok(await drawnInTiles(page, clicked, where), "the new opportunity is drawn from the tiles");

    // By a commune typed in "Commune".
    await page.click("#new-opportunity");
    await page.locator("#editor").getByLabel("Intitulé", { exact: true }).fill(`Local placé par sa commune ${RUN}`);
    await page.locator("#editor").getByLabel("Type de bien", { exact: true }).selectOption("commerce");
    await page.locator("#editor").getByLabel("Commune", { exact: true }).pressSequentially("Roubai");
    await page.click('#editor .commune-suggestions li[data-code="59512"]');
    await page.click('#editor button[type="submit"]');
    const byCommune = await saved(page, "Fiche créée.");
    const placed = await get(`/ogcapi/collections/opportunities/items/${byCommune}`, "admin");
    assert.equal(placed.properties.commune_insee, "59512");
    assert.equal(placed.properties.location_precision, "commune");
    const inRoubaix = await get(
      `/ogcapi/collections/opportunities/items?territory=roubaix-59512&q=${encodeURIComponent(`placé par sa commune ${RUN}`)}`,
    );
    assert.equal(inRoubaix.numberMatched, 1, "the point lies inside Roubaix");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a refused field is shown next to that field, in French, and nothing is saved", async () => {
    const { page, context } = await openPage("admin");
    const before = (await get("/ogcapi/collections/opportunities/items?limit=1", "admin")).numberMatched;
    await page.click("#new-opportunity");
    await page.locator("#editor").getByLabel("Intitulé", { exact: true }).fill("Surface impossible");
    await page.locator("#editor").getByLabel("Type de bien", { exact: true }).selectOption("bureau");
    await page.locator("#editor").getByLabel("Surface bâtie (m²)", { exact: true }).fill("-5");
    const pixel = await pixelOf(page, [2.83, 50.43]);
    await page.mouse.click(pixel.x, pixel.y);
    await page.click('#editor button[type="submit"]');
    const error = page.locator('#editor .field-error[data-error-for="built_surface_m2"]');
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /Surface bâtie \(m²\).*doit être supérieur à 0/);
    assert.equal(await page.locator("#editor .form-field.invalid").count(), 1);
    assert.equal((await get("/ogcapi/collections/opportunities/items?limit=1", "admin")).numberMatched, before);
    await context.close();
  });

  test('"Modifier" in a panel opens the form filled in; "Vérifiée aujourd\'hui" sets last_verified', async () => {
    const created = await call("POST", "/api/opportunities", "admin", {
      title: "Hangar à vérifier",
      kind: "entrepôt",
      lat: 50.6265,
      lon: 3.0702,
      rent_eur_month: 1000,
      visibility: "public",
    });
    assert.equal(created.status, 201);
    const id = created.json.id;
    const { page, context } = await openPage("admin");
    await openFeature(page, "opportunity", id, { center: [3.0702, 50.6265], zoom: 15 });
    await page.click('#panel button:has-text("Modifier")');
    const rent = page.locator("#editor").getByLabel("Loyer mensuel (€)", { exact: true });
    await rent.waitFor();
    assert.equal(await rent.inputValue(), "1000");
    assert.equal(
      await page.locator("#editor").getByLabel("Intitulé", { exact: true }).inputValue(),
      "Hangar à vérifier",
    );
    await rent.fill("1150");
    await page.click('#editor button[type="submit"]');
    await saved(page, "Modifications enregistrées.");
    assert.equal((await get(`/ogcapi/collections/opportunities/items/${id}`, "admin")).properties.rent_eur_month, 1150);
    await page.click('#editor button:has-text("Vérifiée aujourd\'hui")');
    await saved(page, "Vérification enregistrée.");
    const today = new Date();
    const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    assert.equal((await get(`/ogcapi/collections/opportunities/items/${id}`, "admin")).properties.last_verified, iso);
    await context.close();
  });

  test("an edit from the panel against a version changed meanwhile shows both and lets the person choose", async () => {
    const created = await call("POST", "/api/opportunities", "admin", {
      title: "Hangar disputé",
      kind: "entrepôt",
      lat: 50.6245,
      lon: 3.0722,
      rent_eur_month: 1000,
      visibility: "public",
    });
    assert.equal(created.status, 201);
    const id = created.json.id;
    const { page, context } = await openPage("admin");
    await openFeature(page, "opportunity", [id], { center: [3.0722, 50.6245], zoom: 15 });
    await page.click('#panel button:has-text("Modifier")');
    await page.locator("#editor").getByLabel("Loyer mensuel (€)", { exact: true }).waitFor();
    assert.equal(await page.locator("#editor").getByLabel("Loyer mensuel (€)", { exact: true }).inputValue(), "1000");
    // Someone else changes the rent meanwhile.
    const item = await call("GET", `/ogcapi/collections/opportunities/items/${id}`, "admin");
    assert.equal(
      (await call("PATCH", `/api/opportunities/${id}`, "admin", { rent_eur_month: 1100 }, { "If-Match": item.etag }))
        .status,
      200,
    );
    await page.locator("#editor").getByLabel("Loyer mensuel (€)", { exact: true }).fill("1250");
    await page.click('#editor button[type="submit"]');
    const row = page.locator('#editor .conflict tr[data-field="rent_eur_month"]');
    await row.waitFor();
    assert.deepEqual(await row.locator("td").allTextContents(), ["1250", "1100"]);
    assert.equal(
      (await get(`/ogcapi/collections/opportunities/items/${id}`, "admin")).properties.rent_eur_month,
      1100,
      "the stale edit was not applied",
    );
    await page.click('#editor .conflict button:has-text("Garder ma version")');
    await saved(page, "Votre version est enregistrée.");
    assert.equal((await get(`/ogcapi/collections/opportunities/items/${id}`, "admin")).properties.rent_eur_month, 1250);
    await context.close();
  });

  test("a need's search area drawn as a polygon on the map", async () => {
    const { page, context, problems } = await openPage("admin");
    await jump(page, { center: [2.78, 50.43], zoom: 13 });
    await page.click("#new-need");
    await page.locator("#editor").getByLabel("Collectif", { exact: true }).fill("Collectif du polygone");
    await page.locator("#editor").getByLabel("Surface minimale (m²)", { exact: true }).fill("100");
    await page.check('#editor input[name="area-mode"][value="polygon"]');
    await startDrawing(page);
    const corners = [
      [2.76, 50.42],
      [2.8, 50.42],
      [2.8, 50.44],
      [2.76, 50.44],
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
    const id = await saved(page, "Fiche créée.");
    const need = await get(`/ogcapi/collections/needs/items/${id}`, "admin");
    // Stored as a MultiPolygon of the one polygon drawn.
    assert.equal(need.geometry.type, "MultiPolygon");
    assert.equal(need.geometry.coordinates.length, 1);
    const ring = need.geometry.coordinates[0][0];
    assert.equal(ring.length, 5, `four corners and the closing one: ${JSON.stringify(ring)}`);
    for (const c of corners) {
      assert.ok(
        ring.some(([x, y]) => Math.abs(x - c[0]) < 2e-4 && Math.abs(y - c[1]) < 2e-4),
        `corner ${c} in ${JSON.stringify(ring)}`,
      );
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the animator creates and edits only needs of its circle, without the collectives' contacts", async () => {
    const { page, context } = await openPage("animator");
    assert.ok(await page.isHidden("#new-opportunity"));
    assert.ok(await page.isHidden("#open-import"));
    await page.click("#new-need");
    const labels = await formLabels(page);
    assert.ok(
      !labels.includes("Contact du collectif") && !labels.includes("Remarques"),
      `no confidential field: ${labels}`,
    );
    const circles = await page.evaluate(() =>
      [...document.querySelectorAll("#form-area-circle option")].map((o) => o.value),
    );
    assert.deepEqual(circles, ["mel"]);
    await page.click("#editor .panel-close");

    // Needs whose area is in the MEL circle, and needs of the Douaisis-Pévèle.
    const inMel = (await get("/ogcapi/collections/needs/items?territory=mel&limit=100")).features.map((f) => f.id);
    const inDouaisis = (await get("/ogcapi/collections/needs/items?territory=douaisis-pevele&limit=100")).features
      .map((f) => f.id)
      .filter((id) => !inMel.includes(id));
    assert.ok(inMel.length && inDouaisis.length);
    const inside = { id: await openFeature(page, "need", inMel, { center: [3.07, 50.64], zoom: 11 }) };
    assert.equal(await page.locator('#panel button:has-text("Modifier")').count(), 1, "a need of its circle");
    await page.click('#panel button:has-text("Modifier")');
    const surfaces = await Promise.all(
      ["Surface minimale (m²)", "Surface idéale (m²)", "Surface maximale (m²)"].map((l) =>
        page.locator("#editor").getByLabel(l, { exact: true }).inputValue(),
      ),
    );
    const larger = Math.max(0, ...surfaces.map(Number)) + 150;
    await page.locator("#editor").getByLabel("Surface maximale (m²)", { exact: true }).fill(String(larger));
    await page.click('#editor button[type="submit"]');
    await saved(page, "Modifications enregistrées.");
    assert.equal((await get(`/ogcapi/collections/needs/items/${inside.id}`)).properties.surface_max_m2, larger);
    assert.ok(
      (await get(`/ogcapi/collections/needs/items/${inside.id}`, "foundation")).properties.contact,
      "the contact the animator could not see is still there",
    );
    await page.click("#editor .panel-close");
    const outside = { id: await openFeature(page, "need", inDouaisis, { center: [3.1, 50.37], zoom: 10 }) };
    assert.equal(await page.locator('#panel button:has-text("Modifier")').count(), 0, "a need of another circle");
    const refused = await call("PATCH", `/api/needs/${outside.id}`, "animator", { surface_max_m2: 5000 });
    assert.equal(refused.status, 403);
    await context.close();
  });

  test("a member edits what it reads, never a confidential row, field or visibility", async () => {
    const { page, context } = await openPage("member");
    // The buttons the server's "may" gives a member without a circle: forms,
    // no import.
    assert.ok(await page.isVisible("#new-opportunity"));
    assert.ok(await page.isVisible("#new-need"));
    assert.ok(await page.isHidden("#open-import"));
    const all = await get("/ogcapi/collections/opportunities/items?limit=10000", "admin");
    const secret = all.features.find((f) => f.properties.visibility === "confidentiel" && f.geometry);
    assert.ok(secret, "the demo data has a confidential opportunity");
    assert.equal((await call("GET", `/ogcapi/collections/opportunities/items/${secret.id}`, "member")).status, 404);
    assert.equal((await call("PATCH", `/api/opportunities/${secret.id}`, "member", { title: "x" })).status, 404);
    await jump(page, { center: secret.geometry.coordinates, zoom: 15 });
    const drawn = await page.evaluate(
      (id) =>
        window.terrier.map
          .queryRenderedFeatures({ layers: ["opportunities-detail", "opportunities-tiles"] })
          .some((f) => String(f.properties.id ?? f.id) === String(id)),
      secret.id,
    );
    assert.equal(drawn, false, "the confidential opportunity is not on the member's map");
    const network = all.features.find((f) => f.properties.visibility === "réseau" && f.geometry?.type === "Point");
    await openFeature(page, "opportunity", network.id, { center: network.geometry.coordinates, zoom: 15 });
    assert.equal(await page.locator("#panel .confidential").count(), 0);
    await page.locator('#panel button:has-text("Modifier")').click();
    const editor = page.locator("#editor");
    await editor.getByLabel("Intitulé", { exact: true }).waitFor();
    for (const label of CONFIDENTIAL_LABELS)
      assert.equal(await editor.getByLabel(label, { exact: true }).count(), 0, label);
    const visibilities = await editor
      .getByLabel("Visibilité", { exact: true })
      .evaluate((s) => [...s.options].map((o) => o.value));
    assert.deepEqual(visibilities.filter(Boolean), ["public", "réseau"]);
    await context.close();
  });
});

describe("importing from the page", () => {
  test("an admin drops a spreadsheet: the header as read, the dry run's report, then the import", async () => {
    const { page, context, problems } = await openPage("admin");
    const tag = `imp${RUN}`;
    const csv = [
      "Réf.;Intitulé;Type de bien;Code INSEE;Surface bâtie (m²);Loyer (€/mois);Couleur du volet",
      `PAGE-${RUN}-1;Atelier importé un ${tag};atelier;59350;120;700;vert`,
      `PAGE-${RUN}-2;Bureau importé deux ${tag};bureau;59512;80;;bleu`,
      `PAGE-${RUN}-3;Surface négative;bureau;59350;-40;;rouge`,
    ].join("\r\n");
    await page.click("#open-import");
    await page.selectOption("#import-kind", "opportunities");
    await page.setInputFiles("#import-file", {
      name: "suivi.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv, "utf8"),
    });
    await page.locator("#import-result .import-header").waitFor();
    const header = await page.$$eval("#import-result .import-header tbody tr", (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)),
    );
    assert.deepEqual(header[0], ["Réf.", "Référence"]);
    assert.deepEqual(header[4], ["Surface bâtie (m²)", "Surface bâtie (m²)"]);
    assert.equal(header[6][0], "Couleur du volet");
    assert.match(header[6][1], /^ignorée/);
    assert.match(await page.textContent("#import-result .import-ignored"), /Couleur du volet/);
    assert.equal(await page.textContent('#import-result li[data-count="inserted"]'), "À ajouter : 2");
    assert.equal(await page.textContent('#import-result li[data-count="rejected"]'), "Refusées : 1");
    const rejected = await page.$$eval("#import-result .import-rejected tbody tr", (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)),
    );
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0][0], "4");
    assert.equal(rejected[0][1], "Surface bâtie (m²)");
    assert.equal(
      (await get(`/ogcapi/collections/opportunities/items?q=${encodeURIComponent(tag)}`, "admin")).numberMatched,
      0,
      "the dry run wrote nothing",
    );

    await page.click("#import-confirm");
    await page.waitForFunction(
      () => /^Import terminé/.test(document.querySelector("#import-status").textContent),
      null,
      { timeout: 60_000 },
    );
    assert.match(await page.textContent("#import-status"), /2 ajoutée\(s\).*1 refusée\(s\)/);
    const imported = await get(`/ogcapi/collections/opportunities/items?q=${encodeURIComponent(tag)}`, "admin");
    assert.deepEqual(imported.features.map((f) => f.properties.title).sort(), [
      `Atelier importé un ${tag}`,
      `Bureau importé deux ${tag}`,
    ]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a screenshot of the page with the new opportunity form open", async () => {
    const { page, context } = await openPage("admin", { viewport: { width: 1280, height: 800 } });
    await jump(page, { center: [3.06, 50.63], zoom: 13 });
    await page.click("#new-opportunity");
    await page.locator("#editor").getByLabel("Intitulé", { exact: true }).fill("Ancienne menuiserie rue de Wazemmes");
    await page.locator("#editor").getByLabel("Type de bien", { exact: true }).selectOption("atelier");
    await page.locator("#editor").getByLabel("Surface bâtie (m²)", { exact: true }).fill("320");
    await page.check('#editor input[name="tenures"][value="bcus"]');
    const p = await pixelOf(page, [3.052, 50.628]);
    await page.mouse.click(p.x, p.y);
    await idle(page);
    const file = join(ARTIFACTS, "formulaire.png");
    await page.screenshot({ path: file });
    const png = await readFile(file);
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 50_000, "a drawn page, not a blank one");
    await context.close();
  });
});
