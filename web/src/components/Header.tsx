// The top bar: brand, stage, and who is signed in (name, picture, role).
import { useState } from 'preact/hooks';
import type { Me } from '../model';
import { Logo } from './App';

export function Header(props: { me: Me; stage: string; onSignOut: () => void }) {
  const { me } = props;
  const [pictureFailed, setPictureFailed] = useState(false);
  const initials = (me.name || me.email)
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');
  return (
    <header class="topbar">
      {/* Named by what it shows ("camvault dev"), so speech input can say what is seen (WCAG 2.5.3). */}
      <a class="brand" href="#/" title="camvault: all cameras and clips">
        <Logo />
        <span>camvault</span>
        {props.stage && props.stage !== 'prod' ? <span class="badge stage">{props.stage}</span> : null}
      </a>
      <div class="who" data-testid="who">
        {me.picture && !pictureFailed ? (
          <img class="avatar" src={me.picture} alt="" referrerpolicy="no-referrer" width={32} height={32} onError={() => setPictureFailed(true)} />
        ) : (
          <span class="avatar initials" aria-hidden="true">
            {initials}
          </span>
        )}
        <span class="who-text">
          <span class="who-name" title={me.email}>
            {me.name}
          </span>
          <span class={`badge role role-${me.role}`} data-testid="role">
            {me.role}
          </span>
        </span>
        <button type="button" class="btn ghost" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
