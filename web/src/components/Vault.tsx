// The signed-in screen: header, cameras, filters, timeline and the player,
// all driven by the route in the URL.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { type Api, type ApiError, asApiError } from '../api';
import type { Config } from '../config';
import { clockTime } from '../format';
import { type Clip, clipKey, type Me } from '../model';
import { dayEnd, dayStart, listKey, type Route } from '../route';
import type { Session } from '../session';
import { Thumbnails } from '../thumbnails';
import { initialTimeline, neighbours, reduce } from '../timeline';
import { PLAYER_STATE, useRoute } from '../useRoute';
import { type CameraList, Cameras } from './Cameras';
import { BulkPanel } from './BulkPanel';
import { Filters } from './Filters';
import { Header } from './Header';
import { Player } from './Player';
import { TimelineView } from './TimelineView';

/** Clips per page unless the URL says otherwise. */
export const PAGE_SIZE = 24;

export function Vault(props: {
  api: Api;
  config: Config;
  me: Me;
  session: Session;
  onApiError: (e: ApiError) => void;
  onSignOut: () => void;
  onSwitchAccount: () => void;
}) {
  const { api } = props;
  // The API's /me is the authority on role; the ID token's own claims fill in
  // name and picture when the API does not pass them on.
  const me = useMemo<Me>(() => {
    const m: Me = { ...props.me, name: props.session.name ?? props.me.name };
    const picture = props.me.picture ?? props.session.picture;
    if (picture) m.picture = picture;
    return m;
  }, [props.me, props.session]);
  const [route, navigate] = useRoute();
  const key = listKey(route);
  const [timeline, dispatch] = useReducer(reduce, key, initialTimeline);
  const [cameras, setCameras] = useState<CameraList>({ status: 'loading', items: [] });
  const [thumbs, setThumbs] = useState<Record<string, string | null>>({});
  const [camerasVersion, setCamerasVersion] = useState(0);
  const [toast, setToast] = useState<string | null>(null);
  // Clips an admin picked by hand for a bulk job ("cameraId/videoId").
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const toggleSelected = useCallback((c: Clip) => {
    setSelected((s) => {
      const next = new Set(s);
      const k = clipKey(c);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  }, []);
  const [now, setNow] = useState(() => new Date());
  const onApiError = useRef(props.onApiError);
  onApiError.current = props.onApiError;
  const fail = useCallback((e: unknown): ApiError => {
    const err = asApiError(e);
    onApiError.current(err);
    return err;
  }, []);

  // Signed stills, fetched for cards on screen (the lists carry none).
  const thumbnails = useMemo(
    () =>
      new Thumbnails(
        (cameraId, videoId) => api.clip(cameraId, videoId),
        (e) => fail(e),
      ),
    [api, fail],
  );

  // Relative times ("5 min ago") move on.
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(id);
  }, []);

  useEffect(() => {
    if (!toast) return;
    const id = setTimeout(() => setToast(null), 5000);
    return () => clearTimeout(id);
  }, [toast]);

  // Cameras, then a thumbnail for each: its newest clip's still (a limit=1
  // list and that clip's GET per camera with clips).
  useEffect(() => {
    let live = true;
    setCameras((c) => ({ ...c, status: 'loading' }));
    api.cameras().then(
      async (items) => {
        if (!live) return;
        setCameras({ status: 'ready', items });
        const missing = items.filter((c) => !c.thumbnailUrl && c.clipCount !== 0);
        const found = await Promise.all(
          missing.map(async (c): Promise<[string, string | null]> => {
            try {
              const page = await api.clips({ camera: c.id, limit: 1 });
              const newest = page.items[0];
              return [c.id, newest ? await thumbnails.get(newest) : null];
            } catch (e) {
              fail(e); // a 401 still signs out; anything else leaves the placeholder
              return [c.id, null];
            }
          }),
        );
        if (live) setThumbs(Object.fromEntries(found));
      },
      (e: unknown) => {
        if (!live) return;
        const err = fail(e);
        setCameras((c) => ({ status: 'error', items: c.items, error: err.message }));
      },
    );
    return () => {
      live = false;
    };
  }, [api, camerasVersion, fail, thumbnails]);

  const query = useCallback(
    (r: Route, cursor?: string) => {
      const q: Parameters<Api['clips']>[0] = { limit: r.limit ?? PAGE_SIZE };
      if (r.camera) q.camera = r.camera;
      if (r.from) q.from = dayStart(r.from);
      if (r.to) q.to = dayEnd(r.to);
      if (cursor) q.cursor = cursor;
      if (r.kept) q.kept = true;
      return api.clips(q);
    },
    [api],
  );

  const explain = useCallback(
    (err: ApiError, r: Route): string => {
      if (err.kind === 'forbidden') {
        return r.camera
          ? `This account (${me.email}) is not allowed to see camera “${r.camera}”.`
          : `This account (${me.email}) is not allowed to see these clips.`;
      }
      if (err.kind === 'badRequest') return `The filters were refused: ${err.message} Change or clear them.`;
      if (err.kind === 'notFound') return r.camera ? `There is no camera “${r.camera}”.` : err.message;
      return `Could not load clips. ${err.message}`;
    },
    [me.email],
  );

  // The first page whenever the filters change.
  const routeRef = useRef(route);
  routeRef.current = route;
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    const r = routeRef.current;
    dispatch({ type: 'reset', key });
    query(r).then(
      (page) => dispatch({ type: 'page', key, page, append: false }),
      (e: unknown) => {
        const err = fail(e);
        dispatch({ type: 'failed', key, error: explain(err, r), retryable: err.kind === 'network' || err.kind === 'server' });
      },
    );
  }, [key, reloads, query, fail, explain]);

  const timelineRef = useRef(timeline);
  timelineRef.current = timeline;
  const loadMore = useCallback(() => {
    const t = timelineRef.current;
    if (!t.nextCursor || t.status !== 'ready' || t.key !== key) return;
    const r = routeRef.current;
    dispatch({ type: 'loadMore', key });
    timelineRef.current = { ...t, status: 'loadingMore' };
    query(r, t.nextCursor).then(
      (page) => dispatch({ type: 'page', key, page, append: true }),
      (e: unknown) => {
        const err = fail(e);
        dispatch({ type: 'failed', key, error: explain(err, r), retryable: err.kind === 'network' || err.kind === 'server' });
      },
    );
  }, [key, query, fail, explain]);

  const refresh = useCallback(() => {
    const t = timelineRef.current;
    if (t.status === 'loading' || t.status === 'refreshing') return;
    const r = routeRef.current;
    const since = new Date();
    dispatch({ type: 'refresh', key });
    setCamerasVersion((v) => v + 1);
    query(r).then(
      (page) => {
        const known = new Set(timelineRef.current.items.map(clipKey));
        const n = page.items.filter((c) => !known.has(clipKey(c))).length;
        dispatch({ type: 'refreshed', key, page });
        setToast(n === 0 ? `No new clips since ${clockTime(since)}.` : `${n}${n === page.items.length && page.nextCursor ? '+' : ''} new ${n === 1 ? 'clip' : 'clips'}.`);
      },
      (e: unknown) => {
        const err = fail(e);
        dispatch({ type: 'refreshFailed', key });
        setToast(`Could not check for new clips. ${err.kind === 'network' ? err.message : 'Try again in a moment.'}`);
      },
    );
  }, [key, query, fail, explain]);

  const cameraName = useMemo(() => {
    const names = new Map(cameras.items.map((c) => [c.id, c.name]));
    return (id: string) => names.get(id) ?? id;
  }, [cameras.items]);

  const open = route.clip;
  const openKey = open ? `${open.cameraId}/${open.videoId}` : '';
  const near = open ? neighbours(timeline.items, openKey) : { index: -1 };

  const openClip = useCallback((c: Clip) => navigate({ ...routeRef.current, clip: { cameraId: c.cameraId, videoId: c.id } }, { replace: true }), [navigate]);
  const openFromList = useCallback(
    (c: Clip) => navigate({ ...routeRef.current, clip: { cameraId: c.cameraId, videoId: c.id } }, { state: PLAYER_STATE }),
    [navigate],
  );
  // Opened from the list: Back and close are the same step. Opened by a link: close shows the list.
  const closePlayer = useCallback(() => {
    if (history.state === PLAYER_STATE) {
      history.back();
      return;
    }
    const { clip: _c, ...rest } = routeRef.current;
    navigate(rest);
  }, [navigate]);

  const onDeleted = useCallback(
    (cameraId: string, videoId: string) => {
      const k = `${cameraId}/${videoId}`;
      const n = neighbours(timelineRef.current.items, k);
      dispatch({ type: 'removed', clip: k });
      thumbnails.forget(k);
      setCamerasVersion((v) => v + 1);
      setToast('Clip deleted.');
      const go = n.next ?? n.prev;
      const { clip: _c, ...rest } = routeRef.current;
      navigate(go ? { ...rest, clip: { cameraId: go.cameraId, videoId: go.id } } : rest, { replace: true });
    },
    [navigate, thumbnails],
  );

  const clearFilters = useCallback(() => navigate(routeRef.current.limit ? { limit: routeRef.current.limit } : {}), [navigate]);

  return (
    <div class="app">
      {/* While the player is open the page behind it takes no focus or clicks. */}
      <div class="page" inert={open ? true : undefined}>
        <Header me={me} stage={props.config.stage} onSignOut={props.onSignOut} />
        <main class="content">
          <h1 class="visually-hidden">{route.camera ? `Clips from ${cameraName(route.camera)}` : 'Your cameras and clips'}</h1>
          <Cameras
            cameras={cameras}
            thumbs={thumbs}
            selected={route.camera}
            now={now}
            onRetry={() => setCamerasVersion((v) => v + 1)}
            onSelect={(id) => {
              const { clip: _c, camera: _cam, ...rest } = route;
              navigate(id ? { ...rest, camera: id } : rest);
            }}
          />
          <Filters route={route} cameras={cameras.items} refreshing={timeline.status === 'refreshing'} onChange={navigate} onRefresh={refresh} />
          {me.role === 'admin' ? (
            <BulkPanel
              api={api}
              route={route}
              selected={[...selected].map((k) => {
                const i = k.indexOf('/');
                return { cameraId: k.slice(0, i), videoId: k.slice(i + 1) };
              })}
              onClearSelection={() => setSelected(new Set())}
              cameraName={cameraName}
              onApiError={props.onApiError}
              onDone={() => {
                setSelected(new Set());
                refresh();
              }}
            />
          ) : null}
          <TimelineView
            selection={me.role === 'admin' ? { keys: selected, onToggle: toggleSelected } : undefined}
            timeline={timeline}
            route={route}
            now={now}
            cameraName={cameraName}
            thumbnails={thumbnails}
            onOpen={openFromList}
            onLoadMore={loadMore}
            onRetry={() => setReloads((n) => n + 1)}
            onClearFilters={clearFilters}
            errorAction={
              timeline.status === 'error' && timeline.error?.startsWith('This account') ? (
                <button type="button" class="btn primary" onClick={props.onSwitchAccount}>
                  Switch account
                </button>
              ) : undefined
            }
          />
        </main>
      </div>
      {open ? (
        <Player
          key="player"
          api={api}
          cameraId={open.cameraId}
          videoId={open.videoId}
          cameraName={cameraName}
          prev={near.prev}
          next={near.next}
          canLoadMore={near.index === timeline.items.length - 1 && Boolean(timeline.nextCursor)}
          loadingMore={timeline.status === 'loadingMore'}
          isAdmin={me.role === 'admin'}
          onOpen={openClip}
          onLoadMore={loadMore}
          onClose={closePlayer}
          onDeleted={onDeleted}
          onKept={(cameraId, videoId, kept) => dispatch({ type: 'kept', clip: `${cameraId}/${videoId}`, kept })}
          onApiError={props.onApiError}
        />
      ) : null}
      <div class="toast-region" role="status" aria-live="polite">
        {toast ? <div class="toast">{toast}</div> : null}
      </div>
    </div>
  );
}
