import type { AccountState, AppError, EntryView } from '../../preload/contract';
import { formatDurationWords } from '../../preload/format';
import { ProjectDot } from './ProjectDot';
import { PlayIcon } from './icons';
import { QueuePrompt } from './QueuePrompt';
import { EntryTags } from './RunningEntry';

interface Props {
  accounts: AccountState[];
  pending: string | null;
  blocked: boolean;
  error: { key: string; error: AppError } | null;
  onContinue(accountId: string, entryId: string): void;
  /** A continue refused as `queueable`: the same continue with queueIfOffline. */
  onQueueContinue(accountId: string, entryId: string): void;
  onDismiss(): void;
}

export const continueKey = (accountId: string, entryId: string) =>
  `continue:${accountId}:${entryId}`;

const MAX_ROWS = 30;

interface Row {
  account: AccountState;
  entry: EntryView;
}

/** All accounts' recent entries in one list, newest first. */
function rows(accounts: AccountState[]): Row[] {
  const all = accounts.flatMap((account) => account.recent.map((entry) => ({ account, entry })));
  const time = (e: EntryView) => Date.parse(e.stoppedAt ?? e.startedAt ?? '') || 0;
  return all.sort((a, b) => time(b.entry) - time(a.entry)).slice(0, MAX_ROWS);
}

export function RecentList(props: Props) {
  const { accounts, pending, blocked, error, onContinue, onQueueContinue, onDismiss } = props;
  const list = rows(accounts);
  const several = accounts.length > 1;
  return (
    <section className="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="section-title">
        Recent
      </h2>
      {list.length === 0 ? (
        <p className="empty">Entries you stop show up here, ready to continue with one click.</p>
      ) : (
        <ul className="recent-list">
          {list.map(({ account, entry }) => {
            const key = continueKey(account.id, entry.id);
            const busy = pending === key;
            const description = entry.description?.trim();
            const where = [entry.projectName, entry.taskName].filter(Boolean).join(' / ');
            const rowError = error?.key === key ? error.error : null;
            return (
              <li key={key} className="recent-item">
                <div className="recent-text">
                  <span className={description ? 'recent-title' : 'recent-title muted'}>
                    {description || '(no description)'}
                  </span>
                  <span className="recent-meta">
                    {where && (
                      <span className="project">
                        <ProjectDot color={entry.projectColor} />
                        {where}
                      </span>
                    )}
                    {entry.tags.length > 0 && <EntryTags tags={entry.tags} />}
                    {several && <span className="provider">{account.label}</span>}
                    <span className="duration">{formatDurationWords(entry.elapsedSeconds)}</span>
                    {entry.pending && (
                      <span className="pending-mark">
                        <span aria-hidden="true">↻ </span>not synced yet
                      </span>
                    )}
                  </span>
                  {rowError && !rowError.queueable && (
                    <span className="error" role="alert">
                      {rowError.message}
                    </span>
                  )}
                </div>
                <button
                  type="button"
                  className="icon-button continue"
                  title="Continue"
                  aria-label={`Continue ${description || 'entry without description'}${where ? ` (${where})` : ''}`}
                  aria-disabled={blocked || undefined}
                  aria-busy={busy || undefined}
                  onClick={() => onContinue(account.id, entry.id)}
                >
                  <PlayIcon size={12} />
                </button>
                {rowError?.queueable && (
                  <QueuePrompt
                    error={rowError}
                    what={`Continue ${description ? `“${description}”` : 'the entry'}`}
                    busy={busy}
                    blocked={blocked}
                    onQueue={() => onQueueContinue(account.id, entry.id)}
                    onCancel={onDismiss}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
