/** The task picker of a project with tasks (Toggl, TrackingTime, WebWork): start form and editor. */
interface Props {
  /** Prefix of the element ids (the form's useId()). */
  id: string;
  tasks: readonly { id: string; name: string }[];
  /** The chosen task's id; '' for none. */
  value: string;
  onChange(taskId: string): void;
  /** The field has an error, shown by the form at `${id}-task-error`. */
  invalid: boolean;
}

export function TaskSelect({ id, tasks, value, onChange, invalid }: Props) {
  return (
    <div className="field grow">
      <label htmlFor={`${id}-task`}>Task</label>
      <select
        id={`${id}-task`}
        name="task"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? `${id}-task-error` : undefined}
      >
        <option value="">No task</option>
        {tasks.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </div>
  );
}
