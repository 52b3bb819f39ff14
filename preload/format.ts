/**
 * Pure display formatting shared by the tray (main), the popup (renderer) and the CLI, so the
 * same time reads the same everywhere. No runtime imports: safe for every process.
 */
import type { PomodoroPhase } from './presence-contract';

/** 83 s → "0:01", 5400 s → "1:30": hours and minutes, for the tooltip and status bars. */
export function formatHoursMinutes(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}`;
}

/** 83 s → "0:01:23": the popup's live clock. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** 5400 s → "1 h 30 min", 300 s → "5 min", 20 s → "20 s": for sentences. */
export function formatDurationWords(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Seconds between an ISO start and `nowMs`, never negative (clock skew between machines). */
export function elapsedSince(startedAtIso: string, nowMs: number): number {
  const start = Date.parse(startedAtIso);
  if (Number.isNaN(start)) return 0;
  return Math.max(0, Math.floor((nowMs - start) / 1000));
}

/** "Writing docs — Website": what an entry is, in one line. */
export function describeEntry(entry: {
  description: string | null;
  projectName: string | null;
  taskName?: string | null;
}): string {
  const what = entry.description?.trim() || '(no description)';
  const where = [entry.projectName, entry.taskName]
    .filter((x): x is string => Boolean(x))
    .join(' / ');
  return where ? `${what} — ${where}` : what;
}

/** "10:31" in the local zone (where the user reads it); null for a time that cannot be read. */
export function formatClockTime(iso: string): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "1 member", "3 members". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What a journal action waiting to be sent waits for, from the error of its last try: the one
 * wording for the core's messages, the tooltip, the popup and the CLI.
 */
export function waitsFor(error: { kind: string } | null): string {
  switch (error?.kind) {
    case 'auth':
    case 'keychain':
      return 'will sync after you sign in again';
    case 'quota':
    case 'rate-limited':
      return 'will sync when the request limit allows';
    case 'offline':
    case undefined:
      return 'will sync when online';
    default:
      // A passing problem of the service itself (HTTP 5xx, a garbled answer).
      return 'will sync when the service answers again';
  }
}

const MIN_ISO_MS = Date.UTC(1000, 0, 2);
const MAX_ISO_MS = Date.UTC(9999, 11, 30);

/**
 * ISO 8601 with the local offset ("2026-11-27T09:15:00.000+01:00"), as the CLI contract asks;
 * `wholeSeconds` leaves out the milliseconds (a typed start time: "2026-11-27T09:15:00+01:00").
 */
export function toLocalIso(ms: number, wholeSeconds = false): string {
  // Four-digit years only (what ISO 8601 readers accept); a service's absurd time is clamped.
  const d = new Date(Number.isFinite(ms) ? Math.min(Math.max(ms, MIN_ISO_MS), MAX_ISO_MS) : 0);
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const millis = wholeSeconds ? '' : `.${pad(d.getMilliseconds(), 3)}`;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:` +
    `${pad(d.getSeconds())}${millis}${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`
  );
}

const PHASE_NAMES: Record<PomodoroPhase, string> = {
  work: 'Focus',
  'short-break': 'Short break',
  'long-break': 'Long break',
};

/** "Focus · 12 min left", "Short break · less than a minute left": tooltip, popup and CLI. */
export function pomodoroText(phase: PomodoroPhase, remainingSeconds: number): string {
  const left = Math.max(0, remainingSeconds);
  const inWords = left < 60 ? 'less than a minute' : formatDurationWords(Math.ceil(left / 60) * 60);
  return `${PHASE_NAMES[phase]} · ${inWords} left`;
}
