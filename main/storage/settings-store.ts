/**
 * Validated settings. Whatever the file holds is parsed with the contract's schema; a damaged
 * file is moved aside (never silently replaced) and the app goes on with defaults, telling the
 * user where the old file went.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  accountConfigSchema,
  accountIdSchema,
  acceleratorSchema,
  DEFAULT_HOTKEYS,
  HOTKEY_ACTIONS,
  idleSettingsSchema,
  pomodoroSettingsSchema,
  reminderSettingsSchema,
  SETTINGS_SCHEMA_VERSION,
  settingsSchema,
  themeSchema,
  type AccountConfig,
  type Settings,
} from '../../preload/contract';
import { moveAside, removeStaleTempFiles, StorageError } from './atomic-file';
import type { SettingsBackend, SettingsBackendFactory } from './settings-backend';
import { migrateSettings } from './settings-migrations';

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
  /**
   * The file on disk is a damaged one: the next write moves it aside first, so its bytes are
   * never overwritten, and puts it back when that write fails (a full disk), so a restart reads
   * it again instead of finding no settings at all.
   */
  #damagedOnDisk = false;
  #movedTo: string | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly factory: SettingsBackendFactory,
  ) {}

  get path(): string {
    return join(this.dataDir, SETTINGS_FILE);
  }

  /**
   * Reads and validates the file. Never throws: a damaged file is moved aside (its readable
   * parts kept), and a file that cannot be written now (full disk) is reported, not fatal: the
   * app must open to show the problem.
   */
  load(): SettingsLoadResult {
    removeStaleTempFiles(this.path);
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
      const migration = migrateSettings(raw);
      raw = migration.raw;
      const parsed = settingsSchema.safeParse(raw);
      if (parsed.success) {
        this.#settings = parsed.data;
        // An upgraded file is written back at once, so the next start reads the current version.
        if (migration.kind === 'migrated') return { settings: this.#settings, ...this.#tryWrite() };
        return { settings: this.#settings };
      }
      problem =
        migration.kind === 'newer'
          ? `it was written by a newer Tray Timer (settings version ${migration.version}; this one knows ${SETTINGS_SCHEMA_VERSION})`
          : parsed.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
              .join('; ');
    }
    if (problem === undefined) {
      this.#settings = defaultSettings();
      return { settings: this.#settings, ...this.#tryWrite() };
    }
    const salvaged = salvageSettings(raw);
    this.#settings = salvaged.settings;
    this.#damagedOnDisk = true;
    const failed = this.#tryWrite().problem;
    if (failed) {
      return {
        settings: this.#settings,
        problem: `Settings file was damaged (${problem}); ${salvaged.summary} ${failed} The damaged file stays where it is until it can be replaced.`,
      };
    }
    return {
      settings: this.#settings,
      problem: `Settings file was damaged (${problem}). It was moved to ${this.#movedTo}; ${salvaged.summary}`,
    };
  }

  #tryWrite(): { problem?: string } {
    try {
      this.#write(this.#settings);
      return {};
    } catch (err) {
      return { problem: `${(err as Error).message} Changes cannot be saved until this is fixed.` };
    }
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
    let movedTo: string | undefined;
    try {
      if (this.#damagedOnDisk && existsSync(this.path)) {
        movedTo = moveAside(this.path);
        // electron-store keeps what it parsed: a fresh backend starts from no file.
        this.#backend = this.factory(this.dataDir);
      }
      this.#backend.write(value as unknown as Record<string, unknown>);
    } catch (err) {
      if (movedTo) {
        try {
          renameSync(movedTo, this.path);
        } catch {
          // Then it stays aside under its timestamped name; nothing is lost either way.
        }
      }
      if (err instanceof StorageError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOSPC' ? 'the disk is full' : (err as Error).message;
      throw new StorageError(`Could not save settings.json: ${why}.`, this.path, code);
    }
    if (this.#damagedOnDisk) {
      this.#damagedOnDisk = false;
      this.#movedTo = movedTo;
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every setting of a damaged file that is still valid on its own, defaults for the rest: one
 * wrong value (a hand-edited theme, a shortcut from another OS) must not cost the user their
 * accounts. Secrets are in the keychain under the account ids, so kept accounts keep working.
 */
export function salvageSettings(raw: unknown): { settings: Settings; summary: string } {
  const defaults = defaultSettings();
  if (!isRecord(raw)) return { settings: defaults, summary: 'default settings are in use.' };
  const accounts: AccountConfig[] = [];
  const rawAccounts = Array.isArray(raw.accounts) ? raw.accounts : [];
  for (const candidate of rawAccounts) {
    const parsed = accountConfigSchema.safeParse(candidate);
    if (
      parsed.success &&
      parsed.data.id !== 'local' &&
      !accounts.some((a) => a.id === parsed.data.id)
    )
      accounts.push(parsed.data);
  }
  const hotkeys = { ...DEFAULT_HOTKEYS };
  if (isRecord(raw.hotkeys)) {
    for (const action of HOTKEY_ACTIONS) {
      const parsed = acceleratorSchema.safeParse(raw.hotkeys[action]);
      if (parsed.success) hotkeys[action] = parsed.data;
    }
  }
  const defaultAccount = accountIdSchema.safeParse(raw.defaultAccountId);
  const theme = themeSchema.safeParse(raw.theme);
  // Each presence group stands or falls on its own: a bad pomodoro length keeps the reminders.
  const group = <T>(
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
    value: unknown,
    fallback: T,
  ): T => {
    const parsed = schema.safeParse(
      isRecord(value) ? { ...(fallback as object), ...value } : value,
    );
    return parsed.success ? parsed.data : fallback;
  };
  const flag = (value: unknown, fallback: boolean) =>
    typeof value === 'boolean' ? value : fallback;
  const settings = settingsSchema.parse({
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    accounts,
    defaultAccountId: defaultAccount.success ? defaultAccount.data : defaults.defaultAccountId,
    hotkeys,
    theme: theme.success ? theme.data : defaults.theme,
    idle: group(idleSettingsSchema, raw.idle, defaults.idle),
    reminders: group(reminderSettingsSchema, raw.reminders, defaults.reminders),
    pomodoro: group(pomodoroSettingsSchema, raw.pomodoro, defaults.pomodoro),
    launchAtLogin: flag(raw.launchAtLogin, defaults.launchAtLogin),
    notifications: flag(raw.notifications, defaults.notifications),
  });
  const lost = rawAccounts.length - accounts.length;
  const kept = `${accounts.length} account${accounts.length === 1 ? '' : 's'}`;
  const summary =
    lost > 0
      ? `${kept} kept, ${lost} damaged account${lost === 1 ? '' : 's'} left out (add ${lost === 1 ? 'it' : 'them'} again); other damaged values were reset to their defaults.`
      : `${kept} and every valid setting were kept; damaged values were reset to their defaults.`;
  return { settings, summary };
}
