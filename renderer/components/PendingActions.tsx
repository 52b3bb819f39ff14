import type { AccountState, AppError, EntryView, PendingActionView } from '../../preload/contract';
import { describeEntry, formatClockTime } from '../../preload/format';
import { PROVIDER_NAMES } from '../constants';
import { discardKey, retryKey, waitingReason, waitsFor } from '../pending';

interface Props {
  account: AccountState;
  /** Name the account in the heading (more than one account is connected). */
  several: boolean;
  /** Key of the command in flight, or null. */
  pending: string | null;
  blocked: boolean;
  failure: { key: string; error: AppError } | null;
  onRetry(actionId: string, override: boolean): void;
  onDiscard(actionId: string): void;
}

/** The two choices each set-aside state offers: [label, override] for the retry, then discard. */
const CHOICES: Record<
  Exclude<PendingActionView['state'], 'waiting'>,
  { retry: string; override: boolean; discard: string }
> = {
  rejected: { retry: 'Retry', override: false, discard: 'Discard' },
  conflict: { retry: 'Apply mine', override: true, discard: 'Keep theirs' },
  late: { retry: 'Apply now', override: true, discard: 'Discard' },
};

const STATE_WORDS: Record<PendingActionView['state'], string> = {
  waiting: 'Waiting',
  rejected: 'Refused',
  conflict: 'Conflict',
  late: 'Needs your OK',
};

/**
 * One account's actions the service has not confirmed: waiting ones with what they wait for,
 * and those set aside for the user (refused, a conflict, too late to apply at their time) with
 * the two ways out. A set-aside action never holds up the others; it just waits for a choice.
 */
export function PendingActions(props: Props) {
  const { account, several } = props;
  // The first waiting action that never failed is on its way right now (or about to be sent
  // after a restart): listing it as "will sync when online" would flash for every online start.
  // Those queued behind a failing one have not failed themselves, but they do wait.
  const first = account.pending.find((p) => p.state === 'waiting');
  const rows = account.pending.filter((p) => p !== first || p.error !== null);
  if (rows.length === 0) return null;
  const headingId = `pending-${account.id}`;
  const service = PROVIDER_NAMES[account.provider];
  return (
    <section className="pending-actions" aria-labelledby={headingId}>
      <h2 id={headingId} className="section-title">
        Not synced yet{several ? ` · ${account.label}` : ''}
      </h2>
      <ul className="pending-list">
        {rows.map((action) => (
          <PendingRow key={action.id} {...props} action={action} service={service} />
        ))}
      </ul>
    </section>
  );
}

function PendingRow(props: Props & { action: PendingActionView; service: string }) {
  const { account, action, service, pending, blocked, failure, onRetry, onDiscard } = props;
  const rowError =
    failure && (failure.key === retryKey(action.id) || failure.key === discardKey(action.id))
      ? failure.error
      : null;
  const summaryId = `pending-summary-${action.id}`;
  const choices = action.state === 'waiting' ? null : CHOICES[action.state];
  return (
    <li
      className={`pending-item ${action.state}`}
      aria-labelledby={summaryId}
      data-state={action.state}
    >
      {action.state === 'conflict' ? (
        // Both sides, one above the other: what the user asked and what the service runs now.
        <>
          <p className="pending-head">
            <span className="pending-state">{STATE_WORDS.conflict}</span>
          </p>
          <dl className="sides">
            <dt>Yours</dt>
            <dd id={summaryId}>{action.summary}</dd>
            <dt>On {service} now</dt>
            <dd>{action.theirs ? theirsText(action.theirs) : 'Nothing runs'}</dd>
          </dl>
        </>
      ) : (
        <p className="pending-head">
          <span className="pending-state">{STATE_WORDS[action.state]}</span>
          <span id={summaryId} className="pending-summary">
            {action.summary}
          </span>
        </p>
      )}
      {action.state === 'waiting' && <WaitingDetail account={account} action={action} />}
      {action.state !== 'waiting' && action.error && (
        <p className={action.state === 'rejected' ? 'error pending-error' : 'pending-error'}>
          {action.error.message}
        </p>
      )}
      {choices && (
        <div className="row end">
          <button
            type="button"
            className="button small"
            aria-label={`${choices.discard}: ${action.summary}`}
            aria-disabled={blocked || undefined}
            aria-busy={pending === discardKey(action.id) || undefined}
            onClick={() => onDiscard(action.id)}
          >
            {choices.discard}
          </button>
          <button
            type="button"
            className="button small primary"
            aria-label={`${choices.retry}: ${action.summary}`}
            aria-disabled={blocked || undefined}
            aria-busy={pending === retryKey(action.id) || undefined}
            onClick={() => onRetry(action.id, choices.override)}
          >
            {pending === retryKey(action.id) ? 'Sending…' : choices.retry}
          </button>
        </div>
      )}
      {rowError && (
        <p className="error" role="alert">
          {rowError.message}
        </p>
      )}
    </li>
  );
}

function WaitingDetail({ account, action }: { account: AccountState; action: PendingActionView }) {
  const reason = waitingReason(account, action);
  return (
    <>
      <p className="pending-note">{capitalise(waitsFor(action.error))}</p>
      {reason && <p className="pending-reason">{reason}</p>}
    </>
  );
}

/** "“Review” since 10:12" — what runs on the service, as its own entry line. */
function theirsText(entry: EntryView): string {
  const since = entry.startedAt ? formatClockTime(entry.startedAt) : null;
  return `“${describeEntry(entry)}”${since ? ` since ${since}` : ''}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
