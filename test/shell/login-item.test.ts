/**
 * Launch at login follows settings.launchAtLogin: the real core (its default, settings.update)
 * driving the fake electron's login items on macOS/Windows and real autostart files on Linux.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { app, resetFake } = await import('../fakes/electron');
const { watchLaunchAtLogin, LOGIN_ITEM_NOTICE_ID } = await import('../../main/shell/login-item');
const { openTestCore, run } = await import('./harness');

let t: TestCore;
let stop: (() => void) | undefined;
let root: string;

beforeEach(async () => {
  resetFake();
  t = await openTestCore();
  root = mkdtempSync(path.join(tmpdir(), 'tray-timer-login-'));
});
afterEach(async () => {
  stop?.();
  stop = undefined;
  await t.close();
  rmSync(root, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const notice = () => t.core.snapshot().notices.find((n) => n.id === LOGIN_ITEM_NOTICE_ID);
const setLaunchAtLogin = (on: boolean) =>
  run(t.core, { type: 'settings.update', input: { launchAtLogin: on } });

describe('macOS', () => {
  const start = () =>
    (stop = watchLaunchAtLogin({ core: t.core, platform: 'darwin', isPackaged: true }));

  it('on by default: registers the app, with nothing but openAtLogin', () => {
    expect(t.core.settings().launchAtLogin).toBe(true);
    start();
    expect(app.loginItemCalls).toEqual([{ openAtLogin: true }]);
    expect(notice()).toBeUndefined();
  });

  it('follows the setting: off unregisters, on registers again; other changes do nothing', async () => {
    start();
    await setLaunchAtLogin(false);
    await run(t.core, { type: 'settings.update', input: { theme: 'dark' } });
    await setLaunchAtLogin(true);
    expect(app.loginItemCalls).toEqual([
      { openAtLogin: true },
      { openAtLogin: false },
      { openAtLogin: true },
    ]);
  });

  it('already registered: not registered again (macOS 13+ would notify the user each time)', () => {
    app.loginItem = { openAtLogin: true, status: 'enabled' };
    start();
    expect(app.loginItemCalls).toEqual([]);
  });

  it('waiting for approval in System Settings: a notice says where', () => {
    app.loginItemNeedsApproval = true;
    start();
    expect(notice()).toMatchObject({
      level: 'warning',
      topic: 'launchAtLogin',
      message: expect.stringContaining('System Settings → General → Login Items'),
    });
  });

  it('a refusal becomes a notice, not a crash; it clears once the setting applies', async () => {
    app.loginItemError = new Error('Operation not permitted');
    start();
    expect(notice()?.message).toBe(
      'Launch at login could not be turned on: Operation not permitted',
    );
    app.loginItemError = null;
    await setLaunchAtLogin(false);
    expect(notice()).toBeUndefined();
  });
});

describe('Windows', () => {
  it('registers this executable, compares with the same path, follows the setting', async () => {
    const query = vi.spyOn(app, 'getLoginItemSettings');
    stop = watchLaunchAtLogin({
      core: t.core,
      platform: 'win32',
      isPackaged: true,
      execPath: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Tray Timer\\Tray Timer.exe',
    });
    const exe = {
      path: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Tray Timer\\Tray Timer.exe',
      args: [],
    };
    expect(query).toHaveBeenCalledWith(exe);
    expect(app.loginItemCalls).toEqual([{ openAtLogin: true, ...exe }]);
    await setLaunchAtLogin(false);
    expect(app.loginItemCalls.at(-1)).toEqual({ openAtLogin: false, ...exe });
  });
});

describe('Linux', () => {
  const file = () => path.join(root, 'config', 'autostart', 'tray-timer.desktop');
  const start = () =>
    (stop = watchLaunchAtLogin({
      core: t.core,
      platform: 'linux',
      isPackaged: true,
      autostart: {
        env: { XDG_CONFIG_HOME: path.join(root, 'config') },
        homeDir: path.join(root, 'home'),
        execPath: '/opt/Tray Timer/tray-timer',
      },
    }));

  it('writes the autostart entry at start-up, removes it when turned off, writes it back on', async () => {
    start();
    expect(readFileSync(file(), 'utf8')).toContain('\nExec="/opt/Tray Timer/tray-timer"\n');
    await setLaunchAtLogin(false);
    expect(existsSync(file())).toBe(false);
    await setLaunchAtLogin(true);
    expect(existsSync(file())).toBe(true);
    expect(app.loginItemCalls).toEqual([]);
  });

  it('a config folder it cannot write: a notice with the reason, the app goes on', async () => {
    writeFileSync(path.join(root, 'config'), 'a file, not a folder');
    start();
    expect(notice()).toMatchObject({ level: 'warning', topic: 'launchAtLogin' });
    expect(notice()?.message).toMatch(/^Launch at login could not be turned on\. Could not /);
    expect(notice()?.message).toContain(path.join(root, 'config'));
    // Turning it off needs nothing written: the notice goes.
    await setLaunchAtLogin(false);
    expect(notice()).toBeUndefined();
  });

  it("off, with someone else's tray-timer.desktop there: left alone, and the user is told", async () => {
    start();
    writeFileSync(file(), '[Desktop Entry]\nType=Application\nName=Mine\nExec=tray-timer\n');
    await setLaunchAtLogin(false);
    expect(readFileSync(file(), 'utf8')).toContain('Name=Mine');
    expect(notice()?.message).toBe(
      `Tray Timer still starts at login because of ${file()}, which Tray Timer did not create. Remove that file to stop it.`,
    );
  });
});

describe('development builds', () => {
  it.each(['darwin', 'win32', 'linux'] as const)(
    '%s: nothing registered or removed, whatever the setting',
    async (platform) => {
      const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
      app.loginItem = { openAtLogin: true, status: 'enabled' };
      stop = watchLaunchAtLogin({
        core: t.core,
        platform,
        isPackaged: false,
        autostart: {
          env: { XDG_CONFIG_HOME: path.join(root, 'config') },
          homeDir: root,
          execPath: '/repo/node_modules/electron/dist/electron',
        },
      });
      await setLaunchAtLogin(false);
      await setLaunchAtLogin(true);
      expect(app.loginItemCalls).toEqual([]);
      expect(existsSync(path.join(root, 'config'))).toBe(false);
      expect(info).toHaveBeenCalledWith(
        'Tray Timer: launch at login is not applied in development builds.',
      );
    },
  );
});
