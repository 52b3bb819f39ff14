/**
 * Toggl's hourly quota, counted on our side. Toggl keeps two buckets with 60-minute sliding
 * windows (Free: 30 user-level requests, e.g. /me/…, and 30 per organization, e.g.
 * /workspaces/…) and answers 402 once one is spent. Tray Timer therefore:
 *  - logs every request it sends, per bucket, in <cache>/quota.json, so the app and separate
 *    `tray-timer` CLI processes share one count;
 *  - remembers the latest X-Toggl-Quota-Remaining / -Resets-In, which also see requests made
 *    by other integrations of the same user;
 *  - lets AUTOMATIC requests (popup, resume, startup) spend at most AUTO_CAP (20) user-level
 *    requests in any 60 minutes, timed polls and list refreshes POPUP_RESERVE (2) fewer, and
 *    none of them the last HEADROOM (5) of the real quota, so the user's own start/stop/refresh
 *    always has room;
 *  - after a quota 402 sends nothing more to that bucket until Toggl's reset time; after a 429
 *    backs off (Retry-After when given, else exponential with jitter).
 * Every answer is computed from stored times, so asking twice gives the same answer.
 */
import { join } from 'node:path';
import { z } from 'zod';
import {
  WINDOW_MS,
  SharedLogFile,
  capAllowedAt,
  loggedRequestSchema,
  mergeRequestLogs,
  newRequestKey,
  damagedLogMessage,
} from '../shared/request-log';

export { WINDOW_MS };
/** Tray Timer's own ceiling for automatic user-level requests in any 60-minute window. */
export const AUTO_CAP = 20;
/**
 * Of the cap, what timed background work (polls, list refreshes) leaves to popup openings and
 * wake-ups, so opening the popup on stale data still gets a refresh.
 */
export const POPUP_RESERVE = 2;
/** Requests of the real quota automatic refreshes never touch (kept for the user's actions). */
export const HEADROOM = 5;
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export type Bucket = 'user' | 'org';

/** Which quota a path spends: workspace/organization paths the org bucket, the rest the user's. */
export function bucketOf(path: string): Bucket {
  return /^\/(workspaces|organizations)\//.test(path) ? 'org' : 'user';
}

const stamped = <T extends z.ZodType>(value: T) => z.object({ value, at: z.number() });

const bucketSchema = z.object({
  log: z.array(loggedRequestSchema),
  /** Latest quota headers: `remaining` after request `key`; `resetsAt` epoch ms. */
  quota: z
    .object({ remaining: z.number(), resetsAt: z.number(), key: z.string(), at: z.number() })
    .nullable(),
  /** A quota 402 was answered: nothing goes to this bucket before `value`. */
  blockedUntil: stamped(z.number().nullable()).nullable(),
});
type BucketState = z.infer<typeof bucketSchema>;

export const budgetFileSchema = z.object({
  version: z.literal(1),
  buckets: z.object({ user: bucketSchema, org: bucketSchema }),
  /** After a 429: no automatic request before `until`; `attempts` grows the next back-off. */
  backoff: stamped(
    z.object({ until: z.number(), attempts: z.number().int() }).nullable(),
  ).nullable(),
});
type BudgetFile = z.infer<typeof budgetFileSchema>;

const emptyBucket = (): BucketState => ({ log: [], quota: null, blockedUntil: null });
const emptyFile = (): BudgetFile => ({
  version: 1,
  buckets: { user: emptyBucket(), org: emptyBucket() },
  backoff: null,
});

export class RequestBudget {
  readonly path: string;
  readonly #file: SharedLogFile<typeof budgetFileSchema>;

  constructor(
    cacheDir: string,
    onProblem: (message: string) => void,
    private readonly random: () => number = Math.random,
  ) {
    this.path = join(cacheDir, 'quota.json');
    this.#file = new SharedLogFile(
      this.path,
      budgetFileSchema,
      emptyFile(),
      merge,
      (problem, movedTo) => onProblem(damagedLogMessage('Toggl', problem, movedTo)),
    );
  }

  /** Records a request about to be sent; returns its key (to pair it with the answer's headers). */
  record(bucket: Bucket, now: number, auto: boolean): string {
    const key = newRequestKey();
    this.#update(now, (f) => f.buckets[bucket].log.push({ at: now, key, auto }));
    return key;
  }

  /**
   * Counts requests sent before this budget existed (connect's GET /me and /me/workspaces).
   * Deterministic keys make it idempotent across restarts and processes.
   */
  recordPast(bucket: Bucket, at: number, key: string, now: number): void {
    if (at <= now - WINDOW_MS || this.#load().buckets[bucket].log.some((r) => r.key === key))
      return;
    this.#update(now, (f) => {
      f.buckets[bucket].log.push({ at, key, auto: false });
      f.buckets[bucket].log.sort((a, b) => a.at - b.at);
    });
  }

  /** Reads the quota headers of an answer (any status). */
  observe(bucket: Bucket, key: string, headers: Headers, now: number): void {
    const remaining = Number(headers.get('x-toggl-quota-remaining'));
    const resetsIn = Number(headers.get('x-toggl-quota-resets-in'));
    if (headers.get('x-toggl-quota-remaining') === null || !Number.isFinite(remaining)) return;
    const resetsAt = now + (Number.isFinite(resetsIn) ? Math.max(0, resetsIn) : 3600) * 1000;
    this.#update(now, (f) => {
      f.buckets[bucket].quota = { remaining, resetsAt, key, at: now };
    });
  }

  /** A quota 402: nothing more to this bucket until `until`. */
  block(bucket: Bucket, until: number, now: number): void {
    this.#update(now, (f) => {
      f.buckets[bucket].blockedUntil = { value: until, at: now };
    });
  }

  /** A 429: returns when automatic requests may resume. */
  backOff(now: number, retryAfterMs: number | null): number {
    let until = now;
    this.#update(now, (f) => {
      const attempts = (f.backoff?.value?.attempts ?? 0) + 1;
      const delay =
        retryAfterMs !== null
          ? retryAfterMs * (1 + this.random() * 0.1)
          : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1)) *
            (0.5 + this.random() * 0.5);
      until = now + Math.round(delay);
      f.backoff = { value: { until, attempts }, at: now };
    });
    return until;
  }

  /** A successful answer ends a back-off streak and any block of its bucket. */
  succeeded(bucket: Bucket, now: number): void {
    const f = this.#load();
    if (f.backoff?.value == null && f.buckets[bucket].blockedUntil?.value == null) return;
    this.#update(now, (g) => {
      g.backoff = { value: null, at: now };
      g.buckets[bucket].blockedUntil = { value: null, at: now };
    });
  }

  /** Until when a request of the bucket would certainly be refused for quota (null: it would not). */
  blockedUntil(bucket: Bucket, now: number): number | null {
    const until = this.#load().buckets[bucket].blockedUntil?.value ?? null;
    return until !== null && until > now ? until : null;
  }

  /** Requests of the bucket in the 60 minutes up to `now`, oldest first. */
  inWindow(bucket: Bucket, now: number): number[] {
    return this.#load()
      .buckets[bucket].log.map((r) => r.at)
      .filter((at) => at > now - WINDOW_MS && at <= now)
      .sort((a, b) => a - b);
  }

  /** Toggl's remaining count as last told, minus what we sent since; null when unknown/expired. */
  estimatedRemaining(bucket: Bucket, now: number): number | null {
    const b = this.#load().buckets[bucket];
    if (!b.quota || b.quota.resetsAt <= now) return null;
    const idx = b.log.findIndex((r) => r.key === b.quota?.key);
    const since =
      idx === -1 ? b.log.filter((r) => r.at > (b.quota?.at ?? 0)).length : b.log.length - idx - 1;
    return b.quota.remaining - since;
  }

  /**
   * The earliest time `count` automatic user-level requests may be sent (now when they may).
   * Combines the quota block, the 429 back-off, Tray Timer's own cap and the real quota's
   * headroom.
   */
  autoAllowedAt(now: number, count = 1, cap = AUTO_CAP): number {
    const f = this.#load();
    let at = now;
    const blocked = this.blockedUntil('user', now);
    if (blocked !== null) at = Math.max(at, blocked);
    const backoff = f.backoff?.value;
    if (backoff && backoff.until > now) at = Math.max(at, backoff.until);
    at = Math.max(at, capAllowedAt(this.inWindow('user', now), now, count, cap));
    const remaining = this.estimatedRemaining('user', now);
    const quota = f.buckets.user.quota;
    if (remaining !== null && quota && remaining - count < HEADROOM)
      at = Math.max(at, quota.resetsAt);
    return at;
  }

  /** When the user-level log shows no request for a while: the last one, for the poll rhythm. */
  lastRequestAt(bucket: Bucket): number | null {
    const log = this.#load().buckets[bucket].log;
    return log.length ? Math.max(...log.map((r) => r.at)) : null;
  }

  #load(): BudgetFile {
    return this.#file.load();
  }

  /** Read-merge-write (see SharedLogFile), dropping requests that left the window. */
  #update(now: number, change: (f: BudgetFile) => void): void {
    this.#file.update((f) => {
      change(f);
      for (const b of [f.buckets.user, f.buckets.org])
        b.log = b.log.filter((r) => r.at > now - WINDOW_MS);
    });
  }
}

function newer<T extends { at: number } | null>(a: T, b: T): T {
  if (!a) return b;
  if (!b) return a;
  return b.at >= a.at ? b : a;
}

function mergeBucket(a: BucketState, b: BucketState): BucketState {
  return {
    log: mergeRequestLogs(a.log, b.log),
    quota: newer(a.quota, b.quota),
    blockedUntil: newer(a.blockedUntil, b.blockedUntil),
  };
}

function merge(mine: BudgetFile, disk: BudgetFile): BudgetFile {
  return {
    version: 1,
    buckets: {
      user: mergeBucket(mine.buckets.user, disk.buckets.user),
      org: mergeBucket(mine.buckets.org, disk.buckets.org),
    },
    backoff: newer(mine.backoff, disk.backoff),
  };
}
