// The URL holds what the person looks at, so a link can be shared or bookmarked:
// #/?camera=front&from=2026-11-01&to=2026-11-25&clip=front/01J...
// Dates are the viewer's local calendar days (inclusive).

export interface Route {
  camera?: string;
  /** yyyy-mm-dd, local day, inclusive. */
  from?: string;
  /** yyyy-mm-dd, local day, inclusive. */
  to?: string;
  /** The open clip. */
  clip?: { cameraId: string; videoId: string };
  /** Page size (1..100); mostly for tests and slow links. */
  limit?: number;
  /** The Kept view: only clips kept past retention. */
  kept?: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = dayStart(s);
  return !Number.isNaN(d.getTime()) && formatDay(d) === s;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  const p = new URLSearchParams(q >= 0 ? h.slice(q + 1) : '');
  const r: Route = {};
  const camera = p.get('camera');
  if (camera && ID.test(camera)) r.camera = camera;
  const from = p.get('from');
  if (from && isDay(from)) r.from = from;
  const to = p.get('to');
  if (to && isDay(to)) r.to = to;
  const clip = p.get('clip');
  if (clip) {
    const i = clip.indexOf('/');
    const cameraId = clip.slice(0, i);
    const videoId = clip.slice(i + 1);
    if (i > 0 && ID.test(cameraId) && ID.test(videoId)) r.clip = { cameraId, videoId };
  }
  if (p.get('kept') === '1') r.kept = true;
  const limit = Number(p.get('limit'));
  if (Number.isInteger(limit) && limit >= 1 && limit <= 100) r.limit = limit;
  return r;
}

export function formatRoute(r: Route): string {
  const p = new URLSearchParams();
  if (r.camera) p.set('camera', r.camera);
  if (r.from) p.set('from', r.from);
  if (r.to) p.set('to', r.to);
  if (r.limit) p.set('limit', String(r.limit));
  if (r.kept) p.set('kept', '1');
  if (r.clip) p.set('clip', `${r.clip.cameraId}/${r.clip.videoId}`);
  const qs = p.toString().replace(/%2F/g, '/');
  return qs ? `#/?${qs}` : '#/';
}

/** Local midnight starting the day. */
export function dayStart(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? NaN, (m ?? NaN) - 1, d ?? NaN);
}

/** Local midnight ending the day (the next day's start). */
export function dayEnd(day: string): Date {
  const s = dayStart(day);
  return new Date(s.getFullYear(), s.getMonth(), s.getDate() + 1);
}

/** yyyy-mm-dd of a time in the viewer's time zone. */
export function formatDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The filter part of a route: what selects the list (the open clip does not). */
export function listKey(r: Route): string {
  return JSON.stringify([r.camera ?? '', r.from ?? '', r.to ?? '', r.limit ?? 0, r.kept ? 1 : 0]);
}
