// The player: the clip's signed play URL in an HTML5 video, previous/next in
// the loaded list, download, facts, and (admins) delete with confirmation.
// Arrow keys move between clips, Esc closes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, type ApiError, asApiError } from '../api';
import { captureTime, duration, size } from '../format';
import type { Clip, ClipDetail } from '../model';
import { KeepToggle, SharePanel } from './ClipActions';

export interface PlayerProps {
  api: Api;
  cameraId: string;
  videoId: string;
  cameraName: (id: string) => string;
  prev?: Clip | undefined;
  next?: Clip | undefined;
  /** More clips exist past the loaded list (next page). */
  canLoadMore: boolean;
  loadingMore: boolean;
  isAdmin: boolean;
  onOpen: (c: Clip) => void;
  onLoadMore: () => void;
  onClose: () => void;
  onDeleted: (cameraId: string, videoId: string) => void;
  /** The clip was kept or un-kept here: the list's mark follows. */
  onKept?: (cameraId: string, videoId: string, kept: boolean) => void;
  onApiError: (e: ApiError) => void;
}

type Load = { status: 'loading' } | { status: 'ready'; clip: ClipDetail } | { status: 'error'; error: ApiError };

export function Player(p: PlayerProps) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [videoFailed, setVideoFailed] = useState(false);
  const [reloads, setReloads] = useState(0);
  const dialog = useRef<HTMLDivElement>(null);
  const confirmBtn = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);

  // Remember what had focus, focus the dialog, give focus back on close.
  useEffect(() => {
    opener.current = document.activeElement;
    dialog.current?.focus();
    document.body.classList.add('modal-open');
    return () => {
      document.body.classList.remove('modal-open');
      const back = document.querySelector(`[data-clip="${CSS.escape(`${p.cameraId}/${p.videoId}`)}"] a`);
      (back instanceof HTMLElement ? back : opener.current instanceof HTMLElement ? opener.current : null)?.focus();
    };
  }, []);

  useEffect(() => {
    let live = true;
    setLoad({ status: 'loading' });
    setConfirming(false);
    setDeleteError(null);
    setVideoFailed(false);
    p.api.clip(p.cameraId, p.videoId).then(
      (clip) => live && setLoad({ status: 'ready', clip }),
      (e: unknown) => {
        if (!live) return;
        const err = asApiError(e);
        p.onApiError(err);
        setLoad({ status: 'error', error: err });
      },
    );
    return () => {
      live = false;
    };
  }, [p.api, p.cameraId, p.videoId, reloads]);

  /** The video would not load: signed URLs expire (URL_TTL), so sign fresh ones once. */
  function onVideoError() {
    if (load.status !== 'ready') return;
    const expired = load.clip.urlExpiresAt !== undefined && load.clip.urlExpiresAt.getTime() - 5_000 <= Date.now();
    if (expired) setReloads((n) => n + 1);
    else setVideoFailed(true);
  }

  useEffect(() => {
    if (confirming) confirmBtn.current?.focus();
  }, [confirming]);

  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keys.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      if (confirming) setConfirming(false);
      else p.onClose();
    } else if (e.key === 'ArrowLeft' && !confirming) {
      if (p.prev) {
        e.preventDefault();
        p.onOpen(p.prev);
      }
    } else if (e.key === 'ArrowRight' && !confirming) {
      e.preventDefault();
      goNext();
    }
  };
  useEffect(() => {
    const on = (e: KeyboardEvent) => keys.current(e);
    document.addEventListener('keydown', on);
    return () => document.removeEventListener('keydown', on);
  }, []);

  function goNext() {
    if (p.next) p.onOpen(p.next);
    else if (p.canLoadMore && !p.loadingMore) p.onLoadMore();
  }

  async function doDelete() {
    setDeleting(true);
    setDeleteError(null);
    try {
      await p.api.deleteClip(p.cameraId, p.videoId);
      setConfirming(false);
      p.onDeleted(p.cameraId, p.videoId);
    } catch (e) {
      const err = asApiError(e);
      p.onApiError(err);
      setDeleteError(
        err.kind === 'forbidden' ? 'Only admins can delete clips.' : err.kind === 'notFound' ? 'This clip was already deleted.' : err.message,
      );
    } finally {
      setDeleting(false);
    }
  }

  const name = p.cameraName(p.cameraId);
  const clip = load.status === 'ready' ? load.clip : null;
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && p.onClose()}>
      <div ref={dialog} class="player" role="dialog" aria-modal="true" aria-labelledby="player-title" tabIndex={-1}>
        <header class="player-head">
          <h2 id="player-title">
            {name}
            {clip ? <span class="muted"> · {captureTime(clip.capturedAt)}</span> : null}
          </h2>
          <button type="button" class="btn icon" onClick={p.onClose} aria-label="Close player (Esc)" title="Close (Esc)">
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
            </svg>
          </button>
        </header>
        <div class="player-stage">
          {load.status === 'loading' ? (
            <div class="stage-msg" role="status">
              Loading clip…
            </div>
          ) : load.status === 'error' ? (
            <div class="stage-msg error" role="alert">
              <p>
                {load.error.kind === 'notFound'
                  ? 'This clip no longer exists. It may have been deleted or expired.'
                  : load.error.kind === 'forbidden'
                    ? 'This account may not see this camera.'
                    : `Could not load this clip. ${load.error.message}`}
              </p>
            </div>
          ) : videoFailed ? (
            <div class="stage-msg error" role="alert">
              <p>This clip would not play in this browser. Download it instead, or try again.</p>
              <button type="button" class="btn" onClick={() => setReloads((n) => n + 1)}>
                Try again
              </button>
            </div>
          ) : (
            <video
              key={load.clip.playUrl}
              class="video"
              src={load.clip.playUrl}
              poster={load.clip.thumbnailUrl}
              controls
              autoplay
              muted
              playsInline
              preload="auto"
              aria-label={`Clip from ${name}`}
              onError={onVideoError}
            />
          )}
        </div>
        <div class="player-bar">
          <div class="row">
            <button type="button" class="btn" disabled={!p.prev} onClick={() => p.prev && p.onOpen(p.prev)} aria-label="Previous clip (newer, ←)" title="Previous (←)">
              ← Previous
            </button>
            <button
              type="button"
              class="btn"
              disabled={!p.next && !p.canLoadMore}
              onClick={goNext}
              aria-label="Next clip (older, →)"
              title="Next (→)"
            >
              {!p.next && p.loadingMore ? 'Loading…' : 'Next →'}
            </button>
          </div>
          <div class="row">
            {clip ? (
              <a class="btn primary" href={clip.downloadUrl} download rel="noopener" data-testid="download">
                <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                  <path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 20h14" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
                </svg>
                Download
              </a>
            ) : null}
            {p.isAdmin && load.status !== 'loading' && !(load.status === 'error' && load.error.kind === 'notFound') ? (
              <button type="button" class="btn danger" onClick={() => setConfirming(true)} disabled={deleting}>
                Delete
              </button>
            ) : null}
          </div>
        </div>
        {clip ? <KeepToggle api={p.api} clip={clip} onApiError={p.onApiError} onKept={(kept) => p.onKept?.(clip.cameraId, clip.id, kept)} /> : null}
        {clip ? (
          <dl class="facts">
            <div>
              <dt>Camera</dt>
              <dd>{name}</dd>
            </div>
            <div>
              <dt>Captured</dt>
              <dd>
                <time dateTime={clip.capturedAt.toISOString()}>{captureTime(clip.capturedAt)}</time>
              </dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{clip.durationSeconds !== undefined ? duration(clip.durationSeconds) : 'unknown'}</dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>{clip.sizeBytes !== undefined ? size(clip.sizeBytes) : 'unknown'}</dd>
            </div>
            {clip.sha256 ? (
              <div class="fact-wide">
                <dt>SHA-256</dt>
                <dd>
                  <code class="sha256" title={'Check a download: echo "SHA256  clip.mp4" | sha256sum -c'}>{clip.sha256}</code>
                </dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        {clip ? <SharePanel api={p.api} clip={clip} onApiError={p.onApiError} onKept={() => undefined} /> : null}
        {deleteError ? (
          <p class="notice error" role="alert">
            {deleteError}
          </p>
        ) : null}
        {confirming ? (
          <div class="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-text">
            <h3 id="confirm-title">Delete this clip?</h3>
            <p id="confirm-text">
              The video from {name}
              {clip ? ` at ${captureTime(clip.capturedAt)}` : ''} is removed for everyone. This cannot be undone.
            </p>
            <div class="row">
              <button type="button" class="btn" onClick={() => setConfirming(false)} disabled={deleting}>
                Cancel
              </button>
              <button ref={confirmBtn} type="button" class="btn danger" onClick={doDelete} disabled={deleting} aria-busy={deleting}>
                {deleting ? 'Deleting…' : 'Delete clip'}
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </div>
  );
}
