import { describe, expect, it } from 'vitest';
import { type Clip, clipKey } from '../src/model';
import { groupByDay, initialTimeline, neighbours, reduce, type Timeline } from '../src/timeline';

function clip(id: string, at: string, cameraId = 'front'): Clip {
  return { id, cameraId, capturedAt: new Date(at), hasThumbnail: false };
}

const a = clip('a', '2026-11-25T12:00:00');
const b = clip('b', '2026-11-25T09:00:00');
const c = clip('c', '2026-11-24T22:00:00');
const d = clip('d', '2026-11-23T08:00:00');
const ids = (t: Timeline) => t.items.map((x) => x.id);

function loaded(items: Clip[], nextCursor?: string): Timeline {
  return reduce(initialTimeline('k'), { type: 'page', key: 'k', page: nextCursor ? { items, nextCursor } : { items }, append: false });
}

describe('timeline', () => {
  it('starts loading and shows the first page', () => {
    expect(initialTimeline('k').status).toBe('loading');
    const t = loaded([a, b], 'n1');
    expect(ids(t)).toEqual(['a', 'b']);
    expect(t.nextCursor).toBe('n1');
    expect(t.status).toBe('ready');
  });

  it('appends the next page without duplicates and drops the cursor at the end', () => {
    let t = loaded([a, b], 'n1');
    t = reduce(t, { type: 'loadMore', key: 'k' });
    expect(t.status).toBe('loadingMore');
    expect(reduce(t, { type: 'loadMore', key: 'k' })).toBe(t); // one page at a time
    t = reduce(t, { type: 'page', key: 'k', page: { items: [b, c] }, append: true });
    expect(ids(t)).toEqual(['a', 'b', 'c']);
    expect(t.nextCursor).toBeUndefined();
    expect(reduce(t, { type: 'loadMore', key: 'k' })).toBe(t); // nothing more to load
  });

  it('ignores answers to filters no longer shown', () => {
    const t = reduce(loaded([a]), { type: 'reset', key: 'k2' });
    expect(reduce(t, { type: 'page', key: 'k', page: { items: [b] }, append: false })).toBe(t);
    expect(reduce(t, { type: 'failed', key: 'k', error: 'x' })).toBe(t);
  });

  it('a failed first page is an error; a failed later page keeps the list', () => {
    const first = reduce(initialTimeline('k'), { type: 'failed', key: 'k', error: 'down' });
    expect(first.status).toBe('error');
    expect(first.retryable).toBe(true);
    expect(reduce(initialTimeline('k'), { type: 'failed', key: 'k', error: 'no camera', retryable: false }).retryable).toBe(false);
    let t = reduce(loaded([a], 'n'), { type: 'loadMore', key: 'k' });
    t = reduce(t, { type: 'failed', key: 'k', error: 'down' });
    expect(t.status).toBe('ready');
    expect(t.error).toBe('down');
    expect(ids(t)).toEqual(['a']);
    expect(t.nextCursor).toBe('n');
    expect(reduce(t, { type: 'loadMore', key: 'k' }).error).toBeUndefined();
  });

  it('refresh puts what arrived since on top and marks it fresh', () => {
    let t = loaded([b, c], 'n1');
    t = reduce(t, { type: 'refresh', key: 'k' });
    expect(t.status).toBe('refreshing');
    t = reduce(t, { type: 'refreshed', key: 'k', page: { items: [a, b], nextCursor: 'other' } });
    expect(ids(t)).toEqual(['a', 'b', 'c']);
    expect([...t.fresh]).toEqual([clipKey(a)]);
    expect(t.freshCount).toBe(1);
    expect(t.nextCursor).toBe('n1'); // the older pages are still where they were
  });

  it('a failed refresh keeps the list as it was', () => {
    const before = loaded([a, b], 'n1');
    const t = reduce(reduce(before, { type: 'refresh', key: 'k' }), { type: 'refreshFailed', key: 'k' });
    expect(t.status).toBe('ready');
    expect(ids(t)).toEqual(['a', 'b']);
    expect(t.nextCursor).toBe('n1');
    expect(t.error).toBeUndefined();
  });

  it('refresh with nothing new changes no item', () => {
    const t = reduce(reduce(loaded([a, b]), { type: 'refresh', key: 'k' }), { type: 'refreshed', key: 'k', page: { items: [a, b] } });
    expect(ids(t)).toEqual(['a', 'b']);
    expect(t.freshCount).toBe(0);
  });

  it('refresh replaces the list when a whole page arrived since (the gap cannot be bridged)', () => {
    const e = clip('e', '2026-11-26T10:00:00');
    const f = clip('f', '2026-11-26T09:00:00');
    const t = reduce(loaded([a, b], 'n1'), { type: 'refreshed', key: 'k', page: { items: [e, f], nextCursor: 'n2' } });
    expect(ids(t)).toEqual(['e', 'f']);
    expect(t.nextCursor).toBe('n2');
    expect(t.fresh.size).toBe(2);
  });

  it('refresh of an empty list takes its cursor', () => {
    const t = reduce(loaded([]), { type: 'refreshed', key: 'k', page: { items: [a], nextCursor: 'n' } });
    expect(ids(t)).toEqual(['a']);
    expect(t.nextCursor).toBe('n');
  });

  it('a deleted clip disappears', () => {
    const t = reduce(loaded([a, b, c]), { type: 'removed', clip: clipKey(b) });
    expect(ids(t)).toEqual(['a', 'c']);
  });

  it('groups by local day, newest first', () => {
    const g = groupByDay([a, b, c, d]);
    expect(g.map((x) => [x.day, x.clips.map((y) => y.id)])).toEqual([
      ['2026-11-25', ['a', 'b']],
      ['2026-11-24', ['c']],
      ['2026-11-23', ['d']],
    ]);
  });

  it('finds previous and next clips', () => {
    expect(neighbours([a, b, c], clipKey(b))).toEqual({ index: 1, prev: a, next: c });
    expect(neighbours([a, b, c], clipKey(a))).toEqual({ index: 0, next: b });
    expect(neighbours([a], 'front/zzz')).toEqual({ index: -1 });
  });
});

describe('the kept mark', () => {
  it('follows a keep or un-keep from the player on that card only', () => {
    let t = loaded([a, b]);
    t = reduce(t, { type: 'kept', clip: clipKey(b), kept: true });
    expect(t.items.map((x) => Boolean(x.kept))).toEqual([false, true]);
    t = reduce(t, { type: 'kept', clip: clipKey(b), kept: false });
    expect(t.items.map((x) => 'kept' in x)).toEqual([false, false]);
  });
});
