/**
 * The offline action journal under load (issue 6, "Nothing lost"): what a user who works without
 * a network costs, what comes back once the network does, and what the journal costs when
 * nothing is wrong. Targets are reported, not asserted.
 *
 *  1. An offline hour, per provider (Toggl, TrackingTime, WebWork): the real core in 'app' mode
 *     on a VirtualClock over real HTTP to the provider's fake, the fake dropping every socket
 *     ('reset') from 10:00 to 11:00. The user makes 10 actions meanwhile (5 start/stop pairs,
 *     5 minutes apart), then the network returns and virtual time runs until the journal file is
 *     gone. Measured: requests while offline (by what sent them: the user's action, the
 *     journal's retry timer, the scheduler's refresh), requests once back until the journal is
 *     empty (by method; reads vs writes; the replay's own reads), the virtual time from "back"
 *     to "journal empty", entries on the fake, asked start/stop times kept to the second
 *     (WebWork takes no time: n/a), duplicates and lost actions.
 *  2. Lost answers, per provider: 10 starts two minutes apart, one replacing the other, each
 *     accepted by the fake but its answer lost (the fetch awaits the real 2xx answer, reads it,
 *     then throws TypeError('fetch failed'), as undici does when a connection dies after the
 *     request was written; a refusal still gets through). Measured: entries on the fake (must
 *     be 10, one each), duplicates, lost, requests (402/429 answers apart), time to empty.
 *  3. The journal's own cost on the Local provider: wall time of core.execute start and stop
 *     (each writes journal.json with fsync, then removes it durably) in the machine's tmp
 *     folder, the fsync calls each makes, a bare JournalStore append + settle, and one atomic
 *     fsync'd write as the disk's floor (a loaded machine or a slow disk shows up there).
 *
 * What sent a request is known exactly: timers are tagged where they are set (the journal's
 * retry timer is set by the core's scheduleRetry; every other timer is the scheduler's), the
 * tag follows the async work through AsyncLocalStorage, and a request made while the replay
 * function is on the async stack is the replay's. (Both read stack frames: renaming
 * scheduleRetry or main/journal/replay.ts shows up here as 0 retries or 0 replay requests.)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import fs, { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { AddAccountInput, Command, CommandResult, ProviderKind } from '../preload/contract';
import { PROVIDER_NAMES } from '../preload/contract';
import type { Clock, TimerHandle } from '../main/core/clock';
import type { Core } from '../main/core/core';
import { openCore } from '../main/core/open-core';
import type { JournalAction } from '../main/journal/journal-schema';
import { JOURNAL_FILE, JournalStore } from '../main/journal/journal-store';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { writeJsonAtomic } from '../main/storage/atomic-file';
import type { FaultKind } from '../test/fakes/http-fake-kit';
import { startFakeToggl } from '../test/fakes/toggl-server';
import { startFakeTrackingTime } from '../test/fakes/trackingtime-server';
import { startFakeWebWork } from '../test/fakes/webwork-server';
import { VirtualClock } from '../test/support/virtual-clock';
import { DAY_START, MIN, SEC } from './workday-kit';

const at = (h: number, m: number) => DAY_START + (h - 9) * 60 * MIN + m * MIN;
const OFFLINE = { from: at(10, 0), to: at(11, 0) };
const PAIRS = 5;
/** First start 10:05, each stop 5 min after its start, the next start 5 min later. */
const ACTION_GAP_MS = 5 * MIN;
const LOST_STARTS = 10;
const LOST_GAP_MS = 2 * MIN;
/** How long after "back" virtual time runs waiting for an empty journal. */
const GIVE_UP_MS = 30 * MIN;
/** After the last lost answer: longer, since a quota (Toggl Free: 30 an hour) may be spent. */
const LOST_GIVE_UP_MS = 120 * MIN;
const LOCAL_RUNS = 200;

export const JOURNAL_TARGETS = {
  duplicates: 0,
  lostActions: 0,
  askedTimesKeptPct: 100,
  replayReads: 1,
  replayRequestsPerAction: 1,
  localP95Ms: 50,
} as const;

// ---------------------------------------------------------------------------------------------
// Who sent a request
// ---------------------------------------------------------------------------------------------
type Trigger = 'user' | 'retry' | 'scheduler';
const triggerOf = new AsyncLocalStorage<Trigger>();

/** A VirtualClock whose timers carry what set them to the work they start. */
class TaggedClock extends VirtualClock {
  override setTimer(ms: number, fn: () => void): TimerHandle {
    const tag: Trigger = stackNow().includes('scheduleRetry') ? 'retry' : 'scheduler';
    return super.setTimer(ms, () => triggerOf.run(tag, fn));
  }
}

function stackNow(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

interface Sent {
  /** Virtual time the request was made. */
  at: number;
  method: string;
  path: string;
  trigger: Trigger;
  /** Made by the journal's replay (its read or an action it sends). */
  byReplay: boolean;
  /** The answer was thrown away (scenario 2). */
  answerLost: boolean;
  /** No answer: the connection failed. */
  failed: boolean;
  /** HTTP status of the answer (also of a lost one); 0 without an answer. */
  status: number;
}

/**
 * The core's fetch: logs every request, counts those in flight (so virtual time only moves once
 * real HTTP has finished), and throws away the answers `loseAnswer` picks after they arrived.
 */
class Network {
  readonly sent: Sent[] = [];
  inflight = 0;
  /** Which accepted (2xx) answers never reach the app; a refusal always does. */
  loseAnswer: (method: string, url: URL) => boolean = () => false;

  constructor(
    private readonly clock: Clock,
    private readonly log?: (line: string) => void,
  ) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const record: Sent = {
      at: this.clock.now(),
      method,
      path: url.pathname,
      trigger: triggerOf.getStore() ?? 'scheduler',
      byReplay: /journal[\\/]replay\.ts/.test(stackNow()),
      answerLost: false,
      failed: false,
      status: 0,
    };
    this.sent.push(record);
    this.inflight += 1;
    try {
      const res = await fetch(input, init);
      record.status = res.status;
      const body = await res.arrayBuffer();
      if (res.ok && this.loseAnswer(method, url)) {
        record.answerLost = true;
        throw new TypeError('fetch failed');
      }
      // 204/304 cannot carry a body in the Response constructor.
      return new Response([204, 205, 304].includes(res.status) ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (err) {
      if (!record.answerLost) record.failed = true;
      throw err;
    } finally {
      this.inflight -= 1;
      this.log?.(
        `${new Date(record.at).toTimeString().slice(0, 8)} ${record.trigger.padEnd(9)} ` +
          `${record.byReplay ? 'replay' : '      '} ${method} ${url.pathname}${url.search} ` +
          (record.answerLost
            ? `→ ${record.status}, answer lost`
            : record.failed
              ? '→ failed'
              : `→ ${record.status}`),
      );
    }
  };

  /** Lets real HTTP finish before virtual time moves on. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 4;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.inflight > 0) {
        quiet = 0;
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
      } else quiet += 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One fake per provider, behind one shape
// ---------------------------------------------------------------------------------------------
/** An entry as the fake holds it; `stop` null while it runs; WebWork keeps no history. */
interface FakeEntryView {
  description: string;
  start: number;
  stop: number | null;
}

interface World {
  provider: ProviderKind;
  account: AddAccountInput;
  /** The i-th distinct start (0-based), as the user types it. */
  startInput(i: number): Extract<Command, { type: 'start' }>['input'];
  /** What the fake shows for the i-th start (description or task name). */
  label(i: number): string;
  /** The user's entries as the fake holds them; null where the service keeps no history. */
  entries(): FakeEntryView[] | null;
  /** WebWork: descriptions of the starts the fake accepted (there is no history to read). */
  acceptedStarts(since: number): string[];
  running(): boolean;
  /** A request that starts a timer. */
  isStart(method: string, url: URL): boolean;
  fault(kind: FaultKind): void;
  clearFaults(): void;
  /** Requests the fake saw (reset ones included). */
  requestCount(): number;
  close(): Promise<void>;
}

const TOGGL_TOKEN = 'bench-journal-toggl-0123456789abcdef';
const TT_PASSWORD = 'bench-journal-trackingtime-0123';
const WW_TOKEN = 'bench-journal-webwork-pat-0123456789';

async function togglWorld(now: () => number): Promise<World> {
  const fake = await startFakeToggl({ now });
  const user = fake.addUser({ token: TOGGL_TOKEN, fullname: 'Bench User', workspaceName: 'Acme' });
  const label = (i: number) => `Offline work ${i + 1}`;
  return {
    provider: 'toggl',
    account: { provider: 'toggl', secret: TOGGL_TOKEN, baseUrl: fake.baseUrl, options: {} },
    startInput: (i) => ({ description: label(i) }),
    label,
    entries: () =>
      fake
        .entries(user.id)
        .map((e) => ({ description: e.description ?? '', start: e.start, stop: e.stop })),
    acceptedStarts: () => [],
    running: () => fake.runningEntry(user.id) !== null,
    isStart: (method, url) => method === 'POST' && /\/time_entries$/.test(url.pathname),
    fault: (kind) => fake.fault(kind),
    clearFaults: () => fake.clearFaults(),
    requestCount: () => fake.requests.length,
    close: () => fake.close(),
  };
}

async function trackingTimeWorld(now: () => number): Promise<World> {
  const fake = await startFakeTrackingTime({ now });
  const account = fake.addAccount({ company: 'Bench Co' });
  const user = fake.addUser({
    email: 'bench@example.com',
    appPassword: TT_PASSWORD,
    firstName: 'Bench',
    lastName: 'User',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    accountId: account.id,
  });
  const project = fake.addProject({ accountId: account.id, name: 'Platform' });
  const label = (i: number) => `Offline task ${i + 1}`;
  for (let i = 0; i < LOST_STARTS; i += 1)
    fake.addTask({ projectId: project.id, name: label(i), userIds: [user.id] });
  return {
    provider: 'trackingtime',
    account: { provider: 'trackingtime', secret: TT_PASSWORD, baseUrl: fake.baseUrl, options: {} },
    startInput: (i) => ({ description: label(i), project: 'Platform' }),
    label,
    entries: () =>
      fake.events(user.id).map((e) => ({
        description: fake.task(e.taskId)?.name ?? `task ${e.taskId}`,
        start: e.start,
        stop: e.end,
      })),
    acceptedStarts: () => [],
    running: () => fake.runningEvent(user.id) !== null,
    isStart: (method, url) => method === 'POST' && /\/tasks\/track(\/\d+)?$/.test(url.pathname),
    fault: (kind) => fake.fault(kind),
    clearFaults: () => fake.clearFaults(),
    requestCount: () => fake.requests.length,
    close: () => fake.close(),
  };
}

async function webWorkWorld(now: () => number): Promise<World> {
  const fake = await startFakeWebWork({ now });
  const ws = fake.addWorkspace({ name: 'Bench Co' });
  const owner = fake.addUser({ email: 'owner@example.com', firstname: 'Olga', lastname: 'Owner' });
  fake.addMember(ws.id, owner.id, 'Owner');
  const me = fake.addUser({
    email: 'bench@example.com',
    token: WW_TOKEN,
    firstname: 'Bench',
    lastname: 'User',
  });
  fake.addMember(ws.id, me.id, 'Regular User');
  const project = fake.addProject({ workspaceId: ws.id, name: 'Platform' });
  fake.addContract({ userId: me.id, projectId: project.id });
  const label = (i: number) => `Offline work ${i + 1}`;
  return {
    provider: 'webwork',
    account: {
      provider: 'webwork',
      secret: WW_TOKEN,
      baseUrl: fake.baseUrl,
      options: { email: me.email },
    },
    // WebWork starts and stops "now": the user agreed to have them applied when it is back.
    startInput: (i) => ({ description: label(i), project: 'Platform', queueIfOffline: true }),
    label,
    entries: () => null,
    acceptedStarts: (since) =>
      fake
        .requestsBy({ method: 'POST', path: '/time-tracking/start', from: since })
        .filter((r) => r.status === 200)
        .map((r) => {
          const body = r.body as { activity_description?: unknown } | null;
          return typeof body?.activity_description === 'string' ? body.activity_description : '';
        }),
    running: () => fake.tracker(me.id, ws.id) !== null,
    isStart: (method, url) => method === 'POST' && url.pathname.endsWith('/time-tracking/start'),
    fault: (kind) => fake.fault(kind),
    clearFaults: () => fake.clearFaults(),
    requestCount: () => fake.requests.length,
    close: () => fake.close(),
  };
}

type MakeWorld = (now: () => number) => Promise<World>;

const WORLDS: readonly (readonly [ProviderKind, MakeWorld])[] = [
  ['toggl', togglWorld],
  ['trackingtime', trackingTimeWorld],
  ['webwork', webWorkWorld],
];

// ---------------------------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------------------------
interface App {
  core: Core;
  clock: TaggedClock;
  net: Network;
  world: World;
  dataDir: string;
  accountId: string;
  /** Virtual time in steps of at most a second, each settled; stops early when `until` holds. */
  advanceTo(t: number, until?: () => boolean): Promise<boolean>;
  /** A command as the user gives it (tagged 'user'), settled. */
  user(command: Command): Promise<CommandResult>;
  journalActions(): JournalAction[];
}

/** An app connected at 09:00 to a fresh fake; closed and its folder removed after `use`. */
async function withApp<T>(
  makeWorld: MakeWorld,
  log: ((line: string) => void) | undefined,
  use: (app: App) => Promise<T>,
): Promise<T> {
  const clock = new TaggedClock(DAY_START);
  const world = await makeWorld(() => clock.now());
  const net = new Network(clock, log && ((line) => log(`${world.provider.padEnd(12)} ${line}`)));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tt-bench-journal-${world.provider}-`));
  let core: Core | null = null;
  try {
    core = await openCore({
      dataDir,
      secrets: new MemorySecretStore(),
      clock,
      mode: 'app',
      fetch: net.fetch,
    });
    const live = core;
    const added = await live.execute({ type: 'accounts.add', input: world.account });
    if (!added.ok)
      throw new Error(
        `could not connect the ${PROVIDER_NAMES[world.provider]} account: ${added.error.message}`,
      );
    await net.settle();
    const accountId = live.snapshot().accounts.find((a) => a.provider === world.provider)?.id;
    if (!accountId) throw new Error(`the ${world.provider} account is missing from the snapshot`);
    const journalPath = path.join(dataDir, JOURNAL_FILE);
    const app: App = {
      core: live,
      clock,
      net,
      world,
      dataDir,
      accountId,
      advanceTo: async (t, until) => {
        while (clock.now() < t) {
          if (until?.()) return true;
          await clock.advance(Math.min(SEC, t - clock.now()));
          await net.settle();
        }
        return until?.() ?? false;
      },
      user: async (command) => {
        const result = await triggerOf.run('user', () => live.execute(command));
        await net.settle();
        return result;
      },
      journalActions: () => {
        if (!existsSync(journalPath)) return [];
        const file = JSON.parse(readFileSync(journalPath, 'utf8')) as { actions: JournalAction[] };
        return file.actions;
      },
    };
    return await use(app);
  } finally {
    await core?.close();
    await world.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const journalEmpty = (app: App) => !existsSync(path.join(app.dataDir, JOURNAL_FILE));

// ---------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------
export interface RequestCount {
  total: number;
  /** GET */
  reads: number;
  /** everything else */
  writes: number;
  byMethod: Record<string, number>;
  byTrigger: Record<Trigger, number>;
  /** Reads and writes the journal's replay made itself (a refresh's reads not included). */
  replay: { reads: number; writes: number };
  /** Answered 402 or 429: the service's quota or rate limit was spent. */
  overQuota: number;
}

function countRequests(sent: readonly Sent[]): RequestCount {
  const byMethod: Record<string, number> = {};
  const byTrigger: Record<Trigger, number> = { user: 0, retry: 0, scheduler: 0 };
  for (const r of sent) {
    byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
    byTrigger[r.trigger] += 1;
  }
  const isRead = (r: Sent) => r.method === 'GET';
  return {
    total: sent.length,
    reads: sent.filter(isRead).length,
    writes: sent.filter((r) => !isRead(r)).length,
    byMethod,
    byTrigger,
    replay: {
      reads: sent.filter((r) => r.byReplay && isRead(r)).length,
      writes: sent.filter((r) => r.byReplay && !isRead(r)).length,
    },
    overQuota: sent.filter((r) => r.status === 402 || r.status === 429).length,
  };
}

/** Entries per description beyond the first: a start sent twice shows up here. */
function duplicatesOf(descriptions: readonly string[]): number {
  const seen = new Map<string, number>();
  for (const d of descriptions) seen.set(d, (seen.get(d) ?? 0) + 1);
  return [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
}

const wholeSecond = (t: number) => Math.floor(t / 1000);

// ---------------------------------------------------------------------------------------------
// 1. An offline hour
// ---------------------------------------------------------------------------------------------
export interface OfflineHourResult {
  provider: ProviderKind;
  actions: number;
  /** Actions the user was told were queued (ok), and refused ones with what they said. */
  userOk: number;
  userRefused: string[];
  offline: { requests: RequestCount; fakeSaw: number; windowMin: number };
  back: {
    requests: RequestCount;
    /** Virtual seconds from the network's return to an empty journal; null: not in 30 min. */
    toEmptySec: number | null;
    /** What was left in the journal when it did not empty: state → count. */
    leftInJournal: Record<string, number>;
  };
  entries: { expected: number; onFake: number };
  /** Starts and stops whose recorded time is the asked one, to the second; null: no history. */
  askedTimesKept: { kept: number; of: number } | null;
  /** The worst gap between an asked and a recorded time, in seconds. */
  worstTimeGapSec: number | null;
  duplicates: number;
  lost: number;
  runningAtEnd: boolean;
}

async function offlineHour(makeWorld: MakeWorld, log?: (line: string) => void) {
  return withApp(makeWorld, log, async (app): Promise<OfflineHourResult> => {
    const { world, net, clock } = app;
    await app.advanceTo(OFFLINE.from);
    world.fault('reset');
    const offlineMark = net.sent.length;
    const requestsBefore = world.requestCount();
    const asked: { description: string; start: number; stop: number }[] = [];
    const refused: string[] = [];
    let ok = 0;
    const note = (r: CommandResult) => {
      if (r.ok) ok += 1;
      else refused.push(r.error.message);
    };
    for (let i = 0; i < PAIRS; i += 1) {
      await app.advanceTo(OFFLINE.from + ACTION_GAP_MS * (1 + 2 * i));
      const start = clock.now();
      note(
        await app.user({
          type: 'start',
          input: { accountId: app.accountId, ...world.startInput(i) },
        }),
      );
      await app.advanceTo(start + ACTION_GAP_MS);
      const stop = clock.now();
      note(
        await app.user({
          type: 'stop',
          input: { accountId: app.accountId, queueIfOffline: true },
        }),
      );
      asked.push({ description: world.label(i), start, stop });
    }
    await app.advanceTo(OFFLINE.to);
    const offlineSent = net.sent.slice(offlineMark);
    const fakeSaw = world.requestCount() - requestsBefore;

    world.clearFaults();
    const back = clock.now();
    const backMark = net.sent.length;
    const emptied = await app.advanceTo(back + GIVE_UP_MS, () => journalEmpty(app));
    const emptyAt = clock.now();
    const backSent = net.sent.slice(backMark);
    const leftInJournal: Record<string, number> = {};
    for (const a of app.journalActions())
      leftInJournal[a.state] = (leftInJournal[a.state] ?? 0) + 1;

    const entries = world.entries();
    const descriptions = entries
      ? entries.filter((e) => e.start >= OFFLINE.from).map((e) => e.description)
      : world.acceptedStarts(OFFLINE.from);
    let kept = 0;
    let worstGap = 0;
    if (entries) {
      for (const a of asked) {
        const e = entries.find((x) => x.description === a.description);
        if (!e) continue;
        const gaps = [e.start - a.start, (e.stop ?? Infinity) - a.stop].map(Math.abs);
        worstGap = Math.max(worstGap, ...gaps.map((g) => g / 1000));
        if (wholeSecond(e.start) === wholeSecond(a.start)) kept += 1;
        if (e.stop !== null && wholeSecond(e.stop) === wholeSecond(a.stop)) kept += 1;
      }
    }
    return {
      provider: world.provider,
      actions: 2 * PAIRS,
      userOk: ok,
      userRefused: refused,
      offline: {
        requests: countRequests(offlineSent),
        fakeSaw,
        windowMin: (OFFLINE.to - OFFLINE.from) / MIN,
      },
      back: {
        requests: countRequests(backSent),
        toEmptySec: emptied ? (emptyAt - back) / 1000 : null,
        leftInJournal,
      },
      entries: { expected: PAIRS, onFake: descriptions.length },
      askedTimesKept: entries ? { kept, of: 2 * PAIRS } : null,
      worstTimeGapSec: entries ? Math.round(worstGap) : null,
      duplicates: duplicatesOf(descriptions),
      lost: asked.filter((a) => !descriptions.includes(a.description)).length,
      runningAtEnd: world.running(),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Lost answers
// ---------------------------------------------------------------------------------------------
export interface LostAnswersResult {
  provider: ProviderKind;
  starts: number;
  answersLost: number;
  userOk: number;
  userRefused: string[];
  entries: { expected: number; onFake: number };
  duplicates: number;
  lost: number;
  requests: RequestCount;
  /** Virtual seconds from the last start to an empty journal; null: not in 2 h. */
  toEmptySec: number | null;
  leftInJournal: Record<string, number>;
}

async function lostAnswers(makeWorld: MakeWorld, log?: (line: string) => void) {
  return withApp(makeWorld, log, async (app): Promise<LostAnswersResult> => {
    const { world, net, clock } = app;
    const from = at(10, 0);
    await app.advanceTo(from);
    const mark = net.sent.length;
    // Every start the service accepts loses its answer: the service did it, the app never hears.
    net.loseAnswer = (method, url) => world.isStart(method, url);
    let ok = 0;
    const refused: string[] = [];
    for (let i = 0; i < LOST_STARTS; i += 1) {
      await app.advanceTo(from + i * LOST_GAP_MS);
      // One task after another: the user agreed to stop the running one (the popup's "stop it
      // and start this one?", the CLI's --replace); Toggl replaces anyway.
      const r = await app.user({
        type: 'start',
        input: { accountId: app.accountId, ...world.startInput(i), replaceRunning: true },
      });
      if (r.ok) ok += 1;
      else refused.push(r.error.message);
    }
    const last = clock.now();
    const emptied = await app.advanceTo(last + LOST_GIVE_UP_MS, () => journalEmpty(app));
    const sent = net.sent.slice(mark);
    const leftInJournal: Record<string, number> = {};
    for (const a of app.journalActions())
      leftInJournal[a.state] = (leftInJournal[a.state] ?? 0) + 1;
    const entries = world.entries();
    const descriptions = entries
      ? entries.filter((e) => e.start >= from).map((e) => e.description)
      : world.acceptedStarts(from);
    const labels = Array.from({ length: LOST_STARTS }, (_, i) => world.label(i));
    return {
      provider: world.provider,
      starts: LOST_STARTS,
      answersLost: sent.filter((r) => r.answerLost).length,
      userOk: ok,
      userRefused: refused,
      entries: { expected: LOST_STARTS, onFake: descriptions.length },
      duplicates: duplicatesOf(descriptions),
      lost: labels.filter((l) => !descriptions.includes(l)).length,
      requests: countRequests(sent),
      toEmptySec: emptied ? (clock.now() - last) / 1000 : null,
      leftInJournal,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// 3. The journal's cost on Local
// ---------------------------------------------------------------------------------------------
export interface Quantiles {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function quantiles(samples: readonly number[]): Quantiles {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50Ms: round(q(0.5)), p95Ms: round(q(0.95)), maxMs: round(s.at(-1) ?? NaN) };
}

export interface LocalCostResult {
  runs: number;
  tmpdir: string;
  start: Quantiles;
  stop: Quantiles;
  /** fsync calls per start and per stop (journal, Local's own file, folders). */
  fsyncsPerStart: number;
  fsyncsPerStop: number;
  /** JournalStore.append + settle of one action (an atomic fsync'd write, then a durable delete). */
  appendSettle: Quantiles;
  /** The disk's floor: one small atomic fsync'd JSON write (temp file, fsync, rename, folder). */
  atomicWrite: Quantiles;
  failed: number;
}

/** Counts fsync calls while `run` runs (the storage modules import fsyncSync from node:fs). */
async function countingFsyncs<T>(run: () => Promise<T>): Promise<{ value: T; fsyncs: number }> {
  const original = fs.fsyncSync;
  let fsyncs = 0;
  fs.fsyncSync = (fd: number) => {
    fsyncs += 1;
    original(fd);
  };
  syncBuiltinESMExports();
  try {
    return { value: await run(), fsyncs };
  } finally {
    fs.fsyncSync = original;
    syncBuiltinESMExports();
  }
}

function benchAction(i: number): JournalAction {
  const now = Date.now();
  return {
    id: randomUUID(),
    accountId: 'local',
    kind: 'start',
    at: now,
    queuedAt: now,
    work: {
      description: `Bench ${i}`,
      projectId: null,
      projectName: null,
      projectColor: null,
      taskId: null,
      taskName: null,
    },
    expectRunning: null,
    label: `Start “Bench ${i}”`,
    lateOk: true,
    attempts: 0,
    state: 'waiting',
    error: null,
    theirs: null,
    override: false,
  };
}

async function localCost(): Promise<LocalCostResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-journal-local-'));
  const core = await openCore({ dataDir, secrets: new MemorySecretStore(), mode: 'app' });
  const starts: number[] = [];
  const stops: number[] = [];
  let failed = 0;
  let startFsyncs = 0;
  let stopFsyncs = 0;
  try {
    // Warm up: the first start creates the Local file and loads modules.
    await core.execute({ type: 'start', input: { description: 'Warm-up' } });
    await core.execute({ type: 'stop', input: {} });
    for (let i = 0; i < LOCAL_RUNS; i += 1) {
      const started = await countingFsyncs(async () => {
        const t0 = performance.now();
        const r = await core.execute({ type: 'start', input: { description: `Bench ${i}` } });
        starts.push(performance.now() - t0);
        return r;
      });
      const stopped = await countingFsyncs(async () => {
        const t0 = performance.now();
        const r = await core.execute({ type: 'stop', input: {} });
        stops.push(performance.now() - t0);
        return r;
      });
      startFsyncs += started.fsyncs;
      stopFsyncs += stopped.fsyncs;
      if (!started.value.ok || !stopped.value.ok) failed += 1;
    }
  } finally {
    await core.close();
  }
  const store = new JournalStore(dataDir);
  const bare: number[] = [];
  const floor: number[] = [];
  const floorFile = path.join(dataDir, 'floor.json');
  for (let i = 0; i < LOCAL_RUNS; i += 1) {
    const action = benchAction(i);
    let t0 = performance.now();
    store.append(action);
    store.settle(action, `local-${i}`);
    bare.push(performance.now() - t0);
    t0 = performance.now();
    writeJsonAtomic(floorFile, { version: 1, actions: [action], landed: {} });
    floor.push(performance.now() - t0);
  }
  rmSync(dataDir, { recursive: true, force: true });
  return {
    runs: LOCAL_RUNS,
    tmpdir: os.tmpdir(),
    start: quantiles(starts),
    stop: quantiles(stops),
    fsyncsPerStart: Math.round((startFsyncs / LOCAL_RUNS) * 10) / 10,
    fsyncsPerStop: Math.round((stopFsyncs / LOCAL_RUNS) * 10) / 10,
    appendSettle: quantiles(bare),
    atomicWrite: quantiles(floor),
    failed,
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
export interface JournalReport {
  targets: typeof JOURNAL_TARGETS;
  offlineHour: OfflineHourResult[];
  lostAnswers: LostAnswersResult[];
  local: LocalCostResult;
}

/** `log`: every request as it ends (JOURNAL_BENCH_LOG=1); `only`: these providers (debugging). */
export async function runJournalBench(
  options: { log?: (line: string) => void; only?: readonly ProviderKind[] } = {},
): Promise<JournalReport> {
  const offline: OfflineHourResult[] = [];
  const lost: LostAnswersResult[] = [];
  const { log, only } = options;
  for (const [provider, makeWorld] of WORLDS) {
    if (only && !only.includes(provider)) continue;
    log?.(`--- ${provider}: an offline hour`);
    offline.push(await offlineHour(makeWorld, log));
    log?.(`--- ${provider}: lost answers`);
    lost.push(await lostAnswers(makeWorld, log));
  }
  return {
    targets: JOURNAL_TARGETS,
    offlineHour: offline,
    lostAnswers: lost,
    local: await localCost(),
  };
}

const methods = (c: RequestCount) =>
  Object.entries(c.byMethod)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, n]) => `${n} ${m}`)
    .join(' + ') || '0';

const fmtSecs = (s: number | null, gaveUpMs: number) =>
  s === null
    ? `not in ${gaveUpMs / MIN} min`
    : s < 60
      ? `${s} s`
      : `${Math.floor(s / 60)} min ${s % 60} s`;

const left = (l: Record<string, number>) =>
  Object.entries(l)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');

/** One column per provider: the offline hour. */
export function offlineHourTable(report: JournalReport): string[][] {
  const rs = report.offlineHour;
  const row = (name: string, f: (r: OfflineHourResult) => string) => [name, ...rs.map(f)];
  return [
    ['measure', ...rs.map((r) => PROVIDER_NAMES[r.provider])],
    row('user actions queued / made', (r) => `${r.userOk} / ${r.actions}`),
    row('requests while offline (60 min)', (r) => String(r.offline.requests.total)),
    row(
      '  by user action / retry timer / scheduler',
      (r) =>
        `${r.offline.requests.byTrigger.user} / ${r.offline.requests.byTrigger.retry} / ${r.offline.requests.byTrigger.scheduler}`,
    ),
    row('back → journal empty (virtual)', (r) => fmtSecs(r.back.toEmptySec, GIVE_UP_MS)),
    row('requests once back, until empty', (r) => methods(r.back.requests)),
    row('  answered 402/429 (quota spent)', (r) => String(r.back.requests.overQuota)),
    row(
      '  of them the replay: reads + writes',
      (r) => `${r.back.requests.replay.reads} + ${r.back.requests.replay.writes}`,
    ),
    row(
      '  by retry timer / scheduler',
      (r) => `${r.back.requests.byTrigger.retry} / ${r.back.requests.byTrigger.scheduler}`,
    ),
    row('entries on the service (expected)', (r) => `${r.entries.onFake} (${r.entries.expected})`),
    row('asked start/stop times kept (to 1 s)', (r) =>
      r.askedTimesKept ? `${r.askedTimesKept.kept} / ${r.askedTimesKept.of}` : 'n/a (no time)',
    ),
    row('worst asked vs recorded time', (r) =>
      r.worstTimeGapSec === null ? 'n/a' : `${r.worstTimeGapSec} s`,
    ),
    row('duplicates', (r) => String(r.duplicates)),
    row('lost actions', (r) => String(r.lost)),
    row('left in the journal', (r) => left(r.back.leftInJournal) || 'nothing'),
  ];
}

/** One column per provider: starts whose answers were lost. */
export function lostAnswersTable(report: JournalReport): string[][] {
  const rs = report.lostAnswers;
  const row = (name: string, f: (r: LostAnswersResult) => string) => [name, ...rs.map(f)];
  return [
    ['measure', ...rs.map((r) => PROVIDER_NAMES[r.provider])],
    row('starts / answers lost', (r) => `${r.starts} / ${r.answersLost}`),
    row('user told ok / refused', (r) => `${r.userOk} / ${r.userRefused.length}`),
    row('entries on the service (expected)', (r) => `${r.entries.onFake} (${r.entries.expected})`),
    row('duplicates', (r) => String(r.duplicates)),
    row('lost actions', (r) => String(r.lost)),
    row('requests, all', (r) => methods(r.requests)),
    row('  answered 402/429 (quota spent)', (r) => String(r.requests.overQuota)),
    row(
      '  of them the replay: reads + writes',
      (r) => `${r.requests.replay.reads} + ${r.requests.replay.writes}`,
    ),
    row('last start → journal empty (virtual)', (r) => fmtSecs(r.toEmptySec, LOST_GIVE_UP_MS)),
    row('left in the journal', (r) => left(r.leftInJournal) || 'nothing'),
  ];
}

const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Each target, with the value over all providers. */
export function journalVerdictTable(report: JournalReport): string[][] {
  const t = report.targets;
  const all = [...report.offlineHour, ...report.lostAnswers];
  const dup = all.reduce((s, r) => s + r.duplicates, 0);
  const lost = all.reduce((s, r) => s + r.lost, 0);
  const timed = report.offlineHour.flatMap((r) => (r.askedTimesKept ? [r.askedTimesKept] : []));
  const kept = timed.reduce((s, r) => s + r.kept, 0);
  const of = timed.reduce((s, r) => s + r.of, 0);
  const keptPct = of === 0 ? 100 : Math.round((kept / of) * 1000) / 10;
  const replayRows = report.offlineHour.map((r) => {
    const { reads, writes } = r.back.requests.replay;
    return [
      `replay once back, ${PROVIDER_NAMES[r.provider]} (${r.actions} actions)`,
      `≤ ${t.replayReads} read + ${t.replayRequestsPerAction * r.actions} requests`,
      `${reads} + ${writes}`,
      mark(reads <= t.replayReads && writes <= t.replayRequestsPerAction * r.actions),
    ];
  });
  const lostRows = report.lostAnswers.map((r) => [
    `lost answers, ${PROVIDER_NAMES[r.provider]}: writes per start`,
    `≤ ${t.replayRequestsPerAction}`,
    `${r.requests.writes} / ${r.starts}`,
    mark(r.requests.writes <= t.replayRequestsPerAction * r.starts),
  ]);
  const { local } = report;
  return [
    ['measure', 'target', 'value', ''],
    ['duplicates (all runs)', String(t.duplicates), String(dup), mark(dup === t.duplicates)],
    ['lost actions (all runs)', String(t.lostActions), String(lost), mark(lost === t.lostActions)],
    [
      'asked times kept (Toggl, TrackingTime)',
      `${t.askedTimesKeptPct} %`,
      `${keptPct} % (${kept} / ${of})`,
      mark(keptPct >= t.askedTimesKeptPct),
    ],
    ...replayRows,
    ...lostRows,
    [
      'Local start p50 / p95',
      `p95 ≤ ${t.localP95Ms} ms`,
      `${local.start.p50Ms} / ${local.start.p95Ms} ms`,
      mark(local.start.p95Ms <= t.localP95Ms),
    ],
    [
      'Local stop p50 / p95',
      `p95 ≤ ${t.localP95Ms} ms`,
      `${local.stop.p50Ms} / ${local.stop.p95Ms} ms`,
      mark(local.stop.p95Ms <= t.localP95Ms),
    ],
    [
      'journal append + settle p50 / p95',
      'reported',
      `${local.appendSettle.p50Ms} / ${local.appendSettle.p95Ms} ms`,
      '',
    ],
    [
      "one atomic fsync'd write (disk floor) p50 / p95",
      'reported',
      `${local.atomicWrite.p50Ms} / ${local.atomicWrite.p95Ms} ms`,
      '',
    ],
    [
      'fsync calls per Local start / stop',
      'reported',
      `${local.fsyncsPerStart} / ${local.fsyncsPerStop}`,
      '',
    ],
  ];
}
