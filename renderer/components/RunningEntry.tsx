import { useRef, useState } from 'react';
import type { AccountState, AppError, EntryView } from '../../preload/contract';
import { PROVIDER_NAMES } from '../constants';
import { elapsedSince, formatClock, formatClockTime } from '../../preload/format';
import { waitingReason, waitingStart, waitsFor } from '../pending';
import { ProjectDot } from './ProjectDot';
import { QueuePrompt } from './QueuePrompt';
import { EntryEditForm, StartLine } from './EntryEditor';
import type { EntryChanges } from './EntryEditor';
import { PencilIcon, StopIcon } from './icons';

/** Live seconds of a running entry; WebWork gives no start, so count on from the snapshot. */
export function liveElapsed(entry: EntryView, snapshotAt: string, now: number): number {
  if (entry.startedAt) return elapsedSince(entry.startedAt, now);
  return entry.elapsedSeconds + elapsedSince(snapshotAt, now);
}

export function providerLabel(account: Pick<AccountState, 'label' | 'provider'>): string {
  const provider = PROVIDER_NAMES[account.provider];
  return account.label === provider ? provider : `${account.label} · ${provider}`;
}

/** Why an entry still waiting for the service cannot be edited yet (hover and screen readers). */
export const NOT_SYNCED_EDIT = 'Not synced yet: it can be edited once the service has it.';

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
  /** Which edit of this entry is in flight: the edit form's or the start time's. */
  updating: 'edit' | 'start' | null;
  editError: AppError | null;
  startError: AppError | null;
  onUpdate(part: 'edit' | 'start', changes: EntryChanges): Promise<boolean>;
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
  const { updating, editError, startError, onUpdate } = props;
  const { entry } = account;
  const [editing, setEditing] = useState(false);
  const editButtonRef = useRef<HTMLButtonElement>(null);
  const { editEntry, editStart } = account.capabilities;
  // Another member's tracker is theirs to edit; a start not confirmed yet has nothing to update.
  const ownEntry = account.actingFor === null;
  const notSynced = entry.pending ? NOT_SYNCED_EDIT : null;
  const closeEditor = () => {
    setEditing(false);
    // The form (and the focus in it) goes away: back to the button that opened it.
    requestAnimationFrame(() => editButtonRef.current?.focus());
  };
  const description = entry.description?.trim();
  const where = [entry.projectName, entry.taskName].filter(Boolean).join(' / ');
  const headingId = `running-${account.id}`;
  const whose = account.actingFor ? `${account.actingFor.name}’s tracker` : null;
  return (
    <section className="card running" aria-labelledby={headingId}>
      {/* First in the Tab order (the card's main action), drawn on the right (styles.css). */}
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
      <div className="running-main">
        {whose && <p className="whose">{whose}</p>}
        <ElapsedClock entry={entry} snapshotAt={snapshotAt} now={now} />
        {entry.pending && <PendingNote account={account} />}
        {entry.startedAt && !entry.pending && (
          <StartLine
            entry={{ ...entry, startedAt: entry.startedAt }}
            now={now}
            editable={editStart && ownEntry}
            busy={updating === 'start'}
            blocked={blocked}
            error={startError}
            onMove={(startedAt) => onUpdate('start', { startedAt })}
          />
        )}
        <div className="entry-title-row">
          <h2 id={headingId} className={description ? 'entry-title' : 'entry-title muted'}>
            {description || '(no description)'}
          </h2>
          {editEntry && ownEntry && !editing && (
            <button
              ref={editButtonRef}
              type="button"
              className="icon-button edit"
              aria-label={`Edit ${description || 'the running entry'}`}
              title={notSynced ?? 'Edit the description and project'}
              aria-disabled={notSynced !== null || blocked || undefined}
              aria-describedby={notSynced ? `${headingId}-not-synced` : undefined}
              onClick={() => {
                if (notSynced === null && !blocked) setEditing(true);
              }}
            >
              <PencilIcon />
            </button>
          )}
          {notSynced && editEntry && (
            <span id={`${headingId}-not-synced`} className="visually-hidden">
              {notSynced}
            </span>
          )}
        </div>
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
      {editing && !notSynced && (
        <EntryEditForm
          account={account}
          busy={updating === 'edit'}
          blocked={blocked}
          error={editError}
          onSave={(changes) => onUpdate('edit', changes)}
          onClose={closeEditor}
        />
      )}
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
