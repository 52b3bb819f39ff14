/**
 * The tray icon: its image, tooltip, macOS title and context menu follow the snapshot.
 *
 * The context menu is always there: on Linux (StatusNotifierItem) `click` may never fire, so the
 * menu is the only dependable way in. It is rebuilt only when what it shows changes, not on every
 * tooltip tick.
 */
import { Menu, Tray } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { AccountState, Command, EntryView, Snapshot, TrayState } from '../../preload/contract';
import type { Core } from '../core/core';
import type { Popup } from './popup-window';
import type { RunAction } from './run-action';

/** File name of the tray icon for a state. macOS gets template images (they follow the menu bar's colour). */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') {
    return {
      idle: 'trayTemplate.png',
      running: 'trayRunningTemplate.png',
      attention: 'trayAttentionTemplate.png',
    }[state];
  }
  return `tray-${state}.png`;
}

export interface TrayMenuModel {
  toggle: { label: string; command: Command };
  continueEntry: { label: string; enabled: boolean; command: Command | null };
  /**
   * Journal actions not confirmed yet: "Sync now (2 waiting)" sends them; "1 action needs you…"
   * (refused, conflict, late) opens the popup where the choice is made. null: nothing pending.
   */
  sync: { label: string; command: Command | null } | null;
  /** "You were away 10:42–11:57 (1 h 15 min) — decide…": opens the popup's away prompt. */
  away: { label: string } | null;
}

const MAX_LABEL_TEXT = 40;

function menuText(text: string, platform: NodeJS.Platform): string {
  const short =
    text.length > MAX_LABEL_TEXT ? `${text.slice(0, MAX_LABEL_TEXT - 1).trimEnd()}…` : text;
  // On Windows "&" in a menu label marks a mnemonic; "&&" shows one "&".
  return platform === 'win32' ? short.replaceAll('&', '&&') : short;
}

function quoted(text: string, platform: NodeJS.Platform): string {
  return `“${menuText(text, platform)}”`;
}

const sameWork = (a: EntryView, b: EntryView) =>
  a.description === b.description && a.projectId === b.projectId && a.taskId === b.taskId;

/** What the menu offers now. Pure: the tests read it, and it decides when the menu is rebuilt. */
export function trayMenuModel(snapshot: Snapshot, platform: NodeJS.Platform): TrayMenuModel {
  const byDefault = (a: AccountState) => a.id === snapshot.defaultAccountId;
  const running =
    snapshot.accounts.find((a) => a.running && byDefault(a)) ??
    snapshot.accounts.find((a) => a.running);
  const account = running ?? snapshot.accounts.find(byDefault) ?? snapshot.accounts[0];

  // Acting for a member (WebWork "Track for"): the menu says whose timer it stops.
  const forWhom = running?.actingFor ? ` for ${menuText(running.actingFor.name, platform)}` : '';
  const toggle: TrayMenuModel['toggle'] =
    running && running.entry
      ? {
          label: running.entry.description?.trim()
            ? `Stop ${quoted(running.entry.description.trim(), platform)}${forWhom}`
            : `Stop timer${forWhom}`,
          command: { type: 'stop', input: { accountId: running.id } },
        }
      : running
        ? { label: 'Stop timer', command: { type: 'stop', input: { accountId: running.id } } }
        : { label: 'Start timer', command: { type: 'start', input: {} } };

  const runningEntry = running?.entry ?? null;
  const last = account?.recent.find((entry) => !runningEntry || !sameWork(entry, runningEntry));
  const continueEntry: TrayMenuModel['continueEntry'] =
    account && last
      ? {
          label: `Continue ${quoted(last.description?.trim() || '(no description)', platform)}`,
          enabled: true,
          command: { type: 'continue', input: { accountId: account.id, entryId: last.id } },
        }
      : { label: 'Continue last entry', enabled: false, command: null };

  const pending = snapshot.accounts.flatMap((a) => a.pending);
  const stuck = pending.filter((p) => p.state !== 'waiting').length;
  const sync: TrayMenuModel['sync'] =
    stuck > 0
      ? { label: `${stuck} ${stuck === 1 ? 'action needs' : 'actions need'} you…`, command: null }
      : pending.length > 0
        ? { label: `Sync now (${pending.length} waiting)`, command: { type: 'refresh', input: {} } }
        : null;

  const away = snapshot.presence.away
    ? { label: `${snapshot.presence.away.message} — decide…` }
    : null;

  return { toggle, continueEntry, sync, away };
}

export interface TrayOptions {
  core: Core;
  popup: Pick<Popup, 'show' | 'toggle'>;
  run: RunAction;
  /** Absolute path of an icon file (dev: <app>/assets/tray, packaged: resources/assets/tray). */
  iconPath: (file: string) => string;
  platform: NodeJS.Platform;
  quit: () => void;
}

export interface TrayHandle {
  readonly tray: Tray;
  dispose(): void;
}

export function createTray(options: TrayOptions): TrayHandle {
  const { core, popup, run, platform } = options;
  const first = core.snapshot();
  const tray = new Tray(options.iconPath(trayIconFile(first.tray.state, platform)));

  let shown = { icon: '', tooltip: '', title: '', menuKey: '' };
  let menu: Menu | null = null;

  const buildMenu = (model: TrayMenuModel): Menu => {
    const act = (command: Command) => () => void run(command);
    const template: MenuItemConstructorOptions[] = [
      // The question waits first: it is about the timer the next item stops.
      ...(model.away
        ? [
            {
              id: 'away',
              label: model.away.label,
              click: () => popup.show('timer'),
            } satisfies MenuItemConstructorOptions,
            { type: 'separator' } satisfies MenuItemConstructorOptions,
          ]
        : []),
      { id: 'toggle', label: model.toggle.label, click: act(model.toggle.command) },
      {
        id: 'continue',
        label: model.continueEntry.label,
        enabled: model.continueEntry.enabled,
        click: model.continueEntry.command ? act(model.continueEntry.command) : undefined,
      },
      ...(model.sync
        ? [
            {
              id: 'sync',
              label: model.sync.label,
              click: model.sync.command ? act(model.sync.command) : () => popup.show('timer'),
            } satisfies MenuItemConstructorOptions,
          ]
        : []),
      { type: 'separator' },
      { id: 'open', label: 'Open Tray Timer', click: () => popup.show('timer') },
      { id: 'preferences', label: 'Preferences…', click: () => popup.show('preferences') },
      { type: 'separator' },
      { id: 'quit', label: 'Quit', click: () => options.quit() },
    ];
    return Menu.buildFromTemplate(template);
  };

  const render = (snapshot: Snapshot) => {
    if (tray.isDestroyed()) return;
    const icon = options.iconPath(trayIconFile(snapshot.tray.state, platform));
    if (icon !== shown.icon) tray.setImage(icon);
    if (snapshot.tray.tooltip !== shown.tooltip) tray.setToolTip(snapshot.tray.tooltip);
    // Tray.setTitle exists only on macOS (text beside the icon in the menu bar).
    if (platform === 'darwin' && snapshot.tray.title !== shown.title)
      tray.setTitle(snapshot.tray.title);
    const model = trayMenuModel(snapshot, platform);
    const menuKey = JSON.stringify(model);
    if (menuKey !== shown.menuKey) {
      menu = buildMenu(model);
      // macOS: an attached menu would swallow the left click that opens the popup, so it pops
      // up on right click instead. Everywhere else it is attached (Linux may never send clicks).
      if (platform !== 'darwin') tray.setContextMenu(menu);
    }
    shown = { icon, tooltip: snapshot.tray.tooltip, title: snapshot.tray.title, menuKey };
  };

  // The constructor already shows the first icon.
  shown.icon = options.iconPath(trayIconFile(first.tray.state, platform));
  render(first);

  tray.on('click', () => popup.toggle());
  if (platform === 'darwin') {
    tray.on('right-click', () => {
      if (menu) tray.popUpContextMenu(menu);
    });
  }
  const unsubscribe = core.subscribe(render);

  return {
    tray,
    dispose() {
      unsubscribe();
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
