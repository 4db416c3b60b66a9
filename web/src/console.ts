// The owner's console as the client sees it: grants, camera administration
// and the activity trail (admins only), their wire shapes and the one place
// that knows them, and the API calls.
import { Api, asApiError } from './api';
import { type Page, ShapeError } from './model';

/** A grant: an address or Workspace domain, a role, every camera or some. */
export interface Grant {
  subject: string;
  /** blocked: denied (set by an operator with the grants CLI). */
  role: 'viewer' | 'admin' | 'blocked';
  /** Camera ids, or 'all'. */
  cameras: string[] | 'all';
}

/** One line of the activity trail. */
export interface Activity {
  id: string;
  at: Date;
  actor: string;
  action: string;
  subject?: string;
  cameraId?: string;
  videoId?: string;
  before?: unknown;
  after?: unknown;
}

/** Progress of a camera's removal. */
export interface Removal {
  cameraId: string;
  removedClips: number;
  done: boolean;
}

/** What GET /audit filters by. */
export interface ActivityQuery {
  person?: string;
  camera?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  cursor?: string;
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${what} is not an object`);
  return v as Json;
}

function str(o: Json, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !v) throw new ShapeError(`${what} has no ${k}`);
  return v;
}

function optStr(o: Json, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' && v ? v : undefined;
}

export function parseGrant(v: unknown): Grant {
  const o = obj(v, 'grant');
  const role = o['role'];
  if (role !== 'viewer' && role !== 'admin' && role !== 'blocked') throw new ShapeError('grant has no valid role');
  const cams = o['cameras'];
  if (!Array.isArray(cams) || !cams.every((c) => typeof c === 'string')) throw new ShapeError('grant has no cameras');
  return { subject: str(o, 'subject', 'grant'), role, cameras: cams.length === 1 && cams[0] === '*' ? 'all' : (cams as string[]) };
}

export function parseActivity(v: unknown): Activity {
  const o = obj(v, 'activity entry');
  const at = new Date(str(o, 'at', 'activity entry'));
  if (Number.isNaN(at.getTime())) throw new ShapeError('activity entry has a bad time');
  const a: Activity = { id: str(o, 'id', 'activity entry'), at, actor: str(o, 'actor', 'activity entry'), action: str(o, 'action', 'activity entry') };
  const subject = optStr(o, 'subject');
  if (subject) a.subject = subject;
  const cameraId = optStr(o, 'cameraId');
  if (cameraId) a.cameraId = cameraId;
  const videoId = optStr(o, 'videoId');
  if (videoId) a.videoId = videoId;
  if ('before' in o) a.before = o['before'];
  if ('after' in o) a.after = o['after'];
  return a;
}

export function parseRemoval(v: unknown): Removal {
  const o = obj(v, 'removal');
  const n = o['removedClips'];
  if (typeof n !== 'number' || n < 0) throw new ShapeError('removal has no count');
  return { cameraId: str(o, 'cameraId', 'removal'), removedClips: n, done: o['done'] === true };
}

function parseList<T>(v: unknown, item: (v: unknown) => T): Page<T> {
  const o = obj(v, 'list');
  const items = o['items'];
  if (!Array.isArray(items)) throw new ShapeError('list has no items');
  const page: Page<T> = { items: items.map(item) };
  const next = optStr(o, 'nextCursor');
  if (next) page.nextCursor = next;
  return page;
}

/** The API client with the console's routes. */
export class ConsoleApi extends Api {
  private async parsed<T>(p: Promise<unknown>, parse: (v: unknown) => T): Promise<T> {
    const v = await p;
    try {
      return parse(v);
    } catch (e) {
      throw asApiError(e);
    }
  }

  /** Every grant (the list is small: follows the cursor a bounded number of times). */
  async grants(): Promise<Grant[]> {
    const out: Grant[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await this.parsed(this.call('GET', '/grants', cursor ? { cursor, limit: '200' } : { limit: '200' }), (v) => parseList(v, parseGrant));
      out.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return out.sort((a, b) => a.subject.localeCompare(b.subject));
  }

  putGrant(g: Grant & { role: 'viewer' | 'admin' }): Promise<Grant> {
    const body = { role: g.role, cameras: g.cameras === 'all' ? ['*'] : g.cameras };
    return this.parsed(this.call('PUT', `/grants/${encodeURIComponent(g.subject)}`, {}, body), parseGrant);
  }

  async deleteGrant(subject: string): Promise<void> {
    await this.call('DELETE', `/grants/${encodeURIComponent(subject)}`);
  }

  activity(q: ActivityQuery): Promise<Page<Activity>> {
    const params: Record<string, string> = {};
    if (q.person) params['person'] = q.person;
    if (q.camera) params['camera'] = q.camera;
    if (q.from) params['from'] = q.from.toISOString();
    if (q.to) params['to'] = q.to.toISOString();
    if (q.limit) params['limit'] = String(q.limit);
    if (q.cursor) params['cursor'] = q.cursor;
    return this.parsed(this.call('GET', '/audit', params), (v) => parseList(v, parseActivity));
  }

  async updateCamera(id: string, change: { name?: string; disabled?: boolean }): Promise<void> {
    await this.call('PATCH', `/cameras/${encodeURIComponent(id)}`, {}, change);
  }

  removeCameraStep(id: string): Promise<Removal> {
    return this.parsed(this.call('DELETE', `/cameras/${encodeURIComponent(id)}`), parseRemoval);
  }
}

/** An activity entry in words a person understands. */
export function describeActivity(a: Activity, cameraName: (id: string) => string): string {
  const cam = a.cameraId ? cameraName(a.cameraId) : '';
  const cams = (v: unknown) => {
    const c = (v as { cameras?: unknown } | undefined)?.cameras;
    return Array.isArray(c) ? (c.length === 1 && c[0] === '*' ? 'every camera' : c.map((id) => cameraName(String(id))).join(', ')) : '';
  };
  const role = (v: unknown) => String((v as { role?: unknown } | undefined)?.role ?? '');
  switch (a.action) {
    case 'grant.put':
      return a.before
        ? `changed ${a.subject}'s access from ${role(a.before)} of ${cams(a.before)} to ${role(a.after)} of ${cams(a.after)}`
        : `let ${a.subject} in as ${role(a.after)} of ${cams(a.after)}`;
    case 'grant.delete':
      return `removed ${a.subject} (was ${role(a.before)} of ${cams(a.before)})`;
    case 'camera.rename':
      return `renamed camera ${a.cameraId} from “${String((a.before as { name?: unknown })?.name ?? '')}” to “${String((a.after as { name?: unknown })?.name ?? '')}”`;
    case 'camera.disable':
      return `turned off uploads from ${cam}`;
    case 'camera.enable':
      return `turned uploads from ${cam} back on`;
    case 'camera.remove':
      return `removed camera ${cam} and all its clips`;
    case 'clip.open':
      return `watched a clip from ${cam}`;
    case 'clip.delete':
      return `deleted a clip from ${cam}`;
    default:
      return a.action;
  }
}
