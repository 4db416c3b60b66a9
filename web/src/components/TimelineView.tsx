// The timeline: clip cards grouped by day, newest first, loading the next page
// when the end scrolls into view.
import { useEffect, useRef } from 'preact/hooks';
import { clockTime, dayHeading, duration } from '../format';
import { type Clip, clipKey } from '../model';
import { formatRoute, type Route } from '../route';
import { groupByDay, type Timeline } from '../timeline';
import type { Thumbnails } from '../thumbnails';
import { ClipThumb } from './Thumb';

export function TimelineView(props: {
  timeline: Timeline;
  route: Route;
  now: Date;
  cameraName: (id: string) => string;
  thumbnails: Thumbnails;
  onOpen: (c: Clip) => void;
  onLoadMore: () => void;
  onRetry: () => void;
  onClearFilters: () => void;
  errorAction?: preact.ComponentChildren;
  /** Hand-picked clips for a bulk job (admins): a checkbox on every card. */
  selection?: { keys: ReadonlySet<string>; onToggle: (c: Clip) => void } | undefined;
}) {
  const { timeline: t, route, now } = props;
  const sentinel = useRef<HTMLDivElement>(null);
  const loadMore = useRef(props.onLoadMore);
  loadMore.current = props.onLoadMore;
  const canLoadMore = Boolean(t.nextCursor) && t.status === 'ready' && !t.error;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !canLoadMore || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadMore.current();
      },
      { rootMargin: '600px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [canLoadMore, t.items.length]);

  const filtered = Boolean(route.camera || route.from || route.to);

  if (t.status === 'loading') {
    return (
      <section class="timeline" aria-label="Clips" aria-busy="true">
        <p class="visually-hidden" role="status">
          Loading clips…
        </p>
        <div class="grid">
          {Array.from({ length: 8 }, (_, i) => (
            <div key={i} class="card skeleton" />
          ))}
        </div>
      </section>
    );
  }
  if (t.status === 'error' && t.items.length === 0) {
    return (
      <section class="timeline" aria-label="Clips">
        <div class="state error" role="alert">
          <p>{t.error}</p>
          <div class="row">
            {props.errorAction}
            {t.retryable ? (
              <button type="button" class="btn" onClick={props.onRetry}>
                Try again
              </button>
            ) : null}
            {filtered ? (
              <button type="button" class="btn ghost" onClick={props.onClearFilters}>
                Clear filters
              </button>
            ) : null}
          </div>
        </div>
      </section>
    );
  }
  if (t.items.length === 0) {
    return (
      <section class="timeline" aria-label="Clips">
        <div class="state" data-testid="empty">
          {filtered ? (
            <>
              <p>No clips match these filters.</p>
              <button type="button" class="btn" onClick={props.onClearFilters}>
                Clear filters
              </button>
            </>
          ) : (
            <p>No clips yet. When a camera records motion, its clips show up here; use Refresh to check.</p>
          )}
        </div>
      </section>
    );
  }

  const groups = groupByDay(t.items);
  return (
    <section class="timeline" aria-label="Clips">
      {groups.map((g, i) => (
        <section key={g.day} class="day" aria-labelledby={`day-${g.day}`}>
          <h2 id={`day-${g.day}`} class="day-heading">
            {dayHeading(g.day, now)}
            <span class="muted small">
              {' '}
              · {g.clips.length} {g.clips.length === 1 ? 'clip' : 'clips'}
              {t.nextCursor && i === groups.length - 1 ? '+' : ''}
            </span>
          </h2>
          <ul class="grid" role="list">
            {g.clips.map((c) => (
              <ClipCard key={clipKey(c)} clip={c} route={route} thumbnails={props.thumbnails} onOpen={props.onOpen} fresh={t.fresh.has(clipKey(c))} cameraName={props.cameraName(c.cameraId)} selection={props.selection} />
            ))}
          </ul>
        </section>
      ))}
      <div ref={sentinel} class="sentinel" aria-hidden="true" />
      <div class="list-end">
        {t.error ? (
          <div class="state error" role="alert">
            <p>{t.error}</p>
            <button type="button" class="btn" onClick={props.onLoadMore}>
              Try again
            </button>
          </div>
        ) : t.status === 'loadingMore' ? (
          <p class="muted" role="status">
            Loading more clips…
          </p>
        ) : t.nextCursor ? (
          <button type="button" class="btn" onClick={props.onLoadMore}>
            Load older clips
          </button>
        ) : (
          <p class="muted" data-testid="end">
            That's all: {t.items.length} {t.items.length === 1 ? 'clip' : 'clips'}.
          </p>
        )}
      </div>
    </section>
  );
}

function ClipCard(props: {
  clip: Clip;
  route: Route;
  fresh: boolean;
  cameraName: string;
  thumbnails: Thumbnails;
  onOpen: (c: Clip) => void;
  selection?: { keys: ReadonlySet<string>; onToggle: (c: Clip) => void } | undefined;
}) {
  const { clip: c } = props;
  const key = clipKey(c);
  const time = clockTime(c.capturedAt);
  return (
    <li class={props.fresh ? 'card fresh' : 'card'} data-clip={key}>
      <a
        href={formatRoute({ ...props.route, clip: { cameraId: c.cameraId, videoId: c.id } })}
        class="card-link"
        onClick={(e) => {
          // A plain click opens the player here; modified clicks keep the link's own behaviour (new tab, ...).
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          props.onOpen(c);
        }}
      >
        {/* No aria-label: the link is named by the text it shows (duration, time, camera), so a voice
            user can say what they see (WCAG 2.5.3, Label in Name). */}
        <ClipThumb clip={c} thumbnails={props.thumbnails} label={props.cameraName} badge={c.durationSeconds !== undefined ? duration(c.durationSeconds) : undefined} />
        <span class="card-meta">
          <span class="card-time">{time}</span>
          <span class="muted small card-camera">{props.cameraName}</span>
          {props.fresh ? <span class="badge new">New</span> : null}
          {c.kept ? (
            <span class="badge kept" data-testid="kept-mark">
              Kept
            </span>
          ) : null}
        </span>
      </a>
      {props.selection ? (
        <input
          type="checkbox"
          class="card-select"
          data-testid="select"
          checked={props.selection.keys.has(key)}
          onChange={() => props.selection?.onToggle(c)}
          aria-label={`Select the clip of ${props.cameraName} at ${time}`}
        />
      ) : null}
    </li>
  );
}
