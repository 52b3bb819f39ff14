/**
 * Builds the one picture of the app's state that tray, popup and CLI show. Pure: same inputs,
 * same snapshot. Elapsed times are computed at `now`; receivers that tick (the popup clock)
 * recompute from `startedAt`.
 */
import {
  NO_PRESENCE,
  PROVIDER_NAMES,
  type PomodoroView,
  type PresenceView,
  type AccountState,
  type AppError,
  type EntryView,
  type Notice,
  type Snapshot,
  type TrayState,
} from '../../preload/contract';
import {
  describeEntry,
  formatDurationWords,
  formatHoursMinutes,
  plural,
  pomodoroText,
  toLocalIso,
} from '../../preload/format';
import { pendingView } from '../journal/pending-view';
import type { RemoteEntry } from '../providers/provider';
import type { AccountRuntime } from './account-runtime';
import { secondsToday } from './today';

/** How many distinct recent entries "Continue" and autocomplete offer per account. */
export const RECENT_LIMIT = 15;

export function entryView(e: RemoteEntry, now: number): EntryView {
  const end = e.stop ?? now;
  // Without a start time the service's day total stands in, growing while the entry runs.
  const grown =
    e.stop === null && e.trackedAt !== undefined ? Math.max(0, now - e.trackedAt) / 1000 : 0;
  const elapsedSeconds =
    e.start !== null
      ? Math.max(0, Math.floor((end - e.start) / 1000))
      : Math.max(0, Math.floor((e.trackedSeconds ?? 0) + grown));
  return {
    id: e.id,
    description: e.description,
    projectId: e.projectId,
    projectName: e.projectName,
    projectColor: e.projectColor,
    taskId: e.taskId,
    taskName: e.taskName,
    startedAt: e.start === null ? null : toLocalIso(e.start),
    stoppedAt: e.stop === null ? null : toLocalIso(e.stop),
    elapsedSeconds,
    tags: e.tags ?? [],
    billable: e.billable ?? null,
    elapsedKind: e.start === null ? 'today' : 'session',
    pending: e.pending ?? false,
  };
}

/** Distinct stopped entries, newest first: one row per description + project + task. */
export function recentDistinct(
  entries: readonly RemoteEntry[],
  limit = RECENT_LIMIT,
): RemoteEntry[] {
  const sorted = entries
    .filter((e) => e.stop !== null)
    .sort((a, b) => (b.start ?? 0) - (a.start ?? 0));
  const seen = new Set<string>();
  const out: RemoteEntry[] = [];
  for (const e of sorted) {
    const key = `${(e.description ?? '').trim().toLowerCase()}\u0000${e.projectId ?? ''}\u0000${e.taskId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

export function accountLabel(a: { label: string; provider: AccountState['provider'] }): string {
  return a.provider === 'local' || a.label === PROVIDER_NAMES[a.provider]
    ? a.label
    : `${PROVIDER_NAMES[a.provider]}: ${a.label}`;
}

export interface SnapshotInput {
  version: number;
  now: number;
  runtimes: readonly AccountRuntime[];
  defaultAccountId: string;
  notices: readonly Notice[];
  /** The away prompt, pomodoro phase and idle source (the presence service's view). */
  presence?: PresenceView;
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { now } = input;
  const accounts: AccountState[] = input.runtimes.map((rt) => ({
    id: rt.config.id,
    provider: rt.config.provider,
    label: rt.config.label,
    isDefault: rt.config.id === input.defaultAccountId,
    running: rt.running !== null,
    entry: rt.running ? entryView(rt.running, now) : null,
    error: rt.error ? presentError(rt.error, rt.lastSyncedAt, now) : null,
    recent: recentDistinct(rt.entries).map((e) => entryView(e, now)),
    projects: rt.projects.map((p) => ({
      id: p.id,
      name: p.name,
      color: p.color,
      clientName: p.clientName,
      tasks: p.tasks.map((t) => ({ id: t.id, name: t.name })),
    })),
    todaySeconds: rt.provider?.todaySeconds?.(now) ?? secondsToday(rt.entries, now),
    lastSyncedAt: rt.lastSyncedAt === null ? null : toLocalIso(rt.lastSyncedAt),
    capabilities: rt.provider?.capabilities ?? {
      projects: false,
      tasks: false,
      backdate: false,
      editStart: false,
      editEntry: false,
      tags: false,
      billable: false,
      members: false,
    },
    role: rt.provider?.team?.role ?? null,
    actingFor: rt.provider?.team?.actingFor ?? null,
    pending: rt.pending.map((a) => pendingView(a, toLocalIso, (e) => entryView(e, now))),
  }));
  // "Today" is your own time: an account showing a member's tracker adds yours, not theirs.
  // (Counted before sorting: accounts[i] is runtimes[i]'s state.)
  const todaySeconds = input.runtimes.reduce((sum, rt, i) => {
    const team = rt.provider?.team;
    return (
      sum + (team?.actingFor ? (team.selfTodaySeconds(now) ?? 0) : (accounts[i]?.todaySeconds ?? 0))
    );
  }, 0);
  // The default account first: it is what the tooltip and the menu lead with.
  accounts.sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  return {
    version: input.version,
    at: toLocalIso(now),
    accounts,
    defaultAccountId: input.defaultAccountId,
    todaySeconds,
    tray: trayView(accounts, todaySeconds, input.notices, input.presence ?? NO_PRESENCE),
    notices: [...input.notices],
    presence: input.presence ?? NO_PRESENCE,
  };
}

/** "🍅 Focus · 12 min left": the pomodoro line of the tooltip. */
export function pomodoroLine(p: PomodoroView): string {
  return `${p.phase === 'work' ? '🍅' : '☕'} ${pomodoroText(p.phase, p.remainingSeconds)}`;
}

function trayView(
  accounts: readonly AccountState[],
  todaySeconds: number,
  notices: readonly Notice[],
  presence: PresenceView,
): Snapshot['tray'] {
  const running = accounts.filter((a) => a.entry !== null);
  const lines = running.map((a) => {
    const e = a.entry ?? { ...emptyEntry, elapsedSeconds: 0, elapsedKind: 'session' };
    // A day total is labelled as such: it is not how long this entry has run.
    const time = `${e.elapsedKind === 'today' ? 'today ' : ''}${formatHoursMinutes(e.elapsedSeconds)}`;
    const whose = a.actingFor ? `, ${a.actingFor.name}'s tracker` : '';
    const offline = a.error === null || a.error.kind === 'offline';
    const pending =
      'pending' in e && e.pending
        ? offline
          ? ' — will sync when online'
          : ' — not synced yet'
        : '';
    return `▶ ${time} ${describeEntry(e)} (${accountLabel(a)}${whose})${pending}`;
  });
  // While an account shows a member's tracker, your own on that account is not read: the tray
  // does not claim "Not tracking" for you then.
  const acting = accounts.some((a) => a.actingFor !== null);
  if (lines.length === 0)
    lines.push(`${acting ? 'Today' : 'Not tracking · today'} ${formatHoursMinutes(todaySeconds)}`);
  // An account showing a member's idle tracker says so: "Not tracking" above is about you.
  for (const a of accounts)
    if (a.actingFor && a.entry === null)
      lines.push(`■ ${a.actingFor.name}'s tracker: not tracking (${accountLabel(a)})`);
  for (const a of accounts) {
    const waiting = a.pending.filter((p) => p.state === 'waiting').length;
    const stuck = a.pending.length - waiting;
    if (waiting > 0 && a.entry?.pending !== true)
      lines.push(
        `↻ ${plural(waiting, 'action', 'actions')} will sync when online (${accountLabel(a)})`,
      );
    if (stuck > 0)
      lines.push(
        `⚠ ${plural(stuck, 'action needs', 'actions need')} you (${accountLabel(a)}) — open Tray Timer`,
      );
  }
  if (presence.pomodoro) lines.push(pomodoroLine(presence.pomodoro));
  if (presence.away) lines.push(`⚠ ${presence.away.message} — open Tray Timer to decide`);
  for (const a of accounts) if (a.error) lines.push(`⚠ ${accountLabel(a)}: ${a.error.message}`);
  const attention =
    presence.away !== null ||
    accounts.some((a) => a.error !== null || a.pending.some((p) => p.state !== 'waiting')) ||
    notices.some((n) => n.level === 'error');
  const state: TrayState = attention ? 'attention' : running.length > 0 ? 'running' : 'idle';
  const first = running[0]?.entry;
  return {
    state,
    tooltip: lines.join('\n'),
    title: first ? formatHoursMinutes(first.elapsedSeconds) : '',
  };
}

/**
 * Adds what only the moment of display knows: how long until a quota resets ("resets in
 * 12 min") and, while a service is unreachable, how old the state on screen is.
 */
export function presentError(error: AppError, lastSyncedAt: number | null, now: number): AppError {
  if (error.kind === 'quota' && error.resetAt) {
    const left = Math.max(0, Date.parse(error.resetAt) - now);
    const inWords =
      left < 60_000 ? 'less than a minute' : formatDurationWords(Math.ceil(left / 60_000) * 60);
    return { ...error, message: `${error.message} — resets in ${inWords}` };
  }
  if (
    (error.kind === 'offline' || error.kind === 'provider' || error.kind === 'rate-limited') &&
    lastSyncedAt !== null
  ) {
    const ago = Math.max(0, now - lastSyncedAt);
    const when =
      ago < 60_000
        ? 'less than a minute ago'
        : `${formatDurationWords(Math.floor(ago / 60_000) * 60)} ago`;
    return { ...error, message: `${error.message} Last synced ${when}.` };
  }
  return error;
}

const emptyEntry = { description: null, projectName: null, taskName: null };

export { toLocalIso };
