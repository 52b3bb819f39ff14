/**
 * Sends an account's journal actions to its service, oldest first, each exactly once:
 *  - the action the user just asked for goes straight out when nothing waits before it;
 *  - anything else is a replay (after a failure, a restart or a crash): the service's state is
 *    read first, so a start whose answer was lost is recognised instead of sent twice, and a
 *    change made elsewhere meanwhile becomes a conflict for the user instead of being
 *    overwritten;
 *  - the original times are sent where the service takes them (capabilities.backdate);
 *  - a failure the same request may survive later keeps the action waiting and stops the run
 *    (order matters); a refusal for good sets the action aside and the run goes on.
 */
import { describeEntry } from '../../preload/format';
import { hhmm } from './pending-view';
import { PROVIDER_NAMES, type AppError, type ProviderKind } from '../../preload/contract';
import { toAppError } from '../core/errors';
import type { Provider, RemoteEntry, StartResult, SyncResult } from '../providers/provider';
import type { JournalAction } from './journal-schema';
import type { JournalStore } from './journal-store';
import { isTransient } from './transient';
import { verdict, type RemoteView } from './verdict';

/** What replay needs from an account's runtime. */
export interface ReplayTarget {
  readonly config: { id: string; provider: ProviderKind };
  readonly provider: Provider | null;
  /** The service's state as last read or answered (without the journal's overlay). */
  readonly remote: RemoteView;
  applySync(result: SyncResult): void;
  applyAction(change: { running: RemoteEntry | null; touched: RemoteEntry[] }): void;
  applyError(error: AppError): void;
  /** Re-reads this account's actions from the journal (after every change). */
  reloadPending(): void;
}

/** How each action the run settled ended. */
export type Settled =
  | { kind: 'started'; result: StartResult }
  | { kind: 'stopped'; entry: RemoteEntry | null }
  | { kind: 'already'; entry: RemoteEntry | null };

export interface ReplayOptions {
  store: JournalStore;
  now: () => number;
  /** The recent window's start (for the state read before a replay). */
  since: number;
  /** The action the user just asked for: sent without reading the service first. */
  directId?: string;
}

export async function replay(rt: ReplayTarget, o: ReplayOptions): Promise<Map<string, Settled>> {
  const settled = new Map<string, Settled>();
  const provider = rt.provider;
  if (!provider) return settled;
  const service = PROVIDER_NAMES[rt.config.provider];
  let remote: RemoteView | null = null;
  const seen = new Set<string>();
  const done = () => rt.reloadPending();
  for (;;) {
    const action = o.store
      .actions(rt.config.id)
      .find((a) => a.state === 'waiting' && !seen.has(a.id));
    if (!action) break;
    seen.add(action.id);
    let decision: ReturnType<typeof verdict>;
    if (action.id === o.directId && remote === null) {
      decision = { kind: 'send', replaceRunning: action.work?.replaceRunning ?? false };
    } else {
      if (remote === null) {
        try {
          // A poll's read: the running entry and whatever lists are due, not every list.
          const read = await provider.sync('poll', o.since);
          rt.applySync(read);
          remote = { running: read.running, entries: read.entries ?? rt.remote.entries };
        } catch (err) {
          const error = toAppError(err);
          o.store.update(action.id, { error, attempts: action.attempts + 1, triedAt: o.now() });
          rt.applyError(error);
          if (!isTransient(error)) setAside(o.store, action, error, null, o.now());
          done();
          break;
        }
      }
      decision = verdict(action, remote, {
        resolve: (ref) => o.store.resolve(ref),
        ownQueuedAt: (id) => o.store.ownQueuedAt(id),
        backdate: provider.capabilities.backdate,
        now: o.now(),
      });
    }
    switch (decision.kind) {
      case 'landed':
        o.store.settle(action, decision.entry.id);
        settled.set(action.id, { kind: 'already', entry: decision.entry });
        done();
        continue;
      case 'done':
        o.store.settle(action, null);
        settled.set(action.id, { kind: 'already', entry: null });
        done();
        continue;
      case 'late':
        o.store.update(action.id, {
          state: 'late',
          error: {
            kind: 'unsupported',
            message: `${service} can only ${action.kind} it now, not at ${hhmm(action.at)}.`,
          },
        });
        done();
        continue;
      case 'conflict':
        o.store.update(action.id, {
          state: 'conflict',
          theirs: decision.theirs,
          error: conflictError(
            action,
            decision.theirs,
            o.store.ownQueuedAt(decision.theirs.id) !== null,
          ),
        });
        done();
        continue;
      case 'send':
        break;
    }
    const backdate = provider.capabilities.backdate;
    try {
      // "Apply anyway" over an entry that began after the asked time: that entry is ended now,
      // not at the asked time, so none of its tracked time is lost (the two may overlap).
      const theirs = (remote ?? rt.remote).running;
      const newer = action.override && theirs?.start != null && theirs.start > action.at;
      if (newer && action.work) {
        const stopped = await provider.stop(o.now());
        rt.applyAction({ running: null, touched: stopped ? [stopped] : [] });
        remote = { running: null, entries: [...(remote?.entries ?? rt.remote.entries)] };
      }
      if (action.work) {
        const { replaceRunning, ...work } = action.work;
        const result = await provider.start({
          ...work,
          ...(replaceRunning || decision.replaceRunning ? { replaceRunning: true } : {}),
          at: backdate ? action.at : o.now(),
        });
        o.store.step('response-received', action);
        rt.applyAction({
          running: result.entry,
          touched: result.replaced ? [result.replaced] : [],
        });
        remote = {
          running: result.entry.stop === null ? result.entry : null,
          entries: [...(remote?.entries ?? rt.remote.entries), result.entry],
        };
        o.store.settle(action, result.entry.id);
        settled.set(action.id, { kind: 'started', result });
      } else {
        const startedAt = (remote ?? rt.remote).running?.start ?? 0;
        const at = backdate && !newer ? Math.max(action.at, startedAt) : o.now();
        const entry = await provider.stop(at);
        o.store.step('response-received', action);
        rt.applyAction({ running: null, touched: entry ? [entry] : [] });
        remote = { running: null, entries: [...(remote?.entries ?? rt.remote.entries)] };
        o.store.settle(action, null);
        settled.set(action.id, { kind: 'stopped', entry });
      }
      done();
    } catch (err) {
      const error = toAppError(err);
      if (isTransient(error)) {
        o.store.update(action.id, { error, attempts: action.attempts + 1, triedAt: o.now() });
        rt.applyError(error);
        done();
        break;
      }
      setAside(o.store, action, error, (remote ?? rt.remote).running, o.now());
      done();
      // The service refused this one for good; what it runs now is unknown: read it again
      // before the next action.
      remote = null;
    }
  }
  return settled;
}

function setAside(
  store: JournalStore,
  action: JournalAction,
  error: AppError,
  theirs: RemoteEntry | null,
  now: number,
): void {
  store.update(action.id, {
    state: error.kind === 'conflict' ? 'conflict' : 'rejected',
    error,
    attempts: action.attempts + 1,
    triedAt: now,
    ...(error.kind === 'conflict' ? { theirs } : {}),
  });
}

function conflictError(action: JournalAction, theirs: RemoteEntry, own: boolean): AppError {
  const what = `“${describeEntry(theirs)}”`;
  const since = theirs.start !== null ? ` since ${hhmm(theirs.start)}` : '';
  // One of the user's own later actions (already sent) is not "elsewhere".
  const how = own
    ? `${what}, which you started after it, runs${since}`
    : `While this waited, ${what} was started elsewhere${since}`;
  return {
    kind: 'conflict',
    message:
      action.kind === 'start'
        ? `${how}. Apply yours (it stops ${what}) or discard it.`
        : `${how}. Stop it too, or discard your stop.`,
  };
}
