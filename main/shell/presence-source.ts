/**
 * The core's PresenceSource from Electron: the system idle time, the kind of desktop session,
 * and whether screen locks reach the core.
 */
import { uptime } from 'node:os';
import { powerMonitor } from 'electron';
import type { PresenceSource } from '../core/core';

/**
 * Which desktop session this is. On Linux the session, not the way Electron draws (X11 or
 * Wayland backend), is what matters: under XWayland, getSystemIdleTime() sees only the input of
 * X11 clients, so a Wayland session reads as "no idle time" either way. XDG_SESSION_TYPE is set
 * by logind/the display manager; WAYLAND_DISPLAY and DISPLAY are the fallbacks when it is not
 * (a session started by hand). Pure, so each case is tested.
 */
export function sessionType(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): PresenceSource['session'] {
  if (platform !== 'linux') return 'other';
  const declared = env.XDG_SESSION_TYPE?.trim().toLowerCase();
  if (declared === 'wayland' || declared === 'x11') return declared;
  if (env.WAYLAND_DISPLAY) return 'wayland';
  if (env.DISPLAY) return 'x11';
  return 'other';
}

export function createPresenceSource(
  options: {
    platform?: NodeJS.Platform;
    env?: NodeJS.ProcessEnv;
    /**
     * Whether lock/unlock are heard right now (main/shell/screen-lock.ts: on Linux, while the
     * D-Bus watcher runs). Read on every snapshot, so a watcher that gives up later is told.
     * Omitted: what Electron alone gives, locks on macOS and Windows and none on Linux.
     */
    locksKnown?: () => boolean;
    /**
     * The machine's uptime (tests on virtual time pass that clock's). Default: os.uptime() on
     * Linux, none elsewhere.
     */
    uptimeSeconds?: () => number;
  } = {},
): PresenceSource {
  const platform = options.platform ?? process.platform;
  const session = sessionType(platform, options.env ?? process.env);
  const locksKnown = options.locksKnown ?? (() => platform !== 'linux');
  const uptimeSeconds =
    options.uptimeSeconds ?? (platform === 'linux' ? () => uptime() : undefined);
  return {
    session,
    // A getter, not a value: the core keeps this object and reads it when it builds a snapshot.
    get locksKnown() {
      return locksKnown();
    },
    // Linux only: libuv reads /proc/uptime there (CLOCK_BOOTTIME: sleep counted, setting the
    // clock does not move it). On macOS it is time() minus the kernel's boot time and on Windows
    // a performance counter; neither was tried across a sleep and a clock change, and an uptime
    // that skipped sleep would turn a night into a clock change, so they go without.
    ...(uptimeSeconds ? { uptimeSeconds } : {}),
    idleSeconds() {
      // Electron answers whole seconds >= 0. Anything else is a backend that cannot tell, which
      // is what a throw means to the core (it samples "unknown" instead of "just active").
      const seconds = powerMonitor.getSystemIdleTime();
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new Error(`the system reported an idle time of ${seconds}`);
      return seconds;
    },
  };
}
