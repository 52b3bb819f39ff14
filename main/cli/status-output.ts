/**
 * What `tray-timer status` and `tray-timer accounts list` print. Pure functions of a snapshot
 * (or account list) and the time of printing, so the output can be tested exactly.
 *
 * Human status line, one per account (default account first, as in the snapshot):
 *   ▶ 1:23 Writing docs — Website (Local)                 running (same text as the tooltip)
 *   ■ Not tracking · today 3:40 (Local)                   idle
 *   ! Sign-in needed (Toggl Track: Work)                  idle with an error
 *   ▶ 0:05 Review — Website (Toggl Track: Work) ! Offline running, but the account has a problem
 *   ▶ today 3:12 Writing docs (WebWork: ada@example.com · Acme)   no start time known: the day's total
 *   ▶ 0:25 Bricks — Website (WebWork: ada@example.com · Acme, Bob Builder)   acting for a member
 *   ▶ 0:03 Docs (Toggl Track: Work) — will sync when online   started offline, not sent yet
 * Under an account, its journal actions not confirmed yet (absent when there are none):
 *     ↻ Start “Docs” at 10:04 — will sync when online
 *     ⚠ Start “Homepage” at 10:12 — refused: Invalid project_id (tray-timer queue)
 * Times are hours:minutes (status bars refresh every second; a seconds field would make the bar
 * jitter and is what the popup's clock is for). WebWork trackers started outside Tray Timer have
 * no start time: their figure is today's total, and the line says "today" so nobody reads it as
 * the session's length.
 *
 * `status --member` and `team` (WebWork managers) print a member's tracker and the team glance;
 * their --json shapes are below, public like the status one (add fields, never change them).
 */
import { z } from 'zod';
import {
  accountSummarySchema,
  presenceViewSchema,
  PROVIDER_NAMES,
  providerKindSchema,
} from '../../preload/contract';
import type {
  AccountState,
  AccountSummary,
  AppError,
  EntryView,
  MemberStatus,
  PendingActionView,
  PomodoroView,
  PresenceView,
  Snapshot,
  TeamGlance,
} from '../../preload/contract';
import {
  describeEntry,
  elapsedSince,
  formatHoursMinutes,
  formatClockTime,
  plural,
  waitsFor,
} from '../../preload/format';
import { pomodoroLine } from '../core/snapshot';
import { awayStatusLine } from './away-output';

/**
 * A running entry in every --json shape (status, status --member, team): one shape, so the three
 * outputs cannot drift apart. Public like them: add fields, never change them.
 */
const entryJsonSchema = z.object({
  description: z.string().nullable(),
  projectName: z.string().nullable(),
  taskName: z.string().nullable(),
  /** Null where the service gives no start time (WebWork trackers started elsewhere). */
  startedAt: z.string().nullable(),
  /** At print time: since startedAt ('session') or the day's total ('today'). */
  elapsedSeconds: z.number(),
  // Addition to the issue's status shape: 'today' when elapsedSeconds is the day's total.
  elapsedKind: z.enum(['session', 'today']),
});

/** An account's running entry in `status --json`: the entry, and whether it is only queued. */
const statusEntryJsonSchema = entryJsonSchema.extend({
  /** Started offline and not confirmed by the service yet (it is in the action journal). */
  pending: z.boolean(),
});

/** An account's or a member's problem: the kind for scripts, the message for people. */
const errorJsonSchema = z.object({ kind: z.string(), message: z.string() });

/** A journal action not confirmed by its service yet (status --json and queue --json). */
export const pendingJsonSchema = z.object({
  id: z.string(),
  kind: z.enum(['start', 'stop']),
  /** "Start “Docs” at 10:04" */
  summary: z.string(),
  /** The time the user asked for (ISO 8601). */
  at: z.string(),
  state: z.enum(['waiting', 'rejected', 'conflict', 'late']),
  /** Why it is waiting or was set aside. */
  error: errorJsonSchema.nullable(),
  /** In a conflict: what runs on the service now (null: nothing, or not a conflict). */
  theirs: entryJsonSchema.nullable(),
});

/** The `status --json` shape promised in the issue (a public contract: add, never change). */
export const statusJsonSchema = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: providerKindSchema,
      label: z.string(),
      running: z.boolean(),
      entry: statusEntryJsonSchema.nullable(),
      error: errorJsonSchema.nullable(),
      // Additions (allowed by the contract): handy for status bars.
      isDefault: z.boolean(),
      todaySeconds: z.number(),
      /** WebWork managers: whose tracker `entry` is (the popup's "Track for"); null: your own. */
      actingFor: z
        .object({ id: z.string(), name: z.string(), email: z.string().nullable() })
        .nullable(),
      /** Journal actions not confirmed by the service yet, oldest first. */
      pending: z.array(pendingJsonSchema),
    }),
  ),
  /**
   * Addition: the app's away question (`tray-timer away`), pomodoro phase (remainingSeconds at
   * print time) and how idle time is measured; the contract's PresenceView. Without the app
   * running: { away: null, pomodoro: null, … }.
   */
  presence: presenceViewSchema,
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

/** "0:25", or "today 3:12" when the figure is the day's total rather than the session's. */
export function elapsedLabel(entry: EntryView, snapshotAt: string, nowMs: number): string {
  const time = formatHoursMinutes(elapsedAt(entry, snapshotAt, nowMs));
  return entry.elapsedKind === 'today' ? `today ${time}` : time;
}

const STATE_WORDS: Record<Exclude<PendingActionView['state'], 'waiting'>, string> = {
  rejected: 'refused',
  conflict: 'conflict',
  late: 'needs your OK',
};

/** One journal action, as `status` prints it under its account. */
export function pendingLine(action: PendingActionView): string {
  if (action.state === 'waiting') return `↻ ${action.summary} — ${waitsFor(action.error)}`;
  const why = action.error ? `: ${action.error.message.split('\n')[0]}` : '';
  return `⚠ ${action.summary} — ${STATE_WORDS[action.state]}${why} (tray-timer queue)`;
}

export function statusLine(account: AccountState, snapshotAt: string, nowMs: number): string {
  // Acting for a member: the line says whose tracker it is, as the tooltip does.
  const where = account.actingFor
    ? `${accountName(account)}, ${account.actingFor.name}`
    : accountName(account);
  if (account.running && account.entry) {
    let line = `▶ ${elapsedLabel(account.entry, snapshotAt, nowMs)} ${describeEntry(account.entry)} (${where})`;
    if (account.entry.pending) {
      const start = account.pending.filter((p) => p.kind === 'start' && p.state === 'waiting');
      line += ` — ${waitsFor(start[start.length - 1]?.error ?? null)}`;
    }
    return account.error ? `${line} ! ${shortError(account.error)}` : line;
  }
  if (account.error) return `! ${shortError(account.error)} (${where})`;
  const today = formatHoursMinutes(account.todaySeconds);
  return account.actingFor
    ? `■ ${account.actingFor.name} is not tracking · today ${today} (${accountName(account)})`
    : `■ Not tracking · today ${today} (${where})`;
}

/** The pomodoro as of the time of printing (the snapshot's figure is as of when it was taken). */
function pomodoroAt(p: PomodoroView, nowMs: number): PomodoroView {
  const ends = Date.parse(p.endsAt);
  if (Number.isNaN(ends)) return p;
  return { ...p, remainingSeconds: Math.max(0, Math.round((ends - nowMs) / 1000)) };
}

function presenceAt(presence: PresenceView, nowMs: number): PresenceView {
  return { ...presence, pomodoro: presence.pomodoro && pomodoroAt(presence.pomodoro, nowMs) };
}

/**
 * Each account's line, then (indented) its journal actions not confirmed yet; then the pomodoro
 * and the away question, as the tooltip has them. Those come last so the first line — what
 * status bars show with `head -1` — stays the default account's.
 */
export function statusText(snapshot: Snapshot, nowMs: number): string {
  const { pomodoro, away } = snapshot.presence;
  return [
    ...snapshot.accounts.flatMap((a) => [
      statusLine(a, snapshot.at, nowMs),
      ...a.pending.map((p) => `    ${pendingLine(p)}`),
    ]),
    ...(pomodoro ? [pomodoroLine(pomodoroAt(pomodoro, nowMs))] : []),
    ...(away ? [awayStatusLine(away)] : []),
  ].join('\n');
}

/** An entry as the --json outputs print it, elapsed counted to the time of printing. */
function entryJson(
  entry: EntryView,
  snapshotAt: string,
  nowMs: number,
): z.infer<typeof entryJsonSchema> {
  return {
    description: entry.description,
    projectName: entry.projectName,
    taskName: entry.taskName,
    startedAt: entry.startedAt,
    elapsedSeconds: elapsedAt(entry, snapshotAt, nowMs),
    elapsedKind: entry.elapsedKind,
  };
}

function pendingJson(
  p: PendingActionView,
  snapshotAt: string,
  nowMs: number,
): z.infer<typeof pendingJsonSchema> {
  return {
    id: p.id,
    kind: p.kind,
    summary: p.summary,
    at: p.at,
    state: p.state,
    error: p.error ? errorJson(p.error) : null,
    theirs: p.theirs ? entryJson(p.theirs, snapshotAt, nowMs) : null,
  };
}

/** Kind and message only: the public shape has no resetAt or other AppError fields. */
function errorJson(error: Pick<AppError, 'kind' | 'message'>): z.infer<typeof errorJsonSchema> {
  return { kind: error.kind, message: error.message };
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
          ? { ...entryJson(a.entry, snapshot.at, nowMs), pending: a.entry.pending }
          : null,
      error: a.error ? errorJson(a.error) : null,
      isDefault: a.isDefault,
      todaySeconds: a.todaySeconds,
      actingFor: a.actingFor
        ? { id: a.actingFor.id, name: a.actingFor.name, email: a.actingFor.email }
        : null,
      pending: a.pending.map((p) => pendingJson(p, snapshot.at, nowMs)),
    })),
    presence: presenceAt(snapshot.presence, nowMs),
  };
}

// ---------------------------------------------------------------------------------------------
// The action journal: `tray-timer queue`.
// ---------------------------------------------------------------------------------------------

/** `tray-timer queue --json`: every account's journal actions, oldest first per account. */
export const queueJsonSchema = z.object({
  actions: z.array(
    pendingJsonSchema.extend({
      accountId: z.string(),
      /** As the status line names it: "Toggl Track: Work". */
      account: z.string(),
    }),
  ),
});
export type QueueJson = z.infer<typeof queueJsonSchema>;

export function queueJson(snapshot: Snapshot, nowMs: number): QueueJson {
  return {
    actions: snapshot.accounts.flatMap((a) =>
      a.pending.map((p) => ({
        ...pendingJson(p, snapshot.at, nowMs),
        accountId: a.id,
        account: accountName(a),
      })),
    ),
  };
}

/**
 * `tray-timer queue`: one row per action (id, state, account, what), the reason indented under
 * it, and what to type about the ones that need the user:
 *   ID                                    STATE     ACCOUNT            ACTION
 *   0b6d…                                 waiting   Toggl Track: Work  Start “Docs” at 10:04
 *       Toggl Track is unreachable: the connection was reset. — will sync when online
 */
export function queueText(snapshot: Snapshot): string {
  const rows = snapshot.accounts.flatMap((a) => a.pending.map((p) => ({ a, p })));
  if (rows.length === 0) return 'Nothing waits: every start and stop was confirmed by its service.';
  const header = ['ID', 'STATE', 'ACCOUNT', 'ACTION'];
  const cells = rows.map(({ a, p }) => [p.id, p.state, accountName(a), p.summary]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...cells].map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header)];
  rows.forEach(({ p }, i) => {
    out.push(line(cells[i] ?? []));
    const why = p.error?.message.split('\n')[0];
    if (p.state === 'waiting') out.push(`    ${why ? `${why} — ` : ''}${waitsFor(p.error)}`);
    else if (why) out.push(`    ${why}`);
    if (p.state === 'conflict' && p.theirs) {
      const since = p.theirs.startedAt ? formatClockTime(p.theirs.startedAt) : null;
      out.push(
        `    On the service now: ${describeEntry(p.theirs)}${since ? ` since ${since}` : ''}`,
      );
    }
  });
  const stuck = rows.filter(({ p }) => p.state !== 'waiting');
  if (stuck.length < rows.length) {
    out.push('');
    out.push(
      'Waiting actions go out with the next command once the service answers (the app retries on its own); "tray-timer queue retry ID" tries one now.',
    );
  }
  if (stuck.length > 0) {
    out.push('');
    out.push(
      `${plural(stuck.length, 'action needs', 'actions need')} you: "tray-timer queue retry ID" (add --anyway for a conflict or a late one) or "tray-timer queue discard ID".`,
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// WebWork managers: one member's tracker (`status --member`) and the team glance (`team`).
// ---------------------------------------------------------------------------------------------

const memberJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.string().nullable(),
});

/** One member in `team --json`. */
export const memberRowJsonSchema = z.object({
  member: memberJsonSchema,
  running: z.boolean(),
  entry: entryJsonSchema.nullable(),
  todaySeconds: z.number(),
  /** When the tracker was read (ISO 8601); null: not read yet (waiting for the rate budget). */
  checkedAt: z.string().nullable(),
  error: errorJsonSchema.nullable(),
});

/** `tray-timer status --member X --json`: a member row plus the account it was read through. */
export const memberStatusJsonSchema = memberRowJsonSchema.extend({ accountId: z.string() });
export type MemberStatusJson = z.infer<typeof memberStatusJsonSchema>;

/** `tray-timer team --json`. */
export const teamJsonSchema = z.object({
  accountId: z.string(),
  /** Members in the workspace. */
  total: z.number().int(),
  /** Members whose tracker runs (the first rows of `members`). */
  tracking: z.number().int(),
  /** Members read and found idle. */
  notTracking: z.number().int(),
  /** Members not read yet; the rate budget reads them later. */
  unchecked: z.number().int(),
  /** When more can be read (ISO 8601); null: nothing waits. */
  nextCheckAt: z.string().nullable(),
  /** Tracking first (most today first), then the others by name. */
  members: z.array(memberRowJsonSchema),
});
export type TeamJson = z.infer<typeof teamJsonSchema>;

function memberRowJson(
  m: MemberStatus,
  snapshotAt: string,
  nowMs: number,
): z.infer<typeof memberRowJsonSchema> {
  return {
    member: { id: m.member.id, name: m.member.name, email: m.member.email, role: m.member.role },
    running: m.entry !== null,
    entry: m.entry ? entryJson(m.entry, snapshotAt, nowMs) : null,
    todaySeconds: m.todaySeconds,
    checkedAt: m.checkedAt,
    error: m.error ? errorJson(m.error) : null,
  };
}

export function memberStatusJson(
  m: MemberStatus,
  accountId: string,
  snapshotAt: string,
  nowMs: number,
): MemberStatusJson {
  return { accountId, ...memberRowJson(m, snapshotAt, nowMs) };
}

/** Read and idle: neither tracking, nor failed, nor waiting for its first read. */
function isIdle(m: MemberStatus): boolean {
  return m.entry === null && m.error === null && m.checkedAt !== null;
}

export function teamJson(glance: TeamGlance, snapshotAt: string, nowMs: number): TeamJson {
  return {
    accountId: glance.accountId,
    total: glance.total,
    tracking: glance.members.filter((m) => m.entry !== null).length,
    notTracking: glance.members.filter(isIdle).length,
    unchecked: glance.unchecked,
    nextCheckAt: glance.nextCheckAt,
    members: glance.members.map((m) => memberRowJson(m, snapshotAt, nowMs)),
  };
}

/**
 * `status --member`, one line:
 *   ▶ 0:25 Bricks — Website (WebWork: ada@example.com · Acme, Bob Builder)
 *   ■ Bob Builder is not tracking · today 1:10 (WebWork: ada@example.com · Acme)
 *   ! <what went wrong> (WebWork: ada@example.com · Acme, Bob Builder)
 */
export function memberStatusLine(
  m: MemberStatus,
  account: string,
  snapshotAt: string,
  nowMs: number,
): string {
  const whose = `${account}, ${m.member.name}`;
  if (m.entry) {
    const line = `▶ ${elapsedLabel(m.entry, snapshotAt, nowMs)} ${describeEntry(m.entry)} (${whose})`;
    return m.error ? `${line} ! ${shortError(m.error)}` : line;
  }
  if (m.error) return `! ${shortError(m.error)} (${whose})`;
  if (m.checkedAt === null) return `? ${m.member.name}: not read yet (${account})`;
  return `■ ${m.member.name} is not tracking · today ${formatHoursMinutes(m.todaySeconds)} (${account})`;
}

/**
 * `team`: one line per member tracking, names and times in columns, then the counts:
 *   ▶ Bob Builder    0:25        Bricks — Website / Design
 *   ▶ Carol Jones    today 2:10  Review — Website
 *   ! Dan Smith      WebWork allows this only to …
 *   3 not tracking
 *   2 members not checked yet (rate budget) — next check at 10:31
 */
export function teamText(glance: TeamGlance, snapshotAt: string, nowMs: number): string {
  const tracking = glance.members.filter((m) => m.entry !== null);
  const failed = glance.members.filter((m) => m.entry === null && m.error !== null);
  const rows: [string, string, string, string][] = [
    ...tracking.map((m): [string, string, string, string] => {
      const e = m.entry as EntryView;
      const problem = m.error ? ` ! ${shortError(m.error)}` : '';
      return ['▶', m.member.name, elapsedLabel(e, snapshotAt, nowMs), describeEntry(e) + problem];
    }),
    ...failed.map((m): [string, string, string, string] => [
      '!',
      m.member.name,
      '',
      shortError(m.error as AppError),
    ]),
  ];
  const nameWidth = Math.max(0, ...rows.map((r) => r[1].length));
  const timeWidth = Math.max(0, ...rows.map((r) => r[2].length));
  const lines = rows.map(
    ([mark, name, time, what]) =>
      `${mark} ${name.padEnd(nameWidth)}  ${time.padEnd(timeWidth)}  ${what}`,
  );
  lines.push(`${glance.members.filter(isIdle).length} not tracking`);
  if (glance.unchecked > 0) {
    const when = glance.nextCheckAt ? formatClockTime(glance.nextCheckAt) : null;
    lines.push(
      `${plural(glance.unchecked, 'member', 'members')} not checked yet (rate budget)${when ? ` — next check at ${when}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** The account a member command went through, named as in the status line. */
export function accountNameIn(snapshot: Snapshot, accountId: string | undefined): string {
  const id = accountId ?? snapshot.defaultAccountId;
  const account = snapshot.accounts.find((a) => a.id === id);
  return account ? accountName(account) : id;
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
