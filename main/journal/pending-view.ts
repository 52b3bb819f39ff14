/** Journal actions as the popup, tooltip and CLI list them. */
import type { PendingActionView } from '../../preload/contract';
import { formatClockTime } from '../../preload/format';
import type { JournalAction } from './journal-schema';

/** "10:04" in local time. */
export const hhmm = (ms: number): string => formatClockTime(new Date(ms).toISOString()) ?? '';

export function pendingView(
  a: JournalAction,
  toIso: (ms: number) => string,
  entryView: (e: NonNullable<JournalAction['theirs']>) => PendingActionView['theirs'],
): PendingActionView {
  return {
    id: a.id,
    kind: a.kind,
    summary: `${a.label} at ${hhmm(a.at)}`,
    at: toIso(a.at),
    state: a.state,
    error: a.error,
    theirs: a.theirs ? entryView(a.theirs) : null,
  };
}
