/**
 * CoreOptions.notify with Electron's Notification: the idle prompt, reminders and pomodoro
 * boundaries. Dumb on purpose: the core decides whether to notify (settings.notifications) and
 * what to say; this shows it, replaces an earlier one of the same id, and opens the popup on a
 * click.
 *
 * Do-not-disturb is the OS's to enforce, and nothing here works around it:
 * - macOS Focus / Do Not Disturb: Electron posts through the User Notifications framework and does
 *   not offer a "time-sensitive" interruption level (feature request electron/electron#31614 is
 *   open), so Focus silences these like any app's. No `sound` is set.
 * - Windows Focus Assist / Do not disturb: toasts go to the notification center without a banner.
 *   Electron 45 maps urgency 'critical' to a high-priority toast (electron/electron#50225); we
 *   never ask for it.
 * - Linux (GNOME, KDE, Xfce… via the org.freedesktop.Notifications daemon): the daemon applies its
 *   do-not-disturb, except that critical urgency gets through it: GNOME Shell's message tray shows
 *   a banner while busy when `urgency === CRITICAL` (js/ui/messageTray.js, _updateState), and the
 *   spec says critical notifications should not expire by themselves. So urgency is 'normal':
 *   not 'critical' (bypasses DND), and not 'low' either (Electron's documented Linux default),
 *   which GNOME Shell may file away without a banner (the patch "messageTray: Do not show low
 *   priority notifications", gnome-shell#4265): the away question is worth a banner whenever
 *   the user allows banners.
 * `silent: true` everywhere: a timer app has no business making sounds.
 *
 * References are kept: Electron holds a main-process Notification weakly, and once the wrapper is
 * garbage-collected its click is dropped silently (electron/electron#16922, #12690: "store it
 * somewhere it won't be destructed"; Electron's docs for Notification.getHistory() also note that
 * `new Notification()` objects do not outlive their wrapper). The map holds the newest one per id,
 * so it stays as small as the set of ids the core uses.
 */
import { Notification } from 'electron';
import type { DesktopNotification } from '../../preload/contract';

/** How every Tray Timer notification asks to be shown (the reasons are above). */
export const NOTIFICATION_STYLE = { silent: true, urgency: 'normal' } as const;

export interface NotifierOptions {
  /** What a click does: the popup, where the prompt or the timer is. */
  showPopup: () => void;
  /** A picture for daemons that show one (Linux); macOS and Windows use the app's icon. */
  icon?: string;
}

export interface Notifier {
  notify(notification: DesktopNotification): void;
  /** Closes what is still on screen (quitting). */
  dispose(): void;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const live = new Map<string, Notification>();
  let warnedUnsupported = false;

  const forget = (id: string, notification: Notification) => {
    if (live.get(id) === notification) live.delete(id);
  };

  return {
    notify(n) {
      if (!Notification.isSupported()) {
        // No notification daemon (a bare window manager) or none allowed: the prompt still waits
        // in the popup and the tray icon; saying so once in the log is enough.
        if (!warnedUnsupported) console.warn('Tray Timer: desktop notifications are unavailable.');
        warnedUnsupported = true;
        return;
      }
      // Same id: the earlier one goes first. Electron 45 has an `id` option on macOS/Windows
      // (electron/electron#50097) but no replace semantics of its own (the tag/renotify request,
      // electron/electron#48369, is open), and reusing one OS identifier while the old object is
      // closed or collected could take the new notification down with it. Closing the old one and
      // showing a new one (with Electron's fresh identifier) replaces it on all three systems;
      // on Windows close() also takes it out of the notification center.
      const previous = live.get(n.id);
      if (previous) {
        live.delete(n.id);
        previous.removeAllListeners('click');
        previous.close();
      }
      const notification = new Notification({
        title: n.title,
        body: n.body,
        ...NOTIFICATION_STYLE,
        ...(options.icon ? { icon: options.icon } : {}),
      });
      notification.on('click', () => {
        forget(n.id, notification);
        options.showPopup();
      });
      // Not forgotten on 'close': Windows emits it when the banner times out into the
      // notification center, where it can still be clicked.
      notification.on('failed', (_event, error) => {
        forget(n.id, notification);
        console.warn(`Tray Timer: a notification could not be shown: ${error}`);
      });
      live.set(n.id, notification);
      notification.show();
    },
    dispose() {
      for (const notification of live.values()) notification.close();
      live.clear();
    },
  };
}
