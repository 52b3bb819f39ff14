/**
 * Screen lock and unlock for the core on every platform: Electron's powerMonitor on macOS and
 * Windows (main/shell/power.ts), the desktop's screensaver on D-Bus on Linux, where Electron
 * reports no lock at all (main/platform/screen-lock-linux.ts).
 */
import type { Core, PowerEvent } from '../core/core';
import { watchLinuxScreenLock } from '../platform/screen-lock-linux';
import type { ScreenLockWatcher, ScreenLockWatchOptions } from '../platform/screen-lock-linux';

type LockEvent = Extract<PowerEvent, 'lock-screen' | 'unlock-screen'>;

const lastLockEvent = new WeakMap<Pick<Core, 'power'>, LockEvent>();

/**
 * Tells the core about a lock or unlock unless it was the last thing it was told: if a future
 * Electron reports Linux locks too, or GNOME's and the freedesktop interface both fire for one
 * lock, the core still hears one lock. The first event after start passes whichever it is (the
 * app may start with the screen locked). Per core, so every test core starts fresh.
 */
export function reportLock(core: Pick<Core, 'power'>, event: LockEvent): void {
  if (lastLockEvent.get(core) === event) return;
  lastLockEvent.set(core, event);
  core.power(event);
}

export interface ScreenLockFeed {
  /**
   * Whether locks reach the core: true on macOS/Windows; on Linux while the watcher runs and
   * unless the bus has no screen locker that announces locks (swaylock, i3lock…).
   */
  readonly locksKnown: boolean;
  /** Starts forwarding to the core (the feed is made before it, for the PresenceSource). */
  attach(core: Pick<Core, 'power'>): void;
  dispose(): void;
}

/**
 * On Linux, starts the D-Bus watcher now, before the core opens, so `locksKnown` can go into
 * the core's PresenceSource; a lock heard before attach() is passed on at attach. Elsewhere it
 * does nothing: powerMonitor's lock events are watchPower's (main/shell/power.ts).
 */
export function createScreenLockFeed(options: {
  platform: NodeJS.Platform;
  /** The Linux watcher; tests pass options through (a PATH without dbus-monitor…). */
  watch?: (handlers: ScreenLockWatchOptions) => ScreenLockWatcher;
  log?: (message: string) => void;
}): ScreenLockFeed {
  if (options.platform !== 'linux') {
    return { locksKnown: true, attach: () => undefined, dispose: () => undefined };
  }
  let core: Pick<Core, 'power'> | undefined;
  let beforeAttach: LockEvent | undefined;
  const send = (event: LockEvent) => {
    if (core) reportLock(core, event);
    else beforeAttach = event;
  };
  const watcher = (options.watch ?? watchLinuxScreenLock)({
    onLock: () => send('lock-screen'),
    onUnlock: () => send('unlock-screen'),
    onUnavailable: (reason) =>
      options.log?.(`screen lock is not reported on this desktop: ${reason}`),
  });
  void watcher.lockersKnown.then(() => {
    if (watcher.lockers?.length === 0)
      options.log?.(
        'screen lock is not reported on this desktop: no screensaver service on the session bus (lockers such as swaylock or i3lock send no lock signal)',
      );
  });
  return {
    get locksKnown() {
      // 'starting' counts: dbus-monitor is there and the first run has not failed yet, and a
      // note that flips from "not reported" to nothing a moment after start would be noise.
      // Likewise lockers not known yet (null) count as there.
      const running = watcher.state === 'starting' || watcher.state === 'watching';
      return running && watcher.lockers?.length !== 0;
    },
    attach(target) {
      core = target;
      if (beforeAttach === 'lock-screen') reportLock(target, beforeAttach);
      beforeAttach = undefined;
    },
    dispose() {
      core = undefined;
      watcher.dispose();
    },
  };
}
