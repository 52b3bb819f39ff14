import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { app, fake, nativeTheme, powerMonitor, resetFake, screen } =
  await import('../fakes/electron');
const { createPopup, createPopupWindow } = await import('../../main/shell/popup-window');
const { watchPopupVisibility, watchPower } = await import('../../main/shell/power');
const { applyTheme } = await import('../../main/shell/theme');
const { appPaths } = await import('../../main/shell/app-paths');
const { POPUP_URL } = await import('../../main/shell/app-url');
const { IPC } = await import('../../preload/contract');
const { openTestCore, run } = await import('./harness');

const PRELOAD = '/opt/Tray Timer/resources/app.asar/out/preload/index.cjs';
let t: TestCore | undefined;

beforeEach(() => resetFake());
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('the one window factory', () => {
  it('writes the hardened webPreferences as literals, and nothing else', () => {
    createPopupWindow({ preloadPath: PRELOAD });
    const { webPreferences } = fake.window.options;
    expect(webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: PRELOAD,
      spellcheck: false,
    });
    // webSecurity is left at its (secure) default rather than set at all.
    expect(webPreferences).not.toHaveProperty('webSecurity');
  });

  it('is a small frameless always-on-top popup, hidden until asked, not in the taskbar', () => {
    createPopupWindow({ preloadPath: PRELOAD });
    expect(fake.window.options).toMatchObject({
      width: 360,
      height: 520,
      show: false,
      frame: false,
      resizable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
    });
  });

  it('paints a dark background in dark mode (no white flash)', () => {
    nativeTheme.shouldUseDarkColors = true;
    createPopupWindow({ preloadPath: PRELOAD });
    expect(fake.window.options.backgroundColor).toBe('#1c1c1f');
  });

  it('the source of main/shell creates windows only here', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync('main/shell').filter((f) => f.endsWith('.ts'));
    const creators = files.filter((f) =>
      /new BrowserWindow\(/.test(readFileSync(`main/shell/${f}`, 'utf8')),
    );
    expect(creators).toEqual(['popup-window.ts']);
    expect(readFileSync('main/index.ts', 'utf8')).not.toMatch(/new BrowserWindow\(/);
  });
});

describe('the popup controller', () => {
  const popupFor = (
    trayBounds: { x: number; y: number; width: number; height: number } | null,
    platform: NodeJS.Platform,
    now?: () => number,
  ) =>
    createPopup({
      preloadPath: PRELOAD,
      url: POPUP_URL,
      trayBounds: () => trayBounds,
      platform,
      ...(now ? { now } : {}),
    });

  it('loads app://tray-timer/index.html', () => {
    popupFor(null, 'linux');
    expect(fake.window.loadedUrls).toEqual(['app://tray-timer/index.html']);
  });

  it('Linux (no tray bounds): top-right corner of the display under the cursor; tells the page which view', () => {
    const popup = popupFor({ x: 0, y: 0, width: 0, height: 0 }, 'linux');
    popup.show('preferences');
    expect(fake.window.position).toEqual([1920 - 360 - 8, 32 + 8]);
    expect(fake.window.visible).toBe(true);
    expect(fake.window.focused).toBe(true);
    expect(fake.window.webContents.sent).toEqual([{ channel: IPC.shown, args: ['preferences'] }]);
  });

  it('Windows with tray bounds: above the icon', () => {
    screen.displays = [
      {
        id: 1,
        bounds: { x: 0, y: 0, width: 1920, height: 1080 },
        workArea: { x: 0, y: 0, width: 1920, height: 1040 },
        scaleFactor: 1,
      },
    ];
    const popup = popupFor({ x: 1700, y: 1045, width: 24, height: 30 }, 'win32');
    popup.show();
    expect(fake.window.position).toEqual([1712 - 180, 1045 - 520 - 8]);
  });

  it('hides when it loses focus; the tray click that caused the blur does not reopen it', () => {
    let now = 1_000;
    const popup = popupFor(null, 'win32', () => now);
    popup.show();
    fake.window.blur();
    expect(popup.isVisible()).toBe(false);
    now += 50;
    popup.toggle();
    expect(popup.isVisible()).toBe(false);
    now += 1_000;
    popup.toggle();
    expect(popup.isVisible()).toBe(true);
  });

  it('closing (Alt+F4) hides instead of destroying, except while quitting', () => {
    const popup = popupFor(null, 'linux');
    popup.show();
    const closing = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    fake.window.emit('close', closing);
    expect(closing.defaultPrevented).toBe(true);
    expect(popup.isVisible()).toBe(false);
    app.emit('before-quit', { preventDefault() {} });
    const quitting = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    fake.window.emit('close', quitting);
    expect(quitting.defaultPrevented).toBe(false);
  });
});

describe('what the shell tells the core', () => {
  it('popup visibility', async () => {
    t = await openTestCore();
    const setPopupVisible = vi.spyOn(t.core, 'setPopupVisible');
    const popup = createPopup({
      preloadPath: PRELOAD,
      url: POPUP_URL,
      trayBounds: () => null,
      platform: 'linux',
    });
    const stop = watchPopupVisibility(popup.window, t.core);
    popup.show();
    popup.hide();
    expect(setPopupVisible.mock.calls).toEqual([[true], [false]]);
    stop();
    popup.show();
    expect(setPopupVisible).toHaveBeenCalledTimes(2);
  });

  it('sleep, wake, lock, unlock and shutdown (Linux, macOS)', async () => {
    t = await openTestCore();
    const power = vi.spyOn(t.core, 'power');
    const stop = watchPower(t.core);
    for (const event of ['suspend', 'resume', 'lock-screen', 'unlock-screen', 'shutdown'])
      powerMonitor.emit(event);
    expect(power.mock.calls).toEqual([
      ['suspend'],
      ['resume'],
      ['lock-screen'],
      ['unlock-screen'],
      ['shutdown'],
    ]);
    stop();
    expect(powerMonitor.eventNames()).toEqual([]);
  });

  it("Windows' session end (shutdown, restart, log off) reaches the core as 'shutdown'", async () => {
    t = await openTestCore();
    const power = vi.spyOn(t.core, 'power');
    const popup = createPopup({
      preloadPath: PRELOAD,
      url: POPUP_URL,
      trayBounds: () => null,
      platform: 'win32',
    });
    const stop = watchPower(t.core, { sessionWindow: popup.window });
    fake.window.endSession();
    expect(power.mock.calls).toEqual([['shutdown']]);
    stop();
    fake.window.endSession();
    expect(power).toHaveBeenCalledTimes(1);
    expect(fake.window.listenerCount('session-end')).toBe(0);
  });

  it('the theme setting drives nativeTheme (and so prefers-color-scheme in the popup)', async () => {
    t = await openTestCore();
    applyTheme(t.core);
    expect(nativeTheme.themeSource).toBe('system');
    await run(t.core, { type: 'settings.update', input: { theme: 'dark' } });
    expect(nativeTheme.themeSource).toBe('dark');
  });
});

describe('appPaths', () => {
  it('development: everything under the repository; the dev server origin is accepted', () => {
    expect(
      appPaths({
        appRoot: '/repo',
        isPackaged: false,
        resourcesPath: '/x',
        devRendererUrl: 'http://localhost:5173',
      }),
    ).toEqual({
      preload: '/repo/out/preload/index.cjs',
      rendererDir: '/repo/out/renderer',
      trayIconDir: '/repo/assets/tray',
      popupUrl: 'http://localhost:5173/',
      allowedOrigins: ['app://tray-timer', 'http://localhost:5173'],
    });
  });

  it('packaged: icons from resources, app:// only, the dev variable ignored', () => {
    expect(
      appPaths({
        appRoot: '/opt/tt/resources/app.asar',
        isPackaged: true,
        resourcesPath: '/opt/tt/resources',
        devRendererUrl: 'http://localhost:5173',
      }),
    ).toEqual({
      preload: '/opt/tt/resources/app.asar/out/preload/index.cjs',
      rendererDir: '/opt/tt/resources/app.asar/out/renderer',
      trayIconDir: '/opt/tt/resources/assets/tray',
      popupUrl: 'app://tray-timer/index.html',
      allowedOrigins: ['app://tray-timer'],
    });
  });

  it('a non-loopback dev URL is ignored', () => {
    const paths = appPaths({
      appRoot: '/repo',
      isPackaged: false,
      resourcesPath: '/x',
      devRendererUrl: 'https://evil.example',
    });
    expect(paths.popupUrl).toBe('app://tray-timer/index.html');
    expect(paths.allowedOrigins).toEqual(['app://tray-timer']);
  });
});
