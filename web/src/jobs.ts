// Bulk jobs (admins) as the client sees them: the request, the job's
// progress and the one place that knows their wire shape.
import { ShapeError } from './model';

/** What a bulk job does and to which clips (POST /jobs). */
export interface JobRequest {
  action: 'delete' | 'keep';
  clips?: { cameraId: string; videoId: string }[];
  /** A UTC day, yyyy-mm-dd. */
  day?: string;
  cameraId?: string;
  from?: string;
  to?: string;
  includeKept?: boolean;
}

/** A bulk job's progress. */
export interface Job {
  id: string;
  action: 'delete' | 'keep';
  done: boolean;
  total?: number;
  processed: number;
  deleted: number;
  kept: number;
  skipped: number;
  failed: number;
}

export function parseJob(v: unknown): Job {
  if (typeof v !== 'object' || v === null) throw new ShapeError('job: not an object');
  const o = v as Record<string, unknown>;
  const n = (k: string): number => {
    const x = o[k];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new ShapeError(`job: missing ${k}`);
    return x;
  };
  if (typeof o['id'] !== 'string' || !o['id']) throw new ShapeError('job: missing id');
  const j: Job = {
    id: o['id'], action: o['action'] === 'keep' ? 'keep' : 'delete', done: o['status'] === 'done',
    processed: n('processed'), deleted: n('deleted'), kept: n('kept'), skipped: n('skipped'), failed: n('failed'),
  };
  if (typeof o['total'] === 'number') j.total = o['total'];
  return j;
}
