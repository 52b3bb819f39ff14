import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-file';
import type { SettingsBackend, SettingsBackendFactory } from './settings-backend';

/**
 * settings.json outside Electron (CLI, tests, benchmark): plain JSON, written atomically like
 * electron-store writes it in the app, so both read the same file. Not conf: loading conf (ajv,
 * semver…) cost the CLI ~25 ms on every `status`, and nothing of it is needed to read one file.
 */
export const jsonFileSettingsBackend: SettingsBackendFactory = (
  dataDir: string,
): SettingsBackend => {
  const path = join(dataDir, 'settings.json');
  return {
    path,
    read: () => {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as unknown;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw err;
      }
    },
    write: (value) => writeJsonAtomic(path, value),
  };
};
