// The REST API client: one method per route, the bearer token on every call,
// and every failure turned into an ApiError whose kind the UI acts on.
import {
  type Camera, type Clip, type ClipDetail, type Me, type Page,
  parseCamera, parseClip, parseClipDetail, parseMe, parsePage, ShapeError,
} from './model';
import { type Job, type JobRequest, parseJob } from './jobs';
import { type CreatedShare, parseCreatedShare, parseShare, type Share } from './share';

/** What went wrong, as far as the UI cares. */
export type ErrorKind =
  | 'unauthorized' // 401: token missing, bad or expired -> sign in again
  | 'forbidden' // 403: this person may not do or see this
  | 'notFound' // 404
  | 'badRequest' // 400: a filter or cursor the API refused
  | 'conflict' // 409: a change a rule forbids (an owner, one's own last admin path)
  | 'server' // 5xx or an answer we could not read
  | 'network'; // no answer at all (offline, DNS, CORS)

/** An API call that did not succeed. message is safe to show. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly kind: ErrorKind,
    readonly status: number,
    message: string,
    readonly code?: string,
    /** The field or rule at fault, when the API named one (400, 403, 409). */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** Filters of a clip list. from/to are instants; camera narrows to one camera. */
export interface ClipQuery {
  camera?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  cursor?: string;
  /** Only kept clips (any age). */
  kept?: boolean;
}

export interface ApiOptions {
  /** The stage's invoke URL, e.g. http://127.0.0.1:4000/dev. */
  baseUrl: string;
  /** The current ID token, or null when signed out. */
  token: () => string | null;
  fetch?: typeof fetch;
}

function kindOf(status: number): ErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status >= 400 && status < 500) return 'badRequest';
  return 'server';
}

const defaultMessages: Record<ErrorKind, string> = {
  unauthorized: 'Your sign-in has ended.',
  forbidden: 'This account is not allowed to do that.',
  notFound: 'Not found. It may have been deleted.',
  badRequest: 'The request was refused.',
  conflict: 'That change is not allowed.',
  server: 'The server had a problem.',
  network: 'Could not reach the server. Check your connection and try again.',
};

/** Client of camvault's REST API. */
export class Api {
  private readonly base: string;
  private readonly token: () => string | null;
  private readonly fetchFn: typeof fetch;

  constructor(opts: ApiOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  me(): Promise<Me> {
    return this.get('/me', {}, parseMe);
  }

  async cameras(): Promise<Camera[]> {
    const out: Camera[] = [];
    let cursor: string | undefined;
    // Cameras are few; follow the cursor a bounded number of times.
    for (let i = 0; i < 20; i++) {
      const page = await this.get('/cameras', cursor ? { cursor } : {}, (v) => parsePage(v, parseCamera));
      out.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  /** Clips newest first: one camera's (/cameras/{id}/videos) or the whole timeline (/videos). */
  clips(q: ClipQuery): Promise<Page<Clip>> {
    const params: Record<string, string> = {};
    if (q.from) params['from'] = q.from.toISOString();
    if (q.to) params['to'] = q.to.toISOString();
    if (q.limit !== undefined) params['limit'] = String(q.limit);
    if (q.cursor) params['cursor'] = q.cursor;
    if (q.kept) params['kept'] = 'true';
    const path = q.camera ? `/cameras/${enc(q.camera)}/videos` : '/videos';
    return this.get(path, params, (v) => parsePage(v, parseClip));
  }

  clip(cameraId: string, videoId: string): Promise<ClipDetail> {
    return this.get(`/cameras/${enc(cameraId)}/videos/${enc(videoId)}`, {}, parseClipDetail);
  }

  async deleteClip(cameraId: string, videoId: string): Promise<void> {
    await this.call('DELETE', `/cameras/${enc(cameraId)}/videos/${enc(videoId)}`);
  }

  /** Keeps a clip past retention (kept) or gives it back (not kept); answers the clip as it is now. */
  async setKept(cameraId: string, videoId: string, kept: boolean): Promise<Clip> {
    const body = await this.call(kept ? 'PUT' : 'DELETE', `/cameras/${enc(cameraId)}/videos/${enc(videoId)}/keep`);
    try {
      return parseClip(body);
    } catch (e) {
      throw asApiError(e);
    }
  }

  /** Makes a share link to one clip for 1 to 168 hours; the answer holds its token and page URL, shown once. */
  async createShare(cameraId: string, videoId: string, hours: number): Promise<CreatedShare> {
    const body = await this.call('POST', `/cameras/${enc(cameraId)}/videos/${enc(videoId)}/shares`, {}, { expiresInHours: hours });
    try {
      return parseCreatedShare(body);
    } catch (e) {
      throw asApiError(e);
    }
  }

  /** The caller's share links (an admin's: everyone's), newest first. */
  shares(): Promise<Share[]> {
    return this.get('/shares', {}, (v) => parsePage(v, parseShare).items);
  }

  async revokeShare(id: string): Promise<void> {
    await this.call('DELETE', `/shares/${enc(id)}`);
  }

  /** Starts a bulk job (admins); the server's job runner runs it to the end. */
  async createJob(req: JobRequest): Promise<Job> {
    const body = await this.call('POST', '/jobs', {}, req);
    try {
      return parseJob(body);
    } catch (e) {
      throw asApiError(e);
    }
  }

  /**
   * Moves a bulk job on by one batch (POST /jobs/{id}/run), in this
   * admin's name, and answers its progress: for a job the server's runner
   * left stalled.
   */
  async runJob(id: string): Promise<Job> {
    const body = await this.call('POST', `/jobs/${enc(id)}/run`);
    try {
      return parseJob(body);
    } catch (e) {
      throw asApiError(e);
    }
  }

  /** A bulk job's progress (GET /jobs/{id}). */
  async job(id: string): Promise<Job> {
    const body = await this.call('GET', `/jobs/${enc(id)}`);
    try {
      return parseJob(body);
    } catch (e) {
      throw asApiError(e);
    }
  }

  private async get<T>(path: string, params: Record<string, string>, parse: (v: unknown) => T): Promise<T> {
    const body = await this.call('GET', path, params);
    try {
      return parse(body);
    } catch (e) {
      throw asApiError(e);
    }
  }

  /** One request; body, when given, is sent as JSON. Subclasses add routes. */
  protected async call(method: string, path: string, params: Record<string, string> = {}, body?: unknown): Promise<unknown> {
    const token = this.token();
    if (!token) throw new ApiError('unauthorized', 401, defaultMessages.unauthorized);
    const qs = new URLSearchParams(params).toString();
    const url = `${this.base}${path}${qs ? `?${qs}` : ''}`;
    let res: Response;
    try {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      res = await this.fetchFn(url, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError('network', 0, defaultMessages.network);
    }
    const text = await res.text().catch(() => '');
    let answer: unknown = undefined;
    if (text) {
      try {
        answer = JSON.parse(text);
      } catch {
        answer = undefined;
      }
    }
    if (!res.ok) {
      const kind = kindOf(res.status);
      const err = errorBody(answer);
      throw new ApiError(kind, res.status, err?.message ?? defaultMessages[kind], err?.code, err?.parameter);
    }
    if (res.status === 204 || !text) return undefined;
    if (answer === undefined) throw new ApiError('server', res.status, 'The server sent an answer the app could not read.');
    return answer;
  }
}

/** Wraps a parse failure as an ApiError so callers handle one error type. */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof ShapeError) return new ApiError('server', 200, `The server sent an unexpected answer (${e.message}).`);
  return new ApiError('server', 0, 'Something went wrong.');
}

function errorBody(body: unknown): { code?: string; message?: string; parameter?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const e = (body as Record<string, unknown>)['error'];
  if (typeof e === 'object' && e !== null) {
    const r = e as Record<string, unknown>;
    const out: { code?: string; message?: string; parameter?: string } = {};
    if (typeof r['code'] === 'string') out.code = r['code'];
    if (typeof r['message'] === 'string' && r['message']) out.message = r['message'];
    if (typeof r['parameter'] === 'string' && r['parameter']) out.parameter = r['parameter'];
    return out;
  }
  // API Gateway's own answers: {"message":"Unauthorized"}
  const m = (body as Record<string, unknown>)['message'];
  return typeof m === 'string' && m ? { message: m } : undefined;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
