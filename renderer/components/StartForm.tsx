import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { TaskSelect } from './TaskSelect';
import type { FormEvent, ReactNode } from 'react';
import type { AccountState, AppError, ProjectView, StartInput } from '../../preload/contract';
import { fieldMessage } from '../hooks/useCommands';
import { PlayIcon } from './icons';
import { ProjectPicker } from './ProjectPicker';
import { QueuePrompt } from './QueuePrompt';

interface Props {
  accounts: AccountState[];
  defaultAccountId: string;
  /** Changes whenever the popup is shown: focus goes back to the description field. */
  focusSignal: number;
  /** Something above needs an answer first (the away prompt): leave the focus to it. */
  yieldFocus?: boolean;
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  onStart(input: StartInput): Promise<boolean>;
  /** Forgets the failed start's error (Cancel on "a timer is already running"). */
  onDismiss(): void;
  /**
   * The "Track for" control of an account whose user may act for members (WebWork owners and
   * executive managers), with the failed start's message about the member, if any.
   */
  renderTrackFor?(account: AccountState, memberError: string | null): ReactNode;
}

interface Suggestion {
  projectName: string | null;
  projectId: string | null;
  taskId: string | null;
  tags: string[];
  billable: boolean | null;
}

/** "a, b,,  c" → ["a", "b", "c"]: what the Tags field means, duplicates dropped. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

/** Descriptions to suggest, newest first, each with the project and task it was last used with. */
function suggestions(account: AccountState | undefined): Map<string, Suggestion> {
  const byDescription = new Map<string, Suggestion>();
  for (const entry of account?.recent ?? []) {
    const description = entry.description?.trim();
    if (description && !byDescription.has(description)) {
      byDescription.set(description, {
        projectName: entry.projectName,
        projectId: entry.projectId,
        taskId: entry.taskId,
        tags: entry.tags,
        billable: entry.billable,
      });
    }
  }
  return byDescription;
}

/** The project the field means: the one picked from the list, else one named exactly so. */
export function chosenProject(
  projects: readonly ProjectView[],
  text: string,
  pickedId: string | null,
): ProjectView | undefined {
  const picked = projects.find((p) => p.id === pickedId);
  if (picked && picked.name === text) return picked;
  const needle = text.trim().toLowerCase();
  return needle ? projects.find((p) => p.name.toLowerCase() === needle) : undefined;
}

export function StartForm(props: Props) {
  const { accounts, defaultAccountId, focusSignal, busy, blocked, error, onStart, onDismiss } =
    props;
  const { renderTrackFor, yieldFocus = false } = props;
  const id = useId();
  const descriptionRef = useRef<HTMLInputElement>(null);
  const [description, setDescription] = useState('');
  const [project, setProject] = useState('');
  const [pickedProjectId, setPickedProjectId] = useState<string | null>(null);
  const [taskId, setTaskId] = useState('');
  const [chosenAccount, setChosenAccount] = useState<string | null>(null);
  const [tags, setTags] = useState('');
  // null: not touched, so the provider's default (Toggl: the project's billable setting) applies.
  const [billable, setBillable] = useState<boolean | null>(null);
  // The start last sent: "Stop it and start" resends exactly it after a conflict.
  const [lastSent, setLastSent] = useState<StartInput | null>(null);

  // The chosen account may disappear (removed in another window): fall back to the default.
  const account =
    accounts.find((a) => a.id === chosenAccount) ??
    accounts.find((a) => a.id === defaultAccountId) ??
    accounts[0];
  const recent = useMemo(() => suggestions(account), [account]);
  const projects = account?.capabilities.projects ? account.projects : [];
  const current = chosenProject(projects, project, pickedProjectId);
  const tasks = account?.capabilities.tasks && current ? current.tasks : [];
  const task = tasks.find((t) => t.id === taskId);
  const several = accounts.length > 1;
  const hasTags = account?.capabilities.tags === true;
  const hasBillable = account?.capabilities.billable === true;
  const isNewProject =
    account?.provider === 'local' && project.trim() !== '' && current === undefined;
  // TrackingTime: a description with no task picked starts a new task of that name in the
  // project (the provider's semantics); say so when no task of the project has that name.
  const typed = description.trim().toLowerCase();
  const isNewTask =
    account?.provider === 'trackingtime' &&
    current !== undefined &&
    task === undefined &&
    typed !== '' &&
    !current.tasks.some((t) => t.name.toLowerCase() === typed);

  // Without scrolling: the running entries above the form stay in view when the popup opens.
  useEffect(() => {
    if (!yieldFocus) descriptionRef.current?.focus({ preventScroll: true });
    // Only a new showing moves the focus, not the prompt above going away.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusSignal]);

  const setProjectText = (text: string, pickedId: string | null = null) => {
    setProject(text);
    setPickedProjectId(pickedId);
    setTaskId('');
  };

  const onDescription = (value: string) => {
    setDescription(value);
    // Picking a suggestion (or typing one exactly) brings its project and task along.
    const known = recent.get(value.trim());
    if (known !== undefined) {
      setProjectText(known.projectName ?? '', known.projectId);
      setTaskId(known.taskId ?? '');
      // Like Continue: the suggestion repeats the tags and billable flag it was last used with.
      setTags(known.tags.join(', '));
      setBillable(known.billable);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (blocked || !account) return;
    const input: StartInput = { accountId: account.id };
    if (description.trim()) input.description = description.trim();
    // A picked project goes by id: two clients may have projects with the same name.
    if (current) input.project = current.id === pickedProjectId ? current.id : current.name;
    else if (project.trim()) input.project = project.trim();
    if (task) input.task = task.id;
    const tagList = hasTags ? parseTags(tags) : [];
    if (tagList.length > 0) input.tags = tagList;
    if (hasBillable && billable !== null) input.billable = billable;
    await send(input);
  };

  const send = async (input: StartInput) => {
    setLastSent(input);
    if (await onStart(input)) {
      setLastSent(null);
      setDescription('');
      setProjectText('');
      setTags('');
      setBillable(null);
      descriptionRef.current?.focus();
    }
  };

  // A timer already runs on the service (started elsewhere): the same start again, this time
  // asking the provider to stop the running one first.
  const replace = async () => {
    if (blocked || !lastSent) return;
    await send({ ...lastSent, replaceRunning: true });
  };
  // Queue the same start anyway: it is sent when the service is back, at that time.
  const queueAnyway = async () => {
    if (blocked || !lastSent) return;
    await send({ ...lastSent, queueIfOffline: true });
  };
  const cancelReplace = () => {
    setLastSent(null);
    onDismiss();
    descriptionRef.current?.focus();
  };

  // Each field's own message (a WebWork 422 can name several at once).
  const descriptionError = fieldMessage(error, 'description');
  const projectError = fieldMessage(error, 'project');
  const taskError = fieldMessage(error, 'task');
  const accountError = fieldMessage(error, 'accountId');
  const tagsError = fieldMessage(error, 'tags');
  const billableError = fieldMessage(error, 'billable');
  const showsTrackFor = account?.capabilities.members === true && renderTrackFor !== undefined;
  const memberError = showsTrackFor ? fieldMessage(error, 'member') : null;
  const conflict = error?.kind === 'conflict' && !error.field && lastSent !== null ? error : null;
  // Unreachable, and the service cannot take the start's time later (WebWork): ask first.
  const queueable = error?.queueable === true && lastSent !== null ? error : null;
  const formError =
    error &&
    !conflict &&
    !queueable &&
    !descriptionError &&
    !projectError &&
    !taskError &&
    !accountError &&
    !tagsError &&
    !billableError &&
    !memberError
      ? error.message
      : null;

  const startButton = (
    <button
      type="submit"
      className="button primary start"
      aria-disabled={blocked || undefined}
      aria-busy={busy || undefined}
    >
      <PlayIcon />
      <span>{busy ? 'Starting…' : 'Start'}</span>
    </button>
  );

  const projectField = account?.capabilities.projects !== false && (
    <div className="field grow">
      <label htmlFor={`${id}-project`}>
        Project
        {isNewProject && <span className="badge">new</span>}
      </label>
      <ProjectPicker
        id={`${id}-project`}
        value={project}
        projects={projects}
        placeholder={account?.provider === 'local' ? 'None, or type a new one' : 'None'}
        invalid={projectError !== null}
        describedBy={projectError ? `${id}-project-error` : undefined}
        onChange={(text) => setProjectText(text)}
        onPick={(p) => setProjectText(p.name, p.id)}
      />
    </div>
  );

  const taskField = tasks.length > 0 && (
    <TaskSelect
      id={id}
      tasks={tasks}
      value={task ? task.id : ''}
      onChange={setTaskId}
      invalid={Boolean(taskError)}
    />
  );

  const accountField = several && (
    <div className="field grow">
      <label htmlFor={`${id}-account`}>Account</label>
      <select
        id={`${id}-account`}
        name="account"
        value={account?.id}
        onChange={(e) => {
          setChosenAccount(e.target.value);
          // Projects belong to one account: a name typed for another would not match.
          setProjectText('');
        }}
        aria-invalid={accountError ? true : undefined}
      >
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
            {a.isDefault ? ' (default)' : ''}
          </option>
        ))}
      </select>
    </div>
  );

  const tagsField = hasTags && (
    <div className="field grow">
      <label htmlFor={`${id}-tags`}>Tags</label>
      <input
        id={`${id}-tags`}
        name="tags"
        type="text"
        autoComplete="off"
        spellCheck={false}
        placeholder="Comma separated"
        value={tags}
        onChange={(e) => setTags(e.target.value)}
        aria-invalid={tagsError ? true : undefined}
        aria-describedby={tagsError ? `${id}-tags-error` : undefined}
      />
    </div>
  );

  const billableField = hasBillable && (
    <label className="check" htmlFor={`${id}-billable`}>
      <input
        id={`${id}-billable`}
        name="billable"
        type="checkbox"
        checked={billable === true}
        onChange={(e) => setBillable(e.target.checked)}
        aria-invalid={billableError ? true : undefined}
        aria-describedby={billableError ? `${id}-billable-error` : undefined}
      />
      Billable
    </label>
  );

  const extras = (tagsField || billableField) && (
    <div className="row">
      {tagsField}
      {billableField}
      {startButton}
    </div>
  );

  // One row (project + Start) in the simple case; otherwise the pickers first, then account,
  // then tags/billable; Start ends the last row.
  let rows: ReactNode;
  if (!several && !taskField && !extras) {
    rows = (
      <div className="row">
        {projectField}
        {startButton}
      </div>
    );
  } else {
    rows = (
      <>
        {several && (
          <div className="row">
            {accountField}
            {!projectField && !extras && startButton}
          </div>
        )}
        {projectField && (
          <div className="row">
            {projectField}
            {taskField}
            {!taskField && !extras && startButton}
          </div>
        )}
        {extras}
        {projectField && taskField && !extras && <div className="row end">{startButton}</div>}
      </>
    );
  }

  return (
    <form className="card start-form" onSubmit={submit} aria-label="Start a timer" noValidate>
      {showsTrackFor && account && renderTrackFor(account, memberError)}
      <div className="field">
        <label htmlFor={`${id}-description`}>
          What are you working on?
          {isNewTask && <span className="badge">new task</span>}
        </label>
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
            {descriptionError}
          </p>
        )}
      </div>
      {rows}
      {projectError && (
        <p className="error" id={`${id}-project-error`} role="alert">
          {projectError}
        </p>
      )}
      {taskError && (
        <p className="error" id={`${id}-task-error`} role="alert">
          {taskError}
        </p>
      )}
      {tagsError && (
        <p className="error" id={`${id}-tags-error`} role="alert">
          {tagsError}
        </p>
      )}
      {billableError && (
        <p className="error" id={`${id}-billable-error`} role="alert">
          {billableError}
        </p>
      )}
      {conflict && (
        <div className="confirm" role="group" aria-label="A timer is already running">
          <p className="error" role="alert">
            {conflict.message}
          </p>
          <div className="row end">
            <button type="button" className="button small" onClick={cancelReplace}>
              Cancel
            </button>
            <button
              type="button"
              className="button small primary"
              aria-disabled={blocked || undefined}
              aria-busy={busy || undefined}
              onClick={() => void replace()}
              // The question just appeared under the Start the user pressed: answer by keyboard.
              autoFocus
            >
              {busy ? 'Starting…' : 'Stop it and start'}
            </button>
          </div>
        </div>
      )}
      {queueable && (
        <QueuePrompt
          error={queueable}
          what={`Start ${lastSent?.description ? `“${lastSent.description}”` : 'the timer'}`}
          busy={busy}
          blocked={blocked}
          onQueue={() => void queueAnyway()}
          onCancel={cancelReplace}
        />
      )}
      {(accountError ?? formError) && (
        <p className="error" role="alert">
          {accountError ?? formError}
        </p>
      )}
    </form>
  );
}
