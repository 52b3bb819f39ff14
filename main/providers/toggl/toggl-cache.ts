/**
 * What a Toggl account remembers between runs, in <cache>/state.json: the running entry as last
 * read, the recent entries, projects and tasks, and when each was read. It lets the app start
 * (and `tray-timer status` answer) without a request, and the lists refresh with `since=`
 * instead of being downloaded again. No token, ever: only what Toggl's lists contain.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../../storage/atomic-file';
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

export class TogglCache {
  readonly path: string;

  constructor(
    cacheDir: string,
    private readonly workspaceId: number,
    private readonly onProblem: (message: string) => void,
  ) {
    this.path = join(cacheDir, 'state.json');
  }

  /** The saved state, or an empty one (missing, damaged — moved aside and reported — or another workspace's). */
  load(): CacheFile {
    let read;
    try {
      read = readJsonFile(this.path, cacheFileSchema);
    } catch {
      return emptyCache(this.workspaceId);
    }
    if (read.kind === 'corrupt') {
      this.onProblem(
        `Tray Timer's Toggl cache was damaged (${read.problem}); it was moved to ${read.movedTo} and will be fetched again.`,
      );
      return emptyCache(this.workspaceId);
    }
    if (read.kind === 'missing' || read.value.workspaceId !== this.workspaceId)
      return emptyCache(this.workspaceId);
    return read.value;
  }

  save(state: CacheFile): void {
    try {
      writeJsonAtomic(this.path, state);
    } catch (err) {
      // The cache only saves requests; losing it must not fail a start or a refresh.
      this.onProblem(`Could not save the Toggl cache: ${(err as Error).message}`);
    }
  }
}
