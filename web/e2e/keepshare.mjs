// Keep and share (issue 15) end to end, in headless Chromium against the
// local stack run.mjs starts:
//   1. a viewer keeps a clip from the player; it carries the kept mark and
//      is the Kept view's clip, with no expiry (scenario 4 sees a kept clip
//      outlive TTL here; videos-api's keep tests and local/stack's
//      TestKeptClipSurvivesExpiry prove it outlives TTL and the lifecycle
//      rule);
//   2. the viewer shares a clip; the link opens in a fresh browser context
//      with no sign-in and plays; the open is counted; the viewer revokes
//      it and the link is refused with a clear page; a made-up link gets
//      the "does not work" page.
//   3. an admin bulk-deletes a day from the bulk panel: the server's job
//      runner runs the job while the page only polls GET /jobs/{id} (no
//      /run call) behind a progress bar, ending with its counts; the day's
//      clips are gone, kept ones spared.
//   4. (registered last by registerKeepExpiryTest, since it ends every clip
//      not kept) a viewer keeps a clip, notes another, and camvault-local's
//      stdin console runs retention 40 days ahead ("expire 40d"): after a
//      reload the kept clip is listed and plays, the other is gone.
// axe-core checks the player with its keep and share controls, the Kept
// view, every share page and the bulk panel at desktop and 390 px.
//
// run.mjs registers these with registerKeepShareTests(test, helpers), and
// the expiry scenario, after every other test, with registerKeepExpiryTest.
import { checkA11y } from './axe.mjs';

/** Registers the keep and share scenarios; h holds run.mjs's helpers. */
export function registerKeepShareTests(test, h) {
  const { newPage, withToken, mintToken, assert, sleep, shot } = h;

  test('keep/share: a clip kept from the player is in the Kept view with no expiry', async ({ browser, stack }) => {
    const page = await newPage(browser);
    await withToken(page, stack, await mintToken(stack, 'viewer@example.com', 3600), '#/');
    await page.locator('[data-clip]').first().waitFor();
    const key = await page.locator('[data-clip]').nth(1).getAttribute('data-clip');
    await page.locator(`[data-clip="${key}"] a`).click();
    const player = page.getByRole('dialog');
    const keep = player.getByTestId('keep');
    await keep.waitFor();
    assert((await keep.getAttribute('aria-pressed')) === 'false', 'the clip starts kept');
    assert(/Removed by retention/.test(await player.getByTestId('retention').innerText()), 'no expiry shown before keeping');
    await keep.click();
    await player.getByTestId('keep').filter({ hasText: 'Kept' }).waitFor();
    assert((await keep.getAttribute('aria-pressed')) === 'true', 'the toggle did not turn on');
    assert(/never removed/.test(await player.getByTestId('retention').innerText()), 'a kept clip still shows an expiry');
    // The card behind the player carries the mark at once.
    await page.locator(`[data-clip="${key}"] [data-testid="kept-mark"]`).waitFor({ state: 'attached' });
    await checkA11y(page, 'player with keep and share', { include: '[role="dialog"]' });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await page.goto(`${stack.info.webUrl}/#/?kept=1`);
    await page.reload();
    await page.getByLabel('Kept only').waitFor();
    assert(await page.getByLabel('Kept only').isChecked(), 'the Kept only box is not ticked in the Kept view');
    await page.locator(`[data-clip="${key}"]`).waitFor();
    const keys = await page.locator('[data-clip]').evaluateAll((els) => els.map((e) => e.getAttribute('data-clip')));
    assert(keys.length === 1 && keys[0] === key, `the Kept view lists ${keys}, want only ${key}`);
    await page.locator(`[data-clip="${key}"] [data-testid="kept-mark"]`).waitFor();
    await shot(page, 'kept-view');
    await checkA11y(page, 'kept view');

    // Un-keep from the player: the clip leaves the Kept view.
    await page.locator(`[data-clip="${key}"] a`).click();
    await page.getByRole('dialog').getByTestId('keep').filter({ hasText: 'Kept' }).click();
    await page.getByRole('dialog').getByTestId('keep').filter({ hasText: 'Keep' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByText(/No clips|no clips|Nothing/).first().waitFor();
    assert((await page.locator('[data-clip]').count()) === 0, 'an un-kept clip is still in the Kept view');
    await page.context().close();
  });

  test('keep/share: a share link plays with no sign-in, counts its open, and stops when revoked', async ({ browser, stack }) => {
    const page = await newPage(browser);
    await withToken(page, stack, await mintToken(stack, 'viewer@example.com', 3600), '#/');
    await page.locator('[data-clip]').first().waitFor();
    const key = await page.locator('[data-clip]').first().getAttribute('data-clip');
    await page.locator(`[data-clip="${key}"] a`).click();
    const player = page.getByRole('dialog');
    await player.getByLabel('Link works for').selectOption('1');
    await player.getByTestId('create-share').click();
    const url = await player.getByTestId('share-url').inputValue();
    assert(/#\/s\/[0-9a-f]{32}\.[\w-]{43}$/.test(url), 'the share URL does not carry a token in its fragment');
    await player.locator('[data-share]').first().waitFor();
    await checkA11y(page, 'player share panel', { include: '[role="dialog"]' });

    // A fresh browser context: no session, no token, nothing shared with the viewer.
    for (const viewport of [{ width: 1280, height: 860 }, { width: 390, height: 844 }]) {
      const guest = await newPage(browser, viewport);
      const calls = [];
      guest.on('request', (r) => {
        if (r.url().startsWith(stack.info.apiUrl)) calls.push(`${r.method()} ${new URL(r.url()).pathname} ${r.headers()['authorization'] ? 'auth' : 'anon'}`);
      });
      await guest.goto(url);
      const video = guest.getByTestId('shared-video');
      await video.waitFor();
      await guest.waitForFunction(() => {
        const v = document.querySelector('[data-testid="shared-video"]');
        return v instanceof HTMLVideoElement && v.readyState >= 2;
      });
      assert(await guest.getByTestId('shared-download').getAttribute('href'), 'no download link');
      const stored = await guest.evaluate(() => Object.keys(sessionStorage).length + localStorage.length);
      assert(stored === 0, 'the share page stored something');
      assert(calls.every((c) => c.endsWith('anon')) && calls.some((c) => c.startsWith('POST') && c.includes('/shared')), `the share page called ${calls}`);
      assert(!calls.some((c) => /\/(videos|cameras|me|shares)\b/.test(c)), `the share page reached a listing: ${calls}`);
      await shot(guest, `shared-${viewport.width}`);
      await checkA11y(guest, `share page ${viewport.width}`);
      await guest.context().close();
    }

    // The creator sees the opens, then revokes the link.
    await page.keyboard.press('Escape');
    await page.locator(`[data-clip="${key}"] a`).click();
    const row = page.getByRole('dialog').locator('[data-share]').first();
    await row.getByTestId('opens').filter({ hasText: 'opened 2 times' }).waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').locator('[data-share]').first().filter({ hasText: 'Revoked' }).waitFor();

    const guest = await newPage(browser);
    await guest.goto(url);
    await guest.getByTestId('share-failed').waitFor();
    assert((await guest.getByTestId('share-failed').getAttribute('data-why')) === 'gone', 'a revoked link is not refused as ended');
    await guest.getByRole('heading', { name: 'This link has ended' }).waitFor();
    await checkA11y(guest, 'share page revoked');
    // A link nobody made.
    await guest.goto(`${stack.info.webUrl}/#/s/${'0'.repeat(32)}.${'A'.repeat(43)}`);
    await guest.reload();
    await guest.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await checkA11y(guest, 'share page unknown');
    await guest.context().close();
    await page.context().close();
    await sleep(0);
  });

  test('keep/share: an admin bulk-deletes a day with a progress bar', async ({ browser, stack }) => {
    const page = await newPage(browser);
    // The job runs on the server: the page never drives it with /run.
    const jobCalls = { run: 0, poll: 0 };
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\/jobs\/[^/]+\/run$/.test(path)) jobCalls.run++;
      else if (r.method() === 'GET' && /\/jobs\/[^/]+$/.test(path)) jobCalls.poll++;
    });
    const token = await mintToken(stack, 'admin@example.com', 3600);
    await withToken(page, stack, token, '#/');
    await page.locator('[data-clip]').first().waitFor();
    const api = (path) =>
      page.evaluate(async ([u, t]) => (await fetch(u, { headers: { Authorization: `Bearer ${t}` }, cache: 'no-store' })).json(), [`${stack.info.apiUrl}${path}`, token]);
    // The oldest day with clips, as UTC.
    const all = await api('/videos?limit=200');
    const day = all.items[all.items.length - 1].capturedAt.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
    const range = `from=${day}T00:00:00Z&to=${encodeURIComponent(next)}&limit=200`;
    const before = (await api(`/videos?${range}`)).items;
    assert(before.length > 0, `no clips on ${day}`);
    // One of them kept: the delete spares it.
    const spared = before[0];
    await page.evaluate(async ([u, t]) => (await fetch(u, { method: 'PUT', headers: { Authorization: `Bearer ${t}` } })).status,
      [`${stack.info.apiUrl}/cameras/${spared.cameraId}/videos/${spared.id}/keep`, token]);

    const panel = page.getByRole('region', { name: 'Bulk actions' });
    await panel.getByLabel('Day (UTC)').fill(day);
    await checkA11y(page, 'bulk panel', { include: '.bulk' });
    await panel.getByRole('button', { name: "Delete the day's clips" }).click();
    await panel.getByRole('alertdialog').waitFor();
    await checkA11y(page, 'bulk confirm', { include: '.bulk' });
    await panel.getByRole('button', { name: 'Delete them' }).click();
    await panel.getByTestId('bulk-progress').waitFor();
    await panel.locator('[data-testid="bulk-progress"][data-done="true"]').waitFor({ timeout: 60_000 });
    const status = await panel.getByTestId('bulk-status').innerText();
    assert(status.includes(`${before.length - 1} deleted, 1 skipped (kept)`) && status.includes('0 failed'), `bulk status: ${status}`);
    const bar = await panel.locator('progress').evaluate((p) => [p.value, p.max]);
    assert(bar[0] === before.length && bar[1] === before.length, `progress bar ${bar}, want ${before.length} of ${before.length}`);
    await shot(page, 'bulk-done');
    await checkA11y(page, 'bulk done', { include: '.bulk' });
    const after = (await api(`/videos?${range}`)).items;
    assert(after.length === 1 && after[0].id === spared.id, `left on ${day}: ${after.map((v) => v.id)}`);
    assert(jobCalls.run === 0 && jobCalls.poll > 0, `job calls from the page: ${JSON.stringify(jobCalls)}, want polls and no /run`);

    // By hand: pick two clips on their cards and keep them.
    await page.reload();
    await page.locator('[data-clip]').nth(1).waitFor();
    const picked = await page.locator('[data-clip]').evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-clip')));
    for (const k of picked) await page.locator(`[data-clip="${k}"] [data-testid="select"]`).check();
    await checkA11y(page, 'timeline with picks');
    await panel.locator('#bulk-scope').selectOption('picked');
    await panel.getByRole('button', { name: 'Keep these clips' }).click();
    await panel.getByRole('button', { name: 'Keep them' }).click();
    await panel.locator('[data-testid="bulk-progress"][data-done="true"]').waitFor({ timeout: 60_000 });
    const kept = await panel.getByTestId('bulk-status').innerText();
    assert(kept.includes('2 kept') && kept.includes('0 failed') && kept.includes('of 2'), `hand-picked keep: ${kept}`);
    const keptNow = (await api('/videos?kept=true&limit=200')).items.map((v) => `${v.cameraId}/${v.id}`);
    assert(picked.every((k) => keptNow.includes(k)), `picked ${picked}, kept ${keptNow}`);
    assert(jobCalls.run === 0, `the page called /run ${jobCalls.run} times`);
    await page.context().close();
  });
}

/**
 * Registers the scenario that fast-forwards retention: it removes every clip
 * not kept, so run.mjs registers it after all the others. h.stackCommand
 * sends one line to camvault-local's console and resolves to its answer.
 */
export function registerKeepExpiryTest(test, h) {
  const { newPage, withToken, mintToken, assert, shot, stackCommand } = h;

  test('keep/share: a kept clip survives expiry and plays; the clip not kept is gone', async ({ browser, stack }) => {
    const page = await newPage(browser);
    await withToken(page, stack, await mintToken(stack, 'viewer@example.com', 3600), '#/');
    await page.locator('[data-clip]').nth(1).waitFor();
    // Two clips of the list that are not kept yet: keep one, leave the other.
    const plain = await page.locator('[data-clip]').evaluateAll((els) =>
      els.filter((e) => !e.querySelector('[data-testid="kept-mark"]')).slice(0, 2).map((e) => e.getAttribute('data-clip')));
    assert(plain.length === 2, `want two clips not kept, have ${plain}`);
    const [key, gone] = plain;
    await page.locator(`[data-clip="${key}"] a`).click();
    const player = page.getByRole('dialog');
    await player.getByTestId('keep').filter({ hasText: 'Keep' }).click();
    await player.getByTestId('keep').filter({ hasText: 'Kept' }).waitFor();
    await page.keyboard.press('Escape');
    await player.waitFor({ state: 'detached' });

    const answer = await stackCommand(stack, 'expire 40d');
    const m = /^expired (\d+) items as of \S+$/.exec(answer);
    assert(m && Number(m[1]) > 0, `camvault-local answered "${answer}" to "expire 40d"`);

    await page.reload();
    await page.locator(`[data-clip="${key}"]`).waitFor();
    await page.locator(`[data-clip="${key}"] [data-testid="kept-mark"]`).waitFor({ state: 'attached' });
    const keys = await page.locator('[data-clip]').evaluateAll((els) => els.map((e) => e.getAttribute('data-clip')));
    assert(!keys.includes(gone), `the clip not kept (${gone}) is still listed after expiry`);
    await page.locator(`[data-clip="${key}"] a`).click();
    await player.waitFor();
    await page.waitForURL((u) => u.hash.includes('clip='));
    await player.locator('video').waitFor();
    await page.waitForFunction(() => {
      const v = document.querySelector('[role="dialog"] video');
      return v instanceof HTMLVideoElement && v.readyState >= 2;
    }, null, { timeout: 20_000 });
    const src = await player.locator('video').getAttribute('src');
    const s3 = new URL(stack.info.s3Url ?? stack.info.apiUrl).origin;
    assert(src && src.startsWith(s3), `the kept clip's play URL is not on S3 (${s3})`);
    await shot(page, 'kept-after-expiry');
    await page.context().close();
  });
}
