// The signed-in session: the Google (or dev issuer) ID token, kept in memory
// and in sessionStorage (never localStorage, so it dies with the tab), and the
// claims the UI shows. The token is not verified here; the API's authorizer
// does that on every call. The client only reads exp to sign out in time.

/** sessionStorage key of the raw ID token. */
export const TOKEN_KEY = 'camvault.idToken';

/** A signed-in person, from the ID token's payload. */
export interface Session {
  token: string;
  email: string;
  name?: string;
  picture?: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
  /** Issue time, epoch milliseconds (falls back to expiry minus an hour). */
  issuedAt: number;
  nonce?: string;
}

/** The token could not be read as a JWT with the claims we need. */
export class TokenError extends Error {
  override name = 'TokenError';
}

function base64UrlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=');
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads an ID token's payload. Throws TokenError when it is not a usable JWT. */
export function decodeIdToken(token: string): Session {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) throw new TokenError('not a JWT');
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    throw new TokenError('unreadable JWT payload');
  }
  if (typeof payload !== 'object' || payload === null) throw new TokenError('JWT payload is not an object');
  const p = payload as Record<string, unknown>;
  const exp = p['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TokenError('JWT has no exp');
  const email = p['email'];
  if (typeof email !== 'string' || !email) throw new TokenError('JWT has no email');
  const iat = typeof p['iat'] === 'number' ? p['iat'] : exp - 3600;
  const s: Session = { token, email, expiresAt: exp * 1000, issuedAt: iat * 1000 };
  if (typeof p['name'] === 'string' && p['name']) s.name = p['name'];
  if (typeof p['picture'] === 'string' && p['picture']) s.picture = p['picture'];
  if (typeof p['nonce'] === 'string') s.nonce = p['nonce'];
  return s;
}

/**
 * How long before exp the client treats the token as expired: 30 s, or a fifth
 * of the token's life when that is shorter, so clock skew and a request in
 * flight do not meet a refusing API.
 */
export function expiryMarginMs(s: Session): number {
  const life = Math.max(0, s.expiresAt - s.issuedAt);
  return Math.min(30_000, life / 5);
}

/** Milliseconds until the session should end (0 when it already has). */
export function msUntilExpiry(s: Session, nowMs: number): number {
  return Math.max(0, s.expiresAt - expiryMarginMs(s) - nowMs);
}

export function isExpired(s: Session, nowMs: number): boolean {
  return msUntilExpiry(s, nowMs) === 0;
}

/** Stores the token for this tab. Returns the session, or throws TokenError. */
export function saveSession(storage: Storage, token: string, nowMs: number): Session {
  const s = decodeIdToken(token);
  if (isExpired(s, nowMs)) throw new TokenError('token already expired');
  storage.setItem(TOKEN_KEY, token);
  return s;
}

/** The tab's stored session if it is still usable; drops an unusable one. */
export function loadSession(storage: Storage, nowMs: number): Session | null {
  const token = storage.getItem(TOKEN_KEY);
  if (!token) return null;
  try {
    const s = decodeIdToken(token);
    if (!isExpired(s, nowMs)) return s;
  } catch {
    // fall through: an unreadable token is as good as none
  }
  storage.removeItem(TOKEN_KEY);
  return null;
}

/** Forgets everything the client stored for this tab. */
export function clearSession(storage: Storage): void {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith('camvault.')) keys.push(k);
  }
  for (const k of keys) storage.removeItem(k);
}
