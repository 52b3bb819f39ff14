import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { BrowserWindow, fake, FakeWebFrameMain, forgeIpcEvent, ipcMain, resetFake } =
  await import('../fakes/electron');
const { registerIpc } = await import('../../main/shell/ipc');
const { createPopup } = await import('../../main/shell/popup-window');
const { APP_ORIGIN, POPUP_URL } = await import('../../main/shell/app-url');
const { IPC, commandResultSchema } = await import('../../preload/contract');
const { openTestCore, local } = await import('./harness');

let t: TestCore;
let dispose: () => void;

async function setUp() {
  t = await openTestCore();
  const popup = createPopup({
    preloadPath: '/app/out/preload/index.cjs',
    url: POPUP_URL,
    trayBounds: () => null,
    platform: 'linux',
  });
  await Promise.resolve();
  dispose = registerIpc({
    core: t.core,
    popupContents: () => (popup.window.isDestroyed() ? null : popup.window.webContents),
    allowedOrigins: [APP_ORIGIN],
    hidePopup: () => popup.hide(),
  });
  const contents = fake.window.webContents;
  return { popup, contents, fromPopup: () => forgeIpcEvent(contents, contents.mainFrame) };
}

async function invoke(event: ReturnType<typeof forgeIpcEvent>, ...args: unknown[]) {
  return commandResultSchema.parse(await ipcMain.invoke(IPC.command, event, ...args));
}

beforeEach(() => resetFake());
afterEach(async () => {
  dispose?.();
  await t?.close();
});

describe('IPC from our popup', () => {
  it('a valid command reaches the core and answers a CommandResult', async () => {
    const { fromPopup } = await setUp();
    expect(fake.window.webContents.mainFrame.url).toBe('app://tray-timer/index.html');
    const result = await invoke(fromPopup(), {
      type: 'start',
      input: { description: 'From the popup' },
    });
    expect(result.ok).toBe(true);
    expect(local(t.core.snapshot()).entry?.description).toBe('From the popup');
    const status = await invoke(fromPopup(), { type: 'status' });
    expect(status.ok && local(status.snapshot).running).toBe(true);
  });

  it('pushes every new snapshot to the popup', async () => {
    const { contents, fromPopup } = await setUp();
    await invoke(fromPopup(), { type: 'start', input: { description: 'Pushed' } });
    const pushed = contents.sent.filter((m) => m.channel === IPC.snapshot);
    expect(pushed.length).toBeGreaterThan(0);
    const last = pushed.at(-1)?.args[0] as ReturnType<typeof t.core.snapshot>;
    expect(local(last).entry?.description).toBe('Pushed');
    expect(pushed.at(-1)?.args).toHaveLength(1);
  });

  it('hidePopup from the popup hides it', async () => {
    const { popup, fromPopup } = await setUp();
    popup.show();
    ipcMain.deliver(IPC.hidePopup, fromPopup());
    expect(popup.isVisible()).toBe(false);
  });
});

describe('IPC from anyone else is refused and never reaches the core', () => {
  const start = { type: 'start', input: { description: 'Injected' } };

  async function expectRefused(event: ReturnType<typeof forgeIpcEvent>) {
    const before = t.core.snapshot();
    const result = await invoke(event, start);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('unsupported');
    expect(result.error.message).toMatch(/^Refused: /);
    // Nothing about the user's state goes back to a foreign sender.
    expect(result).not.toHaveProperty('snapshot');
    expect(local(t.core.snapshot()).running).toBe(false);
    expect(t.core.snapshot().version).toBe(before.version);
  }

  it('another window, even one on our origin', async () => {
    await setUp();
    const other = new BrowserWindow();
    await other.loadURL(POPUP_URL);
    await expectRefused(forgeIpcEvent(other.webContents, other.webContents.mainFrame));
  });

  it('our popup after it navigated to another origin', async () => {
    const { contents, fromPopup } = await setUp();
    contents.mainFrame.navigate('https://evil.example/');
    await expectRefused(fromPopup());
  });

  it('a look-alike origin (app://evil, file://)', async () => {
    const { contents, fromPopup } = await setUp();
    contents.mainFrame.navigate('app://evil/index.html');
    await expectRefused(fromPopup());
    contents.mainFrame.navigate('file:///app/out/renderer/index.html');
    await expectRefused(fromPopup());
  });

  it('a subframe inside the popup, even on our origin', async () => {
    const { contents } = await setUp();
    await expectRefused(forgeIpcEvent(contents, new FakeWebFrameMain(POPUP_URL)));
  });

  it('a frame that no longer exists (senderFrame null)', async () => {
    const { contents } = await setUp();
    await expectRefused(forgeIpcEvent(contents, null));
  });

  it('a destroyed popup', async () => {
    const { fromPopup } = await setUp();
    const event = fromPopup();
    fake.window.destroy();
    await expectRefused(event);
  });

  it('hidePopup from a foreign sender is ignored', async () => {
    const { popup } = await setUp();
    popup.show();
    const other = new BrowserWindow();
    await other.loadURL(POPUP_URL);
    ipcMain.deliver(IPC.hidePopup, forgeIpcEvent(other.webContents, other.webContents.mainFrame));
    expect(popup.isVisible()).toBe(true);
  });
});

describe('malformed payloads from our popup are refused with a validation error', () => {
  it.each([
    ['unknown type', [{ type: 'format-disk' }]],
    ['wrong field type', [{ type: 'start', input: { description: 42 } }]],
    ['extra key on the command', [{ type: 'start', input: {}, extra: true }]],
    ['extra key in the input', [{ type: 'stop', input: { accountId: 'local', force: true } }]],
    ['input on a command without one', [{ type: 'accounts.list', input: {} }]],
    ['missing input', [{ type: 'start' }]],
    ['description too long', [{ type: 'start', input: { description: 'x'.repeat(3001) } }]],
    ['bad account id', [{ type: 'stop', input: { accountId: '../../etc' } }]],
    ['a string instead of an object', ['start']],
    ['null', [null]],
    ['no argument', []],
    ['two arguments', [{ type: 'status' }, { type: 'status' }]],
    [
      'prototype pollution attempt',
      [JSON.parse('{"type":"start","input":{"__proto__":{"polluted":true}}}')],
    ],
  ])('%s', async (_name, args) => {
    await setUp();
    const contents = fake.window.webContents;
    const before = t.core.snapshot().version;
    const result = await invoke(forgeIpcEvent(contents, contents.mainFrame), ...args);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('validation');
      expect(result.error.message).toMatch(/^The request was not understood/);
    }
    expect(local(t.core.snapshot()).running).toBe(false);
    expect(t.core.snapshot().version).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the field that is wrong', async () => {
    const { fromPopup } = await setUp();
    const result = await invoke(fromPopup(), {
      type: 'start',
      input: { description: 'x'.repeat(3001) },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        field: 'input.description',
        message: expect.stringContaining('longer than 3000'),
      },
    });
  });

  it('hidePopup with arguments is ignored', async () => {
    const { popup, fromPopup } = await setUp();
    popup.show();
    ipcMain.deliver(IPC.hidePopup, fromPopup(), { evil: true });
    expect(popup.isVisible()).toBe(true);
  });
});

describe('registration', () => {
  it('registers exactly the contract channels, and dispose removes them', async () => {
    await setUp();
    expect([...ipcMain.handlers.keys()]).toEqual([IPC.command]);
    expect(ipcMain.eventNames()).toEqual([IPC.hidePopup]);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.eventNames()).toEqual([]);
  });
});
