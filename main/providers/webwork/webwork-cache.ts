/**
 * What a WebWork account remembers between runs, in <cache>/state.json. WebWork's current-data
 * has no start time and no entry id, so Tray Timer keeps its own record: per person (you and the
 * members you looked at) the tracker as last read — with the start time when Tray Timer started
 * it — today's total and when it was read, the trackers seen stop (what "Continue" offers), and
 * their active contracts; for the workspace the members, the projects and their tasks. No secret,
 * ever.
 */
import { z } from 'zod';
import { CachedStateFile } from '../shared/cached-state-file';

export const keptTrackerSchema = z.object({
  id: z.string(),
  userId: z.number().int(),
  contractId: z.number().int().nullable(),
  projectId: z.number().int().nullable(),
  taskId: z.number().int().nullable(),
  taskTitle: z.string().nullable(),
  description: z.string().nullable(),
  /** Epoch ms, known only when Tray Timer started the tracker (the start answer's start_time). */
  start: z.number().nullable(),
  /** When Tray Timer first saw it running (orders the history when the start is unknown). */
  firstSeen: z.number(),
  stop: z.number().nullable(),
});
export type KeptTracker = z.infer<typeof keptTrackerSchema>;

export const personSchema = z.object({
  userId: z.number().int(),
  running: keptTrackerSchema.nullable(),
  /** Today's total as of `totalAt` (current-data: Timeline minutes plus the running tracker). */
  totalSeconds: z.number(),
  totalAt: z.number().nullable(),
  /** When the tracker was last read from WebWork. */
  checkedAt: z.number().nullable(),
  /** Stopped trackers, newest last. */
  history: z.array(keptTrackerSchema),
  contracts: z.array(z.object({ id: z.number().int(), projectId: z.number().int() })),
  contractsSyncedAt: z.number().nullable(),
});
export type Person = z.infer<typeof personSchema>;

export const keptMemberSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.string().nullable(),
});
export type KeptMember = z.infer<typeof keptMemberSchema>;

export const cacheFileSchema = z.object({
  version: z.literal(1),
  workspaceId: z.number().int(),
  userId: z.number().int(),
  syncedAt: z.number().nullable(),
  people: z.record(z.string(), personSchema),
  members: z.array(keptMemberSchema),
  membersSyncedAt: z.number().nullable(),
  /** contract id → project id for the whole workspace (managers: the team glance's projects). */
  contractProjects: z.record(z.string(), z.number().int()).default({}),
  contractProjectsSyncedAt: z.number().nullable().default(null),
  projects: z.array(z.object({ id: z.number().int(), name: z.string() })),
  projectsSyncedAt: z.number().nullable(),
  tasks: z.record(
    z.string(),
    z.object({
      syncedAt: z.number(),
      list: z.array(z.object({ id: z.number().int(), name: z.string() })),
    }),
  ),
});
export type CacheFile = z.infer<typeof cacheFileSchema>;

export function emptyPerson(userId: number): Person {
  return {
    userId,
    running: null,
    totalSeconds: 0,
    totalAt: null,
    checkedAt: null,
    history: [],
    contracts: [],
    contractsSyncedAt: null,
  };
}

export function emptyCache(workspaceId: number, userId: number): CacheFile {
  return {
    version: 1,
    workspaceId,
    userId,
    syncedAt: null,
    people: {},
    members: [],
    membersSyncedAt: null,
    contractProjects: {},
    contractProjectsSyncedAt: null,
    projects: [],
    projectsSyncedAt: null,
    tasks: {},
  };
}

/** WebWork's state.json: it belongs to this account when it is of the same workspace and user. */
export class WebWorkCache extends CachedStateFile<typeof cacheFileSchema> {
  constructor(
    cacheDir: string,
    workspaceId: number,
    userId: number,
    onProblem: (message: string) => void,
  ) {
    super({
      cacheDir,
      schema: cacheFileSchema,
      providerName: 'WebWork',
      empty: () => emptyCache(workspaceId, userId),
      belongs: (state) => state.workspaceId === workspaceId && state.userId === userId,
      onProblem,
    });
  }
}
