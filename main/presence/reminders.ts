/**
 * "You're not tracking": a pure decision from the time, the settings and what the user did.
 * Reminds after `afterMinutes` without a running timer while the user is at the computer, on
 * the chosen weekdays between `from` and `to` (local time), then again every `afterMinutes`
 * while that lasts. Time away, outside the hours, or before the app ran does not count.
 */
import type { ReminderSettings } from '../../preload/contract';

export interface ReminderInput {
  now: number;
  settings: ReminderSettings;
  tracking: boolean;
  /** The user is at the computer (not away, locked or asleep). */
  present: boolean;
  /**
   * Since when nothing has been tracked while the user was present: the later of the last
   * stop, the app's start and the user's return.
   */
  idleSince: number;
  lastReminderAt: number | null;
}

const MIN = 60_000;

/** Minutes since local midnight of `ms`. */
function minuteOfDay(ms: number): number {
  const d = new Date(ms);
  return d.getHours() * 60 + d.getMinutes();
}

function parseHHMM(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Local midnight + minutes of the day `ms` falls on. */
function todayAt(ms: number, minutes: number): number {
  const d = new Date(ms);
  d.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return d.getTime();
}

export function inReminderHours(now: number, settings: ReminderSettings): boolean {
  if (!settings.weekdays.includes(new Date(now).getDay())) return false;
  const m = minuteOfDay(now);
  return m >= parseHHMM(settings.from) && m < parseHHMM(settings.to);
}

export function reminderDue(input: ReminderInput): boolean {
  const { now, settings } = input;
  if (!settings.enabled || input.tracking || !input.present) return false;
  if (!inReminderHours(now, settings)) return false;
  // Time before today's window opened is not "not tracking" time.
  const counted = Math.max(input.idleSince, todayAt(now, parseHHMM(settings.from)));
  const every = settings.afterMinutes * MIN;
  if (now - counted < every) return false;
  return input.lastReminderAt === null || now - Math.max(input.lastReminderAt, counted) >= every;
}
