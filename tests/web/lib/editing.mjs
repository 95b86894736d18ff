// What the browser tests of the editing forms share: where a longitude and
// latitude are on the page, waiting for the form's status, and opening a
// feature's panel the way the search and "Suivi" paths do.
import assert from "node:assert/strict";
import { idle } from "./browser.mjs";

// The page pixel of a longitude and latitude on the map.
export function pixelOf(page, lngLat) {
  return page.evaluate((ll) => {
    const map = window.terrier.map;
    const p = map.project(ll);
    const rect = map.getCanvas().getBoundingClientRect();
    return { x: rect.left + p.x, y: rect.top + p.y };
  }, lngLat);
}

// Waits for the form to say `text`; the saved row's id.
// Starts drawing the open form's search area, and waits until the map takes
// the corners: Terra Draw is loaded at the first drawing, and the form's
// status says when it is ready.
export async function startDrawing(page) {
  await page.click('#editor button:has-text("Dessiner sur la carte")');
  await page.waitForFunction(() =>
    /Cliquez les sommets/.test(document.querySelector("#editor .area-status")?.textContent ?? ""),
  );
}

export async function saved(page, text) {
  try {
    await page.waitForFunction((t) => document.querySelector("#editor .editor-status")?.textContent === t, text, {
      timeout: 30_000,
    });
  } catch (e) {
    const status = await page.textContent("#editor .editor-status").catch(() => null);
    const errors = await page
      .$$eval("#editor .field-error", (ps) => ps.map((p) => p.textContent).filter(Boolean))
      .catch(() => []);
    assert.fail(`expected « ${text} », the form says « ${status} » ${errors.join(" ")} (${e.message})`);
  }
  return Number(await page.getAttribute("#editor", "data-id"));
}

// Opens an opportunity's or a need's panel (features.js), as a search result
// would; `settled`: also waits for its history and for the map to be idle
// (before a screenshot or an accessibility check).
export async function openPanel(page, kind, id, { settled = false } = {}) {
  await page.evaluate(
    async ({ kind, id }) => {
      const features = await import("/features.js");
      await (kind === "need" ? features.openNeed(id) : features.openOpportunity(id));
    },
    { kind, id },
  );
  await page.waitForFunction(
    ({ kind, id }) => {
      const p = document.querySelector("#panel");
      return !p.hidden && p.dataset.kind === kind && p.dataset.id === String(id) && p.dataset.loading === "false";
    },
    { kind, id },
  );
  if (!settled) return;
  await page.waitForFunction(() => document.querySelector("#panel .history-section")?.dataset.state !== "loading");
  await idle(page);
}

// The labels of the open form's controls and fieldsets.
export function formLabels(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#editor label[for], #editor legend")].map((l) => l.textContent.trim()),
  );
}
