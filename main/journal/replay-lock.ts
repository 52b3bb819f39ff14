/**
 * Locks between processes sharing a data folder (the app starting while a `tray-timer` CLI run
 * works in-process, or two CLI runs):
 *  - one replay at a time per account (two replays of one journal would both send its
 *    actions); waiting for it is async;
 *  - one change of journal.json at a time (a read-modify-write from two processes would lose
 *    one of them); held for a few milliseconds, waited for synchronously.
 * A lock is a file created exclusively (O_EXCL) holding the owner's pid; a holder that died (a
 * crash, SIGKILL) does not keep it: a lock whose pid no longer runs is taken over at once.
 * (mtime-based lock libraries would make the restart after a crash wait for staleness.)
 * Within one process, replays queue on a promise chain.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** One attempt: taken, or held by a live process (its pid in `holder`). */
function tryTake(path: string): { taken: true } | { taken: false; holder: number } {
  for (;;) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw describeWriteError(journalNextTo(path), err);
      const holder = holderPid(path);
      if (holder !== null && isRunning(holder)) return { taken: false, holder };
      // Left behind by a process that is gone (or half-written): take it over.
      try {
        unlinkSync(path);
      } catch {
        // Someone else took it over first; try again.
      }
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
    } catch (err) {
      // A full disk: the lock is not ours to keep half-written.
      closeSync(fd);
      unlinkSync(path);
      throw describeWriteError(journalNextTo(path), err);
    }
    closeSync(fd);
    return { taken: true };
  }
}

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
    await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
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
    Atomics.wait(sleeper, 0, 0, 5);
  }
  try {
    return fn();
  } finally {
    release(path);
  }
}

function release(path: string): void {
  try {
    if (holderPid(path) === process.pid) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function holderPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  return pid === process.pid || processIsAlive(pid);
}

/** Locks live next to journal.json; a failure to write one is told as the journal's. */
const journalNextTo = (lockPath: string) => join(dirname(lockPath), 'journal.json');
