import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AccountState, AppError, StartInput } from '../../preload/contract';
import { isField } from '../hooks/useCommands';
import { PlayIcon } from './icons';

interface Props {
  accounts: AccountState[];
  defaultAccountId: string;
  /** Changes whenever the popup is shown: focus goes back to the description field. */
  focusSignal: number;
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  onStart(input: StartInput): Promise<boolean>;
}

/** Descriptions to suggest, newest first, each with the project it was last used with. */
function suggestions(account: AccountState | undefined): Map<string, string | null> {
  const byDescription = new Map<string, string | null>();
  for (const entry of account?.recent ?? []) {
    const description = entry.description?.trim();
    if (description && !byDescription.has(description)) {
      byDescription.set(description, entry.projectName);
    }
  }
  return byDescription;
}

export function StartForm(props: Props) {
  const { accounts, defaultAccountId, focusSignal, busy, blocked, error, onStart } = props;
  const id = useId();
  const descriptionRef = useRef<HTMLInputElement>(null);
  const [description, setDescription] = useState('');
  const [project, setProject] = useState('');
  const [chosenAccount, setChosenAccount] = useState<string | null>(null);

  // The chosen account may disappear (removed in another window): fall back to the default.
  const account =
    accounts.find((a) => a.id === chosenAccount) ??
    accounts.find((a) => a.id === defaultAccountId) ??
    accounts[0];
  const recent = useMemo(() => suggestions(account), [account]);
  const projects = account?.capabilities.projects ? account.projects : [];
  const isNewProject =
    account?.provider === 'local' &&
    project.trim() !== '' &&
    !projects.some((p) => p.name.toLowerCase() === project.trim().toLowerCase());

  useEffect(() => {
    descriptionRef.current?.focus();
  }, [focusSignal]);

  const onDescription = (value: string) => {
    setDescription(value);
    // Picking a suggestion (or typing one exactly) brings its project along.
    const known = recent.get(value.trim());
    if (known !== undefined) setProject(known ?? '');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (blocked || !account) return;
    const input: StartInput = { accountId: account.id };
    if (description.trim()) input.description = description.trim();
    if (project.trim()) input.project = project.trim();
    if (await onStart(input)) {
      setDescription('');
      setProject('');
      descriptionRef.current?.focus();
    }
  };

  const descriptionError = isField(error, 'description') ? error : null;
  const projectError = isField(error, 'project') ? error : null;
  const accountError = isField(error, 'accountId') ? error : null;
  const formError = error && !descriptionError && !projectError && !accountError ? error : null;

  return (
    <form className="card start-form" onSubmit={submit} aria-label="Start a timer" noValidate>
      <div className="field">
        <label htmlFor={`${id}-description`}>What are you working on?</label>
        <input
          ref={descriptionRef}
          id={`${id}-description`}
          name="description"
          type="text"
          autoComplete="off"
          spellCheck={false}
          list={`${id}-suggestions`}
          placeholder="Describe the task"
          value={description}
          onChange={(e) => onDescription(e.target.value)}
          aria-invalid={descriptionError ? true : undefined}
          aria-describedby={descriptionError ? `${id}-description-error` : undefined}
        />
        <datalist id={`${id}-suggestions`}>
          {[...recent.keys()].map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
        {descriptionError && (
          <p className="error" id={`${id}-description-error`} role="alert">
            {descriptionError.message}
          </p>
        )}
      </div>

      <div className="row">
        {account?.capabilities.projects !== false && (
          <div className="field grow">
            <label htmlFor={`${id}-project`}>
              Project
              {isNewProject && <span className="badge">new</span>}
            </label>
            <input
              id={`${id}-project`}
              name="project"
              type="text"
              autoComplete="off"
              spellCheck={false}
              list={`${id}-projects`}
              placeholder={account?.provider === 'local' ? 'None, or type a new one' : 'None'}
              value={project}
              onChange={(e) => setProject(e.target.value)}
              aria-invalid={projectError ? true : undefined}
              aria-describedby={projectError ? `${id}-project-error` : undefined}
            />
            <datalist id={`${id}-projects`}>
              {projects.map((p) => (
                <option key={p.id} value={p.name}>
                  {p.clientName ?? undefined}
                </option>
              ))}
            </datalist>
          </div>
        )}
        {accounts.length > 1 && (
          <div className="field">
            <label htmlFor={`${id}-account`}>Account</label>
            <select
              id={`${id}-account`}
              name="account"
              value={account?.id}
              onChange={(e) => setChosenAccount(e.target.value)}
              aria-invalid={accountError ? true : undefined}
            >
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <button
          type="submit"
          className="button primary start"
          aria-disabled={blocked || undefined}
          aria-busy={busy || undefined}
        >
          <PlayIcon />
          <span>{busy ? 'Starting…' : 'Start'}</span>
        </button>
      </div>
      {projectError && (
        <p className="error" id={`${id}-project-error`} role="alert">
          {projectError.message}
        </p>
      )}
      {(accountError ?? formError) && (
        <p className="error" role="alert">
          {(accountError ?? formError)?.message}
        </p>
      )}
    </form>
  );
}
