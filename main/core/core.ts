/**
 * The core's public face: what the Electron shell, the control socket and the CLI use. It never
 * imports electron; the shell feeds it popup visibility and power events.
 */
import type { Command, CommandResult, Notice, Settings, Snapshot } from '../../preload/contract';

export type PowerEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen';

export interface Core {
  /** The current snapshot (elapsed times computed now). */
  snapshot(): Snapshot;
  /** Called with every new snapshot; returns an unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
  /** The one entry point for actions: popup, tray menu, hotkeys, control socket and CLI. */
  execute(command: Command): Promise<CommandResult>;
  /** The popup is on screen: refresh stale data now, and keep data fresher while it shows. */
  setPopupVisible(visible: boolean): void;
  /** Sleep/lock stop background work; resume/unlock refresh. */
  power(event: PowerEvent): void;
  /** Shell-side problems the user must see (a hotkey that could not be registered…). */
  setNotice(notice: Notice): void;
  clearNotice(id: string): void;
  /** Current validated settings (the shell needs the hotkeys and theme). */
  settings(): Settings;
  /** Stops timers and flushes files. */
  close(): Promise<void>;
}

import type { SecretStore } from '../secrets/secret-store';
import type { SettingsBackendFactory } from '../storage/settings-backend';
import type { Clock } from './clock';
import type { JournalHooks } from '../journal/journal-store';

export interface CoreOptions {
  /** Settings, local entries, journal and the control socket live here (see data-dir.ts). */
  dataDir: string;
  secrets: SecretStore;
  /** electron-store in the app; a plain atomic JSON file elsewhere (the default). */
  settingsBackend?: SettingsBackendFactory;
  clock?: Clock;
  /**
   * 'app': the long-running process (schedules background refreshes and tooltip ticks).
   * 'oneshot': the CLI doing one command in-process: no timers, nothing left running.
   */
  mode: 'app' | 'oneshot';
  /** HTTP for remote providers; injectable for tests. */
  fetch?: typeof fetch;
  /** Told at each step of a journal action's life (crash tests stop the process there). */
  journalHooks?: JournalHooks;
}
