/**
 * What the user sees while actions wait in the journal: the service's last known state with
 * each waiting action applied on top, marked pending. The popup, tooltip and CLI show
 * "started 10:04 — will sync when online" from this, and toggle/continue decide from it.
 */
import type { RemoteEntry } from '../providers/provider';
import { ACTION_PREFIX, type JournalAction } from './journal-schema';
import type { RemoteView } from './verdict';

/** The entry a waiting start will create, as shown until the service confirms it. */
export function pendingEntry(a: JournalAction, sending = false): RemoteEntry | null {
  if (!a.work) return null;
  const w = a.work;
  return {
    id: ACTION_PREFIX + a.id,
    description: w.description,
    projectId: w.projectId,
    projectName: w.projectName,
    projectColor: w.projectColor,
    taskId: w.taskId,
    taskName: w.taskName,
    ...(w.tags ? { tags: w.tags } : {}),
    ...(w.billable !== undefined ? { billable: w.billable } : {}),
    start: a.at,
    stop: null,
    pending: !sending,
  };
}

/**
 * `sending`: actions on their first trip right now; they show as what the user asked for, but
 * not as "will sync when online" unless that trip fails.
 */
export function overlay(
  remote: RemoteView,
  actions: readonly JournalAction[],
  sending: ReadonlySet<string> = new Set(),
): RemoteView {
  let running = remote.running;
  const byId = new Map(remote.entries.map((e) => [e.id, e]));
  if (running) byId.set(running.id, running);
  const stopAt = (e: RemoteEntry, at: number, pending: boolean) =>
    ({ ...e, stop: Math.max(at, e.start ?? at), pending }) satisfies RemoteEntry;
  for (const a of actions) {
    if (a.state !== 'waiting') continue;
    const first = sending.has(a.id);
    if (running) byId.set(running.id, stopAt(running, a.at, !first));
    running = null;
    const started = pendingEntry(a, first);
    if (started) {
      byId.set(started.id, started);
      running = started;
    }
  }
  return { running, entries: [...byId.values()] };
}
