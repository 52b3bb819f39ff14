import { useId, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import type {
  AppError,
  IdleSource,
  Notice,
  PomodoroSettings,
  ReminderSettings,
  SettingsPatch,
  SettingsView,
} from '../../preload/contract';
import type { Commands } from '../hooks/useCommands';
import { failureOf, fieldMessage } from '../hooks/useCommands';

type Update = (key: string, patch: SettingsPatch, done: string) => Promise<boolean>;

interface Props {
  settings: SettingsView;
  idleSource: IdleSource;
  /** The shell's notices; the one about the login item (topic launchAtLogin) goes under it. */
  notices: Notice[];
  commands: Commands;
  update: Update;
}

/** Monday first, as a week reads on a calendar; the values are JavaScript's getDay(). */
const WEEKDAYS: readonly { day: number; short: string; name: string }[] = [
  { day: 1, short: 'Mon', name: 'Monday' },
  { day: 2, short: 'Tue', name: 'Tuesday' },
  { day: 3, short: 'Wed', name: 'Wednesday' },
  { day: 4, short: 'Thu', name: 'Thursday' },
  { day: 5, short: 'Fri', name: 'Friday' },
  { day: 6, short: 'Sat', name: 'Saturday' },
  { day: 0, short: 'Sun', name: 'Sunday' },
];

/** The ranges of preload/presence-contract.ts, checked here so a typo is caught before sending. */
export function checkWholeNumber(
  text: string,
  min: number,
  max: number,
  unit: 'minutes' | 'rounds',
): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, message: `Type a whole number of ${unit}.` };
  const value = Number(t);
  const count = (n: number) => `${n} ${n === 1 ? unit.slice(0, -1) : unit}`;
  if (value < min) return { ok: false, message: `At least ${count(min)}.` };
  if (value > max) return { ok: false, message: `At most ${count(max)}.` };
  return { ok: true, value };
}

/** "9:00" → "09:00"; null when it is not a 24-hour time. */
export function normaliseClockTime(text: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** Idle detection, reminders, pomodoro, launch at login and notifications: each saved on change. */
export function PresencePreferences(props: Props) {
  const { settings, idleSource, notices, commands, update } = props;
  return (
    <>
      <IdleSection
        settings={settings}
        idleSource={idleSource}
        commands={commands}
        update={update}
      />
      <RemindersSection saved={settings.reminders} commands={commands} update={update} />
      <PomodoroSection saved={settings.pomodoro} commands={commands} update={update} />
      <StartupSection
        settings={settings}
        loginNotice={notices.find((n) => n.topic === 'launchAtLogin') ?? null}
        commands={commands}
        update={update}
      />
    </>
  );
}

/** The group's own error, when it names none of the group's fields shown elsewhere. */
function groupError(error: AppError | null, fields: readonly string[]): string | null {
  if (!error) return null;
  return fields.some((f) => fieldMessage(error, f) !== null) ? null : error.message;
}

/**
 * A switch saved when clicked. It shows the new state at once (the save takes a moment) and
 * falls back to the saved one if the core refuses; unavailable while another command runs.
 */
function Check(props: {
  id: string;
  label: string;
  checked: boolean;
  busy: boolean;
  blocked: boolean;
  describedBy?: string;
  onChange(checked: boolean): Promise<boolean>;
}) {
  const { id, label, checked, busy, blocked, describedBy, onChange } = props;
  const [shown, setShown] = useState<boolean | null>(null);
  return (
    <label className="check" htmlFor={id}>
      <input
        id={id}
        type="checkbox"
        checked={shown ?? checked}
        aria-busy={busy || undefined}
        aria-disabled={(blocked && shown === null) || undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          if (blocked) return;
          const next = e.target.checked;
          setShown(next);
          void onChange(next).finally(() => setShown(null));
        }}
      />
      {label}
    </label>
  );
}

/**
 * A small text field saved when Enter is pressed or the field is left: checked here first (the
 * message under the field), then by the core (its message, same place). A saved value resets it.
 */
function CommitField(props: {
  id: string;
  label: ReactNode;
  saved: string;
  suffix?: string;
  /** How wide the field is: a few digits, or an HH:MM time. */
  size: 'number' | 'time';
  inputMode: 'numeric' | 'text';
  /** The core's message about this field, if any. */
  coreError: string | null;
  busy: boolean;
  blocked: boolean;
  check(text: string): { ok: true; value: string | number } | { ok: false; message: string };
  onCommit(value: string | number): Promise<boolean>;
}) {
  const { id, label, saved, suffix, size, inputMode, coreError, busy, blocked, check } = props;
  const { onCommit } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const message = problem ?? coreError;

  const commit = async () => {
    if (draft === null || blocked) return;
    const result = check(draft);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setProblem(null);
    if (String(result.value) === saved) {
      setDraft(null);
      return;
    }
    if (await onCommit(result.value)) setDraft(null);
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

  return (
    <div className="field">
      <div className="field inline">
        <label htmlFor={id}>{label}</label>
        <span className="with-suffix">
          <input
            id={id}
            type="text"
            className={`short ${size}`}
            inputMode={inputMode}
            autoComplete="off"
            spellCheck={false}
            value={draft ?? saved}
            aria-busy={busy || undefined}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? `${id}-error` : undefined}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => void commit()}
          />
          {suffix && <span className="suffix">{suffix}</span>}
        </span>
      </div>
      {message && (
        <p className="error" id={`${id}-error`} role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

const minutesCheck = (min: number, max: number) => (text: string) =>
  checkWholeNumber(text, min, max, 'minutes');

function IdleSection(props: {
  settings: SettingsView;
  idleSource: IdleSource;
  commands: Commands;
  update: Update;
}) {
  const { settings, idleSource, commands, update } = props;
  const id = useId();
  const key = 'settings:idle';
  const error = failureOf(commands, key);
  const blocked = commands.pending !== null;
  const busy = commands.pending === key;
  const save = (patch: SettingsPatch['idle']) =>
    update(key, { idle: patch }, 'Idle detection saved');
  const noteId = `${id}-note`;
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        Idle detection
      </h2>
      <Check
        id={`${id}-enabled`}
        label="Ask about time away from the computer"
        checked={settings.idle.enabled}
        busy={busy}
        blocked={blocked}
        onChange={(enabled) => save({ enabled })}
      />
      <CommitField
        key={settings.idle.thresholdMinutes}
        id={`${id}-threshold`}
        label="When away for at least"
        saved={String(settings.idle.thresholdMinutes)}
        suffix="min"
        size="number"
        inputMode="numeric"
        coreError={fieldMessage(error, 'thresholdMinutes')}
        busy={busy}
        blocked={blocked}
        check={minutesCheck(1, 240)}
        onCommit={(v) => save({ thresholdMinutes: Number(v) })}
      />
      {idleSource.note && (
        <p className="hint" id={noteId} data-testid="idle-note">
          {idleSource.note}
        </p>
      )}
      {groupError(error, ['thresholdMinutes']) && (
        <p className="error" role="alert">
          {groupError(error, ['thresholdMinutes'])}
        </p>
      )}
    </section>
  );
}

function RemindersSection(props: { saved: ReminderSettings; commands: Commands; update: Update }) {
  const { saved, commands, update } = props;
  const id = useId();
  const key = 'settings:reminders';
  const error = failureOf(commands, key);
  const blocked = commands.pending !== null;
  const busy = commands.pending === key;
  const save = (patch: SettingsPatch['reminders']) =>
    update(key, { reminders: patch }, 'Reminders saved');
  const weekdaysError = fieldMessage(error, 'weekdays');
  const clockCheck = (text: string) => {
    const value = normaliseClockTime(text);
    return value
      ? ({ ok: true, value } as const)
      : ({ ok: false, message: 'Use a 24-hour time such as 09:00.' } as const);
  };
  const fields = ['afterMinutes', 'weekdays', 'from', 'to', 'enabled'];
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        Reminders
      </h2>
      <Check
        id={`${id}-enabled`}
        label="Remind me when no timer runs"
        checked={saved.enabled}
        busy={busy}
        blocked={blocked}
        onChange={(enabled) => save({ enabled })}
      />
      <CommitField
        key={`after-${saved.afterMinutes}`}
        id={`${id}-after`}
        label="After"
        saved={String(saved.afterMinutes)}
        suffix="min without a timer"
        size="number"
        inputMode="numeric"
        coreError={fieldMessage(error, 'afterMinutes')}
        busy={busy}
        blocked={blocked}
        check={minutesCheck(1, 480)}
        onCommit={(v) => save({ afterMinutes: Number(v) })}
      />
      <div className="field">
        <span className="label" id={`${id}-days`}>
          On
        </span>
        <div
          className="weekdays"
          role="group"
          aria-labelledby={`${id}-days`}
          aria-describedby={weekdaysError ? `${id}-days-error` : undefined}
        >
          {WEEKDAYS.map(({ day, short, name }) => {
            const on = saved.weekdays.includes(day);
            return (
              <button
                key={day}
                type="button"
                className="weekday"
                aria-pressed={on}
                aria-label={name}
                title={name}
                aria-disabled={blocked || undefined}
                onClick={() => {
                  if (blocked) return;
                  const next = on
                    ? saved.weekdays.filter((d) => d !== day)
                    : [...saved.weekdays, day];
                  void save({ weekdays: next });
                }}
              >
                {short}
              </button>
            );
          })}
        </div>
        {weekdaysError && (
          <p className="error" id={`${id}-days-error`} role="alert">
            {weekdaysError}
          </p>
        )}
      </div>
      <div className="hours">
        <CommitField
          key={`from-${saved.from}`}
          id={`${id}-from`}
          label="From"
          saved={saved.from}
          size="time"
          inputMode="text"
          coreError={fieldMessage(error, 'reminders.from')}
          busy={busy}
          blocked={blocked}
          check={clockCheck}
          onCommit={(v) => save({ from: String(v) })}
        />
        <CommitField
          key={`to-${saved.to}`}
          id={`${id}-to`}
          label="To"
          saved={saved.to}
          size="time"
          inputMode="text"
          coreError={fieldMessage(error, 'reminders.to')}
          busy={busy}
          blocked={blocked}
          check={clockCheck}
          onCommit={(v) => save({ to: String(v) })}
        />
      </div>
      {groupError(error, fields) && (
        <p className="error" role="alert">
          {groupError(error, fields)}
        </p>
      )}
    </section>
  );
}

function PomodoroSection(props: { saved: PomodoroSettings; commands: Commands; update: Update }) {
  const { saved, commands, update } = props;
  const id = useId();
  const key = 'settings:pomodoro';
  const error = failureOf(commands, key);
  const blocked = commands.pending !== null;
  const busy = commands.pending === key;
  const save = (patch: SettingsPatch['pomodoro']) =>
    update(key, { pomodoro: patch }, 'Pomodoro saved');
  const lengths = [
    ['workMinutes', 'Focus', 180],
    ['shortBreakMinutes', 'Short break', 60],
    ['longBreakMinutes', 'Long break', 120],
  ] as const;
  const fields = [...lengths.map(([f]) => f), 'longBreakEvery'];
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        Pomodoro
      </h2>
      <Check
        id={`${id}-enabled`}
        label="Work in focus rounds with breaks"
        checked={saved.enabled}
        busy={busy}
        blocked={blocked}
        onChange={(enabled) => save({ enabled })}
      />
      {lengths.map(([field, label, max]) => (
        <CommitField
          key={`${field}-${saved[field]}`}
          id={`${id}-${field}`}
          label={label}
          saved={String(saved[field])}
          suffix="min"
          size="number"
          inputMode="numeric"
          coreError={fieldMessage(error, field)}
          busy={busy}
          blocked={blocked}
          check={minutesCheck(1, max)}
          onCommit={(v) => save({ [field]: Number(v) })}
        />
      ))}
      <CommitField
        key={`every-${saved.longBreakEvery}`}
        id={`${id}-every`}
        label="Long break after"
        saved={String(saved.longBreakEvery)}
        suffix="rounds"
        size="number"
        inputMode="numeric"
        coreError={fieldMessage(error, 'longBreakEvery')}
        busy={busy}
        blocked={blocked}
        check={(text) => checkWholeNumber(text, 2, 12, 'rounds')}
        onCommit={(v) => save({ longBreakEvery: Number(v) })}
      />
      <Check
        id={`${id}-stop`}
        label="Stop the timer during breaks"
        checked={saved.stopDuringBreaks}
        busy={busy}
        blocked={blocked}
        onChange={(stopDuringBreaks) => save({ stopDuringBreaks })}
      />
      {groupError(error, fields) && (
        <p className="error" role="alert">
          {groupError(error, fields)}
        </p>
      )}
    </section>
  );
}

function StartupSection(props: {
  settings: SettingsView;
  loginNotice: Notice | null;
  commands: Commands;
  update: Update;
}) {
  const { settings, loginNotice, commands, update } = props;
  const id = useId();
  const blocked = commands.pending !== null;
  const loginError = failureOf(commands, 'settings:launchAtLogin');
  const notifyError = failureOf(commands, 'settings:notifications');
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="section-title">
        Startup and notifications
      </h2>
      <Check
        id={`${id}-login`}
        label="Launch Tray Timer at login"
        checked={settings.launchAtLogin}
        busy={commands.pending === 'settings:launchAtLogin'}
        blocked={blocked}
        describedBy={loginNotice ? `${id}-login-notice` : undefined}
        onChange={(launchAtLogin) =>
          update(
            'settings:launchAtLogin',
            { launchAtLogin },
            launchAtLogin ? 'Tray Timer will start at login' : 'Tray Timer will not start at login',
          )
        }
      />
      {loginError && (
        <p className="error" role="alert">
          {loginError.message}
        </p>
      )}
      {loginNotice && (
        <p
          className={loginNotice.level === 'info' ? 'hint' : 'error'}
          id={`${id}-login-notice`}
          data-testid="login-notice"
        >
          {loginNotice.message}
        </p>
      )}
      <Check
        id={`${id}-notify`}
        label="Show desktop notifications"
        checked={settings.notifications}
        busy={commands.pending === 'settings:notifications'}
        blocked={blocked}
        describedBy={`${id}-dnd`}
        onChange={(notifications) =>
          update(
            'settings:notifications',
            { notifications },
            notifications ? 'Notifications on' : 'Notifications off',
          )
        }
      />
      <p className="hint" id={`${id}-dnd`}>
        Your system’s do-not-disturb still applies.
      </p>
      {notifyError && (
        <p className="error" role="alert">
          {notifyError.message}
        </p>
      )}
    </section>
  );
}
