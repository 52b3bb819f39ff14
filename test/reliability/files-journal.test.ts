/**
 * The offline action journal (journal.json) damaged while it holds actions: Toggl became
 * unreachable, the user started "Offline" and stopped it 5 minutes later, both wait in the
 * journal. Then the file is truncated, emptied, garbled, given one bad record, cut at a sample
 * of byte offsets, or left with a crashed write's temp file. Through the real core each time:
 * the app opens, a damaged journal is moved aside byte for byte with a notice naming where, the
 * other files are untouched, what is shown as pending is never more than was queued, and once
 * Toggl is back nothing is sent twice and nothing that was not asked for is sent.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../preload/contract';
import {
  account,
  corruptFiles,
  FILES,
  filesWorld,
  ok,
  seed,
  seen,
  tempFiles,
  type FilesWorld,
} from './files-world';

const JOURNAL = 'journal.json';
let world: FilesWorld;
let queued: Buffer;
let queuedIds: string[];

beforeEach(async () => {
  world = await filesWorld();
  await seed(world);
  const core = await world.open();
  world.fake.fault('reset');
  const start = await ok(core, {
    type: 'start',
    input: { accountId: 'toggl', description: 'Offline' },
  });
  await world.clock.advance(5 * 60_000);
  const stop = await ok(core, { type: 'stop', input: { accountId: 'toggl' } });
  queuedIds = account(stop.snapshot, 'toggl').pending.map((p) => p.id);
  expect(account(start.snapshot, 'toggl').pending).toHaveLength(1);
  expect(queuedIds).toHaveLength(2);
  await core.close();
  queued = readFileSync(join(world.dir, JOURNAL));
});

afterEach(async () => {
  await world.close();
});

const posts = () => world.fake.requests.filter((r) => r.method === 'POST').length;
const journalPath = () => join(world.dir, JOURNAL);

function pendingIds(snapshot: Snapshot): string[] {
  return account(snapshot, 'toggl').pending.map((p) => p.id);
}

/** Untouched: settings and Local's entries byte for byte, and shown as seeded. */
function othersIntact(snapshot: Snapshot, pristine: Record<'settings' | 'entries', Buffer>) {
  expect(world.read('settings').equals(pristine.settings)).toBe(true);
  expect(world.read('entries').equals(pristine.entries)).toBe(true);
  expect(seen(snapshot, 'local')).toEqual({ running: 'Review', recent: ['Write'], error: null });
}

describe('a damaged journal with two queued actions', () => {
  const whole: Record<string, (original: Buffer) => Buffer> = {
    truncated: (original) => original.subarray(0, Math.floor(original.length / 2)),
    'zero-byte': () => Buffer.alloc(0),
    garbage: () => Buffer.from('\u0000\u00ff{{ not json ]]'.repeat(30), 'latin1'),
    'wrong envelope': (original) => {
      const file = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
      file.actions = 'none';
      return Buffer.from(JSON.stringify(file));
    },
  };
  for (const [name, damage] of Object.entries(whole)) {
    it(`${name}: moved aside, the user told the actions were not sent, nothing sent later`, async () => {
      const pristine = { settings: world.read('settings'), entries: world.read('entries') };
      const damaged = damage(queued);
      writeFileSync(journalPath(), damaged);
      const core = await world.open();
      const snapshot = core.snapshot();
      const aside = corruptFiles(world.dir);
      expect(aside).toHaveLength(1);
      expect(aside[0]?.startsWith(`${JOURNAL}.corrupt-`)).toBe(true);
      expect(readFileSync(join(world.dir, aside[0] ?? '')).equals(damaged)).toBe(true);
      const notice = snapshot.notices.find((n) =>
        n.message.includes(join(world.dir, aside[0] ?? '')),
      );
      expect(notice?.message).toMatch(
        /^The offline action journal was damaged \(.*\); it was moved to .*\. Actions in it were not sent\.$/,
      );
      expect(pendingIds(snapshot)).toEqual([]);
      othersIntact(snapshot, pristine);

      // Toggl is back: nothing of the lost journal is sent, Toggl still shows "Call".
      world.fake.clearFaults();
      const before = posts();
      const refreshed = await ok(core, { type: 'refresh', input: { accountId: 'toggl' } });
      expect(seen(refreshed.snapshot, 'toggl')).toMatchObject({ running: 'Call', error: null });
      expect(posts()).toBe(before);
      const started = await ok(core, {
        type: 'start',
        input: { accountId: 'toggl', description: 'After' },
      });
      expect(seen(started.snapshot, 'toggl').running).toBe('After');
    });
  }

  it('one damaged record: it is set aside, the other is kept and sent exactly once', async () => {
    const pristine = { settings: world.read('settings'), entries: world.read('entries') };
    const file = JSON.parse(queued.toString('utf8')) as { actions: Record<string, unknown>[] };
    const stop = file.actions[1];
    if (stop) stop.at = 'five past';
    writeFileSync(journalPath(), JSON.stringify(file, null, 2));
    const core = await world.open();
    const snapshot = core.snapshot();
    const aside = corruptFiles(world.dir);
    expect(aside).toHaveLength(1);
    expect(snapshot.notices.map((n) => n.message).join('\n')).toContain(
      `1 damaged record(s) in the offline action journal were set aside (the file was copied to ${join(world.dir, aside[0] ?? '')}); 1 action(s) kept.`,
    );
    expect(pendingIds(snapshot)).toEqual(queuedIds.slice(0, 1));
    othersIntact(snapshot, pristine);

    world.fake.clearFaults();
    const before = world.fake.requests.filter((r) => r.method === 'POST').length;
    const refreshed = await ok(core, { type: 'refresh', input: { accountId: 'toggl' } });
    expect(seen(refreshed.snapshot, 'toggl').running).toBe('Offline');
    expect(pendingIds(refreshed.snapshot)).toEqual([]);
    expect(posts()).toBe(before + 1);
    // A restart sends nothing again.
    await core.close();
    const again = await world.open();
    await ok(again, { type: 'refresh', input: { accountId: 'toggl' } });
    expect(posts()).toBe(before + 1);
  });

  it("a crashed write's temp file next to it: removed, both actions still queued and sent once", async () => {
    const temp = join(world.dir, `.${JOURNAL}.999999999.${Date.now()}.tmp`);
    writeFileSync(temp, queued.subarray(0, 50));
    const core = await world.open();
    expect(core.snapshot().notices).toEqual([]);
    expect(tempFiles(world.dir)).toEqual([]);
    expect(pendingIds(core.snapshot())).toEqual(queuedIds);
    world.fake.clearFaults();
    const before = posts();
    const refreshed = await ok(core, { type: 'refresh', input: { accountId: 'toggl' } });
    expect(pendingIds(refreshed.snapshot)).toEqual([]);
    expect(posts()).toBe(before + 1); // the start; the stop is a PATCH
    expect(seen(refreshed.snapshot, 'toggl').running).toBeNull();
  });
});

describe('a journal cut short', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'tray-timer-j-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('at every 4th byte offset: opens, reports, never shows more than was queued', async () => {
    // Toggl stays unreachable: the sweep is about reading the file, not about sending it.
    const length = queued.length;
    const cuts = Array.from({ length }, (_, i) => i).filter((i) => i % 4 === 0 || i > length - 4);
    let moved = 0;
    for (const [n, at] of cuts.entries()) {
      const dir = join(scratch, String(n));
      cpSync(world.dir, dir, { recursive: true });
      const cut = queued.subarray(0, at);
      writeFileSync(join(dir, JOURNAL), cut);
      const core = await world.open(dir);
      try {
        const snapshot = core.snapshot();
        const aside = corruptFiles(dir);
        const ids = pendingIds(snapshot);
        expect(ids.every((id) => queuedIds.includes(id))).toBe(true);
        if (aside.length > 0) {
          moved++;
          expect(aside).toEqual([expect.stringMatching(/^journal\.json\.corrupt-/)]);
          expect(readFileSync(join(dir, aside[0] ?? '')).equals(cut)).toBe(true);
          expect(snapshot.notices.some((x) => x.message.includes(join(dir, aside[0] ?? '')))).toBe(
            true,
          );
        } else {
          expect(ids).toEqual(queuedIds);
        }
        expect(
          readFileSync(join(dir, FILES.entries)).equals(
            readFileSync(join(world.dir, FILES.entries)),
          ),
        ).toBe(true);
        expect(seen(snapshot, 'local').running).toBe('Review');
        const next = await ok(core, { type: 'stop', input: { accountId: 'local' } });
        expect(account(next.snapshot, 'local').running).toBe(false);
      } finally {
        await core.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    console.info(`journal.json: ${cuts.length} cuts of ${length} bytes, ${moved} moved aside`);
    expect(cuts.length).toBeGreaterThan(100);
    expect(moved).toBe(cuts.length - 1);
  }, 120_000);
});
