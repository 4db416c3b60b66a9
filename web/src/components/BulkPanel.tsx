// Bulk actions (admins): delete or keep every clip of a day (of the camera
// the filters name, or all), as a job the panel runs batch by batch while
// it draws the progress. A hand-picked list goes through the API (POST
// /jobs with clips).
import { useState } from 'preact/hooks';
import { type Api, type ApiError, asApiError } from '../api';
import type { Job } from '../jobs';
import { formatDay } from '../route';

export function BulkPanel(p: { api: Api; camera?: string | undefined; cameraName: (id: string) => string; onApiError: (e: ApiError) => void; onDone: () => void }) {
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
      let j = await p.api.createJob({ action, day, ...(p.camera ? { cameraId: p.camera } : {}), ...(action === 'delete' && includeKept ? { includeKept: true } : {}) });
      setJob(j);
      // Each call moves the job on by a bounded batch; a failed call is
      // simply made again (the job resumes where it stopped).
      let failures = 0;
      while (!j.done) {
        try {
          j = await p.api.runJob(j.id);
          failures = 0;
          setJob(j);
        } catch (e) {
          const err = asApiError(e);
          p.onApiError(err);
          if (err.kind !== 'server' && err.kind !== 'network') throw err;
          if (++failures > 5) throw err;
        }
      }
      p.onDone();
    } catch (e) {
      const err = asApiError(e);
      p.onApiError(err);
      setError(err.message);
    } finally {
      setRunning(false);
    }
  }

  const scope = p.camera ? p.cameraName(p.camera) : 'every camera';
  const total = job ? (job.total ?? (job.done ? job.processed : undefined)) : undefined;
  return (
    <section class="bulk" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Bulk actions</h2>
      <div class="row">
        <label for="bulk-day">Day (UTC)</label>
        <input id="bulk-day" type="date" value={day} onChange={(e) => setDay(e.currentTarget.value)} disabled={running} />
        <span class="muted small">of {scope}</span>
        <input id="bulk-kept" type="checkbox" checked={includeKept} onChange={(e) => setIncludeKept(e.currentTarget.checked)} disabled={running} />
        <label for="bulk-kept">Delete kept clips too</label>
      </div>
      <div class="row">
        <button type="button" class="btn danger" disabled={running || !day} onClick={() => setConfirming('delete')}>
          Delete the day's clips
        </button>
        <button type="button" class="btn" disabled={running || !day} onClick={() => setConfirming('keep')}>
          Keep the day's clips
        </button>
      </div>
      {confirming ? (
        <div class="bulk-confirm panel" role="alertdialog" aria-labelledby="bulk-confirm-title">
          <p id="bulk-confirm-title">
            {confirming === 'delete'
              ? `Delete every clip of ${day} from ${scope}${includeKept ? ', kept ones included' : ' (kept clips are spared)'}? This cannot be undone.`
              : `Keep every clip of ${day} from ${scope} past retention?`}
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
