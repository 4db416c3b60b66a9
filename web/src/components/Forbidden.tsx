// A valid sign-in of someone the vault does not admit (the API's 403).
import { Logo } from './App';

export function Forbidden(props: { email: string; onSwitch: () => void; onSignOut: () => void }) {
  return (
    <main class="center-screen">
      <section class="panel signin" aria-labelledby="forbidden-title" role="alert">
        <div class="brand-lg">
          <Logo />
          <span>camvault</span>
        </div>
        <h1 id="forbidden-title">
          This account ({props.email}) is not allowed
        </h1>
        <p>
          camvault only admits the accounts its owners added. Switch to an account that has access, or ask an admin to add
          this one.
        </p>
        <div class="row">
          <button type="button" class="btn primary" onClick={props.onSwitch}>
            Switch account
          </button>
          <button type="button" class="btn" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </section>
    </main>
  );
}
