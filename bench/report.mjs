#!/usr/bin/env node
// Turns the raw figures scripts/bench collected (a TSV of "key<TAB>value"
// lines) into bench/results/latest.md and latest.json.
//
//   node bench/report.mjs RAW.tsv OUT.md OUT.json

import fs from "node:fs";

const [rawFile, mdFile, jsonFile] = process.argv.slice(2);
const raw = {};
for (const line of fs.readFileSync(rawFile, "utf8").split("\n")) {
  const tab = line.indexOf("\t");
  if (tab > 0) raw[line.slice(0, tab)] = line.slice(tab + 1);
}
const num = (k) => (raw[k] === undefined || raw[k] === "" || raw[k] === "timeout" ? null : Number(raw[k]));
const fmt = (v, d = 0) => (v === null || Number.isNaN(v) ? "—"
  : v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }).replace(/,/g, " "));
const rows = [];

// One table row. higherIsBetter tells how to read the ratio and the target;
// target is {ratio: x} (Terrier/reference ≥ x or ≤ x) or {value: x}.
function row(name, t, ref, unit, { higherIsBetter = true, target = null, d = 0, note = "" } = {}) {
  const ratio = t !== null && ref !== null && ref !== 0 ? t / ref : null;
  let targetText = "—", status = "—";
  if (target) {
    const cmp = higherIsBetter ? ">=" : "<=";
    const goal = target.ratio !== undefined ? target.ratio : target.value;
    const got = target.ratio !== undefined ? ratio : t;
    const what = target.ratio !== undefined ? "ratio" : unit;
    targetText = target.text ?? `${higherIsBetter ? "≥" : "≤"} ${goal} ${what === "ratio" ? "(ratio)" : what}`;
    if (got === null) {
      status = target.timeout ? `**missed** (${target.timeout})` : "not measured";
    } else {
      const met = cmp === ">=" ? got >= goal : got <= goal;
      const by = higherIsBetter ? goal / got : got / goal;
      status = met ? "met" : `**missed** (×${fmt(by, 1)} off)`;
    }
  }
  rows.push({ name, terrier: t, reference: ref, unit, ratio, target: targetText, status, d, note });
}

const scale = raw.scale;
const n = raw.opportunities, ng = raw.growth_opportunities;
const importTimeout = raw.import_timeout;
const tOrTimeout = (k) => (raw[k] === "timeout" ? `> ${importTimeout} s (timeout)` : null);

// 1. Import (and 6. growth of it).
for (const size of [n, ng]) {
  const tr = num(`import_terrier_rows_s_${size}`), or = num(`import_ogr_rows_s_${size}`);
  row(`Import ${fmt(Number(size))} opportunities (rows/s; ref. ogr2ogr COPY)`, tr, or, "rows/s", {
    target: { ratio: 1, timeout: tOrTimeout(`import_terrier_s_${size}`) },
    note: raw[`import_terrier_s_${size}`] === "timeout"
      ? `terrier import did not finish in ${importTimeout} s; ogr2ogr took ${raw[`import_ogr_s_${size}`]} s`
      : `terrier ${raw[`import_terrier_s_${size}`]} s, ogr2ogr ${raw[`import_ogr_s_${size}`]} s`,
  });
}
// The import's peak memory (issue 21: < 200 MB for a million rows).
for (const size of [n, ng]) {
  if (raw[`import_terrier_rss_mb_${size}`] === undefined) continue;
  row(`Peak RSS of terrier import of ${fmt(Number(size))} opportunities (MB)`, num(`import_terrier_rss_mb_${size}`), null, "MB",
      { higherIsBetter: false, d: 1, target: size === n ? { value: 200, text: "< 200 MB" } : null });
}
// 2. Features API (targets of issue 21).
row("Features API, 16 conn. (req/s; ref. pgbench tps, same SQL)", num("api16_rps"), num("pg16_tps"), "req/s",
    { target: { ratio: 1.5 }, note: `threads ${raw.threads}, pool ${raw.pool}; pgbench latency avg ${raw.pg16_lat_ms} ms` });
row("Features API, 16 conn. (req/s; ref. pgbench tps, lean json_build_object SQL)", num("api16_rps"), num("pglean16_tps"), "req/s",
    { target: { ratio: 1.0 }, note: `bench/items_lean.sql; pgbench latency avg ${raw.pglean16_lat_ms} ms` });
row("Features API, 16 conn., p50 (ms; ref. pgbench avg)", num("api16_p50_ms"), num("pg16_lat_ms"), "ms",
    { higherIsBetter: false, d: 1 });
row("Features API, 16 conn., p99 (ms)", num("api16_p99_ms"), null, "ms", { higherIsBetter: false, d: 1 });
row("Features API, 4 conn., p99 (ms; ref. pgbench 4 conn. avg)", num("api4_p99_ms"), num("pg4_lat_ms"), "ms",
    { higherIsBetter: false, d: 1, target: { ratio: 2 },
      note: `4 conn.: API ${raw.api4_rps} req/s, pgbench ${raw.pg4_tps} tps` });
row("Features API, 4 conn., p99 (ms; ref. pgbench 4 conn. p99)", num("api4_p99_ms"), num("pg4_p99_ms"), "ms",
    { higherIsBetter: false, d: 1,
      note: `the machine's tail: GET /healthz (one SELECT 1) at 4 conn. p99 ${raw.healthz4_p99_ms} ms` });
// 3. Vector tiles.
for (const z of [8, 11, 14]) {
  row(`Tiles z${z} (req/s; ref. pgbench same ST_AsMVT SQL)`, num(`tiles${z}_rps`), num(`pgtiles${z}_tps`), "req/s",
      { note: `p99 ${raw[`tiles${z}_p99_ms`]} ms; errors/timeouts ${raw[`tiles${z}_errors`] ?? 0}` +
        (raw[`tiles${z}_disagreements`] !== undefined ? `; tiles whose counts differ from the SQL's: ${raw[`tiles${z}_disagreements`]}/5` : "") });
}
// The page at scale: the same views over 10,000 opportunities as reference.
for (const [key, what] of [["regional", "the whole region, to idle"], ["pan11", "a pan at zoom 11, to idle"]]) {
  row(`Page, ${what} (ms; ref. the same over 10 000 opportunities)`, num(`page_${key}_large`), num(`page_${key}_small`), "ms",
      { higherIsBetter: false, target: { ratio: 1.2 },
        note: `runs: ${raw[`page_${key}_large_all`] ?? "?"} against ${raw[`page_${key}_small_all`] ?? "?"}` +
          (key === "regional" ? `; bytes from the server ${raw.page_regionalBytes_large ?? "?"} against ${raw.page_regionalBytes_small ?? "?"}` : "") });
}
// 4. Matching (and 6. growth).
for (const [size, needs] of [[n, raw.needs], [ng, raw.needs]]) {
  const t = num(`match_terrier_s_${size}`);
  const sqlTimedOut = raw[`match_sql_s_${size}`] === "timeout";
  // A SQL reference that did not finish counts as the timeout: the ratio is
  // then at most the one shown.
  const s = sqlTimedOut ? Number(raw.match_timeout) : num(`match_sql_s_${size}`);
  const main = size === n;
  row(`match --all, ${fmt(Number(needs))} needs × ${fmt(Number(size))} opp. (s; ref. one SQL query)`, t, s, "s", {
    higherIsBetter: false, d: 1,
    target: main ? { ratio: 0.2, text: "< 10 s and ≥ 5× faster (ratio ≤ 0.2)",
                     timeout: raw[`match_terrier_s_${size}`] === "timeout" ? "timeout" : undefined } : null,
    note: `${raw[`match_pairs_${size}`] ?? "?"} matches; SQL and Terrier top-10 differ on ${raw[`match_diff_${size}`] ?? "?"} pairs` +
      (sqlTimedOut ? `; the SQL query did not finish in ${raw.match_timeout} s (ratio: at most)` : "") +
      (raw[`match_phases_${size}`] ? `; terrier's phases: ${raw[`match_phases_${size}`]}` : ""),
  });
  if (sqlTimedOut) rows[rows.length - 1].reference_text = `> ${fmt(s)}`;
  if (main && t !== null && t > 10) rows[rows.length - 1].status = `**missed** (${fmt(t, 1)} s > 10 s${rows[rows.length - 1].status.startsWith("met") ? "" : "; " + rows[rows.length - 1].status.replace(/\*\*missed\*\* /, "")})`;
}
// 5. Memory: serve's phases apart (scripts/bench resets VmHWM between them).
const snapshot = raw.tile_snapshot_mb !== undefined
  ? `the tiles' copy: ${fmt(num("tile_snapshot_rows"))} opportunities, ${raw.tile_snapshot_mb} MB (serve's log), loaded in ${raw.tile_snapshot_s} s` : "";
if (raw.serve_start_rss_mb !== undefined) {
  row("terrier serve just after start: resident (MB)", num("serve_start_rss_mb"), null, "MB",
      { higherIsBetter: false, d: 1, note: `peak during the start ${raw.serve_start_hwm_mb} MB; ${raw.serve_start_file_mb} MB of it the libraries' code (RssFile); ${snapshot}` });
}
row("Peak RSS of terrier serve under feature and tile load, steady state (MB)", num("serve_hwm_mb"), null, "MB",
    { higherIsBetter: false, d: 1, target: { value: 100, text: "< 100 MB" },
      note: raw.serve_rss_mb !== undefined ? `resident after the load ${raw.serve_rss_mb} MB, ${raw.serve_file_mb} MB of it the libraries' code (the tile cache's bound, 16 MB, included once full)` : "" });
if (raw.serve_reload_hwm_mb !== undefined) {
  row("Peak RSS of terrier serve while a write reloads the tiles' copy under tile load (MB)", num("serve_reload_hwm_mb"), null, "MB",
      { higherIsBetter: false, d: 1, target: { value: 100, text: "< 100 MB" },
        note: `the new copy is built beside the one served; resident after ${raw.serve_reload_rss_mb} MB; z14 tiles meanwhile ${raw.serve_reload_rps}/s, ${raw.serve_reload_errors} errors; ${snapshot}` });
}
if (raw.serve_sign_in_hwm_mb !== undefined) {
  const cost = num("serve_sign_in_hwm_mb") - num("serve_before_sign_in_rss_mb");
  row("Peak RSS of terrier serve during a burst of sign-ins, 4 clients at once (MB)", num("serve_sign_in_hwm_mb"), null, "MB",
      { higherIsBetter: false, d: 1,
        note: `Argon2id, 64 MiB each, 2 at once at most (core/password): ${fmt(cost, 1)} MB above the ${raw.serve_before_sign_in_rss_mb} MB resident before (bound: 2 × 64 MB, the MB here being MiB as in every row); resident 1 s after ${raw.serve_after_sign_in_rss_mb} MB; ${raw.sign_in_ok} of ${raw.sign_in_count} signed in, ${fmt(num("sign_in_count") / num("sign_in_s"), 1)} sign-ins/s` });
}
for (const size of [n, ng]) {
  row(`Peak RSS of a GeoJSON export of all ${fmt(num(`export_features_${size}`))} opportunities (MB; ref. ogr2ogr PG→GeoJSON)`,
      num(`export_rss_mb_${size}`), num(`export_ogr_rss_mb_${size}`), "MB",
      { higherIsBetter: false, d: 1, target: size === n ? { value: 100, text: "< 100 MB, flat" } : null,
        note: `${raw[`export_s_${size}`]} s` });
}

const header = [
  `# Terrier benchmarks — ${raw.date}`, "",
  `Scale: **${scale}** (${fmt(Number(n))} opportunities, ${fmt(Number(raw.needs))} needs; growth at ${fmt(Number(ng))}); ` +
  `median of ${raw.runs} runs (${raw.duration} s each for wrk/pgbench).`, "",
  "| Machine | |", "|---|---|",
  `| CPU | ${raw.cpu} (${raw.cores} cores) |`, `| RAM | ${raw.ram} |`, `| Kernel | ${raw.kernel} |`,
  `| PostgreSQL / PostGIS | ${raw.pg_version} / ${raw.postgis_version} |`, `| GDAL | ${raw.gdal_version} |`,
  `| Commit | ${raw.commit} |`, `| Load | shared machine: load average ${raw.loadavg} at start |`, "",
  "| Measurement | Terrier | Reference | Ratio T/R | Target | Result | Notes |",
  "|---|---:|---:|---:|---|---|---|",
];
const lines = rows.map((r) => `| ${r.name} | ${fmt(r.terrier, r.d)} | ${r.reference_text ?? fmt(r.reference, r.d)} | ${r.ratio === null ? "—" : (r.reference_text ? "< " : "") + fmt(r.ratio, 2)} | ${r.target} | ${r.status} | ${r.note} |`);
fs.writeFileSync(mdFile, header.concat(lines).join("\n") + "\n\n" +
  "Ratios are Terrier / reference: above 1 is better for rates, below 1 for times and memory.\n");
fs.writeFileSync(jsonFile, JSON.stringify({ raw, rows }, null, 2) + "\n");
