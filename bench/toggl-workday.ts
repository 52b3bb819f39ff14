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
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Snapshot } from '../preload/contract';
import type { Core } from '../main/core/core';
import { openCore } from '../main/core/open-core';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { maxInAnyWindow } from '../test/fakes/http-fake-kit';
import { startFakeToggl, type FakeToggl, type LoggedRequest } from '../test/fakes/toggl-server';
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

const TOKEN = 'bench-toggl-token-0123456789abcdef';

/** Issue 3's targets for Tray Timer on a Free plan. */
export const TOGGL_TARGETS = {
  userRequestsPerHour: 20,
  quota402: 0,
  p95StalenessSec: 240,
  popupRefreshWithinSec: 2,
  popupStaleAfterSec: 30,
  requestsPerAction: 1,
  requestsWhileAway: 0,
} as const;

export interface WorkdayResult {
  client: string;
  requests: { total: number; user: number; org: number };
  /** Most requests within any one second (Toggl's burst guidance: about 1 per second). */
  maxPerSecond: number;
  maxPerHour: { user: number; org: number };
  status402: number;
  status429: number;
  staleness: Staleness;
  popup: { opens: number; staleOpens: number; refreshedWithin2s: number };
  actions: { count: number; failed: number; minRequests: number; maxRequests: number };
  whileAway: { locked: number; asleep: number };
}

/** Several days of one client as one: sums, maxima, and quantiles over all remote changes. */
function pooled(client: string, days: readonly WorkdayResult[]): WorkdayResult {
  const sum = (f: (r: WorkdayResult) => number) => days.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: WorkdayResult) => number) => Math.max(...days.map(f));
  return {
    client,
    // Per day, on average: the other figures are worst cases or totals over all days.
    requests: {
      total: Math.round(sum((r) => r.requests.total) / days.length),
      user: Math.round(sum((r) => r.requests.user) / days.length),
      org: Math.round(sum((r) => r.requests.org) / days.length),
    },
    maxPerSecond: max((r) => r.maxPerSecond),
    maxPerHour: { user: max((r) => r.maxPerHour.user), org: max((r) => r.maxPerHour.org) },
    status402: sum((r) => r.status402),
    status429: sum((r) => r.status429),
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

function requestMeasures(
  log: readonly LoggedRequest[],
): Pick<
  WorkdayResult,
  'requests' | 'maxPerSecond' | 'maxPerHour' | 'status402' | 'status429' | 'whileAway'
> {
  const day = log.filter((r) => r.at >= DAY_START && r.at <= DAY_END);
  const user = day.filter((r) => r.bucket === 'user');
  const org = day.filter((r) => r.bucket === 'org');
  const inside = (w: { from: number; to: number }) =>
    day.filter((r) => r.at >= w.from && r.at < w.to).length;
  return {
    requests: { total: day.length, user: user.length, org: org.length },
    maxPerSecond: maxInAnyWindow(
      day.map((r) => r.at),
      SEC,
    ),
    maxPerHour: {
      user: maxInAnyWindow(
        user.map((r) => r.at),
        HOUR,
      ),
      org: maxInAnyWindow(
        org.map((r) => r.at),
        HOUR,
      ),
    },
    status402: day.filter((r) => r.status === 402).length,
    status429: day.filter((r) => r.status === 429).length,
    whileAway: { locked: inside(LOCK), asleep: inside(SLEEP) },
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

function togglView(snapshot: Snapshot): View {
  const account = snapshot.accounts.find((a) => a.provider === 'toggl');
  const entry = account?.running ? account.entry : null;
  return {
    running: entry !== null && entry !== undefined,
    description: entry?.description ?? null,
    projectName: entry?.projectName ?? null,
  };
}

function lastSynced(snapshot: Snapshot): number | null {
  const account = snapshot.accounts.find((a) => a.provider === 'toggl');
  return account?.lastSyncedAt ? Date.parse(account.lastSyncedAt) : null;
}

/** The day's requests and events, one line each (`TOGGL_BENCH_LOG=1 npm run bench`). */
function timeline(script: readonly ScriptEvent[], log: readonly LoggedRequest[]): string[] {
  const hms = (t: number) => new Date(t).toTimeString().slice(0, 8);
  const lines = [
    ...script.map((e) => ({
      t: e.t,
      text: `  ${e.kind}${e.kind === 'remote' ? `: ${e.label}` : e.kind === 'power' ? `: ${e.event}` : ''}`,
    })),
    ...log
      .filter((r) => r.at >= DAY_START)
      .map((r) => ({ t: r.at, text: `    ${r.method} ${r.path} → ${r.status} [${r.bucket}]` })),
  ];
  return lines.sort((a, b) => a.t - b.t).map((l) => `${hms(l.t)}${l.text}`);
}

export async function runTrayTimerDay(
  script: readonly ScriptEvent[],
  options: { log?: (line: string) => void } = {},
): Promise<WorkdayResult> {
  // The account was connected the evening before; the app starts with the machine at 09:00.
  const clock = new VirtualClock(DAY_START - 14 * HOUR);
  const { fake, userId, projectIds } = await seededFake(() => clock.now());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-toggl-'));
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
  let core: Core | null = null;
  try {
    const setup = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const added = await setup.execute({
      type: 'accounts.add',
      input: { provider: 'toggl', secret: TOKEN, baseUrl: fake.baseUrl, options: {} },
    });
    if (!added.ok) throw new Error(`could not connect the Toggl account: ${added.error.message}`);
    await settle();
    await setup.close();
    await clock.advance(DAY_START - clock.now());

    core = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const live = core;
    const observed: Observation[] = [{ t: clock.now(), view: togglView(live.snapshot()) }];
    live.subscribe((s) => observed.push({ t: clock.now(), view: togglView(s) }));
    await settle();

    const advanceTo = async (t: number) => {
      while (clock.now() < t) {
        await clock.advance(Math.min(SEC, t - clock.now()));
        await settle();
      }
    };

    const popup = { opens: 0, staleOpens: 0, refreshedWithin2s: 0 };
    const actionRequests: number[] = [];
    let failed = 0;
    const act = async (command: Parameters<Core['execute']>[0], expect?: EntryShape) => {
      const before = fake.requests.length;
      const result = await live.execute(command);
      await settle();
      actionRequests.push(fake.requests.length - before);
      // A start that reported success but shows something else is a failure the user sees.
      const view = togglView(live.snapshot());
      const wrong = expect ? view.description !== expect.description : view.running;
      if (!result.ok || wrong) failed += 1;
    };

    for (const e of script) {
      await advanceTo(e.t);
      switch (e.kind) {
        case 'start':
          await act(
            {
              type: 'start',
              input: {
                accountId: 'toggl',
                description: e.entry.description,
                project: e.entry.project,
              },
            },
            e.entry,
          );
          break;
        case 'continue':
          await act({ type: 'continue', input: { accountId: 'toggl' } }, e.entry);
          break;
        case 'stop':
          await act({ type: 'stop', input: { accountId: 'toggl' } });
          break;
        case 'remote':
          applyRemote(fake, userId, projectIds, e.change);
          break;
        case 'power':
          live.power(e.event);
          await settle();
          break;
        case 'popup': {
          popup.opens += 1;
          const synced = lastSynced(live.snapshot());
          const stale = synced === null || e.t - synced > TOGGL_TARGETS.popupStaleAfterSec * SEC;
          live.setPopupVisible(true);
          await settle();
          await advanceTo(e.t + TOGGL_TARGETS.popupRefreshWithinSec * SEC);
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
      ...requestMeasures(fake.requests),
      staleness: measureStaleness(script, observed),
      popup,
      actions: {
        count: actionRequests.length,
        failed,
        minRequests: Math.min(...actionRequests),
        maxRequests: Math.max(...actionRequests),
      },
    };
  } finally {
    await core?.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
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
 * What many integrations do: poll the running entry on a fixed interval while the machine is
 * awake (a locked screen does not stop them), start/stop with one request each using what they
 * last saw, and show whatever their last successful poll returned.
 */
export async function runNaiveDay(
  script: readonly ScriptEvent[],
  intervalMs: number,
): Promise<WorkdayResult> {
  let now = DAY_START;
  const { fake, userId, workspaceId, projectIds } = await seededFake(() => now);
  const projectNames = new Map([...projectIds].map(([name, id]) => [id, name]));
  const auth = `Basic ${Buffer.from(`${TOKEN}:api_token`).toString('base64')}`;
  let running: TogglEntryWire | null = null;
  let lastOk: number | null = null;
  const okPolls: number[] = [];
  const observed: Observation[] = [];
  const show = () =>
    observed.push({
      t: now,
      view: {
        running: running !== null,
        description: running?.description ?? null,
        projectName:
          running?.project_id != null ? (projectNames.get(running.project_id) ?? null) : null,
      },
    });
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
  const poll = async () => {
    const r = await call('GET', '/me/time_entries/current');
    if (r.status !== 200) return;
    running = JSON.parse(r.text) as TogglEntryWire | null;
    lastOk = now;
    okPolls.push(now);
    show();
  };
  const startEntry = async (entry: EntryShape) => {
    const r = await call('POST', `/workspaces/${workspaceId}/time_entries`, {
      created_with: 'naive poller',
      workspace_id: workspaceId,
      start: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      duration: -1,
      description: entry.description,
      project_id: projectIds.get(entry.project) ?? null,
    });
    if (r.status !== 200) return false;
    running = JSON.parse(r.text) as TogglEntryWire;
    show();
    return true;
  };

  // Polls on the interval while awake; the scripted events between them.
  const polls: number[] = [];
  for (let t = DAY_START; t <= DAY_END; t += intervalMs)
    if (!(t >= SLEEP.from && t < SLEEP.to)) polls.push(t);
  type Step = { t: number; order: number; run: () => Promise<void> };
  const popup = { opens: 0, staleOpens: 0, refreshedWithin2s: 0 };
  const popupOpens: { t: number; stale: boolean }[] = [];
  const actionRequests: number[] = [];
  let failed = 0;
  const act = async (fn: () => Promise<boolean>) => {
    const before = fake.requests.length;
    if (!(await fn())) failed += 1;
    actionRequests.push(fake.requests.length - before);
  };
  const steps: Step[] = [
    ...polls.map((t) => ({ t, order: 1, run: poll })),
    ...script.map((e): Step => {
      const run = async (): Promise<void> => {
        switch (e.kind) {
          case 'start':
          case 'continue':
            await act(() => startEntry(e.entry));
            return;
          case 'stop':
            await act(async () => {
              // It stops what it last saw running; when it saw nothing, it sends nothing.
              if (!running) return false;
              const r = await call(
                'PATCH',
                `/workspaces/${workspaceId}/time_entries/${running.id}/stop`,
              );
              if (r.status !== 200 && r.status !== 409) return false;
              running = null;
              show();
              return true;
            });
            return;
          case 'remote':
            applyRemote(fake, userId, projectIds, e.change);
            return;
          case 'popup':
            popup.opens += 1;
            popupOpens.push({
              t: e.t,
              stale: lastOk === null || e.t - lastOk > TOGGL_TARGETS.popupStaleAfterSec * SEC,
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
      if (okPolls.some((t) => t > o.t && t <= o.t + TOGGL_TARGETS.popupRefreshWithinSec * SEC))
        popup.refreshedWithin2s += 1;
    }
    return {
      client: `naive poller, every ${intervalMs / SEC} s`,
      ...requestMeasures(fake.requests),
      staleness: measureStaleness(script, observed),
      popup,
      actions: {
        count: actionRequests.length,
        failed,
        minRequests: Math.min(...actionRequests),
        maxRequests: Math.max(...actionRequests),
      },
    };
  } finally {
    await fake.close();
  }
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
  const script = workdayScript(SEED);
  const trayTimer = await runTrayTimerDay(script, options);
  // One day's six remote changes and ~16 stale popup openings are a small sample, and a lucky
  // seed could pass what another fails: the same day with other jitter, pooled, is the verdict.
  const more: WorkdayResult[] = [];
  for (const seed of MORE_SEEDS) more.push(await runTrayTimerDay(workdayScript(seed)));
  const allDays = pooled(`Tray Timer, ${1 + MORE_SEEDS.length} days pooled`, [trayTimer, ...more]);
  const naive5 = await runNaiveDay(script, 5 * SEC);
  const naive60 = await runNaiveDay(script, 60 * SEC);
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
