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
 * Whether anything would send those signals: each interface is also the bus name its screen
 * locker owns. Lockers that speak no D-Bus (swaylock and the other wlroots lockers, i3lock)
 * own none of them, and then a lock is never heard. So the watcher also follows who owns those
 * names (`ListNames` through dbus-send once the monitor listens, then `NameOwnerChanged` in the
 * same monitor, so a locker that starts after the app at login is seen) and `lockers` says
 * which are there; with none, Preferences can say that locks are not reported here.
 *
 * Plain Node (no electron import), so the tests run it against a real private session bus.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The screensaver interfaces whose `ActiveChanged(boolean)` means "locked" / "unlocked"; each
 * is also the well-known bus name of the service that sends it.
 */
export const SCREENSAVER_INTERFACES = [
  'org.gnome.ScreenSaver',
  'org.freedesktop.ScreenSaver',
  'org.cinnamon.ScreenSaver',
  'org.mate.ScreenSaver',
  'org.xfce.ScreenSaver',
] as const;

/**
 * dbus-monitor's arguments: the session bus, one signal match rule per interface, and one per
 * screensaver name for the bus's NameOwnerChanged (a locker starting or going away).
 */
export function monitorArgs(): string[] {
  return [
    '--session',
    ...SCREENSAVER_INTERFACES.map(
      (iface) => `type='signal',interface='${iface}',member='ActiveChanged'`,
    ),
    ...SCREENSAVER_INTERFACES.map(
      (name) =>
        `type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${name}'`,
    ),
  ];
}

/** What a run of dbus-monitor lines says. */
export type MonitorEvent =
  | { kind: 'lock' }
  | { kind: 'unlock' }
  /** A screensaver name got an owner (`owned`) or lost it. */
  | { kind: 'owner'; name: string; owned: boolean };

const isScreensaver = (name: string) =>
  (SCREENSAVER_INTERFACES as readonly string[]).includes(name);

/** `   string "org.gnome.ScreenSaver"` → the string; anything else → null. */
function stringArgument(line: string): string | null {
  const m = /^\s+string "((?:[^"\\]|\\.)*)"\s*$/.exec(line);
  return m ? (m[1] ?? '') : null;
}

/**
 * Reads dbus-monitor's default output. A signal is a header line
 *   signal time=… sender=:1.12 -> destination=(null destination) serial=… path=/ScreenSaver;
 *   interface=org.freedesktop.ScreenSaver; member=ActiveChanged
 * followed by one indented line per argument (`   boolean true`). The bus's NameOwnerChanged
 * has three strings: the name, the old owner, the new owner ("" for none). Anything else (the
 * bus's own NameAcquired/NameLost, other signals, a half line) is ignored. Pure and line-fed.
 */
export function createMonitorParser(): (line: string) => MonitorEvent | null {
  let expecting: 'active' | 'owner' | null = null;
  let owner: string[] = [];
  return (line) => {
    const header = /^signal .*; interface=([\w.]+); member=(\w+)\s*$/.exec(line);
    if (header) {
      const iface = header[1] ?? '';
      const member = header[2] ?? '';
      expecting =
        member === 'ActiveChanged' && isScreensaver(iface)
          ? 'active'
          : member === 'NameOwnerChanged' && iface === 'org.freedesktop.DBus'
            ? 'owner'
            : null;
      owner = [];
      return null;
    }
    if (expecting === 'active') {
      // Only the first argument counts; the next line, whatever it is, ends the expectation.
      expecting = null;
      const argument = /^\s+boolean (true|false)\s*$/.exec(line);
      if (!argument) return null;
      return argument[1] === 'true' ? { kind: 'lock' } : { kind: 'unlock' };
    }
    if (expecting === 'owner') {
      const value = stringArgument(line);
      if (value === null) {
        expecting = null;
        return null;
      }
      owner.push(value);
      if (owner.length < 3) return null;
      expecting = null;
      const [name = '', , newOwner = ''] = owner;
      return isScreensaver(name) ? { kind: 'owner', name, owned: newOwner !== '' } : null;
    }
    return null;
  };
}

/** The screensaver names among dbus-send's printed reply to ListNames. */
export function screensaverOwners(listNamesReply: string): string[] {
  const names = new Set(
    listNamesReply
      .split('\n')
      .map(stringArgument)
      .filter((n): n is string => n !== null),
  );
  return SCREENSAVER_INTERFACES.filter((name) => names.has(name));
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
  /**
   * The screensaver names that have an owner on the bus now (a locker that announces locks),
   * or null while not known (not asked yet, or dbus-send could not ask).
   */
  readonly lockers: readonly string[] | null;
  /** Resolves once the first answer about lockers is in (or there will be none). */
  readonly lockersKnown: Promise<void>;
  dispose(): void;
}

export interface ScreenLockWatchOptions {
  onLock(): void;
  onUnlock(): void;
  /** Told once, when the watcher gives up (the reason is for a log line). */
  onUnavailable?(reason: string): void;
  /** The program to run; tests point it at a missing one. Default: dbus-monitor on PATH. */
  command?: string;
  /** The program that asks the bus who owns the names. Default: dbus-send on PATH. */
  sendCommand?: string;
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
  // Owned screensaver names; null until the first ListNames answer.
  let owners: Set<string> | null = null;
  let resolveLockersKnown: () => void = () => undefined;
  // What the monitor heard change while a ListNames answer is on its way (name → owned).
  let changedSinceAsked: Map<string, boolean> | null = null;
  const lockersKnown = new Promise<void>((resolve) => (resolveLockersKnown = resolve));

  /**
   * Asks the bus who owns the names, after the monitor listens: a change the monitor hears
   * while the answer is on its way is newer than the answer and wins over it.
   */
  const askOwners = (proc: ChildProcess) => {
    const changed = new Map<string, boolean>();
    changedSinceAsked = changed;
    execFile(
      options.sendCommand ?? 'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.ListNames',
      ],
      { env: options.env ?? process.env, timeout: 5000 },
      (error, stdout) => {
        if (changedSinceAsked === changed) changedSinceAsked = null;
        if (child !== proc || state === 'stopped') return resolveLockersKnown();
        // Could not ask (no dbus-send): whether a locker is there stays unknown.
        if (error) return resolveLockersKnown();
        const next = new Set(screensaverOwners(stdout));
        for (const [name, owned] of changed) {
          if (owned) next.add(name);
          else next.delete(name);
        }
        owners = next;
        resolveLockersKnown();
      },
    );
  };
  const ownerChanged = (name: string, owned: boolean) => {
    changedSinceAsked?.set(name, owned);
    // Before the first answer, a change alone says nothing about the other names.
    if (owned) owners?.add(name);
    else owners?.delete(name);
  };

  const giveUp = (why: string) => {
    if (state === 'stopped' || state === 'unavailable') return;
    state = 'unavailable';
    reason = why;
    resolveReady(false);
    resolveLockersKnown();
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
        askOwners(proc);
      }
      const event = parse(line);
      if (event?.kind === 'lock') options.onLock();
      else if (event?.kind === 'unlock') options.onUnlock();
      else if (event?.kind === 'owner') ownerChanged(event.name, event.owned);
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
    get lockers() {
      return owners ? SCREENSAVER_INTERFACES.filter((name) => owners?.has(name)) : null;
    },
    lockersKnown,
    dispose() {
      if (state === 'stopped') return;
      state = 'stopped';
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      const running = child;
      child = undefined;
      running?.kill('SIGTERM');
      resolveReady(false);
      resolveLockersKnown();
    },
  };
}
