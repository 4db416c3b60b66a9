import { describe, expect, it } from 'vitest';
import { parseCamera, parseClip, parseClipDetail, parseMe, parsePage, ShapeError } from '../src/model';
import { duration, size } from '../src/format';
import { parseConfig, ConfigError } from '../src/config';

describe('wire shapes', () => {
  it('tolerates absent optional fields and drops bad ones', () => {
    expect(parseCamera({ id: 'yard' })).toEqual({ id: 'yard', name: 'yard' });
    expect(parseCamera({ id: 'yard', name: 'Yard', lastClipAt: 'never', clipCount: -1 })).toEqual({ id: 'yard', name: 'Yard' });
    expect(parseClip({ id: 'v', cameraId: 'c', capturedAt: '2026-11-25T10:00:00Z', durationSeconds: 0 })).toEqual({
      id: 'v', cameraId: 'c', capturedAt: new Date('2026-11-25T10:00:00Z'), hasThumbnail: false,
    });
  });

  it('keeps a well-formed sha256 and drops anything else', () => {
    const base = { id: 'v', cameraId: 'c', capturedAt: '2026-11-25T10:00:00Z', playUrl: 'http://s3/p', downloadUrl: 'http://s3/d' };
    const sum = 'a'.repeat(64);
    expect(parseClipDetail({ ...base, sha256: sum }).sha256).toBe(sum);
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), '<img src=x>', 7]) {
      expect(parseClipDetail({ ...base, sha256: bad })).not.toHaveProperty('sha256');
    }
  });

  it('refuses missing required fields', () => {
    expect(() => parseClip({ id: 'v', cameraId: 'c', capturedAt: 'soon' })).toThrow(ShapeError);
    expect(() => parseCamera({ name: 'x' })).toThrow(ShapeError);
    expect(() => parsePage({}, parseCamera)).toThrow(ShapeError);
    expect(() => parseMe({ role: 'admin' })).toThrow(ShapeError);
  });

  it('reads ["*"] as every camera and a list as a restriction', () => {
    expect(parseMe({ email: 'a@example.com', role: 'viewer', cameras: ['*'] }).cameras).toBe('all');
    expect(parseMe({ email: 'a@example.com', role: 'viewer', cameras: ['front-door'] }).cameras).toEqual(['front-door']);
    expect(parseMe({ email: 'a@example.com', role: 'viewer', cameras: [] }).cameras).toEqual([]);
  });

  it('never promotes an unknown role to admin', () => {
    expect(parseMe({ email: 'a@example.com', role: 'root' }).role).toBe('viewer');
  });
});

describe('config.json', () => {
  it('reads the dev config', () => {
    expect(parseConfig({ stage: 'dev', apiUrl: 'http://127.0.0.1:4000/dev', auth: 'dev', clientId: 'c', issuerUrl: 'http://127.0.0.1:4002/' })).toEqual({
      stage: 'dev', apiUrl: 'http://127.0.0.1:4000/dev', auth: 'dev', clientId: 'c', issuerUrl: 'http://127.0.0.1:4002',
    });
  });

  it.each([
    [{ apiUrl: 'https://x', auth: 'google' }],
    [{ apiUrl: 'https://x', auth: 'saml', clientId: 'c' }],
    [{ apiUrl: 'javascript:alert(1)', auth: 'google', clientId: 'c' }],
    [{ apiUrl: 'https://x', auth: 'dev', clientId: 'c' }],
    [null],
  ])('refuses %j', (v) => {
    expect(() => parseConfig(v)).toThrow(ConfigError);
  });
});

describe('format', () => {
  it('durations and sizes', () => {
    expect(duration(7)).toBe('0:07');
    expect(duration(125.4)).toBe('2:05');
    expect(duration(3723)).toBe('1:02:03');
    expect(size(512)).toBe('512 B');
    expect(size(1536)).toBe('1.5 kB');
    expect(size(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(size(300 * 1024 * 1024)).toBe('300 MB');
  });
});
