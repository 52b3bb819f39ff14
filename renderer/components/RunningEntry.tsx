import type { AccountState, AppError, EntryView } from '../../preload/contract';
import { PROVIDER_NAMES } from '../constants';
import { elapsedSince, formatClock, formatClockTime } from '../../preload/format';
import { waitingReason, waitingStart, waitsFor } from '../pending';
import { ProjectDot } from './ProjectDot';
import { QueuePrompt } from './QueuePrompt';
import { StopIcon } from './icons';

/** Live seconds of a running entry; WebWork gives no start, so count on from the snapshot. */
export function liveElapsed(entry: EntryView, snapshotAt: string, now: number): number {
  if (entry.startedAt) return elapsedSince(entry.startedAt, now);
  return entry.elapsedSeconds + elapsedSince(snapshotAt, now);
}

export function providerLabel(account: Pick<AccountState, 'label' | 'provider'>): string {
  const provider = PROVIDER_NAMES[account.provider];
  return account.label === provider ? provider : `${account.label} · ${provider}`;
}

/** The hint under a day total: why no session time is shown. */
export const TODAY_HINT = 'Started outside Tray Timer — today’s total';

/**
 * A running entry's time: the session's h:mm:ss, or — where the service gives no start
 * (WebWork, started elsewhere) — the day's total, marked "today" so nobody reads it as the
 * session's length. Both keep counting from the snapshot.
 */
export function ElapsedClock(props: { entry: EntryView; snapshotAt: string; now: number }) {
  const { entry, snapshotAt, now } = props;
  const seconds = liveElapsed(entry, snapshotAt, now);
  if (entry.elapsedKind === 'today') {
    return (
      <p className="clock" role="timer" aria-label="Today’s total" data-testid="clock">
        {formatClock(seconds)}
        <span className="clock-kind"> today</span>
      </p>
    );
  }
  return (
    <p className="clock" role="timer" aria-label="Elapsed time" data-testid="clock">
      {formatClock(seconds)}
    </p>
  );
}

/** An entry's tags, read out as "Tags: a, b" and shown as "a · b". */
export function EntryTags({ tags }: { tags: readonly string[] }) {
  return (
    <span className="tags" title={`Tags: ${tags.join(', ')}`}>
      <span className="visually-hidden">Tags: </span>
      {tags.join(' · ')}
    </span>
  );
}

interface Props {
  account: AccountState & { entry: EntryView };
  snapshotAt: string;
  now: number;
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  onStop(): void;
  /** The stop was refused as `queueable`: stop again with queueIfOffline. */
  onQueueStop(): void;
  onDismiss(): void;
}

/**
 * Under the clock of an entry the service has not confirmed: "Started 10:04 — will sync when
 * online", and why it has not gone out yet when the banner above does not already say so.
 */
function PendingNote({ account }: { account: AccountState & { entry: EntryView } }) {
  const action = waitingStart(account);
  const time = account.entry.startedAt ? formatClockTime(account.entry.startedAt) : null;
  const reason = action ? waitingReason(account, action) : null;
  return (
    <>
      <p className="pending-note" data-testid="pending-note">
        {time ? `Started ${time}` : 'Started'} — {waitsFor(action?.error ?? null)}
      </p>
      {reason && <p className="pending-reason">{reason}</p>}
    </>
  );
}

export function RunningEntry(props: Props) {
  const { account, snapshotAt, now, busy, blocked, error, onStop, onQueueStop, onDismiss } = props;
  const { entry } = account;
  const description = entry.description?.trim();
  const where = [entry.projectName, entry.taskName].filter(Boolean).join(' / ');
  const headingId = `running-${account.id}`;
  const whose = account.actingFor ? `${account.actingFor.name}’s tracker` : null;
  return (
    <section className="card running" aria-labelledby={headingId}>
      <div className="running-main">
        {whose && <p className="whose">{whose}</p>}
        <ElapsedClock entry={entry} snapshotAt={snapshotAt} now={now} />
        {entry.pending && <PendingNote account={account} />}
        <h2 id={headingId} className={description ? 'entry-title' : 'entry-title muted'}>
          {description || '(no description)'}
        </h2>
        <p className="entry-meta">
          {where && (
            <span className="project">
              <ProjectDot color={entry.projectColor} />
              {where}
            </span>
          )}
          {entry.tags.length > 0 && <EntryTags tags={entry.tags} />}
          {entry.billable === true && <span className="billable">Billable</span>}
          <span className="provider">{providerLabel(account)}</span>
        </p>
        {entry.elapsedKind === 'today' && <p className="clock-hint">{TODAY_HINT}</p>}
      </div>
      <button
        type="button"
        className="button stop"
        onClick={onStop}
        aria-disabled={blocked || undefined}
        aria-busy={busy || undefined}
        aria-label={`Stop ${description || 'the timer'}${account.actingFor ? ` for ${account.actingFor.name}` : ''} on ${account.label}`}
      >
        <StopIcon />
        <span>{busy ? 'Stopping…' : 'Stop'}</span>
      </button>
      {error?.queueable ? (
        <QueuePrompt
          error={error}
          what={`Stop ${description ? `“${description}”` : 'the timer'}`}
          busy={busy}
          blocked={blocked}
          onQueue={onQueueStop}
          onCancel={onDismiss}
        />
      ) : (
        error && (
          <p className="error" role="alert">
            {error.message}
          </p>
        )
      )}
    </section>
  );
}
