// Share links as the client sees them: the wire shapes of the share routes,
// the share page's route (#/s/<token>) and the one call that needs no
// sign-in (POST /shared, the token in the body).
import { ShapeError } from './model';

/** A share link (GET /shares, POST .../shares). */
export interface Share {
  id: string;
  cameraId: string;
  videoId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  status: 'active' | 'expired' | 'revoked';
  opens: number;
  lastOpenedAt?: Date;
  lastClient?: string;
}

/** A share link just made: its token and page URL are shown this once. */
export interface CreatedShare extends Share {
  token: string;
  url: string;
}

/** What a share link opens: one clip, no ids, no sign-in. */
export interface SharedClip {
  cameraName: string;
  capturedAt: Date;
  playUrl: string;
  downloadUrl: string;
  thumbnailUrl?: string;
}

/** Why a share link did not open. */
export type ShareFailure = 'notFound' | 'gone' | 'throttled' | 'error';

/** The lifetimes offered when sharing, in hours (the API takes 1 to 168). */
export const SHARE_HOURS = [1, 24, 72, 168] as const;

const TOKEN = /^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/;

/** The share token of a #/s/<token> hash, or null when the hash is not a share page. */
export function shareToken(hash: string): string | null {
  const m = /^#\/s\/(.*)$/.exec(hash);
  if (!m) return null;
  const t = m[1] ?? '';
  return TOKEN.test(t) ? t : '';
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError('share: not an object');
  return v as Json;
}

function s(o: Json, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !v) throw new ShapeError(`share: missing ${k}`);
  return v;
}

function t(o: Json, k: string): Date {
  const d = new Date(s(o, k));
  if (Number.isNaN(d.getTime())) throw new ShapeError(`share: ${k} is not a time`);
  return d;
}

export function parseShare(v: unknown): Share {
  const o = obj(v);
  const status = o['status'] === 'revoked' ? 'revoked' : o['status'] === 'expired' ? 'expired' : 'active';
  const out: Share = {
    id: s(o, 'id'), cameraId: s(o, 'cameraId'), videoId: s(o, 'videoId'), createdBy: s(o, 'createdBy'),
    createdAt: t(o, 'createdAt'), expiresAt: t(o, 'expiresAt'), status,
    opens: typeof o['opens'] === 'number' ? o['opens'] : 0,
  };
  if (typeof o['lastOpenedAt'] === 'string') out.lastOpenedAt = t(o, 'lastOpenedAt');
  if (typeof o['lastClient'] === 'string' && o['lastClient']) out.lastClient = o['lastClient'];
  return out;
}

export function parseCreatedShare(v: unknown): CreatedShare {
  const o = obj(v);
  return { ...parseShare(o), token: s(o, 'token'), url: s(o, 'url') };
}

export function parseSharedClip(v: unknown): SharedClip {
  const o = obj(v);
  const out: SharedClip = {
    cameraName: s(o, 'cameraName'), capturedAt: t(o, 'capturedAt'), playUrl: s(o, 'playUrl'), downloadUrl: s(o, 'downloadUrl'),
  };
  if (typeof o['thumbnailUrl'] === 'string' && o['thumbnailUrl']) out.thumbnailUrl = o['thumbnailUrl'];
  return out;
}

/**
 * Opens a share link: POST {apiUrl}/shared with the token in the body and no
 * Authorization header. The page's own URL keeps the token in its fragment,
 * which browsers never send anywhere.
 */
export async function openShare(apiUrl: string, token: string, fetchFn: typeof fetch = fetch): Promise<SharedClip | ShareFailure> {
  let res: Response;
  try {
    res = await fetchFn(`${apiUrl.replace(/\/+$/, '')}/shared`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    return 'error';
  }
  if (res.status === 404 || res.status === 400) return 'notFound';
  if (res.status === 410) return 'gone';
  if (res.status === 429) return 'throttled';
  if (!res.ok) return 'error';
  try {
    return parseSharedClip(await res.json());
  } catch {
    return 'error';
  }
}
