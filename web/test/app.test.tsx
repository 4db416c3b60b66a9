// The app's sign-in state against a fake API: signed in, not allowed (403),
// signed out by a 401, by expiry, and by "Sign out".
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/components/App';
import { TOKEN_KEY } from '../src/session';
import { tokenFor } from './jwt';

const config = { stage: 'dev', apiUrl: 'http://api.test/dev', auth: 'dev', clientId: 'cid', issuerUrl: 'http://issuer.test' };
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

let root: HTMLElement;
let answers: Record<string, () => Response>;
let seen: string[];

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/#/?camera=front&from=2026-11-20');
  root = document.createElement('div');
  document.body.appendChild(root);
  seen = [];
  answers = {
    '/config.json': () => json(200, config),
    '/dev/me': () => json(200, { email: 'viewer@example.com', name: 'Vera Viewer', role: 'viewer', cameras: ['*'] }),
    '/dev/cameras': () => json(200, { items: [{ id: 'front', name: 'Front door', clipCount: 1, lastClipAt: new Date().toISOString() }] }),
    '/dev/cameras/front/videos': () => json(200, { items: [{ id: '01J', cameraId: 'front', capturedAt: new Date().toISOString(), size: 1, contentType: 'video/mp4', hasThumbnail: false }] }),
  };
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const u = new URL(String(input), 'http://web.test/');
    seen.push(u.pathname);
    const a = answers[u.pathname];
    return a ? a() : json(404, { error: { code: 'not_found', message: 'no route' } });
  });
});

afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}; page: ${root.textContent}`);
}

const text = () => root.textContent ?? '';

describe('App', () => {
  it('shows the sign-in when there is no token', async () => {
    render(<App />, root);
    await until(() => text().includes('Sign in to watch'), 'sign-in');
    expect(seen).toEqual(['/config.json']);
  });

  it('signs in with a stored token: header, cameras, clips of the deep-linked filter', async () => {
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now()));
    render(<App />, root);
    await until(() => text().includes('Vera Viewer') && root.querySelectorAll('[data-clip]').length === 1, 'the vault');
    expect(root.querySelector('[data-testid=role]')?.textContent).toBe('viewer');
    expect(root.querySelector('[data-camera=front]')?.getAttribute('aria-pressed')).toBe('true');
    expect(seen).toContain('/dev/cameras/front/videos');
  });

  it('says plainly that a refused account is not allowed', async () => {
    answers['/dev/me'] = () => json(403, { Message: 'User is not authorized to access this resource with an explicit deny' });
    sessionStorage.setItem(TOKEN_KEY, tokenFor('stranger@example.org', Date.now()));
    render(<App />, root);
    await until(() => text().includes('This account (stranger@example.org) is not allowed'), 'not allowed');
    expect(root.querySelector('button')?.textContent).toBe('Switch account');
  });

  it('a 401 returns to the sign-in, keeps the deep link and drops the token', async () => {
    answers['/dev/me'] = () => json(401, { message: 'Unauthorized' });
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now()));
    render(<App />, root);
    await until(() => text().includes('no longer accepted'), 'sign-in after 401');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(location.hash).toBe('#/?camera=front&from=2026-11-20');
  });

  it('a 401 on a later call signs out too', async () => {
    answers['/dev/cameras/front/videos'] = () => json(401, { message: 'Unauthorized' });
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now()));
    render(<App />, root);
    await until(() => text().includes('Sign in to watch'), 'sign-in after 401');
    expect(location.hash).toBe('#/?camera=front&from=2026-11-20');
  });

  it('returns to the sign-in before the token expires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now(), 10));
    render(<App />, root);
    await vi.waitUntil(() => text().includes('Vera Viewer'), { timeout: 2000 });
    vi.advanceTimersByTime(7_000);
    expect(text()).toContain('Vera Viewer');
    vi.advanceTimersByTime(1_100); // 10 s token, 2 s margin
    await vi.waitUntil(() => text().includes('Your session expired'), { timeout: 2000 });
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(location.hash).toBe('#/?camera=front&from=2026-11-20');
  });

  it('keeps a long-lived session (timers cap at 2^31 ms)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now(), 30 * 86400));
    render(<App />, root);
    await vi.waitUntil(() => text().includes('Vera Viewer'), { timeout: 2000 });
    vi.advanceTimersByTime(2 * 3_600_000);
    await new Promise((r) => queueMicrotask(() => r(null)));
    expect(text()).toContain('Vera Viewer');
    expect(sessionStorage.getItem(TOKEN_KEY)).not.toBeNull();
  });

  it("shows the token's picture when /me has none", async () => {
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now(), 3600, { name: 'Vera V.', picture: 'http://127.0.0.1:9/avatar/1.svg' }));
    render(<App />, root);
    await until(() => root.querySelector('img.avatar') !== null, 'the avatar');
    expect(root.querySelector('img.avatar')?.getAttribute('src')).toBe('http://127.0.0.1:9/avatar/1.svg');
    expect(text()).toContain('Vera V.');
  });

  it('google mode: renders the button and One Tap, and signs in with the credential', async () => {
    answers['/config.json'] = () => json(200, { stage: 'prod', apiUrl: 'http://api.test/dev', auth: 'google', clientId: 'gid.apps.googleusercontent.com' });
    let callback: ((r: { credential: string }) => void) | undefined;
    const calls: string[] = [];
    vi.stubGlobal('google', {
      accounts: {
        id: {
          initialize: (o: { client_id: string; callback: (r: { credential: string }) => void }) => {
            calls.push(`initialize ${o.client_id}`);
            callback = o.callback;
          },
          renderButton: (el: HTMLElement) => calls.push(`renderButton ${el.className}`),
          prompt: () => calls.push('prompt'),
          disableAutoSelect: () => calls.push('disableAutoSelect'),
          cancel: () => undefined,
        },
      },
    });
    render(<App />, root);
    await until(() => calls.includes('prompt'), 'Google sign-in');
    expect(calls).toEqual(['initialize gid.apps.googleusercontent.com', 'renderButton gis-button', 'prompt']);
    expect(document.querySelector('script[src*="accounts.google.com"]')).toBeNull(); // already loaded: not fetched again
    callback?.({ credential: tokenFor('viewer@example.com', Date.now()) });
    await until(() => text().includes('Vera Viewer'), 'the vault');
    expect(sessionStorage.getItem(TOKEN_KEY)).not.toBeNull();
    const out = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Sign out');
    out?.click();
    await until(() => calls.includes('disableAutoSelect'), 'auto-select off after sign out');
  });

  it('sign out clears everything', async () => {
    sessionStorage.setItem(TOKEN_KEY, tokenFor('viewer@example.com', Date.now()));
    sessionStorage.setItem('camvault.returnTo', '#/x');
    render(<App />, root);
    await until(() => text().includes('Vera Viewer'), 'the vault');
    const btn = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Sign out');
    btn?.click();
    await until(() => text().includes('You are signed out'), 'signed out');
    expect(sessionStorage.length).toBe(0);
  });
});
