/**
 * When was the user away from the computer? A pure function of what the OS tells: screen lock
 * and unlock, suspend and resume, the system idle time (sampled), and the wall clock itself.
 *
 * Why each signal, and why none is trusted alone:
 *  - Idle time alone turns a night asleep into "4 minutes": after a resume it counts from the
 *    last input *since waking*. So suspend/lock start an away span, and so does a gap in the
 *    samples (the process was frozen: the machine slept without a suspend event reaching us).
 *  - Events alone miss the user who just walks away; and screens auto-lock (and machines
 *    auto-suspend) only after minutes of idleness: the away span starts at the last input
 *    before the lock, not at the lock.
 *  - A resume is not the user coming back (a lid closed again, a maintenance wake, a lock screen
 *    shown after waking): the span ends at an unlock, or at the first input after the resume.
 *  - Wayland sessions report an idle time of 0 forever. A source that reads 0 while the screen is
 *    locked, or for ten minutes on end, is not trusted: lock, sleep and clock gaps remain.
 *  - A wall clock set by hand (or stepped by a large correction) moves without time passing.
 *    The machine's uptime counts sleep but not clock changes, so where events carry it, the
 *    difference between the two is a clock change, not a sleep.
 */
import type { AwayReason } from '../../preload/contract';

export type PresenceEvent = (
  | { type: 'lock' | 'unlock' | 'suspend' | 'resume' | 'shutdown'; at: number }
  /** idleSeconds null: the platform cannot tell (no source). */
  | { type: 'sample'; at: number; idleSeconds: number | null }
  /** The app starts; lastAliveAt: the last moment the previous run was known to be alive. */
  | { type: 'launch'; at: number; lastAliveAt: number | null }
) & {
  /**
   * The machine's uptime at `at` (ms): sleep included, unmoved by setting the wall clock
   * (os.uptime()). Omitted: every silence on the wall clock is taken as time that passed.
   */
  uptimeMs?: number;
};

export interface DetectorConfig {
  /** Away at least this long before it counts. */
  thresholdMs: number;
  /** How often samples are taken; a longer silence means the process did not run. */
  sampleEveryMs: number;
  /** Wayland sessions start with the idle time untrusted until it reads something other than 0. */
  session: 'wayland' | 'x11' | 'other';
}

export interface AwaySpan {
  from: number;
  to: number;
  reason: AwayReason;
}

export interface DetectorState {
  /** Start of the current away span; null: the user is here (as far as we know). */
  awayFrom: number | null;
  reason: AwayReason | null;
  locked: boolean;
  lockedAt: number | null;
  asleep: boolean;
  /** A resume or missed-suspend wake not yet followed by a sign of the user. */
  wokeAt: number | null;
  /**
   * The last wake while away (the resume event, or the earliest the machine can have woken when
   * the event was missed). Input counts as the user only after it: some desktops restart their
   * idle counter at a wake (an "input" at the wake is the wake), and X11's counter stands still
   * during sleep (after a night it reads the idle time before the sleep, which on the wall clock
   * looks like input in the middle of the night).
   */
  resumedAt: number | null;
  /** The last event of any kind (for clock gaps). */
  lastAt: number | null;
  /** The machine's uptime at `lastAt`, when that event carried it. */
  uptimeAtLast: number | null;
  /** The last idle sample: when, and the last input it implies. */
  lastInputAt: number | null;
  /** The first of a run of samples reading exactly 0. */
  zeroSince: number | null;
  /** Whether idle samples are believed. */
  idleTrusted: boolean;
  /** Why they are not (for Preferences). */
  untrustedWhy: 'wayland' | 'zero-while-locked' | 'always-zero' | null;
}

/** Silence beyond the sampling period that means the process was not running (asleep). */
export const CLOCK_GAP_MS = 60_000;
/**
 * The wall clock moved this much more (or less) than the uptime: it was set. Well above the
 * uptime's whole seconds and the small steps NTP makes at a wake, well below CLOCK_GAP_MS.
 */
export const CLOCK_SET_MS = 30_000;
/** Idle reading 0 this long is not a person: it is a source that cannot tell. */
export const ALWAYS_ZERO_MS = 10 * 60_000;
/** Idle time comes in whole seconds: two readings of one input differ by up to this much. */
const INPUT_ROUNDING_MS = 2000;
/** Locked this long while idle reads 0: the source cannot tell. */
const ZERO_WHILE_LOCKED_MS = 60_000;

export function initialDetectorState(config: DetectorConfig): DetectorState {
  const wayland = config.session === 'wayland';
  return {
    awayFrom: null,
    reason: null,
    locked: false,
    lockedAt: null,
    asleep: false,
    wokeAt: null,
    resumedAt: null,
    lastAt: null,
    uptimeAtLast: null,
    lastInputAt: null,
    zeroSince: null,
    idleTrusted: !wayland,
    untrustedWhy: wayland ? 'wayland' : null,
  };
}

export interface StepResult {
  state: DetectorState;
  /** A finished away span at least as long as the threshold. */
  away: AwaySpan | null;
}

/** Feeds one event; returns the new state and, when the user came back, the span away. */
export function stepDetector(
  prev: DetectorState,
  event: PresenceEvent,
  config: DetectorConfig,
): StepResult {
  const s: DetectorState = { ...prev };
  const at = event.at;
  // The wall clock was set: the uptime says how much time really passed since the last event.
  // Move what we know by the difference, as if the clock had always read the new time: a clock
  // set forward an hour is not an hour asleep, and one set back keeps the minutes that passed.
  // A sleep the OS reported (suspend, then resume) stays a sleep whatever the uptime says.
  const reportedSleep = s.asleep || event.type === 'resume';
  if (
    !reportedSleep &&
    s.lastAt !== null &&
    s.uptimeAtLast !== null &&
    event.uptimeMs !== undefined
  ) {
    const set = at - s.lastAt - (event.uptimeMs - s.uptimeAtLast);
    if (Math.abs(set) > CLOCK_SET_MS) shiftClock(s, set);
  }
  // A clock set back (or events out of order): move what we know back with it, as if no time
  // had passed since the last event. Left on the old clock, the away start would lie in the
  // new clock's future and the user's return (input "before" it) would never be seen.
  if (s.lastAt !== null && at < s.lastAt) shiftClock(s, at - s.lastAt);
  const silent = s.lastAt === null ? 0 : at - s.lastAt - config.sampleEveryMs;
  if (event.type !== 'launch' && !s.asleep && s.lastAt !== null && silent > CLOCK_GAP_MS) {
    // The process did not run: the machine slept and no suspend event reached us.
    goAway(s, lastKnownPresence(s, s.lastAt), 'sleep');
    s.wokeAt = at;
    s.resumedAt = earliestWake(at, config);
    // A run of zeros is consecutive samples: a sleep between two zeros is not ten minutes of 0
    // (someone typing at 18:00 and again at 08:00 is not Wayland).
    s.zeroSince = null;
  }
  s.lastAt = at;
  s.uptimeAtLast = event.uptimeMs ?? null;

  switch (event.type) {
    case 'launch': {
      if (event.lastAliveAt !== null && at - event.lastAliveAt >= config.thresholdMs) {
        // The previous run ended (shutdown, quit, crash) with a timer possibly running; whoever
        // starts the app now is here.
        return finish(s, { from: event.lastAliveAt, to: at, reason: 'shutdown' }, config);
      }
      return { state: s, away: null };
    }
    case 'lock':
      s.locked = true;
      s.lockedAt = at;
      goAway(s, lastKnownPresence(s, at), 'lock');
      return { state: s, away: null };
    case 'suspend':
    case 'shutdown':
      s.asleep = true;
      s.wokeAt = null;
      s.resumedAt = null;
      s.zeroSince = null; // see the clock gap above
      goAway(s, lastKnownPresence(s, at), event.type === 'suspend' ? 'sleep' : 'shutdown');
      return { state: s, away: null };
    case 'resume':
      s.asleep = false;
      s.wokeAt = at;
      if (s.awayFrom !== null) s.resumedAt = at;
      return { state: s, away: null };
    case 'unlock':
      s.locked = false;
      s.lockedAt = null;
      s.wokeAt = null;
      // Typing the password is the user: back now.
      return comeBack(s, at, config);
    case 'sample':
      return sample(s, at, event.idleSeconds, config);
  }
}

function sample(
  s: DetectorState,
  at: number,
  idleSeconds: number | null,
  config: DetectorConfig,
): StepResult {
  if (s.asleep) {
    // A sample means the process runs: the resume event was missed.
    s.asleep = false;
    s.wokeAt ??= at;
    if (s.awayFrom !== null) s.resumedAt ??= earliestWake(at, config);
  }
  if (idleSeconds === null || !Number.isFinite(idleSeconds) || idleSeconds < 0) {
    return wokeWithoutIdle(s, config);
  }
  judgeSource(s, at, idleSeconds);
  if (!s.idleTrusted) return wokeWithoutIdle(s, config);

  const lastInput = at - idleSeconds * 1000;
  s.lastInputAt = lastInput;
  if (s.awayFrom === null) {
    if (idleSeconds * 1000 >= config.thresholdMs) goAway(s, lastInput, 'idle');
    return { state: s, away: null };
  }
  // Away: the user is back when there was input after the span began and after any wake (see
  // resumedAt: a counter restarted by the wake, or standing still through the sleep, is not
  // the user) and the screen is not locked. Idle time is whole seconds: input within the
  // rounding of the span's start (or of the wake) is that moment, not the user.
  const afterWake = s.resumedAt === null || lastInput > s.resumedAt + INPUT_ROUNDING_MS;
  if (!s.locked && afterWake && lastInput > s.awayFrom + INPUT_ROUNDING_MS) {
    s.wokeAt = null;
    return comeBack(s, Math.max(lastInput, s.awayFrom), config);
  }
  return { state: s, away: null };
}

/**
 * Without a trusted idle time, waking up unlocked counts as the user being back (the core
 * samples at the resume itself, so the prompt shows at once). A lock screen that comes only
 * after the resume event is then a new, short span: the night ends at the wake. Where idle time
 * is untrusted (Linux: Wayland, or a desktop reading 0) Electron sends no lock events at all.
 */
function wokeWithoutIdle(s: DetectorState, config: DetectorConfig): StepResult {
  if (s.awayFrom !== null && s.wokeAt !== null && !s.locked) {
    const back = s.wokeAt;
    s.wokeAt = null;
    return comeBack(s, back, config);
  }
  return { state: s, away: null };
}

function judgeSource(s: DetectorState, at: number, idleSeconds: number): void {
  if (idleSeconds > 0) {
    // Anything but 0 proves the source measures something.
    s.zeroSince = null;
    s.idleTrusted = true;
    s.untrustedWhy = null;
    return;
  }
  s.zeroSince ??= at;
  if (!s.idleTrusted) return;
  // Zeros for a minute *while locked*: a single 0 right after a wake under the lock screen is the
  // wake restarting the counter, not a source that cannot tell.
  if (
    s.locked &&
    s.lockedAt !== null &&
    at - Math.max(s.lockedAt, s.zeroSince) >= ZERO_WHILE_LOCKED_MS
  ) {
    s.idleTrusted = false;
    s.untrustedWhy = 'zero-while-locked';
  } else if (at - s.zeroSince >= ALWAYS_ZERO_MS) {
    s.idleTrusted = false;
    s.untrustedWhy = 'always-zero';
  }
}

/** The user's last sign of life before `at`: their last input, if the idle time is trusted. */
function lastKnownPresence(s: DetectorState, at: number): number {
  return s.idleTrusted && s.lastInputAt !== null ? Math.min(at, s.lastInputAt) : at;
}

/**
 * A missed wake happened at most one sampling period before the first sample after it: the
 * core's minute tick is a timer on a clock that stands still in sleep, overdue at the wake.
 */
function earliestWake(firstSampleAt: number, config: DetectorConfig): number {
  return firstSampleAt - config.sampleEveryMs;
}

/** Moves every remembered wall-clock time by `delta` (the wall clock was set). */
function shiftClock(s: DetectorState, delta: number): void {
  const move = (t: number | null) => (t === null ? null : t + delta);
  s.awayFrom = move(s.awayFrom);
  s.lockedAt = move(s.lockedAt);
  s.wokeAt = move(s.wokeAt);
  s.resumedAt = move(s.resumedAt);
  s.lastAt = move(s.lastAt);
  s.lastInputAt = move(s.lastInputAt);
  s.zeroSince = move(s.zeroSince);
}

function goAway(s: DetectorState, from: number, reason: AwayReason): void {
  if (s.awayFrom !== null && s.awayFrom <= from) return;
  s.awayFrom = from;
  s.reason ??= reason;
}

function comeBack(s: DetectorState, to: number, config: DetectorConfig): StepResult {
  if (s.awayFrom === null) return { state: s, away: null };
  const span: AwaySpan = { from: s.awayFrom, to, reason: s.reason ?? 'idle' };
  return finish(s, span, config);
}

function finish(s: DetectorState, span: AwaySpan, config: DetectorConfig): StepResult {
  s.awayFrom = null;
  s.reason = null;
  s.resumedAt = null;
  s.lastInputAt = span.to;
  const long = span.to - span.from >= config.thresholdMs;
  return { state: s, away: long ? span : null };
}

/** Feeds a whole sequence (tests, and the core's replay of events it queued). */
export function detectAway(
  events: readonly PresenceEvent[],
  config: DetectorConfig,
  state: DetectorState = initialDetectorState(config),
): { state: DetectorState; spans: AwaySpan[] } {
  const spans: AwaySpan[] = [];
  let s = state;
  for (const e of events) {
    const r = stepDetector(s, e, config);
    s = r.state;
    if (r.away) spans.push(r.away);
  }
  return { state: s, spans };
}
