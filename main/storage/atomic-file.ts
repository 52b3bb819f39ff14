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
  readFileSync,
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

function describeWriteError(path: string, err: unknown): StorageError {
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

export function writeFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    ensureDir(dir);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, content);
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

/** Moves a damaged file out of the way; returns where it went. */
export function moveAside(path: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${path}.corrupt-${stamp}`;
  renameSync(path, target);
  return target;
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
