/**
 * Files that survive crashes: written to a temp file, fsync'd, renamed over the target (atomic
 * on every platform Node supports), then the folder is fsync'd so the rename itself is durable.
 * Reads validate with zod; a file that does not parse is moved aside with a timestamp instead of
 * being overwritten, so nothing is lost and the user can be told where it went.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

export class StorageError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * A failed write as a sentence the user understands ("Could not save journal.json: the disk is
 * full."); for every writer of the data folder (lock files included), not only atomic writes.
 */
export function describeWriteError(path: string, err: unknown): StorageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const what =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : ((err as Error | undefined)?.message ?? String(err));
  return new StorageError(`Could not save ${basename(path)}: ${what}.`, path, code);
}

/**
 * writeSync writes what fits and returns the count: on a nearly full disk the first call writes
 * part of the buffer WITHOUT an error, and only the next one fails with ENOSPC. One call alone
 * would fsync and rename a truncated file over the good one.
 */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error('nothing could be written'), { code: 'EIO' });
    offset += written;
  }
}

export function writeFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  const tmp = join(dir, tempName(basename(path), process.pid, Date.now()));
  try {
    ensureDir(dir);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeAll(fd, Buffer.from(content, 'utf8'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file may never have been created
    }
    throw describeWriteError(path, err);
  }
  fsyncDir(dir);
}

/** Makes a rename or unlink in `dir` durable, where the OS allows it. */
export function fsyncDir(dir: string): void {
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

const tempName = (name: string, pid: number, at: number): string => `.${name}.${pid}.${at}.tmp`;

/** A write still under way takes milliseconds; a temp file this old was left by a crash. */
const STALE_TEMP_MS = 10 * 60_000;

/** Does a process with this pid run (as any user)? */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files of writes to `path` that never reached their rename (the process died
 * in between). Such a write was never confirmed to anyone and the target still holds the last
 * complete version, so dropping it loses nothing; left alone they would pile up. A temp file of
 * another live process (the app and a CLI share the folder) is kept unless it is old: that write
 * may be under way. Costs one readdir of a small folder per read; returns what was removed.
 */
export function removeStaleTempFiles(path: string, now: number = Date.now()): string[] {
  const dir = dirname(path);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)\\.(\\d+)\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const full = join(dir, name);
    try {
      // Our own pid: this process writes synchronously, so nothing of ours is under way.
      const stale =
        pid === process.pid || !processIsAlive(pid) || now - statSync(full).mtimeMs > STALE_TEMP_MS;
      if (!stale) continue;
      unlinkSync(full);
      removed.push(full);
    } catch {
      // gone meanwhile (its writer renamed it) or not ours to remove: leave it
    }
  }
  return removed;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Moves a damaged file out of the way; returns where it went. */
export function moveAside(path: string, now: Date = new Date()): string {
  const target = corruptPath(path, now);
  renameSync(path, target);
  return target;
}

/** Where a damaged file (or its copy) goes: NAME.corrupt-<time>. */
export function corruptPath(path: string, now: Date): string {
  return `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

export type ReadResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'missing' }
  /** The file was damaged and has been moved to `movedTo`; `problem` says what was wrong. */
  | { kind: 'corrupt'; movedTo: string; problem: string };

/** Reads and validates a JSON file. Never throws for a damaged file: it is moved aside. */
export function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  now?: Date,
): ReadResult<z.infer<S>> {
  removeStaleTempFiles(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new StorageError(`Could not read ${basename(path)}: ${(err as Error).message}`, path);
  }
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: 'ok', value: parsed.data };
    problem = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
  } catch (err) {
    problem = `not valid JSON (${(err as Error).message})`;
  }
  return { kind: 'corrupt', movedTo: moveAside(path, now), problem };
}
