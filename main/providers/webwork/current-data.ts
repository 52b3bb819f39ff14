/**
 * THE one place that decides what WebWork's answers about a tracker mean, because the docs do not
 * say how "nothing running" looks (providers.md §3.3, UNCONFIRMED). Handled:
 *  - `success:false` with 400/404 whose message says there is no active tracker → idle;
 *  - 200 with `data` null/empty, or an explicit `is_tracking:false` → idle;
 *  - 200 whose tracker fields (contract, task, description) are all empty and whose seconds
 *    remainder is 0 → idle, unless Tray Timer itself started a tracker with no project, task or
 *    description for this person and has not seen it stop (then it is that tracker);
 *  - anything else that is `success:true` → running.
 * Start and stop refusals are read here too: "already tracking" and "no active tracker".
 */
import type { CurrentData } from './webwork-api';
import { WebWorkError } from './webwork-client';

const NO_TRACKER =
  /\b(no|not have an?|without an?|doesn'?t have an?)\s+(active|running|current)\s+(tracker|timer|tracking)|\bnot\s+(currently\s+)?(tracking|running)\b|\bno\s+tracker\b|tracker\s+is\s+not\s+running/i;
const ALREADY =
  /\balready\s+(tracking|running|has an active|have an active)|must stop the current/i;

export type TrackerReading =
  | { kind: 'idle'; totalSeconds: number; date: string | null }
  | {
      kind: 'running';
      contractId: number | null;
      taskId: number | null;
      taskTitle: string | null;
      description: string | null;
      totalSeconds: number;
      date: string | null;
    };

/** Today's total in seconds: `total_minutes` already includes the running tracker (seed 000). */
function total(d: CurrentData): number {
  return Math.max(0, (d.total_minutes ?? 0) * 60 + (d.total_seconds ?? 0));
}

/**
 * Reads a `current-data` answer. `untitledExpected`: Tray Timer started a tracker without
 * project, task or description for this person and has not seen it stop.
 */
export function readCurrentData(
  data: CurrentData | null,
  untitledExpected: boolean,
): TrackerReading {
  if (data === null || Object.keys(data).length === 0)
    return { kind: 'idle', totalSeconds: 0, date: null };
  const totalSeconds = total(data);
  const date = data.date ?? null;
  const explicit = data.is_tracking ?? data.tracking ?? null;
  const description = data.activity_description?.trim() || null;
  const contractId = data.contract_id ?? null;
  const taskId = data.task_id ?? null;
  const empty = contractId === null && taskId === null && description === null;
  const idle =
    explicit === false ||
    (explicit === null && empty && (data.total_seconds ?? 0) === 0 && !untitledExpected);
  if (idle) return { kind: 'idle', totalSeconds, date };
  return {
    kind: 'running',
    contractId,
    taskId,
    taskTitle: data.task_title?.trim() || null,
    description,
    totalSeconds,
    date,
  };
}

/** A `current-data` failure that only means "this person is not tracking". */
export function isNoTrackerError(err: unknown): boolean {
  return (
    err instanceof WebWorkError &&
    // 200 too: a `success:false` envelope with a 200 status is a plausible third form.
    (err.status === 200 || err.status === 400 || err.status === 404) &&
    err.said !== null &&
    NO_TRACKER.test(err.said)
  );
}

/** A start refused because this person already tracks. */
export function isAlreadyTrackingError(err: unknown): boolean {
  return (
    err instanceof WebWorkError &&
    err.status >= 400 &&
    err.status < 500 &&
    err.status !== 422 &&
    err.said !== null &&
    ALREADY.test(err.said)
  );
}
