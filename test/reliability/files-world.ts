/**
 * A data folder as a user has it after some work, for the damaged-file and full-disk suites:
 * settings with a connected Toggl account (against the fake Toggl over real HTTP) and a chosen
 * theme, Local entries (one done, one running) and Toggl's cache files. Every core is the real
 * one (openCore), so what the suites check is what the popup, tray and CLI would show.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountState, Command, CommandResult, Snapshot } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { startFakeToggl, type FakeToggl } from '../fakes/toggl-server';
import { VirtualClock } from '../support/virtual-clock';

export const TOKEN = '1971800d4d82861d8f2c1651fea4d212';
export const T0 = Date.parse('2026-11-27T09:00:00Z');

/** The files of a seeded folder, relative to it. */
export const FILES = {
  settings: 'settings.json',
  entries: join('local', 'entries.json'),
  togglState: join('cache', 'toggl', 'state.json'),
  togglQuota: join('cache', 'toggl', 'quota.json'),
} as const;
export type FileKey = keyof typeof FILES;

export function account(snapshot: Snapshot, id: string): AccountState {
  const found = snapshot.accounts.find((a) => a.id === id);
  if (!found) throw new Error(`no account ${id} in ${snapshot.accounts.map((a) => a.id).join()}`);
  return found;
}

export async function ok(
  core: Core,
  command: Command,
): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await core.execute(command);
  if (!result.ok) throw new Error(`${command.type} failed: ${JSON.stringify(result.error)}`);
  return result;
}

/** Files whose name marks them as moved aside (`<name>.corrupt-<timestamp>`), under `dir`. */
export function corruptFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/.test(f))
    .sort();
}

/** Leftover temp files of atomic writes (`.<name>.<pid>.<ms>.tmp`), under `dir`. */
export function tempFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /(^|\/)\.[^/]+\.\d+\.\d+\.tmp$/.test(f))
    .sort();
}

export interface FilesWorld {
  dir: string;
  clock: VirtualClock;
  fake: FakeToggl;
  /** One store for every core of the world: the secret survives a "restart" like a keychain. */
  secrets: MemorySecretStore;
  open(dataDir?: string): Promise<Core>;
  read(key: FileKey): Buffer;
  close(): Promise<void>;
}

export async function filesWorld(baseDir?: string): Promise<FilesWorld> {
  const dir = baseDir ?? mkdtempSync(join(tmpdir(), 'tray-timer-files-'));
  const clock = new VirtualClock(T0);
  const fake = await startFakeToggl({ now: () => clock.now() });
  fake.addUser({ token: TOKEN, email: 'ada@example.com', workspaceName: 'Acme' });
  const secrets = new MemorySecretStore();
  const opened: Core[] = [];
  return {
    dir,
    clock,
    fake,
    secrets,
    open: async (dataDir = dir) => {
      const core = await openCore({ dataDir, secrets, clock, mode: 'oneshot' });
      opened.push(core);
      return core;
    },
    read: (key) => readFileSync(join(dir, FILES[key])),
    close: async () => {
      await Promise.all(opened.map((c) => c.close()));
      await fake.close();
      if (!baseDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A day's work: Toggl connected, theme dark, Local "Write" done (09:00–09:30) and "Review"
 * running since 09:30, Toggl "Call" running since 09:30. Every file exists afterwards.
 */
export async function seed(world: FilesWorld): Promise<void> {
  const core = await world.open();
  await ok(core, {
    type: 'accounts.add',
    input: { provider: 'toggl', secret: TOKEN, baseUrl: world.fake.baseUrl, options: {} },
  });
  await ok(core, { type: 'settings.update', input: { theme: 'dark' } });
  await ok(core, { type: 'start', input: { accountId: 'local', description: 'Write' } });
  await world.clock.advance(30 * 60_000);
  await ok(core, { type: 'stop', input: { accountId: 'local' } });
  await ok(core, { type: 'start', input: { accountId: 'local', description: 'Review' } });
  await ok(core, { type: 'start', input: { accountId: 'toggl', description: 'Call' } });
  await core.close();
}

/** What the user sees of the seeded work, to compare before and after damage. */
export function seen(snapshot: Snapshot, accountId: string) {
  const a = account(snapshot, accountId);
  return {
    running: a.entry?.description ?? null,
    recent: a.recent.map((e) => e.description),
    error: a.error,
  };
}
