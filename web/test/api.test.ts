import { describe, expect, it } from 'vitest';
import { Api, ApiError } from '../src/api';

type Call = { url: string; init: RequestInit | undefined };

/** A fetch double answering from a list of responses, recording the calls. */
function fakeFetch(...answers: (Response | Error)[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const a = answers.shift();
    if (!a) throw new Error('unexpected fetch');
    if (a instanceof Error) throw a;
    return a;
  }) as typeof fetch;
  return { fetch: f, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function api(f: typeof fetch, token: string | null = 'tok') {
  return new Api({ baseUrl: 'http://127.0.0.1:4000/dev/', token: () => token, fetch: f });
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('Api', () => {
  it('sends the bearer token and reads /me', async () => {
    const { fetch, calls } = fakeFetch(json(200, { email: 'a@example.com', name: 'A', role: 'admin', cameras: ['*'] }));
    const me = await api(fetch).me();
    expect(me).toEqual({ email: 'a@example.com', name: 'A', role: 'admin', cameras: 'all' });
    expect(calls[0]?.url).toBe('http://127.0.0.1:4000/dev/me');
    expect((calls[0]?.init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
    expect(calls[0]?.init?.credentials).toBe('omit');
  });

  it('reads a restricted camera list on /me', async () => {
    const { fetch } = fakeFetch(json(200, { email: 'a@example.com', role: 'viewer', cameras: ['front', 'yard'] }));
    expect((await api(fetch).me()).cameras).toEqual(['front', 'yard']);
  });

  it('does not call the API without a token', async () => {
    const { fetch, calls } = fakeFetch();
    const e = await failure(api(fetch, null).me());
    expect(e.kind).toBe('unauthorized');
    expect(calls).toHaveLength(0);
  });

  it('lists the timeline with filters as query parameters', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, {
        items: [{ id: '01J1', cameraId: 'front', capturedAt: '2026-11-25T14:00:00Z', durationSeconds: 12.5, size: 2048, contentType: 'video/mp4', hasThumbnail: true, expiresAt: '2026-12-25T14:00:00Z' }],
        nextCursor: 'c2',
      }),
    );
    const page = await api(fetch).clips({ from: new Date('2026-11-24T00:00:00Z'), to: new Date('2026-11-25T00:00:00Z'), limit: 5, cursor: 'c1' });
    const u = new URL(calls[0]?.url ?? '');
    expect(u.pathname).toBe('/dev/videos');
    expect(u.searchParams.get('from')).toBe('2026-11-24T00:00:00.000Z');
    expect(u.searchParams.get('to')).toBe('2026-11-25T00:00:00.000Z');
    expect(u.searchParams.get('limit')).toBe('5');
    expect(u.searchParams.get('cursor')).toBe('c1');
    expect(page.nextCursor).toBe('c2');
    expect(page.items[0]).toEqual({
      id: '01J1', cameraId: 'front', capturedAt: new Date('2026-11-25T14:00:00Z'), durationSeconds: 12.5, sizeBytes: 2048, hasThumbnail: true,
      expiresAt: new Date('2026-12-25T14:00:00Z'),
    });
  });

  it("lists one camera's clips on its own path, escaping the id", async () => {
    const { fetch, calls } = fakeFetch(json(200, { items: [] }));
    const page = await api(fetch).clips({ camera: 'back door' });
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/dev/cameras/back%20door/videos');
    expect(page).toEqual({ items: [] });
  });

  it('follows the cameras cursor', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, { items: [{ id: 'front', name: 'Front door', lastClipAt: '2026-11-25T14:00:00Z', clipCount: 3 }], nextCursor: 'n' }),
      json(200, { items: [{ id: 'yard' }] }),
    );
    const cams = await api(fetch).cameras();
    expect(cams.map((c) => c.name)).toEqual(['Front door', 'yard']);
    expect(cams[0]?.clipCount).toBe(3);
    expect(new URL(calls[1]?.url ?? '').searchParams.get('cursor')).toBe('n');
  });

  it('reads one clip with its signed URLs', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, {
        id: 'v1', cameraId: 'front', capturedAt: '2026-11-25T14:00:00Z', size: 10, contentType: 'video/mp4', hasThumbnail: true,
        playUrl: 'http://s3/p', downloadUrl: 'http://s3/d', thumbnailUrl: 'http://s3/t', urlExpiresAt: '2026-11-25T14:15:00Z',
      }),
    );
    const c = await api(fetch).clip('front', 'v1');
    expect(c.thumbnailUrl).toBe('http://s3/t');
    expect(c.urlExpiresAt).toEqual(new Date('2026-11-25T14:15:00Z'));
    expect(c.playUrl).toBe('http://s3/p');
    expect(c.downloadUrl).toBe('http://s3/d');
    expect(calls[0]?.url).toBe('http://127.0.0.1:4000/dev/cameras/front/videos/v1');
  });

  it('deletes with DELETE and accepts an empty 204', async () => {
    const { fetch, calls } = fakeFetch(new Response(null, { status: 204 }));
    await api(fetch).deleteClip('front', 'v1');
    expect(calls[0]?.init?.method).toBe('DELETE');
  });

  it.each([
    [401, { message: 'Unauthorized' }, 'unauthorized', 'Unauthorized'],
    [403, { Message: 'User is not authorized to access this resource with an explicit deny' }, 'forbidden', 'This account is not allowed to do that.'],
    [404, { error: { code: 'not_found', message: 'no such clip' } }, 'notFound', 'no such clip'],
    [400, { error: { code: 'bad_parameter', message: 'from: is after to' } }, 'badRequest', 'from: is after to'],
    [503, { error: { code: 'unavailable', message: 'try again' } }, 'server', 'try again'],
  ])('maps HTTP %i to %s', async (status, body, kind, message) => {
    const { fetch } = fakeFetch(json(status, body));
    const e = await failure(api(fetch).me());
    expect(e.kind).toBe(kind);
    expect(e.status).toBe(status);
    expect(e.message).toBe(message);
  });

  it('keeps the error code of the API', async () => {
    const { fetch } = fakeFetch(json(400, { error: { code: 'bad_cursor', message: 'cursor: not for this query' } }));
    expect((await failure(api(fetch).clips({ cursor: 'x' }))).code).toBe('bad_cursor');
  });

  it('reports a non-JSON error page with a default message', async () => {
    const { fetch } = fakeFetch(new Response('<html>bad gateway</html>', { status: 502 }));
    const e = await failure(api(fetch).me());
    expect(e.kind).toBe('server');
    expect(e.message).toMatch(/server/);
  });

  it('reports no answer at all as network', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'));
    expect((await failure(api(fetch).cameras())).kind).toBe('network');
  });

  it('reports an answer of the wrong shape as a server error', async () => {
    const { fetch } = fakeFetch(json(200, { items: [{ id: 'v1' }] }));
    const e = await failure(api(fetch).clips({}));
    expect(e.kind).toBe('server');
    expect(e.message).toMatch(/cameraId/);
  });

  it('reports unreadable JSON on success as a server error', async () => {
    const { fetch } = fakeFetch(new Response('{not json', { status: 200 }));
    expect((await failure(api(fetch).me())).kind).toBe('server');
  });
});
