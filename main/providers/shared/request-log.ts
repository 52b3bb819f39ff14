/**
 * The pieces of a provider's request budget that do not depend on the provider: a log of sent
 * requests kept in a JSON file in the account's cache directory, so the app and separate
 * `tray-timer` CLI processes share one count, and the sliding-window cap rule. What a provider
 * adds on top (Toggl's quota headers, 402 blocks and 429 back-off; TrackingTime's plain cap)
 * stays in the provider.
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../../storage/atomic-file';

/** Hourly caps (Toggl, TrackingTime) count requests in a sliding 60-minute window. */
export const WINDOW_MS = 60 * 60 * 1000;

export const loggedRequestSchema = z.object({ at: z.number(), key: z.string(), auto: z.boolean() });
export type LoggedRequest = z.infer<typeof loggedRequestSchema>;

let keySeq = 0;
/** A key unique across processes, so logs read back from disk merge without double counting. */
export const newRequestKey = (): string =>
  `${process.pid.toString(36)}-${Date.now().toString(36)}-${(keySeq++).toString(36)}`;

/** The log with one more request at `now`, keeping only the last `windowMs`, oldest first. */
export function withRequest(
  log: LoggedRequest[],
  now: number,
  auto: boolean,
  windowMs: number,
): LoggedRequest[] {
  return [...log, { at: now, key: newRequestKey(), auto }]
    .filter((r) => r.at > now - windowMs)
    .sort((a, b) => a.at - b.at);
}

/** What the user is told when a request log had to be moved aside. */
export function damagedLogMessage(providerName: string, problem: string, movedTo: string): string {
  return `Tray Timer's ${providerName} request log was damaged (${problem}); it was moved to ${movedTo} and counting starts again.`;
}

/** Both logs' requests, each once (by key), oldest first. */
export function mergeRequestLogs(mine: LoggedRequest[], disk: LoggedRequest[]): LoggedRequest[] {
  const byKey = new Map(mine.map((r) => [r.key, r]));
  for (const r of disk) byKey.set(r.key, r);
  return [...byKey.values()].sort((a, b) => a.at - b.at);
}

/**
 * The earliest time `count` more requests stay within `cap` per window, given the requests
 * already in the window (`recent`, oldest first); `now` when they do. The `over` oldest requests
 * must leave the window first.
 */
export function capAllowedAt(
  recent: number[],
  now: number,
  count: number,
  cap: number,
  windowMs = WINDOW_MS,
): number {
  const over = recent.length + count - cap;
  if (over <= 0) return now;
  const leaves = recent[Math.min(over, recent.length) - 1] ?? now;
  return Math.max(now, leaves + windowMs);
}

/**
 * A JSON file several processes update: reads are cached until the file's mtime changes and then
 * merged into what this process knows; updates are read-merge-write, so two processes sharing
 * the file do not lose each other's requests.
 */
export class SharedLogFile<S extends z.ZodType> {
  #file: z.infer<S>;
  #mtime = -1;

  constructor(
    readonly path: string,
    private readonly schema: S,
    initial: z.infer<S>,
    private readonly merge: (mine: z.infer<S>, disk: z.infer<S>) => z.infer<S>,
    /** Called with the problem and where the damaged file was moved; counting starts again. */
    private readonly onDamaged: (problem: string, movedTo: string) => void,
  ) {
    this.#file = initial;
  }

  load(): z.infer<S> {
    let mtime: number;
    try {
      mtime = statSync(this.path).mtimeMs;
    } catch {
      return this.#file; // nothing on disk yet: what we have in memory is the truth
    }
    if (mtime === this.#mtime) return this.#file;
    const read = readJsonFile(this.path, this.schema);
    if (read.kind === 'ok') this.#file = this.merge(this.#file, read.value);
    else if (read.kind === 'corrupt') this.onDamaged(read.problem, read.movedTo);
    this.#mtime = mtime;
    return this.#file;
  }

  /** Applies `change` to a copy of the current state, keeps it and writes it. */
  update(change: (file: z.infer<S>) => void): void {
    const f = structuredClone(this.load());
    change(f);
    this.#file = f;
    try {
      writeJsonAtomic(this.path, f);
      this.#mtime = statSync(this.path).mtimeMs;
    } catch {
      // A read-only cache only loses the sharing with other processes; memory still counts.
    }
  }
}
