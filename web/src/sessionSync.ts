// Staying signed in: one session per origin, shared by every tab, renewed
// silently where the identity provider allows, ended everywhere at once.
//
// Tokens live in each tab's memory and sessionStorage only (never
// localStorage): a tab passes its token to a new tab of the same origin over
// a BroadcastChannel, tells the others when it renewed it, and a sign-out in
// one tab signs every tab out. No tab keeps a token past its exp: the expiry
// timer in App still ends a session that could not be renewed.
import { decodeIdToken, isExpired, type Session } from './session';

/** The channel's name: one per origin. */
export const CHANNEL = 'camvault.session';

/** What tabs tell each other. Tokens are never logged. */
export type SessionMessage =
  | { type: 'hello' } // a new tab asks for the session
  | { type: 'token'; token: string } // the session (new, renewed, or in answer to hello)
  | { type: 'signout' }; // the person signed out: every tab ends the session

/** Reads a message from another tab; anything malformed is null. */
export function parseMessage(v: unknown): SessionMessage | null {
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  if (m['type'] === 'hello' || m['type'] === 'signout') return { type: m['type'] };
  if (m['type'] === 'token' && typeof m['token'] === 'string' && m['token'].length < 8192) return { type: 'token', token: m['token'] };
  return null;
}

/** The session a token another tab sent stands for, if it is still usable. */
export function sessionFrom(token: string, nowMs: number): Session | null {
  try {
    const s = decodeIdToken(token);
    return isExpired(s, nowMs) ? null : s;
  } catch {
    return null;
  }
}

/** Whether a is a later token than b (later exp; equal exps by token, so every tab agrees). */
export function newer(a: Session, b: Session): boolean {
  return a.expiresAt > b.expiresAt || (a.expiresAt === b.expiresAt && a.token > b.token);
}

/** How long before exp a session is renewed: five minutes, or half its life when shorter. */
export function renewLeadMs(s: Session): number {
  return Math.min(5 * 60_000, Math.max(0, s.expiresAt - s.issuedAt) / 2);
}

/** Milliseconds until the session should be renewed (0: now). */
export function msUntilRenewal(s: Session, nowMs: number): number {
  return Math.max(0, s.expiresAt - renewLeadMs(s) - nowMs);
}

/** A BroadcastChannel-like transport (the browser's, or a test's). */
export interface Channel {
  postMessage(m: unknown): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  close(): void;
}

/** The tabs' link. Without BroadcastChannel each tab keeps its own session. */
export class SessionLink {
  private readonly ch: Channel | null;
  private readonly handlers = new Set<(m: SessionMessage) => void>();

  constructor(make: ((name: string) => Channel) | null = typeof BroadcastChannel === 'function' ? (n) => new BroadcastChannel(n) : null) {
    this.ch = make ? make(CHANNEL) : null;
    if (this.ch) {
      this.ch.onmessage = (ev) => {
        const m = parseMessage(ev.data);
        if (m) for (const h of [...this.handlers]) h(m);
      };
    }
  }

  /** Whether other tabs can be reached. */
  get connected(): boolean {
    return this.ch !== null;
  }

  send(m: SessionMessage): void {
    this.ch?.postMessage(m);
  }

  /** Calls fn for every well-formed message from another tab; returns a function that stops it. */
  listen(fn: (m: SessionMessage) => void): () => void {
    this.handlers.add(fn);
    return () => this.handlers.delete(fn);
  }

  /**
   * Asks the other tabs for the session; resolves with the first usable one
   * they send within waitMs, or null.
   */
  ask(nowMs: () => number, waitMs = 400): Promise<Session | null> {
    if (!this.ch) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (s: Session | null) => {
        clearTimeout(timer);
        stop();
        resolve(s);
      };
      const timer = setTimeout(() => done(null), waitMs);
      const stop = this.listen((m) => {
        if (m.type === 'token') {
          const s = sessionFrom(m.token, nowMs());
          if (s) done(s);
        }
      });
      this.send({ type: 'hello' });
    });
  }

  close(): void {
    this.handlers.clear();
    this.ch?.close();
  }
}
