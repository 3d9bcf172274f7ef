// Real-browser test of the click-to-play video facade (partials/video.html): the built post page
// holds a link and no player, its inline script makes the link a button, and only the click
// loads the privacy-enhanced YouTube player; nothing leaves 127.0.0.1 before that. Without
// JavaScript the facade is a plain link to the video; a direct file is a <video> that loads
// nothing before it is played.
//
// The fixture (tests/fixtures/video_facade/) is built with `showpress build` and served by a
// tiny static server in this process (both in common/static-site.mjs), so the browser sees
// exactly what would be published. Every request to another host is answered by the test
// itself (an empty 200): the test never touches the network.
//
// Run (from the repo root): cargo build && npm ci --prefix tests/browser && node --test tests/browser/
// Needs Debian's Chromium (apt-get install -y chromium). Env: SHOWPRESS_BIN (default
// target/debug/showpress under the repo root), CHROMIUM_BIN (default /usr/bin/chromium).
// tests/browser/node_modules/ is installed by `npm ci` and is not committed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
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
import { build, isLocal, launchOffline, serveStatic } from "./common/static-site.mjs";

const FIXTURE = join(REPO, "tests", "fixtures", "video_facade");

// content/posts/2025-05-06-rates.md: `video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s"`,
// show 경제토크쇼픽, episode 7.
const YT_PATH = "/posts/rates/";
const YT_WATCH = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s";
const YT_EMBED = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1";
const YT_NAME = "동영상 재생: 경제토크쇼픽 7회";
// content/posts/2025-05-20-moment.md: `{{ youtube(id="aqz-KE-bpKQ", start=754) }}` in the body.
const SC_PATH = "/posts/moment/";
const SC_EMBED = "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=754";
// content/posts/2025-05-13-clip.md: `video = "https://media.example.com/clips/ep8.mp4"`.
const MP4_PATH = "/posts/clip/";
const MP4_URL = "https://media.example.com/clips/ep8.mp4";

startWatchdog("video-facade");

/** Opens `path` in a new page of `context`; every request the page makes lands in `requests`. */
async function open(context, base, path, pageLog) {
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => pageLog.push(`[console.${m.type()}] ${path} ${m.text()}`));
  page.on("pageerror", (e) => pageLog.push(`[pageerror] ${path} ${e.message}`));
  const response = await page.goto(new URL(path, base).href, { waitUntil: "load", timeout: WAIT_MS });
  assert.equal(response.status(), 200, `GET ${path}`);
  const html = await response.text();
  // Anything the page would still fetch by itself after load would show up by now.
  await page.waitForLoadState("networkidle", { timeout: WAIT_MS });
  return { page, requests, html };
}

const thirdParty = (requests) => requests.filter((u) => !isLocal(u));

/**
 * The facade on `path`: no player and nothing third-party before the click; the click (mouse,
 * or Enter on the focused button with `keyboard`) puts the `embed` player in the button's place.
 */
async function clickToPlay(context, base, path, { name, embed, keyboard = false }, pageLog) {
  const { page, requests, html } = await open(context, base, path, pageLog);
  assert.ok(!/<iframe/i.test(html), `the delivered HTML of ${path} has no <iframe>`);
  assert.match(html, /<a class="video-play" href="[^"]+" data-embed="[^"]+"/, `the delivered HTML of ${path} has the facade link`);
  assert.deepEqual(thirdParty(requests), [], `no request leaves 127.0.0.1 before the click on ${path}`);
  assert.equal(await page.locator("iframe").count(), 0, "no iframe before the click");
  const button = page.getByRole("button", { name: /^동영상 재생/ });
  assert.equal(await button.count(), 1, "one button named 동영상 재생…");
  if (name) assert.equal(await button.getAttribute("aria-label"), name);
  assert.equal(await button.getAttribute("type"), "button");
  assert.equal(await page.locator("figure.video a.video-play").count(), 0, "the script replaced the link");
  assert.deepEqual(thirdParty(requests), [], "still nothing third-party after looking at the button");

  const before = requests.length;
  if (keyboard) {
    await button.focus();
    await page.keyboard.press("Enter");
  } else {
    await button.click({ timeout: WAIT_MS });
  }
  const iframe = page.locator("figure.video iframe");
  await iframe.waitFor({ state: "attached", timeout: WAIT_MS });
  const src = await iframe.getAttribute("src");
  assert.ok(src.startsWith(embed), `the player is ${embed}…: ${src}`);
  const title = await iframe.getAttribute("title");
  assert.ok(title && title.trim().length > 0, "the player has a title");
  if (name) assert.equal(title, name.replace(/^동영상 재생: /, ""), "the player's title is the video's name");
  assert.equal(await button.count(), 0, "the button is gone");
  assert.equal(await page.locator("iframe").count(), 1, "exactly one player");
  assert.ok(await page.evaluate(() => document.activeElement instanceof HTMLIFrameElement), "focus moved to the player");

  // The first request to leave 127.0.0.1 is the player's, after the click.
  await poll("the player's request", async () => thirdParty(requests).length > 0);
  assert.deepEqual(thirdParty(requests.slice(0, before)), [], "nothing third-party before the click");
  const first = thirdParty(requests)[0];
  assert.equal(new URL(first).hostname, "www.youtube-nocookie.com", `the first third-party request: ${first}`);
  assert.ok(first.startsWith(embed), `the first third-party request is the player: ${first}`);
  await page.close();
  return first;
}

test("video facade: no player and no third-party request before the click; the click loads the nocookie player", { timeout: WATCHDOG_MS }, async (t) => {
  await checkTools();

  const tmp = await mkdtemp(join(tmpdir(), "showpress-browser-"));
  const site = join(tmp, "site");
  const out = join(tmp, "out");
  const log = [];
  const pageLog = [];
  const outside = []; // every third-party request the browser tried, as the route saw it
  let http = null;
  let browser = null;
  const started = Date.now();
  const step = (msg) => t.diagnostic(`${((Date.now() - started) / 1000).toFixed(2)} s: ${msg}`);

  try {
    await within(SCENARIO_MS, "the whole scenario", (async () => {
      // 1. A copy of the fixture site, built, served.
      await cp(FIXTURE, site, { recursive: true });
      await build(site, out, log);
      http = await serveStatic(out, log);
      step(`built and serving ${http.url}`);

      // 2. Chromium. A request that would leave the machine gets an empty 200 from the test.
      const offline = await launchOffline(outside, "text/html; charset=utf-8");
      browser = offline.browser;
      const newContext = offline.newContext;
      const context = await newContext();

      // 3. The post's own video (front matter), clicked with the mouse.
      await clickToPlay(context, http.url, YT_PATH, { name: YT_NAME, embed: YT_EMBED }, pageLog);
      step(`${YT_PATH}: button, click, nocookie player`);

      // 4. The `youtube` shortcode in a post's body, played from the keyboard.
      await clickToPlay(context, http.url, SC_PATH, { embed: SC_EMBED, keyboard: true }, pageLog);
      step(`${SC_PATH}: shortcode facade, Enter, player at 754 s`);

      // 5. A direct file: <video preload="none">, and the file is fetched only once it plays.
      {
        const { page, requests, html } = await open(context, http.url, MP4_PATH, pageLog);
        assert.ok(!/<iframe/i.test(html), "no <iframe> on the file's page");
        const video = page.locator("figure.video video");
        assert.equal(await video.count(), 1, "a <video> element");
        assert.equal(await video.getAttribute("preload"), "none");
        assert.equal(await video.getAttribute("controls"), "");
        assert.equal(await page.locator("figure.video source").getAttribute("src"), MP4_URL);
        assert.equal(await page.getByRole("button", { name: /동영상 재생/ }).count(), 0, "no facade button for a file");
        await sleep(300);
        assert.deepEqual(thirdParty(requests), [], "nothing (not the mp4) requested before play");
        // Muted, so Chromium's autoplay policy lets a script start it.
        await page.evaluate(() => {
          const v = document.querySelector("figure.video video");
          v.muted = true;
          v.play().catch(() => {});
        });
        await poll("the mp4 requested once played", async () => requests.includes(MP4_URL));
        assert.deepEqual(thirdParty(requests).filter((u) => u !== MP4_URL), [], "only the mp4 leaves 127.0.0.1");
        await page.close();
      }
      step(`${MP4_PATH}: <video preload="none">, mp4 fetched only on play`);
      await context.close();

      // 6. Without JavaScript: a plain link to the video on YouTube, at the post's second.
      {
        const noJs = await newContext({ javaScriptEnabled: false });
        const { page, requests } = await open(noJs, http.url, YT_PATH, pageLog);
        assert.deepEqual(thirdParty(requests), [], "no third-party request without JavaScript either");
        // The header's search box has a button of its own: only the video figure counts.
        assert.equal(await page.locator("figure.video").getByRole("button").count(), 0, "no video button without JavaScript");
        assert.equal(await page.locator("iframe").count(), 0);
        const link = page.locator("figure.video a.video-play");
        assert.equal(await link.count(), 1, "the facade is a link");
        assert.equal(await link.getAttribute("href"), YT_WATCH);
        assert.equal(await page.getByRole("link", { name: YT_NAME }).count(), 1, "the link is named 동영상 재생: …");
        // Following it goes to YouTube (answered by the route, not the network).
        await Promise.all([
          page.waitForURL((u) => u.href === YT_WATCH, { timeout: WAIT_MS }),
          link.click({ timeout: WAIT_MS }),
        ]);
        assert.equal(thirdParty(requests)[0], YT_WATCH, "the link's request is the first third-party one");
        await noJs.close();
      }
      step(`${YT_PATH} without JavaScript: a link to ${YT_WATCH}`);

      // Nothing got past the route; everything it answered was asked for after a click or play.
      assert.deepEqual(outside.map((u) => new URL(u).hostname).sort(), [
        "media.example.com",
        "www.youtube-nocookie.com",
        "www.youtube-nocookie.com",
        "www.youtube.com",
      ].sort(), `third-party requests answered by the test: ${outside.join(", ")}`);
    })());
  } catch (e) {
    // One diagnostic per line: TAP escapes newlines inside one.
    t.diagnostic("build and server output:");
    for (const [stream, chunk] of log) {
      for (const line of chunk.split("\n")) if (line) t.diagnostic(`  [${stream}] ${line}`);
    }
    t.diagnostic("page log:");
    for (const line of pageLog) t.diagnostic(`  ${line}`);
    t.diagnostic(`third-party requests: ${outside.join(", ") || "(none)"}`);
    throw e;
  } finally {
    // 7. Always: browser closed, server stopped, temp dir removed.
    if (browser) {
      await within(10_000, "closing Chromium", browser.close()).catch((e) => t.diagnostic(`close: ${e.message}`));
    }
    if (http) await http.stop();
    for (const c of children) c.kill("SIGKILL");
    await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    step("cleaned up");
  }
});
