/**
 * Electron checklist item 20 (no Electron APIs for the page), for EVERY verb of window.trayTimer:
 * the preload runs against the typed electron fake, each verb is called through the real guarded
 * IPC handler and the real core, and everything that comes back to the page (results, listener
 * arguments, unsubscribe results) is searched for anything Electron: an object with `sender`,
 * `senderFrame` or `ports` (an IpcRendererEvent or IpcMainEvent), ipcRenderer itself, or a
 * function. test/shell/preload.test.ts covers the first twelve verbs' commands; this file adds
 * the team verbs and the deep search, and fails to compile when a verb is added without a case.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Command, TrayTimerApi } from '../../preload/contract';
import type { FakeWebContents } from '../fakes/electron';

vi.mock('electron', () => import('../fakes/electron'));

const electron = await import('../fakes/electron');
const { contextBridge, forgeIpcEvent, ipcMain, ipcRenderer } = electron;
const { TRAY_TIMER_API_KEYS, IPC, commandSchema } = await import('../../preload/contract');
const { registerIpc } = await import('../../main/shell/ipc');
const { createPopup } = await import('../../main/shell/popup-window');
const { APP_ORIGIN, POPUP_URL } = await import('../../main/shell/app-url');
const { openTestCore } = await import('../shell/harness');

await import('../../preload/index');
const api = contextBridge.exposed.get('trayTimer') as TrayTimerApi;

const t = await openTestCore();
afterAll(() => t.close());

/** Keys that only Electron's event objects carry. */
const ELECTRON_EVENT_KEYS = ['sender', 'senderFrame', 'ports', 'processId', 'frameId', 'reply'];

/** Every path at which `value` holds something Electron, or a function. */
function electronLeaks(value: unknown, where = 'result', seen = new Set<unknown>()): string[] {
  if (value === ipcRenderer) return [`${where} is ipcRenderer`];
  if (typeof value === 'function') return [`${where} is a function`];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    if (ELECTRON_EVENT_KEYS.includes(key)) found.push(`${where}.${key}`);
    found.push(...electronLeaks((value as Record<string, unknown>)[key], `${where}.${key}`, seen));
  }
  return found;
}

type Call = { command?: Command['type']; call: (a: TrayTimerApi) => unknown };

/** One case per verb; `satisfies` makes a new verb without a case a compile error. */
const CALLS = {
  getState: { command: 'status', call: (a) => a.getState() },
  onState: { call: (a) => a.onState(() => undefined) },
  onShown: { call: (a) => a.onShown(() => undefined) },
  start: { command: 'start', call: (a) => a.start({ description: 'Bridge check' }) },
  stop: { command: 'stop', call: (a) => a.stop({}) },
  toggle: { command: 'toggle', call: (a) => a.toggle({ accountId: 'local' }) },
  continueEntry: { command: 'continue', call: (a) => a.continueEntry({}) },
  refresh: { command: 'refresh', call: (a) => a.refresh({}) },
  searchProjects: { command: 'projects.search', call: (a) => a.searchProjects({ query: 'w' }) },
  getSettings: { command: 'settings.get', call: (a) => a.getSettings() },
  updateSettings: { command: 'settings.update', call: (a) => a.updateSettings({ theme: 'dark' }) },
  listAccounts: { command: 'accounts.list', call: (a) => a.listAccounts() },
  addAccount: {
    command: 'accounts.add',
    call: (a) => a.addAccount({ provider: 'toggl', secret: 'not-a-real-token', options: {} }),
  },
  removeAccount: { command: 'accounts.remove', call: (a) => a.removeAccount('toggl-none') },
  searchMembers: { command: 'members.search', call: (a) => a.searchMembers({ query: 'b' }) },
  trackFor: { command: 'members.trackFor', call: (a) => a.trackFor({ member: null }) },
  team: { command: 'team', call: (a) => a.team({}) },
  retryAction: { command: 'queue.retry', call: (a) => a.retryAction({ actionId: 'none' }) },
  discardAction: { command: 'queue.discard', call: (a) => a.discardAction({ actionId: 'none' }) },
  resolveAway: {
    command: 'away.resolve',
    call: (a) => a.resolveAway({ promptId: 'none', choice: 'keep' }),
  },
  updateEntry: { command: 'entry.update', call: (a) => a.updateEntry({ description: 'x' }) },
  hidePopup: { call: (a) => a.hidePopup() },
} satisfies Record<(typeof TRAY_TIMER_API_KEYS)[number], Call>;

function wireToRealMain(): () => void {
  const popup = createPopup({
    preloadPath: '/p.cjs',
    url: POPUP_URL,
    trayBounds: () => null,
    platform: 'linux',
  });
  const contents = popup.window.webContents as unknown as FakeWebContents;
  const dispose = registerIpc({
    core: t.core,
    popupContents: () => popup.window.webContents,
    allowedOrigins: [APP_ORIGIN],
    hidePopup: () => popup.hide(),
  });
  ipcRenderer.answer = (channel, ...args) =>
    ipcMain.invoke(channel, forgeIpcEvent(contents, contents.mainFrame), ...args);
  return dispose;
}

describe('window.trayTimer exposes no Electron object, verb by verb', () => {
  let dispose: () => void = () => undefined;
  beforeAll(() => {
    dispose = wireToRealMain();
  });
  afterAll(() => dispose());

  it('has exactly the contract keys, every one a function, and nothing else on the bridge', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['trayTimer']);
    expect(Object.keys(api).sort()).toEqual([...TRAY_TIMER_API_KEYS].sort());
    expect(Object.keys(CALLS).sort()).toEqual([...TRAY_TIMER_API_KEYS].sort());
    for (const key of TRAY_TIMER_API_KEYS) expect(typeof api[key]).toBe('function');
  });

  it.each(TRAY_TIMER_API_KEYS.map((k) => [k]))(
    '%s: one contract command at most, and a result with nothing Electron in it',
    async (key) => {
      ipcRenderer.invoked.length = 0;
      ipcRenderer.sent.length = 0;
      const spec: Call = CALLS[key];
      const returned = spec.call(api);
      // onState/onShown return the unsubscribe function: call it, it must give nothing back.
      const result =
        typeof returned === 'function' ? (returned as () => unknown)() : await returned;
      expect(electronLeaks(result)).toEqual([]);

      if (spec.command) {
        expect(ipcRenderer.invoked).toHaveLength(1);
        expect(ipcRenderer.invoked[0]?.channel).toBe(IPC.command);
        expect(commandSchema.parse(ipcRenderer.invoked[0]?.args[0]).type).toBe(spec.command);
        // Main answered with a CommandResult (ok or an error value), never undefined.
        expect(result).toHaveProperty('ok');
      } else {
        expect(ipcRenderer.invoked).toEqual([]);
        expect(result).toBeUndefined();
      }
      // The only fire-and-forget message the page can send is "hide me", without arguments.
      expect(ipcRenderer.sent).toEqual(
        key === 'hidePopup' ? [{ channel: IPC.hidePopup, args: [] }] : [],
      );
    },
  );

  it('listeners receive the value alone, even when main sends extra arguments', () => {
    const states: unknown[][] = [];
    const views: unknown[][] = [];
    const offState = api.onState((...args: unknown[]) => void states.push(args));
    const offShown = api.onShown((...args: unknown[]) => void views.push(args));
    const event = { sender: ipcRenderer, senderId: 0, ports: [] };
    const snapshot = t.core.snapshot();
    ipcRenderer.emit(IPC.snapshot, event, snapshot, { sender: ipcRenderer });
    ipcRenderer.emit(IPC.shown, event, 'timer', event);
    offState();
    offShown();
    expect(states).toEqual([[snapshot]]);
    expect(views).toEqual([['timer']]);
    expect(electronLeaks(states, 'onState args')).toEqual([]);
    expect(electronLeaks(views, 'onShown args')).toEqual([]);
  });

  it('the deep search itself finds an event, ipcRenderer and functions (control)', () => {
    const event = { sender: ipcRenderer, senderFrame: null, ports: [] };
    expect(electronLeaks({ ok: true, nested: [event] })).toEqual([
      'result.nested.0.sender',
      'result.nested.0.sender is ipcRenderer',
      'result.nested.0.senderFrame',
      'result.nested.0.ports',
    ]);
    expect(electronLeaks({ ok: true, f: () => 1 })).toEqual(['result.f is a function']);
  });
});
