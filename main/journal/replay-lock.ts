/**
 * Locks between processes sharing a data folder (the app starting while a `tray-timer` CLI run
 * works in-process, or two CLI runs):
 *  - one replay at a time per account (two replays of one journal would both send its
 *    actions); waiting for it is async;
 *  - one change of journal.json at a time (a read-modify-write from two processes would lose
 *    one of them); held for a few milliseconds, waited for synchronously.
 *
 * How a lock is taken: each contender creates its own claim file `<lock>.<pid>`, then lists the
 * claims next to it. It holds the lock only if no other claim belongs to a running process;
 * otherwise it withdraws its claim and tries again a little later (a random delay, so two
 * contenders that saw each other do not meet again). Of two contenders, the one that lists
 * second sees the first's claim, so two can never both hold the lock. A claim whose process is
 * gone (a crash, SIGKILL) is removed by whoever sees it, so the restart after a crash does not
 * wait (mtime-based lock libraries would make it wait for staleness).
 * An earlier version kept one lock file holding the owner's pid, created exclusively and taken
 * over when the pid was gone: a contender reading the file between its creation and the pid
 * being written saw "no owner" and took it over, and two contenders taking over the same dead
 * owner's lock could both win. Under load that let two processes replay at once (a start sent
 * twice, found by CI).
 * Within one process, replays queue on a promise chain.
 */
import { closeSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeWriteError, processIsAlive, StorageError } from '../storage/atomic-file';

const chains = new Map<string, Promise<unknown>>();

export interface LockTiming {
  /** How long to wait for a live holder before giving up (ms). */
  waitMs: number;
  pollMs: number;
}

const DEFAULT_TIMING: LockTiming = { waitMs: 60_000, pollMs: 25 };

export function withReplayLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  timing: LockTiming = DEFAULT_TIMING,
): Promise<T> {
  const previous = chains.get(lockPath) ?? Promise.resolve();
  const run = async () => {
    await acquire(lockPath, timing);
    try {
      return await fn();
    } finally {
      release(lockPath);
    }
  };
  const p = previous.then(run, run);
  const tail = p.catch(() => undefined);
  chains.set(lockPath, tail);
  void tail.then(() => {
    if (chains.get(lockPath) === tail) chains.delete(lockPath);
  });
  return p;
}

/** This process's claim on a lock. */
export const claimPath = (lockPath: string, pid: number = process.pid): string =>
  `${lockPath}.${pid}`;

/** The pids of the claims on a lock, this process's own included. */
function claimants(lockPath: string): number[] {
  const prefix = `${basename(lockPath)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(lockPath));
  } catch (err) {
    throw describeWriteError(journalNextTo(lockPath), err);
  }
  const pids: number[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (/^[1-9][0-9]*$/.test(rest)) pids.push(Number(rest));
  }
  return pids;
}

/** One attempt: taken, or claimed by another live process (its pid in `holder`). */
function tryTake(lockPath: string): { taken: true } | { taken: false; holder: number } {
  const own = claimPath(lockPath);
  try {
    // 'w', not 'wx': a claim left by a dead process that had this pid is ours now.
    closeSync(openSync(own, 'w', 0o600));
  } catch (err) {
    throw describeWriteError(journalNextTo(lockPath), err);
  }
  for (const pid of claimants(lockPath)) {
    if (pid === process.pid) continue;
    if (processIsAlive(pid)) {
      release(lockPath);
      return { taken: false, holder: pid };
    }
    // Left behind by a process that is gone: nobody will withdraw it but us.
    removeQuietly(claimPath(lockPath, pid));
  }
  return { taken: true };
}

/** A delay around `ms` (0.5–1.5×), so contenders that met do not retry in step. */
const jittered = (ms: number) => ms * (0.5 + Math.random());

const busy = (path: string, holder: number) =>
  new StorageError(
    `Another Tray Timer process (pid ${holder}) is using the action journal; try again in a moment.`,
    path,
  );

async function acquire(path: string, timing: LockTiming): Promise<void> {
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    const attempt = tryTake(path);
    if (attempt.taken) return;
    if (Date.now() > deadline) throw busy(path, attempt.holder);
    await new Promise((resolve) => setTimeout(resolve, jittered(timing.pollMs)));
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs a short synchronous change under a file lock (waits at most `waitMs` for it). */
export function withFileLockSync<T>(path: string, fn: () => T, waitMs = 5_000): T {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const attempt = tryTake(path);
    if (attempt.taken) break;
    if (Date.now() > deadline) throw busy(path, attempt.holder);
    Atomics.wait(sleeper, 0, 0, jittered(5));
  }
  try {
    return fn();
  } finally {
    release(path);
  }
}

function release(lockPath: string): void {
  removeQuietly(claimPath(lockPath));
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (another contender removed a dead claim first).
  }
}

/** Locks live next to journal.json; a failure to write one is told as the journal's. */
const journalNextTo = (lockPath: string) => join(dirname(lockPath), 'journal.json');
