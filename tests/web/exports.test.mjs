// The page's sign-in as a member of the land group, and every export format
// downloaded from the page, in Debian's chromium driven by playwright-core,
// against the real `terrier serve` with the demo data (tests/web/run).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { BASE, get as api } from "./lib/api.mjs";
import { launch, openPage as openOn, signInWithToken as signIn, until } from "./lib/browser.mjs";

const run = promisify(execFile);

const ARTIFACTS = process.env.TERRIER_ARTIFACTS;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A page that records errors (lib/browser.mjs) and every JSON body the
// server sends it.
async function openPage() {
  const bodies = [];
  const opened = await openOn(browser, BASE, {
    ign: "outside",
    watch: (page) =>
      page.on("response", async (r) => {
        const type = r.headers()["content-type"] ?? "";
        // /api/map-config is the field catalogue: every field's name and label,
        // the same for every role (checked below), never a row's value.
        if (type.includes("json") && !new URL(r.url()).pathname.startsWith("/api/map-config")) {
          bodies.push(await r.text().catch(() => ""));
        }
      }),
  });
  return { ...opened, bodies };
}

// Clicks an export button and keeps the downloaded file.
async function download(page, format, name) {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.click(`#export-buttons button[data-format="${format}"]`),
  ]);
  const path = join(ARTIFACTS, `${name}.${format}`);
  await file.saveAs(path);
  return { path, suggested: file.suggestedFilename() };
}

// Features per layer of a file, as GDAL reads it.
async function layerCounts(path) {
  const { stdout } = await run("ogrinfo", ["-ro", "-so", "-al", path], { maxBuffer: 64 << 20 });
  const counts = {};
  for (const block of stdout.split("Layer name: ").slice(1)) {
    const name = block.split("\n")[0].trim();
    counts[name] = Number(/Feature Count: (\d+)/.exec(block)[1]);
  }
  return counts;
}

describe("a land-group member", () => {
  test("signs in, sees the network's opportunities but never a confidential field, and cannot export", async () => {
    const { page, context, problems, bodies } = await openPage();
    const publicCount = (await api("/ogcapi/collections/opportunities/items?limit=1")).numberMatched;
    const memberCount = (await api("/ogcapi/collections/opportunities/items?limit=1", "member")).numberMatched;
    const foundationCount = (await api("/ogcapi/collections/opportunities/items?limit=1", "foundation")).numberMatched;
    assert.ok(
      publicCount < memberCount && memberCount < foundationCount,
      `the demo data has réseau and confidential rows: ${publicCount} < ${memberCount} < ${foundationCount}`,
    );

    await signIn(page, "member");
    assert.match(await page.textContent("#role-badge"), /^Membre du groupe foncier — Membre test/);
    await page.waitForFunction(
      (n) => document.querySelector("#opportunity-count").dataset.count === String(n),
      memberCount,
    );
    assert.equal(await page.isVisible("#restricted-layer"), true, "the network's ring appears");
    // Everything the server sent this page: no owner, contact or note field.
    const everything = await page.evaluate(() =>
      fetch("/ogcapi/collections/opportunities/items?limit=10000", {
        headers: { Authorization: `Bearer ${sessionStorage.getItem("terrier.token")}` },
      }).then((r) => r.text()),
    );
    // The response listener reads that body too, a moment later.
    await until(() => bodies.includes(everything), "the listener's copy of the member's full page of items");
    assert.ok(bodies.length > 0);
    assert.deepEqual(
      await api("/api/map-config", "member"),
      await api("/api/map-config"),
      "the catalogue is the same for a member and a visitor",
    );
    for (const body of bodies) {
      for (const field of ["owner_name", "owner_contact", '"notes"', '"contact"']) {
        assert.equal(body.includes(field), false, `a member's page received ${field}`);
      }
      assert.equal(body.includes('"visibility": "confidentiel"'), false);
    }
    // No circle's export for a member.
    for (const slug of ["mel", "littoral"]) {
      await page.selectOption("#export-territory", slug);
      assert.equal(await page.isDisabled('#export-buttons button[data-format="xlsx"]'), true);
    }
    const status = await page.evaluate(() =>
      fetch("/api/territories/mel/export?format=csv", {
        headers: { Authorization: `Bearer ${sessionStorage.getItem("terrier.token")}` },
      }).then((r) => r.status),
    );
    assert.equal(status, 403);
    // The refused export above is this test's own request.
    problems.splice(
      0,
      problems.length,
      ...problems.filter((p) => !p.includes("/export?format=csv") && !p.includes("403")),
    );
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("exports from the page", () => {
  test("a foundation downloads the circle in every format, each with the circle's opportunities", async () => {
    const { page, context, problems } = await openPage();
    await signIn(page, "foundation");
    await page.selectOption("#export-territory", "mel");
    const expected = (await api("/ogcapi/collections/opportunities/items?territory=mel&limit=1", "foundation"))
      .numberMatched;
    const places = (await api("/ogcapi/collections/places/items?territory=mel&limit=1")).numberMatched;
    assert.ok(expected > 0 && places > 0);
    for (const format of ["geojson", "gpkg", "kml", "csv", "xlsx", "ods"]) {
      const { path, suggested } = await download(page, format, `export-foundation-mel`);
      assert.match(suggested, new RegExp(`^terrier-mel-\\d{4}-\\d{2}-\\d{2}\\.${format}$`));
      const bytes = await readFile(path);
      if (format === "geojson") {
        const data = JSON.parse(bytes.toString("utf8"));
        assert.equal(data.features.filter((f) => f.properties.couche === "opportunites").length, expected);
        assert.ok(
          data.features.some((f) => f.properties.owner_name),
          "a foundation sees owners",
        );
      } else if (format === "csv") {
        const text = bytes.toString("utf8");
        assert.ok(text.startsWith("\uFEFF"), "a BOM for spreadsheets");
        const lines = text.split(/\r?\n/).filter((l) => /;opportunites;|^opportunites;|;opportunites$/.test(l));
        assert.ok(lines.length >= expected, `${lines.length} CSV lines for ${expected} opportunities`);
        // No text cell starts a formula (CSV injection).
        assert.equal(/(^|;)"?[=+@]/m.test(text.replace(/^\uFEFF/, "")), false);
      } else {
        if (format === "gpkg") assert.equal(bytes.subarray(0, 15).toString(), "SQLite format 3");
        if (format === "xlsx" || format === "ods") assert.equal(bytes.subarray(0, 2).toString(), "PK");
        if (format === "kml") assert.match(bytes.toString("utf8"), /<kml/);
        const counts = await layerCounts(path);
        assert.equal(counts.opportunites, expected, `${format}: ${JSON.stringify(counts)}`);
        assert.equal(counts.lieux, places, `${format}: ${JSON.stringify(counts)}`);
        if (format === "xlsx" || format === "ods") {
          const { stdout } = await run("ogrinfo", ["-ro", "-so", path, "opportunites"], { maxBuffer: 64 << 20 });
          for (const header of ["Référence", "Intitulé", "Modalités", "Propriétaire", "Source Terrier"]) {
            assert.ok(stdout.includes(`${header}:`), `${format}: column ${header}`);
          }
        }
      }
      await page.waitForFunction(() =>
        document.querySelector("#export-status").textContent.startsWith("Export téléchargé"),
      );
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("an animator's spreadsheet of its circle has no owner column", async () => {
    const { page, context, problems } = await openPage();
    await signIn(page, "animator");
    assert.equal(await page.inputValue("#export-territory"), "mel");
    for (const format of ["xlsx", "ods"]) {
      const { path } = await download(page, format, "export-animator-mel");
      const { stdout } = await run("ogrinfo", ["-ro", "-al", path], { maxBuffer: 64 << 20 });
      assert.ok(stdout.includes("Référence (String)"), format);
      assert.equal(stdout.includes("Propriétaire"), false, `${format}: an owner column for an animator`);
      assert.equal(/Visibilité \(String\) = confidentiel/.test(stdout), false);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});
