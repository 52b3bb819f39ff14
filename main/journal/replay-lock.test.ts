import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimPath, withFileLockSync, withReplayLock } from './replay-lock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that ran and is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid ?? 0;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

describe('replay lock', () => {
  it('runs replays one after another in this process', async () => {
    const lock = join(dir, '.journal-work.lock');
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(`${name} in`);
      expect(existsSync(claimPath(lock))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(`${name} out`);
    };
    await Promise.all([withReplayLock(lock, job('a')), withReplayLock(lock, job('b'))]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(claimPath(lock))).toBe(false);
  });

  it('waits for a live holder in another process, and takes over from a dead one at once', async () => {
    const lock = join(dir, '.journal-work.lock');
    // A live holder: a child that owns the lock for a while.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)']);
    writeFileSync(claimPath(lock, holder.pid ?? 0), '');
    const started = Date.now();
    await withReplayLock(lock, async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    const dead = claimPath(lock, await deadPid());
    writeFileSync(dead, '');
    const again = Date.now();
    await withReplayLock(lock, async () => undefined);
    expect(Date.now() - again).toBeLessThan(200);
    // The dead process's claim is cleared, not left for every later contender to check.
    expect(existsSync(dead)).toBe(false);
  });

  it('gives up with a clear message when a live holder never lets go', async () => {
    const lock = join(dir, '.journal-work.lock');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 2000)']);
    writeFileSync(claimPath(lock, holder.pid ?? 0), '');
    await expect(
      withReplayLock(lock, async () => undefined, { waitMs: 100, pollMs: 10 }),
    ).rejects.toThrow(`Another Tray Timer process (pid ${holder.pid}) is using the action journal`);
    holder.kill();
  });

  it('a change of the journal file takes the short lock and releases it', () => {
    const lock = join(dir, '.journal.lock');
    expect(withFileLockSync(lock, () => existsSync(claimPath(lock)))).toBe(true);
    expect(existsSync(claimPath(lock))).toBe(false);
  });
});
