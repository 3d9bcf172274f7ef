#!/usr/bin/env node
// What a reader's browser downloads for a site search (issue 12's target: at most 1.5 MB in all
// for a first query on a 10k-post site, less for the queries after it).
//
//   node bench/search_download.mjs OUTPUT [--query Q]... [--chromium PATH] [--gzip-level N]
//                                         [--search-path /search/]
//
// OUTPUT is a built site (`showpress build --output OUTPUT`). The script serves it on
// 127.0.0.1 with a tiny static server (no compression, no caching headers), and for each query
// opens `/search/?q=QUERY` in a fresh browser context (empty cache) of headless Chromium, waits
// until `#search-status` has `data-query` equal to the query (search.js sets it once the
// results are on screen, fragments included), then types the next query of the list into the
// same page's search box, presses Enter and waits the same way (cache warm: the script's own
// cache of fetched files and the browser's). Every response the page receives is recorded with
// the size of its body (Playwright's response.body()), by kind: the page itself (HTML, CSS and
// anything else outside the index), search.js, meta.json, the docs file (search/docs/), index
// chunks (search/index/) and result fragments (search/doc/). The same bodies are gzipped here
// (zlib, level 6 unless --gzip-level) to show what a compressing server would send. The server's
// own count of bytes sent is a cross-check. Last, the totals of the output's search/ folder.
//
// Default queries, picked from the text of shared/bench/gen_corpus.py's corpus:
//   투자         a common word (a whole word in ~77% of the posts, inside 벤처투자 too)
//   상공회의소   only ever inside a compound (대한상공회의소)
//   startup      an English word (~82% of the posts)
//   반도체 투자  two words (every word must match)
//   올림픽       a word that is in no post
//
// Needs playwright-core (npm ci --prefix tests/browser) and Chromium (/usr/bin/chromium, or
// CHROMIUM_BIN / --chromium).

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_QUERIES = ["투자", "상공회의소", "startup", "반도체 투자", "올림픽"];
const WAIT_MS = 60_000;

function usage(msg) {
  if (msg) console.error(`search_download: ${msg}`);
  console.error(
    "usage: node bench/search_download.mjs OUTPUT [--query Q]... [--chromium PATH] [--gzip-level N] [--search-path /search/]",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    out: null,
    queries: [],
    chromium: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
    gzipLevel: 6,
    searchPath: "/search/",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--query" || a === "-q") o.queries.push(next());
    else if (a === "--chromium") o.chromium = next();
    else if (a === "--gzip-level") o.gzipLevel = Number(next());
    else if (a === "--search-path") o.searchPath = next();
    else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else if (o.out === null) o.out = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!o.out) usage("no OUTPUT folder given");
  if (!(o.gzipLevel >= 0 && o.gzipLevel <= 9)) usage("--gzip-level is 0..9");
  if (!o.searchPath.startsWith("/") || !o.searchPath.endsWith("/")) usage("--search-path starts and ends with /");
  if (o.queries.length === 0) o.queries = DEFAULT_QUERIES;
  return o;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `root` on 127.0.0.1 as it is on disk; `sent` gets (path, body bytes) per response. */
async function serveStatic(root, sent) {
  const server = createServer(async (req, res) => {
    let path = "?";
    try {
      path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
      let file = resolve(root, `.${path}`);
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside the root");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
      });
      res.end(body);
      sent.push({ path, bytes: body.length, status: 200 });
    } catch {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
      sent.push({ path, bytes: 9, status: 404 });
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

const KINDS = ["page", "search.js", "meta.json", "docs", "chunks", "fragments"];

function kindOf(pathname, sp) {
  if (!pathname.startsWith(sp)) return "page";
  const rest = pathname.slice(sp.length);
  if (rest === "search.js") return "search.js";
  if (rest === "meta.json") return "meta.json";
  if (rest.startsWith("docs/")) return "docs";
  if (rest.startsWith("index/")) return "chunks";
  if (rest.startsWith("doc/")) return "fragments";
  return "page"; // the search page itself (/search/ or /search/index.html)
}

/** Per kind: files, bytes, gzip bytes; and the total. */
function tally(records, sp, level) {
  const t = Object.fromEntries([...KINDS, "total"].map((k) => [k, { files: 0, bytes: 0, gzip: 0 }]));
  for (const r of records) {
    const gz = gzipSync(r.body, { level }).length;
    for (const k of [kindOf(r.path, sp), "total"]) {
      t[k].files += 1;
      t[k].bytes += r.body.length;
      t[k].gzip += gz;
    }
  }
  return t;
}

const n = (x) => x.toLocaleString("en-US");
const kb = (x) => `${(x / 1024).toFixed(1)} KiB`;

function printTally(t) {
  console.log(`    ${"kind".padEnd(10)} ${"files".padStart(6)} ${"bytes".padStart(11)} ${"gzip".padStart(11)}`);
  for (const k of [...KINDS, "total"]) {
    const v = t[k];
    if (k !== "total" && v.files === 0) continue;
    console.log(`    ${k.padEnd(10)} ${String(v.files).padStart(6)} ${n(v.bytes).padStart(11)} ${n(v.gzip).padStart(11)}`);
  }
}

/** Records every response `page` receives, with its body, while `phase.on` is true. */
function recorder(page) {
  const state = { records: [], pending: [], failed: [] };
  page.on("response", (resp) => {
    const url = new URL(resp.url());
    if (url.protocol !== "http:") return;
    const status = resp.status();
    const p = resp
      .body()
      .then((body) => {
        state.records.push({ path: decodeURIComponent(url.pathname), status, body });
      })
      .catch((e) => state.failed.push(`${url.pathname}: ${e.message}`));
    state.pending.push(p);
  });
  page.on("requestfailed", (req) => state.failed.push(`${req.url()}: ${req.failure()?.errorText}`));
  return {
    async take() {
      await Promise.all(state.pending);
      const out = state.records;
      state.records = [];
      state.pending = [];
      return out;
    },
    failed: state.failed,
  };
}

async function waitForQuery(page, q) {
  await page.waitForFunction(
    (want) => document.querySelector("#search-status")?.getAttribute("data-query") === want,
    q,
    { timeout: WAIT_MS, polling: 20 },
  );
  return page.$eval("#search-status", (e) => e.textContent);
}

/** Checks the server's count of body bytes against the browser's, for one phase. */
function crossCheck(records, sent, label) {
  const fromPage = records.reduce((s, r) => s + r.body.length, 0);
  const fromServer = sent.reduce((s, r) => s + r.bytes, 0);
  if (fromPage !== fromServer || records.length !== sent.length) {
    console.log(
      `    note (${label}): the browser saw ${records.length} responses / ${n(fromPage)} bytes, ` +
        `the server sent ${sent.length} / ${n(fromServer)}`,
    );
  }
}

async function walk(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function folderTotals(root, sp, level) {
  const dir = join(root, ...sp.split("/").filter(Boolean));
  const files = await walk(dir);
  const groups = {};
  let biggest = null;
  const chunkSizes = [];
  for (const f of files) {
    const rel = f.slice(dir.length + 1);
    const group = rel.includes(sep) ? rel.split(sep)[0] + "/" : rel;
    const body = await readFile(f);
    const gz = gzipSync(body, { level }).length;
    const g = (groups[group] ??= { files: 0, bytes: 0, gzip: 0 });
    g.files += 1;
    g.bytes += body.length;
    g.gzip += gz;
    if (group === "index/") {
      chunkSizes.push(body.length);
      if (!biggest || body.length > biggest.bytes) biggest = { rel, bytes: body.length, gzip: gz };
    }
  }
  console.log(`\n== the output's ${sp} folder (${dir})`);
  console.log(`    ${"part".padEnd(12)} ${"files".padStart(6)} ${"bytes".padStart(12)} ${"gzip".padStart(12)}`);
  const total = { files: 0, bytes: 0, gzip: 0 };
  for (const [k, g] of Object.entries(groups).sort()) {
    console.log(`    ${k.padEnd(12)} ${String(g.files).padStart(6)} ${n(g.bytes).padStart(12)} ${n(g.gzip).padStart(12)}`);
    total.files += g.files;
    total.bytes += g.bytes;
    total.gzip += g.gzip;
  }
  console.log(`    ${"total".padEnd(12)} ${String(total.files).padStart(6)} ${n(total.bytes).padStart(12)} ${n(total.gzip).padStart(12)}`);
  if (biggest) {
    chunkSizes.sort((a, b) => a - b);
    const median = chunkSizes[Math.floor(chunkSizes.length / 2)];
    console.log(
      `    biggest chunk: ${biggest.rel}, ${n(biggest.bytes)} bytes (${n(biggest.gzip)} gzipped); ` +
        `${chunkSizes.length} chunks, median ${n(median)} bytes`,
    );
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const root = resolve(o.out);
  await stat(join(root, ...o.searchPath.split("/").filter(Boolean), "meta.json")).catch(() => {
    console.error(`search_download: no ${o.searchPath}meta.json in ${root}: not a built site with search on`);
    process.exit(1);
  });
  const require = createRequire(join(REPO, "tests", "browser", "package.json"));
  let chromium;
  try {
    ({ chromium } = require("playwright-core"));
  } catch {
    console.error("search_download: playwright-core not found: run `npm ci --prefix tests/browser`");
    process.exit(1);
  }
  await stat(o.chromium).catch(() => {
    console.error(`search_download: no Chromium at ${o.chromium} (apt-get install -y chromium, or CHROMIUM_BIN)`);
    process.exit(1);
  });

  const sent = [];
  const { server, base } = await serveStatic(root, sent);
  const browser = await chromium.launch({
    executablePath: o.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  console.log(`== search downloads: ${root}`);
  console.log(`served at ${base} (no compression); gzip figures: zlib level ${o.gzipLevel} of each body`);
  const summary = [];
  try {
    for (let i = 0; i < o.queries.length; i++) {
      const q = o.queries[i];
      const q2 = o.queries[(i + 1) % o.queries.length];
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const rec = recorder(page);

      sent.length = 0;
      const t0 = performance.now();
      await page.goto(`${base}${o.searchPath}?q=${encodeURIComponent(q)}`, { timeout: WAIT_MS });
      const status1 = await waitForQuery(page, q);
      const ms1 = performance.now() - t0;
      const first = await rec.take();
      crossCheck(first, sent.splice(0), "first query");

      const t1 = performance.now();
      await page.fill("#search-q", q2);
      await page.press("#search-q", "Enter");
      const status2 = await waitForQuery(page, q2);
      const ms2 = performance.now() - t1;
      const second = await rec.take();
      crossCheck(second, sent.splice(0), "second query");
      await context.close();

      const t1s = tally(first, o.searchPath, o.gzipLevel);
      const t2s = tally(second, o.searchPath, o.gzipLevel);
      console.log(`\n-- first query "${q}" in a fresh context: ${status1.trim()} (${ms1.toFixed(0)} ms to data-query)`);
      printTally(t1s);
      console.log(`-- then "${q2}" typed into the same page (cache warm): ${status2.trim()} (${ms2.toFixed(0)} ms)`);
      printTally(t2s);
      const bad = [...first, ...second].filter((r) => r.status >= 400).map((r) => `${r.status} ${r.path}`);
      if (bad.length) console.log(`    note: error responses: ${bad.join(", ")}`);
      if (rec.failed.length) console.log(`    note: failed requests: ${rec.failed.join(", ")}`);
      if (errors.length) console.log(`    note: page errors: ${errors.join(" | ")}`);
      summary.push({ q, q2, first: t1s.total, second: t2s.total, chunks: t1s.chunks.files });
    }
  } finally {
    await browser.close();
    server.close();
  }

  console.log("\n== summary (bytes of response bodies; gzip as a compressing server would send them)");
  console.log(
    `    ${"first query".padEnd(14)} ${"chunks".padStart(6)} ${"bytes".padStart(11)} ${"gzip".padStart(10)}   ` +
      `${"then".padEnd(14)} ${"bytes".padStart(10)} ${"gzip".padStart(9)}`,
  );
  for (const s of summary) {
    console.log(
      `    ${s.q.padEnd(14 - [...s.q].filter((c) => c > "\u1100").length)} ${String(s.chunks).padStart(6)} ` +
        `${n(s.first.bytes).padStart(11)} ${n(s.first.gzip).padStart(10)}   ` +
        `${s.q2.padEnd(14 - [...s.q2].filter((c) => c > "\u1100").length)} ${n(s.second.bytes).padStart(10)} ${n(s.second.gzip).padStart(9)}`,
    );
  }
  const worst = Math.max(...summary.map((s) => s.first.bytes));
  console.log(`    largest first query: ${n(worst)} bytes (${kb(worst)}); issue 12's target: 1.5 MB`);
  await folderTotals(root, o.searchPath, o.gzipLevel);
}

main().catch((e) => {
  console.error(`search_download: ${e.stack || e}`);
  process.exit(1);
});
