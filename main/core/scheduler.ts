/**
 * When the core wakes up. Timers cost battery, so:
 *  - the tooltip ticks once a minute while a timer runs (on the minute of its elapsed time, so
 *    "1:23" turns into "1:24" on time), and once at local midnight while idle (today's total
 *    resets); the popup's seconds are ticked by the popup itself, not here;
 *  - accounts whose provider can change behind our back are refreshed on their provider's
 *    schedule (chained one-shot timers, never overlapping; the provider follows its quota),
 *    sooner when the popup opens with stale data, after resume/unlock, never after a sign-in
 *    failure, and not at all while the machine sleeps or the screen is locked;
 *  - nothing runs in 'oneshot' mode (the CLI).
 */
import type { AccountRuntime } from './account-runtime';
import type { Clock, TimerHandle } from './clock';
import type { RefreshReason } from '../providers/provider';
import type { PowerEvent } from './core';
import { nextLocalMidnight } from './today';

/** How long polls wait after `failures` failed reads in a row. */
export function failureBackoffMs(failures: number): number {
  return Math.min(300_000, 30_000 * 2 ** Math.min(Math.max(0, failures - 1), 10));
}

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
  readonly #polls = new Map<AccountRuntime, { timer: TimerHandle; due: number }>();
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
    this.#cancelAll();
  }

  get paused(): boolean {
    return this.#asleep || this.#locked;
  }

  /** The popup opened: refresh accounts whose data is older than their provider tolerates. */
  setPopupVisible(visible: boolean): void {
    if (!visible || !this.#started || this.paused) return;
    const now = this.o.clock.now();
    const stale = this.o.accounts().filter((a) => {
      const maxAge = a.provider?.popupStaleMs;
      return maxAge != null && (a.lastSyncedAt === null || now - a.lastSyncedAt > maxAge);
    });
    void this.#refresh(stale, 'popup');
  }

  power(event: PowerEvent): void {
    if (event === 'suspend') this.#asleep = true;
    if (event === 'resume') this.#asleep = false;
    if (event === 'lock-screen') this.#locked = true;
    if (event === 'unlock-screen') this.#locked = false;
    if (!this.#started) return;
    if (this.paused) {
      this.#cancelAll();
      return;
    }
    if (event === 'resume' || event === 'unlock-screen') {
      // Whatever changed while we were away (another device, the web app) shows up now.
      void this.#refresh(
        this.o.accounts().filter((a) => a.provider?.popupStaleMs != null),
        'resume',
      );
    }
    this.reschedule();
  }

  /** Re-plans every timer from the current state; called after each change. */
  reschedule(): void {
    if (!this.#started || this.paused) return;
    this.#scheduleTick();
    const accounts = this.o.accounts();
    for (const [account, poll] of this.#polls) {
      if (accounts.includes(account)) continue;
      poll.timer.cancel();
      this.#polls.delete(account);
    }
    for (const account of accounts) this.#schedulePoll(account);
  }

  #cancelAll(): void {
    this.#tick?.cancel();
    this.#tick = null;
    for (const p of this.#polls.values()) p.timer.cancel();
    this.#polls.clear();
  }

  #scheduleTick(): void {
    this.#tick?.cancel();
    const now = this.o.clock.now();
    const firstStart = this.o
      .accounts()
      .map((a) => {
        const r = a.running;
        if (!r) return undefined;
        // A day total without a start (WebWork) ticks on the minute of that total.
        if (r.start === null && r.trackedAt !== undefined)
          return r.trackedAt - (r.trackedSeconds ?? 0) * 1000;
        return r.start ?? undefined;
      })
      .find((s): s is number => typeof s === 'number');
    let delay: number;
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

  /**
   * Keeps one chained timer per account. Providers answer `nextRefreshIn` from their own last
   * request, so asking again (every tooltip tick calls reschedule) yields the same due time and
   * leaves the timer alone; a changed plan (an action, a quota reset) moves it.
   */
  #schedulePoll(account: AccountRuntime): void {
    const provider = account.provider;
    const existing = this.#polls.get(account);
    const now = this.o.clock.now();
    // A sign-in failure stops background requests until the user fixes the account.
    const delay =
      !provider || account.error?.kind === 'auth'
        ? null
        : provider.nextRefreshIn({ running: account.running !== null, now });
    if (delay === null) {
      existing?.timer.cancel();
      this.#polls.delete(account);
      return;
    }
    // While reads fail (offline, a failing service) the next one waits longer each time:
    // 30 s, 1 min, 2 min … 5 min, whatever the provider's own rhythm would allow.
    const backoff =
      account.failures > 0 && account.lastFailureAt !== null
        ? account.lastFailureAt + failureBackoffMs(account.failures) - now
        : 0;
    const due = now + Math.max(1000, delay, backoff);
    if (existing && Math.abs(existing.due - due) < 1000) return;
    existing?.timer.cancel();
    const timer = this.o.clock.setTimer(due - now, () => {
      this.#polls.delete(account);
      void this.#refresh([account], 'poll');
    });
    this.#polls.set(account, { timer, due });
  }

  async #refresh(accounts: readonly AccountRuntime[], reason: RefreshReason): Promise<void> {
    const now = this.o.clock.now();
    const due = accounts.filter(
      (a) => a.provider && a.error?.kind !== 'auth' && a.provider.allowAutoRefresh(reason, now),
    );
    if (due.length === 0) {
      // Nothing was allowed now (another process spent the budget): plan the next try anyway.
      this.reschedule();
      return;
    }
    await Promise.all(due.map((a) => a.refresh(reason)));
    this.o.onRefreshed();
  }
}
