/**
 * Pomodoro rounds as a pure function of time and whether a timer runs. Decisions:
 *  - A focus round begins when a timer starts (any account) and lasts `workMinutes`.
 *  - Stopping the timer during a focus round ends the cycle; the next start begins round 1
 *    again only after a long break or a pause longer than a long break, otherwise it goes on
 *    counting (a short stop for a phone call does not cost the user their progress).
 *  - At the end of a focus round a break begins (long after every `longBreakEvery` rounds);
 *    with `stopDuringBreaks` the timer is stopped at that moment. The count of finished rounds
 *    shows through the long break ("4 of 4 done") and starts again when it ends.
 *  - When a break ends: a running timer starts the next focus round; without one the cycle
 *    waits for the next start.
 *  - After a long sleep (more than a long break past the end of a phase) the cycle starts over:
 *    a stale "break over" hours later helps nobody.
 */
import type { PomodoroPhase, PomodoroSettings, PomodoroView } from '../../preload/contract';

export interface PomodoroState {
  phase: PomodoroPhase | 'waiting';
  /** When the current phase ends (null while waiting). */
  endsAt: number | null;
  /** Focus rounds finished in this cycle. */
  round: number;
  /** When waiting began (a long pause resets the count). */
  since: number;
}

export type PomodoroEvent =
  | { type: 'break'; phase: 'short-break' | 'long-break'; minutes: number; stopTimer: boolean }
  | { type: 'work'; minutes: number }
  | { type: 'break-over' };

export const POMODORO_IDLE: PomodoroState = { phase: 'waiting', endsAt: null, round: 0, since: 0 };

const MIN = 60_000;

export function stepPomodoro(
  prev: PomodoroState,
  input: { now: number; tracking: boolean; settings: PomodoroSettings },
): { state: PomodoroState; events: PomodoroEvent[] } {
  const { now, tracking, settings } = input;
  if (!settings.enabled) return { state: { ...POMODORO_IDLE, since: now }, events: [] };
  let s = { ...prev };
  const events: PomodoroEvent[] = [];
  const longMs = settings.longBreakMinutes * MIN;

  // Asleep through a phase and then some: start over.
  if (s.endsAt !== null && now - s.endsAt > longMs) s = { ...POMODORO_IDLE, since: now };
  if (s.phase === 'waiting' && now - s.since > longMs) s.round = 0;

  // Phases that ended by now, in order (at most a couple: each is at least a minute long).
  for (let guard = 0; guard < 4 && s.endsAt !== null && now >= s.endsAt; guard++) {
    const ended = s.endsAt;
    if (s.phase === 'work') {
      const round = s.round + 1;
      const long = round % settings.longBreakEvery === 0;
      const minutes = long ? settings.longBreakMinutes : settings.shortBreakMinutes;
      s = {
        phase: long ? 'long-break' : 'short-break',
        endsAt: ended + minutes * MIN,
        // Kept through the long break (the contract: "resets after a long break"); it used to
        // read 0 from the break's first minute.
        round,
        since: ended,
      };
      events.push({
        type: 'break',
        phase: long ? 'long-break' : 'short-break',
        minutes,
        stopTimer: settings.stopDuringBreaks,
      });
    } else {
      // A long break ends the cycle: the next focus round is round 1 again.
      if (s.phase === 'long-break') s.round = 0;
      s = tracking
        ? {
            phase: 'work',
            endsAt: ended + settings.workMinutes * MIN,
            round: s.round,
            since: ended,
          }
        : { phase: 'waiting', endsAt: null, round: s.round, since: ended };
      events.push(
        tracking ? { type: 'work', minutes: settings.workMinutes } : { type: 'break-over' },
      );
    }
  }

  if (s.phase === 'waiting' && tracking) {
    s = { phase: 'work', endsAt: now + settings.workMinutes * MIN, round: s.round, since: now };
  } else if (s.phase === 'work' && !tracking) {
    s = { phase: 'waiting', endsAt: null, round: s.round, since: now };
  }
  // Settings changed mid-phase apply from the next phase: the current one keeps the end the
  // tooltip and the notification already announced.
  return { state: s, events };
}

/** The popup's and tooltip's view; null while no round or break runs. */
export function pomodoroView(s: PomodoroState, now: number): PomodoroView | null {
  if (s.phase === 'waiting' || s.endsAt === null) return null;
  return {
    phase: s.phase,
    endsAt: new Date(s.endsAt).toISOString(),
    remainingSeconds: Math.max(0, Math.ceil((s.endsAt - now) / 1000)),
    round: s.round,
  };
}

/** When the next phase boundary is, for the core's timer (null: nothing scheduled). */
export function nextPomodoroAt(s: PomodoroState): number | null {
  return s.endsAt;
}
