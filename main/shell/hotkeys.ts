/**
 * Global shortcuts from settings.hotkeys. A shortcut that cannot be registered is never a silent
 * failure: the user gets a notice naming the shortcut and the action, next to the shortcut field in
 * Preferences (topic "hotkey:<action>"), and it disappears once a working shortcut is set.
 */
import { globalShortcut } from 'electron';
import { HOTKEY_ACTIONS, HOTKEY_LABELS } from '../../preload/contract';
import type { HotkeyAction, Hotkeys } from '../../preload/contract';
import type { Core } from '../core/core';
import type { Popup } from './popup-window';
import type { RunAction } from './run-action';

export const hotkeyNoticeId = (action: HotkeyAction) => `hotkey:${action}`;

export interface HotkeysOptions {
  core: Core;
  popup: Pick<Popup, 'toggle'>;
  run: RunAction;
}

export interface HotkeysHandle {
  /** Accelerators currently held, by action. */
  registered(): Partial<Record<HotkeyAction, string>>;
  dispose(): void;
}

export function registerHotkeys(options: HotkeysOptions): HotkeysHandle {
  const { core } = options;
  const handlers: Record<HotkeyAction, () => void> = {
    toggleTimer: () => void options.run({ type: 'toggle', input: {} }),
    togglePopup: () => options.popup.toggle(),
  };
  let held: Partial<Record<HotkeyAction, string>> = {};
  let applied = '';

  const fail = (action: HotkeyAction, message: string) =>
    core.setNotice({
      id: hotkeyNoticeId(action),
      level: 'error',
      topic: hotkeyNoticeId(action),
      message,
    });

  const apply = (hotkeys: Hotkeys) => {
    // Remembered first: setNotice below emits a snapshot, which calls back into this observer.
    applied = JSON.stringify(hotkeys);
    for (const accelerator of Object.values(held)) globalShortcut.unregister(accelerator);
    held = {};

    for (const action of HOTKEY_ACTIONS) {
      const accelerator = hotkeys[action];
      const label = HOTKEY_LABELS[action];
      if (accelerator === '') {
        core.clearNotice(hotkeyNoticeId(action));
        continue;
      }
      const ownUse = HOTKEY_ACTIONS.find((other) => held[other] === accelerator);
      if (ownUse) {
        fail(
          action,
          `Shortcut ${accelerator} for “${label}” could not be registered: it is already used for “${HOTKEY_LABELS[ownUse]}”. Pick another in Preferences.`,
        );
        continue;
      }
      let ok: boolean;
      try {
        ok = globalShortcut.register(accelerator, handlers[action]);
      } catch {
        fail(
          action,
          `Shortcut ${accelerator} for “${label}” is not a valid shortcut. Pick another in Preferences.`,
        );
        continue;
      }
      if (!ok) {
        fail(
          action,
          `Shortcut ${accelerator} for “${label}” could not be registered: another application already uses it. Pick another in Preferences.`,
        );
        continue;
      }
      held[action] = accelerator;
      core.clearNotice(hotkeyNoticeId(action));
    }
  };

  apply(core.settings().hotkeys);
  // Settings changes arrive as snapshots; re-register only when the hotkeys really changed.
  const unsubscribe = core.subscribe(() => {
    const hotkeys = core.settings().hotkeys;
    if (JSON.stringify(hotkeys) !== applied) apply(hotkeys);
  });

  return {
    registered: () => ({ ...held }),
    dispose() {
      unsubscribe();
      for (const accelerator of Object.values(held)) globalShortcut.unregister(accelerator);
      held = {};
    },
  };
}
