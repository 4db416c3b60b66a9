import { beforeEach, describe, expect, it } from 'vitest';
import { authorizeUrl, beginDevSignIn, completeDevSignIn, redirectUri } from '../src/auth';
import type { Config } from '../src/config';
import { tokenFor } from './jwt';

const cfg: Config = { stage: 'dev', apiUrl: 'http://127.0.0.1:4000/dev', auth: 'dev', clientId: 'camvault-local.apps.googleusercontent.com', issuerUrl: 'http://127.0.0.1:4002' };
const loc = { origin: 'http://127.0.0.1:4001', pathname: '/', search: '', hash: '#/?camera=front&clip=front/01J' };
const NOW = Date.now();

describe('dev sign-in', () => {
  beforeEach(() => sessionStorage.clear());

  it('sends the person to the issuer with the implicit-flow parameters', () => {
    const u = new URL(beginDevSignIn(cfg, loc, sessionStorage));
    expect(`${u.origin}${u.pathname}`).toBe('http://127.0.0.1:4002/authorize');
    expect(u.searchParams.get('client_id')).toBe(cfg.clientId);
    expect(u.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:4001/');
    expect(u.searchParams.get('response_type')).toBe('id_token');
    expect(u.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/);
    expect(u.searchParams.get('nonce')).toMatch(/^[0-9a-f]{32}$/);
    expect(u.searchParams.get('state')).not.toBe(u.searchParams.get('nonce'));
  });

  it('redirect URI drops the hash but keeps path and query', () => {
    expect(redirectUri({ origin: 'http://localhost:5173', pathname: '/app/', search: '?x=1' })).toBe('http://localhost:5173/app/?x=1');
    expect(authorizeUrl('http://i', 'c', 'http://r/', 's', 'n')).toContain('redirect_uri=http%3A%2F%2Fr%2F');
  });

  it('accepts the token when state and nonce match, and returns to the deep link', () => {
    const u = new URL(beginDevSignIn(cfg, loc, sessionStorage));
    const state = u.searchParams.get('state') ?? '';
    const token = tokenFor('viewer@example.com', NOW, 3600, { nonce: u.searchParams.get('nonce') });
    const cb = completeDevSignIn(`#id_token=${token}&token_type=Bearer&state=${state}`, sessionStorage);
    expect(cb).toEqual({ kind: 'token', token, returnTo: loc.hash });
    // state is single-use
    expect(completeDevSignIn(`#id_token=${token}&state=${state}`, sessionStorage)?.kind).toBe('error');
  });

  it('refuses a state this tab did not send', () => {
    beginDevSignIn(cfg, loc, sessionStorage);
    const token = tokenFor('viewer@example.com', NOW);
    const cb = completeDevSignIn(`#id_token=${token}&state=forged`, sessionStorage);
    expect(cb?.kind).toBe('error');
    expect(cb?.returnTo).toBe(loc.hash);
  });

  it('refuses a token minted for another nonce', () => {
    const u = new URL(beginDevSignIn(cfg, loc, sessionStorage));
    const token = tokenFor('viewer@example.com', NOW, 3600, { nonce: 'other' });
    expect(completeDevSignIn(`#id_token=${token}&state=${u.searchParams.get('state')}`, sessionStorage)?.kind).toBe('error');
  });

  it('refuses a callback with no sign-in started', () => {
    expect(completeDevSignIn(`#id_token=${tokenFor('a@example.com', NOW)}&state=x`, sessionStorage)?.kind).toBe('error');
  });

  it('refuses a junk token', () => {
    const u = new URL(beginDevSignIn(cfg, loc, sessionStorage));
    expect(completeDevSignIn(`#id_token=junk&state=${u.searchParams.get('state')}`, sessionStorage)?.kind).toBe('error');
  });

  it("passes on the issuer's error", () => {
    beginDevSignIn(cfg, loc, sessionStorage);
    const cb = completeDevSignIn('#error=access_denied&error_description=No+thanks', sessionStorage);
    expect(cb).toEqual({ kind: 'error', message: 'No thanks', returnTo: loc.hash });
  });

  it('ignores ordinary routes', () => {
    expect(completeDevSignIn('#/?camera=front', sessionStorage)).toBeNull();
    expect(completeDevSignIn('', sessionStorage)).toBeNull();
  });
});
