/**
 * What a TrackingTime account remembers between runs, in <cache>/state.json: the running timer
 * as last read (with the time zone it was started in, which the stop must repeat), the recent
 * entries, the projects with their tasks, and when each was read. It lets `tray-timer status`
 * answer without a request. No secret, ever: only what TrackingTime's lists contain.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../../storage/atomic-file';
import { keptEntrySchema, keptProjectSchema } from './trackingtime-api';

export const cacheFileSchema = z.object({
  version: z.literal(1),
  accountId: z.number().int(),
  userId: z.number().int(),
  syncedAt: z.number().nullable(),
  running: keptEntrySchema.nullable(),
  entries: z.array(keptEntrySchema),
  entriesSyncedAt: z.number().nullable(),
  projects: z.array(keptProjectSchema),
  projectsSyncedAt: z.number().nullable(),
});
export type CacheFile = z.infer<typeof cacheFileSchema>;

export function emptyCache(accountId: number, userId: number): CacheFile {
  return {
    version: 1,
    accountId,
    userId,
    syncedAt: null,
    running: null,
    entries: [],
    entriesSyncedAt: null,
    projects: [],
    projectsSyncedAt: null,
  };
}

export class TrackingTimeCache {
  readonly path: string;

  constructor(
    cacheDir: string,
    private readonly accountId: number,
    private readonly userId: number,
    private readonly onProblem: (message: string) => void,
  ) {
    this.path = join(cacheDir, 'state.json');
  }

  load(): CacheFile {
    const empty = emptyCache(this.accountId, this.userId);
    let read;
    try {
      read = readJsonFile(this.path, cacheFileSchema);
    } catch {
      return empty;
    }
    if (read.kind === 'corrupt') {
      this.onProblem(
        `Tray Timer's TrackingTime cache was damaged (${read.problem}); it was moved to ${read.movedTo} and will be fetched again.`,
      );
      return empty;
    }
    if (
      read.kind === 'missing' ||
      read.value.accountId !== this.accountId ||
      read.value.userId !== this.userId
    )
      return empty;
    return read.value;
  }

  save(state: CacheFile): void {
    try {
      writeJsonAtomic(this.path, state);
    } catch (err) {
      this.onProblem(`Could not save the TrackingTime cache: ${(err as Error).message}`);
    }
  }
}
