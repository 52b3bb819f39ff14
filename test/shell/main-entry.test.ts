/**
 * main/index.ts run for real against the fake electron: the real core, the real control socket,
 * the real shell modules. Only the secret store is replaced (a session store), so running the
 * tests never writes into the developer's keychain (and, see below, electron-store by conf when
 * Vitest cannot hand it the fake electron). What this cannot show: that Electron itself
 * starts, draws the tray and loads the page (no Electron binary here).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FakeElectron from '../fakes/electron';
import type { CoreOptions } from '../../main/core/core';
import type * as OpenCoreModule from '../../main/core/open-core';

vi.mock('electron', () => import('../fakes/electron'));
// The real openCore, with the options main/index.ts gave it kept for the wiring tests below.
const opened = vi.hoisted(() => [] as CoreOptions[]);
vi.mock('../../main/core/open-core', async (importOriginal) => {
  const real = await importOriginal<typeof OpenCoreModule>();
  return {
    ...real,
    openCore: (options: CoreOptions) => {
      opened.push(options);
      return real.openCore(options);
    },
  };
});
vi.mock('../../main/secrets/create-secret-store', async () => {
  const { MemorySecretStore } = await import('../../main/secrets/memory-secret-store');
  return {
    createSecretStore: async () => ({
      store: new MemorySecretStore(),
      status: { kind: 'session', available: true },
    }),
  };
});

type Fake = typeof FakeElectron;

let dataDir: string;
const started: Fake[] = [];

/** A fresh process: new module registry, a just-started fake electron, then main/index.ts runs. */
async function launch(prepare: (electron: Fake) => void = () => undefined): Promise<Fake> {
  vi.resetModules();
  // What main/index.ts gets for 'electron' (the mock registry outlives resetModules).
  const electron = (await import('electron')) as unknown as Fake;
  electron.resetFake();
  electron.app.appPath = '/opt/tray-timer';
  prepare(electron);
  await import('../../main/index');
  started.push(electron);
  return electron;
}

async function quit(electron: Fake): Promise<void> {
  const event = electron.fakeEvent();
  electron.app.emit('before-quit', event);
  await vi.waitFor(() => expect(electron.app.quitCalls).toBeGreaterThan(0));
  electron.app.emit('before-quit', electron.fakeEvent());
  electron.app.emit('will-quit', electron.fakeEvent());
}

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tray-timer-main-'));
  vi.stubEnv('TRAY_TIMER_HOME', dataDir);
  // Whatever a test does, launch at login never writes into the real ~/.config.
  vi.stubEnv('XDG_CONFIG_HOME', path.join(dataDir, 'xdg-config'));
  opened.length = 0;
});

afterEach(async () => {
  for (const electron of started.splice(0)) {
    if (electron.app.quitCalls === 0 && electron.app.exitCode === null) await quit(electron);
  }
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('main/index.ts', () => {
  it('starts: data folder, app:// before ready, hardened popup, tray, IPC, shortcuts, control socket', async () => {
    const electron = await launch();
    const { app, fake, globalShortcut, ipcMain, protocol, session } = electron;
    await vi.waitFor(() => expect(existsSync(path.join(dataDir, 'control.sock'))).toBe(true));

    expect(app.paths.get('userData')).toBe(dataDir);
    expect(protocol.privileged.map((s) => s.scheme)).toEqual(['app']);
    expect(protocol.isProtocolHandled('app')).toBe(true);
    expect(session.defaultSession.checkPermission('media', 'app://tray-timer')).toBe(false);

    expect(fake.window.options.webPreferences?.preload).toBe(
      '/opt/tray-timer/out/preload/index.cjs',
    );
    expect(fake.window.loadedUrls).toEqual(['app://tray-timer/index.html']);
    expect(fake.window.webContents.tryNavigate('https://evil.example/')).toBe(false);

    expect(fake.tray.image).toBe('/opt/tray-timer/assets/tray/tray-idle.png');
    expect(fake.tray.tooltip).toMatch(/^Not tracking/);
    expect([...ipcMain.handlers.keys()]).toEqual(['tray-timer:command']);
    expect(globalShortcut.registered.size).toBe(2);

    // The socket answers with the same core the tray shows — to a client holding the control
    // token the app wrote to the data folder, and only to such a client.
    const { sendControlCommand } = await import('../../main/control/socket-client');
    const refused = await sendControlCommand(
      path.join(dataDir, 'control.sock'),
      { type: 'start', input: { description: 'No token' } },
      { timeoutMs: 5_000 },
    );
    expect(refused.kind === 'answered' && !refused.result.ok && refused.result.error.kind).toBe(
      'auth',
    );
    const answer = await sendControlCommand(
      path.join(dataDir, 'control.sock'),
      { type: 'start', input: { description: 'From the CLI' } },
      { timeoutMs: 5_000, tokenFile: path.join(dataDir, 'control.token') },
    );
    expect(answer.kind === 'answered' && answer.result.ok).toBe(true);
    await vi.waitFor(() => expect(fake.tray.tooltip).toMatch(/^▶ 0:00 From the CLI/));
  });

  it('a second launch shows the popup of the first', async () => {
    const electron = await launch();
    await vi.waitFor(() => expect(electron.fake.trays).toHaveLength(1));
    electron.app.emit('second-instance', electron.fakeEvent(), [], '/');
    expect(electron.fake.window.visible).toBe(true);
  });

  it('quitting closes the socket, releases the shortcuts and removes the tray', async () => {
    const electron = await launch();
    const socket = path.join(dataDir, 'control.sock');
    await vi.waitFor(() => expect(existsSync(socket)).toBe(true));
    const event = electron.fakeEvent();
    electron.app.emit('before-quit', event);
    expect(event.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(electron.app.quitCalls).toBe(1));
    expect(existsSync(socket)).toBe(false);
    expect(electron.globalShortcut.registered.size).toBe(0);
    expect(electron.fake.tray.destroyed).toBe(true);
    // The second before-quit (from that app.quit()) goes through.
    const again = electron.fakeEvent();
    electron.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('without the single-instance lock it quits at once and touches nothing', async () => {
    const electron = await launch((e) => {
      e.app.singleInstanceLock = false;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.fake.trays).toHaveLength(0);
    expect(electron.fake.windows).toHaveLength(0);
  });

  it('a data folder that cannot be opened: an error dialog, then a clean exit', async () => {
    rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(dataDir, 'not a folder');
    const electron = await launch();
    await vi.waitFor(() => expect(electron.app.exitCode).toBe(1));
    expect(electron.dialog.errorBoxes).toHaveLength(1);
    expect(electron.dialog.errorBoxes[0]?.title).toBe('Tray Timer could not start');
    expect(electron.dialog.errorBoxes[0]?.content).toContain(dataDir);
    rmSync(dataDir, { force: true });
  });

  it('a control socket already served (another Tray Timer on this data folder): dialog and exit', async () => {
    const { openTestCore } = await import('./harness');
    const { startControlServer } = await import('../../main/control/socket-server');
    const other = await openTestCore({ dataDir });
    const server = await startControlServer({
      core: other.core,
      socketPath: path.join(dataDir, 'control.sock'),
    });
    try {
      const electron = await launch();
      await vi.waitFor(() => expect(electron.app.exitCode).toBe(1));
      expect(electron.dialog.errorBoxes[0]?.content).toMatch(/already|running|in use/i);
      expect(electron.globalShortcut.registered.size).toBe(0);
      expect(electron.fake.tray.destroyed).toBe(true);
    } finally {
      await server.close();
      await other.close();
    }
  });
  it('gives the core the presence source and the notifier; a notification click opens the popup', async () => {
    vi.stubEnv('XDG_SESSION_TYPE', 'wayland');
    const electron = await launch();
    await vi.waitFor(() => expect(electron.fake.trays).toHaveLength(1));
    const options = opened.at(-1);
    expect(options?.presence?.session).toBe(process.platform === 'linux' ? 'wayland' : 'other');
    electron.powerMonitor.idleSeconds = 420;
    expect(options?.presence?.idleSeconds()).toBe(420);

    options?.notify?.({ id: 'away', title: 'You were away', body: '10:42–11:57 (1 h 15 min)' });
    expect(electron.fake.notifications.map((n) => [n.title, n.shown, n.silent])).toEqual([
      ['You were away', true, true],
    ]);
    expect(electron.fake.window.visible).toBe(false);
    electron.fake.notifications[0]?.click();
    expect(electron.fake.window.visible).toBe(true);
  });

  it("forwards the session's end: powerMonitor 'shutdown', and the popup window's 'session-end'", async () => {
    const electron = await launch();
    await vi.waitFor(() => expect(electron.fake.trays).toHaveLength(1));
    expect(electron.powerMonitor.listenerCount('shutdown')).toBe(1);
    expect(electron.fake.window.listenerCount('session-end')).toBe(1);
    await quit(electron);
    expect(electron.powerMonitor.listenerCount('shutdown')).toBe(0);
    expect(electron.fake.window.listenerCount('session-end')).toBe(0);
  });

  it('development build: no login item, no autostart entry', async () => {
    const electron = await launch();
    await vi.waitFor(() => expect(electron.fake.trays).toHaveLength(1));
    expect(electron.app.loginItemCalls).toEqual([]);
    expect(existsSync(path.join(dataDir, 'xdg-config'))).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'packaged on Linux: the autostart entry starts the AppImage at login (on by default)',
    async () => {
      vi.stubEnv('APPIMAGE', '/home/ana/Applications/Tray Timer.AppImage');
      const resources = Object.getOwnPropertyDescriptor(process, 'resourcesPath');
      Object.defineProperty(process, 'resourcesPath', {
        value: '/opt/tray-timer/resources',
        configurable: true,
      });
      try {
        const electron = await launch((e) => {
          e.app.isPackaged = true;
        });
        const entry = path.join(dataDir, 'xdg-config', 'autostart', 'tray-timer.desktop');
        await vi.waitFor(() => expect(existsSync(entry)).toBe(true));
        expect(readFileSync(entry, 'utf8')).toContain(
          '\nExec="/home/ana/Applications/Tray Timer.AppImage"\n',
        );
        expect(electron.app.loginItemCalls).toEqual([]);
      } finally {
        if (resources) Object.defineProperty(process, 'resourcesPath', resources);
        else delete (process as { resourcesPath?: string }).resourcesPath;
      }
    },
  );
});
