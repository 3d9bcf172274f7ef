// Real-browser test of site search (src/search/): queries typed into the built /search/ page
// find exactly the posts they should, in the order that matters, with the words marked; the
// filters narrow the results and go into the URL; a `?q=` link runs on load; the header's box
// on the home page leads there; without JavaScript the page says so and links the archive; and
// axe-core finds no accessibility violation on the search page (results shown) or the home
// page.
//
// The fixture (tests/fixtures/search/) is built with `showpress build` and served by a tiny
// static server in this process (both in common/static-site.mjs). Every request to another host
// is answered by the test itself and counted: search makes none.
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
  startWatchdog,
  within,
} from "./common/harness.mjs";
import { assertAccessible } from "./common/axe.mjs";
import { build, launchOffline, serveStatic } from "./common/static-site.mjs";

const FIXTURE = join(REPO, "tests", "fixtures", "search");

// The fixture's posts (tests/fixtures/search/content/posts/), by what the queries below must
// find in them. Nothing else in the fixture holds the words queried.
const P = {
  // 테크위클리 21회. Title 반도체의; body 반도체의, HBM; guest 김도현.
  chipOutlook: { href: "/posts/chip-outlook/", title: "반도체의 봄은 오는가" },
  // 테크위클리 22회. Title HBM3E; body 반도체를, HBM3E; tags 반도체, 공급망.
  hbmSupply: { href: "/posts/hbm-supply/", title: "HBM3E 공급 경쟁의 속사정" },
  // 경제토크쇼픽 51회. Body 한국에너지전략연구원은, deep learning, 딥시크가.
  powerDemand: { href: "/posts/power-demand/", title: "데이터센터 전력, 누가 감당하나" },
  // 경제토크쇼픽 52회. Title and body 벤처투자; guest 박희덕 (트랜스링크인베스트먼트 대표).
  ventureMoney: { href: "/posts/venture-money/", title: "벤처투자 시장에 다시 돈이 돌까" },
  // 경제토크쇼픽 53회. Title 딥시크 … 투자; body DeepSeek이, 투자; tag 딥시크; guest 박희덕.
  deepseekShock: { href: "/posts/deepseek-shock/", title: "딥시크 충격 이후의 AI 투자" },
  // 경제토크쇼픽 54회. Title 반도체; body 반도체, 투자를; tag 반도체.
  chipFund: { href: "/posts/chip-fund/", title: "반도체 펀드가 놓친 것" },
  // No show, no guest. Body 에너지경제연구소 (not 연구원); tag 환율.
  wonDollar: { href: "/posts/won-dollar/", title: "원·달러 환율 1400원 시대" },
};
const ALL = Object.values(P);

startWatchdog("search");

const byHref = (a, b) => (a.href < b.href ? -1 : a.href > b.href ? 1 : 0);
const pick = (items) => items.map(({ href, title }) => ({ href, title }));

/** The result items on the page, in order. */
function results(page) {
  return page.$$eval("#search-results > li", (lis) =>
    lis.map((li) => {
      const a = li.querySelector("h2 a");
      return {
        href: a ? a.getAttribute("href") : null,
        title: a ? a.textContent : null,
        meta: li.querySelector(".meta")?.textContent ?? null,
        excerpt: li.querySelector(".excerpt")?.innerHTML ?? null,
        marks: Array.from(li.querySelectorAll(".excerpt mark"), (m) => m.textContent),
      };
    }),
  );
}

/** Waits until the page shows query `q` in full (search.js sets data-query last). */
async function rendered(page, q) {
  await page.waitForFunction(
    (q) => document.getElementById("search-status")?.getAttribute("data-query") === q,
    q,
    { timeout: WAIT_MS },
  );
  return {
    status: await page.locator("#search-status").textContent(),
    items: await results(page),
  };
}

/**
 * Types `q` into the page's search box as a reader would (clearing it first) and waits until
 * its results are shown. `keys`: key by key with a pause between, rather than all at once;
 * `enter`: then presses Enter (the form's submit) rather than waiting for the results as typed.
 */
async function search(page, q, { keys = false, enter = false } = {}) {
  const input = page.locator("#search-q");
  await input.fill("");
  if (keys) {
    await input.pressSequentially(q, { delay: 40, timeout: WAIT_MS });
  } else {
    await input.fill(q, { timeout: WAIT_MS });
  }
  if (enter) await input.press("Enter");
  return rendered(page, q);
}

/** The exact set of posts found, in any order. */
function assertFound(r, expected, what) {
  assert.deepEqual(pick(r.items).sort(byHref), [...expected].sort(byHref), `${what}: ${r.status}`);
  assert.equal(r.status, `‘${what}’ 검색 결과 ${expected.length}건`);
}

/** The exact list of posts found, in this order. */
function assertFoundInOrder(r, expected, what) {
  assert.deepEqual(pick(r.items), expected, `${what}: ${r.status}`);
  assert.equal(r.status, `‘${what}’ 검색 결과 ${expected.length}건`);
}

test("search: queries typed into /search/ find exactly the posts that hold the words", { timeout: WATCHDOG_MS }, async (t) => {
  await checkTools();

  const tmp = await mkdtemp(join(tmpdir(), "showpress-browser-"));
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
      // 1. A copy of the fixture site, built, served; Chromium with every request leaving
      // 127.0.0.1 answered (and counted) by the test.
      await cp(FIXTURE, site, { recursive: true });
      await build(site, out, log);
      http = await serveStatic(out, log);
      step(`built and serving ${http.url}`);
      const offline = await launchOffline(outside);
      browser = offline.browser;
      const newContext = offline.newContext;
      const context = await newContext();
      const open = async (path) => {
        const page = await context.newPage();
        page.on("console", (m) => pageLog.push(`[console.${m.type()}] ${path} ${m.text()}`));
        page.on("pageerror", (e) => pageLog.push(`[pageerror] ${path} ${e.message}`));
        const response = await page.goto(new URL(path, http.url).href, { waitUntil: "load", timeout: WAIT_MS });
        assert.equal(response.status(), 200, `GET ${path}`);
        return page;
      };

      // 2. The search page: an empty query shows nothing and says nothing.
      const page = await open("/search/");
      let r = await rendered(page, "");
      assert.deepEqual(r, { status: "", items: [] }, "nothing before a query");
      assert.equal(await page.locator("#search-filters").isHidden(), true, "no filters before a query");

      // 3. A word and its particles. A query word is a prefix of index terms, so 반도체 finds
      // 반도체의 and 반도체를 too; 반도체의 as typed finds only the post with that form; 반도체는
      // is in no post, so its particle is cut and it finds what 반도체 finds.
      const chips = [P.chipOutlook, P.hbmSupply, P.chipFund];
      r = await search(page, "반도체", { keys: true });
      assertFound(r, chips, "반도체");
      assert.equal(await page.locator("#search-q").inputValue(), "반도체");
      r = await search(page, "반도체의", { keys: true });
      assertFound(r, [P.chipOutlook], "반도체의");
      await page.evaluate(() => { window.__searchTestMarker = "still this page"; });
      r = await search(page, "반도체를", { enter: true });
      assertFound(r, [P.hbmSupply], "반도체를");
      assert.equal(await page.evaluate(() => window.__searchTestMarker), "still this page", "Enter searches without reloading the page");
      r = await search(page, "반도체는");
      assertFound(r, chips, "반도체는");
      for (const item of r.items) {
        assert.ok(item.marks.length > 0 && item.marks.every((m) => m === "반도체"), `반도체 marked in ${item.href}: ${item.excerpt}`);
      }
      step("particles: 반도체, 반도체의, 반도체를, 반도체는");

      // 4. Words inside compounds, marked where they are: 연구원 in 한국에너지전략연구원은 (not
      // 에너지경제연구소), 투자 in 벤처투자. 투자 as a word in the title ranks first; 벤처투자
      // in a title and body next; 투자를 once in a body last.
      r = await search(page, "연구원");
      assertFound(r, [P.powerDemand], "연구원");
      assert.match(r.items[0].excerpt, /^한국에너지전략<mark>연구원<\/mark>은 데이터센터가/, "the excerpt marks 연구원 inside the compound");
      assert.deepEqual(r.items[0].marks, ["연구원"]);
      r = await search(page, "투자", { keys: true });
      assertFoundInOrder(r, [P.deepseekShock, P.ventureMoney, P.chipFund], "투자");
      assert.match(r.items[1].excerpt, /^벤처<mark>투자<\/mark> 업계의/, `the excerpt marks 투자 inside 벤처투자: ${r.items[1].excerpt}`);
      assert.equal(
        await page.locator("#search-results > li").nth(1).locator("h2 a mark").textContent(),
        "투자",
        "the title marks 투자 inside 벤처투자",
      );
      step("compounds: 연구원, 투자");

      // 5. Guests: the given name alone, the full name, a word of the role they had.
      const park = [P.ventureMoney, P.deepseekShock];
      assertFound(await search(page, "희덕", { keys: true }), park, "희덕");
      assertFound(await search(page, "박희덕"), park, "박희덕");
      assertFound(await search(page, "인베스트먼트"), park, "인베스트먼트");
      assertFound(await search(page, "김도현"), [P.chipOutlook, P.hbmSupply], "김도현");
      step("guests: 희덕, 박희덕, 인베스트먼트 (role), 김도현");

      // 6. Shows (a part of the name too), tags.
      const onPick = [P.powerDemand, P.ventureMoney, P.deepseekShock, P.chipFund];
      r = await search(page, "경제토크쇼픽");
      assertFound(r, onPick, "경제토크쇼픽");
      const meta = Object.fromEntries(r.items.map((i) => [i.href, i.meta]));
      assert.equal(meta[P.deepseekShock.href], "경제토크쇼픽 53회 · 2025년 3월 7일 (금)", "a result names its show, episode and date");
      assertFound(await search(page, "토크쇼"), onPick, "토크쇼");
      assertFound(await search(page, "테크위클리"), [P.chipOutlook, P.hbmSupply], "테크위클리");
      assertFound(await search(page, "공급망"), [P.hbmSupply], "공급망");
      r = await search(page, "환율");
      assertFound(r, [P.wonDollar], "환율");
      assert.ok(!r.items[0].meta.includes("·"), `a post without a show has only its date: ${r.items[0].meta}`);
      step("shows: 경제토크쇼픽, 토크쇼, 테크위클리; tags: 공급망, 환율");

      // 7. Latin words, in any case: DeepSeek (not `deep learning`), HBM in HBM3E and HBM.
      for (const q of ["deepseek", "DeepSeek", "DEEPSEEK"]) {
        r = await search(page, q, { keys: q === "DeepSeek" });
        assertFound(r, [P.deepseekShock], q);
        assert.deepEqual(r.items[0].marks, ["DeepSeek"], `the excerpt marks DeepSeek as written for ${q}`);
      }
      r = await search(page, "hbm");
      assertFoundInOrder(r, [P.hbmSupply, P.chipOutlook], "hbm");
      assertFoundInOrder(await search(page, "HBM"), [P.hbmSupply, P.chipOutlook], "HBM");
      step("Latin: deepseek, DeepSeek, DEEPSEEK, hbm, HBM");

      // 8. Two words: posts with both.
      assertFound(await search(page, "반도체 투자", { keys: true }), [P.chipFund], "반도체 투자");
      assertFound(await search(page, "희덕 딥시크"), [P.deepseekShock], "희덕 딥시크");
      step("two words: 반도체 투자, 희덕 딥시크");

      // 9. A word no post holds: no result item, a status that says so, no filters.
      r = await search(page, "양자컴퓨터", { keys: true });
      assert.deepEqual(r.items, [], "no result for 양자컴퓨터");
      assert.equal(r.status, "‘양자컴퓨터’와(과) 일치하는 글이 없습니다.");
      assert.equal(await page.locator("#search-filters").isHidden(), true, "no filters without results");
      assert.equal(new URL(page.url()).searchParams.get("q"), "양자컴퓨터", "the query is in the URL");
      step("no result: 양자컴퓨터");

      // 10. A filter: 반도체 is in both shows; choosing one narrows the results and puts it in
      // the URL; 전체 again brings all back.
      r = await search(page, "반도체");
      assertFound(r, chips, "반도체");
      const show = page.locator("#search-show");
      assert.equal(await show.isVisible(), true, "the show filter is shown with results");
      assert.deepEqual(
        await show.locator("option").allTextContents(),
        ["전체", "테크위클리 (2)", "경제토크쇼픽 (1)"],
        "the show filter offers the results' shows, most common first",
      );
      await show.selectOption({ label: "테크위클리 (2)" });
      r = await rendered(page, "반도체");
      assertFound(r, [P.chipOutlook, P.hbmSupply], "반도체");
      let url = new URL(page.url());
      assert.equal(url.pathname, "/search/");
      assert.equal(url.searchParams.get("q"), "반도체");
      assert.equal(url.searchParams.get("show"), "테크위클리", `the show is in the URL: ${url.search}`);
      await show.selectOption({ label: "전체" });
      r = await rendered(page, "반도체");
      assertFound(r, chips, "반도체");
      assert.equal(new URL(page.url()).searchParams.has("show"), false, "no show in the URL after 전체");
      step("filter: 반도체, show 테크위클리, then 전체");

      // 11. Accessibility of the page with results and filters shown, light and dark.
      await search(page, "반도체");
      await assertAccessible(page, "/search/?q=반도체");
      await page.emulateMedia({ colorScheme: "dark" });
      await assertAccessible(page, "/search/?q=반도체 (dark)");
      step("axe: /search/ with results, light and dark, 0 violations");
      await page.close();

      // 12. A link with the query (and a filter) runs it on load.
      {
        const p = await open("/search/?q=%EB%94%A5%EC%8B%9C%ED%81%AC");
        r = await rendered(p, "딥시크");
        assertFoundInOrder(r, [P.deepseekShock, P.powerDemand], "딥시크");
        assert.equal(await p.locator("#search-q").inputValue(), "딥시크");
        await p.close();
        const p2 = await open(`/search/?q=${encodeURIComponent("반도체")}&show=${encodeURIComponent("경제토크쇼픽")}`);
        r = await rendered(p2, "반도체");
        assertFound(r, [P.chipFund], "반도체");
        assert.equal(await p2.locator("#search-show").inputValue(), "경제토크쇼픽");
        await p2.close();

        // A show none of the results is in: the status says the filter is why.
        const p3 = await open(`/search/?q=${encodeURIComponent("딥시크")}&show=${encodeURIComponent("테크위클리")}`);
        r = await rendered(p3, "딥시크");
        assert.deepEqual(r.items, []);
        assert.equal(r.status, "‘딥시크’ 검색 결과 2건 가운데 고른 조건에 맞는 글이 없습니다.");
        assert.equal(await p3.locator("#search-show").inputValue(), "테크위클리");
        assert.deepEqual(await p3.locator("#search-show option").allTextContents(), ["전체", "경제토크쇼픽 (2)", "테크위클리 (0)"]);
        // 전체 again: the two posts' fragments are fetched now (slowly here), and the page
        // says it shows 딥시크 in full only once they are on it.
        await p3.route("**/search/doc/**", async (route) => {
          await sleep(300);
          return route.continue();
        });
        await p3.locator("#search-show").selectOption({ label: "전체" });
        r = await rendered(p3, "딥시크");
        assertFoundInOrder(r, [P.deepseekShock, P.powerDemand], "딥시크");
        await p3.close();
      }
      step("on load: ?q=딥시크, ?q=반도체&show=경제토크쇼픽, ?q=딥시크&show=테크위클리 then 전체");

      // 13. The home page: no axe violation; its header box submits to /search/?q=….
      {
        const home = await open("/");
        await assertAccessible(home, "/");
        const box = home.getByRole("searchbox", { name: "사이트 검색" });
        await box.fill("희덕");
        await Promise.all([
          home.waitForURL((u) => u.pathname === "/search/", { timeout: WAIT_MS }),
          box.press("Enter"),
        ]);
        assert.equal(new URL(home.url()).searchParams.get("q"), "희덕", `the header box sends q: ${home.url()}`);
        r = await rendered(home, "희덕");
        assertFound(r, park, "희덕");
        assert.equal(await home.locator("#search-q").inputValue(), "희덕");
        await home.close();
      }
      step("axe: home page, 0 violations; header box → /search/?q=희덕");
      await context.close();

      // 14. Without JavaScript: the page says search needs it and links the archive.
      {
        const noJs = await newContext({ javaScriptEnabled: false });
        const p = await noJs.newPage();
        const response = await p.goto(new URL("/search/?q=희덕", http.url).href, { waitUntil: "load", timeout: WAIT_MS });
        assert.equal(response.status(), 200);
        const note = p.locator(".search-noscript");
        assert.equal(await note.isVisible(), true, "the noscript message is shown");
        assert.match(await note.textContent(), /자바스크립트/);
        const archive = note.getByRole("link", { name: "보관함" });
        assert.equal(await archive.getAttribute("href"), "/archive/");
        assert.equal(await p.locator("#search-results > li").count(), 0, "no results without JavaScript");
        await archive.click({ timeout: WAIT_MS });
        await p.waitForURL((u) => u.pathname === "/archive/", { timeout: WAIT_MS });
        for (const post of ALL) {
          assert.equal(await p.locator(`main a[href="${post.href}"]`).count() > 0, true, `the archive links ${post.href}`);
        }
        await noJs.close();
      }
      step("without JavaScript: noscript message, archive link");

      assert.deepEqual(outside, [], "no request left 127.0.0.1");
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
