import path from 'node:path';
import ElectronStore from 'electron-store';
import { ipcMain } from 'electron';
import type { SettingsBackend, SettingsBackendFactory } from '../storage/settings-backend';

/**
 * settings.json through electron-store in the app (the CLI uses conf on the same file).
 * Built lazily inside read()/write(): electron-store parses the file in its constructor, and the
 * settings store expects a damaged file to make read() throw so it can move the file aside.
 */
export const electronStoreBackend: SettingsBackendFactory = (dataDir: string): SettingsBackend => {
  let store: ElectronStore<Record<string, unknown>> | null = null;
  const open = () => {
    if (!store) {
      store = new ElectronStore<Record<string, unknown>>({
        cwd: dataDir,
        name: 'settings',
        // Never wipe a file we cannot read: the settings store moves it aside and tells the user.
        clearInvalidConfig: false,
        configFileMode: 0o600,
      });
      // electron-store answers this channel for any renderer, unchecked. We never use it from a
      // renderer, so it goes: every IPC listener in this app checks its sender (see ipc.ts).
      ipcMain.removeAllListeners('electron-store-get-data');
    }
    return store;
  };
  return {
    path: path.join(dataDir, 'settings.json'),
    read: () => open().store,
    write: (value) => {
      open().store = value;
    },
  };
};
