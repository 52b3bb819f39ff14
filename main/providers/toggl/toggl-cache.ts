/**
 * What a Toggl account remembers between runs, in <cache>/state.json: the running entry as last
 * read, the recent entries, projects and tasks, and when each was read. It lets the app start
 * (and `tray-timer status` answer) without a request, and the lists refresh with `since=`
 * instead of being downloaded again. No token, ever: only what Toggl's lists contain.
 */
import { z } from 'zod';
import { CachedStateFile } from '../shared/cached-state-file';
import { keptClientSchema, keptEntrySchema, keptProjectSchema, keptTaskSchema } from './toggl-api';

export const cacheFileSchema = z.object({
  version: z.literal(1),
  workspaceId: z.number().int(),
  /** When the running entry was last learned (read, started or stopped), epoch ms. */
  syncedAt: z.number().nullable(),
  running: keptEntrySchema.nullable(),
  entries: z.array(keptEntrySchema),
  /** When the recent entries were last fetched (the next `since`), epoch ms. */
  entriesSyncedAt: z.number().nullable(),
  projects: z.array(keptProjectSchema),
  tasks: z.array(keptTaskSchema),
  clients: z.array(keptClientSchema),
  projectsSyncedAt: z.number().nullable(),
  clientsSyncedAt: z.number().nullable().default(null),
  tasksSyncedAt: z.number().nullable().default(null),
  /** Tasks are a paid-plan feature; after Toggl says so we stop asking for them. */
  tasksUnsupported: z.boolean(),
});
export type CacheFile = z.infer<typeof cacheFileSchema>;

export function emptyCache(workspaceId: number): CacheFile {
  return {
    version: 1,
    workspaceId,
    syncedAt: null,
    running: null,
    entries: [],
    entriesSyncedAt: null,
    projects: [],
    tasks: [],
    clients: [],
    projectsSyncedAt: null,
    clientsSyncedAt: null,
    tasksSyncedAt: null,
    tasksUnsupported: false,
  };
}

/** Toggl's state.json: it belongs to this account when it is of the same workspace. */
export class TogglCache extends CachedStateFile<typeof cacheFileSchema> {
  constructor(cacheDir: string, workspaceId: number, onProblem: (message: string) => void) {
    super({
      cacheDir,
      schema: cacheFileSchema,
      providerName: 'Toggl',
      empty: () => emptyCache(workspaceId),
      belongs: (state) => state.workspaceId === workspaceId,
      onProblem,
    });
  }
}
