/**
 * A small clock for the away detector's tests: builds the event sequence the core would feed
 * (main/core/presence-service.ts) from what a person and their desktop do, minute by minute.
 *
 * Like the core, it samples the idle time once a minute (SAMPLE_EVERY_MS) in whole seconds. The
 * desktop's idle counter is modelled by `lastInput`: a sample reads (now − lastInput) / 1000,
 * floored, unless the desktop is told to read something else (Wayland's constant 0, a counter
 * that resets at a wake).
 */
import type { PresenceEvent } from '../../main/presence/away-detector';

export const SEC = 1000;
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** Local time (the test sets process.env.TZ); month 1–12. */
export function local(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second = 0,
): number {
  return new Date(year, month - 1, day, hour, minute, second).getTime();
}

/** "18:00" or "Sat 08:02" in local time, for readable failure messages. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const s = d.getSeconds() === 0 ? '' : `:${String(d.getSeconds()).padStart(2, '0')}`;
  return `${d.toLocaleDateString('en-GB', { weekday: 'short' })} ${hm}${s}`;
}

export class Timeline {
  readonly events: PresenceEvent[] = [];
  now: number;
  /** The last keyboard or mouse input, as the desktop's idle counter knows it. */
  lastInput: number;
  /** 'counts': the idle time is real; 'zero': it reads 0 whatever happens (Wayland). */
  idleReads: 'counts' | 'zero';
  /**
   * Whether the idle counter stands still while the machine sleeps. X11 measures idle time on
   * the server's monotonic clock, which Linux stops during suspend: after a night the counter
   * reads the idle time before the sleep plus the minutes since the wake, not 14 hours.
   */
  counterSkipsSleep = false;
  /**
   * The machine's uptime (ms), sent with every event once `withUptime()` is called (what the
   * real shell does: os.uptime()). It counts sleep and does not move when the clock is set.
   */
  uptime: number | null = null;

  constructor(start: number, idleReads: 'counts' | 'zero' = 'counts') {
    this.now = start;
    this.lastInput = start;
    this.idleReads = idleReads;
  }

  /** From now on, events carry the machine's uptime (starting at `ms`). */
  withUptime(ms = 3 * HOUR): this {
    this.uptime = ms;
    return this;
  }

  /** Real time passes (the uptime with it, sleep included). */
  private advance(ms: number): void {
    this.now += ms;
    if (this.uptime !== null) this.uptime += ms;
  }

  /** What every event carries besides its own fields. */
  private get extra(): { uptimeMs?: number } {
    return this.uptime === null ? {} : { uptimeMs: this.uptime };
  }

  /** The idle time a sample would read now. */
  idleSeconds(): number {
    return this.idleReads === 'zero' ? 0 : Math.floor((this.now - this.lastInput) / SEC);
  }

  /** One idle sample now (the core's minute tick); `idleSeconds` overrides what it reads. */
  sample(idleSeconds?: number | null): this {
    this.events.push({
      type: 'sample',
      at: this.now,
      idleSeconds: idleSeconds === undefined ? this.idleSeconds() : idleSeconds,
      ...this.extra,
    });
    return this;
  }

  /** The user types or moves the mouse now. */
  input(): this {
    this.lastInput = this.now;
    return this;
  }

  /**
   * The user works for `minutes`: input all along, a sample each minute. The first and last
   * inputs are on the minute (the return and the leaving are then whole minutes); samples between
   * read 0–3 s, as a person pauses between keystrokes (a run of ten zeros would look like
   * Wayland's constant 0).
   */
  work(minutes: number): this {
    for (let i = 0; i < minutes; i++) {
      this.advance(MIN);
      this.lastInput = this.now - (i === minutes - 1 ? 0 : i % 4) * SEC;
      this.sample();
    }
    return this;
  }

  /** The desktop restarts its idle counter (at a wake, or when the lock screen shows). */
  counterRestarts(): this {
    this.lastInput = this.now;
    return this;
  }

  /** Nobody at the keyboard for `minutes`: a sample each minute, the idle time grows. */
  idle(minutes: number): this {
    for (let i = 0; i < minutes; i++) {
      this.advance(MIN);
      this.sample();
    }
    return this;
  }

  /** Time passes with no event at all (the process is frozen, or the machine sleeps). */
  silent(ms: number): this {
    this.advance(ms);
    return this;
  }

  /** The machine sleeps until `ms` (no events; see counterSkipsSleep). */
  sleepUntil(ms: number): this {
    if (ms < this.now) throw new Error(`${clock(ms)} is before ${clock(this.now)}`);
    if (this.counterSkipsSleep) this.lastInput += ms - this.now;
    this.advance(ms - this.now);
    return this;
  }

  /** The wall clock is set (by hand, or NTP): `ms` later or earlier, no time really passing. */
  setClock(ms: number): this {
    this.now += ms;
    this.lastInput += ms; // the idle counter is monotonic: it does not move with the clock
    return this;
  }

  lock(): this {
    return this.push('lock');
  }
  unlock(): this {
    // Typing the password is input.
    this.input();
    return this.push('unlock');
  }
  suspend(): this {
    return this.push('suspend');
  }
  resume(): this {
    return this.push('resume');
  }
  shutdown(): this {
    return this.push('shutdown');
  }
  launch(lastAliveAt: number | null): this {
    this.events.push({ type: 'launch', at: this.now, lastAliveAt, ...this.extra });
    return this;
  }

  /** Moves to a later local time (no events between). */
  at(ms: number): this {
    if (ms < this.now) throw new Error(`${clock(ms)} is before ${clock(this.now)}`);
    this.advance(ms - this.now);
    return this;
  }

  private push(type: 'lock' | 'unlock' | 'suspend' | 'resume' | 'shutdown'): this {
    this.events.push({ type, at: this.now, ...this.extra });
    return this;
  }
}
