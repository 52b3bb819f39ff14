/**
 * WebWork request economy (issue 5, "Rate limit": WebWork allows 60 requests a minute per user;
 * stay far below in the background, team glance included), on virtual time against the fake
 * WebWork server (test/fakes/webwork-server.ts) over real HTTP.
 *
 *  1. A member's workday: the same 8-hour day as the Toggl and TrackingTime benches
 *     (bench/workday-kit.ts) for a Regular User with a contract in each of the day's projects.
 *     A remote change is what the WebWork web app does: start a tracker, start another one in
 *     its place (the day's "edit description" / "change project": WebWork cannot edit a running
 *     tracker through the API), stop. Next to it, a naive poller reading current-data every
 *     10 s while the machine is awake.
 *  2. A manager's hour: an Owner with the popup open on the team glance of a 50-member
 *     workspace for an hour, the popup asking the core for the glance (`team`) every minute and
 *     the manager pressing Refresh (`team {refresh:true}`) three times; 15 members track in the
 *     browser, and members start and stop during the hour. Next to it, a naive glance reading
 *     all 50 members' current-data every minute and on each Refresh.
 *
 * Both run the real core in 'app' mode (scheduler on, temp data folder, memory secret store)
 * with the account connected through the core (`accounts.add`), as a user would (bench/core-day.ts).
 */
import { teamGlanceSchema, type TeamGlance } from '../preload/contract';
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';
import {
  startFakeWebWork,
  type FakeWebWork,
  type LoggedRequest,
} from '../test/fakes/webwork-server';
import { eveningBeforeClock, runTrayTimerDay, withAppAtNine } from './core-day';
import { runNaivePollerDay } from './naive-day';
import {
  at,
  automaticVsActions,
  COMMON_ROWS,
  commonVerdicts,
  DAY_END,
  DAY_START,
  DAY_TARGETS,
  dayRequests,
  fmtSec,
  MIN,
  MORE_SEEDS,
  PROJECTS,
  pooledAutomaticVsActions,
  pooledCommon,
  poolOf,
  prng,
  quantile,
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

const MEMBER_TOKEN = 'ww-bench-member-pat-0123456789';
const MANAGER_TOKEN = 'ww-bench-owner-pat-9876543210';
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const NAIVE_MEMBER_INTERVAL_MS = 10 * SEC;

/** The manager's hour: 10:00–11:00 of the same weekday. */
const HOUR_START = at(10, 0);
const HOUR_END = at(11, 0);
const TEAM_SIZE = 50;
const TRACKING_AT_START = 15;
const GLANCE_EVERY_MS = MIN;
/** Off the minute, so a Refresh does not coincide with the popup's own minute ask. */
const REFRESHES = [at(10, 17) + 30 * SEC, at(10, 34) + 30 * SEC, at(10, 51) + 30 * SEC];
/** Members who start or stop in the browser during the hour. */
const TEAM_CHANGES = 10;

/** Issue 5's budget made concrete, and the same user-facing targets as the other days. */
export const WEBWORK_TARGETS = {
  /** WebWork's own limit per user (providers.md §3.4). */
  serviceLimitPerMinute: 60,
  /** "Far below": at most half of it in any 60 s, team glance and user's refreshes included. */
  maxPerMinute: 30,
  ...DAY_TARGETS,
  /** Every member of the glance read at least once within this many minutes of opening it. */
  glanceCompleteMin: 5,
  /** No member's reading older than this when the glance is looked at (after it completed). */
  glanceMaxAgeMin: 5,
} as const;

// ---------------------------------------------------------------------------------------------
// 1. A member's workday
// ---------------------------------------------------------------------------------------------
export interface WebWorkDayResult extends CommonDayResult, AutomaticVsActions {
  /** All requests in any 60 s (WebWork's window). */
  maxPerMinute: number;
  /** Answers 429 "Too Many Attempts." */
  refused: number;
}

interface MemberWorld {
  fake: FakeWebWork;
  workspaceId: number;
  userId: number;
  email: string;
  contractOf: Map<string, number>;
  projectOfContract: Map<number, string>;
}

async function memberWorld(now: () => number): Promise<MemberWorld> {
  const fake = await startFakeWebWork({ now, timeZone: ZONE });
  const ws = fake.addWorkspace({ name: 'Bench Co' });
  const owner = fake.addUser({ email: 'owner@example.com', firstname: 'Olga', lastname: 'Owner' });
  fake.addMember(ws.id, owner.id, 'Owner');
  const me = fake.addUser({
    email: 'bench@example.com',
    token: MEMBER_TOKEN,
    firstname: 'Bench',
    lastname: 'User',
  });
  fake.addMember(ws.id, me.id, 'Regular User');
  const contractOf = new Map<string, number>();
  const projectOfContract = new Map<number, string>();
  for (const name of PROJECTS) {
    const project = fake.addProject({ workspaceId: ws.id, name });
    fake.addTask({ projectId: project.id, title: `${name} chores` });
    const contract = fake.addContract({ userId: me.id, projectId: project.id });
    contractOf.set(name, contract.id);
    projectOfContract.set(contract.id, name);
  }
  return {
    fake,
    workspaceId: ws.id,
    userId: me.id,
    email: me.email,
    contractOf,
    projectOfContract,
  };
}

function contractFor(world: MemberWorld, project: string): number {
  const id = world.contractOf.get(project);
  if (id === undefined) throw new Error(`the day names a project the fake lacks: ${project}`);
  return id;
}

/** The WebWork web app: start, start another in its place, stop. */
function applyRemote(world: MemberWorld, change: RemoteChange): void {
  const { fake, userId, workspaceId } = world;
  switch (change.kind) {
    case 'remote-start':
      fake.remoteStart(userId, workspaceId, {
        contractId: contractFor(world, change.entry.project),
        description: change.entry.description,
        source: 'browser',
      });
      return;
    case 'remote-edit': {
      const running = fake.tracker(userId, workspaceId);
      if (!running) throw new Error('the script changes a running tracker, but nothing runs');
      const project =
        change.project ??
        (running.contractId !== null ? world.projectOfContract.get(running.contractId) : null);
      fake.remoteStart(userId, workspaceId, {
        ...(project ? { contractId: contractFor(world, project) } : {}),
        description: change.description ?? running.description ?? '',
        source: 'browser',
      });
      return;
    }
    case 'remote-stop':
      fake.remoteStop(userId, workspaceId);
      return;
  }
}

function requestMeasures(
  fake: FakeWebWork,
  isAction: (r: LoggedRequest) => boolean,
): Omit<WebWorkDayResult, 'client' | 'staleness' | 'popup' | 'actions'> {
  const day = dayRequests(fake.requests);
  return {
    ...automaticVsActions(day, isAction),
    maxPerMinute: fake.maxRequestsInWindow({ from: DAY_START, to: DAY_END + 1, windowMs: MIN }),
    maxPerSecond: maxInAnyWindow(times(day), SEC),
    refused: day.filter((r) => r.status === 429).length,
    whileAway: requestsWhileAway(day),
  };
}

export async function runWebWorkDay(
  script: readonly ScriptEvent[],
  options: { log?: (line: string) => void } = {},
): Promise<WebWorkDayResult> {
  const clock = eveningBeforeClock();
  const world = await memberWorld(() => clock.now());
  const { fake } = world;
  return runTrayTimerDay({
    script,
    clock,
    fake,
    account: {
      provider: 'webwork',
      secret: MEMBER_TOKEN,
      baseUrl: fake.baseUrl,
      options: { email: world.email },
    },
    dataDirPrefix: 'tt-bench-webwork-',
    applyRemote: (change) => applyRemote(world, change),
    targets: WEBWORK_TARGETS,
    shows: (v, entry) => v.description === entry.description && v.projectName === entry.project,
    measures: (isAction) => requestMeasures(fake, isAction),
    answer: (r) => `${r.status}`,
    log: options.log,
  });
}

interface WireEnvelope {
  success?: boolean;
  data?: { contract_id?: number | null; activity_description?: string | null } | null;
}

/** current-data every 10 s while awake; one request per start/stop; no budget, no back-off. */
export async function runNaiveMemberDay(
  script: readonly ScriptEvent[],
  intervalMs = NAIVE_MEMBER_INTERVAL_MS,
): Promise<WebWorkDayResult> {
  const clock = { now: DAY_START };
  const world = await memberWorld(() => clock.now);
  const { fake, userId, workspaceId } = world;
  let running: EntryShape | null = null;
  const call = async (method: 'GET' | 'POST', p: string, params: Record<string, unknown>) => {
    const qs = method === 'GET' ? `?${new URLSearchParams(toStrings(params)).toString()}` : '';
    const res = await fetch(`${fake.baseUrl}${p}${qs}`, {
      method,
      headers: {
        Authorization: `Bearer ${MEMBER_TOKEN}`,
        Accept: 'application/json',
        ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(params) } : {}),
    });
    const body = (await res.json().catch(() => null)) as WireEnvelope | null;
    return { status: res.status, body };
  };
  return runNaivePollerDay({
    script,
    intervalMs,
    clock,
    fake,
    applyRemote: (change) => applyRemote(world, change),
    targets: WEBWORK_TARGETS,
    measures: (isAction) => requestMeasures(fake, isAction),
    client: {
      view: () => ({
        running: running !== null,
        description: running?.description ?? null,
        projectName: running?.project ?? null,
      }),
      poll: async () => {
        const r = await call('GET', '/time-tracking/current-data', {
          workspace_id: workspaceId,
          user_id: userId,
        });
        if (r.status === 200 && r.body?.success && r.body.data) {
          const d = r.body.data;
          const contract = d.contract_id ?? null;
          running =
            contract === null && !d.activity_description
              ? null
              : {
                  description: d.activity_description ?? '',
                  project: (contract !== null && world.projectOfContract.get(contract)) || '',
                };
        } else if (r.status === 404 || r.status === 400) {
          running = null; // "no active tracker"
        } else return false;
        return true;
      },
      start: async (entry: EntryShape) => {
        const r = await call('POST', '/time-tracking/start', {
          workspace_id: workspaceId,
          user_id: userId,
          contract_id: contractFor(world, entry.project),
          activity_description: entry.description,
        });
        if (!r.body?.success) return false;
        running = entry;
        return true;
      },
      stop: async () => {
        if (!running) return false;
        const r = await call('POST', '/time-tracking/stop', {
          workspace_id: workspaceId,
          user_id: userId,
        });
        if (!r.body?.success) return false;
        running = null;
        return true;
      },
    },
  });
}

function toStrings(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

function pooled(client: string, days: readonly WebWorkDayResult[]): WebWorkDayResult {
  const { sum, max } = poolOf(days);
  return {
    client,
    ...pooledAutomaticVsActions(days),
    maxPerMinute: max((r) => r.maxPerMinute),
    maxPerSecond: max((r) => r.maxPerSecond),
    refused: sum((r) => r.refused),
    ...pooledCommon(days),
  };
}

// ---------------------------------------------------------------------------------------------
// 2. A manager's hour on the team glance
// ---------------------------------------------------------------------------------------------
export interface GlanceHourResult {
  client: string;
  /** Members in the workspace (the glance's `total`). */
  team: number;
  trackingAtStart: number;
  /** Times the glance was looked at: every minute, and the Refresh presses. */
  views: number;
  refreshes: number;
  /** In the hour; `refresh`: sent for the Refresh presses, the rest is automatic. */
  requests: { total: number; refresh: number; currentData: number };
  /** Requests in any 60 s, as WebWork counts them: all, and all but the Refresh presses'. */
  maxPerMinute: { all: number; automatic: number };
  /** Answers 429 "Too Many Attempts." */
  refused: number;
  /** Virtual minutes from opening the glance until every member had been read once. */
  allCheckedAfterMin: number | null;
  /** Age of each member's reading when the glance was looked at, once all were read. */
  age: { p50Sec: number | null; p95Sec: number | null; maxSec: number | null };
  /** Members who started or stopped during the hour: until a view showed it. */
  changes: {
    made: number;
    shown: number;
    p50Sec: number | null;
    maxSec: number | null;
  };
  /** What `team` answered when it failed, if ever. */
  failures: string[];
}

interface GlanceView {
  t: number;
  /** By user id: tracking, and when the reading was taken (null: not read yet). */
  members: Map<number, { tracking: boolean; checkedAt: number | null }>;
}

interface TeamChange {
  t: number;
  userId: number;
  tracking: boolean;
}

interface TeamWorld {
  fake: FakeWebWork;
  workspaceId: number;
  managerId: number;
  managerEmail: string;
  memberIds: number[];
  contractOf: Map<number, number>;
  changes: TeamChange[];
}

const FIRST_NAMES = ['Ada', 'Bob', 'Chen', 'Dana', 'Emil', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun'];
const LAST_NAMES = ['Lind', 'Moreau', 'Novak', 'Okafor', 'Park'];

async function teamWorld(now: () => number, seed: number): Promise<TeamWorld> {
  const fake = await startFakeWebWork({ now, timeZone: ZONE });
  const ws = fake.addWorkspace({ name: 'Bench Agency' });
  const site = fake.addProject({ workspaceId: ws.id, name: 'Website' });
  const apps = fake.addProject({ workspaceId: ws.id, name: 'Apps' });
  const manager = fake.addUser({
    email: 'owner@example.com',
    token: MANAGER_TOKEN,
    firstname: 'Olga',
    lastname: 'Owner',
  });
  fake.addMember(ws.id, manager.id, 'Owner');
  fake.addContract({ userId: manager.id, projectId: site.id });
  const memberIds: number[] = [];
  const contractOf = new Map<number, number>();
  for (let i = 0; i < TEAM_SIZE - 1; i += 1) {
    const u = fake.addUser({
      email: `member${i + 1}@example.com`,
      firstname: FIRST_NAMES[i % FIRST_NAMES.length] ?? 'Member',
      lastname: `${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] ?? ''} ${i + 1}`,
    });
    fake.addMember(ws.id, u.id, 'Regular User');
    const c = fake.addContract({ userId: u.id, projectId: i % 2 ? apps.id : site.id });
    memberIds.push(u.id);
    contractOf.set(u.id, c.id);
  }
  // Who tracks at 10:00 (started in the browser earlier), and who starts or stops during the
  // hour: half of the changes stop a tracking member, half start an idle one.
  const rnd = prng(seed);
  const shuffled = [...memberIds].sort(() => rnd() - 0.5);
  const tracking = shuffled.slice(0, TRACKING_AT_START);
  const idle = shuffled.slice(TRACKING_AT_START);
  for (const id of tracking)
    fake.remoteStart(id, ws.id, {
      contractId: contractOf.get(id) ?? 0,
      description: `Work of member ${id}`,
      source: 'browser',
      start: HOUR_START - Math.floor(rnd() * 90) * MIN,
    });
  const changes: TeamChange[] = [];
  for (let i = 0; i < TEAM_CHANGES; i += 1) {
    const t = HOUR_START + 2 * MIN + Math.floor(rnd() * 55 * 60) * SEC;
    const stop = i % 2 === 0;
    const userId = (stop ? tracking[i] : idle[i]) ?? 0;
    changes.push({ t, userId, tracking: !stop });
  }
  changes.sort((a, b) => a.t - b.t);
  return {
    fake,
    workspaceId: ws.id,
    managerId: manager.id,
    managerEmail: manager.email,
    memberIds,
    contractOf,
    changes,
  };
}

function applyTeamChange(world: TeamWorld, c: TeamChange): void {
  if (c.tracking)
    world.fake.remoteStart(c.userId, world.workspaceId, {
      contractId: world.contractOf.get(c.userId) ?? 0,
      description: `Work of member ${c.userId}`,
      source: 'browser',
    });
  else world.fake.remoteStop(c.userId, world.workspaceId);
}

function glanceMeasures(
  client: string,
  world: TeamWorld,
  views: readonly GlanceView[],
  refreshRequests: ReadonlySet<LoggedRequest>,
  failures: string[],
): GlanceHourResult {
  const { fake } = world;
  const hour = fake.requests.filter((r) => r.at >= HOUR_START && r.at < HOUR_END);
  const automatic = hour.filter((r) => !refreshRequests.has(r));
  const currentData = hour.filter((r) => r.path === '/time-tracking/current-data').length;
  const complete = views.find(
    (v) =>
      v.members.size >= TEAM_SIZE && [...v.members.values()].every((m) => m.checkedAt !== null),
  );
  const ages: number[] = [];
  for (const v of views) {
    if (!complete || v.t < complete.t) continue;
    for (const m of v.members.values())
      if (m.checkedAt !== null) ages.push(Math.round((v.t - m.checkedAt) / SEC));
  }
  ages.sort((a, b) => a - b);
  const delays: number[] = [];
  for (const c of world.changes) {
    const next = world.changes.find((n) => n.userId === c.userId && n.t > c.t)?.t ?? HOUR_END;
    const seen = views.find(
      (v) => v.t >= c.t && v.t <= next && v.members.get(c.userId)?.tracking === c.tracking,
    );
    if (seen) delays.push(Math.round((seen.t - c.t) / SEC));
  }
  delays.sort((a, b) => a - b);
  return {
    client,
    team: views.at(-1)?.members.size ?? 0,
    trackingAtStart: TRACKING_AT_START,
    views: views.length,
    refreshes: REFRESHES.length,
    requests: { total: hour.length, refresh: hour.length - automatic.length, currentData },
    maxPerMinute: {
      all: fake.maxRequestsInWindow({ from: HOUR_START, to: HOUR_END, windowMs: MIN }),
      automatic: maxInAnyWindow(times(automatic), MIN),
    },
    refused: hour.filter((r) => r.status === 429).length,
    allCheckedAfterMin: complete ? Math.round(((complete.t - HOUR_START) / MIN) * 10) / 10 : null,
    age: { p50Sec: quantile(ages, 0.5), p95Sec: quantile(ages, 0.95), maxSec: ages.at(-1) ?? null },
    changes: {
      made: world.changes.length,
      shown: delays.length,
      p50Sec: quantile(delays, 0.5),
      maxSec: delays.at(-1) ?? null,
    },
    failures,
  };
}

/** The glance as the popup sees it: tracking or not, and when each member was read. */
function glanceView(t: number, glance: TeamGlance): GlanceView {
  return {
    t,
    members: new Map(
      glance.members.map((m) => [
        Number(m.member.id),
        {
          tracking: m.entry !== null,
          checkedAt: m.checkedAt === null ? null : Date.parse(m.checkedAt),
        },
      ]),
    ),
  };
}

/** The moments of the hour the glance is looked at: each minute, and each Refresh press. */
function glanceMoments(): { t: number; refresh: boolean }[] {
  const moments: { t: number; refresh: boolean }[] = [];
  for (let t = HOUR_START; t < HOUR_END; t += GLANCE_EVERY_MS) moments.push({ t, refresh: false });
  for (const t of REFRESHES) moments.push({ t, refresh: true });
  return moments.sort((a, b) => a.t - b.t);
}

/**
 * The hour in order: each member's start or stop applied at its time, the glance looked at each
 * moment. Returns the requests sent while looking on a Refresh press (the rest is automatic).
 */
async function walkTheHour(
  world: TeamWorld,
  moveTo: (t: number) => Promise<void>,
  look: (moment: { t: number; refresh: boolean }) => Promise<void>,
): Promise<Set<LoggedRequest>> {
  const { fake } = world;
  const refreshRequests = new Set<LoggedRequest>();
  const pending = [...world.changes];
  for (const moment of glanceMoments()) {
    while (pending[0] && pending[0].t <= moment.t) {
      const change = pending.shift();
      if (!change) break;
      await moveTo(change.t);
      applyTeamChange(world, change);
    }
    await moveTo(moment.t);
    const before = fake.requests.length;
    await look(moment);
    // Time stands still while looking: these are the look's own requests.
    if (moment.refresh) for (const r of fake.requests.slice(before)) refreshRequests.add(r);
  }
  return refreshRequests;
}

export async function runGlanceHour(
  options: { log?: (line: string) => void } = {},
): Promise<GlanceHourResult> {
  // Connected the day before; the manager's machine is up since 09:00, the glance opens at 10.
  const clock = eveningBeforeClock();
  const world = await teamWorld(() => clock.now(), SEED);
  const { fake } = world;
  const account = {
    provider: 'webwork',
    secret: MANAGER_TOKEN,
    baseUrl: fake.baseUrl,
    options: { email: world.managerEmail },
  } as const;
  try {
    return await withAppAtNine(
      { clock, account, dataDirPrefix: 'tt-bench-webwork-team-' },
      async ({ core: live, accountId, settle, advanceTo }) => {
        await settle();
        await advanceTo(HOUR_START);
        live.setPopupVisible(true);
        await settle();

        const views: GlanceView[] = [];
        const failures: string[] = [];
        const refreshRequests = await walkTheHour(world, advanceTo, async (moment) => {
          const result = await live.execute({
            type: 'team',
            input: moment.refresh ? { accountId, refresh: true } : { accountId },
          });
          await settle();
          if (!result.ok) {
            failures.push(
              `${new Date(moment.t).toTimeString().slice(0, 8)} ${result.error.message}`,
            );
            return;
          }
          const glance = teamGlanceSchema.parse(result.data);
          views.push(glanceView(clock.now(), glance));
          options.log?.(
            `${new Date(moment.t).toTimeString().slice(0, 8)} team${moment.refresh ? ' (Refresh)' : ''}: ` +
              `${glance.members.filter((m) => m.entry).length} tracking, ${glance.unchecked} unchecked, ` +
              `next ${glance.nextCheckAt ?? '—'}, ${fake.requests.filter((r) => r.at === moment.t).length} requests`,
          );
        });
        await advanceTo(HOUR_END);
        live.setPopupVisible(false);
        return glanceMeasures('Tray Timer', world, views, refreshRequests, failures);
      },
    );
  } finally {
    await fake.close();
  }
}

/** Every member's current-data every minute and on each Refresh; no budget, no back-off. */
export async function runNaiveGlanceHour(): Promise<GlanceHourResult> {
  let now = HOUR_START;
  const world = await teamWorld(() => now, SEED);
  const { fake } = world;
  const team = [world.managerId, ...world.memberIds];
  const known = new Map<number, { tracking: boolean; checkedAt: number | null }>(
    team.map((id) => [id, { tracking: false, checkedAt: null }]),
  );
  const read = async (userId: number) => {
    const res = await fetch(
      `${fake.baseUrl}/time-tracking/current-data?workspace_id=${world.workspaceId}&user_id=${userId}`,
      { headers: { Authorization: `Bearer ${MANAGER_TOKEN}`, Accept: 'application/json' } },
    );
    const body = (await res.json().catch(() => null)) as WireEnvelope | null;
    if (res.status === 200 && body?.success)
      known.set(userId, { tracking: body.data != null, checkedAt: now });
    else if (res.status === 404 || res.status === 400)
      known.set(userId, { tracking: false, checkedAt: now });
    // Anything else (a 429): it keeps what it had.
  };
  const views: GlanceView[] = [];
  try {
    const refreshRequests = await walkTheHour(
      world,
      async (t) => {
        now = t;
      },
      async () => {
        // Five at a time, like Tray Timer: a browser's few connections to one host.
        for (let i = 0; i < team.length; i += 5) await Promise.all(team.slice(i, i + 5).map(read));
        views.push({ t: now, members: new Map([...known].map(([id, m]) => [id, { ...m }])) });
      },
    );
    return glanceMeasures(
      `naive, ${team.length} reads a minute`,
      world,
      views,
      refreshRequests,
      [],
    );
  } finally {
    await fake.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
export interface WebWorkWorkdayReport {
  seed: number;
  moreSeeds: number[];
  targets: typeof WEBWORK_TARGETS;
  /** Tray Timer on the seeded day, on all days pooled, and the naive poller. */
  results: WebWorkDayResult[];
  /** Tray Timer and the naive glance over the manager's hour. */
  glance: GlanceHourResult[];
  verdicts: { thisDay: Verdict[]; allDays: Verdict[]; glance: Verdict[] };
}

export function webworkDayTable(report: WebWorkWorkdayReport): string[][] {
  const rows: TableRow<WebWorkDayResult>[] = [
    ['all requests, max in any 60 s (WebWork allows 60)', (r) => String(r.maxPerMinute)],
    ['automatic requests, max in any 60 min', (r) => String(r.maxPerHour.automatic)],
    ['all requests, max in any 60 min', (r) => String(r.maxPerHour.all)],
    [
      'requests per day (automatic + actions)',
      (r) => `${r.requests.automatic} + ${r.requests.actions}`,
    ],
    ['refused with 429', (r) => String(r.refused)],
    ...COMMON_ROWS,
  ];
  return workdayTable(report.results, rows);
}

export function webworkGlanceTable(report: WebWorkWorkdayReport): string[][] {
  const rows: TableRow<GlanceHourResult>[] = [
    ['all requests, max in any 60 s (WebWork allows 60)', (r) => String(r.maxPerMinute.all)],
    ['automatic requests, max in any 60 s', (r) => String(r.maxPerMinute.automatic)],
    [
      'requests in the hour (automatic + Refresh)',
      (r) => `${r.requests.total - r.requests.refresh} + ${r.requests.refresh}`,
    ],
    ['of which current-data reads', (r) => String(r.requests.currentData)],
    ['refused with 429', (r) => String(r.refused)],
    [
      `all ${TEAM_SIZE} members read once, after`,
      (r) => (r.allCheckedAfterMin === null ? 'never' : `${r.allCheckedAfterMin} min`),
    ],
    ['age of a reading when viewed, p50', (r) => fmtSec(r.age.p50Sec)],
    ['age of a reading when viewed, p95', (r) => fmtSec(r.age.p95Sec)],
    ['age of a reading when viewed, max', (r) => fmtSec(r.age.maxSec)],
    ['member starts/stops shown / made', (r) => `${r.changes.shown} / ${r.changes.made}`],
    ['member start/stop shown after, p50', (r) => fmtSec(r.changes.p50Sec)],
    ['member start/stop shown after, max', (r) => fmtSec(r.changes.maxSec)],
    ['glance views (each minute + Refresh)', (r) => `${r.views} (${r.refreshes} Refresh)`],
  ];
  return workdayTable(report.glance, rows);
}

function dayVerdicts(r: WebWorkDayResult): Verdict[] {
  const t = WEBWORK_TARGETS;
  return [
    {
      measure: 'requests in any 60 s',
      value: String(r.maxPerMinute),
      target: `≤ ${t.maxPerMinute}`,
      ok: r.maxPerMinute <= t.maxPerMinute,
    },
    {
      measure: 'refused with 429',
      value: String(r.refused),
      target: '0',
      ok: r.refused === 0,
    },
    ...commonVerdicts(r, t),
  ];
}

function glanceVerdicts(r: GlanceHourResult): Verdict[] {
  const t = WEBWORK_TARGETS;
  return [
    {
      measure: 'team glance: automatic requests in any 60 s',
      value: String(r.maxPerMinute.automatic),
      target: `≤ ${t.maxPerMinute}`,
      ok: r.maxPerMinute.automatic <= t.maxPerMinute,
    },
    {
      measure: `team glance: all requests in any 60 s (${r.refreshes} Refresh included)`,
      value: String(r.maxPerMinute.all),
      target: `< ${t.serviceLimitPerMinute}`,
      ok: r.maxPerMinute.all < t.serviceLimitPerMinute,
    },
    {
      measure: 'team glance: refused with 429',
      value: String(r.refused),
      target: '0',
      ok: r.refused === 0,
    },
    {
      measure: `team glance: all ${TEAM_SIZE} members read once`,
      value: r.allCheckedAfterMin === null ? 'never' : `${r.allCheckedAfterMin} min`,
      target: `≤ ${t.glanceCompleteMin} min`,
      ok: r.allCheckedAfterMin !== null && r.allCheckedAfterMin <= t.glanceCompleteMin,
    },
    {
      measure: 'team glance: oldest reading when viewed',
      value: fmtSec(r.age.maxSec),
      target: `≤ ${t.glanceMaxAgeMin} min`,
      ok: r.age.maxSec !== null && r.age.maxSec <= t.glanceMaxAgeMin * 60,
    },
    {
      measure: 'team glance: failed views',
      value: String(r.failures.length),
      target: '0',
      ok: r.failures.length === 0,
    },
  ];
}

export async function runWebWorkWorkday(
  options: { log?: (line: string) => void } = {},
): Promise<WebWorkWorkdayReport> {
  const {
    script,
    thisDay: trayTimer,
    allDays,
  } = await seededAndPooled(runWebWorkDay, pooled, options);
  const naive = await runNaiveMemberDay(script);
  const glance = await runGlanceHour(options);
  const naiveGlance = await runNaiveGlanceHour();
  return {
    seed: SEED,
    moreSeeds: [...MORE_SEEDS],
    targets: WEBWORK_TARGETS,
    results: [trayTimer, allDays, naive],
    glance: [glance, naiveGlance],
    verdicts: {
      thisDay: dayVerdicts(trayTimer),
      allDays: dayVerdicts(allDays),
      glance: glanceVerdicts(glance),
    },
  };
}
