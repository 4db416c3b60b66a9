// The top bar: brand, stage, and who is signed in (name, picture, role).
import { useState } from 'preact/hooks';
import type { Me } from '../model';
import { Logo } from './App';

/** Header props; current names the console page shown, if any. */
export interface HeaderProps {
  me: Me;
  stage: string;
  onSignOut: () => void;
  current?: 'clips' | 'people' | 'cameras' | 'activity';
}

export function Header(props: HeaderProps) {
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
      {me.role === 'admin' ? <ConsoleNav current={props.current ?? 'clips'} /> : null}
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
        <a class="btn ghost" href="#/alerts" data-testid="alerts-link">
          Alerts
        </a>
        <button type="button" class="btn ghost" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

/** The admins' way between the clips and the console's pages; viewers never see it. */
function ConsoleNav(props: { current: NonNullable<HeaderProps['current']> }) {
  const links: [NonNullable<HeaderProps['current']>, string, string][] = [
    ['clips', '#/', 'Clips'],
    ['people', '#/admin/people', 'People'],
    ['cameras', '#/admin/cameras', 'Cameras'],
    ['activity', '#/admin/activity', 'Activity'],
  ];
  return (
    <nav class="console-nav" aria-label="Console">
      {links.map(([key, href, text]) => (
        <a key={key} href={href} aria-current={props.current === key ? 'page' : undefined}>
          {text}
        </a>
      ))}
    </nav>
  );
}
