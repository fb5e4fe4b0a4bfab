import {
  DAY_MS,
  formatDuration,
  HOUR_MS,
  laterIso,
  MINUTE_MS,
  SECOND_MS,
  toIso,
  toMs,
} from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');

describe('time helpers', () => {
  test('toIso and toMs round-trip', () => {
    expect(toIso(T0)).toBe('2026-01-05T12:00:00.000Z');
    expect(toMs(toIso(T0))).toBe(T0);
  });

  test('laterIso picks the later instant and ignores nulls', () => {
    const a = toIso(T0);
    const b = toIso(T0 + 1);
    expect(laterIso(a, b)).toBe(b);
    expect(laterIso(b, a)).toBe(b);
    expect(laterIso(null, a)).toBe(a);
    expect(laterIso(a, null)).toBe(a);
    expect(laterIso(null, null)).toBeNull();
  });

  test('laterIso compares instants, not strings', () => {
    expect(laterIso('2026-01-05T13:00:00+02:00', '2026-01-05T12:00:00Z')).toBe('2026-01-05T12:00:00Z');
  });

  test.each([
    [3 * DAY_MS + 4 * HOUR_MS + 5 * MINUTE_MS, '3d 4h'],
    [5 * HOUR_MS + 12 * MINUTE_MS, '5h 12m'],
    [7 * MINUTE_MS + 30 * SECOND_MS, '7m'],
    [40 * SECOND_MS, '40s'],
    [0, '0s'],
    [-(2 * DAY_MS), '-2d 0h'],
  ])('formatDuration(%d) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
