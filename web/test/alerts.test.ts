import { describe, expect, it } from 'vitest';
import { AlertsApi, base64UrlBytes, parseAlerts, parseSettings } from '../src/alerts';
import { ApiError } from '../src/api';

const KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

describe('alerts wire shapes', () => {
  it('reads GET /alerts', () => {
    const a = parseAlerts({
      publicKey: KEY,
      settings: { foldMinutes: 5, quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Paris' },
      subscriptions: [{ id: 'abc', endpoint: 'https://push.example/x', cameras: ['*'], createdAt: '2026-11-25T14:00:00Z' }],
    });
    expect(a.settings).toEqual({ foldMinutes: 5, quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Paris' });
    expect(a.subscriptions[0]?.cameras).toBe('all');
  });
  it('refuses what it cannot trust', () => {
    expect(() => parseAlerts({ publicKey: 'short', settings: {}, subscriptions: [] })).toThrow();
    expect(() => parseSettings({ foldMinutes: -1 })).toThrow();
    expect(() => parseSettings({ foldMinutes: 5, quietHours: { start: '25:00', end: '07:00' } })).toThrow();
    expect(parseSettings({ foldMinutes: 0, quietHours: null }).timeZone).toBe('UTC');
  });
  it('decodes an application server key', () => {
    const b = base64UrlBytes(KEY);
    expect(b.length).toBe(65);
    expect(b[0]).toBe(4);
  });
});

describe('AlertsApi', () => {
  it('subscribes with the browser subscription and the cameras, and names the field of a 400', async () => {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const api = new AlertsApi({
      baseUrl: 'https://api.example/dev',
      token: () => 'tok',
      fetch: async (url, init) => {
        sent.push({ method: String(init?.method), url: String(url), body: JSON.parse(String(init?.body)) });
        if (sent.length === 2) {
          return new Response(JSON.stringify({ error: { code: 'invalid_parameter', message: 'keys.auth: want 16 bytes', parameter: 'keys.auth' } }), { status: 400 });
        }
        return new Response(JSON.stringify({ id: 'abc', endpoint: 'https://push.example/x', cameras: ['porch'], createdAt: '2026-11-25T14:00:00Z' }), { status: 201 });
      },
    });
    const sub = { endpoint: 'https://push.example/x', expirationTime: null, keys: { p256dh: 'p', auth: 'a' } };
    const s = await api.subscribe(sub, ['porch']);
    expect(s.cameras).toEqual(['porch']);
    expect(sent[0]).toEqual({ method: 'POST', url: 'https://api.example/dev/alerts/subscriptions', body: { ...sub, cameras: ['porch'] } });
    const err = await api.subscribe(sub, 'all').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).parameter).toBe('keys.auth');
    expect((sent[1]?.body as { cameras: string[] }).cameras).toEqual(['*']);
  });
});
