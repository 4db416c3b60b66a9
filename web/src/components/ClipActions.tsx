// Keep and share, in the player: a toggle that keeps the clip past retention
// (or gives it back), and a panel that makes a share link for one clip,
// shows it once, lists the clip's links with how often each was opened, and
// revokes them.
import { useEffect, useState } from 'preact/hooks';
import { type Api, type ApiError, asApiError } from '../api';
import { captureTime } from '../format';
import type { ClipDetail } from '../model';
import { type CreatedShare, SHARE_HOURS, type Share } from '../share';

export interface ClipActionsProps {
  api: Api;
  clip: ClipDetail;
  onApiError: (e: ApiError) => void;
  /** The clip's kept state changed (lists show the mark). */
  onKept: (kept: boolean) => void;
}

function hoursLabel(h: number): string {
  if (h === 1) return '1 hour';
  if (h % 24 === 0) return h === 24 ? '1 day' : `${h / 24} days`;
  return `${h} hours`;
}

/** The keep toggle: its state is the clip's, as the API last answered it. */
export function KeepToggle(p: ClipActionsProps) {
  const [kept, setKept] = useState(Boolean(p.clip.kept));
  const [expiresAt, setExpiresAt] = useState(p.clip.expiresAt);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setKept(Boolean(p.clip.kept));
    setExpiresAt(p.clip.expiresAt);
    setError(null);
  }, [p.clip]);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const c = await p.api.setKept(p.clip.cameraId, p.clip.id, !kept);
      setKept(Boolean(c.kept));
      setExpiresAt(c.expiresAt);
      p.onKept(Boolean(c.kept));
    } catch (e) {
      const err = asApiError(e);
      p.onApiError(err);
      setError(err.kind === 'notFound' ? 'This clip no longer exists.' : err.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="keep">
      <button type="button" class={kept ? 'btn kept' : 'btn'} aria-pressed={kept} onClick={toggle} disabled={busy} data-testid="keep">
        {kept ? 'Kept' : 'Keep'}
      </button>
      <span class="muted small" data-testid="retention" aria-live="polite">
        {kept ? 'Kept past retention: never removed automatically.' : expiresAt ? `Removed by retention ${captureTime(expiresAt)}.` : ''}
      </span>
      {error ? (
        <span class="notice error small" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The share panel: make a link, copy it, see and revoke this clip's links. */
export function SharePanel(p: ClipActionsProps) {
  const [hours, setHours] = useState<number>(24);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [shares, setShares] = useState<Share[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const mine = (list: Share[]) => list.filter((s) => s.cameraId === p.clip.cameraId && s.videoId === p.clip.id);

  async function reload() {
    try {
      setShares(mine(await p.api.shares()));
    } catch (e) {
      const err = asApiError(e);
      p.onApiError(err);
      setError(err.message);
    }
  }
  useEffect(() => {
    setCreated(null);
    setShares(null);
    setError(null);
    void reload();
  }, [p.clip.cameraId, p.clip.id]);

  async function create(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      setCreated(await p.api.createShare(p.clip.cameraId, p.clip.id, hours));
      await reload();
    } catch (err) {
      const a = asApiError(err);
      p.onApiError(a);
      setError(a.kind === 'notFound' ? 'Sharing is not available for this clip.' : a.message);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setBusy(true);
    setError(null);
    try {
      await p.api.revokeShare(id);
      if (created?.id === id) setCreated(null);
      await reload();
    } catch (err) {
      const a = asApiError(err);
      p.onApiError(a);
      setError(a.message);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <section class="share" aria-labelledby="share-title">
      <h3 id="share-title">Share this clip</h3>
      <form class="row" onSubmit={create}>
        <label for="share-hours">Link works for</label>
        <select id="share-hours" value={String(hours)} onChange={(e) => setHours(Number(e.currentTarget.value))}>
          {SHARE_HOURS.map((h) => (
            <option key={h} value={String(h)}>
              {hoursLabel(h)}
            </option>
          ))}
        </select>
        <button type="submit" class="btn" disabled={busy} data-testid="create-share">
          Create link
        </button>
      </form>
      {created ? (
        <div class="share-created" role="status">
          <label for="share-url">Anyone with this link can watch and download this one clip until {captureTime(created.expiresAt)}:</label>
          <div class="row">
            <input id="share-url" type="text" readOnly value={created.url} data-testid="share-url" onFocus={(e) => e.currentTarget.select()} />
            <button type="button" class="btn" onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {shares && shares.length > 0 ? (
        <ul class="share-list" aria-label="Links to this clip">
          {shares.map((s) => (
            <li key={s.id} data-share={s.id}>
              <span>
                {s.status === 'active' ? `Works until ${captureTime(s.expiresAt)}` : s.status === 'revoked' ? 'Revoked' : 'Expired'}
                {' · '}
                <span data-testid="opens">{s.opens === 1 ? 'opened once' : `opened ${s.opens} times`}</span>
                {s.lastOpenedAt ? ` (last ${captureTime(s.lastOpenedAt)}${s.lastClient ? `, ${s.lastClient}` : ''})` : ''}
              </span>
              {s.status === 'active' ? (
                <button type="button" class="btn danger small" onClick={() => revoke(s.id)} disabled={busy}>
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
