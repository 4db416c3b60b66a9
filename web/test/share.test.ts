import { describe, expect, it } from 'vitest';
import { Api } from '../src/api';
import { openShare, shareToken } from '../src/share';

const TOKEN = `${'0123456789abcdef'.repeat(2)}.${'A'.repeat(42)}w`;

function reply(status: number, body?: unknown): typeof fetch {
  return (async () => new Response(body === undefined ? null : JSON.stringify(body), { status })) as typeof fetch;
}

describe('share links', () => {
  it('reads the token of a share page and nothing else', () => {
    expect(shareToken(`#/s/${TOKEN}`)).toBe(TOKEN);
    expect(shareToken('#/s/not-a-token')).toBe('');
    expect(shareToken('#/?camera=front')).toBeNull();
    expect(shareToken('')).toBeNull();
  });

  it('opens a link with the token in the body and no Authorization header', async () => {
    let seen: RequestInit | undefined;
    let url = '';
    const f = (async (u: string, init: RequestInit) => {
      url = u;
      seen = init;
      return new Response(JSON.stringify({
        cameraName: 'Porch', capturedAt: '2026-11-25T10:00:00Z', playUrl: 'https://s3/p', downloadUrl: 'https://s3/d', urlExpiresAt: '2026-11-25T10:15:00Z',
      }), { status: 200 });
    }) as unknown as typeof fetch;
    const got = await openShare('http://api/dev/', TOKEN, f);
    expect(url).toBe('http://api/dev/shared');
    expect(seen?.method).toBe('POST');
    expect(JSON.parse(String(seen?.body))).toEqual({ token: TOKEN });
    expect(JSON.stringify(seen?.headers)).not.toContain('Authorization');
    expect(got).toMatchObject({ cameraName: 'Porch', playUrl: 'https://s3/p' });
  });

  it('tells unknown, ended and throttled links apart', async () => {
    expect(await openShare('http://api/dev', TOKEN, reply(404, { error: { code: 'not_found', message: 'x' } }))).toBe('notFound');
    expect(await openShare('http://api/dev', TOKEN, reply(410, { error: { code: 'gone', message: 'x' } }))).toBe('gone');
    expect(await openShare('http://api/dev', TOKEN, reply(429))).toBe('throttled');
    expect(await openShare('http://api/dev', TOKEN, reply(500))).toBe('error');
    expect(await openShare('http://api/dev', TOKEN, reply(200, { nope: 1 }))).toBe('error');
  });

  it('keeps, lists kept clips and makes a link through the API', async () => {
    const calls: { method: string; url: string; body?: string }[] = [];
    const f = (async (u: string, init: RequestInit) => {
      calls.push({ method: String(init.method), url: u, ...(init.body ? { body: String(init.body) } : {}) });
      if (u.endsWith('/keep')) return new Response(JSON.stringify({ id: 'v1', cameraId: 'porch', capturedAt: '2026-11-25T10:00:00Z', hasThumbnail: false, kept: true }), { status: 200 });
      if (u.endsWith('/shares') && init.method === 'POST') {
        return new Response(JSON.stringify({
          id: 'a'.repeat(32), cameraId: 'porch', videoId: 'v1', createdBy: 'v@example.com', createdAt: '2026-11-25T10:00:00Z',
          expiresAt: '2026-11-26T10:00:00Z', status: 'active', opens: 0, token: TOKEN, url: `http://web/#/s/${TOKEN}`,
        }), { status: 201 });
      }
      return new Response(JSON.stringify({ items: [] }), { status: 200 });
    }) as unknown as typeof fetch;
    const api = new Api({ baseUrl: 'http://api/dev', token: () => 'tok', fetch: f });
    expect((await api.setKept('porch', 'v1', true)).kept).toBe(true);
    await api.clips({ kept: true });
    const created = await api.createShare('porch', 'v1', 24);
    expect(created.url).toContain('#/s/');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'PUT http://api/dev/cameras/porch/videos/v1/keep',
      'GET http://api/dev/videos?kept=true',
      'POST http://api/dev/cameras/porch/videos/v1/shares',
    ]);
    expect(JSON.parse(calls[2]?.body ?? '')).toEqual({ expiresInHours: 24 });
  });
});
