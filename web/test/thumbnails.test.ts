import { describe, expect, it } from 'vitest';
import type { Clip } from '../src/model';
import { type SignedStill, Thumbnails } from '../src/thumbnails';

const clip = (id: string, hasThumbnail = true): Clip => ({ id, cameraId: 'cam', capturedAt: new Date(0), hasThumbnail });

/** A loader whose answers the test releases by hand. */
function manualLoader() {
  const calls: { id: string; resolve: (s: SignedStill) => void; reject: (e: unknown) => void }[] = [];
  const load = (_cam: string, id: string) => new Promise<SignedStill>((resolve, reject) => calls.push({ id, resolve, reject }));
  return { load, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Thumbnails', () => {
  it('asks nothing for clips without a still', async () => {
    const { load, calls } = manualLoader();
    const t = new Thumbnails(load);
    expect(t.cached(clip('a', false))).toBeNull();
    expect(await t.get(clip('a', false))).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('fetches once per clip and caches the signed URL until it expires', async () => {
    let now = 1_000_000;
    const { load, calls } = manualLoader();
    const t = new Thumbnails(load, undefined, 4, () => now);
    const p1 = t.get(clip('a'));
    const p2 = t.get(clip('a'));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.resolve({ thumbnailUrl: 'http://s3/a.jpg', urlExpiresAt: new Date(now + 15 * 60_000) });
    expect(await p1).toBe('http://s3/a.jpg');
    expect(await p2).toBe('http://s3/a.jpg');
    expect(t.cached(clip('a'))).toBe('http://s3/a.jpg');
    now += 14 * 60_000 + 1; // within a minute of expiry: ask again
    expect(t.cached(clip('a'))).toBeUndefined();
    void t.get(clip('a'));
    await tick();
    expect(calls).toHaveLength(2);
  });

  it('runs at most maxParallel fetches at once', async () => {
    const { load, calls } = manualLoader();
    const t = new Thumbnails(load, undefined, 2);
    const all = ['a', 'b', 'c', 'd'].map((id) => t.get(clip(id)));
    await tick();
    expect(calls.map((c) => c.id)).toEqual(['a', 'b']);
    calls[0]?.resolve({ thumbnailUrl: 'u-a' });
    await tick();
    await tick();
    expect(calls.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    calls[1]?.resolve({});
    calls[2]?.resolve({ thumbnailUrl: 'u-c' });
    await tick();
    await tick();
    calls[3]?.resolve({ thumbnailUrl: 'u-d' });
    expect(await Promise.all(all)).toEqual(['u-a', null, 'u-c', 'u-d']);
  });

  it('reports a failure, answers null and does not retry at once', async () => {
    const { load, calls } = manualLoader();
    const errors: unknown[] = [];
    const t = new Thumbnails(load, (e) => errors.push(e));
    const p = t.get(clip('a'));
    await tick();
    calls[0]?.reject(new Error('401'));
    expect(await p).toBeNull();
    expect(errors).toHaveLength(1);
    expect(await t.get(clip('a'))).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it('uses a URL the list already carried', async () => {
    const { load, calls } = manualLoader();
    const t = new Thumbnails(load);
    expect(await t.get({ ...clip('a'), thumbnailUrl: 'http://s3/x' })).toBe('http://s3/x');
    expect(calls).toHaveLength(0);
  });
});
