import { beforeEach, describe, expect, it } from 'vitest';
import {
  clearSession, decodeIdToken, expiryMarginMs, isExpired, loadSession, msUntilExpiry, saveSession, TOKEN_KEY, TokenError,
} from '../src/session';
import { fakeToken, tokenFor } from './jwt';

const NOW = Date.UTC(2026, 10, 25, 15, 0, 0);

describe('decodeIdToken', () => {
  it('reads email, name, picture, exp and iat', () => {
    const s = decodeIdToken(tokenFor('viewer@example.com', NOW, 3600, { name: 'Vi Ewer', picture: 'https://x/p.png', nonce: 'n1' }));
    expect(s.email).toBe('viewer@example.com');
    expect(s.name).toBe('Vi Ewer');
    expect(s.picture).toBe('https://x/p.png');
    expect(s.nonce).toBe('n1');
    expect(s.expiresAt).toBe(Math.floor(NOW / 1000) * 1000 + 3600_000);
    expect(s.issuedAt).toBe(Math.floor(NOW / 1000) * 1000);
  });

  it('reads UTF-8 names', () => {
    expect(decodeIdToken(tokenFor('a@example.com', NOW, 60, { name: 'Zoë Ångström' })).name).toBe('Zoë Ångström');
  });

  it.each([
    ['not a JWT', 'abc'],
    ['two parts', 'a.b'],
    ['garbage payload', 'a.!!!.c'],
    ['no exp', fakeToken({ email: 'a@example.com' })],
    ['no email', fakeToken({ exp: 2e9 })],
    ['payload is a string', `a.${btoa('"x"')}.c`],
  ])('refuses %s', (_name, token) => {
    expect(() => decodeIdToken(token)).toThrow(TokenError);
  });
});

describe('expiry', () => {
  it('ends an hour-long session 30 s before exp', () => {
    const s = decodeIdToken(tokenFor('a@example.com', NOW, 3600));
    expect(expiryMarginMs(s)).toBe(30_000);
    expect(msUntilExpiry(s, NOW)).toBe(s.expiresAt - 30_000 - NOW);
    expect(isExpired(s, s.expiresAt - 30_001)).toBe(false);
    expect(isExpired(s, s.expiresAt - 30_000)).toBe(true);
  });

  it('uses a fifth of a short token life as the margin', () => {
    const s = decodeIdToken(tokenFor('a@example.com', NOW, 10));
    expect(expiryMarginMs(s)).toBe(2000);
    expect(isExpired(s, s.issuedAt + 7_999)).toBe(false);
    expect(isExpired(s, s.issuedAt + 8_000)).toBe(true);
  });
});

describe('storage', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });

  it('keeps the token in sessionStorage only', () => {
    const t = tokenFor('a@example.com', NOW);
    saveSession(sessionStorage, t, NOW);
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe(t);
    expect(localStorage.length).toBe(0);
    expect(loadSession(sessionStorage, NOW)?.email).toBe('a@example.com');
  });

  it('refuses to save an expired token', () => {
    expect(() => saveSession(sessionStorage, tokenFor('a@example.com', NOW - 7200_000), NOW)).toThrow(TokenError);
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('drops an expired or unreadable stored token', () => {
    sessionStorage.setItem(TOKEN_KEY, tokenFor('a@example.com', NOW, 60));
    expect(loadSession(sessionStorage, NOW + 61_000)).toBeNull();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    sessionStorage.setItem(TOKEN_KEY, 'junk');
    expect(loadSession(sessionStorage, NOW)).toBeNull();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('clear forgets every camvault key and nothing else', () => {
    sessionStorage.setItem(TOKEN_KEY, 't');
    sessionStorage.setItem('camvault.returnTo', '#/');
    sessionStorage.setItem('other', 'keep');
    clearSession(sessionStorage);
    expect(sessionStorage.length).toBe(1);
    expect(sessionStorage.getItem('other')).toBe('keep');
  });
});
