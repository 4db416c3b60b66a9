// New-clip alerts by Web Push as the client sees them: the wire shapes of
// /alerts, the API calls, and this browser's push subscription (service
// worker sw.js beside index.html).
import { Api, asApiError } from './api';
import { ShapeError } from './model';

/** Quiet hours: clock times HH:MM in the settings' time zone. */
export interface QuietHours {
  start: string;
  end: string;
}

/** A person's alert settings, shared by all their browsers. */
export interface AlertSettings {
  foldMinutes: number;
  quietHours: QuietHours | null;
  timeZone: string;
}

/** One subscribed browser of the caller's. */
export interface AlertSubscription {
  id: string;
  endpoint: string;
  /** Camera ids, or 'all'. */
  cameras: string[] | 'all';
  createdAt: Date;
}

/** GET /alerts. */
export interface Alerts {
  publicKey: string;
  settings: AlertSettings;
  subscriptions: AlertSubscription[];
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${what} is not an object`);
  return v as Json;
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

export function parseSettings(v: unknown): AlertSettings {
  const o = obj(v, 'alert settings');
  const fold = o['foldMinutes'];
  if (typeof fold !== 'number' || !Number.isInteger(fold) || fold < 0) throw new ShapeError('alert settings have no foldMinutes');
  const tz = typeof o['timeZone'] === 'string' && o['timeZone'] ? (o['timeZone'] as string) : 'UTC';
  let quiet: QuietHours | null = null;
  if (o['quietHours'] !== null && o['quietHours'] !== undefined) {
    const q = obj(o['quietHours'], 'quiet hours');
    if (typeof q['start'] !== 'string' || typeof q['end'] !== 'string' || !CLOCK.test(q['start']) || !CLOCK.test(q['end'])) {
      throw new ShapeError('quiet hours are not HH:MM');
    }
    quiet = { start: q['start'], end: q['end'] };
  }
  return { foldMinutes: fold, quietHours: quiet, timeZone: tz };
}

export function parseSubscription(v: unknown): AlertSubscription {
  const o = obj(v, 'subscription');
  const id = o['id'];
  const endpoint = o['endpoint'];
  const cams = o['cameras'];
  const created = new Date(String(o['createdAt']));
  if (typeof id !== 'string' || !id || typeof endpoint !== 'string' || !endpoint) throw new ShapeError('subscription has no id or endpoint');
  if (!Array.isArray(cams) || !cams.every((c) => typeof c === 'string')) throw new ShapeError('subscription has no cameras');
  if (Number.isNaN(created.getTime())) throw new ShapeError('subscription has a bad time');
  return { id, endpoint, cameras: cams.length === 1 && cams[0] === '*' ? 'all' : (cams as string[]), createdAt: created };
}

export function parseAlerts(v: unknown): Alerts {
  const o = obj(v, 'alerts');
  const key = o['publicKey'];
  if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{80,}$/.test(key)) throw new ShapeError('alerts have no public key');
  const subs = o['subscriptions'];
  if (!Array.isArray(subs)) throw new ShapeError('alerts have no subscriptions');
  return { publicKey: key, settings: parseSettings(o['settings']), subscriptions: subs.map(parseSubscription) };
}

/** Client of the /alerts routes. */
export class AlertsApi extends Api {
  private async parsed<T>(p: Promise<unknown>, parse: (v: unknown) => T): Promise<T> {
    const v = await p;
    try {
      return parse(v);
    } catch (e) {
      throw asApiError(e);
    }
  }

  alerts(): Promise<Alerts> {
    return this.parsed(this.call('GET', '/alerts'), parseAlerts);
  }

  saveSettings(s: AlertSettings): Promise<AlertSettings> {
    return this.parsed(this.call('PUT', '/alerts/settings', {}, s), parseSettings);
  }

  /** Stores this browser's subscription (its toJSON()) for cameras. */
  subscribe(sub: PushSubscriptionJSON, cameras: string[] | 'all'): Promise<AlertSubscription> {
    const body = { endpoint: sub.endpoint, expirationTime: sub.expirationTime ?? null, keys: sub.keys, cameras: cameras === 'all' ? ['*'] : cameras };
    return this.parsed(this.call('POST', '/alerts/subscriptions', {}, body), parseSubscription);
  }

  async unsubscribe(id: string): Promise<void> {
    await this.call('DELETE', `/alerts/subscriptions/${encodeURIComponent(id)}`);
  }
}

/** The bytes of a base64url string (an applicationServerKey). */
export function base64UrlBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Whether this browser can take push alerts at all. */
export function pushSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
}

/** The service worker's registration (registering sw.js beside the page). */
export async function registration(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration('./');
  if (existing) return existing;
  await navigator.serviceWorker.register('./sw.js', { scope: './' });
  return navigator.serviceWorker.ready;
}

/** This browser's current push subscription, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.getRegistration('./');
  return reg ? reg.pushManager.getSubscription() : null;
}

/**
 * Asks permission and subscribes this browser with the stage's key. A
 * subscription made with another key (the stage's key changed) is
 * replaced.
 */
export async function subscribeBrowser(publicKey: string): Promise<PushSubscription> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site: allow them in the browser, then try again.');
  const reg = await registration();
  const key = base64UrlBytes(publicKey);
  const old = await reg.pushManager.getSubscription();
  if (old) {
    const oldKey = old.options.applicationServerKey ? new Uint8Array(old.options.applicationServerKey) : null;
    if (oldKey && oldKey.length === key.length && oldKey.every((b, i) => b === key[i])) return old;
    await old.unsubscribe();
  }
  return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}
