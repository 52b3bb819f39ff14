/**
 * The state.json a remote provider keeps in its cache directory, read and written the same way
 * for every provider: a missing file, one of another account, or one that cannot be read is an
 * empty state; a damaged one is moved aside and reported; a failed save is reported, never
 * thrown, because the cache only saves requests and must not fail a start or a refresh.
 */
import { join } from 'node:path';
import type { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../../storage/atomic-file';

export interface CachedStateOptions<S extends z.ZodType> {
  cacheDir: string;
  schema: S;
  /** The provider's name as users know it, for messages ("Toggl", "TrackingTime"). */
  providerName: string;
  empty: () => z.infer<S>;
  /** Whether a saved state belongs to this account (not another workspace's or user's). */
  belongs: (state: z.infer<S>) => boolean;
  onProblem: (message: string) => void;
}

export class CachedStateFile<S extends z.ZodType> {
  readonly path: string;

  constructor(private readonly options: CachedStateOptions<S>) {
    this.path = join(options.cacheDir, 'state.json');
  }

  /** The saved state, or an empty one (missing, damaged — moved aside and reported — or another account's). */
  load(): z.infer<S> {
    const { schema, providerName, empty, belongs, onProblem } = this.options;
    let read;
    try {
      read = readJsonFile(this.path, schema);
    } catch {
      return empty();
    }
    if (read.kind === 'corrupt') {
      onProblem(
        `Tray Timer's ${providerName} cache was damaged (${read.problem}); it was moved to ${read.movedTo} and will be fetched again.`,
      );
      return empty();
    }
    if (read.kind === 'missing' || !belongs(read.value)) return empty();
    return read.value;
  }

  save(state: z.infer<S>): void {
    try {
      writeJsonAtomic(this.path, state);
    } catch (err) {
      this.options.onProblem(
        `Could not save the ${this.options.providerName} cache: ${(err as Error).message}`,
      );
    }
  }
}
