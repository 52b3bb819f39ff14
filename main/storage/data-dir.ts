/**
 * Where Tray Timer keeps its files. Computed without Electron so the CLI finds the same folder as
 * the app (the app calls app.setPath('userData', …) with this value).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export const DATA_DIR_ENV = 'TRAY_TIMER_HOME';

export function resolveDataDir(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  homedir: string,
): string {
  const override = env[DATA_DIR_ENV]?.trim();
  if (override) return override;
  switch (platform) {
    case 'darwin':
      return join(homedir, 'Library', 'Application Support', 'tray-timer');
    case 'win32':
      return join(env.APPDATA?.trim() || join(homedir, 'AppData', 'Roaming'), 'tray-timer');
    default:
      return join(env.XDG_CONFIG_HOME?.trim() || join(homedir, '.config'), 'tray-timer');
  }
}

/**
 * The control socket: a Unix socket inside the data folder (the folder is 0700), or on Windows a
 * named pipe whose name is derived from the data folder so two data folders never collide.
 */
export function controlSocketPath(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32') {
    const id = createHash('sha256').update(dataDir.toLowerCase()).digest('hex').slice(0, 16);
    return `\\\\.\\pipe\\tray-timer-${id}`;
  }
  return join(dataDir, 'control.sock');
}

/** The control token the running app writes and the CLI reads (see main/control/control-token.ts). */
export function controlTokenPath(dataDir: string): string {
  return join(dataDir, 'control.token');
}
