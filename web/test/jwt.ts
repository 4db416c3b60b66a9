// Builds unsigned JWT-shaped tokens for tests (the client never verifies).
function b64url(o: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(o));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fakeToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`;
}

export function tokenFor(email: string, nowMs: number, lifeSeconds = 3600, extra: Record<string, unknown> = {}): string {
  const iat = Math.floor(nowMs / 1000);
  return fakeToken({ iss: 'http://127.0.0.1:1', aud: 'x', sub: '1', email, iat, exp: iat + lifeSeconds, ...extra });
}
