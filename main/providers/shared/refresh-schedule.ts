/**
 * When a remote provider polls, the same for every provider: the next poll is one interval
 * after the running timer was last learned (stable however often the core asks), but never
 * before the request budget allows an automatic request. Timed polls stop a little below the
 * cap so popup openings and wake-ups still get a refresh; the user's own refresh always goes.
 */
import type { RefreshReason } from '../provider';

/** What the schedule needs of a provider's request budget. */
export interface AutoRequestBudget {
  /** The earliest time `count` automatic requests stay within `cap` (now when they do). */
  autoAllowedAt(now: number, count: number, cap: number): number;
}

export interface PollPolicy {
  pollMs: number;
  /** The cap for popup openings, wake-ups and start-ups. */
  autoCap: number;
  /** The lower cap for timed polls and list refreshes. */
  backgroundCap: number;
}

/** Milliseconds until the next timed poll (0: now). */
export function nextPollIn(
  learnedAt: number | null,
  now: number,
  budget: AutoRequestBudget,
  policy: PollPolicy,
): number {
  const rhythm = learnedAt === null ? now : learnedAt + policy.pollMs;
  return Math.max(0, Math.max(rhythm, budget.autoAllowedAt(now, 1, policy.backgroundCap)) - now);
}

/**
 * Whether an automatic refresh may spend a request now. A start-up (every `tray-timer status`
 * without the app) reuses a state younger than one poll interval instead.
 */
export function allowsAutoRefresh(
  reason: RefreshReason,
  now: number,
  syncedAt: number | null,
  budget: AutoRequestBudget,
  policy: PollPolicy,
): boolean {
  if (reason === 'user') return true;
  const cap = reason === 'poll' ? policy.backgroundCap : policy.autoCap;
  if (budget.autoAllowedAt(now, 1, cap) > now) return false;
  if (
    reason === 'startup' &&
    syncedAt !== null &&
    now >= syncedAt &&
    now - syncedAt < policy.pollMs
  )
    return false;
  return true;
}
