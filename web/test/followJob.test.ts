import { describe, expect, it } from 'vitest';
import { Api, ApiError } from '../src/api';
import { followJob, MAX_FAILURES, MAY_NOT_RUN, POLL_MS, STALL_POLLS } from '../src/followJob';
import type { Job } from '../src/jobs';

const job = (processed: number, done = false): Job => ({
  id: 'J1', action: 'delete', done, processed, deleted: processed, kept: 0, skipped: 0, failed: 0,
});

/**
 * A scripted server: each GET answers the next of polls, each /run the
 * next of runs (a Job or an error to throw); calls and sleeps are recorded.
 */
function server(polls: (Job | Error)[], runs: (Job | Error)[] = []) {
  const calls: string[] = [];
  const progress: number[] = [];
  const sleeps: number[] = [];
  const next = (list: (Job | Error)[], what: string): Promise<Job> => {
    calls.push(what);
    const a = list.shift();
    if (!a) return Promise.reject(new Error(`unexpected ${what}`));
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
  return {
    calls, progress, sleeps,
    deps: {
      job: (id: string) => next(polls, `poll ${id}`),
      run: (id: string) => next(runs, `run ${id}`),
      sleep: (ms: number) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      onProgress: (j: Job) => progress.push(j.processed),
    },
  };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const stalled = (n: number, processed: number) => Array.from({ length: n }, () => job(processed));

describe('followJob', () => {
  it('finishes by polling alone while the runner moves the job', async () => {
    // A slow start (a cold runner) within the stall window is no stall.
    const s = server([...stalled(STALL_POLLS - 1, 0), job(10), ...stalled(STALL_POLLS - 1, 10), job(25), job(30, true)]);
    const done = await followJob(job(0), s.deps);
    expect(done).toEqual(job(30, true));
    expect(s.calls.every((c) => c === 'poll J1')).toBe(true);
    expect(s.calls).toHaveLength(2 * STALL_POLLS + 1);
    expect(s.progress.at(-1)).toBe(30);
    expect(new Set(s.sleeps)).toEqual(new Set([POLL_MS]));
  });

  it('a stall makes exactly one /run, then polling resumes', async () => {
    const s = server([...stalled(STALL_POLLS, 5), job(40), job(60, true)], [job(30)]);
    const done = await followJob(job(5), s.deps);
    expect(done.done).toBe(true);
    expect(s.calls).toEqual([...Array(STALL_POLLS).fill('poll J1'), 'run J1', 'poll J1', 'poll J1']);
    expect(s.progress.slice(STALL_POLLS)).toEqual([30, 40, 60]);
  });

  it('a runner that stays gone is met by one /run per stall', async () => {
    const s = server([...stalled(STALL_POLLS, 0), ...stalled(STALL_POLLS, 25)], [job(25), job(30, true)]);
    const done = await followJob(job(0), s.deps);
    expect(done).toEqual(job(30, true));
    expect(s.calls.filter((c) => c === 'run J1')).toHaveLength(2);
    expect(s.calls[STALL_POLLS]).toBe('run J1');
    expect(s.calls[2 * STALL_POLLS + 1]).toBe('run J1');
  });

  it('a run that finishes the job ends the loop', async () => {
    const s = server(stalled(STALL_POLLS, 3), [job(4, true)]);
    expect(await followJob(job(3), s.deps)).toEqual(job(4, true));
    expect(s.calls.at(-1)).toBe('run J1');
  });

  it('retries transient server and network errors, as many as MAX_FAILURES in a row', async () => {
    const transient = () => new ApiError('server', 502, 'bad gateway');
    const offline = () => new ApiError('network', 0, 'offline');
    const s = server([transient(), offline(), job(10), ...Array.from({ length: MAX_FAILURES }, transient), job(20, true)]);
    expect(await followJob(job(0), s.deps)).toEqual(job(20, true));

    const t = server([job(1), ...Array.from({ length: MAX_FAILURES + 1 }, transient)]);
    const err = await failure(followJob(job(0), t.deps));
    expect(err.kind).toBe('server');
    expect(t.calls).toHaveLength(MAX_FAILURES + 2);
  });

  it('failed polls do not count as a stall', async () => {
    const transient = () => new ApiError('server', 503, 'unavailable');
    const polls: (Job | Error)[] = [];
    for (let i = 0; i < STALL_POLLS - 1; i++) polls.push(job(0), transient());
    polls.push(job(1, true));
    const s = server(polls);
    expect((await followJob(job(0), s.deps)).done).toBe(true);
    expect(s.calls.includes('run J1')).toBe(false);
  });

  it('a transient /run failure is retried at the next stall', async () => {
    const s = server([...stalled(STALL_POLLS, 0), ...stalled(STALL_POLLS, 0)], [new ApiError('server', 500, 'oops'), job(2, true)]);
    expect(await followJob(job(0), s.deps)).toEqual(job(2, true));
    expect(s.calls.filter((c) => c === 'run J1')).toHaveLength(2);
  });

  it('a 403 from /run ends the loop: this admin may not run the job', async () => {
    const s = server(stalled(STALL_POLLS, 7), [new ApiError('forbidden', 403, 'This account is not allowed to do that.', 'forbidden')]);
    const err = await failure(followJob(job(7), s.deps));
    expect(err.kind).toBe('forbidden');
    expect(err.status).toBe(403);
    expect(err.message).toBe(MAY_NOT_RUN);
    expect(err.message).toContain('you may not run this job');
    expect(s.calls.at(-1)).toBe('run J1');
  });

  it('any other refusal ends the loop as it is', async () => {
    const gone = new ApiError('notFound', 404, 'Not found.');
    const s = server([job(1), gone]);
    expect(await failure(followJob(job(0), s.deps))).toBe(gone);
    const signedOut = new ApiError('unauthorized', 401, 'Your sign-in has ended.');
    const t = server(stalled(STALL_POLLS, 0), [signedOut]);
    expect(await failure(followJob(job(0), t.deps))).toBe(signedOut);
  });

  it('a job done already is not polled', async () => {
    const s = server([]);
    expect(await followJob(job(3, true), s.deps)).toEqual(job(3, true));
    expect(s.calls).toEqual([]);
  });
});

describe('Api.runJob', () => {
  it('POSTs /jobs/{id}/run and reads the progress', async () => {
    const calls: { url: string; method: string | undefined }[] = [];
    const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(input), method: init?.method });
      return new Response(JSON.stringify({ id: 'J 1', action: 'keep', status: 'running', processed: 25, deleted: 0, kept: 25, skipped: 0, failed: 0 }), {
        status: 202, headers: { 'Content-Type': 'application/json' },
      });
    }) as typeof fetch;
    const api = new Api({ baseUrl: 'http://127.0.0.1:4000/dev/', token: () => 'tok', fetch: f });
    const j = await api.runJob('J 1');
    expect(j).toEqual({ id: 'J 1', action: 'keep', done: false, processed: 25, deleted: 0, kept: 25, skipped: 0, failed: 0 });
    expect(calls).toEqual([{ url: 'http://127.0.0.1:4000/dev/jobs/J%201/run', method: 'POST' }]);
  });
});
