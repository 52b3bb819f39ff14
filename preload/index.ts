/**
 * The preload: exposes `window.trayTimer`, a short list of named verbs, and nothing else. The page
 * never gets `ipcRenderer`, a channel name or an IpcRendererEvent (whose `sender` would be
 * ipcRenderer itself). Main validates every payload; the types here only help honest callers.
 *
 * Bundled into one CommonJS file (out/preload/index.cjs): a sandboxed preload can only
 * `require('electron')`. So the contract is imported for its types only: a value import would
 * drag zod into the bundle (or worse, leave a `require('zod')` that fails in the sandbox).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type {
  Command,
  CommandResult,
  IPC as ContractChannels,
  PopupView,
  Snapshot,
  TrayTimerApi,
} from './contract';

/** The contract's channel names, checked against it by tsc (a typo or rename fails to compile). */
const IPC = {
  command: 'tray-timer:command',
  hidePopup: 'tray-timer:hide-popup',
  snapshot: 'tray-timer:snapshot',
  shown: 'tray-timer:shown',
} as const satisfies typeof ContractChannels;

const command = (payload: Command): Promise<CommandResult> =>
  ipcRenderer.invoke(IPC.command, payload);

/** Subscribes to a main → renderer channel, handing the listener the value only. */
function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

const api: TrayTimerApi = {
  getState: () => command({ type: 'status' }),
  onState: (listener) => subscribe<Snapshot>(IPC.snapshot, listener),
  onShown: (listener) => subscribe<PopupView>(IPC.shown, listener),
  start: (input) => command({ type: 'start', input }),
  stop: (input) => command({ type: 'stop', input }),
  toggle: (input) => command({ type: 'toggle', input }),
  continueEntry: (input) => command({ type: 'continue', input }),
  refresh: (input) => command({ type: 'refresh', input }),
  searchProjects: (input) => command({ type: 'projects.search', input }),
  getSettings: () => command({ type: 'settings.get' }),
  updateSettings: (patch) => command({ type: 'settings.update', input: patch }),
  listAccounts: () => command({ type: 'accounts.list' }),
  addAccount: (input) => command({ type: 'accounts.add', input }),
  removeAccount: (accountId) => command({ type: 'accounts.remove', input: { accountId } }),
  searchMembers: (input) => command({ type: 'members.search', input }),
  trackFor: (input) => command({ type: 'members.trackFor', input }),
  team: (input) => command({ type: 'team', input }),
  retryAction: (input) => command({ type: 'queue.retry', input }),
  discardAction: (input) => command({ type: 'queue.discard', input }),
  resolveAway: (input) => command({ type: 'away.resolve', input }),
  updateEntry: (input) => command({ type: 'entry.update', input }),
  hidePopup: () => ipcRenderer.send(IPC.hidePopup),
};

contextBridge.exposeInMainWorld('trayTimer', api);
