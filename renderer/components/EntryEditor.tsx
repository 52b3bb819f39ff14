import { useEffect, useId, useRef, useState } from 'react';
import { TaskSelect } from './TaskSelect';
import type { FormEvent, KeyboardEvent } from 'react';
import type { AccountState, AppError, EntryUpdateInput, EntryView } from '../../preload/contract';
import { formatClockTime, formatDurationWords } from '../../preload/format';
import { parseStartTime, toIsoWithOffset } from '../../preload/start-time';
import { fieldMessage } from '../hooks/useCommands';
import { ProjectPicker } from './ProjectPicker';
import { chosenProject } from './StartForm';

/** What the popup sends for an edit: the account is added by the running entry's card. */
export type EntryChanges = Omit<EntryUpdateInput, 'accountId'>;

/** "25 min ago", "just now". */
export function agoText(startedAt: string, now: number): string {
  const seconds = Math.floor((now - Date.parse(startedAt)) / 1000);
  return seconds < 60 ? 'just now' : `${formatDurationWords(seconds)} ago`;
}

interface StartLineProps {
  entry: EntryView & { startedAt: string };
  now: number;
  /** The service can move the start (capabilities.editStart) and the entry is confirmed. */
  editable: boolean;
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  onMove(startedAt: string): Promise<boolean>;
}

/**
 * "Started 10:04 · 25 min ago". Where the start can be moved, the time is a field: typing 9:15
 * and Enter (or leaving the field) moves the start to the latest 9:15 that is not in the future.
 */
export function StartLine(props: StartLineProps) {
  const { entry, now, editable, busy, blocked, error, onMove } = props;
  const id = useId();
  const shown = formatClockTime(entry.startedAt) ?? '';
  // null: showing the entry's start; text: what the user is typing.
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const ago = agoText(entry.startedAt, now);

  if (!editable) {
    return (
      <p className="start-line" data-testid="start-line">
        Started {shown} · {ago}
      </p>
    );
  }

  const commit = async () => {
    if (draft === null || blocked) return;
    if (draft.trim() === '' || draft.trim() === shown) {
      setDraft(null);
      setProblem(null);
      return;
    }
    const parsed = parseStartTime(draft, Date.now());
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    if (await onMove(toIsoWithOffset(parsed.at))) setDraft(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit();
    } else if (event.key === 'Escape' && draft !== null) {
      event.preventDefault(); // undoes the typing; a second Esc closes the popup
      setDraft(null);
      setProblem(null);
    }
  };

  const message = problem ?? fieldMessage(error, 'startedAt') ?? error?.message ?? null;
  return (
    <>
      <p className="start-line" data-testid="start-line">
        <label htmlFor={`${id}-start`}>Started</label>{' '}
        <input
          id={`${id}-start`}
          name="startedAt"
          className="start-time"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          size={5}
          value={draft ?? shown}
          title="Type a time such as 9:15 to move the start"
          aria-busy={busy || undefined}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-start-error` : `${id}-start-hint`}
          onFocus={(e) => e.currentTarget.select()}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => void commit()}
        />{' '}
        · {ago}
      </p>
      <span id={`${id}-start-hint`} className="visually-hidden">
        Type a time such as 9:15 and press Enter to move the start.
      </span>
      {message && (
        <p className="error" id={`${id}-start-error`} role="alert">
          {message}
        </p>
      )}
    </>
  );
}

interface EditFormProps {
  account: AccountState & { entry: EntryView };
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  onSave(changes: EntryChanges): Promise<boolean>;
  onClose(): void;
}

/** The running entry's description, project and task, changed in place (one update request). */
export function EntryEditForm(props: EditFormProps) {
  const { account, busy, blocked, error, onSave, onClose } = props;
  const { entry } = account;
  const id = useId();
  const descriptionRef = useRef<HTMLInputElement>(null);
  const [description, setDescription] = useState(entry.description ?? '');
  const [project, setProject] = useState(entry.projectName ?? '');
  const [pickedProjectId, setPickedProjectId] = useState<string | null>(entry.projectId);
  const [taskId, setTaskId] = useState(entry.taskId ?? '');
  const projects = account.capabilities.projects ? account.projects : [];
  const current = chosenProject(projects, project, pickedProjectId);
  const tasks = account.capabilities.tasks && current ? current.tasks : [];
  const task = tasks.find((t) => t.id === taskId);

  useEffect(() => {
    descriptionRef.current?.focus();
    descriptionRef.current?.select();
  }, []);

  const setProjectText = (text: string, picked: string | null = null) => {
    setProject(text);
    setPickedProjectId(picked);
    setTaskId('');
  };

  const changes = (): EntryChanges => {
    const out: EntryChanges = {};
    if (description.trim() !== (entry.description ?? '').trim())
      out.description = description.trim();
    let projectChanged = false;
    if (account.capabilities.projects) {
      if (current) {
        projectChanged = current.id !== entry.projectId;
        // A picked project goes by id: two clients may have projects with the same name.
        if (projectChanged)
          out.project = current.id === pickedProjectId ? current.id : current.name;
      } else if (project.trim() !== '') {
        projectChanged = project.trim() !== (entry.projectName ?? '');
        if (projectChanged) out.project = project.trim();
      } else if (entry.projectId !== null) {
        projectChanged = true;
        out.project = '';
      }
    }
    if (account.capabilities.tasks) {
      const next = task?.id ?? '';
      if (next !== (entry.taskId ?? '') || (projectChanged && entry.taskId !== null))
        out.task = next;
    }
    return out;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (blocked) return;
    const input = changes();
    if (Object.keys(input).length === 0) return onClose();
    if (await onSave(input)) onClose();
  };

  // Esc leaves editing (not the popup), unless the project list used it to close itself.
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    onClose();
  };

  const descriptionError = fieldMessage(error, 'description');
  const projectError = fieldMessage(error, 'project');
  const taskError = fieldMessage(error, 'task');
  const formError =
    error && !descriptionError && !projectError && !taskError ? error.message : null;

  return (
    <form
      className="entry-edit"
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-label="Edit the running entry"
      noValidate
    >
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <input
          ref={descriptionRef}
          id={`${id}-description`}
          name="description"
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="(no description)"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          aria-invalid={descriptionError ? true : undefined}
          aria-describedby={descriptionError ? `${id}-description-error` : undefined}
        />
        {descriptionError && (
          <p className="error" id={`${id}-description-error`} role="alert">
            {descriptionError}
          </p>
        )}
      </div>
      {account.capabilities.projects && (
        <div className="row">
          <div className="field grow">
            <label htmlFor={`${id}-project`}>Project</label>
            <ProjectPicker
              id={`${id}-project`}
              value={project}
              projects={projects}
              placeholder={account.provider === 'local' ? 'None, or type a new one' : 'None'}
              invalid={projectError !== null}
              describedBy={projectError ? `${id}-project-error` : undefined}
              onChange={(text) => setProjectText(text)}
              onPick={(p) => setProjectText(p.name, p.id)}
            />
          </div>
          {tasks.length > 0 && (
            <TaskSelect
              id={id}
              tasks={tasks}
              value={task ? task.id : ''}
              onChange={setTaskId}
              invalid={Boolean(taskError)}
            />
          )}
        </div>
      )}
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
      {formError && (
        <p className="error" role="alert">
          {formError}
        </p>
      )}
      <div className="row end">
        <button type="button" className="button small" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="button small primary"
          aria-disabled={blocked || undefined}
          aria-busy={busy || undefined}
        >
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
