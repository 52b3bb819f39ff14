/**
 * How the popup words the action journal: the same phrases as the core's messages and the
 * tooltip ("will sync when online"), so the user reads one story everywhere.
 */
import type { AccountState, PendingActionView } from '../preload/contract';
import { waitsFor } from '../preload/format';

export { waitsFor };

/** The waiting start that made the (pending) running entry, newest first. */
export function waitingStart(account: AccountState): PendingActionView | null {
  const starts = account.pending.filter((p) => p.kind === 'start' && p.state === 'waiting');
  return starts[starts.length - 1] ?? null;
}

/**
 * The reason a waiting action has not gone out, unless the account's banner already says it
 * (the same kind of trouble, shown right above with when the account last synced).
 */
export function waitingReason(account: AccountState, action: PendingActionView): string | null {
  const error = action.error;
  if (!error) return null;
  return account.error?.kind === error.kind ? null : error.message;
}

export const retryKey = (actionId: string) => `queue.retry:${actionId}`;
export const discardKey = (actionId: string) => `queue.discard:${actionId}`;
