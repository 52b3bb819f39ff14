/**
 * What to do with a journal action, given what the service shows now. Pure, so every case is
 * tested without a network: a replay never duplicates an entry whose request reached the
 * service before the answer was lost, and never overwrites something started elsewhere.
 */
import type { RemoteEntry } from '../providers/provider';
import { ACTION_PREFIX, type JournalAction, type StartWork } from './journal-schema';

export type Verdict =
  /** A start already on the service (the request arrived, the answer did not). */
  | { kind: 'landed'; entry: RemoteEntry }
  /** A stop with nothing left to stop (it arrived, or the entry was stopped elsewhere). */
  | { kind: 'done' }
  | { kind: 'send'; replaceRunning: boolean }
  /** The service runs something the user did not see when asking: they choose. */
  | { kind: 'conflict'; theirs: RemoteEntry }
  /** The service cannot take the asked time and the user has not agreed to "now". */
  | { kind: 'late' };

export interface RemoteView {
  running: RemoteEntry | null;
  entries: readonly RemoteEntry[];
}

/** How far a confirmed start may be from the asked time (services round to seconds). */
export const LANDED_TOLERANCE_MS = 60_000;
/** A service that cannot backdate may apply an action this late without asking. */
export const LATE_AFTER_MS = 60_000;

const norm = (s: string | null) => (s ?? '').trim().toLowerCase();

export function sameWork(e: RemoteEntry, work: StartWork): boolean {
  return (
    norm(e.description) === norm(work.description) &&
    (e.projectId ?? null) === work.projectId &&
    (work.taskId === null || e.taskId === work.taskId)
  );
}

export interface VerdictContext {
  /** `action:<id>` of a confirmed start → the service's entry id; others unchanged. */
  resolve(ref: string | null): string | null;
  /** When the journal start that created an entry was queued (null: not ours). */
  ownQueuedAt?(entryId: string): number | null;
  /** The service records the asked time (capabilities.backdate). */
  backdate: boolean;
  now: number;
}

export function verdict(action: JournalAction, remote: RemoteView, ctx: VerdictContext): Verdict {
  const running = remote.running;
  if (action.kind === 'start' && action.work) {
    const landed = findLanded(action, action.work, remote, ctx.backdate);
    if (landed) return { kind: 'landed', entry: landed };
  }
  if (action.kind === 'stop' && running === null) return { kind: 'done' };
  if (!ctx.backdate && !action.lateOk && !action.override && ctx.now - action.at > LATE_AFTER_MS)
    return { kind: 'late' };
  if (action.override) return { kind: 'send', replaceRunning: true };
  if (running === null) return { kind: 'send', replaceRunning: false };
  const expected = ctx.resolve(action.expectRunning);
  if (expected !== null && !expected.startsWith(ACTION_PREFIX) && running.id === expected)
    return { kind: 'send', replaceRunning: true };
  // Started by one of the user's own actions queued before this one (another window, a CLI
  // call at the same moment): this later action follows it, as it would have online.
  const ours = ctx.ownQueuedAt?.(running.id) ?? null;
  if (ours !== null && ours <= action.queuedAt) return { kind: 'send', replaceRunning: true };
  return { kind: 'conflict', theirs: running };
}

function findLanded(
  action: JournalAction,
  work: StartWork,
  remote: RemoteView,
  backdate: boolean,
): RemoteEntry | null {
  const candidates = [...(remote.running ? [remote.running] : []), ...remote.entries];
  if (backdate) {
    return (
      candidates.find(
        (e) =>
          e.start !== null &&
          Math.abs(e.start - action.at) <= LANDED_TOLERANCE_MS &&
          sameWork(e, work),
      ) ?? null
    );
  }
  // Without a start time to compare (WebWork), the same work running now, not started before
  // the action was queued, is the action's own tracker.
  const r = remote.running;
  if (
    r &&
    sameWork(r, work) &&
    (r.start === null || r.start >= action.queuedAt - LANDED_TOLERANCE_MS)
  )
    return r;
  return null;
}
