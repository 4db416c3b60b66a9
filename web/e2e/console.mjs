// The owner's console end to end (issue 14), in headless Chromium against the
// local stack that run.mjs starts: an admin lets a person in restricted to
// one camera, the person sees only that camera and watches a clip, the admin
// narrows then removes them, the person loses every route within 60 s (with
// the same token, which the gateway has cached), and the activity page shows
// each step and the clip watched. axe-core checks every console page at
// desktop and 390 px.
//
// run.mjs registers these with registerConsoleTests(test, helpers).
import { checkA11y } from './axe.mjs';

const PERSON = 'e2e-person@example.org';

/** Registers the console scenarios; h holds run.mjs's helpers. */
export function registerConsoleTests(test, h) {
  const { newPage, withToken, mintToken, assert, sleep, shot } = h;

  /** Calls the API from page with token, as the app does; returns the status. */
  const status = (page, stack, token, path) =>
    page.evaluate(
      async ([url, t]) => (await fetch(url, { headers: { Authorization: `Bearer ${t}` }, cache: 'no-store' })).status,
      [`${stack.info.apiUrl}${path}`, token],
    );

  test('console: an admin lets a person in, narrows and removes them; the trail shows it all', async ({ browser, stack }) => {
    const admin = await newPage(browser);
    await withToken(admin, stack, await mintToken(stack, 'admin@example.com', 3600), '#/admin/people');
    await admin.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    const nav = admin.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'People' }).waitFor();
    assert((await nav.getByRole('link', { name: 'People' }).getAttribute('aria-current')) === 'page', 'People is not the current page');
    await admin.locator('input[name="camera"]').first().waitFor();
    await checkA11y(admin, 'console people');

    // 1. An admin adds a person restricted to one camera (as an admin of it,
    //    so that narrowing to viewer can be seen).
    const cameraIds = await admin.locator('input[name="camera"]').evaluateAll((els) => els.map((e) => e.value));
    assert(cameraIds.length >= 2, `need two cameras, saw ${cameraIds.length}`);
    const [mine, other] = cameraIds;
    await admin.getByLabel('Email address or Workspace domain').fill(PERSON);
    await admin.getByLabel('Role').selectOption('admin');
    await admin.getByLabel('Only these cameras:').check();
    await admin.locator(`input[name="camera"][value="${mine}"]`).check();
    // A mistake first: the page says what is wrong, in words.
    await admin.getByLabel('Email address or Workspace domain').fill('E2E-Person@Example.com');
    await admin.getByRole('button', { name: 'Save access' }).click();
    await admin.getByRole('alert').filter({ hasText: 'lowercase' }).waitFor();
    await admin.getByLabel('Email address or Workspace domain').fill(PERSON);
    await admin.getByRole('button', { name: 'Save access' }).click();
    await admin.getByRole('status').filter({ hasText: `Saved: ${PERSON} is admin` }).waitFor();
    await admin.locator(`[data-grant="${PERSON}"]`).waitFor();

    // 2. That person signs in and sees only that camera; they watch a clip.
    const person = await newPage(browser);
    const token = await mintToken(stack, PERSON, 3600);
    await withToken(person, stack, token, '#/');
    await person.locator('[data-testid="role"]').filter({ hasText: 'admin' }).waitFor();
    await person.locator('[data-clip]').first().waitFor();
    const seen = await person.locator('[data-camera]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera')));
    assert(seen.length === 1 && seen[0] === mine, `the person sees cameras ${seen}, want only ${mine}`);
    const clips = await person.locator('[data-clip]').evaluateAll((els) => els.map((e) => e.getAttribute('data-clip')));
    assert(clips.length > 0 && clips.every((k) => k.startsWith(`${mine}/`)), 'the person sees clips of other cameras');
    assert((await status(person, stack, token, `/cameras/${other}/videos`)) === 403, 'the person reached another camera');
    await person.locator('[data-clip] a').first().click();
    await person.getByRole('dialog').waitFor();
    await person.locator('video').waitFor();
    const watched = clips[0].split('/')[1];
    // A restricted admin's console shows only their camera.
    await person.goto(`${stack.info.webUrl}/#/admin/cameras`);
    await person.getByRole('heading', { name: 'Cameras', level: 1 }).waitFor();
    await person.locator(`[data-camera="${mine}"]`).waitFor();
    assert((await person.locator('li[data-camera]').count()) === 1, 'a restricted admin sees other cameras in the console');

    // 3. The admin narrows them to a viewer, then removes them.
    await admin.getByRole('button', { name: `Edit ${PERSON}` }).click();
    await admin.getByLabel('Role').selectOption('viewer');
    await admin.getByRole('button', { name: 'Save access' }).click();
    await admin.getByRole('status').filter({ hasText: `Saved: ${PERSON} is viewer` }).waitFor();
    const narrowed = Date.now();
    // Narrowed: the console's routes go within 60 s, the camera stays.
    for (;;) {
      const s = await status(person, stack, token, '/grants');
      if (s === 403) break;
      assert(Date.now() - narrowed < 60_000, `still ${s} on /grants 60 s after narrowing`);
      await sleep(500);
    }
    assert((await status(person, stack, token, `/cameras/${mine}/videos`)) === 200, 'narrowing took the camera too');

    await admin.getByRole('button', { name: `Remove ${PERSON}` }).click();
    await admin.getByRole('status').filter({ hasText: `Removed ${PERSON}` }).waitFor();
    const removed = Date.now();

    // 4. Within 60 s the person loses access on every route, with the very
    //    token the gateway cached.
    const routes = ['/me', '/cameras', '/videos', `/cameras/${mine}/videos`, `/cameras/${mine}/videos/${watched}`, '/grants', '/audit'];
    for (;;) {
      const got = await Promise.all(routes.map((r) => status(person, stack, token, r)));
      if (got.every((s) => s === 403)) break;
      assert(Date.now() - removed < 60_000, `60 s after removal: ${routes.map((r, i) => `${r}=${got[i]}`).join(' ')}`);
      await sleep(500);
    }
    await person.goto(`${stack.info.webUrl}/#/`);
    await person.reload();
    await person.getByText('not allowed', { exact: false }).first().waitFor();

    // 5. The activity page shows each step and the clip they watched.
    await admin.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Activity' }).click();
    await admin.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    const list = admin.getByTestId('activity');
    await list.waitFor();
    const lines = await list.locator('li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-action')}|${e.getAttribute('data-actor')}|${e.textContent}`));
    const has = (re) => lines.some((l) => re.test(l));
    assert(has(new RegExp(`^grant\\.put\\|admin@example\\.com\\|.*let ${PERSON} in as admin`)), `no "let in" line:\n${lines.join('\n')}`);
    assert(has(new RegExp(`^grant\\.put\\|admin@example\\.com\\|.*changed ${PERSON}'s access from admin .* to viewer`)), 'no "narrowed" line');
    assert(has(new RegExp(`^grant\\.delete\\|admin@example\\.com\\|.*removed ${PERSON}`)), 'no "removed" line');
    assert(has(new RegExp(`^clip\\.open\\|${PERSON}\\|.*watched a clip`)), 'no "watched" line');
    const order = ['grant.delete', 'grant.put', 'grant.put'].join();
    const adminSteps = lines.filter((l) => l.includes('|admin@example.com|') && l.startsWith('grant.')).slice(0, 3).map((l) => l.split('|')[0]).join();
    assert(adminSteps === order, `newest first: ${adminSteps}`);
    await checkA11y(admin, 'console activity');
    // Filter by the person: only what they did.
    await admin.getByLabel('Person').fill(PERSON);
    await admin.getByRole('button', { name: 'Show' }).click();
    await admin.waitForFunction((p) => {
      const items = [...document.querySelectorAll('[data-testid="activity"] li')];
      return items.length > 0 && items.every((e) => e.getAttribute('data-actor') === p);
    }, PERSON);

    // The cameras page: rename one; the vault shows the new name.
    await admin.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Cameras' }).click();
    await admin.getByRole('heading', { name: 'Cameras', level: 1 }).waitFor();
    await admin.locator(`li[data-camera="${other}"]`).waitFor();
    await checkA11y(admin, 'console cameras');
    await admin.getByLabel(`Name of camera ${other}`).fill('Side gate (e2e)');
    await admin.locator(`li[data-camera="${other}"]`).getByRole('button', { name: 'Rename' }).click();
    await admin.getByRole('status').filter({ hasText: 'Renamed' }).waitFor();
    await admin.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Clips' }).click();
    await admin.locator(`[data-camera="${other}"]`).filter({ hasText: 'Side gate (e2e)' }).waitFor();
    await shot(admin, 'console-after');
    await admin.context().close();
    await person.context().close();
  });

  test('console: viewers see no trace of it and the API refuses them', async ({ browser, stack }) => {
    const page = await newPage(browser);
    const token = await mintToken(stack, 'viewer@example.com', 3600);
    await withToken(page, stack, token, '#/admin/people');
    await page.locator('[data-testid="role"]').filter({ hasText: 'viewer' }).waitFor();
    assert((await page.getByRole('navigation', { name: 'Console' }).count()) === 0, 'a viewer sees the console navigation');
    assert((await page.getByRole('heading', { name: 'People' }).count()) === 0, 'a viewer sees the People page');
    for (const path of ['/grants', '/audit']) {
      const s = await status(page, stack, token, path);
      assert(s === 403, `viewer GET ${path} = ${s}`);
    }
    await page.context().close();
  });
}
