/**
 * The core's public face: what the Electron shell, the control socket and the CLI use. It never
 * imports electron; the shell feeds it popup visibility and power events.
 */
import type {
  Command,
  CommandResult,
  DesktopNotification,
  Notice,
  Settings,
  Snapshot,
} from '../../preload/contract';

/** powerMonitor's events; 'shutdown' is the OS ending the session (the app quits next). */
export type PowerEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'shutdown';

/** What the OS tells about the user's presence (the shell: Electron's powerMonitor). */
export interface PresenceSource {
  /** Seconds since the last keyboard or mouse input (powerMonitor.getSystemIdleTime()). */
  idleSeconds(): number;
  /**
   * The desktop session: on Wayland the idle time is known to read 0, so the idle detector
   * starts from lock and sleep events there instead of waiting to notice.
   */
  session: 'wayland' | 'x11' | 'other';
  /**
   * Whether screen lock and unlock reach the core (Electron reports them on macOS and Windows
   * only; on Linux the shell listens to the desktop's screensaver on D-Bus when it can).
   * Omitted: true. Preferences says so when time away can only come from sleep.
   */
  locksKnown?: boolean;
  /**
   * The machine's uptime in seconds, sleep included, which setting the wall clock does not move
   * (the shell gives os.uptime() on Linux only: main/shell/presence-source.ts says why). Lets
   * the idle detector tell a clock set forward from a sleep. Omitted: a wall-clock jump while a
   * timer runs is taken as a sleep.
   */
  uptimeSeconds?(): number;
}

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
  /**
   * The user's presence (idle time); the app samples it while idle detection or reminders are
   * on. Absent (CLI, tests that do not need it): only power events are used.
   */
  presence?: PresenceSource;
  /**
   * Shows a desktop notification (the shell: Electron's Notification; a click opens the popup).
   * Called only while `settings.notifications` is on.
   */
  notify?: (notification: DesktopNotification) => void;
}
