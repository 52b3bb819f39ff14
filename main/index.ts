/**
 * Electron entry: wiring only. The behaviour lives in main/shell (tested against a fake electron)
 * and in the core (tested in plain Node).
 */
import os from 'node:os';
import path from 'node:path';
import { app, dialog, globalShortcut } from 'electron';
import { ControlServerError, startControlServer } from './control/socket-server';
import type { ControlServer } from './control/socket-server';
import type { Core } from './core/core';
import { openCore } from './core/open-core';
import { createSecretStore } from './secrets/create-secret-store';
import { appPaths } from './shell/app-paths';
import { electronStoreBackend } from './shell/electron-store-backend';
import { registerHotkeys } from './shell/hotkeys';
import type { HotkeysHandle } from './shell/hotkeys';
import { registerIpc } from './shell/ipc';
import { watchLaunchAtLogin } from './shell/login-item';
import { createNotifier } from './shell/notifier';
import type { Notifier } from './shell/notifier';
import { createPopup } from './shell/popup-window';
import { watchPopupVisibility, watchPower } from './shell/power';
import { createPresenceSource } from './shell/presence-source';
import { createScreenLockFeed } from './shell/screen-lock';
import { registerAppScheme, serveAppScheme } from './shell/protocol';
import { createActionRunner } from './shell/run-action';
import { setUpSecurity } from './shell/security';
import { applyTheme } from './shell/theme';
import { createTray } from './shell/tray';
import type { TrayHandle } from './shell/tray';
import { resolveDataDir, controlSocketPath, controlTokenPath } from './storage/data-dir';

const dataDir = resolveDataDir(process.env, process.platform, os.homedir());
// Before ready: Chromium puts its own files under userData; keep them in a subfolder of ours.
app.setPath('userData', dataDir);
app.setPath('sessionData', path.join(dataDir, 'chromium'));
registerAppScheme();

const paths = appPaths({
  appRoot: app.getAppPath(),
  isPackaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
  devRendererUrl: process.env.ELECTRON_RENDERER_URL,
});

let core: Core | null = null;
let tray: TrayHandle | null = null;
let hotkeys: HotkeysHandle | null = null;
let control: ControlServer | null = null;
const stops: (() => void)[] = [];
let showPopup: (() => void) | null = null;
let notifier: Notifier | null = null;

async function start(): Promise<void> {
  app.dock?.hide();
  setUpSecurity({ allowedOrigins: paths.allowedOrigins });
  serveAppScheme(paths.rendererDir);

  const secrets = await createSecretStore();
  // The core may notify as soon as it opens (an away prompt after a night asleep), before the
  // popup exists: a click then opens the popup once it does.
  notifier = createNotifier({
    showPopup: () => showPopup?.(),
    ...(process.platform === 'linux'
      ? { icon: path.join(paths.trayIconDir, 'tray-idle@2x.png') }
      : {}),
  });
  // Electron reports no screen lock on Linux: there the desktop's screensaver on D-Bus does.
  // Started before the core, whose PresenceSource asks it whether locks are heard.
  const screenLock = createScreenLockFeed({
    platform: process.platform,
    log: (message) => console.warn(`Tray Timer: ${message}`),
  });
  stops.push(() => screenLock.dispose());
  const opened = await openCore({
    dataDir,
    secrets: secrets.store,
    settingsBackend: electronStoreBackend,
    mode: 'app',
    presence: createPresenceSource({ locksKnown: () => screenLock.locksKnown }),
    notify: (notification) => notifier?.notify(notification),
  });
  core = opened;
  screenLock.attach(opened);
  if (secrets.status.reason) {
    opened.setNotice({
      id: 'secrets:session',
      level: 'warning',
      topic: 'secrets',
      message: secrets.status.reason,
    });
  }

  const popup = createPopup({
    preloadPath: paths.preload,
    url: paths.popupUrl,
    trayBounds: () => tray?.tray.getBounds() ?? null,
    platform: process.platform,
  });
  showPopup = () => popup.show('timer');
  const run = createActionRunner({ core: opened, showPopup });
  stops.push(
    registerIpc({
      core: opened,
      popupContents: () => (popup.window.isDestroyed() ? null : popup.window.webContents),
      allowedOrigins: paths.allowedOrigins,
      hidePopup: () => popup.hide(),
    }),
    watchPopupVisibility(popup.window, opened),
    watchPower(opened, { sessionWindow: popup.window }),
    applyTheme(opened),
    watchLaunchAtLogin({ core: opened, platform: process.platform, isPackaged: app.isPackaged }),
  );
  tray = createTray({
    core: opened,
    popup,
    run,
    iconPath: (file) => path.join(paths.trayIconDir, file),
    platform: process.platform,
    quit: () => app.quit(),
  });
  hotkeys = registerHotkeys({ core: opened, popup, run });
  try {
    control = await startControlServer({
      core: opened,
      socketPath: controlSocketPath(dataDir),
      tokenFile: controlTokenPath(dataDir),
    });
  } catch (error) {
    // Another Tray Timer serving this data folder is fatal (two writers); a socket path the OS
    // cannot hold (too long) only costs the CLI its link to the app: say so and keep running.
    if (!(error instanceof ControlServerError) || error.reason !== 'unsafe-path') throw error;
    opened.setNotice({
      id: 'control-socket',
      level: 'warning',
      topic: 'cli',
      message: `The tray-timer command cannot reach the app (${error.message}); it will work on its own.`,
    });
  }
}

/** Closes what start() opened, newest first. Safe to call with a half-started app. */
async function shutdown(): Promise<void> {
  hotkeys?.dispose();
  tray?.dispose();
  for (const stop of stops.splice(0).reverse()) stop();
  notifier?.dispose();
  await control
    ?.close()
    .catch((error: unknown) =>
      console.error('Tray Timer: closing the control socket failed:', error),
    );
  await core
    ?.close()
    .catch((error: unknown) => console.error('Tray Timer: closing the core failed:', error));
}

let shutDown = false;
app.on('before-quit', (event) => {
  if (shutDown) return;
  event.preventDefault();
  void shutdown().finally(() => {
    shutDown = true;
    app.quit();
  });
});
// Whatever happened above, never leave a global shortcut held by a process that is gone.
app.on('will-quit', () => globalShortcut.unregisterAll());
// A tray app keeps running with no window open.
app.on('window-all-closed', () => undefined);

if (!app.requestSingleInstanceLock()) {
  // Another Tray Timer runs: it got our 'second-instance' and shows its popup.
  app.quit();
} else {
  app.on('second-instance', () => showPopup?.());
  app
    .whenReady()
    .then(start)
    .catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('Tray Timer could not start', `${message}\n\nData folder: ${dataDir}`);
      await shutdown();
      shutDown = true;
      app.exit(1);
    });
}
