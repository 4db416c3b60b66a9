import { describe, expect, it } from 'vitest';
import { decodeIdToken } from '../src/session';
import { type Channel, msUntilRenewal, parseMessage, SessionLink, sessionFrom } from '../src/sessionSync';
import { tokenFor } from './jwt';

const NOW = Date.UTC(2026, 10, 25, 15, 0, 0);

/** Two tabs' ends of one channel, delivering asynchronously as browsers do. */
function pair(): [Channel, Channel] {
  const mk = (): Channel & { peer?: Channel } => ({ onmessage: null, postMessage() {}, close() {} });
  const a = mk();
  const b = mk();
  a.postMessage = (m) => setTimeout(() => b.onmessage?.({ data: m } as MessageEvent));
  b.postMessage = (m) => setTimeout(() => a.onmessage?.({ data: m } as MessageEvent));
  return [a, b];
}

describe('sessionSync', () => {
  it('reads only well-formed messages', () => {
    expect(parseMessage({ type: 'hello' })).toEqual({ type: 'hello' });
    expect(parseMessage({ type: 'signout', extra: 1 })).toEqual({ type: 'signout' });
    expect(parseMessage({ type: 'token', token: 'a.b.c' })).toEqual({ type: 'token', token: 'a.b.c' });
    for (const bad of [null, 'hello', { type: 'token' }, { type: 'token', token: 7 }, { type: 'nope' }]) expect(parseMessage(bad)).toBeNull();
  });

  it('never adopts an expired or unreadable token', () => {
    expect(sessionFrom(tokenFor('a@example.com', NOW - 7200_000, 3600), NOW)).toBeNull();
    expect(sessionFrom('not-a-jwt', NOW)).toBeNull();
    expect(sessionFrom(tokenFor('a@example.com', NOW, 3600), NOW)?.email).toBe('a@example.com');
  });

  it('renews five minutes before exp, or at half-life for short tokens', () => {
    const hour = decodeIdToken(tokenFor('a@example.com', NOW, 3600));
    expect(msUntilRenewal(hour, NOW)).toBe(55 * 60_000);
    const short = decodeIdToken(tokenFor('a@example.com', NOW, 60));
    expect(msUntilRenewal(short, NOW)).toBe(30_000);
    expect(msUntilRenewal(hour, NOW + 3600_000)).toBe(0);
  });

  it('a new tab gets the session from a signed-in tab', async () => {
    const [x, y] = pair();
    const signedIn = new SessionLink(() => x);
    const token = tokenFor('a@example.com', NOW, 3600);
    signedIn.listen((m) => {
      if (m.type === 'hello') signedIn.send({ type: 'token', token });
    });
    const fresh = new SessionLink(() => y);
    const s = await fresh.ask(() => NOW, 1000);
    expect(s?.token).toBe(token);
  });

  it('a new tab alone finds nothing', async () => {
    const [, y] = pair();
    expect(await new SessionLink(() => y).ask(() => NOW, 20)).toBeNull();
    expect(await new SessionLink(null).ask(() => NOW)).toBeNull();
  });
});

describe('newer', () => {
  it('orders by exp, then by token, so every tab picks the same', async () => {
    const { newer } = await import('../src/sessionSync');
    const a = decodeIdToken(tokenFor('a@example.com', NOW, 3600));
    const b = decodeIdToken(tokenFor('a@example.com', NOW + 1000, 3600));
    expect(newer(b, a)).toBe(true);
    expect(newer(a, b)).toBe(false);
    const c = { ...a, token: `${a.token}x` };
    expect(newer(c, a) !== newer(a, c)).toBe(true);
  });
});
