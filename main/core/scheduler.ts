/**
 * When the core wakes up. Timers cost battery, so:
 *  - the tooltip ticks once a minute while a timer runs (on the minute of its elapsed time, so
 *    "1:23" turns into "1:24" on time), and once at local midnight while idle (today's total
 *    resets); the popup's seconds are ticked by the popup itself, not here;
 *  - accounts whose provider can change behind our back are refreshed on their provider's
 *    schedule (chained one-shot timers, never overlapping), sooner when the popup opens with
 *    stale data, and not at all while the machine sleeps or the screen is locked;
 *  - nothing runs in 'oneshot' mode (the CLI).
 */
import type { AccountRuntime } from './account-runtime';
import type { Clock, TimerHandle } from './clock';
import type { PowerEvent } from './core';
import { nextLocalMidnight } from './today';

/** Data older than this is refreshed when the popup opens. */
export const POPUP_STALE_MS = 10_000;
/** Lands a tick just after the minute boundary rather than a hair before it. */
const TICK_SLACK_MS = 50;

export interface SchedulerOptions {
  clock: Clock;
  enabled: boolean;
  accounts: () => readonly AccountRuntime[];
  onRefreshed: () => void;
  onTick: () => void;
}

export class Scheduler {
  #tick: TimerHandle | null = null;
  readonly #polls = new Map<AccountRuntime, TimerHandle>();
  #asleep = false;
  #locked = false;
  #started = false;

  constructor(private readonly o: SchedulerOptions) {}

  start(): void {
    if (!this.o.enabled) return;
    this.#started = true;
    this.reschedule();
  }

  stop(): void {
    this.#started = false;
    this.#tick?.cancel();
    this.#tick = null;
    for (const t of this.#polls.values()) t.cancel();
    this.#polls.clear();
  }

  get paused(): boolean {
    return this.#asleep || this.#locked;
  }

  setPopupVisible(visible: boolean): void {
    if (!visible || !this.#started) return;
    const now = this.o.clock.now();
    const stale = this.o
      .accounts()
      .filter((a) => this.#polls.has(a) || a.provider?.syncPolicy.idleMs != null)
      .filter((a) => a.lastSyncedAt === null || now - a.lastSyncedAt > POPUP_STALE_MS);
    if (stale.length > 0) void this.#refresh(stale);
  }

  power(event: PowerEvent): void {
    if (event === 'suspend') this.#asleep = true;
    if (event === 'resume') this.#asleep = false;
    if (event === 'lock-screen') this.#locked = true;
    if (event === 'unlock-screen') this.#locked = false;
    if (!this.#started) return;
    if (this.paused) {
      this.stop();
      this.#started = true;
      return;
    }
    if (event === 'resume' || event === 'unlock-screen') {
      // Whatever changed while we were away (another device, the web app) shows up now.
      const remote = this.o
        .accounts()
        .filter((a) => a.provider && a.provider.syncPolicy.idleMs !== null);
      if (remote.length > 0) void this.#refresh(remote);
    }
    this.reschedule();
  }

  /** Re-plans every timer from the current state; called after each change. */
  reschedule(): void {
    if (!this.#started || this.paused) return;
    this.#scheduleTick();
    for (const account of this.o.accounts()) this.#schedulePoll(account);
    for (const [account, timer] of this.#polls) {
      if (!this.o.accounts().includes(account)) {
        timer.cancel();
        this.#polls.delete(account);
      }
    }
  }

  #scheduleTick(): void {
    this.#tick?.cancel();
    const now = this.o.clock.now();
    const runningStarts = this.o
      .accounts()
      .map((a) => a.running?.start)
      .filter((s): s is number => typeof s === 'number');
    let delay: number;
    const firstStart = runningStarts[0];
    if (firstStart !== undefined) {
      const intoMinute = (((now - firstStart) % 60_000) + 60_000) % 60_000;
      delay = 60_000 - intoMinute + TICK_SLACK_MS;
    } else {
      delay = nextLocalMidnight(now) - now + TICK_SLACK_MS;
    }
    this.#tick = this.o.clock.setTimer(delay, () => {
      this.#tick = null;
      this.o.onTick();
    });
  }

  #schedulePoll(account: AccountRuntime): void {
    if (this.#polls.has(account)) return;
    const policy = account.provider?.syncPolicy;
    if (!policy) return;
    const every = account.running ? policy.runningMs : policy.idleMs;
    if (every === null) return;
    const timer = this.o.clock.setTimer(every, () => {
      this.#polls.delete(account);
      void this.#refresh([account]);
    });
    this.#polls.set(account, timer);
  }

  async #refresh(accounts: readonly AccountRuntime[]): Promise<void> {
    for (const a of accounts) {
      this.#polls.get(a)?.cancel();
      this.#polls.delete(a);
    }
    await Promise.all(accounts.map((a) => a.refresh()));
    this.o.onRefreshed();
  }
}
