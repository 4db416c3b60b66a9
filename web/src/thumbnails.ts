// Signed thumbnail URLs for clips. The list routes say only whether a clip
// has a still (hasThumbnail); its signed URL comes with the clip's own GET.
// This fetches those lazily (only for cards on screen), a few at a time,
// and keeps each URL until its signature expires.
import type { Clip } from './model';
import { clipKey } from './model';

/** What one clip GET gives the cache. */
export interface SignedStill {
  thumbnailUrl?: string | undefined;
  urlExpiresAt?: Date | undefined;
}

export type StillLoader = (cameraId: string, videoId: string) => Promise<SignedStill>;

interface Entry {
  url: string | null;
  /** Epoch ms after which the URL is refetched. */
  until: number;
}

/** Signed URLs are refetched this long before they expire. */
const EARLY_MS = 60_000;
/** Without urlExpiresAt, a URL is kept this long (the API's default TTL is 15 min). */
const DEFAULT_TTL_MS = 10 * 60_000;
/** A failed fetch is not retried for this long. */
const FAILURE_TTL_MS = 30_000;

export class Thumbnails {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string | null>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(
    private readonly load: StillLoader,
    private readonly onError: (e: unknown) => void = () => undefined,
    private readonly maxParallel = 4,
    private readonly now: () => number = Date.now,
  ) {}

  /** The URL already known for c: a string, null (none), or undefined (not yet asked). */
  cached(c: Clip): string | null | undefined {
    if (c.thumbnailUrl) return c.thumbnailUrl;
    if (!c.hasThumbnail) return null;
    const e = this.entries.get(clipKey(c));
    return e && e.until > this.now() ? e.url : undefined;
  }

  /** The signed still URL of c, fetching it if needed; null when there is none. */
  get(c: Clip): Promise<string | null> {
    const known = this.cached(c);
    if (known !== undefined) return Promise.resolve(known);
    const key = clipKey(c);
    const inflight = this.pending.get(key);
    if (inflight) return inflight;
    const p = this.slot()
      .then(() => this.load(c.cameraId, c.id))
      .then(
        (s) => {
          const until = s.urlExpiresAt ? s.urlExpiresAt.getTime() - EARLY_MS : this.now() + DEFAULT_TTL_MS;
          const url = s.thumbnailUrl ?? null;
          this.entries.set(key, { url, until });
          return url;
        },
        (e: unknown) => {
          this.entries.set(key, { url: null, until: this.now() + FAILURE_TTL_MS });
          this.onError(e);
          return null;
        },
      )
      .finally(() => {
        this.pending.delete(key);
        this.release();
      });
    this.pending.set(key, p);
    return p;
  }

  /** Forgets a deleted clip. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private slot(): Promise<void> {
    if (this.active < this.maxParallel) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
