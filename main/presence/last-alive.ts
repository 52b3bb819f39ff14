/**
 * <data>/presence.json: the last moment the app was known to run while a timer ran, and how
 * that run ended. At the next launch a gap longer than the idle threshold is time away (the
 * machine was shut down, or the app crashed) — unless the user quit Tray Timer on purpose.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-file';

export const PRESENCE_FILE = 'presence.json';

const lastAliveSchema = z.object({
  version: z.literal(1),
  lastAliveAt: z.number().int().min(0).max(8.64e15),
  /** quit: the user quit Tray Timer (nothing is asked); shutdown/null: the OS or a crash. */
  endedBy: z.enum(['quit', 'shutdown']).nullable(),
});
export type LastAlive = z.infer<typeof lastAliveSchema>;

export function readLastAlive(dataDir: string): { value: LastAlive | null; problem?: string } {
  const read = readJsonFile(join(dataDir, PRESENCE_FILE), lastAliveSchema);
  if (read.kind === 'ok') return { value: read.value };
  if (read.kind === 'missing') return { value: null };
  return {
    value: null,
    problem: `${PRESENCE_FILE} was damaged (${read.problem}); it was moved to ${read.movedTo}. Time away before this start is not asked about.`,
  };
}

export function writeLastAlive(dataDir: string, value: Omit<LastAlive, 'version'>): void {
  writeJsonAtomic(join(dataDir, PRESENCE_FILE), { version: 1, ...value });
}
