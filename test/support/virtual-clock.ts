/**
 * A Clock whose time moves only when told to, counting every timer that fires: tests drive a
 * whole day in milliseconds, and the benchmark counts the core's wake-ups (each fired timer is
 * a real process leaving its idle state; the core asks for all its timers through Clock).
 */
import type { Clock, TimerHandle } from '../../main/core/clock';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #pending = new Set<Pending>();
  /** Timers that fired so far. */
  fired = 0;
  /** How far the wall clock was set, in total (setWallClock). */
  #set = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const item: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.add(item);
    return { cancel: () => void this.#pending.delete(item) };
  }

  /**
   * The wall clock is set by `ms` (by hand, or a large NTP step) without time passing. Timers
   * keep their delays, as Node's do (they run on a monotonic clock).
   */
  setWallClock(ms: number): void {
    this.#now += ms;
    this.#set += ms;
    for (const p of this.#pending) p.at += ms;
  }

  /** Time that really passed since the start, unmoved by setWallClock (an uptime). */
  elapsedMs(start: number): number {
    return this.#now - this.#set - start;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  #next(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.#pending)
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    return best;
  }

  /** Moves time forward by `ms`, firing due timers in order, including those they schedule. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (let next = this.#next(); next && next.at <= end; next = this.#next()) {
      this.#pending.delete(next);
      this.#now = next.at;
      this.fired += 1;
      next.fn();
      // Let the promise chains a timer starts (refresh → snapshot → reschedule) settle first.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = end;
  }
}
