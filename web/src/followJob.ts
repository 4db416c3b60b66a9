// Following a bulk job from the page: the server's job runner runs it, the
// page polls its progress, and when the progress stalls (the runner never
// started, stopped because its creator's access changed, or gave up after
// its retries) the page moves it on once with POST /jobs/{id}/run, which
// takes its steps in this admin's name and access, and polls again.
// Everything that talks to the server or waits is injected, so the loop is
// tested without either.
import { ApiError, asApiError } from './api';
import type { Job } from './jobs';

/** How often the page reads a running job's progress. */
export const POLL_MS = 700;
/** How many polls without progress make a stall (about 10 s at POLL_MS). */
export const STALL_POLLS = 15;
/** How many failed calls in a row end the loop. */
export const MAX_FAILURES = 5;

/** The message of a stalled job this admin may not run. */
export const MAY_NOT_RUN = 'The job stopped on the server, and you may not run this job: your access no longer allows it.';

/** What followJob calls: the API and a clock, injected. */
export interface FollowJobDeps {
  /** GET /jobs/{id}. */
  job(id: string): Promise<Job>;
  /** POST /jobs/{id}/run: moves the job on by one batch. */
  run(id: string): Promise<Job>;
  /** Waits ms milliseconds. */
  sleep(ms: number): Promise<void>;
  /** Each progress read (from a poll or a run). */
  onProgress(j: Job): void;
}

/** followJob's tuning; the defaults are the page's. */
export interface FollowJobOptions {
  pollMs?: number;
  stallPolls?: number;
  maxFailures?: number;
}

/**
 * Polls job until it is done and answers it. A job whose processed count
 * has not moved for stallPolls polls is run once (POST /jobs/{id}/run),
 * then polled again; each later stall is met the same way. A failed call
 * with a server or network error is made again (at most maxFailures in a
 * row); any other failure ends the loop, a 403 from the run with
 * MAY_NOT_RUN.
 */
export async function followJob(job: Job, d: FollowJobDeps, o: FollowJobOptions = {}): Promise<Job> {
  const pollMs = o.pollMs ?? POLL_MS;
  const stallPolls = o.stallPolls ?? STALL_POLLS;
  const maxFailures = o.maxFailures ?? MAX_FAILURES;
  let j = job;
  let failures = 0;
  let still = 0; // polls in a row without progress
  while (!j.done) {
    await d.sleep(pollMs);
    try {
      let next: Job;
      if (still >= stallPolls) {
        still = 0;
        next = await runOnce(d, j.id);
      } else {
        next = await d.job(j.id);
        still = next.processed > j.processed ? 0 : still + 1;
      }
      failures = 0;
      j = next;
      d.onProgress(j);
    } catch (e) {
      const err = asApiError(e);
      if (err.kind !== 'server' && err.kind !== 'network') throw err;
      if (++failures > maxFailures) throw err;
    }
  }
  return j;
}

async function runOnce(d: FollowJobDeps, id: string): Promise<Job> {
  try {
    return await d.run(id);
  } catch (e) {
    const err = asApiError(e);
    if (err.kind === 'forbidden') throw new ApiError('forbidden', err.status, MAY_NOT_RUN, err.code, err.parameter);
    throw err;
  }
}
