// Issue 20's « Done when » for background imports: a 300,000-row
// spreadsheet, as a French spreadsheet writes it, imported from the page by
// an admin (the dry run of « Importer un tableau », then « Confirmer
// l'import »). The page sends the file in pieces of 1 MiB and the server
// imports on a worker of its own: GET /healthz, asked from node every 50 ms
// throughout (from the upload to the moment the page shows the report),
// answers every time in under 100 ms; the bar follows the server's reading
// and reaches 100 %; the report comes from the progress's last answer. The rows are removed afterwards, so later tests
// see the demo data only. Against a real `terrier serve` with the demo data
// (tests/web/run) in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { launch, openPage, ready } from "./lib/browser.mjs";
import { account, signInWithPassword } from "./lib/accounts.mjs";

const BASE = process.env.TERRIER_URL;
const RUN = Date.now().toString(36);
const ROWS = 300_000;
const COUNT = new Intl.NumberFormat("fr-FR");

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(join(process.env.TERRIER_ARTIFACTS, "grand-tableau.csv"), { force: true });
  psql(`DELETE FROM opportunities WHERE external_id LIKE 'BG${RUN}-%'`);
});

function psql(sql) {
  return execFileSync("psql", [process.env.TERRIER_DATABASE_URL, "-Atqc", sql], { encoding: "utf8" }).trim();
}

// 300,000 opportunities on a grid of 56 m steps between Lens, Douai and
// Lille (600 × 500 points, inside the region, no two probable duplicates),
// with decimal commas and a BOM as a French spreadsheet saves a CSV.
function spreadsheet() {
  const lines = ["\uFEFFRéf.;Intitulé;Type de bien;Surface (m²);Latitude;Longitude"];
  const french = (v) => v.toFixed(4).replace(".", ",");
  for (let i = 0; i < ROWS; i += 1) {
    const lat = 50.33 + Math.floor(i / 600) * 0.0005;
    const lon = 2.75 + (i % 600) * 0.0008;
    lines.push(`BG${RUN}-${i};Local ${i};bureau;${100 + (i % 400)};${french(lat)};${french(lon)}`);
  }
  return Buffer.from(lines.join("\r\n"), "utf8");
}

// GET /healthz every 50 ms until stopped, on a thread of its own (a
// worker): the test's own thread serialises a 15 MB file for the browser,
// and a probe sharing its event loop would time node, not the server. Each
// probe opens its own connection, as a load balancer's check does. Resolves
// on stop() to {samples: [{at (epoch ms), ms}], failures}.
const PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const samples = [];
const failures = [];
let running = true;
parentPort.on("message", () => { running = false; });
function healthz() {
  return new Promise((resolve, reject) => {
    const request = http.get(workerData.url, { agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    });
    request.on("error", reject);
  });
}
(async () => {
  while (running) {
    const at = Date.now();
    const started = performance.now();
    try {
      const status = await healthz();
      if (status !== 200) failures.push("HTTP " + status);
    } catch (e) {
      failures.push(e.message);
    }
    samples.push({ at, ms: performance.now() - started });
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage({ samples, failures });
})();
`;

function watchHealth() {
  const worker = new Worker(PROBE, { eval: true, workerData: { url: `${BASE}/healthz` } });
  const result = new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    stop: async () => {
      worker.postMessage("stop");
      const answer = await result;
      await worker.terminate();
      return answer;
    },
  };
}

describe("background imports", () => {
  test(
    "a 300,000-row import from the page: /healthz answers every time in under 100 ms, the bar reaches 100 %",
    { timeout: 1_800_000 },
    async () => {
      const admin = await account(BASE, "admin", { name: `Admin Import ${RUN}` });
      const { page, context, problems } = await openPage(browser, BASE);
      await signInWithPassword(page, admin);
      await ready(page);
      await page.click("#open-import");
      await page.selectOption("#import-kind", "opportunities");
      const file = spreadsheet();
      // Given to the browser by its path: as a 15 MB buffer, playwright took
      // 30 s and more to hand it over on a busy machine.
      const path = join(process.env.TERRIER_ARTIFACTS, "grand-tableau.csv");
      writeFileSync(path, file);
      // The bar's values while the server reads, and when the report of the
      // import showed, recorded in the page.
      await page.evaluate(() => {
        window.seenProgress = [];
        const bar = document.querySelector("#import-progress");
        new MutationObserver(() => {
          if (bar.dataset.phase === "server") window.seenProgress.push(bar.value);
        }).observe(bar, { attributes: true });
        const status = document.querySelector("#import-status");
        new MutationObserver(() => {
          if (/^Import terminé/.test(status.textContent)) window.importShownAt ??= Date.now();
        }).observe(status, { childList: true, characterData: true, subtree: true });
      });

      // When each piece of the upload was sent and answered, to set the
      // slowest probes against.
      const pieces = [];
      page.on("request", (r) => {
        if (r.method() === "PUT" && r.url().includes("/api/uploads/")) pieces.push({ url: r.url(), sent: Date.now() });
      });
      page.on("requestfinished", (r) => {
        const piece = pieces.find((p) => p.url === r.url() && p.done === undefined);
        if (piece) piece.done = Date.now();
      });
      const probe = watchHealth();
      let health = { samples: [], failures: ["the probe did not report"] };
      const timings = {};
      const marks = { start: Date.now() };
      try {
        let started = performance.now();
        await page.setInputFiles("#import-file", path);
        const inserted = page.locator('#import-result li[data-count="inserted"]');
        await inserted.waitFor({ timeout: 900_000 });
        timings.dryRun = (performance.now() - started) / 1000;
        marks.dryRunShown = Date.now();
        assert.equal(await inserted.textContent(), `À ajouter : ${COUNT.format(ROWS)}`);
        assert.equal(await page.textContent('#import-result li[data-count="rejected"]'), "Refusées : 0");

        started = performance.now();
        marks.confirm = Date.now();
        await page.click("#import-confirm");
        await page.waitForFunction(
          () => /^Import terminé/.test(document.querySelector("#import-status").textContent),
          null,
          { timeout: 900_000 },
        );
        timings.import = (performance.now() - started) / 1000;
      } finally {
        health = await probe.stop();
      }
      assert.match(
        await page.textContent("#import-status"),
        new RegExp(`^Import terminé : ${COUNT.format(ROWS)} ajoutée\\(s\\)`),
      );
      assert.equal(
        await page.textContent('#import-result li[data-count="inserted"]'),
        `À ajouter : ${COUNT.format(ROWS)}`,
      );
      // The bar went along with the server's reading, and stays full.
      const seen = await page.evaluate(() => window.seenProgress);
      assert.ok(
        seen.some((v) => v > 0 && v < 1),
        `the bar moved while the server read the file: ${seen.slice(0, 20)}`,
      );
      assert.deepEqual(await page.$eval("#import-progress", (b) => [b.hidden, b.dataset.phase, b.value]), [
        false,
        "done",
        1,
      ]);
      assert.equal(
        psql(`SELECT rows_inserted || ' ' || user_name FROM import_runs ORDER BY id DESC LIMIT 1`),
        `${ROWS} ${admin.email}`,
      );

      // Up to the report: once it shows, the page redraws the map, whose tiles
      // now hold 300,000 more points (not the import's doing).
      marks.shown = await page.evaluate(() => window.importShownAt);
      const during = health.samples.filter((s) => s.at <= marks.shown);
      const sorted = during.map((s) => s.ms).sort((a, b) => a - b);
      const max = sorted[sorted.length - 1];
      const p99 = sorted[Math.floor(sorted.length * 0.99)];
      const since = (t) => ((t - marks.start) / 1000).toFixed(1);
      // A slow probe next to a piece of the upload (sent before the probe
      // ended, answered after it started) names it.
      const beside = (s) =>
        pieces
          .filter((p) => p.sent <= s.at + s.ms && (p.done ?? Infinity) >= s.at)
          .map((p) => ` beside piece ${p.url.split("offset=")[1]} (${since(p.sent)}–${since(p.done ?? NaN)} s)`)
          .join("");
      const slowest = [...during]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((s) => `${s.ms.toFixed(0)} ms at ${since(s.at)} s${beside(s)}`);
      // The same probe before the first piece left, while the test made the
      // file and handed it to the browser (the server idle): what the
      // machine itself costs, to tell its hiccups from the server's.
      const idle = health.samples
        .filter((s) => s.at + s.ms < (pieces[0]?.sent ?? 0))
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      console.log(
        `before the upload (server idle): ${idle.length} probes, median ${idle[Math.floor(idle.length / 2)]?.toFixed(1)} ms, ` +
          `p99 ${idle[Math.floor(idle.length * 0.99)]?.toFixed(1)} ms, max ${idle.at(-1)?.toFixed(1)} ms`,
      );
      writeFileSync(
        join(process.env.TERRIER_ARTIFACTS, "background-import-healthz.json"),
        JSON.stringify({ marks, timings, pieces, samples: health.samples }),
      );
      console.log(
        `300,000 rows: dry run ${timings.dryRun.toFixed(1)} s, import ${timings.import.toFixed(1)} s; ` +
          `/healthz asked ${sorted.length} times: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, ` +
          `p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; slowest: ${slowest.join(", ")} ` +
          `(dry run shown at ${since(marks.dryRunShown)} s, confirmed at ${since(marks.confirm)} s, report at ${since(marks.shown)} s; ` +
          `${pieces.length} pieces sent from ${since(pieces[0]?.sent ?? NaN)} to ${since(pieces.at(-1)?.done ?? NaN)} s)`,
      );
      // Tiles asked after the import (the map redrawn with 300,000 more points)
      // may outlast the server's statement timeout at low zoom: 503, noted
      // apart, not an import's failure.
      const tiles = problems.filter((p) => /HTTP 503: .*\/tiles\/|tiles\/.*503/.test(p));
      if (tiles.length) console.log(`tiles refused after the import: ${tiles.length}`);
      assert.deepEqual(
        problems.filter((p) => !tiles.includes(p) && !/status of 503/.test(p)),
        [],
      );
      await context.close();
      assert.deepEqual(health.failures, []);
      // Issue 20 asks for every answer under 100 ms. The file goes in pieces
      // of 1 MiB: a probe whose new connection lands on the server thread
      // reading one (Pistache reads a body on the thread that owns its
      // connection) waits about 15 ms for it, not the 0.2 s a 15 MB body took.
      // Sent once, for the dry run and the import.
      assert.equal(pieces.length, Math.ceil(file.length / 2 ** 20), "the file went once, in pieces of 1 MiB");
      assert.ok(p99 < 100, `/healthz: p99 ${p99.toFixed(1)} ms (max ${max.toFixed(1)} ms)`);
      assert.ok(
        max < 100,
        `/healthz took ${max.toFixed(1)} ms at worst (p99 ${p99.toFixed(1)} ms); slowest: ${slowest.join(", ")}`,
      );
    },
  );
});
