/**
 * The virtual workday the provider benchmarks share (bench/toggl-workday.ts,
 * bench/trackingtime-workday.ts, bench/webwork-workday.ts): the seeded script (starts, stops,
 * continues, remote changes, popup openings, lunch locked, an hour asleep), presence, staleness
 * and request-log measures, pooling several days, and the report pieces every provider shows
 * alike. How a client lives through the day: bench/core-day.ts (Tray Timer) and
 * bench/naive-day.ts (a naive poller).
 */
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const SEED = 20261125;
export const MORE_SEEDS = [1, 2, 3, 4, 5, 6, 7] as const;

// ---------------------------------------------------------------------------------------------
// The day
// ---------------------------------------------------------------------------------------------
/** Local 09:00 on a weekday; every time below is an offset from it. */
export const DAY_START = new Date(2026, 10, 25, 9, 0, 0).getTime();
export const at = (h: number, m: number) => DAY_START + (h - 9) * HOUR + m * MIN;
export const DAY_END = at(17, 0);
export const LOCK = { from: at(12, 0), to: at(12, 45) };
export const SLEEP = { from: at(15, 0), to: at(16, 0) };
export const AWAY = [LOCK, SLEEP];
export const POPUP_OPENS = 20;
export const POPUP_SHOWN_MS = 20 * SEC;

/** mulberry32: tiny, seeded, good enough to jitter a schedule. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EntryShape {
  description: string;
  project: string;
}

/** What a client shows of the account: enough to tell whether a remote change arrived. */
export interface View {
  running: boolean;
  description: string | null;
  projectName: string | null;
}

export type RemoteChange =
  | { kind: 'remote-start'; entry: EntryShape }
  | { kind: 'remote-edit'; description?: string; project?: string }
  | { kind: 'remote-stop' };

export type ScriptEvent = { t: number } & (
  | { kind: 'start'; entry: EntryShape }
  | { kind: 'continue'; entry: EntryShape }
  | { kind: 'stop' }
  | { kind: 'remote'; change: RemoteChange; label: string; shows: (v: View) => boolean }
  | { kind: 'popup' }
  | { kind: 'power'; event: 'lock-screen' | 'unlock-screen' | 'suspend' | 'resume' }
);

export const PROJECTS = ['Admin', 'Q4 report', 'Platform'] as const;

/**
 * The fixed script, jittered by up to ±2 minutes per event (never across a neighbour or into
 * an absence), plus 20 popup openings at random moments while the user is at the computer.
 */
export function workdayScript(seed = SEED): ScriptEvent[] {
  const rnd = prng(seed);
  const jitter = (t: number) => t + Math.round((rnd() * 4 - 2) * 60) * SEC;
  const fixed: ScriptEvent[] = [
    {
      t: jitter(at(9, 4)),
      kind: 'start',
      entry: { description: 'Email triage', project: 'Admin' },
    },
    { t: jitter(at(9, 31)), kind: 'stop' },
    {
      t: jitter(at(9, 40)),
      kind: 'start',
      entry: { description: 'Write report', project: 'Q4 report' },
    },
    {
      t: jitter(at(10, 2)),
      kind: 'remote',
      label: 'edit description (web)',
      change: { kind: 'remote-edit', description: 'Write Q4 report draft' },
      shows: (v) => v.running && v.description === 'Write Q4 report draft',
    },
    { t: jitter(at(10, 25)), kind: 'stop' },
    {
      t: jitter(at(10, 35)),
      kind: 'remote',
      label: 'start (phone)',
      change: { kind: 'remote-start', entry: { description: 'Standup notes', project: 'Admin' } },
      shows: (v) => v.running && v.description === 'Standup notes',
    },
    { t: jitter(at(10, 58)), kind: 'stop' },
    {
      t: jitter(at(11, 5)),
      kind: 'continue',
      entry: { description: 'Standup notes', project: 'Admin' },
    },
    {
      t: jitter(at(11, 28)),
      kind: 'remote',
      label: 'change project (web)',
      change: { kind: 'remote-edit', project: 'Platform' },
      shows: (v) => v.running && v.projectName === 'Platform',
    },
    { t: jitter(at(11, 50)), kind: 'stop' },
    { t: LOCK.from, kind: 'power', event: 'lock-screen' },
    {
      t: jitter(at(12, 20)),
      kind: 'remote',
      label: 'start while locked (phone)',
      change: { kind: 'remote-start', entry: { description: 'Lunch call', project: 'Admin' } },
      shows: (v) => v.running && v.description === 'Lunch call',
    },
    { t: LOCK.to, kind: 'power', event: 'unlock-screen' },
    { t: jitter(at(12, 55)), kind: 'stop' },
    {
      t: jitter(at(13, 0)) + 3 * MIN,
      kind: 'start',
      entry: { description: 'Code review', project: 'Platform' },
    },
    {
      t: jitter(at(13, 40)),
      kind: 'remote',
      label: 'start replacing ours (web)',
      change: {
        kind: 'remote-start',
        entry: { description: 'Client call', project: 'Q4 report' },
      },
      shows: (v) => v.running && v.description === 'Client call',
    },
    { t: jitter(at(14, 5)), kind: 'stop' },
    {
      t: jitter(at(14, 12)),
      kind: 'continue',
      entry: { description: 'Client call', project: 'Q4 report' },
    },
    { t: jitter(at(14, 35)), kind: 'stop' },
    {
      t: jitter(at(14, 45)),
      kind: 'start',
      entry: { description: 'Docs', project: 'Platform' },
    },
    { t: SLEEP.from, kind: 'power', event: 'suspend' },
    {
      t: jitter(at(15, 25)),
      kind: 'remote',
      label: 'stop while asleep (phone)',
      change: { kind: 'remote-stop' },
      shows: (v) => !v.running,
    },
    { t: SLEEP.to, kind: 'power', event: 'resume' },
    {
      t: jitter(at(16, 8)),
      kind: 'start',
      entry: { description: 'Write report', project: 'Q4 report' },
    },
    { t: jitter(at(16, 30)), kind: 'stop' },
    {
      t: jitter(at(16, 38)),
      kind: 'continue',
      entry: { description: 'Write report', project: 'Q4 report' },
    },
  ];
  // Popups: at random moments while present, at least 4 minutes apart and 30 s away from any
  // scripted event, so each opening is its own measurement.
  const popups: ScriptEvent[] = [];
  const busy = fixed.map((e) => e.t);
  let guard = 0;
  while (popups.length < POPUP_OPENS && guard++ < 100_000) {
    const t = DAY_START + 2 * MIN + Math.floor(rnd() * (DAY_END - DAY_START - 4 * MIN));
    const tSec = t - (t % SEC);
    if (isAway(tSec) || isAway(tSec + POPUP_SHOWN_MS)) continue;
    if (busy.some((b) => Math.abs(b - tSec) < 30 * SEC)) continue;
    if (popups.some((p) => Math.abs(p.t - tSec) < 4 * MIN)) continue;
    popups.push({ t: tSec, kind: 'popup' });
  }
  return [...fixed, ...popups].sort((a, b) => a.t - b.t);
}

export function isAway(t: number): boolean {
  return AWAY.some((a) => t >= a.from && t < a.to);
}

/** Milliseconds in [from, to) that the user was at the computer (not locked, not asleep). */
export function presentMs(from: number, to: number): number {
  let ms = Math.max(0, to - from);
  for (const a of AWAY) ms -= Math.max(0, Math.min(to, a.to) - Math.max(from, a.from));
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Measures
// ---------------------------------------------------------------------------------------------
export interface Staleness {
  changes: number;
  /**
   * Changes the client never showed before the user acted again or the day ended; they enter
   * the quantiles at that lower bound, so with misses the figures are "at least".
   */
  missed: number;
  p50Sec: number | null;
  p95Sec: number | null;
  maxSec: number | null;
  perChange: ChangeSeen[];
}

export interface ChangeSeen {
  label: string;
  at: string;
  shown: boolean;
  /** Time present between the change and its display (a lower bound when not shown). */
  presentSec: number;
  /** Wall-clock time until it was shown; null when never shown. */
  wallSec: number | null;
}

export interface Observation {
  t: number;
  view: View;
}

/** p-quantile by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

/**
 * For each remote change, the first observation at or after it that shows it. A change is
 * "missed" when the user's next action (which rewrites the state) or the day's end comes first.
 */
export function measureStaleness(
  script: readonly ScriptEvent[],
  observed: Observation[],
): Staleness {
  const perChange: ChangeSeen[] = [];
  for (const e of script) {
    if (e.kind !== 'remote') continue;
    const nextAction = script.find(
      (n) => n.t > e.t && (n.kind === 'start' || n.kind === 'stop' || n.kind === 'continue'),
    );
    const deadline = nextAction?.t ?? DAY_END;
    const seen = observed.find((o) => o.t >= e.t && o.t <= deadline && e.shows(o.view));
    perChange.push({
      label: `${new Date(e.t).toTimeString().slice(0, 5)} ${e.label}`,
      at: new Date(e.t).toISOString(),
      shown: seen !== undefined,
      // Never shown: counted at its lower bound (until the user acted or the day ended).
      presentSec: Math.round(presentMs(e.t, seen?.t ?? deadline) / SEC),
      wallSec: seen ? Math.round((seen.t - e.t) / SEC) : null,
    });
  }
  return stalenessOf(perChange);
}

export function stalenessOf(perChange: ChangeSeen[]): Staleness {
  const sorted = perChange.map((c) => c.presentSec).sort((a, b) => a - b);
  return {
    changes: perChange.length,
    missed: perChange.filter((c) => !c.shown).length,
    p50Sec: quantile(sorted, 0.5),
    p95Sec: quantile(sorted, 0.95),
    maxSec: sorted.at(-1) ?? null,
    perChange,
  };
}

// ---------------------------------------------------------------------------------------------
// What a client did over the day, and the measures read from the fake's request log
// ---------------------------------------------------------------------------------------------
export interface PopupTally {
  opens: number;
  staleOpens: number;
  refreshedWithin2s: number;
}

export interface ActionTally {
  count: number;
  failed: number;
  minRequests: number;
  maxRequests: number;
}

/** A client's day as a driver saw it (bench/core-day.ts, bench/naive-day.ts). */
export interface DayRun<R> {
  observed: Observation[];
  popup: PopupTally;
  actions: ActionTally;
  /** Sent for a start/stop/continue; every other request of the day is automatic. */
  isAction: (r: R) => boolean;
}

/** Requests per start/stop/continue, and how many of those the user saw fail. */
export function actionTally(perAction: readonly number[], failed: number): ActionTally {
  return {
    count: perAction.length,
    failed,
    minRequests: Math.min(...perAction),
    maxRequests: Math.max(...perAction),
  };
}

/** A provider's day result: its own request measures between the client and what users see. */
export type DayResult<M> = { client: string } & M &
  Pick<CommonDayResult, 'staleness' | 'popup' | 'actions'>;

export function dayResult<M extends object>(
  client: string,
  measures: M,
  script: readonly ScriptEvent[],
  run: Pick<DayRun<unknown>, 'observed' | 'popup' | 'actions'>,
): DayResult<M> {
  return {
    client,
    ...measures,
    staleness: measureStaleness(script, run.observed),
    popup: run.popup,
    actions: run.actions,
  };
}

/** What every fake logs of a request. */
export interface LoggedAt {
  at: number;
  method: string;
  path: string;
}

/** The working day's requests (the evening's connect before it does not count). */
export function dayRequests<R extends LoggedAt>(log: readonly R[]): R[] {
  return log.filter((r) => r.at >= DAY_START && r.at <= DAY_END);
}

export const times = (log: readonly LoggedAt[]) => log.map((r) => r.at);

export function requestsWhileAway(day: readonly LoggedAt[]): { locked: number; asleep: number } {
  const inside = (w: { from: number; to: number }) =>
    day.filter((r) => r.at >= w.from && r.at < w.to).length;
  return { locked: inside(LOCK), asleep: inside(SLEEP) };
}

/** Requests a provider budgets as "automatic": everything not sent for a user's action. */
export interface AutomaticVsActions {
  requests: { total: number; automatic: number; actions: number };
  maxPerHour: { all: number; automatic: number };
}

export function automaticVsActions<R extends LoggedAt>(
  day: readonly R[],
  isAction: (r: R) => boolean,
): AutomaticVsActions {
  const automatic = day.filter((r) => !isAction(r));
  return {
    requests: {
      total: day.length,
      automatic: automatic.length,
      actions: day.length - automatic.length,
    },
    maxPerHour: {
      all: maxInAnyWindow(times(day), HOUR),
      automatic: maxInAnyWindow(times(automatic), HOUR),
    },
  };
}

/** The day's requests and events, one line each (`<PROVIDER>_BENCH_LOG=1 npm run bench`). */
export function timeline<R extends LoggedAt>(
  script: readonly ScriptEvent[],
  log: readonly R[],
  answer: (r: R) => string,
): string[] {
  const hms = (t: number) => new Date(t).toTimeString().slice(0, 8);
  const lines = [
    ...script.map((e) => ({
      t: e.t,
      text: `  ${e.kind}${e.kind === 'remote' ? `: ${e.label}` : e.kind === 'power' ? `: ${e.event}` : ''}`,
    })),
    ...log
      .filter((r) => r.at >= DAY_START)
      .map((r) => ({ t: r.at, text: `    ${r.method} ${r.path} → ${answer(r)}` })),
  ];
  return lines.sort((a, b) => a.t - b.t).map((l) => `${hms(l.t)}${l.text}`);
}

// ---------------------------------------------------------------------------------------------
// Several days of one client as one: sums, maxima, and quantiles over all remote changes
// ---------------------------------------------------------------------------------------------
export function poolOf<R>(days: readonly R[]): {
  sum: (f: (r: R) => number) => number;
  max: (f: (r: R) => number) => number;
  avg: (f: (r: R) => number) => number;
} {
  const sum = (f: (r: R) => number) => days.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: R) => number) => Math.max(...days.map(f));
  const avg = (f: (r: R) => number) => Math.round(sum(f) / days.length);
  return { sum, max, avg };
}

/**
 * Tray Timer on the seeded day (logged if asked), and on all days pooled: one day's six remote
 * changes and ~16 stale popup openings are a small sample, and a lucky seed could pass what
 * another fails: the same day with other jitter (MORE_SEEDS), pooled, is the verdict.
 */
export async function seededAndPooled<R>(
  runDay: (
    script: readonly ScriptEvent[],
    options?: { log?: (line: string) => void },
  ) => Promise<R>,
  pool: (client: string, days: readonly R[]) => R,
  options: { log?: (line: string) => void },
): Promise<{ script: ScriptEvent[]; thisDay: R; allDays: R }> {
  const script = workdayScript(SEED);
  const thisDay = await runDay(script, options);
  const more: R[] = [];
  for (const seed of MORE_SEEDS) more.push(await runDay(workdayScript(seed)));
  const allDays = pool(`Tray Timer, ${1 + MORE_SEEDS.length} days pooled`, [thisDay, ...more]);
  return { script, thisDay, allDays };
}

export function pooledAutomaticVsActions(days: readonly AutomaticVsActions[]): AutomaticVsActions {
  const { max, avg } = poolOf(days);
  return {
    // Per day, on average: the other figures are worst cases or totals over all days.
    requests: {
      total: avg((r) => r.requests.total),
      automatic: avg((r) => r.requests.automatic),
      actions: avg((r) => r.requests.actions),
    },
    maxPerHour: {
      all: max((r) => r.maxPerHour.all),
      automatic: max((r) => r.maxPerHour.automatic),
    },
  };
}

/** What users see, pooled the same way for every provider. */
export function pooledCommon(
  days: readonly CommonDayResult[],
): Pick<CommonDayResult, 'staleness' | 'popup' | 'actions' | 'whileAway'> {
  const { sum, max } = poolOf(days);
  return {
    staleness: stalenessOf(days.flatMap((r) => r.staleness.perChange)),
    popup: {
      opens: sum((r) => r.popup.opens),
      staleOpens: sum((r) => r.popup.staleOpens),
      refreshedWithin2s: sum((r) => r.popup.refreshedWithin2s),
    },
    actions: {
      count: sum((r) => r.actions.count),
      failed: sum((r) => r.actions.failed),
      minRequests: Math.min(...days.map((r) => r.actions.minRequests)),
      maxRequests: max((r) => r.actions.maxRequests),
    },
    whileAway: { locked: sum((r) => r.whileAway.locked), asleep: sum((r) => r.whileAway.asleep) },
  };
}

// ---------------------------------------------------------------------------------------------
// Report pieces every provider's workday measures alike
// ---------------------------------------------------------------------------------------------
export function fmtSec(s: number | null): string {
  if (s === null) return '—';
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export interface Verdict {
  measure: string;
  value: string;
  target: string;
  ok: boolean;
}

/** The part of a provider's day result that does not depend on how the provider counts requests. */
export interface CommonDayResult {
  client: string;
  /** Most requests within any one second. */
  maxPerSecond: number;
  staleness: Staleness;
  popup: PopupTally;
  actions: ActionTally;
  whileAway: { locked: number; asleep: number };
}

/**
 * What the user sees, the same target for every provider (issues 3, 4 and 5 ask the same), in
 * the order each provider's targets list them.
 */
export const DAY_TARGETS = {
  p95StalenessSec: 240,
  popupRefreshWithinSec: 2,
  popupStaleAfterSec: 30,
  requestsPerAction: 1,
  requestsWhileAway: 0,
} as const;

export type TableRow<R> = [string, (r: R) => string];

/** A change missed by the end of the day makes every staleness figure a lower bound. */
const atLeast = (r: CommonDayResult, s: number | null) =>
  `${r.staleness.missed > 0 ? '≥ ' : ''}${fmtSec(s)}`;

/** Table rows that follow a provider's own request counts, identical for every provider. */
export const COMMON_ROWS: TableRow<CommonDayResult>[] = [
  ['most requests within one second', (r) => String(r.maxPerSecond)],
  [
    'remote changes shown / made',
    (r) => `${r.staleness.changes - r.staleness.missed} / ${r.staleness.changes}`,
  ],
  ['staleness p50 (while present)', (r) => atLeast(r, r.staleness.p50Sec)],
  ['staleness p95 (while present)', (r) => atLeast(r, r.staleness.p95Sec)],
  ['staleness max (while present)', (r) => atLeast(r, r.staleness.maxSec)],
  [
    'popup opened on data > 30 s old: refreshed ≤ 2 s',
    (r) => `${r.popup.refreshedWithin2s} / ${r.popup.staleOpens}`,
  ],
  [
    'requests per start/stop/continue (min–max)',
    (r) => `${r.actions.minRequests}–${r.actions.maxRequests} (${r.actions.failed} failed)`,
  ],
  ['requests while locked / asleep', (r) => `${r.whileAway.locked} / ${r.whileAway.asleep}`],
];

/** One column per client, one line per measure, the header naming the clients. */
export function workdayTable<R extends { client: string }>(
  results: readonly R[],
  rows: readonly TableRow<R>[],
): string[][] {
  const header = ['measure', ...results.map((r) => r.client)];
  return [header, ...rows.map(([name, f]) => [name, ...results.map(f)])];
}

/** Verdicts on staleness, popup refresh, per-action requests and silence while away. */
export function commonVerdicts(
  r: CommonDayResult,
  t: { p95StalenessSec: number; requestsPerAction: number; requestsWhileAway: number },
): Verdict[] {
  return [
    {
      measure: `p95 staleness of remote changes while present (${r.staleness.changes} changes)`,
      value:
        r.staleness.missed > 0
          ? `${r.staleness.missed} never shown`
          : `${fmtSec(r.staleness.p95Sec)} (max ${fmtSec(r.staleness.maxSec)})`,
      target: `≤ ${t.p95StalenessSec / 60} min`,
      ok: r.staleness.missed === 0 && (r.staleness.p95Sec ?? Infinity) <= t.p95StalenessSec,
    },
    {
      measure: 'popup on data > 30 s old refreshed within 2 s',
      value: `${r.popup.refreshedWithin2s} / ${r.popup.staleOpens}`,
      target: 'all',
      ok: r.popup.refreshedWithin2s === r.popup.staleOpens,
    },
    {
      measure: 'requests per start/stop/continue',
      value: `${r.actions.minRequests}–${r.actions.maxRequests}`,
      target: `exactly ${t.requestsPerAction}`,
      ok:
        r.actions.minRequests === t.requestsPerAction &&
        r.actions.maxRequests === t.requestsPerAction &&
        r.actions.failed === 0,
    },
    {
      measure: 'requests while locked or asleep',
      value: String(r.whileAway.locked + r.whileAway.asleep),
      target: String(t.requestsWhileAway),
      ok: r.whileAway.locked + r.whileAway.asleep === t.requestsWhileAway,
    },
  ];
}
