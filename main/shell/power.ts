/**
 * Feeds the core what only Electron knows: sleep/wake, screen lock, the session ending, and
 * whether the popup is on screen. The core uses them to stop background work while nobody can
 * look, to refresh stale data the moment someone can, and to measure time away.
 */
import { powerMonitor } from 'electron';
import type { BrowserWindow } from 'electron';
import type { Core, PowerEvent } from '../core/core';
import { reportLock } from './screen-lock';

/**
 * The end of the session (shutdown, restart, log out) is forwarded as 'shutdown', so the core
 * can write down when the machine was last alive and measure the next away span from there.
 *
 * Where each platform tells it (Electron 45's API docs, node_modules/electron/electron.d.ts):
 * - Linux and macOS: powerMonitor 'shutdown' ("Emitted when the system is about to reboot or shut
 *   down", @platform linux,darwin).
 * - Windows: powerMonitor 'shutdown' is never emitted, and neither is app 'before-quit' ("On
 *   Windows, this event will not be emitted if the app is closed due to a shutdown/restart of the
 *   system or a user logout"). What Windows has is a window's 'session-end' (WM_ENDSESSION:
 *   shutdown, restart or log off; "no way to prevent the session from ending"). It used to be
 *   unreliable (electron/electron#15880, #21093) until electron/electron#44598 reworked it
 *   for tray apps, so the popup window (always created, usually hidden) is handed in for it.
 *   'query-session-end' is not used: another app may still veto the shutdown after it.
 * Both are listened to on every platform; the one the platform does not have never fires.
 */
export function watchPower(
  core: Pick<Core, 'power'>,
  options: { sessionWindow?: Pick<BrowserWindow, 'on' | 'removeListener'> } = {},
): () => void {
  const on = (event: PowerEvent) => () => core.power(event);
  const suspend = on('suspend');
  const resume = on('resume');
  // Through reportLock, which the Linux D-Bus watcher also uses (main/shell/screen-lock.ts):
  // should both ever report one lock, the core hears it once. Electron emits these on macOS and
  // Windows only.
  const lock = () => reportLock(core, 'lock-screen');
  const unlock = () => reportLock(core, 'unlock-screen');
  const shutdown = on('shutdown');
  powerMonitor.on('suspend', suspend);
  powerMonitor.on('resume', resume);
  powerMonitor.on('lock-screen', lock);
  powerMonitor.on('unlock-screen', unlock);
  powerMonitor.on('shutdown', shutdown);
  const window = options.sessionWindow;
  window?.on('session-end', shutdown);
  return () => {
    powerMonitor.removeListener('suspend', suspend);
    powerMonitor.removeListener('resume', resume);
    powerMonitor.removeListener('lock-screen', lock);
    powerMonitor.removeListener('unlock-screen', unlock);
    powerMonitor.removeListener('shutdown', shutdown);
    window?.removeListener('session-end', shutdown);
  };
}

/** Tells the core when the popup shows and hides. Returns a function that stops listening. */
export function watchPopupVisibility(
  window: BrowserWindow,
  core: Pick<Core, 'setPopupVisible'>,
): () => void {
  const shown = () => core.setPopupVisible(true);
  const hidden = () => core.setPopupVisible(false);
  window.on('show', shown);
  window.on('hide', hidden);
  return () => {
    window.removeListener('show', shown);
    window.removeListener('hide', hidden);
  };
}
