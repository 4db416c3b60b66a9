// Time from navigation to the first clips painted, in headless Chromium
// (Debian's, driven by the web client's playwright-core), against a running
// local stack. cmd/benchreport starts the stack and runs this.
//
// Env: LOCAL_JSON (the stack's local.json, required), RUNS (default 7),
//      CHROMIUM (default /usr/bin/chromium).
// Prints one JSON line: {"runs": [ms...], "medianMs": N, "clips": N}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = createRequire(join(repo, 'web/package.json'))('playwright-core');
const info = JSON.parse(readFileSync(process.env.LOCAL_JSON, 'utf8'));
const runs = Number(process.env.RUNS ?? 7);
const TOKEN_KEY = 'camvault.idToken'; // web/src/session.ts

const res = await fetch(`${info.issuerUrl}/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'email=viewer%40example.com',
});
const token = (await res.json()).id_token;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
let clips = 0;
try {
  for (let i = 0; i < runs; i++) {
    // A fresh context each run: an empty HTTP cache, as on a first visit.
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // Note when the first clip card enters the DOM, then wait two frames so
    // it has been painted.
    await context.addInitScript(() => {
      const done = () => requestAnimationFrame(() => requestAnimationFrame(() => { window.__firstClipsPainted = performance.now(); }));
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-clip]')) {
          obs.disconnect();
          done();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${info.webUrl}/config.json`);
    await page.evaluate(([k, t]) => sessionStorage.setItem(k, t), [TOKEN_KEY, token]);
    await page.goto(`${info.webUrl}/#/`);
    await page.waitForFunction(() => window.__firstClipsPainted !== undefined);
    times.push(await page.evaluate(() => window.__firstClipsPainted));
    clips = await page.locator('[data-clip]').count();
    await context.close();
  }
} finally {
  await browser.close();
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ runs: times.map((t) => Math.round(t)), medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]), clips }));
