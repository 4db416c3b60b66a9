// The timeline's state as pure functions: pages appended on the API's cursor,
// a refresh that puts what arrived since on top, deletions, and day groups.
// Each list is tied to the filters (key) it was asked for, so an answer to an
// older query never lands in a newer one.
import { type Clip, clipKey, type Page } from './model';
import { formatDay } from './route';

export type Status = 'loading' | 'ready' | 'loadingMore' | 'refreshing' | 'error';

export interface Timeline {
  /** The filters the list belongs to (route.listKey). */
  key: string;
  items: Clip[];
  nextCursor?: string;
  status: Status;
  /** What went wrong, when status is 'error' or a later page failed. */
  error?: string;
  /** Whether asking again may help (not for a refused filter or a missing camera). */
  retryable?: boolean;
  /** Keys of clips the last refresh brought in. */
  fresh: ReadonlySet<string>;
  /** How many clips the last refresh brought in (for "3 new clips"). */
  freshCount?: number;
}

export type Action =
  | { type: 'reset'; key: string }
  | { type: 'page'; key: string; page: Page<Clip>; append: boolean }
  | { type: 'loadMore'; key: string }
  | { type: 'refresh'; key: string }
  | { type: 'refreshed'; key: string; page: Page<Clip> }
  | { type: 'refreshFailed'; key: string }
  | { type: 'failed'; key: string; error: string; retryable?: boolean }
  | { type: 'removed'; clip: string }
  | { type: 'kept'; clip: string; kept: boolean };

export function initialTimeline(key: string): Timeline {
  return { key, items: [], status: 'loading', fresh: new Set() };
}

function newestFirst(a: Clip, b: Clip): number {
  const t = b.capturedAt.getTime() - a.capturedAt.getTime();
  if (t !== 0) return t;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** items + more, without duplicates (a clip may straddle two pages' edges). */
function merge(items: Clip[], more: Clip[]): Clip[] {
  const seen = new Set(items.map(clipKey));
  const out = items.slice();
  for (const c of more) {
    const k = clipKey(c);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(c);
    }
  }
  return out;
}

function withCursor(t: Timeline, cursor: string | undefined): Timeline {
  const { nextCursor: _drop, ...rest } = t;
  return cursor ? { ...rest, nextCursor: cursor } : rest;
}

function withoutError(t: Timeline): Timeline {
  const { error: _drop, retryable: _r, ...rest } = t;
  return rest;
}

export function reduce(t: Timeline, a: Action): Timeline {
  if (a.type === 'reset') return initialTimeline(a.key);
  if (a.type === 'kept') {
    // The player kept or un-kept a clip: its card's mark follows.
    const items = t.items.map((c) => {
      if (clipKey(c) !== a.clip) return c;
      const next: Clip = { ...c };
      if (a.kept) next.kept = true;
      else delete next.kept;
      return next;
    });
    return { ...t, items };
  }
  if (a.type === 'removed') {
    return { ...t, items: t.items.filter((c) => clipKey(c) !== a.clip) };
  }
  if (a.key !== t.key) return t; // an answer to a query no longer shown
  switch (a.type) {
    case 'loadMore':
      if (!t.nextCursor || t.status === 'loadingMore' || t.status === 'loading') return t;
      return withoutError({ ...t, status: 'loadingMore' });
    case 'refresh':
      if (t.status === 'loading' || t.status === 'refreshing') return t;
      return withoutError({ ...t, status: 'refreshing' });
    case 'page': {
      const items = a.append ? merge(t.items, a.page.items) : a.page.items.slice();
      return withCursor(withoutError({ ...t, items, status: 'ready', fresh: a.append ? t.fresh : new Set() }), a.page.nextCursor);
    }
    case 'refreshed': {
      const known = new Set(t.items.map(clipKey));
      const arrived = a.page.items.filter((c) => !known.has(clipKey(c)));
      const base = withoutError({ ...t, status: 'ready' as Status });
      // Everything on the first page is new and there is more: the gap to the
      // old list cannot be bridged, so the fresh first page replaces it.
      if (arrived.length === a.page.items.length && a.page.nextCursor && t.items.length > 0) {
        return withCursor(
          { ...base, items: a.page.items.slice(), fresh: new Set(arrived.map(clipKey)), freshCount: arrived.length },
          a.page.nextCursor,
        );
      }
      const items = merge(arrived, t.items).sort(newestFirst);
      const next = t.items.length === 0 ? a.page.nextCursor : t.nextCursor;
      return withCursor({ ...base, items, fresh: new Set(arrived.map(clipKey)), freshCount: arrived.length }, next);
    }
    case 'refreshFailed':
      // The list shown is still right; the caller says what failed.
      return t.status === 'refreshing' ? { ...t, status: 'ready' } : t;
    case 'failed':
      // A failed later page keeps what is shown; a failed first page is an error state.
      if (t.items.length > 0 && t.status !== 'loading') return { ...t, status: 'ready', error: a.error, retryable: a.retryable ?? true };
      return { ...t, status: 'error', error: a.error, retryable: a.retryable ?? true };
  }
}

/** Clips of one local calendar day. */
export interface DayGroup {
  day: string; // yyyy-mm-dd in the viewer's time zone
  clips: Clip[];
}

/** Splits a newest-first list into days, keeping the order. */
export function groupByDay(items: readonly Clip[]): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const c of items) {
    const day = formatDay(c.capturedAt);
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.clips.push(c);
    else groups.push({ day, clips: [c] });
  }
  return groups;
}

/** The clips before and after key in the list, for the player's prev/next. */
export function neighbours(items: readonly Clip[], key: string): { prev?: Clip; next?: Clip; index: number } {
  const i = items.findIndex((c) => clipKey(c) === key);
  if (i < 0) return { index: -1 };
  const out: { prev?: Clip; next?: Clip; index: number } = { index: i };
  const prev = items[i - 1];
  const next = items[i + 1];
  if (prev) out.prev = prev;
  if (next) out.next = next;
  return out;
}
