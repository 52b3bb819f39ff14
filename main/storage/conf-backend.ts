import Conf from 'conf';
import type { SettingsBackend, SettingsBackendFactory } from './settings-backend';

/**
 * settings.json through conf, outside Electron (CLI, tests, benchmark). The app uses
 * electron-store, which is conf with Electron defaults, on the same file.
 */
export const confSettingsBackend: SettingsBackendFactory = (dataDir: string): SettingsBackend => {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'settings',
    projectName: 'tray-timer',
    // Never wipe a file we cannot read: the settings store moves it aside and tells the user.
    clearInvalidConfig: false,
    configFileMode: 0o600,
  });
  return {
    path: conf.path,
    read: () => conf.store,
    write: (value) => {
      conf.store = value;
    },
  };
};
