/**
 * Damaged files through the real core: each of settings.json, local/entries.json and Toggl's
 * cache/toggl/state.json and quota.json is truncated, emptied, filled with garbage, given one
 * wrong value, or left with a crashed write's temp file next to it. Each time the app opens, the
 * damaged file is moved aside as <name>.corrupt-<timestamp> with its bytes unchanged, a notice
 * names the file and where it went, the other files are untouched and still shown, and start and
 * stop work afterwards.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import {
  account,
  corruptFiles,
  FILES,
  filesWorld,
  ok,
  seed,
  seen,
  tempFiles,
  type FileKey,
  type FilesWorld,
} from './files-world';

/** Deterministic garbage: not JSON, with NULs and invalid UTF-8 in it. */
function garbage(length: number, seedValue = 7): Buffer {
  const out = Buffer.alloc(length);
  let x = seedValue;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >> 16;
  }
  return out;
}

/** One wrong value in an otherwise valid file (a hand edit, a bug in another version). */
const WRONG_FIELD: Record<FileKey, (file: Record<string, unknown>) => void> = {
  settings: (f) => (f.theme = 'purple'),
  entries: (f) => {
    const entries = f.entries as Record<string, unknown>[];
    if (entries[0]) entries[0].start = 'yesterday-ish';
  },
  togglState: (f) => (f.running = 'not an entry'),
  togglQuota: (f) => {
    const user = (f.buckets as Record<string, Record<string, unknown> | undefined>).user;
    if (user) user.log = 'many';
  },
};

type Damage = 'truncated' | 'zero-byte' | 'garbage' | 'wrong-field';
const DAMAGES: Record<Damage, (original: Buffer, key: FileKey) => Buffer> = {
  truncated: (original) => original.subarray(0, Math.floor(original.length / 2)),
  'zero-byte': () => Buffer.alloc(0),
  garbage: () => garbage(512),
  'wrong-field': (original, key) => {
    const file = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
    WRONG_FIELD[key](file);
    return Buffer.from(JSON.stringify(file, null, 2));
  },
};

/** A pid that no process has (beyond Linux's pid_max). */
const DEAD_PID = 999_999_999;

let world: FilesWorld;
let pristine: Record<FileKey, Buffer>;

beforeEach(async () => {
  world = await filesWorld();
  await seed(world);
  pristine = {
    settings: world.read('settings'),
    entries: world.read('entries'),
    togglState: world.read('togglState'),
    togglQuota: world.read('togglQuota'),
  };
});

afterEach(async () => {
  await world.close();
});

const pathOf = (key: FileKey) => join(world.dir, FILES[key]);

/** The notice that names `aside` (the moved file's full path). */
function noticeNaming(snapshot: Snapshot, aside: string) {
  return snapshot.notices.find((n) => n.message.includes(aside));
}

/** Start and stop on Local (and Toggl when connected) work after the damage. */
async function actionsWork(core: Core): Promise<void> {
  const ids = core.snapshot().accounts.map((a) => a.id);
  for (const accountId of ids) {
    const started = await ok(core, { type: 'start', input: { accountId, description: 'After' } });
    expect(account(started.snapshot, accountId).entry?.description).toBe('After');
    const stopped = await ok(core, { type: 'stop', input: { accountId } });
    expect(account(stopped.snapshot, accountId).running).toBe(false);
  }
}

const SEEDED_LOCAL = { running: 'Review', recent: ['Write'], error: null };
const SEEDED_TOGGL = { running: 'Call', error: null };

describe('a damaged file is moved aside, reported, and nothing else is touched', () => {
  const keys = Object.keys(FILES) as FileKey[];
  for (const key of keys) {
    for (const damage of Object.keys(DAMAGES) as Damage[]) {
      it(`${FILES[key]}: ${damage}`, async () => {
        const damaged = DAMAGES[damage](pristine[key], key);
        writeFileSync(pathOf(key), damaged);

        const core = await world.open();
        const snapshot = core.snapshot();

        // Moved aside, next to where it was, byte for byte.
        const aside = corruptFiles(world.dir);
        expect(aside).toHaveLength(1);
        const moved = aside[0] ?? '';
        expect(dirname(moved)).toBe(dirname(FILES[key]));
        expect(basename(moved)).toMatch(new RegExp(`^${basename(FILES[key])}\\.corrupt-`));
        const asidePath = join(world.dir, moved);
        expect(readFileSync(asidePath).equals(damaged)).toBe(true);

        // The user is told which file, what was wrong, and where it went.
        const notice = noticeNaming(snapshot, asidePath);
        expect(notice, JSON.stringify(snapshot.notices)).toBeDefined();
        expect(notice?.level).toBe('warning');
        expect(notice?.message).toMatch(/damaged/);
        if (damage === 'wrong-field') expect(notice?.message).not.toMatch(/not valid JSON/);
        else expect(notice?.message).toMatch(/not valid JSON/);

        // The other files: unchanged on disk (settings and entries are not rewritten on read)…
        for (const other of keys.filter((k) => k !== key)) {
          if (other === 'settings' || other === 'entries')
            expect(world.read(other).equals(pristine[other]), other).toBe(true);
          else expect(existsSync(pathOf(other)), other).toBe(true);
        }
        // …and what the user sees of them is what was there.
        if (key !== 'entries') expect(seen(snapshot, 'local')).toEqual(SEEDED_LOCAL);
        if (key !== 'settings') {
          expect(core.settings().theme).toBe('dark');
          expect(seen(snapshot, 'toggl')).toMatchObject(SEEDED_TOGGL);
        }

        // What of the damaged file itself survives.
        if (key === 'settings') {
          if (damage === 'wrong-field') {
            // One bad value costs that value only: the account stays connected.
            expect(core.settings().theme).toBe('system');
            expect(seen(snapshot, 'toggl')).toMatchObject(SEEDED_TOGGL);
            expect(notice?.message).toContain('theme');
            expect(notice?.message).toContain('1 account and every valid setting were kept');
          } else {
            expect(snapshot.accounts.map((a) => a.id)).toEqual(['local']);
            expect(notice?.message).toContain('default settings are in use');
          }
        }
        if (key === 'entries') {
          if (damage === 'wrong-field') {
            expect(seen(snapshot, 'local')).toEqual({ running: 'Review', recent: [], error: null });
            expect(notice?.message).toContain('1 entries were kept; 1 damaged record was left out');
          } else {
            expect(seen(snapshot, 'local')).toEqual({ running: null, recent: [], error: null });
          }
        }

        await actionsWork(core);
        await core.close();

        // A restart finds healthy files: no new notice, nothing more moved aside.
        const again = await world.open();
        expect(again.snapshot().notices).toEqual([]);
        expect(corruptFiles(world.dir)).toEqual(aside);
      });
    }

    it(`${FILES[key]}: a crashed write's temp file next to it`, async () => {
      // The process died between writing the temp file and renaming it: the target is the last
      // complete version, the temp file a write nobody was told had happened.
      const dir = dirname(pathOf(key));
      const name = basename(FILES[key]);
      const deadTemp = join(dir, `.${name}.${DEAD_PID}.${Date.now() - 1000}.tmp`);
      const ownTemp = join(dir, `.${name}.${process.pid}.${Date.now() - 1000}.tmp`);
      writeFileSync(deadTemp, pristine[key].subarray(0, 40));
      writeFileSync(ownTemp, '');

      const core = await world.open();
      const snapshot = core.snapshot();
      expect(snapshot.notices).toEqual([]);
      expect(corruptFiles(world.dir)).toEqual([]);
      // Left-overs are cleared so they never pile up; the target file was used as it was.
      expect(tempFiles(world.dir)).toEqual([]);
      if (key === 'settings' || key === 'entries')
        expect(world.read(key).equals(pristine[key])).toBe(true);
      expect(seen(snapshot, 'local')).toEqual(SEEDED_LOCAL);
      expect(seen(snapshot, 'toggl')).toMatchObject(SEEDED_TOGGL);
      expect(core.settings().theme).toBe('dark');
      await actionsWork(core);
    });
  }

  it("keeps another running process's fresh temp file (its write may be under way)", async () => {
    const dir = dirname(pathOf('entries'));
    // The parent of this test process: alive for the whole test.
    const live = join(dir, `.entries.json.${process.ppid}.${Date.now()}.tmp`);
    writeFileSync(live, '{"version":1');
    const core = await world.open();
    expect(seen(core.snapshot(), 'local')).toEqual(SEEDED_LOCAL);
    expect(existsSync(live)).toBe(true);
  });

  // Each problem has its own notice: a second damaged file does not hide the first.
  it('two damaged cache files of one account: both are reported', async () => {
    writeFileSync(pathOf('togglState'), '');
    writeFileSync(pathOf('togglQuota'), '{');
    const core = await world.open();
    const aside = corruptFiles(world.dir).map((f) => join(world.dir, f));
    expect(aside).toHaveLength(2);
    const snapshot = core.snapshot();
    for (const path of aside)
      expect(
        noticeNaming(snapshot, path),
        `${path}: ${JSON.stringify(snapshot.notices)}`,
      ).toBeDefined();
  });

  it('every file damaged at once: the app still opens and works', async () => {
    for (const key of Object.keys(FILES) as FileKey[]) writeFileSync(pathOf(key), garbage(300, 3));
    const core = await world.open();
    expect(corruptFiles(world.dir)).toHaveLength(2 /* toggl's cache is not read: no account */);
    expect(core.snapshot().accounts.map((a) => a.id)).toEqual(['local']);
    await actionsWork(core);
  });

  it('after a damaged settings.json, reconnecting Toggl finds its cache and its work again', async () => {
    writeFileSync(pathOf('settings'), pristine.settings.subarray(0, 100));
    const core = await world.open();
    expect(core.snapshot().accounts.map((a) => a.id)).toEqual(['local']);
    const added = await ok(core, {
      type: 'accounts.add',
      input: {
        provider: 'toggl',
        secret: '1971800d4d82861d8f2c1651fea4d212',
        baseUrl: world.fake.baseUrl,
        options: {},
      },
    });
    expect(seen(added.snapshot, 'toggl')).toMatchObject(SEEDED_TOGGL);
    expect(seen(added.snapshot, 'local')).toEqual(SEEDED_LOCAL);
  });
});
