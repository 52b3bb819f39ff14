/**
 * TrackingTime request economy over the same simulated 8-hour workday as the Toggl bench
 * (bench/workday-kit.ts; issue 4, "Request budget": at most 60 background requests per hour per
 * account, refresh on popup open and on resume, nothing while asleep or locked).
 *
 * The real core in 'app' mode with a real TrackingTime account over real HTTP to a fake
 * TrackingTime server, its timers on a VirtualClock. The day's descriptions are TrackingTime
 * tasks of the three projects; a remote change is what the web app or the phone does there:
 * start a task, switch to another task (the Toggl day's "edit description" / "change project"),
 * stop. Next to it, a naive poller reading the tracking tasks every 30 s (the "poll gently, every
 * 30–60 s" advice) while the machine is awake.
 *
 * Measured from the fake's request log: requests in any 60-minute window (all, and automatic:
 * everything not sent for a start/stop/continue), staleness of remote changes while present,
 * popup openings on stale data refreshed within 2 s, requests per user action, and requests while
 * locked or asleep.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Snapshot } from '../preload/contract';
import type { Core } from '../main/core/core';
import { openCore } from '../main/core/open-core';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';
import {
  startFakeTrackingTime,
  type FakeTrackingTime,
  type LoggedRequest,
} from '../test/fakes/trackingtime-server';
import { VirtualClock } from '../test/support/virtual-clock';
import {
  COMMON_ROWS,
  commonVerdicts,
  DAY_END,
  DAY_START,
  HOUR,
  immediate,
  LOCK,
  measureStaleness,
  MORE_SEEDS,
  POPUP_SHOWN_MS,
  PROJECTS,
  realSleep,
  SEC,
  SEED,
  SLEEP,
  stalenessOf,
  trackedFetch,
  workdayScript,
  workdayTable,
} from './workday-kit';
import type {
  EntryShape,
  Observation,
  RemoteChange,
  ScriptEvent,
  Staleness,
  TableRow,
  Verdict,
  View,
} from './workday-kit';

const APP_PASSWORD = 'bench-trackingtime-app-password-0123';
const NAIVE_INTERVAL_MS = 30 * SEC;

/** Issue 4's budget, and the same user-facing targets as the Toggl day. */
export const TRACKINGTIME_TARGETS = {
  automaticRequestsPerHour: 60,
  p95StalenessSec: 240,
  popupRefreshWithinSec: 2,
  popupStaleAfterSec: 30,
  requestsPerAction: 1,
  requestsWhileAway: 0,
} as const;

/** Every task the day names, by project: the user's trackables. */
const TASKS: Record<(typeof PROJECTS)[number], string[]> = {
  Admin: ['Email triage', 'Standup notes', 'Lunch call'],
  'Q4 report': ['Write report', 'Write Q4 report draft', 'Client call'],
  Platform: ['Code review', 'Docs', 'Standup notes'],
};

export interface TrackingTimeDayResult {
  client: string;
  requests: { total: number; automatic: number; actions: number };
  maxPerHour: { all: number; automatic: number };
  maxPerSecond: number;
  /** Envelope errors (response.status other than 200) among all answers. */
  envelopeErrors: number;
  staleness: Staleness;
  popup: { opens: number; staleOpens: number; refreshedWithin2s: number };
  actions: { count: number; failed: number; minRequests: number; maxRequests: number };
  whileAway: { locked: number; asleep: number };
}

interface Seeded {
  fake: FakeTrackingTime;
  userId: number;
  accountId: number;
  /** "project/task" → task id */
  taskIds: Map<string, number>;
  projectOf: Map<number, string>;
}

async function seededFake(now: () => number): Promise<Seeded> {
  const fake = await startFakeTrackingTime({ now });
  const account = fake.addAccount({ company: 'Bench Co' });
  const user = fake.addUser({
    email: 'bench@example.com',
    appPassword: APP_PASSWORD,
    firstName: 'Bench',
    lastName: 'User',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    accountId: account.id,
  });
  const taskIds = new Map<string, number>();
  const projectOf = new Map<number, string>();
  for (const name of PROJECTS) {
    const project = fake.addProject({ accountId: account.id, name });
    for (const task of TASKS[name]) {
      const t = fake.addTask({ projectId: project.id, name: task, userIds: [user.id] });
      taskIds.set(`${name}/${task}`, t.id);
      projectOf.set(t.id, name);
    }
  }
  return { fake, userId: user.id, accountId: account.id, taskIds, projectOf };
}

function taskId(seeded: Seeded, project: string, task: string): number {
  const id = seeded.taskIds.get(`${project}/${task}`);
  if (id === undefined) throw new Error(`the day names a task the fake lacks: ${project}/${task}`);
  return id;
}

/** The web app or the phone: start a task, switch to another, stop. */
function applyRemote(seeded: Seeded, change: RemoteChange): void {
  const { fake, userId } = seeded;
  switch (change.kind) {
    case 'remote-start':
      fake.remoteTrack(userId, taskId(seeded, change.entry.project, change.entry.description));
      return;
    case 'remote-edit': {
      const running = fake.runningEvent(userId);
      if (!running) throw new Error('the script changes a running timer, but nothing runs');
      const task = fake.task(running.taskId);
      const project = change.project ?? seeded.projectOf.get(running.taskId) ?? '';
      fake.remoteTrack(userId, taskId(seeded, project, change.description ?? task?.name ?? ''));
      return;
    }
    case 'remote-stop':
      fake.remoteStop(userId);
      return;
  }
}

function trackingView(snapshot: Snapshot): View {
  const account = snapshot.accounts.find((a) => a.provider === 'trackingtime');
  const entry = account?.running ? account.entry : null;
  return {
    running: entry !== null && entry !== undefined,
    description: entry?.description ?? null,
    projectName: entry?.projectName ?? null,
  };
}

function lastSynced(snapshot: Snapshot): number | null {
  const account = snapshot.accounts.find((a) => a.provider === 'trackingtime');
  return account?.lastSyncedAt ? Date.parse(account.lastSyncedAt) : null;
}

function requestMeasures(
  log: readonly LoggedRequest[],
  isAction: (r: LoggedRequest) => boolean,
): Pick<
  TrackingTimeDayResult,
  'requests' | 'maxPerHour' | 'maxPerSecond' | 'envelopeErrors' | 'whileAway'
> {
  const day = log.filter((r) => r.at >= DAY_START && r.at <= DAY_END);
  const automatic = day.filter((r) => !isAction(r));
  const inside = (w: { from: number; to: number }) =>
    day.filter((r) => r.at >= w.from && r.at < w.to).length;
  return {
    requests: {
      total: day.length,
      automatic: automatic.length,
      actions: day.length - automatic.length,
    },
    maxPerHour: {
      all: maxInAnyWindow(
        day.map((r) => r.at),
        HOUR,
      ),
      automatic: maxInAnyWindow(
        automatic.map((r) => r.at),
        HOUR,
      ),
    },
    maxPerSecond: maxInAnyWindow(
      day.map((r) => r.at),
      SEC,
    ),
    envelopeErrors: day.filter((r) => r.envelopeStatus !== null && r.envelopeStatus !== 200).length,
    whileAway: { locked: inside(LOCK), asleep: inside(SLEEP) },
  };
}

/** The day's requests and events, one line each (`TRACKINGTIME_BENCH_LOG=1 npm run bench`). */
function timeline(script: readonly ScriptEvent[], log: readonly LoggedRequest[]): string[] {
  const hms = (t: number) => new Date(t).toTimeString().slice(0, 8);
  const lines = [
    ...script.map((e) => ({
      t: e.t,
      text: `  ${e.kind}${e.kind === 'remote' ? `: ${e.label}` : e.kind === 'power' ? `: ${e.event}` : ''}`,
    })),
    ...log
      .filter((r) => r.at >= DAY_START)
      .map((r) => ({
        t: r.at,
        text: `    ${r.method} ${r.path} → ${r.status}/${r.envelopeStatus ?? '-'}`,
      })),
  ];
  return lines.sort((a, b) => a.t - b.t).map((l) => `${hms(l.t)}${l.text}`);
}

export async function runTrackingTimeDay(
  script: readonly ScriptEvent[],
  options: { log?: (line: string) => void } = {},
): Promise<TrackingTimeDayResult> {
  // The account was connected the evening before; the app starts with the machine at 09:00.
  const clock = new VirtualClock(DAY_START - 14 * 3600 * SEC);
  const seeded = await seededFake(() => clock.now());
  const { fake } = seeded;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-trackingtime-'));
  const secrets = new MemorySecretStore();
  const net = trackedFetch();
  const settle = async () => {
    for (let quiet = 0; quiet < 4;) {
      await immediate();
      if (net.inflight() > 0) {
        quiet = 0;
        await realSleep(1);
      } else quiet += 1;
    }
  };
  // Indexes in the fake's log of the requests a start/stop/continue sent.
  const actionRequests = new Set<LoggedRequest>();
  let core: Core | null = null;
  try {
    const setup = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const added = await setup.execute({
      type: 'accounts.add',
      input: { provider: 'trackingtime', secret: APP_PASSWORD, baseUrl: fake.baseUrl, options: {} },
    });
    if (!added.ok) throw new Error(`could not connect TrackingTime: ${added.error.message}`);
    await settle();
    await setup.close();
    await clock.advance(DAY_START - clock.now());

    core = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const live = core;
    const accountId = 'trackingtime';
    const observed: Observation[] = [{ t: clock.now(), view: trackingView(live.snapshot()) }];
    live.subscribe((s) => observed.push({ t: clock.now(), view: trackingView(s) }));
    await settle();

    const advanceTo = async (t: number) => {
      while (clock.now() < t) {
        await clock.advance(Math.min(SEC, t - clock.now()));
        await settle();
      }
    };

    const popup = { opens: 0, staleOpens: 0, refreshedWithin2s: 0 };
    const perAction: number[] = [];
    let failed = 0;
    const act = async (command: Parameters<Core['execute']>[0], expect?: EntryShape) => {
      const before = fake.requests.length;
      const result = await live.execute(command);
      await settle();
      const sent = fake.requests.slice(before);
      for (const r of sent) actionRequests.add(r);
      perAction.push(sent.length);
      // Success that shows something else is a failure the user sees.
      const view = trackingView(live.snapshot());
      const wrong = expect
        ? view.description !== expect.description || view.projectName !== expect.project
        : view.running;
      if (!result.ok || wrong) failed += 1;
    };

    for (const e of script) {
      await advanceTo(e.t);
      switch (e.kind) {
        case 'start':
          await act(
            {
              type: 'start',
              input: { accountId, description: e.entry.description, project: e.entry.project },
            },
            e.entry,
          );
          break;
        case 'continue':
          await act({ type: 'continue', input: { accountId } }, e.entry);
          break;
        case 'stop':
          await act({ type: 'stop', input: { accountId } });
          break;
        case 'remote':
          applyRemote(seeded, e.change);
          break;
        case 'power':
          live.power(e.event);
          await settle();
          break;
        case 'popup': {
          popup.opens += 1;
          const synced = lastSynced(live.snapshot());
          const stale =
            synced === null || e.t - synced > TRACKINGTIME_TARGETS.popupStaleAfterSec * SEC;
          live.setPopupVisible(true);
          await settle();
          await advanceTo(e.t + TRACKINGTIME_TARGETS.popupRefreshWithinSec * SEC);
          if (stale) {
            popup.staleOpens += 1;
            const after = lastSynced(live.snapshot());
            if (after !== null && after >= e.t) popup.refreshedWithin2s += 1;
          }
          await advanceTo(e.t + POPUP_SHOWN_MS);
          live.setPopupVisible(false);
          await settle();
          break;
        }
      }
    }
    await advanceTo(DAY_END);
    if (options.log) for (const line of timeline(script, fake.requests)) options.log(line);
    return {
      client: 'Tray Timer',
      ...requestMeasures(fake.requests, (r) => actionRequests.has(r)),
      staleness: measureStaleness(script, observed),
      popup,
      actions: {
        count: perAction.length,
        failed,
        minRequests: Math.min(...perAction),
        maxRequests: Math.max(...perAction),
      },
    };
  } finally {
    await core?.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// A naive poller: the tracking tasks every 30 s while awake, one request per action
// ---------------------------------------------------------------------------------------------
interface WireTask {
  id: number;
  name?: string;
  project?: string | { name?: string } | null;
  users?: { id: number; event?: { start?: string; end?: string | null } | null }[];
}

export async function runNaiveDay(
  script: readonly ScriptEvent[],
  intervalMs = NAIVE_INTERVAL_MS,
): Promise<TrackingTimeDayResult> {
  let now = DAY_START;
  const seeded = await seededFake(() => now);
  const { fake, userId, accountId } = seeded;
  const auth = `Basic ${Buffer.from(`API_TOKEN:${APP_PASSWORD}`).toString('base64')}`;
  const local = (t: number) => {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  };
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let running: { taskId: number; name: string; project: string | null } | null = null;
  let lastOk: number | null = null;
  const okPolls: number[] = [];
  const observed: Observation[] = [];
  const show = () =>
    observed.push({
      t: now,
      view: {
        running: running !== null,
        description: running?.name ?? null,
        projectName: running?.project ?? null,
      },
    });
  const call = async (p: string, params: Record<string, string> = {}) => {
    const qs = new URLSearchParams(params).toString();
    const res = await fetch(`${fake.baseUrl}/${accountId}${p}${qs ? `?${qs}` : ''}`, {
      headers: { Authorization: auth, 'User-Agent': 'NaivePoller/1.0 (bench@example.com)' },
    });
    const body = (await res.json().catch(() => null)) as {
      response?: { status?: number };
      data?: unknown;
    } | null;
    return { ok: body?.response?.status === 200, data: body?.data };
  };
  const poll = async () => {
    const r = await call('/tasks', { filter: 'TRACKING' });
    if (!r.ok) return;
    const tasks = Array.isArray(r.data) ? (r.data as WireTask[]) : [];
    const mine = tasks.find((t) =>
      (t.users ?? []).some((u) => u.id === userId && u.event && !u.event.end),
    );
    running = mine
      ? {
          taskId: mine.id,
          name: mine.name ?? '',
          project: seeded.projectOf.get(mine.id) ?? null,
        }
      : null;
    lastOk = now;
    okPolls.push(now);
    show();
  };
  const track = async (entry: EntryShape) => {
    const id = taskId(seeded, entry.project, entry.description);
    const r = await call(`/tasks/track/${id}`, { date: local(now), timezone: zone });
    if (!r.ok) return false;
    running = { taskId: id, name: entry.description, project: entry.project };
    show();
    return true;
  };

  const polls: number[] = [];
  for (let t = DAY_START; t <= DAY_END; t += intervalMs)
    if (!(t >= SLEEP.from && t < SLEEP.to)) polls.push(t);
  type Step = { t: number; order: number; run: () => Promise<void> };
  const popup = { opens: 0, staleOpens: 0, refreshedWithin2s: 0 };
  const popupOpens: { t: number; stale: boolean }[] = [];
  const perAction: number[] = [];
  const actionRequests = new Set<LoggedRequest>();
  let failed = 0;
  const act = async (fn: () => Promise<boolean>) => {
    const before = fake.requests.length;
    if (!(await fn())) failed += 1;
    const sent = fake.requests.slice(before);
    for (const r of sent) actionRequests.add(r);
    perAction.push(sent.length);
  };
  const steps: Step[] = [
    ...polls.map((t) => ({ t, order: 1, run: poll })),
    ...script.map((e): Step => {
      const run = async (): Promise<void> => {
        switch (e.kind) {
          case 'start':
          case 'continue':
            await act(() => track(e.entry));
            return;
          case 'stop':
            await act(async () => {
              // It stops what it last saw running; when it saw nothing, it sends nothing.
              if (!running) return false;
              const r = await call(`/tasks/stop/${running.taskId}`, {
                date: local(now),
                timezone: zone,
              });
              if (!r.ok) return false;
              running = null;
              show();
              return true;
            });
            return;
          case 'remote':
            applyRemote(seeded, e.change);
            return;
          case 'popup':
            popup.opens += 1;
            popupOpens.push({
              t: e.t,
              stale:
                lastOk === null || e.t - lastOk > TRACKINGTIME_TARGETS.popupStaleAfterSec * SEC,
            });
            return;
          case 'power':
            return;
        }
      };
      return { t: e.t, order: 0, run };
    }),
  ].sort((a, b) => a.t - b.t || a.order - b.order);
  try {
    for (const step of steps) {
      now = step.t;
      await step.run();
    }
    for (const o of popupOpens) {
      if (!o.stale) continue;
      popup.staleOpens += 1;
      if (
        okPolls.some((t) => t > o.t && t <= o.t + TRACKINGTIME_TARGETS.popupRefreshWithinSec * SEC)
      )
        popup.refreshedWithin2s += 1;
    }
    return {
      client: `naive poller, every ${intervalMs / SEC} s`,
      ...requestMeasures(fake.requests, (r) => actionRequests.has(r)),
      staleness: measureStaleness(script, observed),
      popup,
      actions: {
        count: perAction.length,
        failed,
        minRequests: Math.min(...perAction),
        maxRequests: Math.max(...perAction),
      },
    };
  } finally {
    await fake.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
function pooled(client: string, days: readonly TrackingTimeDayResult[]): TrackingTimeDayResult {
  const sum = (f: (r: TrackingTimeDayResult) => number) => days.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: TrackingTimeDayResult) => number) => Math.max(...days.map(f));
  const avg = (f: (r: TrackingTimeDayResult) => number) => Math.round(sum(f) / days.length);
  return {
    client,
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
    maxPerSecond: max((r) => r.maxPerSecond),
    envelopeErrors: sum((r) => r.envelopeErrors),
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

export interface TrackingTimeWorkdayReport {
  seed: number;
  moreSeeds: number[];
  targets: typeof TRACKINGTIME_TARGETS;
  /** Tray Timer on the seeded day, on all days pooled, and the naive poller. */
  results: TrackingTimeDayResult[];
  verdicts: { thisDay: Verdict[]; allDays: Verdict[] };
}

export function trackingTimeTable(report: TrackingTimeWorkdayReport): string[][] {
  const rows: TableRow<TrackingTimeDayResult>[] = [
    ['automatic requests, max in any 60 min', (r) => String(r.maxPerHour.automatic)],
    ['all requests, max in any 60 min', (r) => String(r.maxPerHour.all)],
    [
      'requests per day (automatic + actions)',
      (r) => `${r.requests.automatic} + ${r.requests.actions}`,
    ],
    ['envelope errors (response.status ≠ 200)', (r) => String(r.envelopeErrors)],
    ...COMMON_ROWS,
  ];
  return workdayTable(report.results, rows);
}

function verdicts(r: TrackingTimeDayResult): Verdict[] {
  const t = TRACKINGTIME_TARGETS;
  return [
    {
      measure: 'automatic requests in any 60 min',
      value: String(r.maxPerHour.automatic),
      target: `≤ ${t.automaticRequestsPerHour}`,
      ok: r.maxPerHour.automatic <= t.automaticRequestsPerHour,
    },
    ...commonVerdicts(r, t),
  ];
}

export async function runTrackingTimeWorkday(
  options: { log?: (line: string) => void } = {},
): Promise<TrackingTimeWorkdayReport> {
  const script = workdayScript(SEED);
  const trayTimer = await runTrackingTimeDay(script, options);
  const more: TrackingTimeDayResult[] = [];
  for (const seed of MORE_SEEDS) more.push(await runTrackingTimeDay(workdayScript(seed)));
  const allDays = pooled(`Tray Timer, ${1 + MORE_SEEDS.length} days pooled`, [trayTimer, ...more]);
  const naive = await runNaiveDay(script);
  return {
    seed: SEED,
    moreSeeds: [...MORE_SEEDS],
    targets: TRACKINGTIME_TARGETS,
    results: [trayTimer, allDays, naive],
    verdicts: { thisDay: verdicts(trayTimer), allDays: verdicts(allDays) },
  };
}
