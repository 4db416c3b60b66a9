// The app's top: config, sign-in state and the expiry timer. Everything below
// gets an Api bound to the current token and a way to report "signed out".
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { beginDevSignIn, completeDevSignIn, forgetGoogleAccount, renewToken } from '../auth';
import { type Config, loadConfig } from '../config';
import { ConsoleApi } from '../console';
import type { Me } from '../model';
import { clearSession, loadSession, msUntilExpiry, saveSession, type Session, TokenError } from '../session';
import { msUntilRenewal, newer, SessionLink, sessionFrom } from '../sessionSync';
import { AlertsApi } from '../alerts';
import { AlertsView } from './AlertsView';
import { Console, consolePage } from './Console';
import { Forbidden } from './Forbidden';
import { shareToken } from '../share';
import { SharePage } from './SharePage';
import { SignIn } from './SignIn';
import { Vault } from './Vault';

/** Why the sign-in screen is showing. */
export type SignedOutReason = 'start' | 'expired' | 'unauthorized' | 'signedOut' | 'error';

type Phase =
  | { kind: 'booting' }
  | { kind: 'fatal'; message: string }
  | { kind: 'signedOut'; reason: SignedOutReason; message?: string }
  | { kind: 'checking'; session: Session }
  | { kind: 'forbidden'; session: Session }
  | { kind: 'signedIn'; session: Session; me: Me };

export function App() {
  const [config, setConfig] = useState<Config | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'booting' });
  const session = useRef<Session | null>(null);
  // The other tabs of this origin: they share one session (see sessionSync.ts).
  const link = useRef<SessionLink | null>(null);
  link.current ??= new SessionLink();
  useEffect(() => () => link.current?.close(), []);

  const [api, setApi] = useState<ConsoleApi | null>(null);
  const [alertsApi, setAlertsApi] = useState<AlertsApi | null>(null);
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const tokenNow = useCallback(() => {
    const s = session.current;
    return s && msUntilExpiry(s, Date.now()) > 0 ? s.token : null;
  }, []);

  const signOut = useCallback((reason: SignedOutReason, message?: string, fromOtherTab = false) => {
    session.current = null;
    clearSession(sessionStorage);
    if (reason === 'signedOut') forgetGoogleAccount();
    // A person's sign-out ends the session in every tab.
    if (reason === 'signedOut' && !fromOtherTab) link.current?.send({ type: 'signout' });
    setPhase(message ? { kind: 'signedOut', reason, message } : { kind: 'signedOut', reason });
  }, []);

  /** Asks the API who this is: signed in, not allowed, or signed out. */
  const check = useCallback(
    async (s: Session, a: ConsoleApi) => {
      session.current = s;
      setPhase({ kind: 'checking', session: s });
      try {
        const me = await a.me();
        if (session.current === s) {
          setPhase({ kind: 'signedIn', session: s, me });
          link.current?.send({ type: 'token', token: s.token });
        }
      } catch (e) {
        if (session.current !== s) return;
        const err = asApiError(e);
        if (err.kind === 'forbidden') setPhase({ kind: 'forbidden', session: s });
        else if (err.kind === 'unauthorized') signOut('unauthorized');
        else {
          session.current = null;
          setPhase({ kind: 'signedOut', reason: 'error', message: `${err.message} Try signing in again in a moment.` });
        }
      }
    },
    [signOut],
  );

  // Boot: config, an issuer redirect in the hash, or a stored session.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      let cfg: Config;
      try {
        cfg = await loadConfig();
      } catch (e) {
        setPhase({ kind: 'fatal', message: e instanceof Error ? e.message : 'could not load config.json' });
        return;
      }
      if (cancelled) return;
      const a = new ConsoleApi({ baseUrl: cfg.apiUrl, token: tokenNow });
      setConfig(cfg);
      setApi(a);
      setAlertsApi(new AlertsApi({ baseUrl: cfg.apiUrl, token: tokenNow }));
      const cb = cfg.auth === 'dev' ? completeDevSignIn(location.hash, sessionStorage) : null;
      if (cb) {
        // Take the token out of the address bar and history; go back to where the person was.
        history.replaceState(null, '', cb.returnTo || '#/');
        dispatchEvent(new HashChangeEvent('hashchange'));
        if (cb.kind === 'error') {
          setPhase({ kind: 'signedOut', reason: 'error', message: cb.message });
          return;
        }
        try {
          await check(saveSession(sessionStorage, cb.token, Date.now()), a);
        } catch (e) {
          const msg = e instanceof TokenError ? 'The sign-in answer held no usable token.' : 'Sign-in failed.';
          setPhase({ kind: 'signedOut', reason: 'error', message: `${msg} Please sign in again.` });
        }
        return;
      }
      let s = loadSession(sessionStorage, Date.now());
      if (!s) {
        // Another tab of this origin may be signed in: share its session.
        const shared = await link.current!.ask(() => Date.now());
        if (cancelled) return;
        if (shared) s = saveSession(sessionStorage, shared.token, Date.now());
      }
      if (s) await check(s, a);
      else setPhase({ kind: 'signedOut', reason: 'start' });
    })();
    return () => {
      cancelled = true;
    };
  }, [check, tokenNow]);

  // The other tabs: answer a new tab, adopt a renewed or new session, and
  // follow a sign-out.
  useEffect(() => {
    const l = link.current;
    if (!l || !api) return;
    return l.listen((m) => {
      if (m.type === 'hello') {
        const s = session.current;
        if (s && msUntilExpiry(s, Date.now()) > 0) l.send({ type: 'token', token: s.token });
        return;
      }
      if (m.type === 'signout') {
        if (session.current) signOut('signedOut', 'You signed out in another tab.', true);
        return;
      }
      const s = sessionFrom(m.token, Date.now());
      const cur = session.current;
      if (!s || cur?.token === s.token) return;
      // Two tabs may renew at once: every tab keeps the latest token, so all
      // settle on the same one.
      if (cur && cur.email === s.email && !newer(s, cur)) return;
      try {
        saveSession(sessionStorage, s.token, Date.now());
      } catch {
        return;
      }
      if (cur && cur.email === s.email) {
        // The same person, renewed elsewhere: carry on with the new token.
        session.current = s;
        setPhase((p) => (p.kind === 'signedIn' || p.kind === 'forbidden' ? { ...p, session: s } : p));
      } else {
        void check(s, api);
      }
    });
  }, [api, check, signOut]);

  // Renew the token silently a few minutes before it expires, where the
  // identity provider allows; if it does not, the timer below still signs
  // out before exp.
  useEffect(() => {
    const cur = phase.kind === 'signedIn' ? phase.session : null;
    if (!cur || !config) return;
    let stopped = false;
    let id: ReturnType<typeof setTimeout>;
    const renew = async () => {
      if (stopped || session.current !== cur) return;
      try {
        const token = await renewToken(config, cur.email);
        if (stopped || session.current !== cur) return;
        const s = saveSession(sessionStorage, token, Date.now());
        session.current = s;
        link.current?.send({ type: 'token', token });
        setPhase((p) => (p.kind === 'signedIn' && p.session === cur ? { ...p, session: s } : p));
      } catch {
        // Not renewed: try once more in a minute while the token lasts.
        if (!stopped && msUntilExpiry(cur, Date.now()) > 60_000) id = setTimeout(() => void renew(), 60_000);
      }
    };
    // A little jitter, so the tabs of one session rarely renew together.
    const jitter = Math.random() * Math.min(10_000, msUntilRenewal(cur, Date.now()) / 10);
    id = setTimeout(() => void renew(), Math.min(msUntilRenewal(cur, Date.now()) + jitter, 3_600_000));
    return () => {
      stopped = true;
      clearTimeout(id);
    };
  }, [phase, config]);

  // Sign out a little before the token expires, keeping the route.
  const current = phase.kind === 'signedIn' || phase.kind === 'forbidden' || phase.kind === 'checking' ? phase.session : null;
  useEffect(() => {
    if (!current) return;
    const fire = () => {
      if (session.current === current) signOut('expired');
    };
    // Re-armed at most hourly: timers over 2^31 ms fire at once, and a long
    // wait is better checked again than trusted.
    let id: ReturnType<typeof setTimeout>;
    const arm = () => {
      const ms = msUntilExpiry(current, Date.now());
      if (ms === 0) fire();
      else id = setTimeout(arm, Math.min(ms, 3_600_000));
    };
    arm();
    // Timers stall while a laptop sleeps: check again when the tab comes back.
    const onVisible = () => {
      if (document.visibilityState === 'visible' && msUntilExpiry(current, Date.now()) === 0) fire();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(id);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [current, signOut]);

  const onToken = useCallback(
    (token: string) => {
      if (!api) return;
      try {
        void check(saveSession(sessionStorage, token, Date.now()), api);
      } catch {
        setPhase({ kind: 'signedOut', reason: 'error', message: 'That sign-in gave no usable token. Please try again.' });
      }
    },
    [api, check],
  );

  const switchAccount = useCallback(() => {
    session.current = null;
    clearSession(sessionStorage);
    forgetGoogleAccount();
    link.current?.send({ type: 'signout' });
    if (config?.auth === 'dev') location.assign(beginDevSignIn(config, location, sessionStorage));
    else setPhase({ kind: 'signedOut', reason: 'start' });
  }, [config]);

  /** Any API failure below: a 401 ends the session, keeping the route. */
  const onApiError = useCallback(
    (e: ApiError) => {
      if (e.kind === 'unauthorized') signOut(session.current && msUntilExpiry(session.current, Date.now()) === 0 ? 'expired' : 'unauthorized');
    },
    [signOut],
  );

  // A share link's page needs no sign-in: it shows whatever the phase.
  const share = shareToken(hash);
  if (config && share !== null) return <SharePage config={config} token={share} />;

  switch (phase.kind) {
    case 'booting':
      return <Splash text="Starting…" />;
    case 'checking':
      return <Splash text="Signing you in…" />;
    case 'fatal':
      return (
        <main class="center-screen">
          <div class="panel" role="alert">
            <h1>camvault cannot start</h1>
            <p>{phase.message}. The site may be misconfigured; tell whoever runs it, or reload the page to try again.</p>
          </div>
        </main>
      );
    case 'signedOut':
      return config ? <SignIn config={config} reason={phase.reason} message={phase.message} onToken={onToken} /> : null;
    case 'forbidden':
      return <Forbidden email={phase.session.email} onSwitch={switchAccount} onSignOut={() => signOut('signedOut')} />;
    case 'signedIn': {
      if (/^#\/alerts(\?|$)/.test(hash) && alertsApi && config) {
        return <AlertsView api={alertsApi} config={config} me={phase.me} onApiError={onApiError} onSignOut={() => signOut('signedOut')} />;
      }
      const page = phase.me.role === 'admin' ? consolePage(hash) : null;
      if (page && api && config) {
        return <Console api={api} config={config} me={phase.me} page={page} onApiError={onApiError} onSignOut={() => signOut('signedOut')} />;
      }
      return api && config ? (
        <Vault
          api={api}
          config={config}
          me={phase.me}
          session={phase.session}
          onApiError={onApiError}
          onSignOut={() => signOut('signedOut')}
          onSwitchAccount={switchAccount}
        />
      ) : null;
    }
  }
}

function Splash({ text }: { text: string }) {
  return (
    <main class="center-screen" aria-busy="true">
      <div class="splash">
        <Logo />
        <p class="muted">{text}</p>
      </div>
    </main>
  );
}

export function Logo() {
  return (
    <span class="logo" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="28" height="28">
        <rect x="2" y="6" width="14" height="12" rx="3" fill="currentColor" />
        <path d="M16 10.5 22 7v10l-6-3.5z" fill="currentColor" opacity=".7" />
        <circle cx="6.5" cy="10" r="1.6" fill="#0b0f14" />
      </svg>
    </span>
  );
}
