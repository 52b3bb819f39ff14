/**
 * Time as a dependency. The core never calls Date.now() or setTimeout() directly, so tests can
 * drive a whole day in milliseconds and the benchmark can count every wake-up.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** One-shot timer. The core chains these; it never uses intervals. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    // A tray app must never be kept alive (or a CLI run held open) by a pending refresh.
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
