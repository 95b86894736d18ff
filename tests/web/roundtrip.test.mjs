// The spreadsheet round trip from the page (issue 20): an admin downloads
// the MEL circle's opportunities as XLSX, sends the unchanged file back
// through « Importer un tableau » (the dry run finds nothing to add or
// change), changes one rent with a spreadsheet library (openpyxl), and
// imports the file again: exactly that row is updated.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { launch, openPage, ready } from "./lib/browser.mjs";
import { account, signInWithPassword } from "./lib/accounts.mjs";

const run = promisify(execFile);
const BASE = process.env.TERRIER_URL;
const ARTIFACTS = process.env.TERRIER_ARTIFACTS;
const COUNT = new Intl.NumberFormat("fr-FR");
const ADMIN_TOKEN = process.env.TERRIER_ADMIN_TOKEN;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Every MEL opportunity an admin reads, by id.
async function melOpportunities(token) {
  const response = await fetch(`${BASE}/ogcapi/collections/opportunities/items?territory=mel&limit=10000`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  const data = await response.json();
  return new Map(data.features.map((f) => [f.id, f.properties]));
}

// Chooses the file in the import dialog and waits for the dry run's counts.
async function dryRun(page, path) {
  await page.selectOption("#import-kind", "opportunities");
  await page.setInputFiles("#import-file", {
    name: "opportunites-mel.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await readFile(path),
  });
  await page.locator('#import-result li[data-count="inserted"]').waitFor({ timeout: 120_000 });
  const counts = {};
  for (const kind of ["inserted", "updated", "unchanged", "rejected"]) {
    counts[kind] = await page.textContent(`#import-result li[data-count="${kind}"]`);
  }
  return counts;
}

describe("the spreadsheet round trip from the page", () => {
  test("an unchanged export comes back unchanged, and an edited rent updates exactly its row", async () => {
    const admin = await account(BASE, "admin", { name: "Camille Allard" });
    const { page, context, problems } = await openPage(browser, BASE);
    await signInWithPassword(page, admin);

    // « Exporter » the MEL circle as XLSX.
    await page.selectOption("#export-territory", "mel");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('#export-buttons button[data-format="xlsx"]'),
    ]);
    const sheet = join(ARTIFACTS, "roundtrip-mel.xlsx");
    await download.saveAs(sheet);
    const rows = Number(
      (
        await run("/usr/bin/python3", [
          "-c",
          "import openpyxl,sys; ws = openpyxl.load_workbook(sys.argv[1])['opportunites']; print(ws.max_row - 1)",
          sheet,
        ])
      ).stdout,
    );
    assert.ok(rows > 100, `the MEL sheet has ${rows} rows`);

    // « Importer un tableau »: the same file, as it was downloaded.
    await page.click("#open-import");
    const same = await dryRun(page, sheet);
    assert.deepEqual(same, {
      inserted: "À ajouter : 0",
      updated: "À mettre à jour : 0",
      unchanged: `Inchangées : ${COUNT.format(rows)}`,
      rejected: "Refusées : 0",
    });
    await page.screenshot({ path: join(ARTIFACTS, "roundtrip-dry-run.png") });
    // What the person reads: Terrier's own columns said apart, no "null".
    const dialog = await page.textContent("#import-dialog");
    assert.doesNotMatch(dialog, /null|undefined|NaN/);
    assert.match(dialog, /Colonnes d'export de Terrier, non importées : Lien Terrier/);

    // One rent changed in the file by a spreadsheet library.
    const edited = join(ARTIFACTS, "roundtrip-mel-edited.xlsx");
    const script = join(ARTIFACTS, "roundtrip-edit.py");
    await writeFile(
      script,
      [
        "import sys, openpyxl",
        "wb = openpyxl.load_workbook(sys.argv[1])",
        "ws = wb['opportunites']",
        "head = [c.value for c in ws[1]]",
        "rent, ref, link = head.index('Loyer (€/mois)'), head.index('Référence'), head.index('Lien Terrier')",
        "for row in ws.iter_rows(min_row=2):",
        "    if row[rent].value not in (None, ''):",
        "        row[rent].value = int(row[rent].value) + 17",
        "        print(row[link].value.split('=')[-1], row[ref].value, row[rent].value)",
        "        break",
        "wb.save(sys.argv[2])",
      ].join("\n"),
    );
    const [changedId, , newRent] = (await run("/usr/bin/python3", [script, sheet, edited])).stdout.trim().split(" ");
    const before = await melOpportunities(ADMIN_TOKEN);

    await page.click("#import-close");
    await page.click("#open-import");
    const one = await dryRun(page, edited);
    assert.equal(one.inserted, "À ajouter : 0");
    assert.equal(one.updated, "À mettre à jour : 1");
    await page.click("#import-confirm");
    await page.waitForFunction(
      () => /^Import terminé/.test(document.querySelector("#import-status").textContent),
      null,
      { timeout: 120_000 },
    );
    assert.match(await page.textContent("#import-status"), /0 ajoutée\(s\), 1 mise\(s\) à jour/);

    const later = await melOpportunities(ADMIN_TOKEN);
    assert.equal(later.size, before.size);
    for (const [id, properties] of later) {
      if (String(id) === changedId) {
        assert.equal(String(properties.rent_eur_month), newRent);
        continue;
      }
      assert.deepEqual(properties, before.get(id), `opportunity ${id} unchanged`);
    }
    await ready(page);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
