import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api';
import { consolePage, explain } from '../src/components/Console';
import { ConsoleApi, describeActivity, parseActivity, parseGrant } from '../src/console';

function fakeFetch(...answers: Response[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const a = answers.shift();
    if (!a) throw new Error('unexpected fetch');
    return a;
  }) as typeof fetch;
  return { fetch: f, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('console client', () => {
  it('sends a grant as JSON and reads it back', async () => {
    const { fetch, calls } = fakeFetch(json(200, { subject: 'ana@example.com', role: 'viewer', cameras: ['porch'] }));
    const api = new ConsoleApi({ baseUrl: 'http://x/dev', token: () => 'tok', fetch });
    const g = await api.putGrant({ subject: 'ana@example.com', role: 'viewer', cameras: ['porch'] });
    expect(g).toEqual({ subject: 'ana@example.com', role: 'viewer', cameras: ['porch'] });
    expect(calls[0]?.url).toBe('http://x/dev/grants/ana%40example.com');
    expect(calls[0]?.init?.method).toBe('PUT');
    expect(calls[0]?.init?.body).toBe('{"role":"viewer","cameras":["porch"]}');
    expect((calls[0]?.init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('names the field or rule the API refused', async () => {
    const { fetch } = fakeFetch(json(409, { error: { code: 'conflict', message: 'no', parameter: 'last_admin_path' } }));
    const api = new ConsoleApi({ baseUrl: 'http://x/dev', token: () => 'tok', fetch });
    const err = await api.deleteGrant('boss@example.com').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.kind).toBe('conflict');
    expect(e.parameter).toBe('last_admin_path');
    expect(explain(e)).toMatch(/your own admin access/);
  });

  it('reads every camera as "all" and refuses bad shapes', () => {
    expect(parseGrant({ subject: 'example.org', role: 'admin', cameras: ['*'] }).cameras).toBe('all');
    expect(() => parseGrant({ subject: 'x', role: 'root', cameras: ['*'] })).toThrow();
    expect(() => parseActivity({ id: '1', at: 'yesterday', actor: 'a', action: 'clip.open' })).toThrow();
  });

  it('describes the trail in words', () => {
    const name = (id: string) => (id === 'porch' ? 'Back porch' : id);
    const put = parseActivity({ id: '1', at: '2026-11-25T15:00:00Z', actor: 'admin@example.com', action: 'grant.put', subject: 'ana@example.com', after: { role: 'viewer', cameras: ['porch'] } });
    expect(describeActivity(put, name)).toBe('let ana@example.com in as viewer of Back porch');
    const open = parseActivity({ id: '2', at: '2026-11-25T15:00:01Z', actor: 'ana@example.com', action: 'clip.open', cameraId: 'porch', videoId: 'V' });
    expect(describeActivity(open, name)).toBe('watched a clip from Back porch');
  });

  it('routes only the console hashes', () => {
    expect(consolePage('#/admin/people')).toBe('people');
    expect(consolePage('#/admin/activity?x=1')).toBe('activity');
    expect(consolePage('#/')).toBeNull();
    expect(consolePage('#/admin/peoplex')).toBeNull();
  });
});

describe('blocked grants', () => {
  it('are read, not refused', () => {
    expect(parseGrant({ subject: 'mallory@example.com', role: 'blocked', cameras: ['*'] }).role).toBe('blocked');
  });
});
