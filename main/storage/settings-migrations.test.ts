/**
 * One test per settings migration, each with a real file of that version read through the
 * real SettingsStore, plus what happens with a file from a newer Tray Timer and a damaged
 * presence group.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS_SCHEMA_VERSION } from '../../preload/contract';
import { jsonFileSettingsBackend } from './json-file-backend';
import { MIGRATIONS, migrateSettings } from './settings-migrations';
import { SettingsStore } from './settings-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tt-settings-mig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (value: unknown) =>
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(value, null, 2));
const onDisk = () => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as unknown;
const load = () => new SettingsStore(dir, jsonFileSettingsBackend).load();

/** settings.json as Tray Timer 0.x (schema 1, issues 2–6) wrote it. */
const VERSION_1 = {
  schemaVersion: 1,
  accounts: [
    {
      id: 'toggl-1',
      provider: 'toggl',
      label: 'Work',
      options: { workspaceId: 123, email: 'ana@example.com' },
    },
  ],
  defaultAccountId: 'toggl-1',
  hotkeys: { toggleTimer: 'CommandOrControl+Alt+T', togglePopup: 'CommandOrControl+Alt+P' },
  theme: 'dark',
};

describe('migrations', () => {
  it('there is a step for every version before the current one', () => {
    for (let v = 1; v < SETTINGS_SCHEMA_VERSION; v++) expect(MIGRATIONS[v]).toBeTypeOf('function');
  });

  it('1 → 2: keeps accounts, default, hotkeys and theme; adds the presence defaults; writes the file back as version 2', () => {
    write(VERSION_1);
    const result = load();
    expect(result.problem).toBeUndefined();
    expect(result.settings).toEqual({
      ...VERSION_1,
      schemaVersion: 2,
      idle: { enabled: true, thresholdMinutes: 5 },
      reminders: {
        enabled: false,
        afterMinutes: 15,
        weekdays: [1, 2, 3, 4, 5],
        from: '09:00',
        to: '18:00',
      },
      pomodoro: {
        enabled: false,
        workMinutes: 25,
        shortBreakMinutes: 5,
        longBreakMinutes: 15,
        longBreakEvery: 4,
        stopDuringBreaks: false,
      },
      launchAtLogin: true,
      notifications: true,
    });
    expect(onDisk()).toEqual(result.settings);
    // Nothing was moved aside: an upgrade is not damage.
    expect(readdirSync(dir)).toEqual(['settings.json']);
    // And the next start reads version 2 as it is.
    expect(load().settings).toEqual(result.settings);
  });

  it('a version 1 file with a damaged value is migrated, then only that value is reset', () => {
    write({ ...VERSION_1, theme: 'purple' });
    const result = load();
    expect(result.problem).toMatch(/^Settings file was damaged \(theme: /);
    expect(result.settings.theme).toBe('system');
    expect(result.settings.accounts).toEqual(VERSION_1.accounts);
    expect(result.settings.idle).toEqual({ enabled: true, thresholdMinutes: 5 });
  });
});

describe('files the migrations cannot read', () => {
  it('a file from a newer Tray Timer is kept aside, its readable values used, and the user told', () => {
    write({ ...VERSION_1, schemaVersion: 3, idle: { enabled: false, thresholdMinutes: 12 } });
    const result = load();
    expect(result.problem).toMatch(
      /^Settings file was damaged \(it was written by a newer Tray Timer \(settings version 3; this one knows 2\)\)\. It was moved to .*settings\.json\.corrupt-/,
    );
    expect(result.settings.accounts).toEqual(VERSION_1.accounts);
    expect(result.settings.idle).toEqual({ enabled: false, thresholdMinutes: 12 });
    expect(readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'))).toHaveLength(1);
  });

  it('a file without a version is validated as it is (and salvaged)', () => {
    expect(migrateSettings({ accounts: [] })).toEqual({ kind: 'unknown', raw: { accounts: [] } });
    expect(migrateSettings('nonsense')).toEqual({ kind: 'unknown', raw: 'nonsense' });
  });

  it('one damaged presence group resets that group only', () => {
    write({
      ...VERSION_1,
      schemaVersion: 2,
      idle: { enabled: true, thresholdMinutes: 9 },
      reminders: { enabled: true, afterMinutes: 30, weekdays: [1, 3], from: '08:00', to: '12:00' },
      pomodoro: { enabled: true, workMinutes: 0 },
      launchAtLogin: false,
      notifications: 'yes',
    });
    const { settings, problem } = load();
    expect(problem).toMatch(/pomodoro\.workMinutes/);
    expect(settings.idle.thresholdMinutes).toBe(9);
    expect(settings.reminders).toEqual({
      enabled: true,
      afterMinutes: 30,
      weekdays: [1, 3],
      from: '08:00',
      to: '12:00',
    });
    expect(settings.pomodoro.workMinutes).toBe(25);
    expect(settings.launchAtLogin).toBe(false);
    expect(settings.notifications).toBe(true);
  });
});
