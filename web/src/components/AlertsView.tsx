// The Alerts view (#/alerts): turn new-clip alerts on or off for this
// browser, for every camera or some, and the person's fold window and quiet
// hours, which all their browsers share.
import { useEffect, useState } from 'preact/hooks';
import {
  type Alerts, type AlertSettings, type AlertsApi, currentSubscription, pushSupported, subscribeBrowser,
} from '../alerts';
import { type ApiError, asApiError } from '../api';
import type { Config } from '../config';
import type { Camera, Me } from '../model';
import { Header } from './Header';

interface Props {
  api: AlertsApi;
  config: Config;
  me: Me;
  onApiError: (e: ApiError) => void;
  onSignOut: () => void;
}

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function AlertsView(props: Props) {
  const { api } = props;
  const [alerts, setAlerts] = useState<Alerts | null>(null);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [here, setHere] = useState<string | null>(null); // this browser's endpoint, when subscribed
  const [every, setEvery] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [settings, setSettings] = useState<AlertSettings | null>(null);
  const [quiet, setQuiet] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; error?: boolean }>({ text: '' });
  const [version, setVersion] = useState(0);
  const supported = pushSupported();

  useEffect(() => {
    document.title = 'Alerts · camvault';
  }, []);
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const [a, cams, sub] = await Promise.all([api.alerts(), api.cameras(), currentSubscription().catch(() => null)]);
        if (!live) return;
        setAlerts(a);
        setCameras(cams);
        const mine = sub ? a.subscriptions.find((s) => s.endpoint === sub.endpoint) : undefined;
        setHere(mine ? mine.endpoint : null);
        if (mine) {
          setEvery(mine.cameras === 'all');
          setChosen(mine.cameras === 'all' ? [] : mine.cameras);
        }
        const s = a.settings.timeZone === 'UTC' && !a.settings.quietHours ? { ...a.settings, timeZone: localZone() } : a.settings;
        setSettings(s);
        setQuiet(!!s.quietHours);
      } catch (e) {
        const err = asApiError(e);
        props.onApiError(err);
        if (live) setStatus({ text: err.message, error: true });
      }
    })();
    return () => {
      live = false;
    };
  }, [api, version]);

  const fail = (e: unknown) => {
    if (e instanceof Error && !('kind' in e)) {
      setStatus({ text: e.message, error: true });
      return;
    }
    const err = asApiError(e);
    props.onApiError(err);
    setStatus({ text: err.parameter ? `${err.parameter}: ${err.message}` : err.message, error: true });
  };

  const turnOn = async () => {
    if (!alerts) return;
    if (!every && chosen.length === 0) {
      setStatus({ text: 'Pick at least one camera, or all cameras.', error: true });
      return;
    }
    setBusy(true);
    setStatus({ text: 'Asking the browser…' });
    try {
      const sub = await subscribeBrowser(alerts.publicKey);
      const saved = await api.subscribe(sub.toJSON(), every ? 'all' : chosen);
      setHere(saved.endpoint);
      setStatus({ text: `Alerts are on for this browser: ${every ? 'every camera you may see' : `${chosen.length} camera${chosen.length === 1 ? '' : 's'}`}.` });
      setVersion((v) => v + 1);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const turnOff = async () => {
    if (!alerts) return;
    setBusy(true);
    try {
      const sub = await currentSubscription();
      const mine = alerts.subscriptions.find((s) => s.endpoint === (sub?.endpoint ?? here));
      if (mine) await api.unsubscribe(mine.id);
      if (sub) await sub.unsubscribe();
      setHere(null);
      setStatus({ text: 'Alerts are off for this browser.' });
      setVersion((v) => v + 1);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const removeOther = async (id: string) => {
    setBusy(true);
    try {
      await api.unsubscribe(id);
      setStatus({ text: 'That browser gets no more alerts.' });
      setVersion((v) => v + 1);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const saveSettings = async (ev: Event) => {
    ev.preventDefault();
    if (!settings) return;
    setBusy(true);
    try {
      const s = await api.saveSettings({ ...settings, quietHours: quiet ? settings.quietHours ?? { start: '22:00', end: '07:00' } : null });
      setSettings(s);
      setQuiet(!!s.quietHours);
      setStatus({ text: 'Alert settings saved for all your browsers.' });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const others = alerts ? alerts.subscriptions.filter((s) => s.endpoint !== here) : [];
  const name = (id: string) => cameras.find((c) => c.id === id)?.name ?? id;
  return (
    <div class="app">
      <div class="page">
        <Header me={props.me} stage={props.config.stage} onSignOut={props.onSignOut} />
        <main class="content console alerts-view">
          <h1>Alerts</h1>
          <p class="muted">
            A notification on this device when a camera records a clip. At most one per camera in your fold window; the clips in between are
            counted into the next alert. Clicking an alert opens the clip (after sign-in).
          </p>
          {status.text ? (
            <div role={status.error ? 'alert' : 'status'} class={`console-status${status.error ? ' error' : ''}`} data-testid="alerts-status">
              {status.text}
            </div>
          ) : (
            <div role="status" aria-live="polite" class="console-status" data-testid="alerts-status" />
          )}
          <section class="console-card" aria-labelledby="alerts-here-title">
            <h2 id="alerts-here-title">This browser</h2>
            {!supported ? (
              <p>This browser cannot show push alerts. Try a current Chrome, Edge, Firefox or Safari (on iPhone: add camvault to the home screen first).</p>
            ) : (
              <div class="console-form">
                <p data-testid="alerts-state">{here ? 'Alerts are on for this browser.' : 'Alerts are off for this browser.'}</p>
                <fieldset>
                  <legend>Cameras</legend>
                  <label class="check">
                    <input type="radio" name="alert-cameras" checked={every} onChange={() => setEvery(true)} disabled={busy} />
                    Every camera I may see
                  </label>
                  <label class="check">
                    <input type="radio" name="alert-cameras" checked={!every} onChange={() => setEvery(false)} disabled={busy} />
                    Only these:
                  </label>
                  {!every
                    ? cameras.map((c) => (
                        <label class="check indent" key={c.id}>
                          <input
                            type="checkbox"
                            checked={chosen.includes(c.id)}
                            disabled={busy}
                            onChange={(e) =>
                              setChosen((cur) => ((e.target as HTMLInputElement).checked ? [...cur, c.id] : cur.filter((x) => x !== c.id)))
                            }
                          />
                          {c.name}
                        </label>
                      ))
                    : null}
                </fieldset>
                <div class="actions">
                  <button type="button" class="btn primary" onClick={() => void turnOn()} disabled={busy || !alerts}>
                    {here ? 'Save cameras' : 'Turn on alerts here'}
                  </button>
                  {here ? (
                    <button type="button" class="btn" onClick={() => void turnOff()} disabled={busy}>
                      Turn off alerts here
                    </button>
                  ) : null}
                </div>
              </div>
            )}
          </section>
          {settings ? (
            <section class="console-card" aria-labelledby="alerts-settings-title">
              <h2 id="alerts-settings-title">For all your browsers</h2>
              <form class="console-form" onSubmit={saveSettings}>
                <div class="field">
                  <label for="alert-fold">Fold window (minutes; 0 alerts every clip)</label>
                  <input
                    id="alert-fold"
                    type="number"
                    min={0}
                    max={1440}
                    step={1}
                    value={settings.foldMinutes}
                    onInput={(e) => setSettings({ ...settings, foldMinutes: Number((e.target as HTMLInputElement).value) })}
                  />
                </div>
                <fieldset>
                  <legend>Quiet hours</legend>
                  <label class="check">
                    <input type="checkbox" checked={quiet} onChange={(e) => setQuiet((e.target as HTMLInputElement).checked)} />
                    No alerts at night (clips are counted into the next alert)
                  </label>
                  {quiet ? (
                    <div class="quiet-times">
                      <div class="field">
                        <label for="alert-quiet-start">From</label>
                        <input
                          id="alert-quiet-start"
                          type="time"
                          value={settings.quietHours?.start ?? '22:00'}
                          onInput={(e) =>
                            setSettings({ ...settings, quietHours: { start: (e.target as HTMLInputElement).value, end: settings.quietHours?.end ?? '07:00' } })
                          }
                        />
                      </div>
                      <div class="field">
                        <label for="alert-quiet-end">To</label>
                        <input
                          id="alert-quiet-end"
                          type="time"
                          value={settings.quietHours?.end ?? '07:00'}
                          onInput={(e) =>
                            setSettings({ ...settings, quietHours: { start: settings.quietHours?.start ?? '22:00', end: (e.target as HTMLInputElement).value } })
                          }
                        />
                      </div>
                    </div>
                  ) : null}
                </fieldset>
                <div class="field">
                  <label for="alert-zone">Time zone</label>
                  <input
                    id="alert-zone"
                    type="text"
                    spellcheck={false}
                    autoComplete="off"
                    value={settings.timeZone}
                    onInput={(e) => setSettings({ ...settings, timeZone: (e.target as HTMLInputElement).value })}
                  />
                </div>
                <div class="actions">
                  <button type="submit" class="btn primary" disabled={busy}>
                    Save settings
                  </button>
                </div>
              </form>
            </section>
          ) : null}
          {others.length > 0 ? (
            <section class="console-card" aria-labelledby="alerts-others-title">
              <h2 id="alerts-others-title">Your other browsers</h2>
              <ul class="plain-list">
                {others.map((s) => (
                  <li key={s.id}>
                    <span>
                      {new URL(s.endpoint).host} · since {s.createdAt.toLocaleDateString()} ·{' '}
                      {s.cameras === 'all' ? 'every camera' : s.cameras.map(name).join(', ')}
                    </span>{' '}
                    <button type="button" class="btn danger" onClick={() => void removeOther(s.id)} disabled={busy} aria-label={`Stop alerts to ${new URL(s.endpoint).host} (${s.id})`}>
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </main>
      </div>
    </div>
  );
}
