/**
 * "You're not tracking" reminders with an injected clock: the core checks once a minute while no
 * timer runs; these tests do the same over realistic days and list when a reminder would show.
 */
import { describe, expect, it } from 'vitest';
import type { ReminderSettings } from '../../preload/contract';
import { inReminderHours, reminderDue } from './reminders';
import { clock, local, MIN } from '../../test/support/presence-timeline';

process.env.TZ = 'Europe/Berlin';

const ON: ReminderSettings = {
  enabled: true,
  afterMinutes: 15,
  weekdays: [1, 2, 3, 4, 5],
  from: '09:00',
  to: '18:00',
};
/** Monday 23 November 2026 … Sunday 29 November. */
const mon = (h: number, m: number) => local(2026, 11, 23, h, m);
const fri = (h: number, m: number) => local(2026, 11, 27, h, m);
const sat = (h: number, m: number) => local(2026, 11, 28, h, m);

/**
 * A day minute by minute, as the core sees it: `idleSince` is the later of the app's start, the
 * last stop and the user's return (the core keeps it; here the test does).
 */
class Day {
  now: number;
  tracking = false;
  present = true;
  idleSince: number;
  lastReminderAt: number | null = null;
  readonly reminders: string[] = [];

  constructor(
    start: number,
    private readonly settings: ReminderSettings = ON,
  ) {
    this.now = start;
    this.idleSince = start; // the app starts
  }

  /** Minutes pass with a check at each. */
  pass(minutes: number): this {
    for (let i = 0; i < minutes; i++) {
      this.now += MIN;
      if (!this.present) this.idleSince = Math.max(this.idleSince, this.now);
      const due = reminderDue({
        now: this.now,
        settings: this.settings,
        tracking: this.tracking,
        present: this.present,
        idleSince: this.idleSince,
        lastReminderAt: this.lastReminderAt,
      });
      if (due) {
        this.lastReminderAt = this.now;
        this.reminders.push(clock(this.now));
      }
    }
    return this;
  }

  start(): this {
    this.tracking = true;
    return this;
  }
  stop(): this {
    this.tracking = false;
    this.idleSince = this.now;
    return this;
  }
  leave(): this {
    this.present = false;
    return this;
  }
  back(): this {
    this.present = true;
    this.idleSince = Math.max(this.idleSince, this.now);
    return this;
  }
}

describe('inReminderHours', () => {
  it('weekdays only: Friday yes, Saturday no', () => {
    expect(inReminderHours(fri(10, 0), ON)).toBe(true);
    expect(inReminderHours(sat(10, 0), ON)).toBe(false);
    expect(inReminderHours(sat(10, 0), { ...ON, weekdays: [6] })).toBe(true);
    expect(inReminderHours(fri(10, 0), { ...ON, weekdays: [] })).toBe(false);
  });

  it('from 09:00 inclusive to 18:00 exclusive (the `to` minute itself is outside)', () => {
    expect(inReminderHours(mon(8, 59), ON)).toBe(false);
    expect(inReminderHours(mon(9, 0), ON)).toBe(true);
    expect(inReminderHours(mon(17, 59), ON)).toBe(true);
    expect(inReminderHours(mon(18, 0), ON)).toBe(false);
  });

  it('local time, not UTC (Berlin is UTC+1: 08:30 UTC is 09:30 here)', () => {
    expect(inReminderHours(Date.parse('2026-11-23T08:30:00Z'), ON)).toBe(true);
    expect(inReminderHours(Date.parse('2026-11-23T17:30:00Z'), ON)).toBe(false);
  });
});

describe('reminderDue over a day', () => {
  it('app started at 08:00, nothing tracked: first reminder 15 minutes after the window opens, then every 15 minutes', () => {
    const d = new Day(mon(8, 0)).pass(135);
    expect(d.reminders).toEqual(['Mon 09:15', 'Mon 09:30', 'Mon 09:45', 'Mon 10:00', 'Mon 10:15']);
  });

  it('a timer running silences it; after the stop it counts from the stop', () => {
    const d = new Day(mon(9, 0)).pass(10).start().pass(60).stop().pass(40);
    expect(d.reminders).toEqual(['Mon 10:25', 'Mon 10:40']);
  });

  it('not while the user is away; on return it counts from the return', () => {
    const d = new Day(mon(11, 50)).pass(10).leave().pass(60).back().pass(20);
    // 11:50 + 15 would be 12:05, but the user left at 12:00; back at 13:00 → 13:15.
    expect(d.reminders).toEqual(['Mon 13:15']);
  });

  it('only within the hours: nothing at 18:00 or after, nothing before 09:15 however long the app ran', () => {
    const d = new Day(mon(17, 30)).pass(60);
    expect(d.reminders).toEqual(['Mon 17:45']);
    const early = new Day(mon(6, 0)).pass(3 * 60 + 14);
    expect(early.reminders).toEqual([]);
  });

  it('a Saturday asks nothing all day', () => {
    expect(new Day(sat(8, 0)).pass(12 * 60).reminders).toEqual([]);
  });

  it('a stop yesterday evening does not make the first reminder at 09:00', () => {
    const d = new Day(mon(17, 50)).stop();
    d.now = local(2026, 11, 24, 8, 50); // next morning
    d.pass(30);
    expect(d.reminders).toEqual(['Tue 09:15']);
  });

  it('every 60 minutes; the last reminder of yesterday does not delay today', () => {
    const hourly = { ...ON, afterMinutes: 60 };
    const d = new Day(mon(16, 0), hourly).pass(120);
    expect(d.reminders).toEqual(['Mon 17:00']);
    d.now = local(2026, 11, 24, 8, 0);
    d.pass(3 * 60);
    expect(d.reminders).toEqual(['Mon 17:00', 'Tue 10:00', 'Tue 11:00']);
  });

  it('off by default: nothing', () => {
    expect(new Day(mon(8, 0), { ...ON, enabled: false }).pass(10 * 60).reminders).toEqual([]);
  });
});
