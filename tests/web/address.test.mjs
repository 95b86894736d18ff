// Buildings placed by their address (issue 23): in the opportunity form,
// typing in "Adresse" lists the geocoder's addresses (a local stand-in for
// IGN's Géoplateforme, tests/support/geocoder.py, named to the server by
// TERRIER_GEOCODER_URL in tests/web/run), asked once the typing pauses and
// without the person's credentials; choosing one places the marker, and the
// saved opportunity lies there with the precision "adresse". When the
// geocoder fails, the form still places a building by a click. The page's
// CSP lets the geocoder in (no bypass here). Against a real `terrier serve`
// in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE, get } from "./lib/api.mjs";
import { DESKTOP, jump, launch, openPage, signInWithToken, until } from "./lib/browser.mjs";
import { pixelOf, saved } from "./lib/editing.mjs";
import { shot } from "./lib/audit.mjs";

const GEOCODER = process.env.TERRIER_GEOCODER_URL;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The geocoder's log: "GET /search?q=… [credentials]", one line a request.
function geocoderLog() {
  return readFileSync(process.env.TERRIER_GEOCODER_LOG, "utf8").split("\n").filter(Boolean);
}

async function openForm(viewport) {
  const opened = await openPage(browser, BASE, { viewport, ign: "outside", locale: "fr-FR" });
  await signInWithToken(opened.page, "admin");
  // At phone width the buttons are in the drawer.
  if (viewport.width < 600) await opened.page.click("#drawer-toggle");
  await opened.page.click("#new-opportunity");
  const editor = opened.page.locator("#editor");
  await editor.getByLabel("Type de bien", { exact: true }).selectOption("atelier");
  return { ...opened, editor };
}

describe("addresses", () => {
  test("an address chosen in the form places the point, with the precision « adresse »", async () => {
    assert.ok(GEOCODER?.startsWith("http://127.0.0.1:"), `a local geocoder: ${GEOCODER}`);
    const config = await get("/api/map-config");
    assert.equal(config.geocoder, GEOCODER, "/api/map-config names the server's geocoder");
    const csp = (await fetch(`${BASE}/`)).headers.get("content-security-policy");
    assert.match(csp, new RegExp(`connect-src [^;]*${GEOCODER.replace(/[.:/]/g, "\\$&")}`), csp);

    const { page, context, problems, outside, editor } = await openForm(DESKTOP);
    await editor.getByLabel("Intitulé", { exact: true }).fill("Atelier de la rue Nationale");
    const before = geocoderLog().length;
    const address = editor.getByLabel("Adresse", { exact: true });
    assert.equal(await address.getAttribute("role"), "combobox");
    // Typed as a person types: one request once the typing pauses.
    await address.pressSequentially("12 rue nat", { delay: 40 });
    const options = page.locator(".address-suggestions [role=option]");
    await options.first().waitFor();
    assert.deepEqual(await options.allInnerTexts(), ["12 Rue Nationale 59000 Lille", "12 Rue Nationale 59800 Lille"]);
    const asked = geocoderLog().slice(before);
    assert.equal(asked.length, 1, `one request for the typing: ${asked}`);
    assert.match(asked[0], /^GET \/search\?q=12%20rue%20nat&autocomplete=1&limit=5$/, "no credentials sent");
    await shot(page, "address-suggestions-desktop");

    // By the keyboard: the first suggestion.
    await address.press("ArrowDown");
    await address.press("Enter");
    assert.equal(await address.inputValue(), "12 Rue Nationale");
    assert.match(
      await page.innerText("#editor .location-status"),
      /12 Rue Nationale 59000 Lille \(précision : adresse\)/,
    );
    assert.equal(await page.locator(".editor-marker").count(), 1, "the marker is placed");
    await page.click('#editor button[type="submit"]');
    const id = await saved(page, "Fiche créée.");
    const item = await get(`/ogcapi/collections/opportunities/items/${id}`, "admin");
    assert.equal(item.properties.location_precision, "adresse");
    assert.equal(item.properties.address, "12 Rue Nationale");
    assert.equal(item.properties.commune_insee, "59350");
    assert.deepEqual(
      item.geometry.coordinates.map((v) => Math.round(v * 1e5) / 1e5),
      [3.05862, 50.63558],
      "placed at the geocoder's point",
    );
    assert.deepEqual(problems, []);
    assert.ok(
      outside.every((u) => u.startsWith(`${GEOCODER}/search?`)),
      `nothing else leaves the server: ${outside}`,
    );
    await context.close();
  });

  test("without its geocoder the form still places a building by a click", async () => {
    const { page, context, problems, editor } = await openForm(DESKTOP);
    await editor.getByLabel("Intitulé", { exact: true }).fill("Atelier sans géocodeur");
    const address = editor.getByLabel("Adresse", { exact: true });
    const before = geocoderLog().length;
    await address.pressSequentially("3 rue en panne", { delay: 20 });
    // The geocoder answers 503: the list stays closed, the text typed stays.
    await until(() => geocoderLog().length > before, "the geocoder asked");
    await page.waitForFunction(
      () => document.querySelector('#editor [data-field="address"] input').dataset.lookup === "failed",
    );
    assert.equal(geocoderLog().length, before + 1, "the geocoder was asked once");
    assert.equal(await page.locator(".address-suggestions").isHidden(), true);
    assert.equal(await address.inputValue(), "3 rue en panne");
    const where = [3.0573, 50.6292];
    await jump(page, { center: where, zoom: 15 });
    const pixel = await pixelOf(page, where);
    await page.mouse.click(pixel.x, pixel.y);
    await page.click('#editor button[type="submit"]');
    const id = await saved(page, "Fiche créée.");
    const item = await get(`/ogcapi/collections/opportunities/items/${id}`, "admin");
    assert.equal(item.properties.address, "3 rue en panne");
    assert.equal(item.properties.location_precision, "exact");
    // The geocoder's refusal is the only thing that went wrong.
    assert.deepEqual(
      problems.filter((p) => !p.includes(GEOCODER) && !p.includes("503")),
      [],
    );
    await context.close();
  });

  test("the suggestions fit a phone's width", async () => {
    const { page, context, problems, editor } = await openForm({ width: 390, height: 844 });
    const address = editor.getByLabel("Adresse", { exact: true });
    await address.pressSequentially("boulevard de la liberté", { delay: 10 });
    const options = page.locator(".address-suggestions [role=option]");
    await options.first().waitFor();
    assert.deepEqual(await options.allInnerTexts(), ["45 Boulevard de la Liberté 59000 Lille"]);
    const box = await page.locator(".address-suggestions").boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `within the screen: ${JSON.stringify(box)}`);
    await shot(page, "address-suggestions-phone");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
