import { useId, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type {
  AccountState,
  AddAccountInput,
  HotkeyAction,
  IdleSource,
  Hotkeys,
  Notice,
  SettingsPatch,
  SettingsView,
} from '../../preload/contract';
import { HOTKEY_ACTIONS, HOTKEY_LABELS } from '../constants';
import { AccountsSection } from './AccountsSection';
import { FormSubmit } from './FormSubmit';
import { PresencePreferences } from './PresencePreferences';
import type { ConnectTarget, Replacing } from './ConnectAccountForm';
import { recordKey } from '../accelerator';
import type { Commands } from '../hooks/useCommands';
import { failureOf, isField } from '../hooks/useCommands';

interface Props {
  accounts: AccountState[];
  notices: Notice[];
  /** How idle time is measured here (its note is said under Idle detection). */
  idleSource: IdleSource;
  settings: SettingsView | null;
  settingsError: string | null;
  commands: Commands;
  update(key: string, patch: SettingsPatch, done: string): Promise<boolean>;
  connectFor: ConnectTarget | null;
  onAddAccount(input: AddAccountInput, replacing: Replacing | null): Promise<string | null>;
  onRemoveAccount(accountId: string): Promise<boolean>;
}

const isMac = /Mac|iPhone|iPad/.test(navigator.userAgent);

export function PreferencesView(props: Props) {
  const { accounts, notices, idleSource, settings, settingsError, commands, update } = props;
  const { connectFor, onAddAccount, onRemoveAccount } = props;
  const blocked = commands.pending !== null;
  return (
    <div className="preferences">
      {settingsError && (
        <p className="notice error" role="alert">
          {settingsError}
        </p>
      )}
      <AccountsSection
        accounts={accounts}
        summaries={settings?.accounts ?? []}
        commands={commands}
        connectFor={connectFor}
        update={update}
        onAddAccount={onAddAccount}
        onRemoveAccount={onRemoveAccount}
      />
      {settings && (
        <PresencePreferences
          settings={settings}
          idleSource={idleSource}
          notices={notices}
          commands={commands}
          update={update}
        />
      )}
      {settings && (
        <HotkeysForm
          // A new saved value resets the draft.
          key={HOTKEY_ACTIONS.map((a) => settings.hotkeys[a]).join('\n')}
          saved={settings.hotkeys}
          notices={notices}
          commands={commands}
          update={update}
        />
      )}
      {settings && (
        <section className="card" aria-labelledby="appearance-heading">
          <h2 id="appearance-heading" className="section-title">
            Appearance
          </h2>
          <div className="field inline">
            <label htmlFor="theme">Theme</label>
            <select
              id="theme"
              value={settings.theme}
              aria-busy={commands.pending === 'settings:theme' || undefined}
              onChange={(e) => {
                const theme = e.target.value;
                if (blocked) return;
                if (theme === 'system' || theme === 'light' || theme === 'dark') {
                  void update('settings:theme', { theme }, 'Theme saved');
                }
              }}
            >
              <option value="system">Same as the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </div>
          {failureOf(commands, 'settings:theme') && (
            <p className="error" role="alert">
              {failureOf(commands, 'settings:theme')?.message}
            </p>
          )}
        </section>
      )}
    </div>
  );
}

interface HotkeysProps {
  saved: Hotkeys;
  notices: Notice[];
  commands: Commands;
  update(key: string, patch: SettingsPatch, done: string): Promise<boolean>;
}

function HotkeysForm({ saved, notices, commands, update }: HotkeysProps) {
  const id = useId();
  const [draft, setDraft] = useState<Hotkeys>(saved);
  const [recording, setRecording] = useState<HotkeyAction | null>(null);
  const [held, setHeld] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const busy = commands.pending === 'settings:hotkeys';
  const blocked = commands.pending !== null;
  const error = failureOf(commands, 'settings:hotkeys');

  const onKeyDown = (action: HotkeyAction, event: KeyboardEvent<HTMLInputElement>) => {
    if (recording !== action) return;
    if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) {
      setRecording(null); // Tab keeps moving focus: never trap the keyboard.
      return;
    }
    event.preventDefault(); // also keeps Esc from closing the popup while recording
    const result = recordKey(event, isMac);
    switch (result.kind) {
      case 'done':
        setDraft((d) => ({ ...d, [action]: result.accelerator }));
        setRecording(null);
        setHint(null);
        break;
      case 'partial':
        setHeld(result.modifiers);
        setHint(result.modifiers ? null : 'Hold at least one modifier (Ctrl, Alt, Shift…).');
        break;
      case 'cancel':
        setRecording(null);
        setHint(null);
        break;
      case 'clear':
        setDraft((d) => ({ ...d, [action]: '' }));
        setRecording(null);
        setHint(null);
        break;
      case 'unsupported':
        setHint(`“${result.key}” cannot be used in a shortcut.`);
        break;
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (blocked) return;
    setRecording(null);
    void update('settings:hotkeys', { hotkeys: draft }, 'Shortcuts saved');
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-heading`} noValidate>
      <h2 id={`${id}-heading`} className="section-title">
        Keyboard shortcuts
      </h2>
      {HOTKEY_ACTIONS.map((action) => {
        const fieldError = isField(error, action) ? error : null;
        const notice = notices.find((n) => n.topic === `hotkey:${action}`);
        const isRecording = recording === action;
        const inputId = `${id}-${action}`;
        const described = [
          fieldError && `${inputId}-error`,
          notice && `${inputId}-notice`,
          isRecording && `${id}-recording`,
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <div className="field" key={action}>
            <div className="row between">
              <label htmlFor={inputId}>{HOTKEY_LABELS[action]}</label>
              <button
                type="button"
                className="button small"
                aria-pressed={isRecording}
                aria-label={`${isRecording ? 'Cancel recording' : 'Record'}: ${HOTKEY_LABELS[action]}`}
                onClick={() => {
                  if (isRecording) {
                    setRecording(null);
                    return;
                  }
                  setHeld('');
                  setHint(null);
                  setRecording(action);
                  // Keys go to the field; the button keeps its place in the Tab order.
                  document.getElementById(inputId)?.focus();
                }}
              >
                {isRecording ? 'Cancel' : 'Record'}
              </button>
            </div>
            <input
              id={inputId}
              name={action}
              type="text"
              className={isRecording ? 'accelerator recording' : 'accelerator'}
              autoComplete="off"
              spellCheck={false}
              value={isRecording ? held : draft[action]}
              placeholder={isRecording ? 'Press the new shortcut…' : 'Disabled'}
              readOnly={isRecording}
              onChange={(e) => setDraft((d) => ({ ...d, [action]: e.target.value }))}
              onKeyDown={(e) => onKeyDown(action, e)}
              onBlur={() => isRecording && setRecording(null)}
              aria-invalid={fieldError || notice ? true : undefined}
              aria-describedby={described || undefined}
            />
            {isRecording && (
              <p className="hint" id={`${id}-recording`} role="status">
                {hint ?? 'Press the keys together. Esc cancels, Backspace disables the shortcut.'}
              </p>
            )}
            {fieldError && (
              <p className="error" id={`${inputId}-error`} role="alert">
                {fieldError.message}
              </p>
            )}
            {notice && (
              <p className="error" id={`${inputId}-notice`} role="alert">
                {notice.message}
              </p>
            )}
          </div>
        );
      })}
      {error && !HOTKEY_ACTIONS.some((a) => isField(error, a)) && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <FormSubmit label="Save shortcuts" busyLabel="Saving…" busy={busy} blocked={blocked} />
    </form>
  );
}
