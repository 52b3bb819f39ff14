/**
 * A Clock whose time moves only when told to, counting every timer that fires: tests drive a
 * whole day in milliseconds, and the benchmark counts the core's wake-ups.
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
  #pending: Pending[] = [];
  /** Timers that fired so far: each one is a wake-up of the process. */
  fired = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const item: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.push(item);
    return { cancel: () => (this.#pending = this.#pending.filter((p) => p !== item)) };
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Moves time forward, firing due timers in order (and timers they schedule meanwhile). */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#pending].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next || next.at > end) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      this.#now = next.at;
      this.fired += 1;
      next.fn();
      // let promise chains started by the timer settle before the next one fires
      await new Promise((r) => setImmediate(r));
    }
    this.#now = end;
  }
}
