// camvault's service worker: shows new-clip alerts pushed by the stage's
// push sender (Web Push) and opens the clip when one is clicked. The
// payload holds the camera's name, the capture time, how many clips were
// folded in, a link into this web client and perhaps a small inline
// thumbnail; never a signed URL or a token, so opening the clip goes
// through sign-in as usual.
'use strict';

/** Only a link into this site is opened; anything else opens the site. */
function clipUrl(u) {
  const home = self.registration.scope;
  try {
    const url = new URL(u, home);
    return url.origin === self.location.origin ? url.href : home;
  } catch {
    return home;
  }
}

/** The notification for a payload (JSON, see videos-api/push.Payload). */
function notificationOf(data) {
  const d = data && typeof data === 'object' ? data : {};
  const title = typeof d.title === 'string' && d.title ? d.title.slice(0, 100) : 'camvault';
  const at = typeof d.capturedAt === 'string' ? new Date(d.capturedAt) : null;
  let body = at && !Number.isNaN(at.getTime()) ? `Motion at ${at.toLocaleString()}` : 'A new clip';
  const folded = Number.isInteger(d.folded) && d.folded > 0 ? d.folded : 0;
  if (folded) body += ` · ${folded} more clip${folded === 1 ? '' : 's'} since the last alert`;
  const options = {
    body,
    tag: `camvault-${typeof d.cameraId === 'string' ? d.cameraId : 'clip'}`,
    renotify: true,
    icon: 'favicon.svg',
    data: { url: clipUrl(typeof d.url === 'string' ? d.url : '') },
  };
  if (typeof d.image === 'string' && d.image.startsWith('data:image/jpeg;base64,')) options.image = d.image;
  return { title, options };
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = null;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  const n = notificationOf(data);
  event.waitUntil(self.registration.showNotification(n.title, n.options));
});

/** Opens (or focuses and moves) a window on the clip. */
async function openClip(url) {
  const wins = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const w of wins) {
    if (new URL(w.url).origin !== self.location.origin || !('navigate' in w)) continue;
    let moved;
    try {
      moved = await w.navigate(url);
    } catch {
      continue; // not ours to move (uncontrolled): try another, or open one
    }
    try {
      await (moved ?? w).focus();
    } catch {
      // Focus needs the click's user activation; the window has moved anyway.
    }
    return;
  }
  await self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = clipUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(openClip(url));
});
