import { describe, expect, it } from 'vitest';
import { epochToLocal, isKnownZone, localToEpoch, zoneOffsetMs } from './zoned-time';

describe('zoned time', () => {
  it('reads a Madrid wall-clock time in winter and in summer', () => {
    expect(localToEpoch('2026-11-27 10:00:00', 'Europe/Madrid')).toBe(
      Date.parse('2026-11-27T09:00:00Z'),
    );
    expect(localToEpoch('2026-07-01 10:00:00', 'Europe/Madrid')).toBe(
      Date.parse('2026-07-01T08:00:00Z'),
    );
    expect(localToEpoch('2026-11-27 04:00:00', 'America/New_York')).toBe(
      Date.parse('2026-11-27T09:00:00Z'),
    );
  });

  it('writes wall-clock times and round-trips across DST changes', () => {
    expect(epochToLocal(Date.parse('2026-11-27T09:00:00.900Z'), 'Europe/Madrid')).toBe(
      '2026-11-27 10:00:00',
    );
    // Madrid 2026: clocks go forward on 29 March at 02:00, back on 25 October at 03:00.
    for (const iso of [
      '2026-03-29T00:30:00Z',
      '2026-03-29T01:30:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T01:30:00Z',
    ]) {
      const ms = Date.parse(iso);
      const local = epochToLocal(ms, 'Europe/Madrid');
      const back = localToEpoch(local, 'Europe/Madrid');
      // The repeated autumn hour is ambiguous: either reading is the same wall-clock time.
      expect(epochToLocal(back ?? 0, 'Europe/Madrid')).toBe(local);
    }
    expect(epochToLocal(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Madrid')).toBe(
      '2026-03-29 03:30:00',
    );
  });

  it('takes fixed offsets as TrackingTime writes them, and refuses what is not a date', () => {
    expect(zoneOffsetMs(0, 'GMT+03:00')).toBe(3 * 3600_000);
    expect(zoneOffsetMs(0, 'GMT-05:30')).toBe(-(5 * 60 + 30) * 60_000);
    expect(localToEpoch('2026-11-27 12:00:00', 'GMT+03:00')).toBe(
      Date.parse('2026-11-27T09:00:00Z'),
    );
    expect(localToEpoch('yesterday', 'Europe/Madrid')).toBeNull();
    expect(isKnownZone('Europe/Madrid')).toBe(true);
    expect(isKnownZone('Mars/Olympus')).toBe(false);
  });
});
