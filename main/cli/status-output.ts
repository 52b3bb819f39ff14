/**
 * What `tray-timer status` and `tray-timer accounts list` print. Pure functions of a snapshot
 * (or account list) and the time of printing, so the output can be tested exactly.
 *
 * Human status line, one per account (default account first, as in the snapshot):
 *   ▶ 1:23 Writing docs — Website (Local)                 running (same text as the tooltip)
 *   ■ Not tracking · today 3:40 (Local)                   idle
 *   ! Sign-in needed (Toggl Track: Work)                  idle with an error
 *   ▶ 0:05 Review — Website (Toggl Track: Work) ! Offline running, but the account has a problem
 * Times are hours:minutes (status bars refresh every second; a seconds field would make the bar
 * jitter and is what the popup's clock is for).
 */
import { z } from 'zod';
import { accountSummarySchema, PROVIDER_NAMES, providerKindSchema } from '../../preload/contract';
import type {
  AccountState,
  AccountSummary,
  AppError,
  EntryView,
  Snapshot,
} from '../../preload/contract';
import { describeEntry, elapsedSince, formatHoursMinutes } from '../../preload/format';

/** The `status --json` shape promised in the issue (a public contract: add, never change). */
export const statusJsonSchema = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: providerKindSchema,
      label: z.string(),
      running: z.boolean(),
      entry: z
        .object({
          description: z.string().nullable(),
          projectName: z.string().nullable(),
          taskName: z.string().nullable(),
          startedAt: z.string().nullable(),
          elapsedSeconds: z.number(),
        })
        .nullable(),
      error: z.object({ kind: z.string(), message: z.string() }).nullable(),
      // Additions (allowed by the contract): handy for status bars.
      isDefault: z.boolean(),
      todaySeconds: z.number(),
    }),
  ),
});
export type StatusJson = z.infer<typeof statusJsonSchema>;

/** Same naming as the tooltip: "Local", "Toggl Track: Work". */
export function accountName(a: Pick<AccountState, 'label' | 'provider'>): string {
  return a.provider === 'local' || a.label === PROVIDER_NAMES[a.provider]
    ? a.label
    : `${PROVIDER_NAMES[a.provider]}: ${a.label}`;
}

/**
 * Elapsed seconds at `nowMs`: from `startedAt` when the provider gives it, else the snapshot's
 * figure advanced by the time since the snapshot was taken (WebWork gives no start time).
 */
export function elapsedAt(entry: EntryView, snapshotAt: string, nowMs: number): number {
  if (entry.startedAt !== null) return elapsedSince(entry.startedAt, nowMs);
  const taken = Date.parse(snapshotAt);
  const drift = Number.isNaN(taken) ? 0 : Math.max(0, Math.floor((nowMs - taken) / 1000));
  return entry.elapsedSeconds + drift;
}

/** A status bar has room for a few words, not the error's full sentence. */
export function shortError(error: Pick<AppError, 'kind' | 'message' | 'resetAt'>): string {
  switch (error.kind) {
    case 'auth':
      return 'Sign-in needed';
    case 'offline':
      return 'Offline';
    case 'quota': {
      const reset = error.resetAt ? Date.parse(error.resetAt) : NaN;
      if (Number.isNaN(reset)) return 'Request quota reached';
      const d = new Date(reset);
      return `Request quota reached until ${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`;
    }
    case 'rate-limited':
      return 'Rate limited';
    case 'keychain':
      return 'Keychain unavailable';
    case 'storage':
      return 'Data file problem';
    default:
      return error.message.split('\n')[0] ?? 'Error';
  }
}

export function statusLine(account: AccountState, snapshotAt: string, nowMs: number): string {
  const name = accountName(account);
  if (account.running && account.entry) {
    const line = `▶ ${formatHoursMinutes(elapsedAt(account.entry, snapshotAt, nowMs))} ${describeEntry(account.entry)} (${name})`;
    return account.error ? `${line} ! ${shortError(account.error)}` : line;
  }
  if (account.error) return `! ${shortError(account.error)} (${name})`;
  return `■ Not tracking · today ${formatHoursMinutes(account.todaySeconds)} (${name})`;
}

export function statusText(snapshot: Snapshot, nowMs: number): string {
  return snapshot.accounts.map((a) => statusLine(a, snapshot.at, nowMs)).join('\n');
}

export function statusJson(snapshot: Snapshot, nowMs: number): StatusJson {
  return {
    accounts: snapshot.accounts.map((a) => ({
      id: a.id,
      provider: a.provider,
      label: a.label,
      running: a.running,
      entry:
        a.running && a.entry
          ? {
              description: a.entry.description,
              projectName: a.entry.projectName,
              taskName: a.entry.taskName,
              startedAt: a.entry.startedAt,
              elapsedSeconds: elapsedAt(a.entry, snapshot.at, nowMs),
            }
          : null,
      error: a.error ? { kind: a.error.kind, message: a.error.message } : null,
      isDefault: a.isDefault,
      todaySeconds: a.todaySeconds,
    })),
  };
}

export const accountListSchema = z.array(accountSummarySchema);

/** Accounts from an `accounts.list` answer, falling back to the snapshot when data is absent. */
export function accountsFrom(data: unknown, snapshot: Snapshot): AccountSummary[] {
  const parsed = accountListSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const wrapped = z.object({ accounts: accountListSchema }).safeParse(data);
  if (wrapped.success) return wrapped.data.accounts;
  return snapshot.accounts.map((a) => ({
    id: a.id,
    provider: a.provider,
    label: a.label,
    isDefault: a.isDefault,
    baseUrl: null,
  }));
}

/** Aligned columns: id, provider, label, "default" marker, base URL when replaced. */
export function accountsText(accounts: readonly AccountSummary[]): string {
  const rows = accounts.map((a) => [
    a.id,
    PROVIDER_NAMES[a.provider],
    a.label,
    a.isDefault ? 'default' : '',
    a.baseUrl ?? '',
  ]);
  const header = ['ID', 'PROVIDER', 'LABEL', 'DEFAULT', 'BASE URL'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
