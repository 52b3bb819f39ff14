/**
 * TrackingTime documents no rate limit; Tray Timer stays polite anyway: at most AUTO_CAP (60)
 * automatic requests (polls, popup openings, wake-ups, list refreshes) in any 60 minutes per
 * account. Every request is logged in <cache>/requests.json so the app and `tray-timer` CLI runs
 * share one count. The user's own actions are logged but never refused.
 */
import { join } from 'node:path';
import { z } from 'zod';
import {
  WINDOW_MS,
  SharedLogFile,
  capAllowedAt,
  loggedRequestSchema,
  mergeRequestLogs,
  withRequest,
  damagedLogMessage,
} from '../shared/request-log';

export { WINDOW_MS };
export const AUTO_CAP = 60;
/** Timed polls and list refreshes stop this much below the cap: room for popup openings. */
export const POPUP_RESERVE = 6;

const fileSchema = z.object({
  version: z.literal(1),
  log: z.array(loggedRequestSchema),
});

export class TrackingTimeBudget {
  readonly path: string;
  readonly #file: SharedLogFile<typeof fileSchema>;

  constructor(cacheDir: string, onProblem: (message: string) => void) {
    this.path = join(cacheDir, 'requests.json');
    this.#file = new SharedLogFile(
      this.path,
      fileSchema,
      { version: 1, log: [] },
      (mine, disk) => ({ version: 1, log: mergeRequestLogs(mine.log, disk.log) }),
      (problem, movedTo) => onProblem(damagedLogMessage('TrackingTime', problem, movedTo)),
    );
  }

  record(now: number, auto: boolean): void {
    this.#file.update((f) => {
      f.log = withRequest(f.log, now, auto, WINDOW_MS);
    });
  }

  /** Automatic requests in the 60 minutes up to `now`, oldest first. */
  autoInWindow(now: number): number[] {
    return this.#file
      .load()
      .log.filter((r) => r.auto && r.at > now - WINDOW_MS && r.at <= now)
      .map((r) => r.at);
  }

  /** The earliest time `count` more automatic requests stay within `cap` (now when they do). */
  autoAllowedAt(now: number, count = 1, cap = AUTO_CAP): number {
    return capAllowedAt(this.autoInWindow(now), now, count, cap);
  }
}
