/**
 * The benchmark's clock: time moves only when `advance` says so, and every timer that fires is
 * counted, because each one is a wake-up of a real process (a CPU leaving its idle state). The
 * core asks for all its timers through the Clock interface, so this sees every one of them.
 */
import type { Clock, TimerHandle } from '../main/core/clock';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class CountingVirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #pending = new Set<Pending>();
  /** Timers fired so far. */
  fired = 0;
  /** Timers asked for so far (including ones cancelled before firing: those cost nothing). */
  scheduled = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const item: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.add(item);
    this.scheduled += 1;
    return { cancel: () => void this.#pending.delete(item) };
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
