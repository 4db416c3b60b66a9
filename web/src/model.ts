// The API's resources as the client sees them, and the one place that knows
// their wire field names (videos-api/openapi.yaml). A renamed field is one edit
// here; everything else uses these typed values.

/** Role of the signed-in person, as the authorizer assigns it. */
export type Role = 'viewer' | 'admin';

/** The signed-in person (GET /me). */
export interface Me {
  email: string;
  name: string;
  picture?: string;
  role: Role;
  /** Camera ids this person may see, or 'all'. */
  cameras: string[] | 'all';
}

/** A camera the person may see (GET /cameras). */
export interface Camera {
  id: string;
  name: string;
  /** Capture time of the newest clip, if any. */
  lastClipAt?: Date;
  clipCount?: number;
  thumbnailUrl?: string;
  /** An admin turned off its uploads (its clips stay). */
  disabled?: boolean;
}

/** A clip in a list (GET /videos, GET /cameras/{id}/videos). */
export interface Clip {
  id: string;
  cameraId: string;
  capturedAt: Date;
  durationSeconds?: number;
  sizeBytes?: number;
  /** A still exists (the list carries no URL; GET the clip to sign one). */
  hasThumbnail: boolean;
  /** A signed still URL, when the answer carried one. */
  thumbnailUrl?: string;
  /** Kept past retention: no expiry until someone un-keeps it. */
  kept?: boolean;
  /** When retention removes it (absent while kept). */
  expiresAt?: Date;
}

/** One clip with its signed URLs (GET /cameras/{id}/videos/{videoId}). */
export interface ClipDetail extends Clip {
  playUrl: string;
  downloadUrl: string;
  /** When the signed URLs stop working. */
  urlExpiresAt?: Date;
  /** The MP4's SHA-256 (lowercase hex) as S3 verified it at upload. */
  sha256?: string;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A wire value did not have the shape the client needs. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${what}: not an object`);
  return v as Json;
}

function str(o: Json, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new ShapeError(`${what}: missing ${key}`);
  return v;
}

function optStr(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function optNum(o: Json, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function time(o: Json, key: string, what: string): Date {
  const d = new Date(str(o, key, what));
  if (Number.isNaN(d.getTime())) throw new ShapeError(`${what}: ${key} is not a time`);
  return d;
}

function optTime(o: Json, key: string): Date | undefined {
  const s = optStr(o, key);
  if (s === undefined) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Sets key on target only when value is defined (exactOptionalPropertyTypes). */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

export function parseMe(v: unknown): Me {
  const o = obj(v, 'me');
  const role = o['role'] === 'admin' ? 'admin' : 'viewer';
  // ["*"] (or "*") is every camera; otherwise a list of ids.
  const cams = o['cameras'];
  let list: string[] = [];
  if (Array.isArray(cams)) list = cams.filter((c): c is string => typeof c === 'string');
  else if (typeof cams === 'string' && cams !== '') list = cams.split(',');
  const cameras: Me['cameras'] = list.includes('*') ? 'all' : list;
  const email = str(o, 'email', 'me');
  const me: Me = { email, name: optStr(o, 'name') ?? email, role, cameras };
  put(me, 'picture', optStr(o, 'picture'));
  return me;
}

export function parseCamera(v: unknown): Camera {
  const o = obj(v, 'camera');
  const c: Camera = { id: str(o, 'id', 'camera'), name: optStr(o, 'name') ?? str(o, 'id', 'camera') };
  put(c, 'lastClipAt', optTime(o, 'lastClipAt'));
  put(c, 'clipCount', optNum(o, 'clipCount'));
  put(c, 'thumbnailUrl', optStr(o, 'thumbnailUrl'));
  if (o['disabled'] === true) c.disabled = true;
  return c;
}

export function parseClip(v: unknown): Clip {
  const o = obj(v, 'clip');
  const c: Clip = {
    id: str(o, 'id', 'clip'),
    cameraId: str(o, 'cameraId', 'clip'),
    capturedAt: time(o, 'capturedAt', 'clip'),
    hasThumbnail: o['hasThumbnail'] === true || typeof o['thumbnailUrl'] === 'string',
  };
  const dur = optNum(o, 'durationSeconds');
  put(c, 'durationSeconds', dur !== undefined && dur > 0 ? dur : undefined); // 0 = the device did not say
  put(c, 'sizeBytes', optNum(o, 'size'));
  put(c, 'thumbnailUrl', optStr(o, 'thumbnailUrl'));
  if (o['kept'] === true) c.kept = true;
  put(c, 'expiresAt', optTime(o, 'expiresAt'));
  return c;
}

export function parseClipDetail(v: unknown): ClipDetail {
  const o = obj(v, 'clip');
  const d: ClipDetail = { ...parseClip(o), playUrl: str(o, 'playUrl', 'clip'), downloadUrl: str(o, 'downloadUrl', 'clip') };
  put(d, 'urlExpiresAt', optTime(o, 'urlExpiresAt'));
  const sum = optStr(o, 'sha256');
  put(d, 'sha256', sum !== undefined && /^[0-9a-f]{64}$/.test(sum) ? sum : undefined);
  return d;
}

export function parsePage<T>(v: unknown, item: (v: unknown) => T): Page<T> {
  const o = obj(v, 'list');
  const raw = o['items'];
  if (!Array.isArray(raw)) throw new ShapeError('list: missing items');
  const page: Page<T> = { items: raw.map(item) };
  put(page, 'nextCursor', optStr(o, 'nextCursor'));
  return page;
}

/** The key that names a clip across cameras: "cameraId/videoId" (deep links use it). */
export function clipKey(c: Pick<Clip, 'cameraId' | 'id'>): string {
  return `${c.cameraId}/${c.id}`;
}
