// Render poseconv metadata forms in headless Chromium and fill them in, as a person would.
//
//   node tests/forms/run_form.mjs CASES.json RESULT.json [SCREENSHOT_DIR]
//
// CASES.json is a list of {name, schema, formData, actions}; actions are, in order,
// {"fill": "<css selector>", "value": "<text>"} and {"submit": true}. RESULT.json gets, per case,
// the unsupported fields rjsf drew, every submit (the submitted formData, or the validation errors)
// and the browser's console and page errors. The page is bundled with esbuild and served from
// 127.0.0.1; Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM): nothing is downloaded.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [casesPath, resultPath, screenshotDir] = process.argv.slice(2);
if (!casesPath || !resultPath) {
  console.error("usage: node run_form.mjs CASES.json RESULT.json [SCREENSHOT_DIR]");
  process.exit(2);
}

const bundle = await build({
  entryPoints: [join(here, "src", "form.jsx")],
  bundle: true,
  write: false,
  format: "iife",
  jsx: "automatic",
  minify: true,
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "silent",
});
const script = bundle.outputFiles[0].text;
const page = `<!doctype html><html><head><meta charset="utf-8"><title>poseconv metadata form</title></head>
<body><div id="root"></div><script src="/form.js"></script></body></html>`;

const cases = JSON.parse(await readFile(casesPath, "utf-8"));
let current = null;
const server = createServer((request, response) => {
  const routes = {
    "/": ["text/html", page],
    "/form.js": ["text/javascript", script],
    "/case.json": ["application/json", JSON.stringify(current)],
  };
  const route = routes[new URL(request.url, "http://127.0.0.1").pathname];
  if (!route) {
    // 204 rather than 404 for the favicon, so that the page's console holds real errors only.
    response.writeHead(request.url === "/favicon.ico" ? 204 : 404).end();
    return;
  }
  response.writeHead(200, { "content-type": route[0] }).end(route[1]);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

// launch() gives the browser a new, empty profile (user data dir) of its own and removes it afterwards.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const results = [];
try {
  for (const item of cases) {
    current = { schema: item.schema, formData: item.formData };
    const tab = await browser.newPage();
    const consoleErrors = [];
    const pageErrors = [];
    tab.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    tab.on("pageerror", (error) => pageErrors.push(String(error)));
    await tab.goto(url);
    await tab.waitForSelector("body[data-ready='yes'] form.rjsf, body[data-load-error]", { timeout: 30000 });
    const loadError = await tab.evaluate(() => document.body.dataset.loadError || null);
    const unsupported = await tab.$$eval(".unsupported-field", (nodes) => nodes.map((node) => node.textContent));
    const fields = await tab.$$eval("form.rjsf [id^='root']", (nodes) => nodes.length);
    const submits = [];
    let actionError = null;
    try {
      for (const action of item.actions || []) {
        if (action.fill !== undefined) {
          await tab.fill(action.fill, action.value, { timeout: 10000 });
        } else if (action.submit) {
          const before = submits.length;
          await tab.click("form.rjsf button[type='submit']");
          await tab.waitForFunction((n) => window.__submits.length > n, before, { timeout: 15000 });
          submits.push(await tab.evaluate((n) => window.__submits[n], before));
        }
      }
    } catch (error) {
      // Reported with its case (e.g. a field the form did not draw), so that the other cases still run.
      actionError = String(error.message || error).split("\n")[0];
    }
    if (screenshotDir) {
      await mkdir(screenshotDir, { recursive: true });
      await tab.screenshot({ path: join(screenshotDir, `${item.name}.png`), fullPage: true });
    }
    results.push({ name: item.name, loadError, actionError, fields, unsupported, submits, consoleErrors, pageErrors });
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
await writeFile(resultPath, JSON.stringify(results, null, 2));
