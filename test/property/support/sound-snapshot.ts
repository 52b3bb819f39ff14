/**
 * What "a valid snapshot" means for the property tests, beyond the contract's zod schema (which
 * already refuses NaN and Infinity): every time on screen is a real date, every duration a
 * finite, non-negative number, and no text a user reads says "NaN", "Infinity", "Invalid Date",
 * "undefined" or "[object Object]".
 */
import { expect } from 'vitest';
import {
  appErrorSchema,
  snapshotSchema,
  type AppError,
  type EntryView,
  type Snapshot,
} from '../../../preload/contract';
import { ProviderError } from '../../../main/providers/provider';

const BROKEN_TEXT = /NaN|Infinity|Invalid Date|undefined|\[object Object\]/g;
/** zod's own wording inside "answered with something unexpected (…)": not a broken value. */
const ZOD_RECEIVED = /received -?(NaN|undefined|Infinity)\b/g;

/**
 * The first broken word in `t` that the server did not send itself (an entry described as
 * "NaN" is shown as such: that is the user's data, not a bug).
 */
function brokenWord(t: string, serverSaid: string): string | null {
  for (const m of t.replace(ZOD_RECEIVED, '').matchAll(BROKEN_TEXT))
    if (!serverSaid.includes(m[0])) return m[0];
  return null;
}

/**
 * A problem with the snapshot, or null: lets a property report the first problem it finds.
 * `serverSaid`: every body the server sent, so words it said are not taken for our bugs.
 */
export function snapshotProblem(raw: unknown, serverSaid = ''): string | null {
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `snapshotSchema: ${issue?.path.join('.')} ${issue?.message}`;
  }
  const s: Snapshot = parsed.data;
  const problems: string[] = [];
  const time = (where: string, iso: string | null) => {
    if (iso !== null && Number.isNaN(Date.parse(iso)))
      problems.push(`${where} is not a date: ${iso}`);
  };
  const seconds = (where: string, n: number) => {
    if (!Number.isFinite(n) || n < 0) problems.push(`${where} is ${n}`);
  };
  const text = (where: string, t: string | null | undefined) => {
    if (t && brokenWord(t, serverSaid) !== null)
      problems.push(`${where} reads ${JSON.stringify(t.slice(0, 200))}`);
  };
  const entry = (where: string, e: EntryView) => {
    const p = entryProblem(where, e);
    if (p) problems.push(p);
  };
  time('at', s.at);
  seconds('todaySeconds', s.todaySeconds);
  text('tray.tooltip', s.tray.tooltip);
  text('tray.title', s.tray.title);
  for (const a of s.accounts) {
    const where = `accounts[${a.id}]`;
    time(`${where}.lastSyncedAt`, a.lastSyncedAt);
    seconds(`${where}.todaySeconds`, a.todaySeconds);
    if (a.entry) entry(`${where}.entry`, a.entry);
    a.recent.forEach((e, i) => entry(`${where}.recent[${i}]`, e));
    if (a.error) {
      text(`${where}.error.message`, a.error.message);
      if (a.error.resetAt !== undefined) time(`${where}.error.resetAt`, a.error.resetAt);
    }
    if (a.running !== (a.entry !== null)) problems.push(`${where}.running disagrees with entry`);
    // Journal actions waiting or set aside, as the pending list shows them.
    a.pending.forEach((p, i) => {
      time(`${where}.pending[${i}].at`, p.at);
      text(`${where}.pending[${i}].summary`, p.summary);
      if (p.theirs) entry(`${where}.pending[${i}].theirs`, p.theirs);
    });
  }
  for (const n of s.notices) text(`notice ${n.id}`, n.message);
  return problems.length ? problems.join('; ') : null;
}

/** An entry's times are real dates and its seconds finite and non-negative. */
export function entryProblem(where: string, e: EntryView): string | null {
  const problems: string[] = [];
  for (const [field, iso] of [
    ['startedAt', e.startedAt],
    ['stoppedAt', e.stoppedAt],
  ] as const)
    if (iso !== null && Number.isNaN(Date.parse(iso)))
      problems.push(`${where}.${field} is not a date: ${iso}`);
  if (!Number.isFinite(e.elapsedSeconds) || e.elapsedSeconds < 0)
    problems.push(`${where}.elapsedSeconds is ${e.elapsedSeconds}`);
  return problems.length ? problems.join('; ') : null;
}

export function expectSoundSnapshot(raw: unknown, serverSaid = ''): void {
  expect(snapshotProblem(raw, serverSaid)).toBeNull();
}

/** An error value a user can read: contract-valid, with a message that makes sense. */
export function errorProblem(error: AppError, serverSaid = ''): string | null {
  const parsed = appErrorSchema.safeParse(error);
  if (!parsed.success) return `not an AppError: ${JSON.stringify(error)}`;
  if (error.kind === 'internal') return `internal error: ${error.message}`;
  if (error.message.trim() === '') return 'empty message';
  if (brokenWord(error.message, serverSaid) !== null)
    return `message reads ${JSON.stringify(error.message)}`;
  if (error.resetAt !== undefined && Number.isNaN(Date.parse(error.resetAt)))
    return `resetAt is not a date: ${error.resetAt}`;
  return null;
}

/**
 * Runs a parser; it may return anything or throw the provider's own error value, never anything
 * else (a TypeError, a RangeError, a ZodError). Returns the value, or the error value thrown.
 */
export async function parseOrProviderError<T>(
  parse: () => T | Promise<T>,
  serverSaid = '',
): Promise<{ ok: true; value: T } | { ok: false; error: AppError }> {
  try {
    return { ok: true, value: await parse() };
  } catch (err) {
    if (!(err instanceof ProviderError))
      throw new Error(
        `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
      );
    const problem = errorProblem(err.error, serverSaid);
    if (problem) throw new Error(`ProviderError with a bad error value: ${problem}`);
    return { ok: false, error: err.error };
  }
}
