#!/usr/bin/env node
// The page at scale (issue 21): how long the map takes to become idle in
// headless Chromium over a large database, beside the same view over a
// database of 10,000 opportunities, the two servers taken in turns so that
// the machine's load falls on both alike.
//
//   TERRIER_WEB_MODULES=web-map/node_modules node bench/page.mjs \
//     --large URL --small URL [--runs N]
//
// Two measurements per server and run, each in a new browser context (an
// empty cache, as a first visit):
//   regional  from navigation to idle (tests/web/lib/browser.mjs's `ready`
//             and `idle`: the map loaded, every tile drawn, the detail
//             layer settled), the whole region at the default filters;
//   pan11     a pan of half the window at zoom 11 over Lens, from the pan
//             to idle (the view before it already idle).
// Prints "key<TAB>value" lines for scripts/bench (medians in ms, and the
// bytes of the regional view's responses from the server).

import { idle, launch, ready } from "../tests/web/lib/browser.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const servers = { large: option("large"), small: option("small") };
const runs = Number(option("runs", "3"));
if (!servers.large || !servers.small) {
  console.error("usage: node bench/page.mjs --large URL --small URL [--runs N]");
  process.exit(2);
}

const LENS = { center: [2.83, 50.43], zoom: 11 };
const browser = await launch();

// A step that takes longer than this has hung: the run stops and says where.
const STEP_MS = 180_000;

async function step(what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${STEP_MS / 1000} s`)), STEP_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function measure(base) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  let bytes = 0;
  page.on("requestfinished", async (r) => {
    if (!r.url().startsWith(base)) return;
    const sizes = await r.sizes().catch(() => null);
    if (sizes) bytes += sizes.responseBodySize;
  });
  const t0 = performance.now();
  await page.goto(`${base}/`);
  await step(`${base}: the regional view`, ready(page));
  const regional = performance.now() - t0;
  const regionalBytes = bytes;
  // The functions given to the page return nothing: jumpTo and panBy return
  // the map, which Playwright would serialise and send back whole (its
  // tiles' typed arrays as base64), seconds of the page's main thread that
  // grew with the data (the pan's first frame came 4.0-7.5 s after it at
  // 100,000 opportunities, 1.8-4.3 s at 10,000; 0.03-0.19 s without).
  await page.evaluate((v) => {
    window.terrier.map.jumpTo(v);
  }, LENS);
  await step(`${base}: zoom 11`, idle(page));
  const t1 = performance.now();
  await page.evaluate(() => {
    window.terrier.map.panBy([700, 0], { duration: 0 });
  });
  await step(`${base}: the pan at zoom 11`, idle(page));
  const pan11 = performance.now() - t1;
  await context.close();
  console.error(`${base}: regional ${regional.toFixed(0)} ms (${regionalBytes} bytes), pan ${pan11.toFixed(0)} ms`);
  return { regional, pan11, regionalBytes };
}

const results = { large: [], small: [] };
// One load of each first, not counted: Chromium's own start and the
// servers' first reads of their tables.
await measure(servers.small);
await measure(servers.large);
for (let i = 0; i < runs; ++i) {
  for (const which of i % 2 ? ["large", "small"] : ["small", "large"]) {
    results[which].push(await measure(servers[which]));
  }
}
await browser.close();

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor((v.length - 1) / 2)];
};
for (const which of ["large", "small"]) {
  for (const key of ["regional", "pan11", "regionalBytes"]) {
    const values = results[which].map((r) => r[key]);
    console.log(`page_${key}_${which}\t${median(values).toFixed(0)}`);
    console.log(`page_${key}_${which}_all\t${values.map((v) => v.toFixed(0)).join(" ")}`);
  }
}
