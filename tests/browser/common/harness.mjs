// What the browser tests share: where the binary and Chromium are (and a check that both are
// there), the time budgets and the watchdog, waiting with a deadline, polling, and Chromium's
// flags. Not a test file itself (node --test runs `*.test.mjs`).

import { access } from "node:fs/promises";
import { constants as fsConstants } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const BIN = resolve(process.env.SHOWPRESS_BIN || join(REPO, "target", "debug", "showpress"));
export const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";

// Budgets: each wait ≤ 10 s, the whole scenario ≤ 45 s, cleanup ≤ 10 s, and a watchdog that
// ends the process at 60 s whatever is still pending (Playwright kills Chromium on exit, and the
// exit handler below kills the child processes still running).
export const WAIT_MS = 10_000;
export const SCENARIO_MS = 45_000;
export const WATCHDOG_MS = 60_000;

/** Child processes (showpress) to kill when the test process exits. */
export const children = new Set();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Throws, saying how to get them, if the showpress binary or Chromium is missing. */
export async function checkTools() {
  await access(BIN, fsConstants.X_OK).catch(() => {
    throw new Error(`no showpress binary at ${BIN}: run \`cargo build\` first, or set SHOWPRESS_BIN`);
  });
  await access(CHROMIUM, fsConstants.X_OK).catch(() => {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_BIN`);
  });
}

/** Ends the process after `ms` (default WATCHDOG_MS), whatever is still pending. */
export function startWatchdog(name, ms = WATCHDOG_MS) {
  const watchdog = setTimeout(() => {
    console.error(`${name} test: watchdog fired after ${ms} ms; exiting`);
    process.exit(1);
  }, ms);
  watchdog.unref();
}

/** Rejects after `ms` with `what` in the message. */
function deadline(ms, what) {
  let timer;
  const p = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return { p, clear: () => clearTimeout(timer) };
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function within(ms, what, promise) {
  const d = deadline(ms, what);
  try {
    return await Promise.race([promise, d.p]);
  } finally {
    d.clear();
  }
}

/**
 * Calls `probe` every 100 ms until it returns a truthy value, for up to `ms`. Errors thrown by
 * the probe (a navigation destroying the execution context mid-evaluate) count as "not yet".
 * On time-out the message carries the last value or error the probe gave.
 */
export async function poll(what, probe, ms = WAIT_MS) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${ms} ms waiting until ${what} (last: ${detail})`);
    }
    await sleep(100);
  }
}

/** Chromium's flags: headless as root, and none of its own connections to the network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
