/**
 * "Today" in the user's local time zone: what the tooltip and the popup total show. An entry
 * that crosses midnight counts only its part after midnight.
 */
import type { RemoteEntry } from '../providers/provider';

export function startOfLocalDay(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The next local midnight after `nowMs` (DST-safe: built from the calendar date, not +24 h). */
export function nextLocalMidnight(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}

/** Seconds of the given entries that fall between local midnight and now. */
export function secondsToday(entries: readonly RemoteEntry[], nowMs: number): number {
  const dayStart = startOfLocalDay(nowMs);
  let ms = 0;
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.start === null || seen.has(e.id)) continue;
    seen.add(e.id);
    const from = Math.max(e.start, dayStart);
    const to = Math.min(e.stop ?? nowMs, nowMs);
    if (to > from) ms += to - from;
  }
  return Math.floor(ms / 1000);
}
