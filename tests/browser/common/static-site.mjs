// What the browser tests of built sites share: `showpress build` of a fixture into a folder,
// a tiny static server for that folder on 127.0.0.1 (so the browser sees exactly what would
// be published), and telling requests that stay on this machine from those that would leave
// it. Not a test file itself (node --test runs `*.test.mjs`).

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { chromium } from "playwright-core";
import { BIN, CHROMIUM, CHROMIUM_ARGS, WAIT_MS, children, within } from "./harness.mjs";

/** Runs `showpress --root SITE build --output OUT`; resolves once it exited 0. */
export async function build(site, out, log) {
  const child = spawn(BIN, ["--root", site, "build", "--output", out], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  children.add(child);
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (s) => log.push(["stdout", s]));
  child.stderr.on("data", (s) => log.push(["stderr", s]));
  try {
    await within(WAIT_MS, "showpress build", new Promise((resolveBuild, reject) => {
      child.on("error", reject);
      child.on("exit", (code, signal) =>
        code === 0 ? resolveBuild() : reject(new Error(`showpress build failed (code ${code}, signal ${signal})`)),
      );
    }));
  } finally {
    children.delete(child);
  }
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves the folder `root` on 127.0.0.1 (a free port); `/dir/` is `/dir/index.html`. Every
 * request lands in `log` as ["http", "METHOD /path\n"]. `stop()` closes it, open connections
 * too, within 10 s.
 */
export async function serveStatic(root, log) {
  const server = createServer(async (req, res) => {
    log.push(["http", `${req.method} ${req.url}\n`]);
    try {
      let path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
      if (path.endsWith("/")) path += "index.html";
      const file = resolve(root, `.${path}`);
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside the root");
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
    }
  });
  await new Promise((r, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", r);
  });
  const stop = async () => {
    server.closeAllConnections();
    await within(10_000, "stopping the server", new Promise((r) => server.close(r)));
  };
  return { server, url: `http://127.0.0.1:${server.address().port}/`, stop };
}

/** Whether a request URL stays on this machine (data: URLs never reach the network). */
export function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:") return true;
  return ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
}

/**
 * Starts headless Chromium for a built site served on 127.0.0.1. Its contexts answer every
 * request that would leave the machine with an empty 200 of `contentType` and push its URL
 * onto `outside`, so a test never touches the network and can assert what was tried.
 * Returns the browser (to close) and `newContext(options)`.
 */
export async function launchOffline(outside, contentType = "text/plain") {
  const browser = await within(WAIT_MS, "Chromium starting", chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  }));
  const newContext = async (options = {}) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, ...options });
    await context.route((url) => !isLocal(url.href), (route) => {
      outside.push(route.request().url());
      return route.fulfill({ status: 200, contentType, body: "" });
    });
    return context;
  };
  return { browser, newContext };
}
