/**
 * The one way a start or stop reaches a service: written to the action journal first (fsync'd),
 * then sent by the replay, removed only once the service confirmed it. When the service cannot
 * be reached the action waits in the journal, the account shows it as pending, and it is sent
 * later in order, exactly once. The user's own fresh action that the service refuses is told
 * to the user at once and not kept.
 */
import { randomUUID } from 'node:crypto';
import { PROVIDER_NAMES, type AppError } from '../../preload/contract';
import { waitsFor } from '../../preload/format';

export { waitsFor };
import type { JournalAction, StartWork } from '../journal/journal-schema';
import type { JournalStore } from '../journal/journal-store';
import { hhmm } from '../journal/pending-view';
import { replay, type Settled } from '../journal/replay';
import { withReplayLock } from '../journal/replay-lock';
import { RECENT_WINDOW_MS, type AccountRuntime } from './account-runtime';
import { CoreError } from './errors';

export interface ActionDeps {
  store: JournalStore;
  now: () => number;
  /** Called after a replay that left actions waiting (the app schedules the next try). */
  onWaiting(rt: AccountRuntime): void;
}

export interface ActionDraft {
  kind: 'start' | 'stop';
  work?: StartWork;
  label: string;
  /** The user agreed that a service without backdating applies it later, at that time. */
  queueIfOffline: boolean;
  /** The time to record (a stop at the moment the user went away); default: now. */
  at?: number;
}

export type ActionOutcome =
  { kind: 'done'; settled: Settled | null } | { kind: 'queued'; action: JournalAction };

/** Sends whatever waits for this account, one replay at a time. */
export function replayAccount(
  rt: AccountRuntime,
  deps: ActionDeps,
  directId?: string,
): Promise<Map<string, Settled>> {
  // One replay at a time per account in this process, and per data folder across processes.
  return rt.serial(() =>
    withReplayLock(deps.store.replayLockPath(rt.config.id), () => replayLocked(rt, deps, directId)),
  );
}

async function replayLocked(
  rt: AccountRuntime,
  deps: ActionDeps,
  directId: string | undefined,
): Promise<Map<string, Settled>> {
  const settled = await replay(rt, {
    store: deps.store,
    now: deps.now,
    since: deps.now() - RECENT_WINDOW_MS,
    ...(directId !== undefined ? { directId } : {}),
  });
  rt.reloadPending();
  if (rt.waiting.length > 0) deps.onWaiting(rt);
  return settled;
}

/** The journal record of a draft; what it expects running is the account's state as shown. */
function journalAction(rt: AccountRuntime, draft: ActionDraft, now: number): JournalAction {
  return {
    id: randomUUID(),
    accountId: rt.config.id,
    kind: draft.kind,
    at: draft.at ?? now,
    queuedAt: now,
    ...(draft.work ? { work: draft.work } : {}),
    expectRunning: rt.running?.id ?? null,
    label: draft.label,
    lateOk: (rt.provider?.capabilities.backdate ?? true) || draft.queueIfOffline,
    attempts: 0,
    state: 'waiting',
    error: null,
    theirs: null,
    override: false,
  };
}

/**
 * Several actions that belong together (an answer to the away prompt: stop at 10:42, start
 * again at 11:57): all journaled before the first is sent, then sent in order in one replay,
 * so a crash or a lost connection half-way leaves the rest waiting, not forgotten. Each one
 * expects the state the previous one leaves. An action the service refuses is set aside for
 * the user (Retry / Discard in the pending list) rather than dropped: the others may have
 * landed already. Returns each action's outcome, in order.
 */
export async function actSequence(
  rt: AccountRuntime,
  deps: ActionDeps,
  drafts: readonly ActionDraft[],
): Promise<{ action: JournalAction; outcome: 'done' | 'waiting' | 'refused' }[]> {
  const now = deps.now();
  const actions: JournalAction[] = [];
  for (const draft of drafts) {
    const action = journalAction(rt, draft, now);
    deps.store.append(action);
    actions.push(action);
    rt.sending.add(action.id);
    rt.reloadPending();
  }
  const first = actions[0];
  const direct = rt.uncertain || !first ? undefined : first.id;
  rt.uncertain = false;
  try {
    await replayAccount(rt, deps, direct);
  } finally {
    for (const a of actions) rt.sending.delete(a.id);
  }
  return actions.map((a) => {
    const after = deps.store.find(a.id);
    if (!after) return { action: a, outcome: 'done' as const };
    return {
      action: after,
      outcome: after.state === 'waiting' ? ('waiting' as const) : ('refused' as const),
    };
  });
}

export async function act(
  rt: AccountRuntime,
  deps: ActionDeps,
  draft: ActionDraft,
): Promise<ActionOutcome> {
  const action = journalAction(rt, draft, deps.now());
  // Throws a storage error (disk full…) before anything is sent: the user is told it failed.
  deps.store.append(action);
  rt.sending.add(action.id);
  rt.reloadPending();
  let settled: Map<string, Settled>;
  // After a failed send the request may have arrived anyway: read the service before this one.
  const direct = rt.uncertain ? undefined : action.id;
  rt.uncertain = false;
  try {
    settled = await replayAccount(rt, deps, direct);
  } catch (err) {
    // The replay could not even record what happened (journal.json cannot be rewritten: a full
    // disk). On Local the entries file shows whether it was applied, and the user is told the
    // error now: the record must not stay to be applied later at its old time.
    if (rt.config.provider === 'local') dropIfPossible(rt, deps, action);
    throw err;
  } finally {
    rt.sending.delete(action.id);
  }
  const after = deps.store.find(action.id);
  if (!after) return { kind: 'done', settled: settled.get(action.id) ?? null };
  if (after.state === 'waiting' && !savedNowhere(rt, after)) {
    if (!after.lateOk) {
      // The service cannot take the asked time: ask before queueing (WebWork).
      drop(rt, deps, after);
      rt.uncertain = true;
      throw new CoreError(lateQueueError(rt, after));
    }
    // Never tried itself (an earlier action failed first): it waits for the same thing.
    const why = after.error ?? rt.waiting.find((a) => a.error)?.error ?? rt.error;
    return { kind: 'queued', action: { ...after, error: why } };
  }
  // Refused, on the spot: the user is here, so they get the error now and nothing stays queued.
  drop(rt, deps, after);
  throw new CoreError(after.error ?? { kind: 'internal', message: `${after.label} was not done.` });
}

/**
 * Local's "service" is this computer's disk: a fresh action it could not save (a full disk) is
 * refused now, with the reason, rather than queued to be applied later at its old time — the
 * user is here, and a full disk does not come back by itself. (A Local action found waiting
 * after a crash still waits for the disk.)
 */
function savedNowhere(rt: AccountRuntime, action: JournalAction): boolean {
  return rt.config.provider === 'local' && action.error?.kind === 'storage';
}

function drop(rt: AccountRuntime, deps: ActionDeps, action: JournalAction): void {
  deps.store.remove([action.id]);
  rt.reloadPending();
}

function dropIfPossible(rt: AccountRuntime, deps: ActionDeps, action: JournalAction): void {
  try {
    drop(rt, deps, action);
  } catch {
    // The journal cannot be changed either; the error being thrown already says why.
  }
}

function lateQueueError(rt: AccountRuntime, action: JournalAction): AppError {
  const service = PROVIDER_NAMES[rt.config.provider];
  const said = action.error?.message.trim() ?? `${service} cannot be reached`;
  const why = `${said}${/[.!?]$/.test(said) ? '' : '.'} `;
  return {
    kind: action.error?.kind ?? 'offline',
    message:
      `${why}${service} can only ${action.kind} a timer at the moment it is told, so this would ` +
      `happen ${action.error?.kind === 'auth' ? 'after you sign in again' : `when ${service} is back`}, not at ${hhmm(action.at)}. Queue it anyway, or cancel.`,
    queueable: true,
  };
}
