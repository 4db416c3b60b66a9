import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart, formatDay, formatRoute, isDay, listKey, parseRoute } from '../src/route';

describe('route', () => {
  it('round-trips filters and the open clip', () => {
    const r = { camera: 'front', from: '2026-11-01', to: '2026-11-25', clip: { cameraId: 'front', videoId: '01JABC' } };
    const h = formatRoute(r);
    expect(h).toBe('#/?camera=front&from=2026-11-01&to=2026-11-25&clip=front/01JABC');
    expect(parseRoute(h)).toEqual(r);
  });

  it('is #/ with nothing set', () => {
    expect(formatRoute({})).toBe('#/');
    expect(parseRoute('')).toEqual({});
    expect(parseRoute('#/')).toEqual({});
  });

  it('drops values it cannot trust', () => {
    expect(
      parseRoute('#/?camera=%3Cscript%3E&from=2026-13-01&to=yesterday&clip=nocamera&limit=1000'),
    ).toEqual({});
    expect(parseRoute('#/?clip=/01J')).toEqual({});
    expect(parseRoute('#/?from=2026-02-30')).toEqual({});
  });

  it('keeps a sane page size', () => {
    expect(parseRoute('#/?limit=5').limit).toBe(5);
    expect(parseRoute('#/?limit=0').limit).toBeUndefined();
  });

  it('list key ignores the open clip', () => {
    expect(listKey(parseRoute('#/?camera=a&clip=a/1'))).toBe(listKey(parseRoute('#/?camera=a')));
    expect(listKey(parseRoute('#/?camera=a'))).not.toBe(listKey(parseRoute('#/?camera=b')));
  });
});

describe('days', () => {
  it('spans a local calendar day', () => {
    const s = dayStart('2026-11-25');
    const e = dayEnd('2026-11-25');
    expect(formatDay(s)).toBe('2026-11-25');
    expect(s.getHours()).toBe(0);
    expect(formatDay(e)).toBe('2026-11-26');
    expect(e.getHours()).toBe(0);
  });

  it('checks dates', () => {
    expect(isDay('2026-11-25')).toBe(true);
    expect(isDay('2026-11-31')).toBe(false);
    expect(isDay('26-11-25')).toBe(false);
  });
});

describe('the Kept view', () => {
  it('round-trips kept=1 and keys its list apart', () => {
    expect(formatRoute({ kept: true })).toBe('#/?kept=1');
    expect(parseRoute('#/?kept=1')).toEqual({ kept: true });
    expect(parseRoute('#/?kept=yes')).toEqual({});
    expect(listKey({ kept: true })).not.toBe(listKey({}));
  });
});
