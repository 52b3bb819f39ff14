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
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';
import {
  startFakeTrackingTime,
  type FakeTrackingTime,
  type LoggedRequest,
} from '../test/fakes/trackingtime-server';
import { eveningBeforeClock, runTrayTimerDay } from './core-day';
import { runNaivePollerDay } from './naive-day';
import {
  automaticVsActions,
  COMMON_ROWS,
  commonVerdicts,
  DAY_START,
  DAY_TARGETS,
  dayRequests,
  MORE_SEEDS,
  PROJECTS,
  pooledAutomaticVsActions,
  pooledCommon,
  poolOf,
  requestsWhileAway,
  SEC,
  SEED,
  seededAndPooled,
  times,
  workdayTable,
} from './workday-kit';
import type {
  AutomaticVsActions,
  CommonDayResult,
  EntryShape,
  RemoteChange,
  ScriptEvent,
  TableRow,
  Verdict,
} from './workday-kit';

const APP_PASSWORD = 'bench-trackingtime-app-password-0123';
const NAIVE_INTERVAL_MS = 30 * SEC;

/** Issue 4's budget, and the same user-facing targets as the Toggl day. */
export const TRACKINGTIME_TARGETS = {
  automaticRequestsPerHour: 60,
  ...DAY_TARGETS,
} as const;

/** Every task the day names, by project: the user's trackables. */
const TASKS: Record<(typeof PROJECTS)[number], string[]> = {
  Admin: ['Email triage', 'Standup notes', 'Lunch call'],
  'Q4 report': ['Write report', 'Write Q4 report draft', 'Client call'],
  Platform: ['Code review', 'Docs', 'Standup notes'],
};

export interface TrackingTimeDayResult extends CommonDayResult, AutomaticVsActions {
  /** Envelope errors (response.status other than 200) among all answers. */
  envelopeErrors: number;
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

function requestMeasures(
  log: readonly LoggedRequest[],
  isAction: (r: LoggedRequest) => boolean,
): Omit<TrackingTimeDayResult, 'client' | 'staleness' | 'popup' | 'actions'> {
  const day = dayRequests(log);
  return {
    ...automaticVsActions(day, isAction),
    maxPerSecond: maxInAnyWindow(times(day), SEC),
    envelopeErrors: day.filter((r) => r.envelopeStatus !== null && r.envelopeStatus !== 200).length,
    whileAway: requestsWhileAway(day),
  };
}

export async function runTrackingTimeDay(
  script: readonly ScriptEvent[],
  options: { log?: (line: string) => void } = {},
): Promise<TrackingTimeDayResult> {
  const clock = eveningBeforeClock();
  const seeded = await seededFake(() => clock.now());
  const { fake } = seeded;
  return runTrayTimerDay({
    script,
    clock,
    fake,
    account: { provider: 'trackingtime', secret: APP_PASSWORD, baseUrl: fake.baseUrl, options: {} },
    dataDirPrefix: 'tt-bench-trackingtime-',
    applyRemote: (change) => applyRemote(seeded, change),
    targets: TRACKINGTIME_TARGETS,
    shows: (v, entry) => v.description === entry.description && v.projectName === entry.project,
    measures: (isAction) => requestMeasures(fake.requests, isAction),
    answer: (r) => `${r.status}/${r.envelopeStatus ?? '-'}`,
    log: options.log,
  });
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

export async function runNaiveTrackingTimeDay(
  script: readonly ScriptEvent[],
  intervalMs = NAIVE_INTERVAL_MS,
): Promise<TrackingTimeDayResult> {
  const clock = { now: DAY_START };
  const seeded = await seededFake(() => clock.now);
  const { fake, userId, accountId } = seeded;
  const auth = `Basic ${Buffer.from(`API_TOKEN:${APP_PASSWORD}`).toString('base64')}`;
  const local = (t: number) => {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  };
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let running: { taskId: number; name: string; project: string | null } | null = null;
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
  return runNaivePollerDay({
    script,
    intervalMs,
    clock,
    fake,
    applyRemote: (change) => applyRemote(seeded, change),
    targets: TRACKINGTIME_TARGETS,
    measures: (isAction) => requestMeasures(fake.requests, isAction),
    client: {
      view: () => ({
        running: running !== null,
        description: running?.name ?? null,
        projectName: running?.project ?? null,
      }),
      poll: async () => {
        const r = await call('/tasks', { filter: 'TRACKING' });
        if (!r.ok) return false;
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
        return true;
      },
      start: async (entry: EntryShape) => {
        const id = taskId(seeded, entry.project, entry.description);
        const r = await call(`/tasks/track/${id}`, { date: local(clock.now), timezone: zone });
        if (!r.ok) return false;
        running = { taskId: id, name: entry.description, project: entry.project };
        return true;
      },
      stop: async () => {
        if (!running) return false;
        const r = await call(`/tasks/stop/${running.taskId}`, {
          date: local(clock.now),
          timezone: zone,
        });
        if (!r.ok) return false;
        running = null;
        return true;
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
function pooled(client: string, days: readonly TrackingTimeDayResult[]): TrackingTimeDayResult {
  const { sum, max } = poolOf(days);
  return {
    client,
    ...pooledAutomaticVsActions(days),
    maxPerSecond: max((r) => r.maxPerSecond),
    envelopeErrors: sum((r) => r.envelopeErrors),
    ...pooledCommon(days),
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
  const {
    script,
    thisDay: trayTimer,
    allDays,
  } = await seededAndPooled(runTrackingTimeDay, pooled, options);
  const naive = await runNaiveTrackingTimeDay(script);
  return {
    seed: SEED,
    moreSeeds: [...MORE_SEEDS],
    targets: TRACKINGTIME_TARGETS,
    results: [trayTimer, allDays, naive],
    verdicts: { thisDay: verdicts(trayTimer), allDays: verdicts(allDays) },
  };
}
