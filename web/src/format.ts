// How times, durations and sizes read in the viewer's locale and time zone.
import { dayStart, formatDay } from './route';

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
});
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

export function clockTime(d: Date): string {
  return timeFmt.format(d);
}

/** Full capture time with the viewer's time zone, e.g. "Wed, 25 Nov 2026, 14:03:12 UTC". */
export function captureTime(d: Date): string {
  return dateTimeFmt.format(d);
}

/** "Today", "Yesterday" or the long date of a yyyy-mm-dd day. */
export function dayHeading(day: string, now: Date): string {
  const today = formatDay(now);
  const y = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (day === today) return 'Today';
  if (day === formatDay(y)) return 'Yesterday';
  return dayFmt.format(dayStart(day));
}

/** "2 min ago", "3 h ago", or a date for older times. */
export function relativeTime(d: Date, now: Date): string {
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.round(s / 86400)} d ago`;
  return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

/** "0:42", "12:03", "1:02:03". */
export function duration(seconds: number): string {
  const t = Math.round(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "512 B", "1.4 MB". */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
