// The sign-in screen: Google's button and One Tap in AWS, the dev issuer's
// page locally. It says why it is showing (expired, signed out, an error).
import { useEffect, useRef, useState } from 'preact/hooks';
import { beginDevSignIn, showGoogleSignIn } from '../auth';
import type { Config } from '../config';
import type { SignedOutReason } from './App';
import { Logo } from './App';

const reasons: Record<SignedOutReason, string | null> = {
  start: null,
  expired: 'Your session expired. Sign in again to pick up where you were.',
  unauthorized: 'Your sign-in is no longer accepted. Sign in again to continue.',
  signedOut: 'You are signed out.',
  error: null,
};

export function SignIn(props: { config: Config; reason: SignedOutReason; message?: string | undefined; onToken: (t: string) => void }) {
  const { config, reason, message, onToken } = props;
  const googleEl = useRef<HTMLDivElement>(null);
  const [googleError, setGoogleError] = useState<string | null>(null);

  useEffect(() => {
    if (config.auth !== 'google' || !googleEl.current) return;
    showGoogleSignIn(config.clientId, googleEl.current, onToken).catch((e: unknown) =>
      setGoogleError(e instanceof Error ? e.message : 'Could not load Google sign-in.'),
    );
  }, [config, onToken]);

  const note = message ?? reasons[reason];
  return (
    <main class="center-screen">
      <section class="panel signin" aria-labelledby="signin-title">
        <div class="brand-lg">
          <Logo />
          <span>camvault</span>
          {config.stage && config.stage !== 'prod' ? <span class="badge stage">{config.stage}</span> : null}
        </div>
        <h1 id="signin-title">Sign in to watch your cameras</h1>
        {note ? (
          <p class={reason === 'error' ? 'notice error' : 'notice'} role="status">
            {note}
          </p>
        ) : null}
        {config.auth === 'dev' ? (
          <>
            <button type="button" class="btn primary wide" onClick={() => location.assign(beginDevSignIn(config, location, sessionStorage))}>
              Sign in
            </button>
            <p class="muted small">Local stack: the dev sign-in page lets you pick an account.</p>
          </>
        ) : (
          <>
            <div ref={googleEl} class="gis-button" aria-label="Sign in with Google" />
            {googleError ? (
              <p class="notice error" role="alert">
                {googleError}
              </p>
            ) : null}
            <p class="muted small">Use the Google account your household or office allowed.</p>
          </>
        )}
      </section>
    </main>
  );
}
