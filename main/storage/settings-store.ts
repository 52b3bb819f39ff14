/**
 * Validated settings. Whatever the file holds is parsed with the contract's schema; a damaged
 * file is moved aside (never silently replaced) and the app goes on with defaults, telling the
 * user where the old file went.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS_SCHEMA_VERSION, settingsSchema, type Settings } from '../../preload/contract';
import { moveAside, StorageError } from './atomic-file';
import type { SettingsBackend, SettingsBackendFactory } from './settings-backend';

export const SETTINGS_FILE = 'settings.json';

export function defaultSettings(): Settings {
  return settingsSchema.parse({ schemaVersion: SETTINGS_SCHEMA_VERSION });
}

export interface SettingsLoadResult {
  settings: Settings;
  /** Set when the file was damaged: what happened, for the user. */
  problem?: string;
}

export class SettingsStore {
  #backend: SettingsBackend | null = null;
  #settings: Settings = defaultSettings();

  constructor(
    private readonly dataDir: string,
    private readonly factory: SettingsBackendFactory,
  ) {}

  get path(): string {
    return join(this.dataDir, SETTINGS_FILE);
  }

  load(): SettingsLoadResult {
    const fresh = !existsSync(this.path);
    let raw: unknown;
    let problem: string | undefined;
    try {
      this.#backend = this.factory(this.dataDir);
      raw = this.#backend.read();
    } catch (err) {
      problem = `not valid JSON (${(err as Error).message.split('\n')[0]})`;
    }
    if (problem === undefined && !fresh) {
      const parsed = settingsSchema.safeParse(raw);
      if (parsed.success) {
        this.#settings = parsed.data;
        return { settings: this.#settings };
      }
      problem = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
    }
    this.#settings = defaultSettings();
    if (problem !== undefined) {
      const movedTo = moveAside(this.path);
      this.#backend = this.factory(this.dataDir);
      this.#write(this.#settings);
      return {
        settings: this.#settings,
        problem: `Settings file was damaged (${problem}). It was moved to ${movedTo}; default settings are in use.`,
      };
    }
    this.#write(this.#settings);
    return { settings: this.#settings };
  }

  get(): Settings {
    return this.#settings;
  }

  /** Validates the new settings and writes them; the in-memory copy changes only on success. */
  update(next: Settings): Settings {
    const valid = settingsSchema.parse(next);
    this.#write(valid);
    this.#settings = valid;
    return valid;
  }

  #write(value: Settings): void {
    if (!this.#backend)
      throw new StorageError('Settings were written before being loaded.', this.path);
    try {
      this.#backend.write(value as unknown as Record<string, unknown>);
    } catch (err) {
      if (err instanceof StorageError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOSPC' ? 'the disk is full' : (err as Error).message;
      throw new StorageError(`Could not save settings: ${why}.`, this.path, code);
    }
  }
}
