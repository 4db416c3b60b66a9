// The owner's console (admins only): People (grants), Cameras (rename,
// turn uploads off, remove with all clips) and Activity (the trail). Every
// rule is enforced by the API; the pages say in words what it refused.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import type { Config } from '../config';
import { type Activity, type ConsoleApi, describeActivity, type Grant } from '../console';
import type { Camera, Me } from '../model';
import { Header } from './Header';

/** The console's pages, by hash. */
export type ConsolePage = 'people' | 'cameras' | 'activity';

/** The console page a hash names, or null when it names none. */
export function consolePage(hash: string): ConsolePage | null {
  const m = /^#\/admin\/(people|cameras|activity)(?:$|[?/])/.exec(hash);
  return m ? (m[1] as ConsolePage) : null;
}

/** An API refusal in words a person understands. */
export function explain(e: ApiError): string {
  switch (e.parameter) {
    case 'owner':
      return 'That address is an owner of this camvault. Owners are changed where camvault is deployed, not here.';
    case 'last_admin_path':
      return 'That would take away your own admin access. Ask another admin to do it.';
    case 'camera_scope':
      return 'You can only give or change access to cameras you can see yourself.';
    case 'subject':
      return 'Type a lowercase email address (ana@example.com) or a Google Workspace domain (example.com).';
    case 'cameras':
      return `Choose every camera or at least one camera. (${e.message})`;
    case 'role':
      return 'Choose viewer or admin.';
    case 'name':
      return 'A camera name must be 1 to 100 printable characters.';
    case 'person':
      return 'To filter by person, type their full lowercase email address.';
  }
  if (e.kind === 'forbidden') return 'Your account may not do that (any more). Reload the page to see what you can still do.';
  if (e.kind === 'notFound') return 'It is not there any more: someone may have changed it. The list has been refreshed.';
  return e.message;
}

interface Props {
  api: ConsoleApi;
  config: Config;
  me: Me;
  page: ConsolePage;
  onApiError: (e: ApiError) => void;
  onSignOut: () => void;
}

export function Console(props: Props) {
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [camerasVersion, setCamerasVersion] = useState(0);
  useEffect(() => {
    let live = true;
    props.api.cameras().then(
      (c) => live && setCameras(c),
      (e) => props.onApiError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [props.api, camerasVersion]);
  const cameraName = useCallback((id: string) => cameras.find((c) => c.id === id)?.name ?? id, [cameras]);
  const titles: Record<ConsolePage, string> = { people: 'People', cameras: 'Cameras', activity: 'Activity' };
  useEffect(() => {
    document.title = `${titles[props.page]} · camvault`;
  }, [props.page]);
  return (
    <div class="app">
      <div class="page">
        <Header me={props.me} stage={props.config.stage} onSignOut={props.onSignOut} current={props.page} />
        <main class="content console">
          <h1>{titles[props.page]}</h1>
          {props.page === 'people' ? <People api={props.api} cameras={cameras} cameraName={cameraName} me={props.me} onApiError={props.onApiError} /> : null}
          {props.page === 'cameras' ? (
            <CameraAdmin api={props.api} cameras={cameras} onChanged={() => setCamerasVersion((v) => v + 1)} onApiError={props.onApiError} />
          ) : null}
          {props.page === 'activity' ? <ActivityLog api={props.api} cameras={cameras} cameraName={cameraName} onApiError={props.onApiError} /> : null}
        </main>
      </div>
    </div>
  );
}

/** A status line for screen readers and eyes alike. */
function Status(props: { text: string; error?: boolean }) {
  if (!props.text) return <div role="status" aria-live="polite" class="console-status" />;
  return props.error ? (
    <div role="alert" class="console-status error">
      {props.text}
    </div>
  ) : (
    <div role="status" aria-live="polite" class="console-status">
      {props.text}
    </div>
  );
}

function camerasText(g: Grant, cameraName: (id: string) => string): string {
  return g.cameras === 'all' ? 'every camera' : g.cameras.map(cameraName).join(', ');
}

function People(props: { api: ConsoleApi; cameras: Camera[]; cameraName: (id: string) => string; me: Me; onApiError: (e: ApiError) => void }) {
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<{ text: string; error?: boolean }>({ text: '' });
  const [subject, setSubject] = useState('');
  const [role, setRole] = useState<'viewer' | 'admin'>('viewer');
  const [every, setEvery] = useState(props.me.cameras === 'all');
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    props.api.grants().then(
      (g) => live && setGrants(g),
      (e) => {
        const err = asApiError(e);
        props.onApiError(err);
        if (live) setStatus({ text: `Could not load the people: ${explain(err)}`, error: true });
      },
    );
    return () => {
      live = false;
    };
  }, [props.api, version]);

  const fail = (e: unknown) => {
    const err = asApiError(e);
    props.onApiError(err);
    setStatus({ text: explain(err), error: true });
    if (err.kind === 'notFound') setVersion((v) => v + 1);
  };

  const save = async (ev: Event) => {
    ev.preventDefault();
    const s = subject.trim();
    if (!s) {
      setStatus({ text: 'Type the email address or domain of the person to let in.', error: true });
      return;
    }
    if (!every && chosen.length === 0) {
      setStatus({ text: 'Choose every camera or at least one camera.', error: true });
      return;
    }
    setBusy(true);
    try {
      const g = await props.api.putGrant({ subject: s, role, cameras: every ? 'all' : chosen });
      setStatus({ text: `Saved: ${g.subject} is ${g.role} of ${camerasText(g, props.cameraName)}.` });
      setSubject('');
      setChosen([]);
      setVersion((v) => v + 1);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const edit = (g: Grant) => {
    setSubject(g.subject);
    setRole(g.role === 'admin' ? 'admin' : 'viewer');
    setEvery(g.cameras === 'all');
    setChosen(g.cameras === 'all' ? [] : g.cameras);
    setStatus({ text: `Editing ${g.subject}: change the role or cameras and save.` });
    document.getElementById('grant-subject')?.focus();
  };

  const remove = async (g: Grant) => {
    setBusy(true);
    try {
      await props.api.deleteGrant(g.subject);
      setStatus({ text: `Removed ${g.subject}. They lose access within seconds.` });
      setVersion((v) => v + 1);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const visible = props.cameras;
  return (
    <>
      <section class="console-card" aria-labelledby="grant-form-title">
        <h2 id="grant-form-title">Let someone in</h2>
        <form onSubmit={save} class="console-form">
          <div class="field">
            <label for="grant-subject">Email address or Workspace domain</label>
            <input
              id="grant-subject"
              name="subject"
              type="text"
              inputMode="email"
              autoComplete="off"
              spellcheck={false}
              placeholder="ana@example.com"
              value={subject}
              onInput={(e) => setSubject((e.target as HTMLInputElement).value)}
            />
          </div>
          <div class="field">
            <label for="grant-role">Role</label>
            <select id="grant-role" name="role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as 'viewer' | 'admin')}>
              <option value="viewer">Viewer: watches clips</option>
              <option value="admin">Admin: also deletes clips and runs this console</option>
            </select>
          </div>
          <fieldset class="field">
            <legend>Cameras</legend>
            {props.me.cameras === 'all' ? (
              <label class="check">
                <input type="radio" name="scope" checked={every} onChange={() => setEvery(true)} /> Every camera, present and future
              </label>
            ) : null}
            <label class="check">
              <input type="radio" name="scope" checked={!every} onChange={() => setEvery(false)} /> Only these cameras:
            </label>
            <div class="checks" role="group" aria-label="Cameras to allow">
              {visible.map((c) => (
                <label class="check" key={c.id}>
                  <input
                    type="checkbox"
                    name="camera"
                    value={c.id}
                    disabled={every}
                    checked={!every && chosen.includes(c.id)}
                    onChange={(e) => {
                      const on = (e.target as HTMLInputElement).checked;
                      setChosen((cur) => (on ? [...cur.filter((x) => x !== c.id), c.id] : cur.filter((x) => x !== c.id)));
                    }}
                  />{' '}
                  {c.name}
                </label>
              ))}
            </div>
          </fieldset>
          <div class="row">
            <button type="submit" class="btn primary" disabled={busy}>
              Save access
            </button>
          </div>
        </form>
        <Status {...status} />
      </section>
      <section class="console-card" aria-labelledby="grants-title">
        <h2 id="grants-title">People and domains with access</h2>
        {grants === null ? (
          <p class="muted" aria-busy="true">
            Loading…
          </p>
        ) : grants.length === 0 ? (
          <p class="muted">Nobody beyond the deployment's own list yet.</p>
        ) : (
          <ul class="console-list" data-testid="grants">
            {grants.map((g) => (
              <li key={g.subject} data-grant={g.subject}>
                <span class="console-main">
                  <strong>{g.subject}</strong>{' '}
                  <span class={`badge role role-${g.role}`}>{g.role}</span>
                  <span class="muted small"> · {g.role === 'blocked' ? 'denied access' : camerasText(g, props.cameraName)}</span>
                </span>
                <span class="row">
                  <button type="button" class="btn" onClick={() => edit(g)} aria-label={`Edit ${g.subject}`} disabled={busy}>
                    Edit
                  </button>
                  <button type="button" class="btn danger" onClick={() => void remove(g)} aria-label={`Remove ${g.subject}`} disabled={busy}>
                    Remove
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function CameraAdmin(props: { api: ConsoleApi; cameras: Camera[]; onChanged: () => void; onApiError: (e: ApiError) => void }) {
  const [status, setStatus] = useState<{ text: string; error?: boolean }>({ text: '' });
  const [names, setNames] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (e: unknown) => {
    const err = asApiError(e);
    props.onApiError(err);
    setStatus({ text: explain(err), error: true });
  };

  const rename = async (c: Camera, ev: Event) => {
    ev.preventDefault();
    const name = (names[c.id] ?? c.name).trim();
    setBusy(true);
    try {
      await props.api.updateCamera(c.id, { name });
      setStatus({ text: `Renamed ${c.id} to “${name}”.` });
      props.onChanged();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (c: Camera) => {
    setBusy(true);
    try {
      await props.api.updateCamera(c.id, { disabled: !c.disabled });
      setStatus({ text: c.disabled ? `${c.name} accepts uploads again.` : `${c.name} no longer accepts uploads. Its clips stay.` });
      props.onChanged();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (c: Camera) => {
    setBusy(true);
    setConfirming(null);
    try {
      // Resumable: each call removes a batch; carry on until done.
      for (let i = 0; i < 10_000; i++) {
        const r = await props.api.removeCameraStep(c.id);
        if (r.done) {
          setStatus({ text: `Removed ${c.name} and ${r.removedClips} clips.` });
          break;
        }
        setStatus({ text: `Removing ${c.name}: ${r.removedClips} clips so far…` });
      }
      props.onChanged();
    } catch (e) {
      fail(e);
      props.onChanged();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="console-card" aria-labelledby="cameras-title">
      <h2 id="cameras-title">Your cameras</h2>
      <Status {...status} />
      {props.cameras.length === 0 ? <p class="muted">No cameras yet.</p> : null}
      <ul class="console-list">
        {props.cameras.map((c) => (
          <li key={c.id} data-camera={c.id}>
            <form class="row console-main" onSubmit={(e) => void rename(c, e)}>
              <label for={`name-${c.id}`} class="visually-hidden">
                Name of camera {c.id}
              </label>
              <input
                id={`name-${c.id}`}
                type="text"
                maxLength={100}
                value={names[c.id] ?? c.name}
                onInput={(e) => setNames((n) => ({ ...n, [c.id]: (e.target as HTMLInputElement).value }))}
              />
              <button type="submit" class="btn" disabled={busy}>
                Rename
              </button>
              <span class="muted small">
                {c.id} · {c.clipCount ?? 0} clips{c.disabled ? ' · uploads off' : ''}
              </span>
            </form>
            <span class="row">
              <button type="button" class="btn" onClick={() => void toggle(c)} disabled={busy}>
                {c.disabled ? `Turn uploads on for ${c.name}` : `Turn uploads off for ${c.name}`}
              </button>
              {confirming === c.id ? (
                <>
                  <button type="button" class="btn danger" onClick={() => void remove(c)} disabled={busy}>
                    Yes, remove {c.name} and all its clips
                  </button>
                  <button type="button" class="btn ghost" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" class="btn danger" onClick={() => setConfirming(c.id)} disabled={busy}>
                  Remove {c.name}…
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ActivityLog(props: { api: ConsoleApi; cameras: Camera[]; cameraName: (id: string) => string; onApiError: (e: ApiError) => void }) {
  const [person, setPerson] = useState('');
  const [camera, setCamera] = useState('');
  const [query, setQuery] = useState<{ person: string; camera: string }>({ person: '', camera: '' });
  const [items, setItems] = useState<Activity[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<{ text: string; error?: boolean }>({ text: '' });
  const [version, setVersion] = useState(0);

  const load = useCallback(
    async (more?: string) => {
      try {
        const q: { person?: string; camera?: string; cursor?: string; limit: number } = { limit: 50 };
        if (query.person) q.person = query.person;
        if (query.camera) q.camera = query.camera;
        if (more) q.cursor = more;
        const page = await props.api.activity(q);
        setItems((cur) => (more && cur ? [...cur, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setStatus({ text: '' });
      } catch (e) {
        const err = asApiError(e);
        props.onApiError(err);
        setStatus({ text: explain(err), error: true });
      }
    },
    [props.api, query],
  );
  useEffect(() => {
    void load();
  }, [load, version]);

  const fmt = useMemo(() => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }), []);
  return (
    <section class="console-card" aria-labelledby="activity-title">
      <h2 id="activity-title" class="visually-hidden">
        What happened, newest first
      </h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ person: person.trim().toLowerCase(), camera });
        }}
      >
        <div class="field">
          <label for="activity-person">Person</label>
          <input id="activity-person" type="text" inputMode="email" placeholder="ana@example.com" value={person} onInput={(e) => setPerson((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="activity-camera">Camera</label>
          <select id="activity-camera" value={camera} onChange={(e) => setCamera((e.target as HTMLSelectElement).value)}>
            <option value="">All cameras</option>
            {props.cameras.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div class="filter-actions row">
          <button type="submit" class="btn primary">
            Show
          </button>
          <button type="button" class="btn" onClick={() => setVersion((v) => v + 1)}>
            Refresh
          </button>
        </div>
      </form>
      <Status {...status} />
      {items === null ? (
        <p class="muted" aria-busy="true">
          Loading…
        </p>
      ) : items.length === 0 ? (
        <p class="muted">Nothing recorded for this filter.</p>
      ) : (
        <ol class="console-list activity" data-testid="activity">
          {items.map((a) => (
            <li key={a.id} data-action={a.action} data-actor={a.actor}>
              <time dateTime={a.at.toISOString()} class="muted small">
                {fmt.format(a.at)}
              </time>
              <span>
                <strong>{a.actor}</strong> {describeActivity(a, props.cameraName)}
              </span>
            </li>
          ))}
        </ol>
      )}
      {cursor ? (
        <button type="button" class="btn" onClick={() => void load(cursor)}>
          Show older
        </button>
      ) : null}
    </section>
  );
}
