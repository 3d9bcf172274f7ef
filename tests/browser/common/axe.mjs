// axe-core in a page: inject it, run it, and fail with every violation spelled out (rule id,
// impact, the selector of each offending node and what axe says to fix) so a failure names
// what to change without rerunning anything. Not a test file itself (node --test runs
// `*.test.mjs`).

import assert from "node:assert/strict";
import { createRequire } from "node:module";

// axe-core comes from npm (tests/browser/package.json), never a copy in the repo.
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** axe-core's violations on the page as it is now: id, impact, help and one line per node. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ path: AXE });
  }
  return page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  });
}

/** Runs axe-core on the page; fails listing every violation. */
export async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe violations on ${what}:\n${JSON.stringify(violations, null, 2)}`);
}
