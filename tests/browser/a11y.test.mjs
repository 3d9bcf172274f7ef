// Real-browser accessibility test of the built-in theme on the example site (the repo root's
// content/, templates/, static/ and config.toml): one page of every kind (home and its second
// page, a post with a task list, a table and footnotes, the shows, a show, an episode, the
// guests, a guest, the tags, a tag, the archive, a standalone page, the 404 page and search)
//
// - has no axe-core violation, in the light and the dark colour scheme;
// - does not scroll sideways on a 360-pixel-wide phone, nor at 200% zoom on a 1280-pixel
//   screen (a 640-pixel CSS viewport at device scale 2: what zoom does to layout);
// - takes the keyboard: the first Tab focuses a skip link that is on screen and leads to an
//   element that exists, and every element Tab reaches shows a focus outline.
//
// The pages are found in the built output rather than named here, so a renamed slug cannot
// leave a kind untested; a kind that is not found fails the test.
//
// Run (from the repo root): cargo build && npm ci --prefix tests/browser && node --test tests/browser/
// Needs Debian's Chromium (apt-get install -y chromium). Env: SHOWPRESS_BIN (default
// target/debug/showpress under the repo root), CHROMIUM_BIN (default /usr/bin/chromium).

import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, WAIT_MS, checkTools, children, startWatchdog, within } from "./common/harness.mjs";
import { axeViolations } from "./common/axe.mjs";
import { build, launchOffline, serveStatic } from "./common/static-site.mjs";

// Fourteen pages, each loaded four times and run through axe twice: more than the other browser
// tests' 45 s on two shared cores, so this file has budgets of its own.
const SCENARIO_MS = 120_000;
const WATCHDOG_MS = 150_000;

startWatchdog("a11y", WATCHDOG_MS);

/** The names of the folders directly under `dir` ([] when there is no such folder). */
async function folders(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Whether `file` exists and its text passes `test`. */
async function htmlHas(file, test) {
  const html = await readFile(file, "utf8").catch(() => null);
  return html !== null && test(html);
}

/**
 * One URL path per page kind, found in the built site `out`. Kinds with nothing found are
 * absent from the result, so the caller can name them.
 */
async function pageKinds(out) {
  const kinds = {};
  const at = async (kind, path) => {
    if (kinds[kind] === undefined && (await htmlHas(join(out, path, "index.html"), () => true))) kinds[kind] = `/${path}`;
  };
  await at("home", "");
  await at("home page 2", "page/2/");
  for (const slug of await folders(join(out, "posts"))) {
    // The post that shows what Markdown adds to a page: task list, table, footnotes.
    const rich = (html) => html.includes('type="checkbox"') && html.includes("<table") && html.includes('class="footnote-definition"');
    if (await htmlHas(join(out, "posts", slug, "index.html"), rich)) {
      kinds["post with task list, table and footnotes"] = `/posts/${slug}/`;
      break;
    }
  }
  await at("shows", "shows/");
  for (const show of await folders(join(out, "shows"))) {
    if (show === "page") continue;
    await at("show", `shows/${show}/`);
    const episode = (await folders(join(out, "shows", show))).find((n) => /^\d+$/.test(n));
    if (episode) await at("episode", `shows/${show}/${episode}/`);
  }
  await at("guests", "guests/");
  for (const guest of await folders(join(out, "guests"))) if (guest !== "page") await at("guest", `guests/${guest}/`);
  await at("tags", "tags/");
  for (const tag of await folders(join(out, "tags"))) if (tag !== "page") await at("tag", `tags/${tag}/`);
  await at("archive", "archive/");
  // A standalone page (content/about.md and the like) is a top-level folder rendered by
  // page.html, whatever its name.
  for (const name of await folders(out)) {
    if (await htmlHas(join(out, name, "index.html"), (html) => html.includes('<article class="page">'))) {
      kinds["standalone page"] ??= `/${name}/`;
    }
  }
  if (await htmlHas(join(out, "404.html"), () => true)) kinds["404"] = "/404.html";
  await at("search", "search/");
  return kinds;
}

const EXPECTED_KINDS = [
  "home",
  "home page 2",
  "post with task list, table and footnotes",
  "shows",
  "show",
  "episode",
  "guests",
  "guest",
  "tags",
  "tag",
  "archive",
  "standalone page",
  "404",
  "search",
];

/**
 * In the page: how wide the document is against the viewport, and the elements that stick out
 * past its right edge, or whose text does, without a scrolling or clipping box around them to
 * hold them. Only the innermost are named (the paragraph with the long word, not every box
 * around it).
 */
function sideways() {
  const width = document.documentElement.clientWidth;
  // A box's own rectangle does not grow with text that overflows it (a long URL); its
  // scrollWidth does.
  const right = (el) => {
    const r = el.getBoundingClientRect();
    return getComputedStyle(el).overflowX === "visible" ? Math.max(r.right, r.left + el.scrollWidth) : r.right;
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return right(a) <= width + 0.5;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter((el) => {
    return el.getBoundingClientRect().width > 0 && right(el) > width + 0.5 && !clipped(el);
  });
  const name = (el) => {
    const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    const text = (el.textContent ?? "").trim().slice(0, 40);
    return `${el.localName}${el.id ? `#${el.id}` : ""}${cls} (right edge ${Math.round(right(el))} px): "${text}"`;
  };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    offenders: out.filter((el) => !out.some((o) => o !== el && el.contains(o))).slice(0, 8).map(name),
  };
}

/** In the page: the focused element, whether it is on screen, and its focus indicator. */
function focused() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== "rgba(0, 0, 0, 0)";
  return {
    what: `${el.localName}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).split(/\s+/).join(".")}` : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`,
    skip: el.matches("a.skip"),
    href: el.getAttribute("href"),
    onScreen: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
    indicator: outline || s.boxShadow !== "none",
  };
}

test("a11y: every page kind of the example site passes axe, fits 360 px and 200% zoom, and takes the keyboard", { timeout: WATCHDOG_MS }, async (t) => {
  await checkTools();

  const tmp = await mkdtemp(join(tmpdir(), "showpress-a11y-"));
  const site = join(tmp, "site");
  const out = join(tmp, "out");
  const log = [];
  const pageLog = [];
  const outside = []; // every third-party request the browser tried
  let http = null;
  let browser = null;
  const started = Date.now();
  const step = (msg) => t.diagnostic(`${((Date.now() - started) / 1000).toFixed(2)} s: ${msg}`);

  try {
    await within(SCENARIO_MS, "the whole scenario", (async () => {
      // 1. The example site, copied (its build cache then stays out of the checkout), built
      // and served; every page kind found in the output.
      for (const f of ["config.toml", "content", "templates", "static"]) {
        await cp(join(REPO, f), join(site, f), { recursive: true });
      }
      await build(site, out, log);
      http = await serveStatic(out, log);
      const kinds = await pageKinds(out);
      assert.deepEqual(EXPECTED_KINDS.filter((k) => !kinds[k]), [], `page kinds not found in the built example site: ${JSON.stringify(kinds)}`);
      const pages = EXPECTED_KINDS.map((kind) => ({ kind, path: kinds[kind] }));
      step(`built and serving ${http.url}; pages: ${pages.map((p) => p.path).join(" ")}`);

      const offline = await launchOffline(outside);
      browser = offline.browser;
      const open = async (context, { kind, path }) => {
        const page = await context.newPage();
        page.on("console", (m) => pageLog.push(`[console.${m.type()}] ${path} ${m.text()}`));
        page.on("pageerror", (e) => pageLog.push(`[pageerror] ${path} ${e.message}`));
        const response = await page.goto(new URL(encodeURI(path), http.url).href, { waitUntil: "load", timeout: WAIT_MS });
        assert.equal(response.status(), 200, `GET ${path} (${kind})`);
        return page;
      };

      // Each check below is a subtest, so one failing does not hide what the others find; and
      // each gathers every page's findings before asserting, so one run names them all.

      // 2. axe-core, light and dark.
      await t.test("axe-core: 0 violations on every page kind, light and dark", async () => {
        const context = await offline.newContext();
        const found = {};
        for (const p of pages) {
          const page = await open(context, p);
          for (const colorScheme of ["light", "dark"]) {
            await page.emulateMedia({ colorScheme });
            const v = await axeViolations(page);
            if (v.length) found[`${p.kind} ${p.path} (${colorScheme})`] = v;
          }
          await page.close();
        }
        await context.close();
        assert.deepEqual(found, {}, `axe violations:\n${JSON.stringify(found, null, 2)}`);
      });
      step("axe: every page kind, light and dark");

      // 3. No sideways scrolling on a phone and at 200% zoom; on the phone, axe again, since
      // what scrolls inside its own box (and must then take the keyboard) depends on the width.
      for (const [what, options] of [
        ["360 px wide", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }],
        ["200% zoom of 1280 px", { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 }],
      ]) {
        await t.test(`no sideways scrolling at ${what}`, async () => {
          const context = await offline.newContext(options);
          const found = {};
          const violations = {};
          for (const p of pages) {
            const page = await open(context, p);
            const s = await page.evaluate(sideways);
            if (s.scrollWidth > s.width || s.offenders.length) found[`${p.kind} ${p.path}`] = s;
            if (options.viewport.width === 360) {
              const v = await axeViolations(page);
              if (v.length) violations[`${p.kind} ${p.path}`] = v;
            }
            await page.close();
          }
          await context.close();
          assert.deepEqual(found, {}, `pages wider than the screen at ${what}:\n${JSON.stringify(found, null, 2)}`);
          assert.deepEqual(violations, {}, `axe violations at ${what}:\n${JSON.stringify(violations, null, 2)}`);
        });
        step(`sideways scrolling at ${what}`);
      }

      // 4. The keyboard: the first Tab lands on the skip link, on screen, leading to an element
      // that exists; every stop of Tab shows an outline (or a shadow), until focus leaves the
      // page.
      await t.test("keyboard: the skip link comes first, every Tab stop shows focus", async () => {
        const context = await offline.newContext();
        const found = {};
        for (const p of pages) {
          const page = await open(context, p);
          const problems = [];
          await page.keyboard.press("Tab");
          const first = await page.evaluate(focused);
          if (!first?.skip) problems.push(`the first Tab focuses ${first?.what ?? "nothing"}, not the skip link`);
          else {
            if (!first.onScreen) problems.push("the focused skip link is not on screen");
            const target = first.href?.startsWith("#") ? first.href.slice(1) : null;
            const exists = target && (await page.evaluate((id) => document.getElementById(id) !== null, target));
            if (!exists) problems.push(`the skip link's target ${first.href} is not on the page`);
          }
          const seen = new Set();
          for (let f = first, stops = 0; f && stops < 300; stops++) {
            if (seen.has(f.what)) break; // focus came round again
            seen.add(f.what);
            if (!f.indicator) problems.push(`no visible focus indicator on ${f.what}`);
            await page.keyboard.press("Tab");
            f = await page.evaluate(focused);
          }
          if (problems.length) found[`${p.kind} ${p.path}`] = problems;
          await page.close();
        }
        await context.close();
        assert.deepEqual(found, {}, `keyboard problems:\n${JSON.stringify(found, null, 2)}`);
      });
      step("keyboard");

      assert.deepEqual(outside, [], "no request left 127.0.0.1");
    })());
  } catch (e) {
    // One diagnostic per line: TAP escapes newlines inside one.
    t.diagnostic("build and server output:");
    for (const [stream, chunk] of log) {
      for (const line of chunk.split("\n")) if (line && stream !== "http") t.diagnostic(`  [${stream}] ${line}`);
    }
    t.diagnostic("page log:");
    for (const line of pageLog) t.diagnostic(`  ${line}`);
    t.diagnostic(`third-party requests: ${outside.join(", ") || "(none)"}`);
    throw e;
  } finally {
    // Always: browser closed, server stopped, temp dir removed.
    if (browser) {
      await within(10_000, "closing Chromium", browser.close()).catch((e) => t.diagnostic(`close: ${e.message}`));
    }
    if (http) await http.stop();
    for (const c of children) c.kill("SIGKILL");
    await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    step("cleaned up");
  }
});
