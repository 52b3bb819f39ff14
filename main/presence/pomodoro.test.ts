/**
 * Pomodoro schedules with an injected clock: the core steps the cycle whenever a timer starts or
 * stops and once at each phase's end (its one wake-up per phase); these tests do the same and
 * check the notifications' events, the tooltip's view and when the next wake-up is.
 */
import { describe, expect, it } from 'vitest';
import type { PomodoroSettings } from '../../preload/contract';
import {
  nextPomodoroAt,
  pomodoroView,
  POMODORO_IDLE,
  stepPomodoro,
  type PomodoroEvent,
  type PomodoroState,
} from './pomodoro';
import { clock, local } from '../../test/support/presence-timeline';

process.env.TZ = 'Europe/Berlin';

const ON: PomodoroSettings = {
  enabled: true,
  workMinutes: 25,
  shortBreakMinutes: 5,
  longBreakMinutes: 15,
  longBreakEvery: 4,
  stopDuringBreaks: false,
};
const at = (h: number, m: number, s = 0) => local(2026, 11, 27, h, m, s);

/** The core's side: steps on timer starts and stops, and at each phase end it was woken for. */
class Cycle {
  state: PomodoroState = POMODORO_IDLE;
  now = 0;
  tracking = false;
  /** "09:25 short-break 5 min (timer kept)", "09:30 work 25 min", "11:10 break-over". */
  readonly said: string[] = [];

  constructor(private settings: PomodoroSettings = ON) {}

  step(now: number): PomodoroEvent[] {
    this.now = now;
    const r = stepPomodoro(this.state, { now, tracking: this.tracking, settings: this.settings });
    this.state = r.state;
    for (const e of r.events) this.said.push(`${clock(now).slice(4)} ${phrase(e)}`);
    // With stopDuringBreaks the core stops the timer at the break, then steps again.
    if (r.events.at(-1)?.type === 'break' && this.settings.stopDuringBreaks) this.stop(now);
    return r.events;
  }

  start(now: number): this {
    this.tracking = true;
    this.step(now);
    return this;
  }

  stop(now: number): this {
    this.tracking = false;
    this.step(now);
    return this;
  }

  configure(settings: PomodoroSettings, now: number): this {
    this.settings = settings;
    this.step(now);
    return this;
  }

  /** Time passes to `until`; the core's timer wakes it at each phase end on the way. */
  runTo(until: number): this {
    for (let next = nextPomodoroAt(this.state); next !== null && next <= until;) {
      this.step(next);
      next = nextPomodoroAt(this.state);
    }
    this.now = until;
    return this;
  }

  view() {
    return pomodoroView(this.state, this.now);
  }
}

function phrase(e: PomodoroEvent): string {
  if (e.type === 'break')
    return `${e.phase} ${e.minutes} min (${e.stopTimer ? 'timer stopped' : 'timer kept'})`;
  if (e.type === 'work') return `work ${e.minutes} min`;
  return 'break-over';
}

describe('a working morning with the timer running', () => {
  it('four focus rounds with short breaks, then a long break, then round 1 again', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(11, 20));
    expect(c.said).toEqual([
      '09:25 short-break 5 min (timer kept)',
      '09:30 work 25 min',
      '09:55 short-break 5 min (timer kept)',
      '10:00 work 25 min',
      '10:25 short-break 5 min (timer kept)',
      '10:30 work 25 min',
      '10:55 long-break 15 min (timer kept)',
      '11:10 work 25 min',
    ]);
  });

  it('the tooltip view counts finished rounds and the time left', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 12, 30));
    expect(c.view()).toEqual({
      phase: 'work',
      endsAt: new Date(at(9, 25)).toISOString(),
      remainingSeconds: 12 * 60 + 30,
      round: 0,
    });
    c.runTo(at(9, 26));
    expect(c.view()).toMatchObject({ phase: 'short-break', remainingSeconds: 4 * 60, round: 1 });
    c.runTo(at(10, 56));
    // Through the long break the four finished rounds still show; after it, 0 again.
    expect(c.view()).toMatchObject({ phase: 'long-break', remainingSeconds: 14 * 60, round: 4 });
    c.runTo(at(11, 10));
    expect(c.view()).toMatchObject({ phase: 'work', remainingSeconds: 25 * 60, round: 0 });
    c.runTo(at(11, 36));
    expect(c.view()).toMatchObject({ phase: 'short-break', round: 1 });
  });

  it('a remaining time in whole seconds, rounded up, never negative', () => {
    const c = new Cycle().start(at(9, 0));
    expect(pomodoroView(c.state, at(9, 24, 59) + 400)?.remainingSeconds).toBe(1);
    expect(pomodoroView(c.state, at(9, 30))?.remainingSeconds).toBe(0);
  });

  it('one wake-up per phase: the next one is the phase end', () => {
    const c = new Cycle().start(at(9, 0));
    expect(nextPomodoroAt(c.state)).toBe(at(9, 25));
    c.runTo(at(9, 25));
    expect(nextPomodoroAt(c.state)).toBe(at(9, 30));
  });
});

describe('stopping and starting the timer', () => {
  it('stopping mid-round ends the round: no view, no wake-up, no notification', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 10)).stop(at(9, 10));
    expect(c.view()).toBeNull();
    expect(nextPomodoroAt(c.state)).toBeNull();
    c.runTo(at(12, 0));
    expect(c.said).toEqual([]);
  });

  it('a phone call (stopped 5 minutes in round 2) keeps the finished round; a full new round starts', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 40)).stop(at(9, 40));
    c.start(at(9, 45));
    expect(c.view()).toMatchObject({ phase: 'work', round: 1, remainingSeconds: 25 * 60 });
    c.runTo(at(10, 10));
    expect(c.said.at(-1)).toBe('10:10 short-break 5 min (timer kept)');
    expect(c.view()).toMatchObject({ round: 2 });
  });

  it('a pause longer than a long break starts the count again', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 40)).stop(at(9, 40));
    c.start(at(9, 56));
    expect(c.view()).toMatchObject({ phase: 'work', round: 0 });
  });

  it('stopDuringBreaks: the break event asks to stop the timer; the break runs out and says so', () => {
    const c = new Cycle({ ...ON, stopDuringBreaks: true }).start(at(9, 0)).runTo(at(9, 26));
    expect(c.said).toEqual(['09:25 short-break 5 min (timer stopped)']);
    expect(c.tracking).toBe(false);
    // The stop does not end the break: the tooltip still counts it down.
    expect(c.view()).toMatchObject({ phase: 'short-break', remainingSeconds: 4 * 60 });
    c.runTo(at(9, 40));
    expect(c.said.at(-1)).toBe('09:30 break-over');
    expect(c.view()).toBeNull();
    c.start(at(9, 41));
    expect(c.view()).toMatchObject({
      phase: 'work',
      round: 1,
      endsAt: new Date(at(10, 6)).toISOString(),
    });
  });

  it('a break that ends without a timer waits; one that ends with a timer starts the next round at the break end', () => {
    const stopped = new Cycle().start(at(9, 0)).runTo(at(9, 26)).stop(at(9, 26)).runTo(at(9, 31));
    expect(stopped.said.at(-1)).toBe('09:30 break-over');
    expect(stopped.view()).toBeNull();
    const running = new Cycle().start(at(9, 0)).runTo(at(9, 31));
    expect(running.said.at(-1)).toBe('09:30 work 25 min');
    expect(running.view()).toMatchObject({ endsAt: new Date(at(9, 55)).toISOString() });
  });

  it('starting the timer during a break does not cut the break short', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 26)).stop(at(9, 26)).start(at(9, 27));
    expect(c.view()).toMatchObject({ phase: 'short-break', remainingSeconds: 3 * 60 });
    c.runTo(at(9, 30));
    expect(c.said.at(-1)).toBe('09:30 work 25 min');
  });
});

describe('sleep and settings', () => {
  it('asleep through several phases (09:10 to 11:00, timer still running): starts over, no stale notifications', () => {
    const c = new Cycle().start(at(9, 0));
    // The machine sleeps: the 09:25 wake-up never fires; the next step is at 11:00.
    const events = c.step(at(11, 0));
    expect(events).toEqual([]);
    expect(c.view()).toMatchObject({
      phase: 'work',
      round: 0,
      endsAt: new Date(at(11, 25)).toISOString(),
    });
  });

  it('woken 11 minutes late: the missed phases are caught up in order, on their own boundaries', () => {
    const c = new Cycle().start(at(9, 0));
    const events = c.step(at(9, 36));
    expect(events.map((e) => e.type)).toEqual(['break', 'work']);
    expect(c.view()).toMatchObject({
      phase: 'work',
      round: 1,
      endsAt: new Date(at(9, 55)).toISOString(),
    });
  });

  it('a long sleep while waiting after a stop also resets the count', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 40)).stop(at(9, 40));
    c.step(at(13, 0));
    c.start(at(13, 0));
    expect(c.view()).toMatchObject({ round: 0 });
  });

  it('disabled: nothing, however long a timer runs; turning it off mid-round drops the round', () => {
    const off = new Cycle({ ...ON, enabled: false }).start(at(9, 0)).runTo(at(17, 0));
    off.step(at(17, 0));
    expect(off.said).toEqual([]);
    expect(off.view()).toBeNull();
    expect(nextPomodoroAt(off.state)).toBeNull();

    const c = new Cycle().start(at(9, 0)).runTo(at(9, 10));
    c.configure({ ...ON, enabled: false }, at(9, 10));
    expect(c.view()).toBeNull();
    expect(nextPomodoroAt(c.state)).toBeNull();
  });

  it('a new work length applies from the next round; the current one keeps its announced end', () => {
    const c = new Cycle().start(at(9, 0)).runTo(at(9, 10));
    c.configure({ ...ON, workMinutes: 50, shortBreakMinutes: 10 }, at(9, 10));
    expect(nextPomodoroAt(c.state)).toBe(at(9, 25));
    c.runTo(at(10, 30));
    expect(c.said).toEqual([
      '09:25 short-break 10 min (timer kept)',
      '09:35 work 50 min',
      '10:25 short-break 10 min (timer kept)',
    ]);
  });

  it('a long break every 2 rounds', () => {
    const c = new Cycle({ ...ON, longBreakEvery: 2 }).start(at(9, 0)).runTo(at(10, 10));
    expect(c.said).toEqual([
      '09:25 short-break 5 min (timer kept)',
      '09:30 work 25 min',
      '09:55 long-break 15 min (timer kept)',
      '10:10 work 25 min',
    ]);
  });
});
