// What the accessibility and link tests share: a page whose context lets
// axe-core in (the page's CSP forbids the inline script addScriptTag adds),
// signing in with a token, axe-core's serious and critical violations, the
// words a page must never show, and screenshots under tests/artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BASE } from "./api.mjs";
import { DESKTOP, ready, recordOutside } from "./browser.mjs";

export { BASE, TOKENS, api, get } from "./api.mjs";
export { signInWithToken } from "./browser.mjs";

export const PHONE = { width: 390, height: 844 };
const AXE = join(process.env.TERRIER_WEB_MODULES, "axe-core", "axe.min.js");
const SHOTS = join(process.env.TERRIER_ARTIFACTS ?? "tests/artifacts", "views");

// A page on `path`, recording console errors, page errors and any request
// that leaves the server under test (refused).
export async function open(browser, { path = "/", viewport = DESKTOP, wait = true, clipboard = true } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP: true, locale: "fr-FR" });
  if (clipboard) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  const page = await context.newPage();
  const problems = [];
  recordOutside(context, BASE, (url) => problems.push(`outside request: ${url}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${BASE}${path}`);
  if (wait) await ready(page);
  return { page, context, problems };
}

// axe-core's serious and critical violations on the page as it is now, one
// line each with the elements concerned.
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 6)
          .map((n) => n.target.join(" "))
          .join(" | ")}`,
    );
}

export async function assertAccessible(page, view) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${view}: axe-core finds ${violations.length} serious or critical violation(s)`);
}

// The words a server value leaks as when it is not rendered properly.
const LEAKS = /\b(null|undefined|NaN)\b|\[object Object\]/;

export async function assertNoLeak(page, selector, view) {
  const text = await page.locator(selector).innerText();
  const found = LEAKS.exec(text);
  assert.equal(
    found,
    null,
    `${view} shows « ${found?.[0]} » in: ${text.slice(Math.max(0, (found?.index ?? 0) - 80), (found?.index ?? 0) + 40)}`,
  );
}

// A screenshot of the page as it is, in tests/artifacts/views/NAME.png.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}
