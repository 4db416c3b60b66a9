// Getting an ID token: the dev issuer's sign-in page (OIDC implicit flow, as
// Google's would answer a browser client) or Google Identity Services.
import type { Config } from './config';
import { decodeIdToken } from './session';

const STATE_KEY = 'camvault.authState';
const NONCE_KEY = 'camvault.authNonce';
const RETURN_KEY = 'camvault.returnTo';

/** A random, URL-safe value for state and nonce. */
export function randomToken(bytes = 16): string {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This page's address without its hash: where the issuer sends the token. */
export function redirectUri(loc: Pick<Location, 'origin' | 'pathname' | 'search'>): string {
  return `${loc.origin}${loc.pathname}${loc.search}`;
}

export function authorizeUrl(issuerUrl: string, clientId: string, redirect: string, state: string, nonce: string): string {
  const q = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirect,
    response_type: 'id_token',
    scope: 'openid email profile',
    state,
    nonce,
  });
  return `${issuerUrl}/authorize?${q.toString()}`;
}

/**
 * Starts the dev sign-in: remembers state, nonce and where the person was
 * (the hash route), and returns the issuer URL to go to.
 */
export function beginDevSignIn(cfg: Config, loc: Pick<Location, 'origin' | 'pathname' | 'search' | 'hash'>, storage: Storage): string {
  if (!cfg.issuerUrl) throw new Error('config has no issuerUrl');
  const state = randomToken();
  const nonce = randomToken();
  storage.setItem(STATE_KEY, state);
  storage.setItem(NONCE_KEY, nonce);
  storage.setItem(RETURN_KEY, loc.hash);
  return authorizeUrl(cfg.issuerUrl, cfg.clientId, redirectUri(loc), state, nonce);
}

/** What came back from the issuer in the page's hash. */
export type Callback =
  | { kind: 'token'; token: string; returnTo: string }
  | { kind: 'error'; message: string; returnTo: string };

/**
 * Reads an issuer redirect (`#id_token=...&state=...` or `#error=...`). Returns
 * null when the hash is an ordinary route. Checks state and, when the token
 * carries one, nonce; clears them either way so they are used once.
 */
export function completeDevSignIn(hash: string, storage: Storage): Callback | null {
  const h = hash.replace(/^#/, '');
  if (!/(^|&)(id_token|error)=/.test(h)) return null;
  const p = new URLSearchParams(h);
  const expectedState = storage.getItem(STATE_KEY);
  const expectedNonce = storage.getItem(NONCE_KEY);
  const returnTo = storage.getItem(RETURN_KEY) ?? '';
  storage.removeItem(STATE_KEY);
  storage.removeItem(NONCE_KEY);
  storage.removeItem(RETURN_KEY);
  const err = p.get('error');
  if (err) {
    return { kind: 'error', message: p.get('error_description') || `Sign-in failed (${err}).`, returnTo };
  }
  const token = p.get('id_token') ?? '';
  if (!expectedState || p.get('state') !== expectedState) {
    return { kind: 'error', message: 'Sign-in answer did not match this tab. Please sign in again.', returnTo };
  }
  try {
    const s = decodeIdToken(token);
    if (s.nonce !== undefined && s.nonce !== expectedNonce) {
      return { kind: 'error', message: 'Sign-in answer did not match this tab. Please sign in again.', returnTo };
    }
  } catch {
    return { kind: 'error', message: 'The sign-in answer held no usable token. Please sign in again.', returnTo };
  }
  return { kind: 'token', token, returnTo };
}

// --- Google Identity Services -------------------------------------------

interface GoogleCredentialResponse {
  credential: string;
}

interface GoogleId {
  initialize(o: {
    client_id: string;
    callback: (r: GoogleCredentialResponse) => void;
    auto_select?: boolean;
    login_hint?: string;
    cancel_on_tap_outside?: boolean;
    use_fedcm_for_prompt?: boolean;
    itp_support?: boolean;
  }): void;
  renderButton(el: HTMLElement, o: Record<string, string | number>): void;
  prompt(): void;
  disableAutoSelect(): void;
  cancel(): void;
}

declare global {
  interface Window {
    google?: { accounts: { id: GoogleId } };
  }
}

const GIS_SRC = 'https://accounts.google.com/gsi/client';
let gisLoading: Promise<GoogleId> | null = null;

/** Loads Google's sign-in script once. */
export function loadGoogle(): Promise<GoogleId> {
  if (window.google?.accounts.id) return Promise.resolve(window.google.accounts.id);
  gisLoading ??= new Promise<GoogleId>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = GIS_SRC;
    s.async = true;
    s.onload = () => {
      const id = window.google?.accounts.id;
      if (id) resolve(id);
      else reject(new Error('Google sign-in did not start'));
    };
    s.onerror = () => {
      gisLoading = null;
      reject(new Error('Could not load Google sign-in. Check your connection and try again.'));
    };
    document.head.appendChild(s);
  });
  return gisLoading;
}

/** Shows Google's button in el, plus One Tap; onToken gets the ID token. */
export async function showGoogleSignIn(clientId: string, el: HTMLElement, onToken: (token: string) => void): Promise<void> {
  const id = await loadGoogle();
  id.initialize({
    client_id: clientId,
    callback: (r) => onToken(r.credential),
    auto_select: false,
    cancel_on_tap_outside: true,
    use_fedcm_for_prompt: true,
    itp_support: true,
  });
  id.renderButton(el, { theme: 'filled_black', size: 'large', shape: 'pill', text: 'signin_with' });
  id.prompt();
}

/** After sign-out or for switching account: no silent re-selection. */
export function forgetGoogleAccount(): void {
  window.google?.accounts.id.disableAutoSelect();
}

// --- silent renewal -----------------------------------------------------

/**
 * A fresh ID token for the same person without a page or a click, where the
 * identity provider allows it: Google's One Tap with auto-select for the
 * account that signed in (it answers only when Google can pick that account
 * without asking), or locally the dev issuer's token endpoint (which answers
 * the web client's origin only). Rejects when no token comes, or one for
 * another person.
 */
export async function renewToken(cfg: Config, email: string, timeoutMs = 20_000): Promise<string> {
  const token = cfg.auth === 'dev' ? await renewDev(cfg, email) : await renewGoogle(cfg.clientId, email, timeoutMs);
  if (decodeIdToken(token).email.toLowerCase() !== email.toLowerCase()) throw new Error('renewal gave a token for another account');
  return token;
}

async function renewDev(cfg: Config, email: string): Promise<string> {
  if (!cfg.issuerUrl) throw new Error('config has no issuerUrl');
  const res = await fetch(`${cfg.issuerUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, aud: cfg.clientId }).toString(),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!res.ok) throw new Error(`the dev issuer answered ${res.status}`);
  const body = (await res.json()) as { id_token?: unknown };
  if (typeof body.id_token !== 'string') throw new Error('the dev issuer gave no token');
  return body.id_token;
}

async function renewGoogle(clientId: string, email: string, timeoutMs: number): Promise<string> {
  const id = await loadGoogle();
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      id.cancel();
      reject(new Error('Google did not renew the sign-in'));
    }, timeoutMs);
    id.initialize({
      client_id: clientId,
      callback: (r) => {
        clearTimeout(timer);
        resolve(r.credential);
      },
      auto_select: true,
      login_hint: email,
      cancel_on_tap_outside: true,
      use_fedcm_for_prompt: true,
      itp_support: true,
    });
    id.prompt();
  });
}
