// End-to-end tests of the web client in headless Chromium (Debian's, driven by
// playwright-core) against a fresh local stack that this script starts on
// loopback and always stops. Prints "N passed, N failed"; exits non-zero on
// any failure. Screenshots go to test-results/ only; the tests never write
// into the tracked tree (`make screenshots` refreshes the README's picture).
//
// Env: CAMVAULT_LOCAL_BIN (default ../build/bin/camvault-local),
//      CHROMIUM (default /usr/bin/chromium), E2E_ONLY (substring of test names),
//      E2E_TIMELINE_PNG (also copy the timeline screenshot to this file).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { checkA11y } from './axe.mjs';
import { registerConsoleTests } from './console.mjs';
import { registerKeepExpiryTest, registerKeepShareTests } from './keepshare.mjs';
import { registerSessionTests } from './session.mjs';
import { registerAlertsTests } from './alerts.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const repo = resolve(webDir, '..');
const bin = process.env.CAMVAULT_LOCAL_BIN ?? join(repo, 'build/bin/camvault-local');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const results = join(webDir, 'test-results');
const only = process.env.E2E_ONLY ?? '';
const TOKEN_KEY = 'camvault.idToken'; // src/session.ts

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Never print tokens or signatures, even inside a failure message. */
function redact(s) {
  return String(s)
    .replace(/(id_token=|Bearer\s+)[\w.-]+/gi, '$1<redacted>')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt redacted>')
    .replace(/(X-Amz-(Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1<redacted>');
}

function log(...a) {
  console.log('[e2e]', ...a.map(redact));
}

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the local stack ------------------------------------------------------

let running = null; // the camvault-local child, for the exit handler

async function startStack() {
  if (!existsSync(bin)) throw new Error(`${bin} not found: run "make tools" in ${repo} first`);
  if (!existsSync(join(webDir, 'dist/index.html'))) throw new Error('dist/index.html not found: run "npm run build" first');
  const dataDir = mkdtempSync(join(tmpdir(), 'camvault-e2e-'));
  const args = ['--data-dir', dataDir, '--web-dir', join(webDir, 'dist'),
    '--api-port', '0', '--web-port', '0', '--issuer-port', '0', '--s3-port', '0', '--dynamodb-port', '0'];
  log('starting', bin, args.join(' '));
  // stdin is a pipe: stackCommand sends lines to camvault-local's console.
  const child = spawn(bin, args, { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  running = child;
  let output = '';
  const keep = (d) => {
    output = (output + d.toString()).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((r) => child.on('exit', (code, sig) => {
    exited = { code, sig };
    r(exited);
  }));
  const stack = { child, dataDir, exit, output: () => output, info: null };
  const file = join(dataDir, 'local.json');
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited) throw Object.assign(new Error(`camvault-local exited (${JSON.stringify(exited)}) before writing local.json:\n${output}`), { stack_: stack });
    if (existsSync(file)) {
      try {
        stack.info = JSON.parse(readFileSync(file, 'utf8'));
        if (stack.info.webUrl && stack.info.apiUrl && stack.info.issuerUrl) break;
      } catch {
        // half-written; try again
      }
    }
    await sleep(200);
  }
  if (!stack.info) {
    await stopStack(stack);
    throw new Error(`local.json did not appear within 120 s:\n${output}`);
  }
  log('stack up:', JSON.stringify({ web: stack.info.webUrl, api: stack.info.apiUrl, issuer: stack.info.issuerUrl, s3: stack.info.s3Url }));
  return stack;
}

/**
 * Sends one line to camvault-local's stdin console (e.g. "expire 40d") and
 * resolves to its one-line answer on stdout.
 */
function stackCommand(stack, line) {
  const { child } = stack;
  return new Promise((resolveAnswer, reject) => {
    let buf = '';
    const done = (f, v) => {
      clearTimeout(timer);
      child.stdout.off('data', on);
      f(v);
    };
    const timer = setTimeout(() => done(reject, new Error(`camvault-local did not answer "${line}" within 60 s`)), 60_000);
    function on(d) {
      buf += d.toString();
      const m = /^(expired \d+ items as of \S+|camvault-local: .*|commands: .*)$/m.exec(buf);
      if (m) done(resolveAnswer, m[1]);
    }
    child.stdout.on('data', on);
    child.stdin.write(`${line}\n`);
  });
}

async function stopStack(stack) {
  if (!stack) return;
  const { child } = stack;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const done = await Promise.race([stack.exit, sleep(15_000).then(() => null)]);
    if (!done) {
      log('camvault-local ignored SIGTERM for 15 s; killing it');
      child.kill('SIGKILL');
      await stack.exit;
    }
  }
  rmSync(stack.dataDir, { recursive: true, force: true });
  log('stack stopped');
}

// --- browser helpers ------------------------------------------------------

const cspViolations = [];
const pageErrors = [];

async function newPage(browser, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: false });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => {
    const t = m.text();
    if (/Content.Security.Policy/i.test(t)) cspViolations.push(`${page.url()}: ${t}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function shot(page, name) {
  mkdirSync(results, { recursive: true });
  const p = join(results, `${name}.png`);
  await page.screenshot({ path: p });
  return p;
}

/** Signs in through the dev issuer's page as email; ends on the vault. */
async function signIn(page, stack, email, hash = '#/') {
  await page.goto(`${stack.info.webUrl}/${hash}`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.href.startsWith(stack.info.issuerUrl));
  await page.locator(`button[name="email"][value="${email}"]`).click();
  await page.waitForURL((u) => u.href.startsWith(stack.info.webUrl));
}

async function waitForVault(page, role) {
  await page.locator('[data-testid="role"]').filter({ hasText: role }).waitFor();
  await page.locator('[data-clip]').first().waitFor();
}

const cardKeys = (page) => page.locator('[data-clip]').evaluateAll((els) => els.map((e) => e.getAttribute('data-clip')));

/** Runs a command to completion; rejects with its output on failure. */
function run(cmd, args) {
  return new Promise((resolveRun, reject) => {
    if (!existsSync(cmd)) return reject(new Error(`${cmd} not found: run "make tools" first`));
    const p = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`${cmd} exited ${code}: ${out.slice(-2000)}`))));
  });
}

async function mintToken(stack, email, expiresIn) {
  const res = await fetch(`${stack.info.issuerUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, expires_in: String(expiresIn) }),
  });
  assert(res.ok, `POST /token answered ${res.status}`);
  const body = await res.json();
  assert(typeof body.id_token === 'string', 'POST /token gave no id_token');
  return body.id_token;
}

/** Opens the app in a page that already holds token in its tab's sessionStorage. */
async function withToken(page, stack, token, hash = '#/') {
  await page.goto(`${stack.info.webUrl}/config.json`);
  await page.evaluate(([k, t]) => sessionStorage.setItem(k, t), [TOKEN_KEY, token]);
  await page.goto(`${stack.info.webUrl}/${hash}`);
}

// --- the scenarios --------------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

let viewer; // a signed-in viewer page shared by the viewer scenarios

/** The shared viewer page; signed in with a minted token when run alone (E2E_ONLY). */
async function ensureViewer(browser, stack) {
  if (viewer) return viewer;
  viewer = await newPage(browser);
  await withToken(viewer, stack, await mintToken(stack, 'viewer@example.com', 3600));
  await waitForVault(viewer, 'viewer');
  return viewer;
}

test('viewer signs in through the dev issuer and sees cameras and clips', async ({ browser, stack }) => {
  viewer = await newPage(browser);
  await viewer.goto(`${stack.info.webUrl}/`);
  await viewer.getByRole('heading', { name: 'Sign in to watch your cameras' }).waitFor();
  await shot(viewer, 'signin');
  await checkA11y(viewer, 'sign-in');
  await viewer.getByRole('button', { name: 'Sign in', exact: true }).click();
  await viewer.waitForURL((u) => u.href.startsWith(stack.info.issuerUrl));
  await viewer.locator('button[name="email"]').first().waitFor();
  await checkA11y(viewer, 'dev issuer sign-in');
  await signIn(viewer, stack, 'viewer@example.com');
  await waitForVault(viewer, 'viewer');
  assert(!viewer.url().includes('id_token'), 'the token was left in the address bar');
  const stored = await viewer.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage) }));
  assert(stored.local === 0, 'something was written to localStorage');
  assert(stored.session.includes(TOKEN_KEY), 'the token is not in sessionStorage');
  const cams = await viewer.locator('[data-camera]').count();
  assert(cams >= 1, `expected cameras, saw ${cams}`);
  const camText = await viewer.locator('[data-camera]').first().innerText();
  assert(/clip/.test(camText), `camera card lacks last clip / count: ${camText}`);
  const keys = await cardKeys(viewer);
  assert(keys.length > 0, 'no clips on the timeline');
  assert(await viewer.locator('.day-heading').count() >= 1, 'no day headings');
  await viewer.locator('.camera-card img').first().waitFor(); // a real thumbnail, not only placeholders
  await viewer.locator('.card img').first().waitFor();
  const p = await shot(viewer, 'timeline');
  await checkA11y(viewer, 'timeline');
  const target = process.env.E2E_TIMELINE_PNG;
  if (target) {
    mkdirSync(dirname(resolve(target)), { recursive: true });
    copyFileSync(p, resolve(target));
  }
});

test('scrolling to the end loads the next pages', async ({ browser, stack }) => {
  await ensureViewer(browser, stack);
  // Small pages (limit=10 in the URL) so the seed spans several.
  const cursors = [];
  const onRequest = (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('/videos') && !u.pathname.includes('/cameras/') && u.searchParams.has('cursor')) cursors.push(u.searchParams.get('limit'));
  };
  viewer.on('request', onRequest);
  await viewer.goto(`${stack.info.webUrl}/#/?limit=10`);
  await viewer.reload();
  await viewer.locator('[data-clip]').first().waitFor();
  for (let i = 0; i < 30 && (await viewer.getByTestId('end').count()) === 0; i++) {
    await viewer.locator('.list-end').scrollIntoViewIfNeeded();
    await sleep(300);
  }
  viewer.off('request', onRequest);
  await viewer.getByTestId('end').waitFor();
  const keys = await cardKeys(viewer);
  assert(cursors.length >= 2, `expected at least two cursor pages, saw ${cursors.length}`);
  assert(cursors.every((l) => l === '10'), 'a next page lost the page size');
  assert(keys.length > 20, `expected more than two pages of clips, saw ${keys.length}`);
  assert(new Set(keys).size === keys.length, 'a clip is shown twice');
  const times = await viewer.locator('[data-clip] time, [data-clip] .card-time').count();
  assert(times === keys.length, 'cards without a time');
});

test('filtering by camera narrows the timeline and goes into the URL', async ({ browser, stack }) => {
  await ensureViewer(browser, stack);
  const cams = await viewer.locator('[data-camera]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera')));
  const cam = cams[1] ?? cams[0];
  await viewer.getByLabel('Camera', { exact: true }).selectOption(cam);
  await viewer.waitForURL((u) => u.hash.includes(`camera=${cam}`));
  await viewer.waitForFunction((c) => {
    const cards = [...document.querySelectorAll('[data-clip]')];
    return cards.length > 0 && cards.every((e) => e.getAttribute('data-clip').startsWith(`${c}/`));
  }, cam);
  assert((await viewer.locator(`[data-camera="${cam}"]`).getAttribute('aria-pressed')) === 'true', 'camera card not shown as selected');
  await checkA11y(viewer, 'camera');
  // A date range that holds nothing says so and offers to clear.
  await viewer.goto(`${stack.info.webUrl}/#/?camera=${cam}&from=2001-01-01&to=2001-01-02`);
  await viewer.locator('[data-testid="empty"]').waitFor();
  await checkA11y(viewer, 'empty range');
  await viewer.getByRole('button', { name: 'Clear filters' }).first().click();
  await viewer.waitForURL((u) => !u.hash.includes('camera='));
  await viewer.locator('[data-clip]').first().waitFor();
});

test('a clip plays, with download link, facts and keyboard', async ({ browser, stack }) => {
  await ensureViewer(browser, stack);
  await viewer.locator('[data-clip] a').first().click();
  const dialog = viewer.getByRole('dialog');
  await dialog.waitFor();
  await viewer.waitForURL((u) => u.hash.includes('clip='));
  await viewer.locator('video').waitFor();
  await viewer.waitForFunction(() => {
    const v = document.querySelector('video');
    return v !== null && v.readyState >= 2;
  }, null, { timeout: 20_000 });
  const src = await viewer.locator('video').getAttribute('src');
  const s3 = new URL(stack.info.s3Url ?? stack.info.apiUrl).origin;
  assert(src && src.startsWith(s3), `play URL ${src ? new URL(src).origin : src} is not on S3 (${s3})`);
  const href = await viewer.getByTestId('download').getAttribute('href');
  assert(href && href.startsWith(s3) && /[?&]X-Amz-Signature=/i.test(href), 'download link is not a signed S3 URL');
  const head = await fetch(href, { method: 'GET', headers: { Range: 'bytes=0-0' } });
  assert(head.ok, `download URL answered ${head.status}`);
  assert(/attachment/i.test(head.headers.get('content-disposition') ?? ''), 'download URL does not answer as an attachment');
  const facts = await viewer.locator('.facts').innerText();
  for (const f of ['Camera', 'Captured', 'Duration', 'Size', 'SHA-256']) assert(facts.toLowerCase().includes(f.toLowerCase()), `facts lack ${f}`);
  assert(await viewer.getByRole('button', { name: /^Delete/ }).count() === 0, 'a viewer is offered Delete');
  await shot(viewer, 'player');
  await checkA11y(viewer, 'player');
  const first = new URL(viewer.url()).hash;
  await viewer.keyboard.press('ArrowRight');
  await viewer.waitForURL((u) => u.hash !== first && u.hash.includes('clip='));
  await viewer.keyboard.press('ArrowLeft');
  await viewer.waitForURL((u) => u.hash === first);
  await viewer.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert(!viewer.url().includes('clip='), 'Esc left the clip in the URL');
});

test('phone width', async ({ browser, stack }) => {
  const page = await newPage(browser, { width: 390, height: 844 });
  const token = await mintToken(stack, 'viewer@example.com', 600);
  await withToken(page, stack, token);
  await waitForVault(page, 'viewer');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(page, 'phone-timeline');
  await page.locator('[data-clip] a').first().click();
  await page.locator('video').waitFor();
  await shot(page, 'phone-player');
  await page.context().close();
});

test('refresh shows the clips that arrived since', async ({ browser, stack }) => {
  await ensureViewer(browser, stack);
  await viewer.goto(`${stack.info.webUrl}/#/`);
  await viewer.locator('[data-clip]').first().waitFor();
  const before = new Set(await cardKeys(viewer));
  const cam = (await viewer.locator('[data-camera]').first().getAttribute('data-camera')) ?? 'front-door';
  await run(join(repo, 'build/bin/upload-clip'), ['--camera', cam, '--file', join(repo, 'local/seed/media/clip1.mp4'),
    '--duration', '4', '--local-json', join(stack.dataDir, 'local.json')]);
  // Ingest runs on the S3 event; refresh until the clip is on record.
  let fresh = [];
  for (let i = 0; i < 20 && fresh.length === 0; i++) {
    const timeline = viewer.waitForResponse((r) => {
      const path = new URL(r.url()).pathname;
      return path.endsWith('/videos') && !path.includes('/cameras/') && r.request().method() === 'GET';
    });
    await viewer.getByRole('button', { name: 'Refresh' }).click();
    await timeline;
    await viewer.locator('.filters button:not([disabled])', { hasText: 'Refresh' }).waitFor();
    await viewer.locator('.toast').waitFor();
    fresh = await viewer.locator('[data-clip].fresh').evaluateAll((els) => els.map((e) => e.getAttribute('data-clip')));
    if (fresh.length === 0) await sleep(500);
  }
  assert(fresh.length === 1, `expected one fresh clip, saw ${fresh.length}`);
  assert(!before.has(fresh[0]) && fresh[0].startsWith(`${cam}/`), `the fresh clip ${fresh[0]} is not the upload`);
  assert((await cardKeys(viewer))[0] === fresh[0], 'the new clip is not on top');
  await viewer.locator('.toast').filter({ hasText: '1 new clip' }).waitFor();
});

test('a deep link survives the sign-in', async ({ browser, stack }) => {
  await ensureViewer(browser, stack);
  const keys = await cardKeys(viewer);
  const key = keys[2] ?? keys[0];
  const cam = key.split('/')[0];
  const page = await newPage(browser);
  const hash = `#/?camera=${cam}&clip=${key}`;
  await signIn(page, stack, 'viewer@example.com', hash);
  await page.getByRole('dialog').waitFor();
  await page.waitForURL((u) => u.hash === hash);
  await page.locator('video').waitFor();
  await page.context().close();
});

test('admin deletes a clip and it disappears everywhere', async ({ browser, stack }) => {
  const page = await newPage(browser);
  await signIn(page, stack, 'admin@example.com');
  await waitForVault(page, 'admin');
  const keys = await cardKeys(page);
  const victim = keys[0];
  const cam = victim.split('/')[0];
  const countOf = async () => {
    const t = await page.locator(`[data-camera="${cam}"]`).innerText();
    const m = t.match(/(\d+) clips?/);
    return m ? Number(m[1]) : null;
  };
  const before = await countOf();
  await page.locator(`[data-clip="${victim}"] a`).click();
  await page.locator('video').waitFor();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await confirm.waitFor();
  await shot(page, 'delete-confirm');
  await checkA11y(page, 'delete confirmation');
  await confirm.getByRole('button', { name: 'Delete clip' }).click();
  await page.locator(`[data-clip="${victim}"]`).waitFor({ state: 'detached' });
  await page.waitForURL((u) => !u.hash.includes(victim));
  if (before !== null) await page.waitForFunction(([c, n]) => {
    const t = document.querySelector(`[data-camera="${c}"]`)?.textContent ?? '';
    return t.includes(`${n} clip`);
  }, [cam, before - 1]);
  // Gone on the server too: a fresh load does not show it, and its link says so.
  await page.goto(`${stack.info.webUrl}/#/?camera=${cam}`);
  await page.reload();
  await page.locator('[data-clip]').first().waitFor();
  assert(!(await cardKeys(page)).includes(victim), 'the deleted clip came back after a reload');
  await page.goto(`${stack.info.webUrl}/#/?clip=${victim}`);
  await page.reload();
  await page.getByText('This clip no longer exists').waitFor();
  await checkA11y(page, 'clip gone');
  await page.context().close();
});

test('a stranger is told plainly that the account is not allowed', async ({ browser, stack }) => {
  const page = await newPage(browser);
  await signIn(page, stack, 'stranger@example.org');
  await page.getByText('This account (stranger@example.org) is not allowed').waitFor();
  await page.getByRole('button', { name: 'Switch account' }).waitFor();
  await shot(page, 'not-allowed');
  await checkA11y(page, 'refusal');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out').waitFor();
  await checkA11y(page, 'signed out');
  assert((await page.evaluate(() => sessionStorage.length)) === 0, 'sign out left data in sessionStorage');
  // Switch account goes straight back to the issuer's account picker.
  await signIn(page, stack, 'stranger@example.org');
  await page.getByRole('button', { name: 'Switch account' }).click();
  await page.waitForURL((u) => u.href.startsWith(stack.info.issuerUrl));
  await page.locator('button[name="email"][value="viewer@example.com"]').click();
  await waitForVault(page, 'viewer');
  await page.context().close();
});

test('token expiry returns to the sign-in, keeping the deep link', async ({ browser, stack }) => {
  const page = await newPage(browser);
  const token = await mintToken(stack, 'viewer@example.com', 15); // signed in for ~12 s, then out
  const hash = '#/?from=2001-01-01';
  const refused = [];
  // Here the identity provider does not renew the sign-in silently.
  await page.route(`${stack.info.issuerUrl}/token`, (r) => r.abort());
  page.on('response', (r) => {
    if (r.status() === 401) refused.push(r.url().replace(/\?.*$/, ''));
  });
  await withToken(page, stack, token, hash);
  await page.locator('[data-testid="role"]').waitFor(); // signed in first...
  await page.getByText('Your session expired').waitFor({ timeout: 30_000 }); // ...then out, before the API refuses
  assert(new URL(page.url()).hash === hash, `the route was lost: ${new URL(page.url()).hash}`);
  assert((await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY)) === null, 'the expired token was kept');
  assert(refused.length === 0, `the API refused the token first: ${refused.join(', ')}`);
  await shot(page, 'expired');
  await checkA11y(page, 'session expired');
  await page.context().close();
});

test('a token the API refuses (401) returns to the sign-in, keeping the deep link', async ({ browser, stack }) => {
  const page = await newPage(browser);
  const good = await mintToken(stack, 'viewer@example.com', 600);
  const [h, p, s] = good.split('.');
  const mid = Math.floor(s.length / 2);
  const forged = `${h}.${p}.${s.slice(0, mid)}${s[mid] === 'A' ? 'B' : 'A'}${s.slice(mid + 1)}`;
  const hash = '#/?limit=5';
  await withToken(page, stack, forged, hash);
  await page.getByText('no longer accepted').waitFor();
  assert(new URL(page.url()).hash === hash, 'the route was lost');
  await page.context().close();
});

registerConsoleTests(test, { newPage, withToken, mintToken, assert, sleep, shot });
registerKeepShareTests(test, { newPage, withToken, mintToken, assert, sleep, shot });
registerSessionTests(test, { browserContext: async (b) => (await newPage(b)).context(), withToken, mintToken, assert });
registerAlertsTests(test, { newPage, withToken, mintToken, assert, sleep, shot, run, repo });
registerKeepExpiryTest(test, { newPage, withToken, mintToken, assert, shot, stackCommand }); // last: it expires every clip not kept

// --- runner ---------------------------------------------------------------

async function main() {
  let stack;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    stack = await startStack();
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    for (const t of tests) {
      if (only && !t.name.includes(only)) continue;
      const started = Date.now();
      try {
        await t.fn({ browser, stack });
        passed++;
        log(`PASS ${t.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        log(`FAIL ${t.name}: ${e instanceof Error ? e.message : e}`);
        for (const ctx of browser.contexts()) {
          for (const [i, pg] of ctx.pages().entries()) {
            await shot(pg, `failure-${t.name.replace(/\W+/g, '-').slice(0, 40)}-${i}`).catch(() => undefined);
          }
        }
      }
    }
    if (cspViolations.length === 0) {
      passed++;
      log('PASS no Content-Security-Policy violations');
    } else {
      failed++;
      log(`FAIL Content-Security-Policy violations:\n  ${cspViolations.join('\n  ')}`);
    }
    if (pageErrors.length > 0) {
      failed++;
      log(`FAIL uncaught page errors:\n  ${pageErrors.join('\n  ')}`);
    } else {
      passed++;
      log('PASS no uncaught page errors');
    }
  } catch (e) {
    failed++;
    log(`FAIL setup: ${e instanceof Error ? e.message : e}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await stopStack(stack).catch((e) => log('stopping the stack:', e));
    if (failed > 0 && stack) log(`camvault-local output (tail):\n${stack.output().slice(-4000)}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// Ctrl-C or a CI timeout: never leave the stack running.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
process.on('exit', () => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
});
await main();
