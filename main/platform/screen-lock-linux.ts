/**
 * Screen lock and unlock on Linux, from the desktop's screensaver on the session D-Bus.
 *
 * Electron's powerMonitor reports 'lock-screen'/'unlock-screen' on macOS and Windows only
 * (electron/electron#24800: "not supported per our documentation"; #38088 asks for Linux and
 * points at KeePassXC's listener). The desktops announce a lock with the screensaver signal
 * `ActiveChanged(boolean)`: GNOME Shell (and elementary's Gala) on org.gnome.ScreenSaver, KDE
 * Plasma's screen locker and others on org.freedesktop.ScreenSaver (both /ScreenSaver and
 * /org/freedesktop/ScreenSaver), Cinnamon, MATE and Xfce on their own interfaces. KeePassXC
 * (ScreenLockListenerDBus.cpp) and Bitwarden listen to the same signals.
 *
 * How: `dbus-monitor --session` with one match rule per interface, its text output parsed line
 * by line. No native module and no D-Bus client library to keep up to date; dbus-monitor ships
 * with the D-Bus tools every desktop has (Debian's dbus-bin). The match rules name the interface
 * and member but not the path, so every path a desktop uses is heard.
 *
 * Plain Node (no electron import), so the tests run it against a real private session bus.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The screensaver interfaces whose `ActiveChanged(boolean)` means "locked" / "unlocked". */
export const SCREENSAVER_INTERFACES = [
  'org.gnome.ScreenSaver',
  'org.freedesktop.ScreenSaver',
  'org.cinnamon.ScreenSaver',
  'org.mate.ScreenSaver',
  'org.xfce.ScreenSaver',
] as const;

/** dbus-monitor's arguments: the session bus and one signal match rule per interface. */
export function monitorArgs(): string[] {
  return [
    '--session',
    ...SCREENSAVER_INTERFACES.map(
      (iface) => `type='signal',interface='${iface}',member='ActiveChanged'`,
    ),
  ];
}

/**
 * Reads dbus-monitor's default output. A signal is a header line
 *   signal time=… sender=:1.12 -> destination=(null destination) serial=… path=/ScreenSaver;
 *   interface=org.freedesktop.ScreenSaver; member=ActiveChanged
 * followed by one indented line per argument (`   boolean true`). Anything else (the bus's own
 * NameAcquired/NameLost, other signals, a half line) is ignored. Pure and line-fed.
 */
export function createMonitorParser(): (line: string) => boolean | null {
  let expectingArgument = false;
  return (line) => {
    const header = /^signal .*; interface=([\w.]+); member=(\w+)\s*$/.exec(line);
    if (header) {
      const iface = header[1] ?? '';
      expectingArgument =
        header[2] === 'ActiveChanged' &&
        (SCREENSAVER_INTERFACES as readonly string[]).includes(iface);
      return null;
    }
    if (!expectingArgument) return null;
    // Only the first argument counts; the next line, whatever it is, ends the expectation.
    expectingArgument = false;
    const argument = /^\s+boolean (true|false)\s*$/.exec(line);
    return argument ? argument[1] === 'true' : null;
  };
}

export type ScreenLockWatchState = 'starting' | 'watching' | 'unavailable' | 'stopped';

export interface ScreenLockWatcher {
  /** 'starting' until dbus-monitor listens (and while it restarts), then 'watching'. */
  readonly state: ScreenLockWatchState;
  /** Why it is 'unavailable' (dbus-monitor missing, no session bus, kept exiting). */
  readonly reason: string | null;
  /** The running dbus-monitor's pid (tests check it is gone after dispose). */
  readonly pid: number | undefined;
  /** Resolves true once listening, false once unavailable or disposed first. */
  readonly ready: Promise<boolean>;
  dispose(): void;
}

export interface ScreenLockWatchOptions {
  onLock(): void;
  onUnlock(): void;
  /** Told once, when the watcher gives up (the reason is for a log line). */
  onUnavailable?(reason: string): void;
  /** The program to run; tests point it at a missing one. Default: dbus-monitor on PATH. */
  command?: string;
  env?: NodeJS.ProcessEnv;
  /** Restarts after dbus-monitor exits on its own, before giving up. Default 3. */
  maxRestarts?: number;
  /** First restart delay, doubled each time. Default 1000 ms. */
  restartDelayMs?: number;
  /** A run that lasted this long was healthy: the restart budget is refilled. Default 60 s. */
  healthyRunMs?: number;
}

/**
 * Starts dbus-monitor and calls onLock/onUnlock on each screensaver ActiveChanged. Never throws
 * and never blocks: a missing dbus-monitor or an unreachable bus ends in state 'unavailable'.
 */
export function watchLinuxScreenLock(options: ScreenLockWatchOptions): ScreenLockWatcher {
  const command = options.command ?? 'dbus-monitor';
  const maxRestarts = options.maxRestarts ?? 3;
  const baseDelay = options.restartDelayMs ?? 1000;
  const healthyRunMs = options.healthyRunMs ?? 60_000;

  let state: ScreenLockWatchState = 'starting';
  let reason: string | null = null;
  let child: ChildProcess | undefined;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let resolveReady: (listening: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (resolveReady = resolve));

  const giveUp = (why: string) => {
    if (state === 'stopped' || state === 'unavailable') return;
    state = 'unavailable';
    reason = why;
    resolveReady(false);
    options.onUnavailable?.(why);
  };

  const start = () => {
    restartTimer = undefined;
    if (state === 'stopped' || state === 'unavailable') return;
    const startedAt = Date.now();
    let listening = false;
    let stderr = '';
    let proc: ChildProcess;
    try {
      // An args array, no shell: nothing in the match rules is ever interpreted.
      proc = spawn(command, monitorArgs(), {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: options.env ?? process.env,
      });
    } catch (error) {
      giveUp(`could not start ${command}: ${error instanceof Error ? error.message : 'unknown'}`);
      return;
    }
    child = proc;
    const parse = createMonitorParser();
    // stdio 'pipe' always gives a stdout; the check is for the type.
    if (!proc.stdout) return;
    const lines = createInterface({ input: proc.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (child !== proc) return;
      // dbus-monitor prints only after it has become a monitor (or added its match rules, on
      // an old bus): its first line, the bus's NameAcquired, means the rules are in place.
      if (!listening) {
        listening = true;
        if (state === 'starting') state = 'watching';
        resolveReady(true);
      }
      const active = parse(line);
      if (active === true) options.onLock();
      else if (active === false) options.onUnlock();
    });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    let ended = false;
    const finish = (why: string, retry: boolean) => {
      if (ended) return;
      ended = true;
      lines.close();
      if (child === proc) child = undefined;
      if (state === 'stopped' || state === 'unavailable') return;
      if (!retry) return giveUp(why);
      if (Date.now() - startedAt >= healthyRunMs) restarts = 0;
      if (restarts >= maxRestarts) return giveUp(`${why} (gave up after ${restarts} restarts)`);
      const delay = baseDelay * 2 ** restarts;
      restarts += 1;
      state = 'starting';
      restartTimer = setTimeout(start, delay);
      restartTimer.unref();
    };
    proc.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish(`${command} is not installed`, false);
      else finish(`${command} failed: ${error.message}`, true);
    });
    // 'close', not 'exit': it comes after stdout and stderr are drained, so no last line is lost.
    proc.on('close', (code, signal) => {
      const said = stderr.trim().split('\n')[0] ?? '';
      // No session bus to talk to: restarting will not make one appear.
      if (!listening && /Failed to open connection/i.test(said)) return finish(said, false);
      finish(
        `${command} exited (${signal ?? `code ${code ?? '?'}`})${said ? `: ${said}` : ''}`,
        true,
      );
    });
  };

  start();

  return {
    get state() {
      return state;
    },
    get reason() {
      return reason;
    },
    get pid() {
      return child?.pid;
    },
    ready,
    dispose() {
      if (state === 'stopped') return;
      state = 'stopped';
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      const running = child;
      child = undefined;
      running?.kill('SIGTERM');
      resolveReady(false);
    },
  };
}
