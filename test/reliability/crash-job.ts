/** What the crash tests tell the child process to do (JSON in argv, checked on arrival). */
import { z } from 'zod';
import { commandSchema } from '../../preload/contract';
import type { JournalStep } from '../../main/journal/journal-store';

/** The journal steps a child can die at (JournalStep, in order). */
export const CRASH_STEPS = [
  'before-journal-write',
  'journal-written',
  'response-received',
  'before-journal-clear',
  'journal-cleared',
] as const satisfies readonly JournalStep[];

export const crashJobSchema = z.object({
  dataDir: z.string().min(1),
  accountId: z.string().min(1),
  secret: z.string().nullable(),
  /** The wall-clock time the user asks at (epoch ms): the child's clock stands still there. */
  at: z.number().int(),
  command: commandSchema,
  crashAt: z.enum(CRASH_STEPS).nullable(),
});
export type CrashJob = z.infer<typeof crashJobSchema>;
