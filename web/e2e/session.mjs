// Staying signed in (issue 14), in headless Chromium: one session shared by
// the tabs of the origin, renewed silently before it expires (locally the
// dev issuer plays Google's One Tap auto-select), and ended in every tab by
// one sign-out. run.mjs registers these with registerSessionTests.
import { checkA11y } from './axe.mjs';

const TOKEN_KEY = 'camvault.idToken'; // src/session.ts

/** Registers the session scenarios; h holds run.mjs's helpers. */
export function registerSessionTests(test, h) {
  const { browserContext, withToken, mintToken, assert } = h;

  const tokenIn = (page) => page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY);
  const expOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000;

  test('session: a second tab shares it, it renews before exp, and one sign-out ends it everywhere', async ({ browser, stack }) => {
    const context = await browserContext(browser);
    const a = await context.newPage();
    const first = await mintToken(stack, 'viewer@example.com', 12); // renewed after ~6 s
    await withToken(a, stack, first, '#/');
    await a.locator('[data-testid="role"]').filter({ hasText: 'viewer' }).waitFor();

    // A second tab of the origin: signed in at once, without the issuer's page.
    const b = await context.newPage();
    const visited = [];
    b.on('request', (r) => visited.push(r.url()));
    await b.goto(`${stack.info.webUrl}/#/`);
    await b.locator('[data-testid="role"]').filter({ hasText: 'viewer' }).waitFor();
    assert(!visited.some((u) => u.startsWith(`${stack.info.issuerUrl}/authorize`)), 'the second tab went through the sign-in page');

    // Silent renewal: a new token, shared with the other tab, well before exp.
    await a.waitForFunction(([k, t]) => sessionStorage.getItem(k) !== null && sessionStorage.getItem(k) !== t, [TOKEN_KEY, first], { timeout: 15_000 });
    // Both tabs settle on one renewed token (either may have renewed).
    let renewed = null;
    for (const deadline = Date.now() + 10_000; ; ) {
      const [ta, tb] = [await tokenIn(a), await tokenIn(b)];
      if (ta && ta === tb && ta !== first) {
        renewed = ta;
        break;
      }
      assert(Date.now() < deadline, 'the tabs did not settle on one renewed token');
      await a.waitForTimeout(200);
    }
    assert(expOf(renewed) > expOf(first) + 60_000, 'the renewed token does not last longer');
    // Past the first token's exp both tabs are still signed in.
    await a.waitForFunction((exp) => Date.now() > exp + 500, expOf(first), { timeout: 20_000 });
    assert((await a.getByText('Your session expired').count()) === 0, 'tab A was signed out at the old exp');
    await a.locator('[data-clip]').first().waitFor();

    // One sign-out ends it in every tab, and no tab keeps the token.
    await b.getByRole('button', { name: 'Sign out' }).click();
    await a.getByText('You signed out in another tab.').waitFor();
    assert((await tokenIn(a)) === null && (await tokenIn(b)) === null, 'a tab kept the token after sign-out');
    await checkA11y(a, 'signed out in another tab');
    // A new tab now finds no session to share.
    const c = await context.newPage();
    await c.goto(`${stack.info.webUrl}/#/`);
    await c.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await context.close();
  });
}
