/**
 * What a TrackingTime account remembers between runs, in <cache>/state.json: the running timer
 * as last read (with the time zone it was started in, which the stop must repeat), the recent
 * entries, the projects with their tasks, and when each was read. It lets `tray-timer status`
 * answer without a request. No secret, ever: only what TrackingTime's lists contain.
 */
import { z } from 'zod';
import { CachedStateFile } from '../shared/cached-state-file';
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

/** TrackingTime's state.json: it belongs to this account when it is of the same account and user. */
export class TrackingTimeCache extends CachedStateFile<typeof cacheFileSchema> {
  constructor(
    cacheDir: string,
    accountId: number,
    userId: number,
    onProblem: (message: string) => void,
  ) {
    super({
      cacheDir,
      schema: cacheFileSchema,
      providerName: 'TrackingTime',
      empty: () => emptyCache(accountId, userId),
      belongs: (state) => state.accountId === accountId && state.userId === userId,
      onProblem,
    });
  }
}
