/**
 * Settings files from older versions of Tray Timer, brought up to date one step at a time
 * before they are validated. Each step is a pure function of the file's JSON; each has a test
 * (settings-migrations.test.ts) with a real file of that version.
 */
import {
  DEFAULT_IDLE,
  DEFAULT_POMODORO,
  DEFAULT_REMINDERS,
  SETTINGS_SCHEMA_VERSION,
} from '../../preload/contract';

export type RawSettings = Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n file into a version n+1 file. */
export const MIGRATIONS: Readonly<Record<number, (raw: RawSettings) => RawSettings>> = {
  /**
   * 1 → 2 (presence): idle detection on with a 5-minute threshold, reminders and pomodoro off,
   * notifications on, and launch at login on: whoever upgrades has run Tray Timer before, which
   * is when login start is switched on by default.
   */
  1: (raw) => ({
    ...raw,
    schemaVersion: 2,
    idle: { ...DEFAULT_IDLE },
    reminders: { ...DEFAULT_REMINDERS, weekdays: [...DEFAULT_REMINDERS.weekdays] },
    pomodoro: { ...DEFAULT_POMODORO },
    launchAtLogin: true,
    notifications: true,
  }),
};

export type MigrationResult =
  | { kind: 'current'; raw: unknown }
  | { kind: 'migrated'; raw: RawSettings; from: number }
  /** Written by a newer Tray Timer: not touched here; the caller keeps what it can read. */
  | { kind: 'newer'; raw: RawSettings; version: number }
  /** No version we know of (damaged or hand-written): validated as it is. */
  | { kind: 'unknown'; raw: unknown };

const isRecord = (v: unknown): v is RawSettings =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function migrateSettings(raw: unknown): MigrationResult {
  if (!isRecord(raw)) return { kind: 'unknown', raw };
  const version = raw.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { kind: 'unknown', raw };
  if (version === SETTINGS_SCHEMA_VERSION) return { kind: 'current', raw };
  if (version > SETTINGS_SCHEMA_VERSION) return { kind: 'newer', raw, version };
  let value: RawSettings = raw;
  for (let v = version; v < SETTINGS_SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return { kind: 'unknown', raw };
    value = step(value);
  }
  return { kind: 'migrated', raw: value, from: version };
}
