/**
 * What a typed start time means, shared by the popup's start-time field and `tray-timer edit
 * --start`, so "9:15" is the same moment everywhere. Pure, no runtime imports beyond format.ts:
 * safe for every process.
 *
 * Accepted (decided for issue 8):
 * - a clock time, 24-hour: "9:15", "09:15", "9.15", "9h15", "915", "0915", "9" (= 9:00); or
 *   12-hour with am/pm: "9:15pm", "9pm", "9 p", "12:05 am". It means the LATEST such local time
 *   that is not in the future: at 10:00 "9:15" is today 09:15; at 00:10 "23:50" is yesterday
 *   23:50. Seconds are 0. Three or four digits are H:MM / HH:MM ("915", "1230").
 * - an ISO 8601 date and time ("2026-11-27T09:15", "2026-11-27T09:15:00+01:00"; without an
 *   offset it is local time), taken as is; it must not be in the future.
 * How far back a start may go is the core's rule (entry.update checks it for every caller).
 */
import { toLocalIso } from './format';

export type StartTimeResult = { ok: true; at: number } | { ok: false; message: string };

const CLOCK_24 = /^(\d{1,2})(?:[:.h](\d{2})|(\d{2}))?$/i;
const CLOCK_12 = /^(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?m?\.?$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const HINT = 'Type a time such as 9:15 or 21:40 (or a date and time, 2026-11-27T09:15).';

export function parseStartTime(text: string, now: number): StartTimeResult {
  const typed = text.trim();
  if (typed === '') return { ok: false, message: `The start time is empty. ${HINT}` };

  if (ISO.test(typed)) {
    const at = Date.parse(typed);
    if (Number.isNaN(at)) return { ok: false, message: `“${typed}” is not a date and time.` };
    if (at > now) return { ok: false, message: "The start can't be in the future." };
    return { ok: true, at };
  }

  const clock = readClock(typed);
  if (!clock) return { ok: false, message: `“${typed}” is not a time. ${HINT}` };
  return { ok: true, at: latestAtOrBefore(clock.hours, clock.minutes, now) };
}

function readClock(typed: string): { hours: number; minutes: number } | null {
  const h12 = CLOCK_12.exec(typed);
  if (h12) {
    const hour = Number(h12[1]);
    const minutes = Number(h12[2] ?? '0');
    if (hour < 1 || hour > 12 || minutes > 59) return null;
    const pm = h12[3]?.toLowerCase() === 'p';
    return { hours: (hour % 12) + (pm ? 12 : 0), minutes };
  }
  const h24 = CLOCK_24.exec(typed);
  if (!h24) return null;
  const hours = Number(h24[1]);
  const minutes = Number(h24[2] ?? h24[3] ?? '0');
  if (hours > 23 || minutes > 59) return null;
  return { hours, minutes };
}

/**
 * Today at hours:minutes local time, or the day before when that is still ahead. Built with
 * the Date fields (not "minus 24 h") so a daylight-saving change in between keeps the wall
 * clock time the user typed.
 */
function latestAtOrBefore(hours: number, minutes: number, now: number): number {
  const d = new Date(now);
  d.setHours(hours, minutes, 0, 0);
  if (d.getTime() > now) {
    d.setDate(d.getDate() - 1);
    d.setHours(hours, minutes, 0, 0);
  }
  return d.getTime();
}

/** The ISO 8601 text with the local offset that entry.update takes ("2026-11-27T09:15:00+01:00"). */
export function toIsoWithOffset(ms: number): string {
  return toLocalIso(ms, true);
}
