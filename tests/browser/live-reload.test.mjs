// Real-browser test of `showpress serve`: live reload, scroll kept across it, the error overlay
// and its removal, all driven by the page's own /__showpress/livereload.js (the test never calls
// reload or goto after the first load).
//
// Run (from the repo root): cargo build && npm ci --prefix tests/browser && node --test tests/browser/
// Needs Debian's Chromium (apt-get install -y chromium). Env: SHOWPRESS_BIN (default
// target/debug/showpress under the repo root), CHROMIUM_BIN (default /usr/bin/chromium).
// tests/browser/node_modules/ is installed by `npm ci` and is not committed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import {
  BIN,
  CHROMIUM,
  CHROMIUM_ARGS,
  REPO,
  SCENARIO_MS,
  WAIT_MS,
  WATCHDOG_MS,
  checkTools,
  children,
  poll,
  startWatchdog,
  within,
} from "./common/harness.mjs";

const FIXTURE = join(REPO, "tests", "fixtures", "pages");
// The post under test: content/posts/2025-03-11-first.md is served at /posts/first/.
const POST_FILE = join("content", "posts", "2025-03-11-first.md");
const POST_PATH = "/posts/first/";
const POST_TEXT = "첫 방송에서 나온 이야기를 정리했습니다.";

startWatchdog("live-reload");

/** Starts `showpress --root SITE serve --port 0` and resolves with its URL once it serves. */
async function startServer(site, log) {
  const child = spawn(BIN, ["--root", site, "serve", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s) => log.push(["stderr", s]));
  const url = await within(
    WAIT_MS,
    "the server printing its address",
    new Promise((resolveUrl, reject) => {
      let out = "";
      child.stdout.on("data", (s) => {
        log.push(["stdout", s]);
        out += s;
        const m = out.match(/Serving (http:\/\/127\.0\.0\.1:(\d+)\/) \(Ctrl-C to stop\)/);
        if (m) resolveUrl(m[1]);
      });
      child.on("error", reject);
      child.on("exit", (code, signal) =>
        reject(new Error(`showpress serve exited early (code ${code}, signal ${signal})`)),
      );
    }),
  );
  return { child, url };
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(t);
}

/** What the page shows right now; throws while a navigation is in progress. */
function snapshot(page) {
  return page.evaluate((id) => {
    const overlay = document.getElementById(id);
    const nav = performance.getEntriesByType("navigation")[0];
    return {
      ready: document.readyState,
      text: document.body ? document.body.innerText : "",
      overlay: overlay
        ? {
            text: overlay.innerText,
            visible: overlay.getBoundingClientRect().width > 0 && getComputedStyle(overlay).display !== "none",
          }
        : null,
      marker: window.__showpressTestMarker ?? null,
      navType: nav ? nav.type : null,
      scrollY: window.scrollY,
      scrollRestoration: history.scrollRestoration,
      height: document.documentElement.scrollHeight,
      innerHeight: window.innerHeight,
    };
  }, "__showpress-overlay");
}

/**
 * Puts a marker on `window`, runs `edit`, then waits until the page has been reloaded by its own
 * script (marker gone, navigation type "reload", load finished) and `done(snapshot)` holds.
 */
async function editAndAwaitReload(page, what, edit, done) {
  const marker = `m-${Date.now()}-${Math.random()}`;
  await page.evaluate((m) => {
    window.__showpressTestMarker = m;
  }, marker);
  await edit();
  let last = null;
  try {
    return await poll(what, async () => {
      const s = await snapshot(page);
      last = s;
      return s.ready === "complete" && s.marker === null && s.navType === "reload" && done(s) ? s : false;
    });
  } catch (e) {
    if (last) {
      const { text, ...rest } = last;
      e.message += `\nlast page state: ${JSON.stringify({ ...rest, marker: rest.marker && "(still set: no reload)", text: text.slice(-300) })}`;
    }
    throw e;
  }
}

test("showpress serve: live reload keeps scroll, shows and clears the error overlay", { timeout: WATCHDOG_MS }, async (t) => {
  await checkTools();

  const tmp = await mkdtemp(join(tmpdir(), "showpress-browser-"));
  const site = join(tmp, "site");
  const profile = join(tmp, "profile");
  const post = join(site, POST_FILE);
  const log = [];
  const pageLog = [];
  let server = null;
  let context = null;
  const started = Date.now();
  const step = (msg) => t.diagnostic(`${((Date.now() - started) / 1000).toFixed(2)} s: ${msg}`);

  try {
    await within(SCENARIO_MS, "the whole scenario", (async () => {
      // 1. A copy of the fixture site, served.
      await cp(FIXTURE, site, { recursive: true });
      const original = await readFile(post, "utf8");
      assert.match(original, /^\+\+\+\ntitle = "첫 회 정리"\n/);
      server = await startServer(site, log);
      step(`serving ${server.url}`);

      // 2. The post in Chromium.
      context = await within(WAIT_MS, "Chromium starting", chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1000, height: 700 },
        args: CHROMIUM_ARGS,
      }));
      const page = context.pages()[0] ?? (await context.newPage());
      page.on("console", (m) => pageLog.push(`[console.${m.type()}] ${m.text()}`));
      page.on("pageerror", (e) => pageLog.push(`[pageerror] ${e.message}`));
      page.on("framenavigated", (f) => {
        if (f === page.mainFrame()) pageLog.push(`[navigated] ${f.url()}`);
      });
      const response = await page.goto(new URL(POST_PATH, server.url).href, { waitUntil: "load", timeout: WAIT_MS });
      assert.equal(response.status(), 200);
      let s = await snapshot(page);
      assert.ok(s.text.includes(POST_TEXT), `the post's text is on the page: ${s.text.slice(0, 300)}`);
      assert.equal(s.overlay, null, "no overlay on a good build");
      assert.equal(s.navType, "navigate");
      step("post loaded");

      // 3. Make the page tall (many paragraphs); the page reloads by itself.
      const tag = `${process.pid}-${Date.now()}`;
      const filler = Array.from({ length: 60 }, (_, i) =>
        `채우기 문단 ${i + 1}: 스크롤을 시험하려고 글을 길게 만듭니다. filler paragraph ${i + 1}.`,
      ).join("\n\n");
      const first = `첫 번째 추가 문장 ${tag}.`;
      const tall = `${original.trimEnd()}\n\n${filler}\n\n${first}\n`;
      s = await editAndAwaitReload(page, "the page shows the first appended sentence",
        () => writeFile(post, tall), (s) => s.text.includes(first));
      assert.ok(s.text.includes("filler paragraph 60."), "all filler paragraphs are there");
      assert.ok(s.height > 400 + s.innerHeight + 100, `page is tall enough to scroll to 400: ${s.height}`);
      step(`live reload 1 (tall page, ${s.height}px)`);

      // 4. Scroll to 400, edit again: the reloaded page is back at 400 (±50).
      // Chromium restores the scroll of a reloaded page by itself; turn that off so only
      // livereload.js's own restore (which other browsers need) can pass this check.
      await page.evaluate(() => {
        history.scrollRestoration = "manual";
        window.scrollTo(0, 400);
      });
      await poll("the page scrolled to 400", async () => (await page.evaluate(() => window.scrollY)) === 400);
      await sleep(200); // still there a moment later: nothing else scrolls the page
      assert.equal(await page.evaluate(() => window.scrollY), 400);
      const second = `두 번째 추가 문장 ${tag}.`;
      const good = `${tall}\n${second}\n`;
      s = await editAndAwaitReload(page, "the page shows the second appended sentence",
        () => writeFile(post, good), (s) => s.text.includes(second));
      // Scroll restoration may land a moment after load; give it up to 2 s, then judge.
      let y = s.scrollY;
      try {
        y = await poll("scroll restored", async () => {
          const v = await page.evaluate(() => window.scrollY);
          return Math.abs(v - 400) <= 50 ? { v } : false;
        }, 2_000).then((r) => r.v);
      } catch {
        y = await page.evaluate(() => window.scrollY);
      }
      assert.equal(s.scrollRestoration, "manual", "the browser's own scroll restoration stays off after reload");
      assert.ok(Math.abs(y - 400) <= 50, `scroll position kept across the live reload: was 400, now ${y}`);
      step(`live reload 2 (scrollY ${y})`);

      // 5. Break the front matter: the page reloads with the overlay over the last good build.
      const broken = good.replace(/^title = "첫 회 정리"$/m, "title = ");
      assert.notEqual(broken, good);
      s = await editAndAwaitReload(page, "the error overlay is shown",
        () => writeFile(post, broken), (s) => s.overlay && s.overlay.visible);
      assert.ok(s.overlay.text.includes("content/posts/"), `overlay names the file: ${s.overlay.text}`);
      assert.ok(s.overlay.text.includes("error:"), `overlay says error: ${s.overlay.text}`);
      assert.ok(s.overlay.text.includes("2025-03-11-first.md"), `overlay names the post: ${s.overlay.text}`);
      assert.ok(s.text.includes(second), "the last good build is still under the overlay");
      assert.ok(Math.abs(s.scrollY - 400) <= 50, `scroll kept when the overlay came: ${s.scrollY}`);
      step(`overlay shown (scrollY ${s.scrollY})`);

      // 6. Fix it: the page reloads without the overlay, with the appended sentences.
      s = await editAndAwaitReload(page, "the overlay is gone after the fix",
        () => writeFile(post, good), (s) => s.overlay === null && s.text.includes(second));
      assert.ok(s.text.includes(first) && s.text.includes(POST_TEXT));
      assert.ok(!(await page.locator("#__showpress-overlay").isVisible()));
      assert.ok(Math.abs(s.scrollY - 400) <= 50, `scroll kept when the overlay went: ${s.scrollY}`);
      step(`overlay cleared (scrollY ${s.scrollY})`);
    })());
  } catch (e) {
    // One diagnostic per line: TAP escapes newlines inside one.
    t.diagnostic("server output:");
    for (const [stream, chunk] of log) {
      for (const line of chunk.split("\n")) if (line) t.diagnostic(`  [${stream}] ${line}`);
    }
    t.diagnostic("page log:");
    for (const line of pageLog) t.diagnostic(`  ${line}`);
    throw e;
  } finally {
    // 7. Always: browser closed, server stopped, temp dir removed.
    if (context) {
      await within(10_000, "closing Chromium", context.close()).catch((e) => t.diagnostic(`close: ${e.message}`));
    }
    // Every server started, even one whose address never came.
    await within(10_000, "stopping the server", Promise.all([...children].map(stopServer)));
    await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    step("cleaned up");
  }
});
