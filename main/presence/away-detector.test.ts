/**
 * The away detector over realistic days: the sequences the core feeds it (a sample of the
 * system idle time each minute, in whole seconds; lock, unlock, suspend, resume, shutdown;
 * launch), built with test/support/presence-timeline.ts, and the spans a user would expect to
 * be asked about ("You were away 18:00–08:02").
 */
import { describe, expect, it } from 'vitest';
import {
  CLOCK_GAP_MS,
  detectAway,
  initialDetectorState,
  stepDetector,
  type AwaySpan,
  type DetectorConfig,
  type PresenceEvent,
} from './away-detector';
import { clock, HOUR, local, MIN, SEC, Timeline } from '../../test/support/presence-timeline';

// Berlin has DST and a non-zero offset: local-time constructors must mean Berlin time.
process.env.TZ = 'Europe/Berlin';

/** Defaults of the app: 5-minute threshold, the tooltip's minute tick. */
const X11: DetectorConfig = { thresholdMs: 5 * MIN, sampleEveryMs: 60_000, session: 'x11' };
const WAYLAND: DetectorConfig = { ...X11, session: 'wayland' };

/** Thursday 26 November 2026 (the next day is a Friday). */
const thu = (h: number, m: number, s = 0) => local(2026, 11, 26, h, m, s);
const fri = (h: number, m: number, s = 0) => local(2026, 11, 27, h, m, s);

/** "Thu 18:00 → Fri 08:02 (idle)": what the prompt would say, readable in a failure. */
function said(spans: readonly AwaySpan[]): string[] {
  return spans.map((s) => `${clock(s.from)} → ${clock(s.to)} (${s.reason})`);
}

function run(t: Timeline, config: DetectorConfig = X11) {
  const { state, spans } = detectAway(t.events, config);
  return { state, spans, said: said(spans) };
}

/** The user at work from 17:00 to 18:00, then gone. */
function workedUntilSix(): Timeline {
  return new Timeline(thu(17, 0)).work(60);
}

describe('a night asleep', () => {
  it('auto-lock at 18:10, suspend at 18:30, resume to the lock screen at 08:00, unlock at 08:02: away 18:00–08:02 once', () => {
    const t = workedUntilSix().idle(10).lock().idle(20).suspend();
    t.at(fri(8, 0)).resume().sample(); // the core samples right after a resume
    t.idle(1).silent(MIN).unlock().work(10);
    const r = run(t);
    // From the last input (18:00), not the auto-lock (18:10); to the unlock, not "4 minutes".
    expect(r.said).toEqual(['Thu 18:00 → Fri 08:02 (idle)']);
    expect(r.state.awayFrom).toBeNull();
    expect(r.state.idleTrusted).toBe(true);
  });

  it('the same night on a desktop whose idle counter restarts at the lock and at the wake: still 18:00–08:02, and the idle time stays trusted', () => {
    const t = workedUntilSix().idle(10).lock().counterRestarts().idle(20).suspend();
    t.at(fri(8, 0)).resume().counterRestarts().sample();
    // A 0 read at the wake under the lock screen is the wake, not a source that cannot tell:
    // no "lock-only" note in Preferences.
    expect(run(t).state.idleTrusted).toBe(true);
    t.idle(1).silent(MIN).unlock().work(10);
    const r = run(t);
    expect(r.said).toEqual(['Thu 18:00 → Fri 08:02 (idle)']);
    expect(r.state.idleTrusted).toBe(true);
  });

  it('a manual lock at 18:00 right after typing: the span starts at the lock and says so', () => {
    const t = workedUntilSix().lock().idle(30).suspend();
    t.at(fri(8, 0))
      .resume()
      .sample()
      .silent(2 * MIN)
      .unlock()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:02 (lock)']);
  });

  it('a 0 read at 18:00 (typing) and another at the wake under the lock screen are not "a minute of zeros while locked"', () => {
    const t = workedUntilSix().lock().suspend();
    t.at(fri(8, 0)).resume().counterRestarts().sample();
    expect(run(t).state.idleTrusted).toBe(true);
    t.silent(2 * MIN)
      .unlock()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:02 (lock)']);
  });

  it('suspend AND resume events both missed (only a 14-hour gap between samples): still the night', () => {
    const t = workedUntilSix().idle(10).lock().idle(20);
    t.at(fri(8, 0)).sample().idle(1).silent(MIN).unlock().work(10);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:02 (idle)']);
  });

  it('lid closed at 18:02 without a lock, no suspend or resume event, typing again at 08:00:30: away 18:00–08:00:30', () => {
    const t = workedUntilSix().idle(2).at(fri(8, 0)).counterRestarts();
    t.silent(30 * SEC)
      .input()
      .silent(30 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:30 (sleep)']);
  });

  it('a dark wake at 02:00 (no input, the idle time keeps growing) and sleep again at 02:02: one span, ended by the real return', () => {
    const t = workedUntilSix().idle(10).suspend();
    t.at(fri(2, 0)).resume().sample().idle(2).suspend();
    t.at(fri(8, 0))
      .resume()
      .sample()
      .silent(20 * SEC)
      .input()
      .silent(40 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:20 (idle)']);
  });

  it('a dark wake on a desktop whose counter restarts at each wake: the wake is not the user', () => {
    const t = workedUntilSix().idle(10).suspend();
    t.at(fri(2, 0)).resume().counterRestarts().sample().idle(1).suspend();
    t.at(fri(8, 0))
      .resume()
      .counterRestarts()
      .sample()
      .silent(20 * SEC)
      .input()
      .silent(40 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:20 (idle)']);
  });

  it('resume followed at once by the lock screen: the span ends at the unlock, not at the resume', () => {
    const t = workedUntilSix().idle(10).suspend();
    t.at(fri(8, 0)).resume().sample().silent(SEC).lock().idle(1).silent(MIN).unlock().work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:02:01 (idle)']);
  });

  it('the night summer time ends (25 Oct 2026, 03:00 → 02:00): 22:00–07:00 is 10 hours away', () => {
    const t = new Timeline(local(2026, 10, 24, 21, 0)).work(60).lock().suspend();
    t.at(local(2026, 10, 25, 7, 0))
      .resume()
      .sample()
      .silent(0)
      .unlock()
      .work(5);
    const r = run(t);
    expect(r.said).toEqual(['Sat 22:00 → Sun 07:00 (lock)']);
    expect(r.spans[0] && r.spans[0].to - r.spans[0].from).toBe(10 * HOUR);
  });

  it('nothing is asked while the machine sleeps or shows the lock screen', () => {
    const t = workedUntilSix().idle(10).lock().idle(20).suspend();
    t.at(fri(8, 0)).resume().sample().idle(30);
    const r = run(t);
    expect(r.spans).toEqual([]);
    expect(r.state.awayFrom).toBe(thu(18, 0));
    expect(r.state.locked).toBe(true);
  });
});

describe('an idle counter that stands still during sleep (X11: a monotonic clock)', () => {
  /** Gone at 18:00, no lock, the lid closed at 18:30. */
  function leftTheLaptopOpen(): Timeline {
    const t = workedUntilSix();
    t.counterSkipsSleep = true;
    return t.idle(30);
  }

  it('a night with both events, no lock screen: from 18:00 to the first input, not to the wake', () => {
    const t = leftTheLaptopOpen().suspend().sleepUntil(fri(8, 0)).resume().sample();
    // The counter reads 30 minutes at 08:00: "input at 07:30" is the sleep, not the user.
    t.silent(20 * SEC)
      .input()
      .silent(40 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:20 (idle)']);
  });

  it('a dark wake at 02:00 with both events: still one span, ended by the morning input', () => {
    const t = leftTheLaptopOpen().suspend().sleepUntil(fri(2, 0)).resume().sample().idle(2);
    t.suspend().sleepUntil(fri(8, 0)).resume().sample();
    t.silent(20 * SEC)
      .input()
      .silent(40 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:20 (idle)']);
  });

  it('a dark wake with the suspend and resume events missed: the first tick after the wake is not a return', () => {
    // The tick scheduled at 18:30 fires 40 s after the 02:00 wake (Node's timers stand still in
    // sleep too); the counter reads 30 min 40 s.
    const t = leftTheLaptopOpen()
      .sleepUntil(fri(2, 0))
      .silent(40 * SEC)
      .sample()
      .idle(1);
    t.sleepUntil(fri(8, 0))
      .silent(10 * SEC)
      .input()
      .silent(20 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:10 (idle)']);
  });

  it('lid closed right after typing, events missed, opened and typed at once: back at that input', () => {
    const t = workedUntilSix();
    t.counterSkipsSleep = true;
    t.sleepUntil(fri(8, 0))
      .silent(5 * SEC)
      .input()
      .silent(30 * SEC)
      .sample()
      .work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00:05 (sleep)']);
  });
});

describe('lunch and short locks', () => {
  it('a lunch lock 12:00–13:00 right after typing: away 12:00–13:00', () => {
    const t = new Timeline(thu(11, 0)).work(60).lock().idle(60).unlock().work(30);
    expect(run(t).said).toEqual(['Thu 12:00 → Thu 13:00 (lock)']);
  });

  it('a lunch lock whose screen locker makes the idle time read 0: still 12:00–13:00, the source is then not trusted', () => {
    const t = new Timeline(thu(11, 0)).work(60).lock();
    for (let i = 0; i < 60; i++) t.silent(MIN).sample(0);
    t.unlock();
    const r = run(t);
    expect(r.said).toEqual(['Thu 12:00 → Thu 13:00 (lock)']);
    expect(r.state.idleTrusted).toBe(false);
    expect(r.state.untrustedWhy).toBe('zero-while-locked');
  });

  it('a 2-minute lock asks nothing', () => {
    const t = new Timeline(thu(11, 0)).work(60).lock().idle(2).unlock().work(30);
    const r = run(t);
    expect(r.spans).toEqual([]);
    expect(r.state.awayFrom).toBeNull();
  });

  it('a lock just under the threshold (4:59) asks nothing; exactly the threshold asks', () => {
    const short = new Timeline(thu(11, 0))
      .work(60)
      .lock()
      .idle(4)
      .silent(59 * SEC)
      .unlock();
    expect(run(short).spans).toEqual([]);
    const exact = new Timeline(thu(11, 0)).work(60).lock().idle(5).unlock();
    expect(run(exact).said).toEqual(['Thu 12:00 → Thu 12:05 (lock)']);
  });

  it('reading for 4 minutes, then Super+L and 2 minutes at the coffee machine: nothing (the lock key is input)', () => {
    // The core samples the idle time as the lock arrives: the keypress shows as ~0 s.
    const t = new Timeline(thu(11, 0))
      .work(60)
      .idle(4)
      .silent(30 * SEC)
      .input()
      .sample()
      .lock();
    t.silent(2 * MIN)
      .unlock()
      .work(10);
    expect(run(t).spans).toEqual([]);
  });

  it('gone at 12:00, the screen auto-locks at 12:04:30, back at 12:06:30: away 12:00–12:06:30', () => {
    const t = new Timeline(thu(11, 0))
      .work(60)
      .idle(4)
      .silent(30 * SEC)
      .sample()
      .lock();
    t.silent(2 * MIN)
      .unlock()
      .work(10);
    expect(run(t).said).toEqual(['Thu 12:00 → Thu 12:06:30 (lock)']);
  });

  it('without a sample at the lock, a 4-minute idle then a 2-minute lock counts from the last known input', () => {
    // What the detector can know: the last sample (12:04) said 4 minutes idle. Whether the
    // lock was a keypress or the screen saver only a sample at the lock can tell, which is why
    // the core samples at a lock, a suspend and a shutdown (presence-service power()).
    const t = new Timeline(thu(11, 0))
      .work(60)
      .idle(4)
      .silent(30 * SEC)
      .lock();
    t.silent(2 * MIN)
      .unlock()
      .work(10);
    expect(run(t).said).toEqual(['Thu 12:00 → Thu 12:06:30 (lock)']);
  });

  it('two lunch breaks in a day are two spans', () => {
    const t = new Timeline(thu(9, 0)).work(180).lock().idle(45).unlock().work(60);
    t.idle(20).work(120);
    expect(run(t).said).toEqual([
      'Thu 12:00 → Thu 12:45 (lock)',
      'Thu 13:45 → Thu 14:06 (idle)', // back at the first input, in the 21st minute
    ]);
  });
});

describe('idle time alone', () => {
  it('gone from 10:00, back at 10:17:40: away 10:00–10:17:40 (the input, not the next sample)', () => {
    const t = new Timeline(thu(9, 0))
      .work(60)
      .idle(17)
      .silent(40 * SEC)
      .input();
    t.silent(20 * SEC)
      .sample()
      .work(10);
    expect(run(t).said).toEqual(['Thu 10:00 → Thu 10:17:40 (idle)']);
  });

  it('4 minutes without input (reading) asks nothing', () => {
    const t = new Timeline(thu(9, 0)).work(60).idle(4).work(60);
    expect(run(t).spans).toEqual([]);
  });

  it('a fast typist whose samples read 0 for 12 minutes: idle time still counts afterwards', () => {
    const early = new Timeline(thu(9, 0), 'zero').work(12);
    expect(run(early).state.untrustedWhy).toBe('always-zero');
    const t = new Timeline(thu(9, 0), 'zero').work(12);
    t.idleReads = 'counts';
    t.idle(15).work(5);
    expect(run(t).said).toEqual(['Thu 09:12 → Thu 09:28 (idle)']);
  });
});

describe('a missed suspend event', () => {
  it('samples stop for 90 minutes and come back with a small idle time: away from the last input before the gap', () => {
    const t = new Timeline(thu(13, 0)).work(60).silent(90 * MIN);
    t.lastInput = t.now - 5 * SEC; // opened the lid 5 s before the first tick
    t.sample().work(10);
    expect(run(t).said).toEqual(['Thu 14:00 → Thu 15:29:55 (sleep)']);
  });

  it('the user had been idle 3 minutes when the samples stopped: the span starts at that input', () => {
    const t = new Timeline(thu(13, 0))
      .work(60)
      .idle(3)
      .silent(90 * MIN)
      .counterRestarts();
    t.sample().work(10);
    expect(run(t).said).toEqual(['Thu 14:00 → Thu 15:33 (sleep)']);
  });

  it('typing when the samples stop and typing when they resume is not "ten minutes of zeros"', () => {
    // Both readings are 0 and 14 hours apart; the idle time stays trusted and the night is asked.
    const t = workedUntilSix().at(fri(8, 0)).input().sample();
    expect(run(t).state.idleTrusted).toBe(true);
    t.work(5);
    const r = run(t);
    expect(r.said).toEqual(['Thu 18:00 → Fri 08:00 (sleep)']);
    expect(r.state.idleTrusted).toBe(true);
  });

  it('a 3-minute gap (a busy machine) with the user typing asks nothing', () => {
    const t = new Timeline(thu(13, 0))
      .work(60)
      .silent(3 * MIN)
      .input()
      .sample()
      .work(10);
    expect(run(t).spans).toEqual([]);
  });

  it('a gap just over the sampling period plus CLOCK_GAP_MS is a sleep; at it, not', () => {
    const base = () => new Timeline(thu(13, 0)).work(60);
    const at = base()
      .silent(MIN + CLOCK_GAP_MS)
      .input()
      .sample();
    expect(run(at).state.reason).toBeNull();
    // A sleep, but shorter than the threshold: noticed, and nothing asked.
    const over = base()
      .silent(MIN + CLOCK_GAP_MS + SEC)
      .input()
      .sample();
    expect(run(over).spans).toEqual([]);
  });
});

describe("Wayland's constant 0", () => {
  it('idle time never starts a span; lock and sleep still do', () => {
    const t = new Timeline(thu(9, 0), 'zero').work(60).idle(45); // gone 10:00–10:45: unseen
    t.work(75).lock().idle(60).unlock().work(60); // lunch 12:00–13:00
    t.work(240).suspend().at(fri(8, 0)).resume().sample().work(5);
    const r = run(t, WAYLAND);
    expect(r.said).toEqual(['Thu 12:00 → Thu 13:00 (lock)', 'Thu 18:00 → Fri 08:00 (sleep)']);
    expect(r.state.idleTrusted).toBe(false);
    expect(r.state.untrustedWhy).toBe('wayland');
  });

  it('a Wayland resume ends the night at the wake, even if a lock screen follows', () => {
    // Without idle time a wake is the return (the prompt shows at once). A lock arriving after
    // the resume starts a new span; on Linux, where idle time is untrusted, Electron sends no
    // lock events anyway.
    const t = new Timeline(thu(17, 0), 'zero').work(60).suspend();
    t.at(fri(8, 0)).resume().sample();
    expect(run(t, WAYLAND).said).toEqual(['Thu 18:00 → Fri 08:00 (sleep)']);
    t.silent(SEC)
      .lock()
      .silent(2 * MIN)
      .unlock()
      .work(5);
    expect(run(t, WAYLAND).said).toEqual(['Thu 18:00 → Fri 08:00 (sleep)']);
  });

  it('a Wayland session whose idle time does work is trusted at its first non-zero sample', () => {
    const t = new Timeline(thu(9, 0)).work(60).idle(20).work(5);
    const r = run(t, WAYLAND);
    expect(r.said).toEqual(['Thu 10:00 → Thu 10:21 (idle)']);
    expect(r.state.idleTrusted).toBe(true);
    expect(r.state.untrustedWhy).toBeNull();
  });

  it('an X11 session whose idle time reads 0 for 10 minutes is not trusted, and trusted again at a non-zero sample', () => {
    const t = new Timeline(thu(9, 0), 'zero').work(9);
    const before = run(t).state;
    expect(before.idleTrusted).toBe(true);
    t.work(2); // ten minutes of zeros since the first one at 09:01
    const after = run(t).state;
    expect(after.idleTrusted).toBe(false);
    expect(after.untrustedWhy).toBe('always-zero');
    t.silent(MIN).sample(7);
    const again = run(t).state;
    expect(again.idleTrusted).toBe(true);
    expect(again.untrustedWhy).toBeNull();
  });

  it('an X11 session whose idle time reads 0 for a minute while locked is not trusted', () => {
    // The last sample before the lock (10:00) read 0 as well: zeros from 10:00.
    const t = new Timeline(thu(9, 0))
      .work(60)
      .lock()
      .silent(30 * SEC)
      .sample(0);
    expect(run(t).state.idleTrusted).toBe(true);
    t.silent(30 * SEC).sample(0);
    const s = run(t).state;
    expect(s.idleTrusted).toBe(false);
    expect(s.untrustedWhy).toBe('zero-while-locked');
  });

  it('no idle source at all (null samples): lock and sleep only, an unlocked wake is the return', () => {
    const t = new Timeline(thu(17, 0)).suspend().at(fri(8, 0)).resume();
    t.sample(null).silent(MIN).sample(null);
    expect(run(t).said).toEqual(['Thu 17:00 → Fri 08:00 (sleep)']);
  });
});

describe('wall-clock jumps', () => {
  it('the clock set back by an hour while the user works asks nothing', () => {
    const t = new Timeline(thu(9, 0)).work(60).setClock(-HOUR).work(60);
    const r = run(t);
    expect(r.spans).toEqual([]);
    expect(r.state.awayFrom).toBeNull();
  });

  it('the clock set back by an hour while the user is away: the span still ends at their return', () => {
    // Gone 10:00; after 10:10 the clock is set back an hour; back 10 minutes later (09:21).
    const t = new Timeline(thu(9, 0)).work(60).idle(10).setClock(-HOUR).idle(10).work(5);
    const r = run(t);
    expect(r.spans).toHaveLength(1);
    const [span] = r.spans;
    // Back at 09:21 on the new clock (the first input of work()). 21 minutes away in real time;
    // the detector cannot know the time between the last sample on the old clock and the first
    // on the new one, and counts it as none: up to one sampling period less.
    expect(span?.to).toBe(thu(9, 21));
    expect(span && span.to - span.from).toBe(20 * MIN);
  });

  it('without the uptime, the clock set forward by 2 hours looks like a sleep: the user is asked about 2 hours', () => {
    // Wall-clock samples alone cannot tell a clock change from a sleep without a suspend event
    // (a platform whose uptime cannot be read); the user answers "Keep" (nothing changes).
    const t = new Timeline(thu(9, 0))
      .work(60)
      .setClock(2 * HOUR)
      .work(10);
    expect(run(t).said).toEqual(['Thu 10:00 → Thu 12:01 (sleep)']);
  });
});

describe('wall-clock jumps, with the uptime (os.uptime(): sleep counted, clock changes not)', () => {
  it('the clock set forward by 2 hours while the user works asks nothing', () => {
    const t = new Timeline(thu(9, 0))
      .withUptime()
      .work(60)
      .setClock(2 * HOUR)
      .work(10);
    const r = run(t);
    expect(r.said).toEqual([]);
    expect(r.state.awayFrom).toBeNull();
  });

  it('a night asleep with no suspend event is still a night: the uptime counts the sleep', () => {
    const t = workedUntilSix().withUptime().sleepUntil(fri(8, 0)).work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:01 (sleep)']);
  });

  it('the clock set forward an hour during a 30-minute lock: asked about the 30 minutes, on the new clock', () => {
    // Locked at 10:00; the clock is put right (an hour forward) while locked; unlocked 30
    // minutes later, at 11:30 on the new clock. Wall clock alone: 90 minutes.
    const t = new Timeline(thu(9, 0)).withUptime().work(60).lock().idle(10);
    t.setClock(HOUR).idle(20).unlock().work(5);
    expect(run(t).said).toEqual(['Thu 11:00 → Thu 11:30 (lock)']);
  });

  it('the clock set back an hour during a 30-minute lock: exactly 30 minutes', () => {
    const day = (uptime: boolean) => {
      const t = new Timeline(thu(9, 0));
      if (uptime) t.withUptime();
      t.work(60).lock().idle(10).setClock(-HOUR).idle(20).unlock().work(5);
      return run(t).said;
    };
    expect(day(true)).toEqual(['Thu 09:00 → Thu 09:30 (lock)']);
    // Without it, the minute between the last event on the old clock and the first on the new
    // one is lost.
    expect(day(false)).toEqual(['Thu 09:01 → Thu 09:30 (lock)']);
  });

  it('a suspend the OS reported stays a sleep even if an uptime missed it (one that stood still)', () => {
    const t = workedUntilSix().withUptime().suspend();
    t.sleepUntil(fri(8, 0));
    t.uptime = (t.uptime ?? 0) - 14 * HOUR + MIN; // as if the uptime had not counted the night
    t.resume().work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:01 (sleep)']);
  });

  it('a small correction at a wake (NTP steps the clock 20 s) changes nothing', () => {
    const t = workedUntilSix().withUptime().suspend().sleepUntil(fri(8, 0)).resume();
    t.setClock(20 * SEC).work(5);
    // Not taken for a clock change (the night is not moved): the return is on the new clock.
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:01:20 (sleep)']);
  });
});

describe('launch after the app was not running', () => {
  it('the previous run was last alive 14 hours ago (shut down): away from then, reason shutdown', () => {
    const t = new Timeline(fri(8, 0)).launch(thu(18, 0)).work(5);
    expect(run(t).said).toEqual(['Thu 18:00 → Fri 08:00 (shutdown)']);
  });

  it('last alive 2 minutes ago (a restart) asks nothing; no previous run asks nothing', () => {
    const restart = new Timeline(fri(8, 0)).launch(fri(7, 58)).work(5);
    expect(run(restart).spans).toEqual([]);
    const first = new Timeline(fri(8, 0)).launch(null).work(5);
    expect(run(first).spans).toEqual([]);
  });

  it('a shutdown event starts a span at the last input; the next launch closes it once', () => {
    const t = workedUntilSix().idle(2).shutdown();
    t.at(fri(8, 0)).launch(thu(18, 2)).work(5);
    // The launch reports the previous run's end; the shutdown span held in memory is of no use
    // then (a real launch starts from a fresh state), so exactly one span.
    expect(run(t).said).toEqual(['Thu 18:02 → Fri 08:00 (shutdown)']);
  });
});

describe('stepDetector', () => {
  it('detectAway is stepDetector folded over the events', () => {
    const t = workedUntilSix().idle(10).lock().idle(20).suspend();
    t.at(fri(8, 0))
      .resume()
      .sample()
      .silent(2 * MIN)
      .unlock()
      .work(3);
    let state = initialDetectorState(X11);
    const spans: AwaySpan[] = [];
    for (const e of t.events) {
      const r = stepDetector(state, e, X11);
      state = r.state;
      if (r.away) spans.push(r.away);
    }
    expect(spans).toEqual(run(t).spans);
  });

  it('does not change the state it is given', () => {
    const s = initialDetectorState(X11);
    const copy = structuredClone(s);
    const e: PresenceEvent = { type: 'lock', at: thu(9, 0) };
    stepDetector(s, e, X11);
    expect(s).toEqual(copy);
  });
});
