/**
 * A D-Bus session bus of the test file's own: signals are broadcast to every monitor on a bus,
 * so two test files sharing test/run-tests.sh's bus (vitest runs files in parallel) would hear
 * each other's locks. dbus-daemon is the one the D-Bus tools come with (Debian's dbus-daemon).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface PrivateBus {
  /** process.env with DBUS_SESSION_BUS_ADDRESS pointing at this bus. */
  env: NodeJS.ProcessEnv;
  /** dbus-send --session --type=signal PATH INTERFACE.MEMBER [ARG…] on this bus. */
  signal(objectPath: string, member: string, ...args: string[]): Promise<void>;
  close(): void;
}

/** Starts `dbus-daemon --session` and waits for its address (bounded: 5 s). */
export async function startPrivateBus(): Promise<PrivateBus> {
  const daemon: ChildProcess = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--nopidfile', '--print-address=1'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dbus-daemon gave no address in 5 s')), 5000);
    daemon.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (!daemon.stdout) return reject(new Error('dbus-daemon has no stdout'));
    createInterface({ input: daemon.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address };
  return {
    env,
    async signal(objectPath, member, ...args) {
      await execFileAsync(
        'dbus-send',
        ['--session', '--type=signal', objectPath, member, ...args],
        {
          env,
        },
      );
    },
    close() {
      daemon.kill('SIGTERM');
    },
  };
}

/** Whether dbus-daemon, dbus-monitor and dbus-send are installed (the CI installs `dbus`). */
export async function dbusToolsInstalled(): Promise<boolean> {
  try {
    await execFileAsync('sh', [
      '-c',
      'command -v dbus-daemon && command -v dbus-monitor && command -v dbus-send',
    ]);
    return true;
  } catch {
    return false;
  }
}
