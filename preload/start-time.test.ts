/**
 * parseStartTime: what a typed start means. Times are built with the local Date constructor,
 * so the expectations hold in any time zone the suite runs in.
 */
import { describe, expect, it } from 'vitest';
import { parseStartTime, toIsoWithOffset } from './start-time';

const local = (day: number, h: number, m: number) => new Date(2026, 10, day, h, m).getTime();
const NOW = local(27, 10, 0) + 23_000; // Fri 27 Nov 2026, 10:00:23 local

const at = (text: string, now = NOW) => {
  const r = parseStartTime(text, now);
  if (!r.ok) throw new Error(`refused “${text}”: ${r.message}`);
  return r.at;
};

describe('parseStartTime', () => {
  it('reads 9:15, 09:15, 9.15, 9h15, 915 and 0915 as today 09:15:00 when that is past', () => {
    for (const text of ['9:15', '09:15', '9.15', '9h15', '915', '0915', ' 9:15 '])
      expect(at(text), text).toBe(local(27, 9, 15));
    // A bare hour is that hour sharp.
    expect(at('9')).toBe(local(27, 9, 0));
    expect(at('1230')).toBe(local(26, 12, 30));
  });

  it('takes the latest such time that is not in the future: 10:30 at 10:00 is yesterday', () => {
    expect(at('10:30')).toBe(local(26, 10, 30));
    // The current minute itself is not in the future (seconds are 0).
    expect(at('10:00')).toBe(local(27, 10, 0));
  });

  it('midnight: at 00:10, 23:50 is yesterday and 00:05 is today', () => {
    const justAfterMidnight = local(27, 0, 10);
    expect(at('23:50', justAfterMidnight)).toBe(local(26, 23, 50));
    expect(at('00:05', justAfterMidnight)).toBe(local(27, 0, 5));
    // Across a month boundary too.
    const firstOfDec = new Date(2026, 11, 1, 0, 10).getTime();
    expect(at('23:50', firstOfDec)).toBe(new Date(2026, 10, 30, 23, 50).getTime());
  });

  it('reads 12-hour times with am/pm', () => {
    expect(at('9:15am')).toBe(local(27, 9, 15));
    expect(at('9pm')).toBe(local(26, 21, 0));
    expect(at('12:05 AM')).toBe(local(27, 0, 5));
    expect(at('12:30pm', local(27, 13, 0))).toBe(local(27, 12, 30));
    expect(at('9 p')).toBe(local(26, 21, 0));
  });

  it('takes an ISO date and time as is (local without an offset), never in the future', () => {
    expect(at('2026-11-27T08:05')).toBe(local(27, 8, 5));
    expect(at('2026-11-27T07:00:00Z')).toBe(Date.parse('2026-11-27T07:00:00Z'));
    const future = parseStartTime('2026-11-28T08:00', NOW);
    expect(future).toEqual({ ok: false, message: "The start can't be in the future." });
  });

  it('refuses what is not a time, saying what to type', () => {
    for (const text of ['', '24', '25:00', '9:75', '13pm', 'soon', '9:1', '12345', '2026-11-27']) {
      const r = parseStartTime(text, NOW);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.message, text).toMatch(/Type a time such as 9:15/);
    }
  });
});

describe('toIsoWithOffset', () => {
  it('writes local time with its offset, the same instant', () => {
    const ms = local(27, 9, 15);
    const iso = toIsoWithOffset(ms);
    expect(iso).toMatch(/^2026-11-27T09:15:00[+-]\d\d:\d\d$/);
    expect(Date.parse(iso)).toBe(ms);
  });
});
