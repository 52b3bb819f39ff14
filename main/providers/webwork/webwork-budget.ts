/**
 * WebWork allows 60 requests per minute per user (providers.md §3.4). Tray Timer stays far below:
 * automatic requests (polls, popup openings, wake-ups, list refreshes, the team glance while it
 * is watched) stop at AUTO_CAP (20) in any 60 seconds, and a user's team refresh stops at
 * USER_CAP (30), leaving room for the user's own actions and for the WebWork web app. Start and
 * stop are never refused by Tray Timer itself.
 *
 * A 429 blocks every request until the service's Retry-After (or an exponential back-off when it
 * gives none), plus jitter so several Tray Timers of one team do not come back at the same
 * second. The log and the block live in <cache>/requests.json, shared by the app and CLI runs.
 */
import { join } from 'node:path';
import { z } from 'zod';
import {
  SharedLogFile,
  capAllowedAt,
  loggedRequestSchema,
  mergeRequestLogs,
  withRequest,
  damagedLogMessage,
} from '../shared/request-log';

export const MINUTE_MS = 60_000;
export const SERVICE_LIMIT = 60;
export const AUTO_CAP = 20;
export const USER_CAP = 30;
/** Back-off after a 429 without Retry-After: 5 s, 10 s, 20 s … up to 5 min. */
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * MINUTE_MS;

const fileSchema = z.object({
  version: z.literal(1),
  log: z.array(loggedRequestSchema),
  blockedUntil: z.number().nullable(),
  strikes: z.number().int().nonnegative(),
});

export class WebWorkBudget {
  readonly path: string;
  readonly #file: SharedLogFile<typeof fileSchema>;

  constructor(
    cacheDir: string,
    onProblem: (message: string) => void,
    /** Jitter source (tests pass a fixed one). */
    private readonly random: () => number = Math.random,
  ) {
    this.path = join(cacheDir, 'requests.json');
    this.#file = new SharedLogFile(
      this.path,
      fileSchema,
      { version: 1, log: [], blockedUntil: null, strikes: 0 },
      (mine, disk) => ({
        version: 1,
        log: mergeRequestLogs(mine.log, disk.log),
        blockedUntil: Math.max(mine.blockedUntil ?? 0, disk.blockedUntil ?? 0) || null,
        strikes: Math.max(mine.strikes, disk.strikes),
      }),
      (problem, movedTo) => onProblem(damagedLogMessage('WebWork', problem, movedTo)),
    );
  }

  record(now: number, auto: boolean): void {
    this.#file.update((f) => {
      f.log = withRequest(f.log, now, auto, MINUTE_MS);
    });
  }

  #inWindow(now: number, autoOnly: boolean): number[] {
    return this.#file
      .load()
      .log.filter((r) => (!autoOnly || r.auto) && r.at > now - MINUTE_MS && r.at <= now)
      .map((r) => r.at);
  }

  /** The earliest time `count` more automatic requests stay within `cap` a minute. */
  autoAllowedAt(now: number, count = 1, cap = AUTO_CAP): number {
    return Math.max(
      capAllowedAt(this.#inWindow(now, true), now, count, cap, MINUTE_MS),
      this.blockedUntil(now) ?? now,
    );
  }

  /** How many more automatic requests fit now (never negative). */
  autoRoom(now: number, cap = AUTO_CAP): number {
    if (this.blockedUntil(now) !== null) return 0;
    return Math.max(0, cap - this.#inWindow(now, true).length);
  }

  /** How many more requests of any kind fit now under `cap` a minute. */
  room(now: number, cap = USER_CAP): number {
    if (this.blockedUntil(now) !== null) return 0;
    return Math.max(0, cap - this.#inWindow(now, false).length);
  }

  /** When the oldest request in the window leaves it (room for one more); now when empty. */
  nextRoomAt(now: number, autoOnly: boolean): number {
    const first = this.#inWindow(now, autoOnly)[0];
    return Math.max(first === undefined ? now : first + MINUTE_MS, this.blockedUntil(now) ?? now);
  }

  /** Epoch ms until which WebWork said "too many requests", or null. */
  blockedUntil(now: number): number | null {
    const until = this.#file.load().blockedUntil;
    return until !== null && until > now ? until : null;
  }

  /** A 429: wait what the service asked (else back off exponentially), plus up to 20 % jitter. */
  onRateLimited(now: number, retryAfterMs: number | null): number {
    let until = now;
    this.#file.update((f) => {
      const base =
        retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(f.strikes, 10));
      const jitter = Math.round(base * 0.2 * this.random()) + 250;
      until = now + base + jitter;
      f.blockedUntil = Math.max(f.blockedUntil ?? 0, until);
      f.strikes += 1;
    });
    return until;
  }

  /** A successful answer ends the back-off streak. */
  onSuccess(): void {
    const f = this.#file.load();
    if (f.strikes > 0 || f.blockedUntil !== null)
      this.#file.update((g) => {
        g.strikes = 0;
        g.blockedUntil = null;
      });
  }
}
