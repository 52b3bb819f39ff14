import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { fake, globalShortcut, resetFake } = await import('../fakes/electron');
const { registerHotkeys } = await import('../../main/shell/hotkeys');
const { createPopup } = await import('../../main/shell/popup-window');
const { createActionRunner } = await import('../../main/shell/run-action');
const { DEFAULT_HOTKEYS } = await import('../../preload/contract');
const { openTestCore, run, local, until } = await import('./harness');

let t: TestCore;

async function setUp() {
  t = await openTestCore();
  const popup = createPopup({
    preloadPath: '/app/out/preload/index.cjs',
    url: 'app://tray-timer/index.html',
    trayBounds: () => null,
    platform: 'linux',
  });
  const hotkeys = registerHotkeys({
    core: t.core,
    popup,
    run: createActionRunner({ core: t.core, showPopup: () => popup.show() }),
  });
  return { popup, hotkeys };
}

const notice = (id: string) => t.core.snapshot().notices.find((n) => n.id === id);

beforeEach(() => resetFake());
afterEach(async () => t?.close());

describe('global shortcuts', () => {
  it('registers the defaults; the timer shortcut toggles the timer, the popup one the popup', async () => {
    const { popup } = await setUp();
    expect([...globalShortcut.registered.keys()].sort()).toEqual(
      [DEFAULT_HOTKEYS.toggleTimer, DEFAULT_HOTKEYS.togglePopup].sort(),
    );
    expect(t.core.snapshot().notices).toEqual([]);

    await run(t.core, { type: 'start', input: { description: 'Emails' } });
    globalShortcut.press(DEFAULT_HOTKEYS.toggleTimer);
    await until(() => expect(local(t.core.snapshot()).running).toBe(false));
    globalShortcut.press(DEFAULT_HOTKEYS.toggleTimer);
    await until(() => expect(local(t.core.snapshot()).entry?.description).toBe('Emails'));

    globalShortcut.press(DEFAULT_HOTKEYS.togglePopup);
    expect(popup.isVisible()).toBe(true);
    globalShortcut.press(DEFAULT_HOTKEYS.togglePopup);
    expect(popup.isVisible()).toBe(false);
  });

  it('a shortcut another application holds: a notice naming the shortcut and the action', async () => {
    globalShortcut.takenByOthers.add(DEFAULT_HOTKEYS.toggleTimer);
    await setUp();
    expect(notice('hotkey:toggleTimer')).toEqual({
      id: 'hotkey:toggleTimer',
      level: 'error',
      topic: 'hotkey:toggleTimer',
      message:
        'Shortcut CommandOrControl+Shift+Alt+T for “Start/stop the timer” could not be registered: another application already uses it. Pick another in Preferences.',
    });
    expect(notice('hotkey:togglePopup')).toBeUndefined();
    expect(globalShortcut.isRegistered(DEFAULT_HOTKEYS.togglePopup)).toBe(true);
    expect(t.core.snapshot().tray.state).toBe('attention');
  });

  it('a shortcut Electron rejects: "is not a valid shortcut"', async () => {
    globalShortcut.invalid.add(DEFAULT_HOTKEYS.togglePopup);
    await setUp();
    expect(notice('hotkey:togglePopup')?.message).toBe(
      'Shortcut CommandOrControl+Shift+Alt+Space for “Show/hide the popup” is not a valid shortcut. Pick another in Preferences.',
    );
    expect(globalShortcut.isRegistered(DEFAULT_HOTKEYS.toggleTimer)).toBe(true);
  });

  it('picking another shortcut in settings re-registers and clears the notice', async () => {
    globalShortcut.takenByOthers.add(DEFAULT_HOTKEYS.toggleTimer);
    const { hotkeys } = await setUp();
    expect(notice('hotkey:toggleTimer')).toBeDefined();

    await run(t.core, {
      type: 'settings.update',
      input: { hotkeys: { toggleTimer: 'CommandOrControl+Alt+K' } },
    });
    expect(hotkeys.registered()).toEqual({
      toggleTimer: 'CommandOrControl+Alt+K',
      togglePopup: DEFAULT_HOTKEYS.togglePopup,
    });
    expect(globalShortcut.isRegistered('CommandOrControl+Alt+K')).toBe(true);
    expect(notice('hotkey:toggleTimer')).toBeUndefined();
    expect(t.core.snapshot().tray.state).toBe('idle');
  });

  it('changing a shortcut releases the old one', async () => {
    await setUp();
    await run(t.core, {
      type: 'settings.update',
      input: { hotkeys: { togglePopup: 'Alt+Shift+P' } },
    });
    expect(globalShortcut.isRegistered(DEFAULT_HOTKEYS.togglePopup)).toBe(false);
    expect(globalShortcut.isRegistered('Alt+Shift+P')).toBe(true);
    expect(globalShortcut.press('Alt+Shift+P')).toBe(true);
    expect(fake.window.visible).toBe(true);
  });

  it('swapping the two shortcuts works (all are released before any is taken)', async () => {
    const { hotkeys } = await setUp();
    await run(t.core, {
      type: 'settings.update',
      input: {
        hotkeys: {
          toggleTimer: DEFAULT_HOTKEYS.togglePopup,
          togglePopup: DEFAULT_HOTKEYS.toggleTimer,
        },
      },
    });
    expect(hotkeys.registered()).toEqual({
      toggleTimer: DEFAULT_HOTKEYS.togglePopup,
      togglePopup: DEFAULT_HOTKEYS.toggleTimer,
    });
    expect(t.core.snapshot().notices).toEqual([]);
  });

  it('the same shortcut for both actions: the second gets a notice saying which action has it', async () => {
    await setUp();
    await run(t.core, {
      type: 'settings.update',
      input: { hotkeys: { togglePopup: DEFAULT_HOTKEYS.toggleTimer } },
    });
    expect(notice('hotkey:togglePopup')?.message).toMatch(
      /already used for “Start\/stop the timer”/,
    );
  });

  it('an empty shortcut disables the action, without a notice', async () => {
    globalShortcut.takenByOthers.add(DEFAULT_HOTKEYS.toggleTimer);
    const { hotkeys } = await setUp();
    await run(t.core, { type: 'settings.update', input: { hotkeys: { toggleTimer: '' } } });
    expect(hotkeys.registered()).toEqual({ togglePopup: DEFAULT_HOTKEYS.togglePopup });
    expect(notice('hotkey:toggleTimer')).toBeUndefined();
  });

  it('does not re-register on snapshots that leave the hotkeys alone', async () => {
    await setUp();
    const register = vi.spyOn(globalShortcut, 'register');
    await run(t.core, { type: 'start', input: { description: 'x' } });
    await t.clock.advance(5 * 60_000);
    expect(register).not.toHaveBeenCalled();
  });

  it('dispose (on quit) releases every shortcut', async () => {
    const { hotkeys } = await setUp();
    hotkeys.dispose();
    expect(globalShortcut.registered.size).toBe(0);
  });
});
