// Alerts by Web Push (issue 16) end to end, in headless Chromium against
// the local stack run.mjs starts:
//   1. the notification permission is granted with the DevTools protocol
//      (Browser.grantPermissions); a viewer turns alerts on in the Alerts
//      view; the service worker registers and the subscription reaches the
//      API;
//   2. a camera uploads a clip (build/bin/upload-clip); ingest hands it to
//      the push sender, which encrypts the alert to this browser's keys and
//      sends it to the stack's push service stand-in (which checks the
//      VAPID JWT); the test decrypts it as the browser would (RFC 8291);
//   3. that payload is delivered to the service worker with the DevTools
//      protocol (ServiceWorker.deliverPushMessage): the notification shows
//      the camera's name and the capture time; clicking it opens the clip
//      in the player, and, signed out, opens it after the sign-in.
// The one stand-in: headless Chromium has no push service of its own (it
// would be Google's FCM), so PushManager.subscribe answers a subscription
// whose endpoint is the stack's push service and whose keys the test
// holds. Everything else is the real client, service worker, API, ingest,
// sender and encryption.
// axe-core checks the Alerts view at desktop and 390 px.
//
// run.mjs registers these with registerAlertsTests(test, helpers).
import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { checkA11y } from './axe.mjs';

/** A browser's push keys, held by the test. */
function newKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16) };
}

/** Decrypts an aes128gcm Web Push body (RFC 8291/8188) with the browser's keys. */
function decrypt(keys, body) {
  const salt = body.subarray(0, 16);
  const idLen = body[20];
  const serverKey = body.subarray(21, 21 + idLen);
  const ct = body.subarray(21 + idLen);
  const shared = keys.ecdh.computeSecret(serverKey);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), serverKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, keys.auth, info, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(ct.subarray(ct.length - 16));
  let plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (plain[end - 1] !== 2) throw new Error('no last-record delimiter');
  return plain.subarray(0, end - 1).toString('utf8');
}

/** Registers the alerts scenarios; h holds run.mjs's helpers. */
export function registerAlertsTests(test, h) {
  const { newPage, withToken, mintToken, assert, sleep, shot, run, repo } = h;

  test('alerts: subscribe, a clip is pushed, the notification opens the clip', async ({ browser, stack }) => {
    const web = stack.info.webUrl;
    const pushUrl = stack.info.pushUrl;
    assert(pushUrl, 'local.json has no pushUrl');
    const keys = newKeys();
    const name = `e2e-${Date.now()}`;
    const endpoint = `${pushUrl}/push/${name}`;

    const page = await newPage(browser);
    // The notification permission, through the DevTools protocol.
    const { targetInfo } = await (await page.context().newCDPSession(page)).send('Target.getTargetInfo');
    const bcdp = await browser.newBrowserCDPSession();
    await bcdp.send('Browser.grantPermissions', { origin: web, permissions: ['notifications'], browserContextId: targetInfo.browserContextId });
    // This browser's push subscription (see the header comment).
    await page.context().addInitScript(
      ([ep, p256dh, auth]) => {
        const key = 'camvault.e2e.subscribed';
        const make = (serverKey) => ({
          endpoint: ep,
          expirationTime: null,
          options: { applicationServerKey: serverKey, userVisibleOnly: true },
          toJSON: () => ({ endpoint: ep, expirationTime: null, keys: { p256dh, auth } }),
          unsubscribe: async () => {
            localStorage.removeItem(key);
            return true;
          },
        });
        if (typeof PushManager === 'undefined') return;
        PushManager.prototype.subscribe = async function (opts) {
          localStorage.setItem(key, '1');
          return make(opts.applicationServerKey.buffer ?? opts.applicationServerKey);
        };
        PushManager.prototype.getSubscription = async function () {
          return localStorage.getItem(key) ? make(null) : null;
        };
      },
      [endpoint, keys.p256dh, keys.auth.toString('base64url')],
    );
    await withToken(page, stack, await mintToken(stack, 'viewer@example.com', 3600), '#/alerts');
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByTestId('alerts-state').filter({ hasText: 'off' }).waitFor();
    await checkA11y(page, 'alerts view, off');
    await page.getByRole('button', { name: 'Turn on alerts here' }).click();
    await page.getByTestId('alerts-state').filter({ hasText: 'on for this browser' }).waitFor();
    await shot(page, 'alerts-view');
    await checkA11y(page, 'alerts view, on');
    await page.setViewportSize({ width: 390, height: 844 });
    await checkA11y(page, 'alerts view at 390 px');
    await page.setViewportSize({ width: 1280, height: 860 });

    // A camera records: ingest -> push sender -> push service stand-in.
    await run(join(repo, 'build/bin/upload-clip'), ['--camera', 'front-door', '--file', join(repo, 'local/seed/media/clip2.mp4'),
      '--duration', '4', '--local-json', join(stack.dataDir, 'local.json')]);
    let msg = null;
    for (let i = 0; i < 100 && !msg; i++) {
      const res = await fetch(`${pushUrl}/received`);
      const items = (await res.json()).items ?? [];
      msg = items.find((m) => m.name === name) ?? null;
      if (!msg) await sleep(100);
    }
    assert(msg, 'the push service never received an alert for this browser');
    assert(msg.ttl > 0 && msg.urgency === 'high', `push headers ttl=${msg.ttl} urgency=${msg.urgency}`);
    const plain = decrypt(keys, Buffer.from(msg.body, 'base64'));
    const payload = JSON.parse(plain);
    assert(payload.cameraId === 'front-door' && payload.title === 'Front door', `payload names ${payload.cameraId} ${payload.title}`);
    assert(payload.url === `${web}/#/?clip=front-door/${payload.videoId}`, `payload link ${payload.url}`);
    assert(!/X-Amz-|Signature=|eyJ/.test(plain), 'the payload carries a signed URL or a token');

    // The browser receives it: deliver the payload to the service worker.
    const cdp = await page.context().newCDPSession(page);
    const registrations = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    for (let i = 0; i < 50 && !registrations.some((r) => r.scopeURL.startsWith(web) && !r.isDeleted); i++) await sleep(100);
    const reg = registrations.find((r) => r.scopeURL.startsWith(web) && !r.isDeleted);
    assert(reg, 'no service worker registration for the web client');
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(web).origin, registrationId: reg.registrationId, data: plain });
    let shown = [];
    for (let i = 0; i < 50 && shown.length === 0; i++) {
      shown = await page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, url: n.data?.url, image: !!n.image })),
      );
      if (shown.length === 0) await sleep(100);
    }
    assert(shown.length === 1, `${shown.length} notifications shown, want 1`);
    const captured = new Date(payload.capturedAt);
    assert(shown[0].title === 'Front door', `notification title ${shown[0].title}`);
    assert(shown[0].body.startsWith('Motion at ') && !Number.isNaN(captured.getTime()), `notification body ${shown[0].body}`);
    assert(shown[0].url === payload.url, `notification opens ${shown[0].url}`);
    assert(shown[0].image, 'the notification has no thumbnail');

    // Click it: the service worker's notificationclick handler moves the
    // window to the clip (DevTools cannot click a notification, so the
    // test dispatches the event the click would fire).
    const sw = page.context().serviceWorkers().find((w) => w.url().startsWith(web));
    assert(sw, 'no service worker');
    await sw.evaluate(async () => {
      const [n] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
    });
    await page.waitForURL((u) => u.href === payload.url);
    await page.getByRole('dialog').waitFor();

    // Signed out, the same click leads through the sign-in to the clip.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.goto(`${web}/#/`);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(web).origin, registrationId: reg.registrationId, data: plain });
    for (let i = 0; i < 50; i++) {
      const n = await sw.evaluate(async () => (await self.registration.getNotifications()).length);
      if (n > 0) break;
      await sleep(100);
    }
    await sw.evaluate(async () => {
      const [n] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
    });
    await page.waitForURL((u) => u.href === payload.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.info.issuerUrl));
    await page.locator('button[name="email"][value="viewer@example.com"]').click();
    await page.waitForURL((u) => u.href === payload.url);
    await page.getByRole('dialog').waitFor();

    // Turning alerts off removes this browser's subscription from the API.
    await page.goto(`${web}/#/alerts`);
    await page.getByRole('button', { name: 'Turn off alerts here' }).click();
    await page.getByTestId('alerts-state').filter({ hasText: 'off' }).waitFor();
    const token = await mintToken(stack, 'viewer@example.com', 600);
    const left = await (await fetch(`${stack.info.apiUrl}/alerts`, { headers: { Authorization: `Bearer ${token}` } })).json();
    assert(!left.subscriptions.some((s) => s.endpoint === endpoint), 'the subscription is still stored after turning alerts off');
    await page.context().close();
  });
}
