/**
 * What the user does with a journal action that needs them: retry it (a rejected one after
 * fixing the cause; a conflict or late one "anyway") or discard it.
 */
import type { QueueActionInput } from '../../preload/contract';
import { ACTION_PREFIX, type JournalAction } from '../journal/journal-schema';
import type { JournalStore } from '../journal/journal-store';
import type { AccountRuntime } from './account-runtime';
import { CoreError, fail } from './errors';
import { replayAccount, waitsFor, type ActionDeps } from './journal-actions';
import { accountLabel } from './snapshot';

function findAction(
  runtimes: readonly AccountRuntime[],
  store: JournalStore,
  actionId: string,
): { rt: AccountRuntime; action: JournalAction } {
  const action = store.find(actionId);
  const rt = action && runtimes.find((r) => r.config.id === action.accountId);
  if (!action || !rt)
    fail('not-found', 'That action is no longer queued (it was sent or discarded).', {
      field: 'actionId',
    });
  return { rt, action };
}

export async function retryAction(
  runtimes: readonly AccountRuntime[],
  input: QueueActionInput,
  deps: ActionDeps,
): Promise<string> {
  const { rt, action } = findAction(runtimes, deps.store, input.actionId);
  deps.store.update(action.id, {
    state: 'waiting',
    error: null,
    theirs: null,
    override: input.override ?? false,
    // "Apply anyway" to a late action is the user's consent to "now".
    ...(input.override ? { lateOk: true } : {}),
  });
  // Later actions set aside as conflicts were judged against a state this retry may change
  // (a stop of the entry this start creates): they are judged again.
  const later = deps.store
    .actions(rt.config.id)
    .filter((a) => a.state === 'conflict' && a.queuedAt >= action.queuedAt && a.id !== action.id);
  for (const a of later) deps.store.update(a.id, { state: 'waiting', error: null, theirs: null });
  rt.reloadPending();
  await replayAccount(rt, deps);
  const after = deps.store.find(action.id);
  const on = accountLabel(rt.config);
  if (!after) return `${action.label}: done on ${on}.`;
  if (after.state === 'waiting') return `${action.label} on ${on} ${waitsFor(after.error)}.`;
  throw new CoreError(after.error ?? { kind: 'internal', message: `${action.label} failed.` });
}

/** Drops the action; a discarded start takes the stops of the entry it would have made along. */
export function discardAction(
  runtimes: readonly AccountRuntime[],
  actionId: string,
  store: JournalStore,
): string {
  const { rt, action } = findAction(runtimes, store, actionId);
  const ref = ACTION_PREFIX + action.id;
  const followers = store
    .actions(rt.config.id)
    .filter((a) => a.kind === 'stop' && a.expectRunning === ref);
  store.remove([action.id, ...followers.map((a) => a.id)]);
  rt.reloadPending();
  const also = followers.length > 0 ? ' and the stop that went with it' : '';
  return `Discarded ${action.label}${also} (${accountLabel(rt.config)}).`;
}
