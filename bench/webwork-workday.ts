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
 * with the account connected through the core (`accounts.add`), as a user would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { teamGlanceSchema, type Snapshot, type TeamGlance } from '../preload/contract';
import type { Core } from '../main/core/core';
import { openCore } from '../main/core/open-core';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';
import {
  startFakeWebWork,
  type FakeWebWork,
  type LoggedRequest,
} from '../test/fakes/webwork-server';
import { VirtualClock } from '../test/support/virtual-clock';
import {
  at,
  COMMON_ROWS,
  commonVerdicts,
  DAY_END,
  DAY_START,
  fmtSec,
  HOUR,
  immediate,
  LOCK,
  measureStaleness,
  MIN,
  MORE_SEEDS,
  POPUP_SHOWN_MS,
  PROJECTS,
  prng,
  quantile,
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
  p95StalenessSec: 240,
  popupRefreshWithinSec: 2,
  popupStaleAfterSec: 30,
  requestsPerAction: 1,
  requestsWhileAway: 0,
  /** Every member of the glance read at least once within this many minutes of opening it. */
  glanceCompleteMin: 5,
  /** No member's reading older than this when the glance is looked at (after it completed). */
  glanceMaxAgeMin: 5,
} as const;

// ---------------------------------------------------------------------------------------------
// Shared measures
// ---------------------------------------------------------------------------------------------
function lastSynced(snapshot: Snapshot): number | null {
  const account = snapshot.accounts.find((a) => a.provider === 'webwork');
  return account?.lastSyncedAt ? Date.parse(account.lastSyncedAt) : null;
}

function webworkView(snapshot: Snapshot): View {
  const account = snapshot.accounts.find((a) => a.provider === 'webwork');
  const entry = account?.running ? account.entry : null;
  return {
    running: entry !== null && entry !== undefined,
    description: entry?.description ?? null,
    projectName: entry?.projectName ?? null,
  };
}

/** Lets real HTTP finish before virtual time moves on, so requests are logged at their time. */
function settler(net: { inflight: () => number }): () => Promise<void> {
  return async () => {
    for (let quiet = 0; quiet < 4;) {
      await immediate();
      if (net.inflight() > 0) {
        quiet = 0;
        await realSleep(1);
      } else quiet += 1;
    }
  };
}

const times = (log: readonly LoggedRequest[]) => log.map((r) => r.at);

// ---------------------------------------------------------------------------------------------
// 1. A member's workday
// ---------------------------------------------------------------------------------------------
export interface WebWorkDayResult {
  client: string;
  requests: { total: number; automatic: number; actions: number };
  maxPerHour: { all: number; automatic: number };
  /** All requests in any 60 s (WebWork's window). */
  maxPerMinute: number;
  maxPerSecond: number;
  /** Answers 429 "Too Many Attempts." */
  refused: number;
  staleness: Staleness;
  popup: { opens: number; staleOpens: number; refreshedWithin2s: number };
  actions: { count: number; failed: number; minRequests: number; maxRequests: number };
  whileAway: { locked: number; asleep: number };
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
): Pick<
  WebWorkDayResult,
  'requests' | 'maxPerHour' | 'maxPerMinute' | 'maxPerSecond' | 'refused' | 'whileAway'
> {
  const day = fake.requests.filter((r) => r.at >= DAY_START && r.at <= DAY_END);
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
      all: maxInAnyWindow(times(day), HOUR),
      automatic: maxInAnyWindow(times(automatic), HOUR),
    },
    maxPerMinute: fake.maxRequestsInWindow({ from: DAY_START, to: DAY_END + 1, windowMs: MIN }),
    maxPerSecond: maxInAnyWindow(times(day), SEC),
    refused: day.filter((r) => r.status === 429).length,
    whileAway: { locked: inside(LOCK), asleep: inside(SLEEP) },
  };
}

/** The day's requests and events, one line each (`WEBWORK_BENCH_LOG=1 npm run bench`). */
function timeline(script: readonly ScriptEvent[], log: readonly LoggedRequest[]): string[] {
  const hms = (t: number) => new Date(t).toTimeString().slice(0, 8);
  const lines = [
    ...script.map((e) => ({
      t: e.t,
      text: `  ${e.kind}${e.kind === 'remote' ? `: ${e.label}` : e.kind === 'power' ? `: ${e.event}` : ''}`,
    })),
    ...log
      .filter((r) => r.at >= DAY_START)
      .map((r) => ({ t: r.at, text: `    ${r.method} ${r.path} → ${r.status}` })),
  ];
  return lines.sort((a, b) => a.t - b.t).map((l) => `${hms(l.t)}${l.text}`);
}

export async function runWebWorkDay(
  script: readonly ScriptEvent[],
  options: { log?: (line: string) => void } = {},
): Promise<WebWorkDayResult> {
  // The account was connected the evening before; the app starts with the machine at 09:00.
  const clock = new VirtualClock(DAY_START - 14 * HOUR);
  const world = await memberWorld(() => clock.now());
  const { fake } = world;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-webwork-'));
  const secrets = new MemorySecretStore();
  const net = trackedFetch();
  const settle = settler(net);
  const actionRequests = new Set<LoggedRequest>();
  let core: Core | null = null;
  try {
    const setup = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const added = await setup.execute({
      type: 'accounts.add',
      input: {
        provider: 'webwork',
        secret: MEMBER_TOKEN,
        baseUrl: fake.baseUrl,
        options: { email: world.email },
      },
    });
    if (!added.ok) throw new Error(`could not connect WebWork: ${added.error.message}`);
    await settle();
    await setup.close();
    await clock.advance(DAY_START - clock.now());

    core = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const live = core;
    const accountId = live.snapshot().accounts.find((a) => a.provider === 'webwork')?.id;
    if (!accountId) throw new Error('the WebWork account is missing from the snapshot');
    const observed: Observation[] = [{ t: clock.now(), view: webworkView(live.snapshot()) }];
    live.subscribe((s) => observed.push({ t: clock.now(), view: webworkView(s) }));
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
      const view = webworkView(live.snapshot());
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
          applyRemote(world, e.change);
          break;
        case 'power':
          live.power(e.event);
          await settle();
          break;
        case 'popup': {
          popup.opens += 1;
          const synced = lastSynced(live.snapshot());
          const stale = synced === null || e.t - synced > WEBWORK_TARGETS.popupStaleAfterSec * SEC;
          live.setPopupVisible(true);
          await settle();
          await advanceTo(e.t + WEBWORK_TARGETS.popupRefreshWithinSec * SEC);
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
      ...requestMeasures(fake, (r) => actionRequests.has(r)),
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

interface WireEnvelope {
  success?: boolean;
  data?: { contract_id?: number | null; activity_description?: string | null } | null;
}

/** current-data every 10 s while awake; one request per start/stop; no budget, no back-off. */
export async function runNaiveMemberDay(
  script: readonly ScriptEvent[],
  intervalMs = NAIVE_MEMBER_INTERVAL_MS,
): Promise<WebWorkDayResult> {
  let now = DAY_START;
  const world = await memberWorld(() => now);
  const { fake, userId, workspaceId } = world;
  let running: EntryShape | null = null;
  let lastOk: number | null = null;
  const okPolls: number[] = [];
  const observed: Observation[] = [];
  const show = () =>
    observed.push({
      t: now,
      view: {
        running: running !== null,
        description: running?.description ?? null,
        projectName: running?.project ?? null,
      },
    });
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
  const poll = async () => {
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
    } else return;
    lastOk = now;
    okPolls.push(now);
    show();
  };
  const start = async (entry: EntryShape) => {
    const r = await call('POST', '/time-tracking/start', {
      workspace_id: workspaceId,
      user_id: userId,
      contract_id: contractFor(world, entry.project),
      activity_description: entry.description,
    });
    if (!r.body?.success) return false;
    running = entry;
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
            await act(() => start(e.entry));
            return;
          case 'stop':
            await act(async () => {
              // It stops what it last saw running; when it saw nothing, it sends nothing.
              if (!running) return false;
              const r = await call('POST', '/time-tracking/stop', {
                workspace_id: workspaceId,
                user_id: userId,
              });
              if (!r.body?.success) return false;
              running = null;
              show();
              return true;
            });
            return;
          case 'remote':
            applyRemote(world, e.change);
            return;
          case 'popup':
            popup.opens += 1;
            popupOpens.push({
              t: e.t,
              stale: lastOk === null || e.t - lastOk > WEBWORK_TARGETS.popupStaleAfterSec * SEC,
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
      if (okPolls.some((t) => t > o.t && t <= o.t + WEBWORK_TARGETS.popupRefreshWithinSec * SEC))
        popup.refreshedWithin2s += 1;
    }
    return {
      client: `naive poller, every ${intervalMs / SEC} s`,
      ...requestMeasures(fake, (r) => actionRequests.has(r)),
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

function toStrings(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

function pooled(client: string, days: readonly WebWorkDayResult[]): WebWorkDayResult {
  const sum = (f: (r: WebWorkDayResult) => number) => days.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: WebWorkDayResult) => number) => Math.max(...days.map(f));
  const avg = (f: (r: WebWorkDayResult) => number) => Math.round(sum(f) / days.length);
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
    maxPerMinute: max((r) => r.maxPerMinute),
    maxPerSecond: max((r) => r.maxPerSecond),
    refused: sum((r) => r.refused),
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

export async function runGlanceHour(
  options: { log?: (line: string) => void } = {},
): Promise<GlanceHourResult> {
  // Connected the day before; the manager's machine is up since 09:00, the glance opens at 10.
  const clock = new VirtualClock(DAY_START - 14 * HOUR);
  const world = await teamWorld(() => clock.now(), SEED);
  const { fake } = world;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-webwork-team-'));
  const secrets = new MemorySecretStore();
  const net = trackedFetch();
  const settle = settler(net);
  let core: Core | null = null;
  try {
    const setup = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const added = await setup.execute({
      type: 'accounts.add',
      input: {
        provider: 'webwork',
        secret: MANAGER_TOKEN,
        baseUrl: fake.baseUrl,
        options: { email: world.managerEmail },
      },
    });
    if (!added.ok) throw new Error(`could not connect WebWork: ${added.error.message}`);
    await settle();
    await setup.close();
    await clock.advance(DAY_START - clock.now());

    core = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const live = core;
    const accountId = live.snapshot().accounts.find((a) => a.provider === 'webwork')?.id;
    if (!accountId) throw new Error('the WebWork account is missing from the snapshot');
    await settle();
    const advanceTo = async (t: number) => {
      while (clock.now() < t) {
        await clock.advance(Math.min(SEC, t - clock.now()));
        await settle();
      }
    };
    await advanceTo(HOUR_START);
    live.setPopupVisible(true);
    await settle();

    const views: GlanceView[] = [];
    const failures: string[] = [];
    const refreshRequests = new Set<LoggedRequest>();
    const pending = [...world.changes];
    for (const moment of glanceMoments()) {
      while (pending[0] && pending[0].t <= moment.t) {
        const change = pending.shift();
        if (!change) break;
        await advanceTo(change.t);
        applyTeamChange(world, change);
      }
      await advanceTo(moment.t);
      const before = fake.requests.length;
      const result = await live.execute({
        type: 'team',
        input: moment.refresh ? { accountId, refresh: true } : { accountId },
      });
      await settle();
      // Virtual time stands still during the command: these are the ask's own requests.
      if (moment.refresh) for (const r of fake.requests.slice(before)) refreshRequests.add(r);
      if (!result.ok) {
        failures.push(`${new Date(moment.t).toTimeString().slice(0, 8)} ${result.error.message}`);
        continue;
      }
      const glance = teamGlanceSchema.parse(result.data);
      views.push(glanceView(clock.now(), glance));
      options.log?.(
        `${new Date(moment.t).toTimeString().slice(0, 8)} team${moment.refresh ? ' (Refresh)' : ''}: ` +
          `${glance.members.filter((m) => m.entry).length} tracking, ${glance.unchecked} unchecked, ` +
          `next ${glance.nextCheckAt ?? '—'}, ${fake.requests.filter((r) => r.at === moment.t).length} requests`,
      );
    }
    await advanceTo(HOUR_END);
    live.setPopupVisible(false);
    return glanceMeasures('Tray Timer', world, views, refreshRequests, failures);
  } finally {
    await core?.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
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
  const refreshRequests = new Set<LoggedRequest>();
  const pending = [...world.changes];
  try {
    for (const moment of glanceMoments()) {
      while (pending[0] && pending[0].t <= moment.t) {
        const change = pending.shift();
        if (!change) break;
        now = change.t;
        applyTeamChange(world, change);
      }
      now = moment.t;
      const before = fake.requests.length;
      // Five at a time, like Tray Timer: a browser's few connections to one host.
      for (let i = 0; i < team.length; i += 5) await Promise.all(team.slice(i, i + 5).map(read));
      if (moment.refresh) for (const r of fake.requests.slice(before)) refreshRequests.add(r);
      views.push({ t: now, members: new Map([...known].map(([id, m]) => [id, { ...m }])) });
    }
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
  const script = workdayScript(SEED);
  const trayTimer = await runWebWorkDay(script, options);
  const more: WebWorkDayResult[] = [];
  for (const seed of MORE_SEEDS) more.push(await runWebWorkDay(workdayScript(seed)));
  const allDays = pooled(`Tray Timer, ${1 + MORE_SEEDS.length} days pooled`, [trayTimer, ...more]);
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
