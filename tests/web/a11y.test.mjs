// Accessibility of the page, against a real `terrier serve` with the demo
// data (tests/web/run) in Debian's chromium: axe-core (from web-map's
// lockfile) finds no serious or critical violation on the map, the panels,
// each form, the "Suivi" board, the requests' list, the import dialog and the
// account view, for every role that sees them, at a desktop's and a phone's
// width; none of them shows "null", "undefined", "NaN" or "[object Object]";
// a person on a keyboard places a building by typing "Lens", ArrowDown, Enter.
// Every view is saved as a screenshot in tests/artifacts/views/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { account, signInWithPassword } from "./lib/accounts.mjs";
import { idle, launch } from "./lib/browser.mjs";
import { openPanel, saved } from "./lib/editing.mjs";
import { BASE, PHONE, assertNoLeak, axeViolations, get, open, shot, signInWithToken } from "./lib/audit.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A public opportunity and a need of the MEL circle, as anyone reads them.
async function examples() {
  const opportunities = await get("/ogcapi/collections/opportunities/items?territory=mel&limit=20");
  const needs = await get("/ogcapi/collections/needs/items?territory=mel&limit=5");
  return { opportunity: opportunities.features[0], need: needs.features[0] };
}

// On a phone the sidebar is a drawer: open it to reach its buttons.
async function openDrawer(page, phone) {
  if (!phone) return;
  if ((await page.getAttribute("#drawer-toggle", "aria-expanded")) !== "true") await page.click("#drawer-toggle");
  await page.waitForTimeout(300);
}

async function closeDrawer(page, phone) {
  if (phone && (await page.getAttribute("#drawer-toggle", "aria-expanded")) === "true")
    await page.click("#drawer-toggle");
}

// Every view a role sees, checked and photographed: name-width-view.png;
// axe-core's findings on every view, all of them (not only the first view's).
async function walk(page, name, phone) {
  const findings = [];
  const assertAccessible = async (_page, view) => {
    for (const v of await axeViolations(page)) findings.push(`${view}: ${v}`);
  };
  const tag = `${name}-${phone ? "phone" : "desktop"}`;
  const session = await page.evaluate(() => window.terrier.state.session);
  const may = session.may ?? {};
  const signedIn = session.role !== "public";
  const { opportunity, need } = await examples();

  await assertAccessible(page, `${tag}: the map`);
  await shot(page, `${tag}-map`);

  for (const [kind, feature] of [
    ["opportunity", opportunity],
    ["need", need],
  ]) {
    await openPanel(page, kind, feature.id, { settled: true });
    await assertNoLeak(page, "#panel", `${tag}: the ${kind}'s panel`);
    await assertAccessible(page, `${tag}: the ${kind}'s panel`);
    await shot(page, `${tag}-${kind}-panel`);
  }
  await page.click("#panel-close");

  if (signedIn) {
    await page.click("#followup-open");
    await page.waitForSelector("#followup-board .board-column");
    await page.waitForFunction(() => !document.querySelector("#followup-board").hasAttribute("aria-busy"));
    await assertNoLeak(page, "#followup-view", `${tag}: the Suivi board`);
    await assertAccessible(page, `${tag}: the Suivi board`);
    await shot(page, `${tag}-suivi`);
    const card = page.locator("#followup-board a.board-card").first();
    if (await card.count()) {
      await card.click();
      await page.waitForFunction(
        () =>
          document.querySelector("#panel").dataset.kind === "match" &&
          document.querySelector("#panel .history-section")?.dataset.state !== "loading" &&
          document.querySelector("#panel").dataset.loading === "false",
      );
      await idle(page);
      await assertNoLeak(page, "#panel", `${tag}: a match's panel`);
      await assertAccessible(page, `${tag}: a match's panel`);
      await shot(page, `${tag}-match-panel`);
      await page.click("#panel-close");
    }

    await page.click("#requests-open");
    await page.waitForFunction(() => /sollicitation/.test(document.querySelector("#requests-count").textContent));
    await assertNoLeak(page, "#requests-view", `${tag}: the requests' list`);
    await assertAccessible(page, `${tag}: the requests' list`);
    await shot(page, `${tag}-requests`);
    if ((may.writes?.request ?? "none") !== "none") {
      await page.click("#request-new");
      await page.waitForSelector("#request-dialog[open]");
      await assertAccessible(page, `${tag}: the request form`);
      await shot(page, `${tag}-request-form`);
      await page.click("#request-cancel");
    }
    await page.click("#requests-close");
  }

  for (const kind of ["opportunity", "need"]) {
    if ((may.writes?.[kind] ?? "none") === "none") continue;
    await openDrawer(page, phone);
    await page.click(`#new-${kind}`);
    await page.waitForSelector("#editor:not([hidden]) form");
    await closeDrawer(page, phone);
    await assertNoLeak(page, "#editor", `${tag}: the ${kind} form`);
    await assertAccessible(page, `${tag}: the ${kind} form`);
    await shot(page, `${tag}-${kind}-form`);
    await page.click("#editor .panel-close");
  }

  if ((may.import ?? "none") !== "none") {
    await openDrawer(page, phone);
    await page.click("#open-import");
    await page.waitForSelector("#import-dialog[open]");
    await assertAccessible(page, `${tag}: the import dialog`);
    await shot(page, `${tag}-import`);
    await page.click("#import-close");
    await closeDrawer(page, phone);
  }

  if (session.via === "cookie") {
    await page.click("#account-open");
    await page.waitForSelector("#account-dialog[open]");
    await page.waitForTimeout(500); // the tokens' and accounts' lists
    await assertNoLeak(page, "#account-dialog", `${tag}: the account view`);
    await assertAccessible(page, `${tag}: the account view`);
    await shot(page, `${tag}-account`);
    await page.click("#account-close");
  }
  return findings;
}

describe("accessibility of every view, for every role", () => {
  for (const phone of [false, true]) {
    const width = phone ? "a phone" : "a desktop";
    test(`anonymous visitor, on ${width}`, async () => {
      const { page, context, problems } = await open(browser, { viewport: phone ? PHONE : undefined });
      assert.deepEqual(await walk(page, "anonymous", phone), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
    for (const role of ["member", "foundation", "animator"]) {
      test(`${role}, on ${width}`, async () => {
        const { page, context, problems } = await open(browser, { viewport: phone ? PHONE : undefined });
        await signInWithToken(page, role);
        assert.deepEqual(await walk(page, role, phone), []);
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
    test(`admin signed in with a password, on ${width}`, async () => {
      const who = await account(BASE, "admin");
      const { page, context, problems } = await open(browser, { viewport: phone ? PHONE : undefined });
      await signInWithPassword(page, who);
      assert.deepEqual(await walk(page, "admin", phone), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

// Presses Tab until `predicate` holds for the focused element (at most `max`
// presses).
async function tabTo(page, predicate, what, max = 200) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(predicate)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${what} is not reachable with Tab`);
}

describe("the Commune combobox, with the keyboard only", () => {
  test("a building placed at Lens: Tab to « Nouvelle opportunité », Enter, « Lens », ArrowDown, Enter, saved", async () => {
    const { page, context, problems } = await open(browser);
    await signInWithToken(page, "member");
    const title = `Atelier au clavier ${Date.now().toString(36)}`;

    await page.evaluate(() => document.activeElement?.blur());
    await tabTo(page, () => document.activeElement?.id === "new-opportunity", "« Nouvelle opportunité »");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#editor:not([hidden]) form");
    assert.equal(await page.evaluate(() => document.activeElement?.name), "title", "the form opens on its first field");
    await page.keyboard.type(title);
    await tabTo(page, () => document.activeElement?.name === "kind", "« Type de bien »", 5);
    await page.keyboard.press("ArrowDown");
    assert.notEqual(await page.evaluate(() => document.activeElement.value), "", "a kind chosen with ArrowDown");
    await tabTo(page, () => document.activeElement?.id === "form-commune", "« Commune »", 10);

    const input = page.locator("#form-commune");
    assert.equal(await input.getAttribute("role"), "combobox");
    assert.equal(await input.getAttribute("aria-autocomplete"), "list");
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    const listId = await input.getAttribute("aria-controls");
    await page.keyboard.type("Lens");
    await page.waitForSelector(`#${listId}:not([hidden]) [role=option]`);
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    assert.equal(await page.getAttribute(`#${listId}`, "role"), "listbox");
    await page.keyboard.press("ArrowDown");
    const activeId = await input.getAttribute("aria-activedescendant");
    assert.ok(activeId, "ArrowDown makes an option active");
    const active = page.locator(`#${activeId}`);
    assert.equal(await active.getAttribute("role"), "option");
    assert.equal(await active.getAttribute("aria-selected"), "true");
    assert.match(await active.textContent(), /^Lens\b/);
    assert.notEqual(
      await active.evaluate((li) => getComputedStyle(li).backgroundColor),
      "rgba(0, 0, 0, 0)",
      "the active option is highlighted",
    );
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      /commune de Lens/.test(document.querySelector("#editor .location-status").textContent),
    );
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.equal(await page.isVisible("#editor form"), true, "Enter in the combobox does not send the form");

    await tabTo(
      page,
      () => document.activeElement?.type === "submit" && document.activeElement.closest("#editor") !== null,
      "« Enregistrer »",
      60,
    );
    await page.keyboard.press("Enter");
    const id = await saved(page, "Fiche créée.");

    const stored = await get(`/ogcapi/collections/opportunities/items/${id}`, "member");
    assert.equal(stored.properties.title, title);
    assert.equal(stored.properties.commune_insee, "62498", "the opportunity lies in Lens");
    assert.equal(stored.geometry?.type, "Point");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("Enter on a name typed exactly (« lens ») chooses it; ArrowUp moves back; Escape closes the list", async () => {
    const { page, context, problems } = await open(browser);
    await signInWithToken(page, "member");
    await page.click("#new-opportunity");
    await page.waitForSelector("#editor:not([hidden]) form");
    const input = page.locator("#form-commune");
    await input.focus();
    await page.keyboard.type("lens");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      /commune de Lens/.test(document.querySelector("#editor .location-status").textContent),
    );
    assert.equal(await input.inputValue(), "Lens");

    await input.fill("");
    await page.keyboard.type("Lil");
    const listId = await input.getAttribute("aria-controls");
    await page.waitForSelector(`#${listId}:not([hidden]) [role=option]`);
    const options = await page.locator(`#${listId} [role=option]`).count();
    assert.ok(options >= 2, `several communes for « Lil » (${options})`);
    // The keys' handlers finish once the search for what was typed is back
    // (the list may still show an earlier, shorter one's): what they set is
    // awaited, then read.
    const activeBecomes = (id) =>
      page
        .waitForFunction(
          (id) => document.querySelector("#form-commune").getAttribute("aria-activedescendant") === id,
          id,
          { timeout: 10_000 },
        )
        .catch(() => {});
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const second = `${listId.replace(/-list$/, "")}-option-1`;
    await activeBecomes(second);
    assert.equal(await input.getAttribute("aria-activedescendant"), second);
    await page.keyboard.press("ArrowUp");
    const first = `${listId.replace(/-list$/, "")}-option-0`;
    await activeBecomes(first);
    assert.equal(await input.getAttribute("aria-activedescendant"), first);
    assert.equal(await page.getAttribute(`#${first}`, "aria-selected"), "true");
    assert.equal(await page.locator(`#${listId} [aria-selected=true]`).count(), 1);
    await page.keyboard.press("Escape");
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.equal(await page.isHidden(`#${listId}`), true);
    assert.equal(await input.getAttribute("aria-activedescendant"), null);
    assert.equal(await page.isVisible("#editor form"), true, "Escape closes the list, not the form");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
