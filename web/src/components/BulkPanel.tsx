// Bulk actions (admins): delete or keep the clips picked by hand on the
// cards, every clip of a day (of the camera the filters name, or all), or
// the filtered camera's clips between the From and To days, as a job the
// server runs to the end (its job runner) while the panel polls its
// progress: closing the page does not stop it. A job whose progress stalls
// (its runner never started, stopped or gave up) the panel moves on with
// POST /jobs/{id}/run, in this admin's name.
import { useState } from 'preact/hooks';
import { type Api, type ApiError, asApiError } from '../api';
import { followJob } from '../followJob';
import type { Job, JobRequest } from '../jobs';
import { dayEnd, dayStart, formatDay, type Route } from '../route';

type Scope = 'day' | 'range' | 'picked';

export function BulkPanel(p: {
  api: Api;
  route: Route;
  selected: { cameraId: string; videoId: string }[];
  onClearSelection: () => void;
  cameraName: (id: string) => string;
  onApiError: (e: ApiError) => void;
  onDone: () => void;
}) {
  const camera = p.route.camera;
  const [scope, setScope] = useState<Scope>('day');
  const [day, setDay] = useState(() => formatDay(new Date()));
  const [includeKept, setIncludeKept] = useState(false);
  const [confirming, setConfirming] = useState<'delete' | 'keep' | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: 'delete' | 'keep') {
    setConfirming(null);
    setRunning(true);
    setError(null);
    try {
      const req: JobRequest = { action };
      if (eff === 'picked') req.clips = p.selected;
      else if (eff === 'range' && camera && p.route.from && p.route.to) {
        req.cameraId = camera;
        req.from = dayStart(p.route.from).toISOString();
        req.to = dayEnd(p.route.to).toISOString();
      } else {
        req.day = day;
        if (camera) req.cameraId = camera;
      }
      if (action === 'delete' && includeKept) req.includeKept = true;
      const j = await p.api.createJob(req);
      setJob(j);
      // The server runs the job; the panel reads its progress, and moves a
      // stalled job on itself (followJob).
      await followJob(j, {
        job: (id) => p.api.job(id),
        run: (id) => p.api.runJob(id),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        onProgress: setJob,
      });
      p.onDone();
    } catch (e) {
      const err = asApiError(e);
      p.onApiError(err);
      setError(err.message);
    } finally {
      setRunning(false);
    }
  }

  const canRange = Boolean(camera && p.route.from && p.route.to);
  const eff: Scope = scope === 'picked' && p.selected.length === 0 ? 'day' : scope === 'range' && !canRange ? 'day' : scope;
  const what =
    eff === 'picked'
      ? `the ${p.selected.length} picked clip${p.selected.length === 1 ? '' : 's'}`
      : eff === 'range'
        ? `${camera ? p.cameraName(camera) : ''}'s clips from ${p.route.from} to ${p.route.to}`
        : `every clip of ${day} from ${camera ? p.cameraName(camera) : 'every camera'}`;
  const total = job ? (job.total ?? (job.done ? job.processed : undefined)) : undefined;
  return (
    <section class="bulk" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Bulk actions</h2>
      <div class="row">
        <label for="bulk-scope">Which clips</label>
        <select id="bulk-scope" value={eff} onChange={(e) => setScope(e.currentTarget.value as Scope)} disabled={running}>
          <option value="day">A whole day</option>
          <option value="range" disabled={!canRange}>
            The filtered camera and days
          </option>
          <option value="picked" disabled={p.selected.length === 0}>
            Picked by hand ({p.selected.length})
          </option>
        </select>
        {eff === 'day' ? (
          <>
            <label for="bulk-day">Day (UTC)</label>
            <input id="bulk-day" type="date" value={day} onChange={(e) => setDay(e.currentTarget.value)} disabled={running} />
          </>
        ) : null}
        {p.selected.length > 0 ? (
          <button type="button" class="btn ghost small" onClick={p.onClearSelection} disabled={running}>
            Clear picks
          </button>
        ) : null}
      </div>
      <div class="row">
        <input id="bulk-kept" type="checkbox" checked={includeKept} onChange={(e) => setIncludeKept(e.currentTarget.checked)} disabled={running} />
        <label for="bulk-kept">Delete kept clips too</label>
      </div>
      <div class="row">
        <button type="button" class="btn danger" disabled={running || (eff === 'day' && !day)} onClick={() => setConfirming('delete')}>
          {eff === 'day' ? "Delete the day's clips" : 'Delete these clips'}
        </button>
        <button type="button" class="btn" disabled={running || (eff === 'day' && !day)} onClick={() => setConfirming('keep')}>
          {eff === 'day' ? "Keep the day's clips" : 'Keep these clips'}
        </button>
      </div>
      {confirming ? (
        <div class="bulk-confirm panel" role="alertdialog" aria-labelledby="bulk-confirm-title">
          <p id="bulk-confirm-title">
            {confirming === 'delete'
              ? `Delete ${what}${includeKept ? ', kept ones included' : ' (kept clips are spared)'}? This cannot be undone.`
              : `Keep ${what} past retention?`}
          </p>
          <div class="row">
            <button type="button" class="btn" onClick={() => setConfirming(null)}>
              Cancel
            </button>
            <button type="button" class={confirming === 'delete' ? 'btn danger' : 'btn'} onClick={() => run(confirming)}>
              {confirming === 'delete' ? 'Delete them' : 'Keep them'}
            </button>
          </div>
        </div>
      ) : null}
      {job ? (
        <div class="bulk-progress" data-testid="bulk-progress" data-done={job.done ? 'true' : 'false'}>
          <progress
            max={total ?? Math.max(job.processed + 25, 1)}
            value={job.processed}
            aria-label={job.done ? 'Bulk job done' : 'Bulk job progress'}
          />
          <p role="status" data-testid="bulk-status">
            {job.done ? 'Done: ' : 'Working: '}
            {job.action === 'delete' ? `${job.deleted} deleted, ${job.skipped} skipped (kept)` : `${job.kept} kept`}
            {`, ${job.failed} failed`}
            {total !== undefined ? ` of ${total}` : ` (${job.processed} so far)`}.
          </p>
          {job.done ? null : <p class="muted">The job runs on the server: it goes on if you close this page.</p>}
        </div>
      ) : null}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
