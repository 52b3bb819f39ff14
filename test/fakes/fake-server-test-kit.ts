/**
 * What the fake servers' own tests share: a clock the test moves by hand (passed to a fake as its
 * `now`) and closing every fake a test started, so no port outlives its test.
 */
import { afterEach } from 'vitest';

/** Virtual time for a fake's `now`; `now` is a bound arrow so it can be handed over as is. */
export class FakeClock {
  constructor(public t: number) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * Registers an afterEach (call it at the top of a test file) that closes every fake passed to the
 * returned function during the test.
 */
export function closeAfterEach<T extends { close(): Promise<void> }>(): (fake: T) => T {
  const open: T[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((f) => f.close()));
  });
  return (fake) => {
    open.push(fake);
    return fake;
  };
}
