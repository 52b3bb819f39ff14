/**
 * Toggl request economy over a simulated 8-hour workday (issue 3, "Request economy").
 *
 * One scripted day, run three times against fresh fake Toggl servers on virtual time:
 *  - Tray Timer: the real core in 'app' mode with a real Toggl account over real HTTP, its
 *    timers on a VirtualClock, so the day passes in seconds;
 *  - two naive pollers: GET /me/time_entries/current every 5 s or every 60 s while the machine
 *    is awake, and the same starts/stops with one request each (what broke Stream Deck, Raycast
 *    and Obsidian integrations when Toggl's hourly quota arrived).
 *
 * The day (seeded PRNG, so every run is the same): work 09:00–17:00, screen locked at lunch
 * 12:00–12:45, machine asleep 15:00–16:00, the popup opened 20 times for ~20 s, 8 starts (3 of
 * them "continue") and 8 stops from the tray, and 6 changes of the running entry from another
 * device (web/phone), two of them while the user is away.
 *
 * Measured from the fake's request log and the snapshots the user would see: requests in any
 * 60-minute window per quota bucket, 402/429 answers, staleness of remote changes (counting only
 * time the user is at the computer), popup openings on stale data and whether a refresh landed
 * within 2 s, requests per user action, and requests while asleep or locked.
 */
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';
import { startFakeToggl, type FakeToggl, type LoggedRequest } from '../test/fakes/toggl-server';
import { eveningBeforeClock, runTrayTimerDay } from './core-day';
import { runNaivePollerDay } from './naive-day';
import {
  COMMON_ROWS,
  commonVerdicts,
  DAY_END,
  DAY_START,
  DAY_TARGETS,
  dayRequests,
  HOUR,
  LOCK,
  MORE_SEEDS,
  PROJECTS,
  pooledCommon,
  poolOf,
  requestsWhileAway,
  SEC,
  SEED,
  seededAndPooled,
  SLEEP,
  times,
  workdayTable,
} from './workday-kit';
import type {
  CommonDayResult,
  EntryShape,
  RemoteChange,
  ScriptEvent,
  TableRow,
  Verdict,
} from './workday-kit';

const TOKEN = 'bench-toggl-token-0123456789abcdef';

/** Issue 3's targets for Tray Timer on a Free plan. */
export const TOGGL_TARGETS = {
  userRequestsPerHour: 20,
  quota402: 0,
  ...DAY_TARGETS,
} as const;

/** `maxPerSecond`: Toggl's burst guidance is about 1 request per second. */
export interface WorkdayResult extends CommonDayResult {
  requests: { total: number; user: number; org: number };
  maxPerHour: { user: number; org: number };
  status402: number;
  status429: number;
}

/** Several days of one client as one: sums, maxima, and quantiles over all remote changes. */
function pooled(client: string, days: readonly WorkdayResult[]): WorkdayResult {
  const { sum, max, avg } = poolOf(days);
  return {
    client,
    // Per day, on average: the other figures are worst cases or totals over all days.
    requests: {
      total: avg((r) => r.requests.total),
      user: avg((r) => r.requests.user),
      org: avg((r) => r.requests.org),
    },
    maxPerSecond: max((r) => r.maxPerSecond),
    maxPerHour: { user: max((r) => r.maxPerHour.user), org: max((r) => r.maxPerHour.org) },
    status402: sum((r) => r.status402),
    status429: sum((r) => r.status429),
    ...pooledCommon(days),
  };
}

function requestMeasures(
  log: readonly LoggedRequest[],
): Omit<WorkdayResult, 'client' | 'staleness' | 'popup' | 'actions'> {
  const day = dayRequests(log);
  const user = day.filter((r) => r.bucket === 'user');
  const org = day.filter((r) => r.bucket === 'org');
  return {
    requests: { total: day.length, user: user.length, org: org.length },
    maxPerSecond: maxInAnyWindow(times(day), SEC),
    maxPerHour: {
      user: maxInAnyWindow(times(user), HOUR),
      org: maxInAnyWindow(times(org), HOUR),
    },
    status402: day.filter((r) => r.status === 402).length,
    status429: day.filter((r) => r.status === 429).length,
    whileAway: requestsWhileAway(day),
  };
}

/** Users, workspace and projects as the fake holds them; the same for every client. */
async function seededFake(now: () => number): Promise<{
  fake: FakeToggl;
  userId: number;
  workspaceId: number;
  projectIds: Map<string, number>;
}> {
  const fake = await startFakeToggl({ now, quota: { user: 30, org: 30 } });
  const user = fake.addUser({ token: TOKEN, fullname: 'Bench User', email: 'bench@example.com' });
  const projectIds = new Map<string, number>();
  for (const name of PROJECTS) {
    const project = fake.addProject({ workspaceId: user.workspaceId, name });
    projectIds.set(name, project.id);
  }
  return { fake, userId: user.id, workspaceId: user.workspaceId, projectIds };
}

function applyRemote(
  fake: FakeToggl,
  userId: number,
  projectIds: ReadonlyMap<string, number>,
  change: RemoteChange,
): void {
  const pid = (name: string | undefined) =>
    name === undefined ? undefined : (projectIds.get(name) ?? null);
  switch (change.kind) {
    case 'remote-start':
      fake.remoteStart(userId, {
        description: change.entry.description,
        projectId: pid(change.entry.project) ?? null,
      });
      return;
    case 'remote-edit': {
      const running = fake.runningEntry(userId);
      if (!running) throw new Error('the script edits a running entry, but nothing runs');
      fake.remoteEdit(running.id, {
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.project !== undefined ? { projectId: pid(change.project) ?? null } : {}),
      });
      return;
    }
    case 'remote-stop':
      fake.remoteStop(userId);
      return;
  }
}

export async function runTogglDay(
  script: readonly ScriptEvent[],
  options: { log?: (line: string) => void } = {},
): Promise<WorkdayResult> {
  const clock = eveningBeforeClock();
  const { fake, userId, projectIds } = await seededFake(() => clock.now());
  return runTrayTimerDay({
    script,
    clock,
    fake,
    account: { provider: 'toggl', secret: TOKEN, baseUrl: fake.baseUrl, options: {} },
    dataDirPrefix: 'tt-bench-toggl-',
    applyRemote: (change) => applyRemote(fake, userId, projectIds, change),
    targets: TOGGL_TARGETS,
    // The project is not compared: a start that shows the description asked for counts.
    shows: (v, entry) => v.description === entry.description,
    measures: () => requestMeasures(fake.requests),
    answer: (r) => `${r.status} [${r.bucket}]`,
    log: options.log,
  });
}

// ---------------------------------------------------------------------------------------------
// Naive pollers
// ---------------------------------------------------------------------------------------------
interface TogglEntryWire {
  id: number;
  description?: string | null;
  project_id?: number | null;
}

/**
 * What many integrations do (bench/naive-day.ts) on Toggl's API: GET the current entry, POST a
 * new one to start, PATCH it to stop.
 */
export async function runNaiveTogglDay(
  script: readonly ScriptEvent[],
  intervalMs: number,
): Promise<WorkdayResult> {
  const clock = { now: DAY_START };
  const { fake, userId, workspaceId, projectIds } = await seededFake(() => clock.now);
  const projectNames = new Map([...projectIds].map(([name, id]) => [id, name]));
  const auth = `Basic ${Buffer.from(`${TOKEN}:api_token`).toString('base64')}`;
  let running: TogglEntryWire | null = null;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${fake.baseUrl}${p}`, {
      method,
      headers: {
        Authorization: auth,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  return runNaivePollerDay({
    script,
    intervalMs,
    clock,
    fake,
    applyRemote: (change) => applyRemote(fake, userId, projectIds, change),
    targets: TOGGL_TARGETS,
    measures: () => requestMeasures(fake.requests),
    client: {
      view: () => ({
        running: running !== null,
        description: running?.description ?? null,
        projectName:
          running?.project_id != null ? (projectNames.get(running.project_id) ?? null) : null,
      }),
      poll: async () => {
        const r = await call('GET', '/me/time_entries/current');
        if (r.status !== 200) return false;
        running = JSON.parse(r.text) as TogglEntryWire | null;
        return true;
      },
      start: async (entry: EntryShape) => {
        const r = await call('POST', `/workspaces/${workspaceId}/time_entries`, {
          created_with: 'naive poller',
          workspace_id: workspaceId,
          start: new Date(clock.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          duration: -1,
          description: entry.description,
          project_id: projectIds.get(entry.project) ?? null,
        });
        if (r.status !== 200) return false;
        running = JSON.parse(r.text) as TogglEntryWire;
        return true;
      },
      stop: async () => {
        if (!running) return false;
        const r = await call('PATCH', `/workspaces/${workspaceId}/time_entries/${running.id}/stop`);
        if (r.status !== 200 && r.status !== 409) return false;
        running = null;
        return true;
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
export interface TogglWorkdayReport {
  seed: number;
  day: { start: string; end: string; locked: string; asleep: string };
  script: {
    popupOpens: number;
    starts: number;
    continues: number;
    stops: number;
    remoteChanges: number;
  };
  /** Seeds of the extra days Tray Timer is run on (same day, other jitter and popup times). */
  moreSeeds: number[];
  targets: typeof TOGGL_TARGETS;
  /** Tray Timer on the seeded day, Tray Timer on all days pooled, the two naive pollers. */
  results: WorkdayResult[];
  /** Tray Timer against each target: on the seeded day and on all days pooled. */
  verdicts: { thisDay: Verdict[]; allDays: Verdict[] };
}

export function togglTable(report: TogglWorkdayReport): string[][] {
  const rows: TableRow<WorkdayResult>[] = [
    ['user-level requests, max in any 60 min', (r) => String(r.maxPerHour.user)],
    ['workspace requests, max in any 60 min', (r) => String(r.maxPerHour.org)],
    ['requests per day (user + workspace)', (r) => `${r.requests.user} + ${r.requests.org}`],
    ['402 answers (quota)', (r) => String(r.status402)],
    ['429 answers (burst)', (r) => String(r.status429)],
    ...COMMON_ROWS,
  ];
  return workdayTable(report.results, rows);
}

function verdicts(r: WorkdayResult): Verdict[] {
  const t = TOGGL_TARGETS;
  return [
    {
      measure: 'user-level requests in any 60 min',
      value: String(r.maxPerHour.user),
      target: `≤ ${t.userRequestsPerHour}`,
      ok: r.maxPerHour.user <= t.userRequestsPerHour,
    },
    {
      measure: '402 answers',
      value: String(r.status402),
      target: String(t.quota402),
      ok: r.status402 === t.quota402,
    },
    ...commonVerdicts(r, t),
  ];
}

export async function runTogglWorkday(
  options: { log?: (line: string) => void } = {},
): Promise<TogglWorkdayReport> {
  const {
    script,
    thisDay: trayTimer,
    allDays,
  } = await seededAndPooled(runTogglDay, pooled, options);
  const naive5 = await runNaiveTogglDay(script, 5 * SEC);
  const naive60 = await runNaiveTogglDay(script, 60 * SEC);
  const count = (k: ScriptEvent['kind']) => script.filter((e) => e.kind === k).length;
  const hhmm = (t: number) => new Date(t).toTimeString().slice(0, 5);
  return {
    seed: SEED,
    day: {
      start: hhmm(DAY_START),
      end: hhmm(DAY_END),
      locked: `${hhmm(LOCK.from)}–${hhmm(LOCK.to)}`,
      asleep: `${hhmm(SLEEP.from)}–${hhmm(SLEEP.to)}`,
    },
    script: {
      popupOpens: count('popup'),
      starts: count('start'),
      continues: count('continue'),
      stops: count('stop'),
      remoteChanges: count('remote'),
    },
    moreSeeds: [...MORE_SEEDS],
    targets: TOGGL_TARGETS,
    results: [trayTimer, allDays, naive5, naive60],
    verdicts: { thisDay: verdicts(trayTimer), allDays: verdicts(allDays) },
  };
}
