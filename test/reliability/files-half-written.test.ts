/**
 * Half-written files: local/entries.json cut at EVERY byte offset, settings.json and Toggl's
 * state.json at a sample of offsets (every 5th byte, and the first and last few), each in a fresh
 * copy of a seeded data folder, each opened by the real core. Whatever the cut, the app opens, a
 * file that no longer validates is moved aside byte for byte with a notice naming where it went,
 * the other files are untouched, what is shown is never more than was there, and a new start and
 * stop work.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  account,
  corruptFiles,
  FILES,
  filesWorld,
  ok,
  seed,
  seen,
  type FileKey,
  type FilesWorld,
} from './files-world';

let world: FilesWorld;
let scratch: string;

beforeAll(() => {
  // In memory when possible: hundreds of copies, and fsync (each start/stop) is what costs time on
  // a disk. The sweep is about reading damaged files, not about durability.
  scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'tray-timer-cuts-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// A seeded folder (and fake Toggl) per sweep: a sweep's copies all start from it.
beforeEach(async () => {
  world = await filesWorld();
  await seed(world);
  // Each cut of Toggl's cache costs a fresh read from Toggl; the sweep is not about the quota.
  world.fake.configure({ quota: { user: 1_000_000, org: 1_000_000 } });
});

afterEach(async () => {
  await world.close();
});

/** Every offset of a file, or every `step`th plus the first and last few. */
function offsets(length: number, step: number): number[] {
  const all = Array.from({ length }, (_, i) => i);
  if (step === 1) return all;
  return all.filter((i) => i % step === 0 || i < 4 || i > length - 4);
}

interface CutOutcome {
  movedAside: boolean;
}

/** Copies the seeded folder, cuts `key` at `at`, opens the core and checks what the user gets. */
async function openCut(key: FileKey, at: number, n: number): Promise<CutOutcome> {
  const dir = join(scratch, `${key}-${n}`);
  cpSync(world.dir, dir, { recursive: true });
  const original = readFileSync(join(dir, FILES[key]));
  const cut = original.subarray(0, at);
  writeFileSync(join(dir, FILES[key]), cut);
  const core = await world.open(dir);
  try {
    const snapshot = core.snapshot();
    const aside = corruptFiles(dir);
    // Only the file that was cut may be moved, and it is kept exactly as it was found.
    expect(aside.length).toBeLessThanOrEqual(1);
    const moved = aside[0];
    if (moved !== undefined) {
      expect(moved.startsWith(`${FILES[key]}.corrupt-`)).toBe(true);
      expect(readFileSync(join(dir, moved)).equals(cut)).toBe(true);
      const notice = snapshot.notices.find((x) => x.message.includes(join(dir, moved)));
      expect(notice, `cut at ${at}: ${JSON.stringify(snapshot.notices)}`).toBeDefined();
    } else {
      // Still valid (only the trailing newline was cut): nothing to report.
      expect(JSON.parse(cut.toString('utf8'))).toBeTruthy();
      expect(snapshot.notices).toEqual([]);
    }
    // The other files are untouched and still shown.
    for (const other of ['settings', 'entries'] as const) {
      if (other === key) continue;
      expect(
        readFileSync(join(dir, FILES[other])).equals(readFileSync(join(world.dir, FILES[other]))),
      ).toBe(true);
    }
    const local = seen(snapshot, 'local');
    if (key === 'entries') {
      // Never more than was there; everything when the file was still valid.
      expect(['Review', null]).toContain(local.running);
      expect(local.recent.every((d) => d === 'Write')).toBe(true);
      if (!moved) expect(local).toEqual({ running: 'Review', recent: ['Write'], error: null });
    } else {
      expect(local).toEqual({ running: 'Review', recent: ['Write'], error: null });
    }
    if (key === 'togglState') {
      expect(seen(snapshot, 'toggl'), JSON.stringify(account(snapshot, 'toggl'))).toMatchObject({
        running: 'Call',
        error: null,
      });
    }
    if (key === 'settings' && moved) {
      expect(snapshot.accounts.map((a) => a.id)).toEqual(['local']);
    }
    // And the user can go on working.
    await ok(core, { type: 'start', input: { accountId: 'local', description: 'Next' } });
    const stopped = await ok(core, { type: 'stop', input: { accountId: 'local' } });
    expect(account(stopped.snapshot, 'local').running).toBe(false);
    return { movedAside: moved !== undefined };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a file cut short at any byte', () => {
  const sweeps: { key: FileKey; step: number }[] = [
    { key: 'entries', step: 1 },
    { key: 'settings', step: 5 },
    { key: 'togglState', step: 5 },
  ];
  for (const { key, step } of sweeps) {
    it(`${FILES[key]} cut at ${step === 1 ? 'every' : `every ${step}th`} byte offset`, async () => {
      const length = world.read(key).length;
      const cuts = offsets(length, step);
      let moved = 0;
      for (const [n, at] of cuts.entries()) if ((await openCut(key, at, n)).movedAside) moved++;
      // Sanity: the sweep really cut (a JSON file stays valid only without its last newline).
      expect(cuts.length).toBeGreaterThan(step === 1 ? 400 : 50);
      expect(moved).toBe(cuts.length - (cuts.includes(length - 1) ? 1 : 0));
      console.info(`${FILES[key]}: ${cuts.length} cuts of ${length} bytes, ${moved} moved aside`);
    }, 120_000);
  }
});
