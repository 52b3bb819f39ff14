/**
 * TrackingTime documents no rate limit; Tray Timer stays polite anyway: at most AUTO_CAP (60)
 * automatic requests (polls, popup openings, wake-ups, list refreshes) in any 60 minutes per
 * account. Every request is logged in <cache>/requests.json so the app and `tray-timer` CLI runs
 * share one count. The user's own actions are logged but never refused.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../../storage/atomic-file';

export const WINDOW_MS = 60 * 60 * 1000;
export const AUTO_CAP = 60;
/** Timed polls and list refreshes stop this much below the cap: room for popup openings. */
export const POPUP_RESERVE = 6;

const fileSchema = z.object({
  version: z.literal(1),
  log: z.array(z.object({ at: z.number(), key: z.string(), auto: z.boolean() })),
});
type LogFile = z.infer<typeof fileSchema>;

let seq = 0;
const newKey = () =>
  `${process.pid.toString(36)}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

export class TrackingTimeBudget {
  readonly path: string;
  #file: LogFile = { version: 1, log: [] };
  #mtime = -1;

  constructor(
    cacheDir: string,
    private readonly onProblem: (message: string) => void,
  ) {
    this.path = join(cacheDir, 'requests.json');
  }

  record(now: number, auto: boolean): void {
    const f = structuredClone(this.#load());
    f.log.push({ at: now, key: newKey(), auto });
    f.log = f.log.filter((r) => r.at > now - WINDOW_MS).sort((a, b) => a.at - b.at);
    this.#file = f;
    try {
      writeJsonAtomic(this.path, f);
      this.#mtime = statSync(this.path).mtimeMs;
    } catch {
      // A read-only cache only loses the sharing with other processes; memory still counts.
    }
  }

  /** Automatic requests in the 60 minutes up to `now`, oldest first. */
  autoInWindow(now: number): number[] {
    return this.#load()
      .log.filter((r) => r.auto && r.at > now - WINDOW_MS && r.at <= now)
      .map((r) => r.at);
  }

  /** The earliest time `count` more automatic requests stay within `cap` (now when they do). */
  autoAllowedAt(now: number, count = 1, cap = AUTO_CAP): number {
    const recent = this.autoInWindow(now);
    const over = recent.length + count - cap;
    if (over <= 0) return now;
    const leaves = recent[Math.min(over, recent.length) - 1] ?? now;
    return Math.max(now, leaves + WINDOW_MS);
  }

  #load(): LogFile {
    let mtime: number;
    try {
      mtime = statSync(this.path).mtimeMs;
    } catch {
      return this.#file;
    }
    if (mtime === this.#mtime) return this.#file;
    const read = readJsonFile(this.path, fileSchema);
    if (read.kind === 'ok') {
      const byKey = new Map(this.#file.log.map((r) => [r.key, r]));
      for (const r of read.value.log) byKey.set(r.key, r);
      this.#file = { version: 1, log: [...byKey.values()].sort((a, b) => a.at - b.at) };
    } else if (read.kind === 'corrupt') {
      this.onProblem(
        `Tray Timer's TrackingTime request log was damaged (${read.problem}); it was moved to ${read.movedTo} and counting starts again.`,
      );
    }
    this.#mtime = mtime;
    return this.#file;
  }
}
