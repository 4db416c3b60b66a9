import { describe, expect, it } from 'vitest';
import { parseJob } from '../src/jobs';

describe('bulk jobs', () => {
  it('reads progress and refuses a malformed job', () => {
    expect(parseJob({ id: 'J1', action: 'delete', status: 'running', processed: 25, deleted: 24, kept: 0, skipped: 1, failed: 0, selection: {} }))
      .toEqual({ id: 'J1', action: 'delete', done: false, processed: 25, deleted: 24, kept: 0, skipped: 1, failed: 0 });
    expect(parseJob({ id: 'J1', action: 'keep', status: 'done', total: 3, processed: 3, deleted: 0, kept: 3, skipped: 0, failed: 0 }).done).toBe(true);
    expect(() => parseJob({ id: 'J1', processed: -1 })).toThrow();
    expect(() => parseJob(null)).toThrow();
  });
});
