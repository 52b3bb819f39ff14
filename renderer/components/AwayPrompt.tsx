import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type { AppError, AwayChoice, AwayPrompt as Prompt } from '../../preload/contract';
import { formatClockTime } from '../../preload/format';
import { AWAY_CHOICES, nearestChoice } from '../../preload/away-choices';
import { fieldMessage } from '../hooks/useCommands';

interface Props {
  away: Prompt;
  /** Name each account (more than one is connected). */
  several: boolean;
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  /** Changes whenever the popup is shown: the first choice gets the keyboard. */
  focusSignal: number;
  onResolve(choice: AwayChoice, description?: string): void;
}

/**
 * The choices offered: every choice at least one listed account can take. One answer goes to
 * all of them; an account that cannot take it does the nearest thing its service can (the
 * core's nearestChoice), and the choice says so ("Studio: stops now").
 */
export function offeredChoices(away: Prompt): AwayChoice[] {
  const offered = AWAY_CHOICES.filter((c) => away.accounts.some((a) => a.choices.includes(c)));
  return offered.length > 0 ? offered : ['keep'];
}

/** "Studio: stops now", "Studio keeps the time": the accounts that do something else. */
function othersText(choice: AwayChoice, away: Prompt): string | null {
  const words = away.accounts
    .filter((a) => !a.choices.includes(choice))
    .map((a) => {
      const instead = nearestChoice(choice, a.choices);
      if (instead === choice) return null; // "Stop now": every service can
      if (instead === 'keep') return `${a.label} keeps the time`;
      if (instead === 'stop-now') return `${a.label}: stops now`;
      return null;
    })
    .filter((w): w is string => w !== null);
  return words.length > 0 ? words.join(' · ') : null;
}

const LABELS: Record<AwayChoice, string> = {
  keep: 'Keep it',
  discard: 'Discard it',
  'discard-continue': 'Discard and continue',
  split: 'Add as a separate entry…',
  'stop-now': 'Stop now',
};

/** The core starts the work again at the return (`to`), not at the answer: say that time. */
function detail(choice: AwayChoice, from: string | null, to: string | null): string | null {
  switch (choice) {
    case 'keep':
      return 'stays in the entry';
    case 'discard':
      return from ? `stops at ${from}` : null;
    case 'discard-continue':
      return from && to ? `stops at ${from}, runs again from ${to}` : null;
    case 'split':
      return to ? `becomes its own entry; the work runs again from ${to}` : 'becomes its own entry';
    case 'stop-now':
      return 'stops now, the time away stays';
  }
}

/**
 * "You were away 10:42–11:57 (1 h 15 min)": what to do with time away from the computer while a
 * timer ran. It stays until answered: Esc hides the popup but never answers for the user
 * (keeping the time is the explicit "Keep it").
 */
export function AwayPrompt(props: Props) {
  const { away, several, busy, blocked, error, focusSignal, onResolve } = props;
  const id = useId();
  const headingId = `${id}-heading`;
  const [splitOpen, setSplitOpen] = useState(false);
  const [description, setDescription] = useState('');
  const groupRef = useRef<HTMLDivElement>(null);
  const splitButtonRef = useRef<HTMLButtonElement>(null);
  const splitInputRef = useRef<HTMLInputElement>(null);
  const choices = offeredChoices(away);
  const from = formatClockTime(away.from);
  const to = formatClockTime(away.to);

  // A new prompt (or the popup shown again) puts the keyboard on the first choice.
  useEffect(() => {
    groupRef.current?.querySelector('button')?.focus({ preventScroll: true });
  }, [away.id, focusSignal]);

  useEffect(() => {
    if (splitOpen) splitInputRef.current?.focus();
  }, [splitOpen]);

  const choose = (choice: AwayChoice) => {
    if (blocked) return;
    if (choice === 'split') {
      setSplitOpen((open) => !open);
      return;
    }
    onResolve(choice);
  };

  const submitSplit = (event: FormEvent) => {
    event.preventDefault();
    if (blocked) return;
    const text = description.trim();
    onResolve('split', text === '' ? undefined : text);
  };

  // Esc in the description closes it (not the popup); the prompt itself stays.
  const onSplitKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    setSplitOpen(false);
    splitButtonRef.current?.focus();
  };

  const descriptionError = fieldMessage(error, 'description');
  const otherError = error && !descriptionError ? error.message : null;
  const notes = away.accounts.filter((a) => a.note !== null);

  return (
    <section className="card away" aria-labelledby={headingId} data-testid="away-prompt">
      <h2 id={headingId} className="away-message">
        <MessageText message={away.message} />
      </h2>
      <ul className="away-accounts">
        {away.accounts.map((a) => (
          <li key={a.accountId} className="away-entry">
            <span className="visually-hidden">Timer: </span>
            {a.entryLabel}
            {several && <span className="muted"> · {a.label}</span>}
          </li>
        ))}
      </ul>
      <p className="hint">What should happen to that time?</p>
      <div
        ref={groupRef}
        className="away-choices"
        role="group"
        aria-label="What to do with the time away"
      >
        {choices.map((choice) => {
          const sub = [detail(choice, from, to), othersText(choice, away)]
            .filter((t): t is string => t !== null)
            .join(' · ');
          const isSplit = choice === 'split';
          return (
            <button
              key={choice}
              ref={isSplit ? splitButtonRef : undefined}
              type="button"
              className={`away-choice${isSplit && splitOpen ? ' open' : ''}`}
              data-choice={choice}
              aria-disabled={blocked || undefined}
              aria-busy={(busy && !isSplit) || undefined}
              aria-expanded={isSplit ? splitOpen : undefined}
              aria-controls={isSplit ? `${id}-split` : undefined}
              aria-describedby={sub !== '' ? `${id}-${choice}-detail` : undefined}
              onClick={() => choose(choice)}
            >
              <span className="away-choice-label">{LABELS[choice]}</span>
              {sub !== '' && (
                <span id={`${id}-${choice}-detail`} className="away-choice-detail">
                  {sub}
                </span>
              )}
            </button>
          );
        })}
      </div>
      {choices.includes('split') && (
        <form
          id={`${id}-split`}
          className="away-split"
          hidden={!splitOpen}
          onSubmit={submitSplit}
          aria-label="Add the time away as a separate entry"
          noValidate
        >
          <label htmlFor={`${id}-split-description`} className="visually-hidden">
            What were you doing?
          </label>
          <div className="row">
            <input
              ref={splitInputRef}
              id={`${id}-split-description`}
              name="away-description"
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="What were you doing? (Lunch, Meeting…)"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              onKeyDown={onSplitKey}
              aria-invalid={descriptionError ? true : undefined}
              aria-describedby={descriptionError ? `${id}-split-error` : undefined}
            />
            <button
              type="submit"
              className="button primary"
              aria-disabled={blocked || undefined}
              aria-busy={busy || undefined}
            >
              {busy ? 'Adding…' : 'Add'}
            </button>
          </div>
          {descriptionError && (
            <p className="error" id={`${id}-split-error`} role="alert">
              {descriptionError}
            </p>
          )}
        </form>
      )}
      {notes.map((a) => (
        <p key={a.accountId} className="hint away-note">
          {several ? `${a.label}: ` : ''}
          {a.note}
        </p>
      ))}
      {otherError && (
        <p className="error" role="alert">
          {otherError}
        </p>
      )}
    </section>
  );
}

/** "You were away 10:42–11:57 (1 h 15 min)", wrapped (if at all) before the duration. */
function MessageText({ message }: { message: string }) {
  const m = /^(.*\S)\s+(\([^()]*\))$/.exec(message);
  if (!m) return <>{message}</>;
  return (
    <>
      {m[1]} <span className="nowrap">{m[2]}</span>
    </>
  );
}
