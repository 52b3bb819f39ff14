/**
 * Launch at login, following settings.launchAtLogin (on by default): applied at start-up and
 * whenever the setting changes. A failure becomes a notice in the popup, never a crash.
 *
 * - macOS and Windows: Electron's app.setLoginItemSettings. Only `openAtLogin` (and on Windows
 *   the executable) is passed: `openAsHidden` is deprecated and ignored on macOS 13+ (SMAppService
 *   has no "hidden" flag) and not needed, since Tray Timer opens no window at start-up anyway.
 *   The OS is asked first (getLoginItemSettings) and set only when it differs: on macOS 13+ every
 *   registration posts a "Login item added" notification, and a Windows entry the user disabled
 *   in Task Manager stays disabled (openAtLogin stays true there; `enabled` would force it back).
 *   On macOS 13+ the user may have to approve the item in System Settings → General → Login
 *   Items (status 'requires-approval'): that is said in a notice.
 * - Linux: an XDG autostart entry (main/platform/autostart.ts).
 *
 * In development (not packaged) nothing is registered or removed: the login item would start
 * the bare Electron binary without the app, and removing could take away the entry of the
 * Tray Timer the developer has installed (same file name on Linux).
 */
import { app } from 'electron';
import os from 'node:os';
import type { Core } from '../core/core';
import { applyAutostart } from '../platform/autostart';
import type { AutostartOutcome, AutostartTarget } from '../platform/autostart';

export const LOGIN_ITEM_NOTICE_ID = 'shell:launch-at-login';

export interface LoginItemOptions {
  core: Pick<Core, 'settings' | 'subscribe' | 'setNotice' | 'clearNotice'>;
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** Linux: where the autostart entry goes and what it starts (defaults to this process). */
  autostart?: AutostartTarget;
  /** Windows: the executable to start (defaults to process.execPath). */
  execPath?: string;
}

/** Returns a function that stops following the setting. */
export function watchLaunchAtLogin(options: LoginItemOptions): () => void {
  const { core, platform } = options;
  if (!options.isPackaged) {
    console.info('Tray Timer: launch at login is not applied in development builds.');
    return () => undefined;
  }
  const apply = chooseApplier(options);
  if (!apply) return () => undefined;

  let applied: boolean | null = null;
  const sync = () => {
    const wanted = core.settings().launchAtLogin;
    if (wanted === applied) return;
    applied = wanted;
    const problem = apply(wanted);
    if (problem) {
      core.setNotice({
        id: LOGIN_ITEM_NOTICE_ID,
        level: 'warning',
        topic: 'launchAtLogin',
        message: problem,
      });
    } else {
      core.clearNotice(LOGIN_ITEM_NOTICE_ID);
    }
  };
  sync();
  // Every snapshot: one boolean compare, and work only when the setting changed.
  return core.subscribe(() => sync());

  function chooseApplier(o: LoginItemOptions): ((enabled: boolean) => string | null) | null {
    if (platform === 'linux') {
      const target = o.autostart ?? {
        env: process.env,
        homeDir: os.homedir(),
        execPath: process.execPath,
      };
      return (enabled) => linuxProblem(enabled, applyAutostart(enabled, target));
    }
    if (platform === 'darwin' || platform === 'win32') {
      const execPath = o.execPath ?? process.execPath;
      return (enabled) => electronLoginItem(platform, enabled, execPath);
    }
    return null;
  }
}

function linuxProblem(enabled: boolean, outcome: AutostartOutcome): string | null {
  switch (outcome.kind) {
    case 'failed':
      return `Launch at login could not be turned ${enabled ? 'on' : 'off'}. ${outcome.message}`;
    case 'foreign':
      // Someone else's entry: with the setting on it starts Tray Timer anyway; off, the user
      // must know why Tray Timer still starts.
      return enabled
        ? null
        : `Tray Timer still starts at login because of ${outcome.path}, which Tray Timer did not create. Remove that file to stop it.`;
    default:
      return null;
  }
}

function electronLoginItem(
  platform: 'darwin' | 'win32',
  enabled: boolean,
  execPath: string,
): string | null {
  // Windows compares the registry entry with the same path and args it was written with.
  const query = platform === 'win32' ? { path: execPath, args: [] } : {};
  try {
    const current = app.getLoginItemSettings(query);
    if (current.openAtLogin !== enabled) {
      app.setLoginItemSettings({ openAtLogin: enabled, ...query });
    }
    if (enabled && platform === 'darwin') {
      const after = app.getLoginItemSettings();
      if (after.status === 'requires-approval') {
        return 'To launch Tray Timer at login, allow it in System Settings → General → Login Items.';
      }
    }
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `Launch at login could not be turned ${enabled ? 'on' : 'off'}: ${message}`;
  }
}
