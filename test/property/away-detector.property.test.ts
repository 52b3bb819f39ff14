/**
 * Properties of the away detector (main/presence/away-detector.ts) over random but realistic
 * days: a person working, walking away, locking the screen, closing the lid (with or without the
 * suspend and resume events reaching the app), desktops whose idle counter restarts at a wake,
 * stands still during sleep (X11) or reads 0 (Wayland), sampled once a minute like the core. Whatever the day:
 *  - every span is at least the threshold long, from < to;
 *  - spans come in order and never overlap;
 *  - spans lie within the day (after its start, at or before its last event);
 *  - no span ends while the screen is locked or the machine sleeps (it ends at a sign of the
 *    user: an unlock, an input, or a wake; a wake without its event is known to a minute);
 *  - the same events always give the same spans (detectAway is stepDetector folded).
 * A wall clock set back may move times; then only the first two hold, checked separately.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectAway, type AwaySpan, type DetectorConfig } from '../../main/presence/away-detector';
import { HOUR, local, MIN, SEC, Timeline } from '../support/presence-timeline';
import { PROPERTY_TIMEOUT_MS, RUNS } from './support/hostile-json';

process.env.TZ = 'Europe/Berlin';

const START = local(2026, 11, 26, 8, 0);

type Step =
  | { do: 'work' | 'idle'; minutes: number }
  | { do: 'lock' | 'unlock' | 'counter-restarts' }
  | {
      do: 'sleep';
      minutes: number;
      events: 'both' | 'suspend-only' | 'resume-only' | 'none';
      /** The desktop restarts its idle counter at the wake. */
      restart: boolean;
    }
  | { do: 'silent'; seconds: number }
  | { do: 'input' }
  | { do: 'clock'; minutes: number };

const stepArb = (withClockJumps: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        do: fc.constant('work' as const),
        minutes: fc.integer({ min: 1, max: 90 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        do: fc.constant('idle' as const),
        minutes: fc.integer({ min: 1, max: 90 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        do: fc.constantFrom('lock' as const, 'unlock' as const, 'counter-restarts' as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        do: fc.constant('sleep' as const),
        minutes: fc.integer({ min: 1, max: 16 * 60 }),
        events: fc.constantFrom(
          'both' as const,
          'suspend-only' as const,
          'resume-only' as const,
          'none' as const,
        ),
        restart: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        do: fc.constant('silent' as const),
        seconds: fc.integer({ min: 1, max: 600 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ do: fc.constant('input' as const) }) },
    ...(withClockJumps
      ? [
          {
            weight: 1,
            arbitrary: fc.record({
              do: fc.constant('clock' as const),
              minutes: fc.integer({ min: -120, max: 120 }),
            }),
          },
        ]
      : []),
  );

const configArb: fc.Arbitrary<DetectorConfig> = fc.record({
  thresholdMs: fc.integer({ min: 1, max: 30 }).map((m) => m * MIN),
  sampleEveryMs: fc.constant(60_000),
  session: fc.constantFrom('x11' as const, 'wayland' as const, 'other' as const),
});

/** The day as events; idle reads 0 throughout on a 'zero' desktop (Wayland). */
function play(
  steps: readonly Step[],
  idleReads: 'counts' | 'zero',
  counterSkipsSleep = false,
): Timeline {
  const t = new Timeline(START, idleReads);
  t.counterSkipsSleep = counterSkipsSleep;
  let locked = false;
  for (const s of steps) {
    switch (s.do) {
      case 'work':
        if (locked) t.unlock();
        locked = false;
        t.work(s.minutes);
        break;
      case 'idle':
        t.idle(s.minutes);
        break;
      case 'lock':
        if (!locked) t.lock();
        locked = true;
        break;
      case 'unlock':
        if (locked) t.unlock();
        locked = false;
        break;
      case 'counter-restarts':
        // A lock screen that restarts the counter (at a wake, see 'sleep').
        if (locked) t.counterRestarts();
        break;
      case 'sleep':
        if (s.events === 'both' || s.events === 'suspend-only') t.suspend();
        t.sleepUntil(t.now + s.minutes * MIN);
        if (s.restart) t.counterRestarts();
        if (s.events === 'both' || s.events === 'resume-only') t.resume();
        // The core's minute tick is overdue at the wake: it samples at once.
        t.sample();
        break;
      case 'silent':
        t.silent(s.seconds * SEC);
        break;
      case 'input':
        if (!locked) t.input().sample();
        break;
      case 'clock':
        t.setClock(s.minutes * MIN);
        break;
    }
  }
  return t;
}

/** Whether the screen is locked or the machine asleep at `at`, from the events. */
/**
 * Whether the screen is locked, or the machine asleep, at `at`, from the events. A wake without
 * its resume event is known only to a sampling period: a span may end up to `slack` before it.
 */
function unavailableAt(t: Timeline, at: number, slack: number): boolean {
  let locked = false;
  let asleep = false;
  for (const e of t.events) {
    if (e.at > at) {
      if (asleep && !locked && e.type === 'sample' && e.at - at <= slack) asleep = false;
      break;
    }
    if (e.type === 'lock') locked = true;
    if (e.type === 'unlock') locked = false;
    if (e.type === 'suspend') asleep = true;
    if (e.type === 'resume' || e.type === 'sample') asleep = false;
    if (e.at === at && (e.type === 'unlock' || e.type === 'sample')) return false;
  }
  return locked || asleep;
}

function soundSpans(spans: readonly AwaySpan[], config: DetectorConfig): void {
  for (const s of spans) {
    expect(s.from).toBeLessThan(s.to);
    expect(s.to - s.from).toBeGreaterThanOrEqual(config.thresholdMs);
  }
}

describe('away detector properties', () => {
  it(
    'spans are long enough, ordered, within the day, and end only at a sign of the user',
    () => {
      fc.assert(
        fc.property(
          fc.array(stepArb(false), { minLength: 1, maxLength: 40 }),
          configArb,
          fc.constantFrom('counts' as const, 'zero' as const),
          fc.boolean(),
          (steps, config, idleReads, counterSkipsSleep) => {
            const t = play(steps, idleReads, counterSkipsSleep);
            const { spans } = detectAway(t.events, config);
            soundSpans(spans, config);
            for (let i = 1; i < spans.length; i++)
              expect(spans[i]?.from).toBeGreaterThanOrEqual(spans[i - 1]?.to ?? Infinity);
            const last = t.events.at(-1)?.at ?? START;
            for (const s of spans) {
              expect(s.from).toBeGreaterThanOrEqual(START);
              expect(s.to).toBeLessThanOrEqual(last);
              expect(unavailableAt(t, s.to, config.sampleEveryMs)).toBe(false);
            }
            // Folding one event at a time gives the same as the whole list.
            const half = Math.floor(t.events.length / 2);
            const a = detectAway(t.events.slice(0, half), config);
            const b = detectAway(t.events.slice(half), config, a.state);
            expect([...a.spans, ...b.spans]).toEqual(spans);
          },
        ),
        { numRuns: RUNS * 4 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'with the wall clock set back and forward, spans are still at least the threshold and never reversed',
    () => {
      fc.assert(
        fc.property(
          fc.array(stepArb(true), { minLength: 1, maxLength: 40 }),
          configArb,
          fc.constantFrom('counts' as const, 'zero' as const),
          fc.boolean(),
          (steps, config, idleReads, counterSkipsSleep) => {
            const t = play(steps, idleReads, counterSkipsSleep);
            const { spans, state } = detectAway(t.events, config);
            soundSpans(spans, config);
            expect(Number.isFinite(state.lastAt ?? 0)).toBe(true);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('a whole night in any of these shapes is one span, never "4 minutes"', () => {
    // The night: gone at 18:00 (maybe an auto-lock at 18:10), 14 h asleep with any of the
    // events missing, back at 08:00 (an unlock, or typing).
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom(
          'both' as const,
          'suspend-only' as const,
          'resume-only' as const,
          'none' as const,
        ),
        fc.boolean(),
        fc.constantFrom('x11' as const, 'wayland' as const),
        (autoLock, events, restartAtWake, session) => {
          const t = new Timeline(START, session === 'wayland' ? 'zero' : 'counts').work(10 * 60);
          t.idle(10);
          if (autoLock) t.lock();
          t.idle(20);
          if (events === 'both' || events === 'suspend-only') t.suspend();
          t.silent(13 * HOUR + 29 * MIN); // 18:30 → 07:59
          if (restartAtWake) t.counterRestarts();
          if (events === 'both' || events === 'resume-only') t.resume().sample();
          t.silent(2 * MIN);
          if (autoLock) t.unlock();
          else t.input().sample();
          t.work(5);
          const { spans } = detectAway(t.events, {
            thresholdMs: 5 * MIN,
            sampleEveryMs: 60_000,
            session,
          });
          expect(spans).toHaveLength(1);
          const [night] = spans;
          // On Wayland nobody knows the 18:00 input: the span starts at the lock or the sleep.
          expect(night && night.to - night.from).toBeGreaterThan(13 * HOUR);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
