/**
 * Runs a command from the tray menu or a hotkey, where there is no form to show an error in. A
 * failure is never dropped: it becomes a notice in the snapshot (the popup shows it) and a desktop
 * notification, or, where notifications are unavailable, the popup opens to show it.
 */
import { Notification } from 'electron';
import type { Command, CommandResult } from '../../preload/contract';
import type { Core } from '../core/core';
import { NOTIFICATION_STYLE } from './notifier';

/** One notice for "the last thing you did from the tray or a shortcut failed". */
export const ACTION_NOTICE_ID = 'shell:action';

export type RunAction = (command: Command) => Promise<CommandResult>;

export function createActionRunner(options: { core: Core; showPopup: () => void }): RunAction {
  const { core, showPopup } = options;
  // Held so the notification (and its click handler) is not garbage-collected while on screen.
  let lastNotification: Notification | null = null;
  return async (command) => {
    let result: CommandResult;
    try {
      result = await core.execute(command);
    } catch (error) {
      console.error('Tray Timer: a command failed unexpectedly:', error);
      result = {
        ok: false,
        error: {
          kind: 'internal',
          message: 'Something went wrong inside Tray Timer. Please report this.',
        },
      };
    }
    if (result.ok) {
      core.clearNotice(ACTION_NOTICE_ID);
      return result;
    }
    const message = result.error.message;
    // A warning, not an error: it should not keep the tray icon in "attention" after one failed click.
    core.setNotice({ id: ACTION_NOTICE_ID, level: 'warning', message, topic: 'action' });
    if (Notification.isSupported()) {
      // Silent and never 'critical', like every Tray Timer notification (see notifier.ts).
      const notification = new Notification({
        title: 'Tray Timer',
        body: message,
        ...NOTIFICATION_STYLE,
      });
      notification.on('click', () => showPopup());
      notification.show();
      lastNotification?.close();
      lastNotification = notification;
    } else {
      showPopup();
    }
    return result;
  };
}
