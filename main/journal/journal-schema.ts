/**
 * The action journal's file format: every start and stop the user asks for, kept in
 * <data>/journal.json from before the first request until the service confirmed it.
 * Validated on every read; each action is checked on its own so one damaged record does not
 * take the others with it.
 */
import { z } from 'zod';
import { accountIdSchema, appErrorSchema } from '../../preload/contract';

const epochMs = z.number().int().min(0).max(8.64e15);

/** A RemoteEntry as stored (the service's running entry in a conflict). */
export const storedEntrySchema = z.object({
  id: z.string().max(200),
  description: z.string().max(3000).nullable(),
  projectId: z.string().max(200).nullable(),
  projectName: z.string().max(500).nullable(),
  projectColor: z.string().max(50).nullable(),
  taskId: z.string().max(200).nullable(),
  taskName: z.string().max(500).nullable(),
  start: epochMs.nullable(),
  stop: epochMs.nullable(),
  trackedSeconds: z.number().min(0).max(1e9).optional(),
  trackedAt: epochMs.optional(),
  tags: z.array(z.string().max(128)).max(50).optional(),
  billable: z.boolean().optional(),
});

/** What a start sends: the work, already resolved to the service's ids, and names for display. */
export const startWorkSchema = z.object({
  description: z.string().max(3000).nullable(),
  projectId: z.string().max(200).nullable(),
  projectName: z.string().max(500).nullable(),
  projectColor: z.string().max(50).nullable(),
  taskId: z.string().max(200).nullable(),
  taskName: z.string().max(500).nullable(),
  tags: z.array(z.string().max(128)).max(50).optional(),
  billable: z.boolean().optional(),
  replaceRunning: z.boolean().optional(),
});
export type StartWork = z.infer<typeof startWorkSchema>;

/**
 * An entry as an action saw it: a service id, or `action:<id>` for an entry a journal start
 * created that the service has not confirmed yet. null: nothing.
 */
const entryRef = z.string().max(200).nullable();

export const ACTION_PREFIX = 'action:';

export const journalActionSchema = z
  .object({
    id: z.string().min(1).max(100),
    accountId: accountIdSchema,
    kind: z.enum(['start', 'stop']),
    /** The time the user asked for (epoch ms). */
    at: epochMs,
    /** When it was written to the journal (epoch ms). */
    queuedAt: epochMs,
    /** start: what to start. */
    work: startWorkSchema.optional(),
    /** What the user saw running when asking (start: what it replaces; stop: what it stops). */
    expectRunning: entryRef,
    /** "Start “Docs”" / "Stop “Docs”": for the pending list. */
    label: z.string().max(4000),
    /**
     * The service cannot take `at` (WebWork): may the action be applied later, at that time?
     * Given by the user ("queue it anyway"); without it a late replay asks first.
     */
    lateOk: z.boolean(),
    /** Sending it failed this many times (shown; backs off the retries). */
    attempts: z.number().int().min(0).max(1e6),
    /** When sending it last failed (epoch ms): the CLI does not retry before the backoff. */
    triedAt: epochMs.nullable().optional(),
    state: z.enum(['waiting', 'rejected', 'conflict', 'late']),
    /** The last failure, if any. */
    error: appErrorSchema.nullable(),
    /** conflict: what ran on the service instead of `expectRunning`. */
    theirs: storedEntrySchema.nullable().default(null),
    /** The user said "apply it anyway" to a conflict or a late action. */
    override: z.boolean().default(false),
  })
  .refine((a) => (a.kind === 'start') === (a.work !== undefined), {
    message: 'a start carries its work and a stop does not',
    path: ['work'],
  });
export type JournalAction = z.infer<typeof journalActionSchema>;

export const JOURNAL_VERSION = 1;

/** The file as it is read before each action is checked on its own. */
export const journalEnvelopeSchema = z.object({
  version: z.literal(JOURNAL_VERSION),
  actions: z.array(z.unknown()),
  /**
   * Journal starts the service confirmed: action id → the entry id it created, kept while a
   * later action still refers to `action:<id>`.
   */
  landed: z.record(z.string(), z.string()).default({}),
  /** Confirmed journal starts: the entry id → when its action was queued (epoch ms). */
  landedQueuedAt: z.record(z.string(), epochMs).default({}),
});

export interface JournalFile {
  version: typeof JOURNAL_VERSION;
  actions: JournalAction[];
  landed: Record<string, string>;
  landedQueuedAt: Record<string, number>;
}
