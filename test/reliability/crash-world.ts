/**
 * One crash test's world: a data folder, a fake service (Toggl, TrackingTime, WebWork) behind a
 * proxy that can lose an answer, an account connected through that proxy, and — for a stop — an
 * entry "Earlier" already running. Reads the service's own state back in one shape, so the test
 * asserts what the service holds, not what the app believes.
 *
 * Time is explicit: the fake's clock is whatever `world.now` says; the setup runs before ASK_AT,
 * the child asks at ASK_AT, the restart happens at RESTART_AT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, ProviderKind } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { localFileSchema } from '../../main/providers/local/local-provider';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { startFakeToggl } from '../fakes/toggl-server';
import { startFakeTrackingTime } from '../fakes/trackingtime-server';
import { seedAcme } from '../../main/providers/webwork/webwork-test-setup';
import { startFakeWebWork } from '../fakes/webwork-server';
import { VirtualClock } from '../support/virtual-clock';
import type { CrashJob } from './crash-job';
import { startLosingProxy, type LosingProxy, type RequestMatch } from './crash-proxy';

/** When the user asks (the child's clock). */
export const ASK_AT = Date.parse('2026-11-27T10:00:00Z');
/** When the app is started again after the crash: 20 s later (under WebWork's 60 s). */
export const RESTART_AT = ASK_AT + 20_000;
/** The "Earlier" entry a stop stops has run since then. */
export const EARLIER_START = ASK_AT - 30 * 60_000;
export const ASKED_DESCRIPTION = 'Write docs';

/** switch: a start while "Earlier" runs, replacing it (replaceRunning). */
export type ActionKind = 'start' | 'stop' | 'switch';
/** The request kind an action sends (a switch is a start that replaces). */
type RequestKind = 'start' | 'stop';
const requestKind = (kind: ActionKind): RequestKind => (kind === 'stop' ? 'stop' : 'start');

/** An entry as the service holds it. */
export interface ServiceEntry {
  description: string | null;
  project: string | null;
  start: number;
  stop: number | null;
}

export interface CrashWorld {
  readonly provider: ProviderKind;
  readonly accountId: string;
  readonly secret: string | null;
  readonly dataDir: string;
  /** The service records the asked time (Toggl, TrackingTime, Local). */
  readonly backdates: boolean;
  /** The project the start names. */
  readonly project: string;
  readonly proxy: LosingProxy | null;
  /** The service's clock (epoch ms). */
  now: number;
  /** The request that carries the action (the one whose answer the proxy loses). */
  actionRequest(kind: ActionKind): RequestMatch;
  /** Action requests of that kind the service accepted (remote), as logged by the fake. */
  accepted(kind: ActionKind): number;
  /** Every entry on the service with the asked description. */
  asked(): ServiceEntry[];
  /** The seeded "Earlier" entry (stop cases), as the service holds it now. */
  earlier(): ServiceEntry | null;
  running(): ServiceEntry | null;
  /** WebWork: whole minutes on today's Timeline (stopped trackers). */
  timelineMinutes(): number | null;
  /** The command the user gives. */
  command(kind: ActionKind): Command;
  /** Opens the core in this process on the world's data folder (oneshot, as the CLI does). */
  openCore(at: number): Promise<Core>;
  close(): Promise<void>;
}

interface Remote {
  origin: string;
  apiRoot: string;
  secret: string;
  options: Record<string, string>;
  backdates: boolean;
  project: string;
  actionRequest(kind: RequestKind): RequestMatch;
  accepted(kind: RequestKind): number;
  entries(): ServiceEntry[];
  running(): ServiceEntry | null;
  timelineMinutes(): number | null;
  close(): Promise<void>;
}

const ends = (suffix: RegExp): RequestMatch => {
  return (method, path) => method === 'POST' && suffix.test(path);
};

async function togglRemote(w: { now: number }, seedRunning: boolean): Promise<Remote> {
  const token = 'crash-toggl-token-5d1e7f';
  const fake = await startFakeToggl({ now: () => w.now });
  const user = fake.addUser({ token, email: 'ada@example.com', workspaceName: 'Acme' });
  fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
  if (seedRunning) fake.addEntry(user.id, { description: 'Earlier', start: EARLIER_START });
  const project = (id: number | null) => (id === null ? null : (fake.project(id)?.name ?? null));
  const view = (e: ReturnType<typeof fake.entries>[number]): ServiceEntry => ({
    description: e.description,
    project: project(e.projectId),
    start: e.start,
    stop: e.stop,
  });
  const isStart = ends(/\/workspaces\/\d+\/time_entries$/);
  // Toggl stops with PATCH …/stop, or sets a past stop time with PUT …/time_entries/<id>.
  const isStop: RequestMatch = (method, path) =>
    (method === 'PATCH' && /\/time_entries\/\d+\/stop$/.test(path)) ||
    (method === 'PUT' && /\/time_entries\/\d+$/.test(path));
  return {
    origin: fake.origin,
    apiRoot: '/api/v9',
    secret: token,
    options: {},
    backdates: true,
    project: 'Site',
    actionRequest: (kind) => (kind === 'start' ? isStart : isStop),
    accepted: (kind) =>
      fake.requests.filter(
        (r) => r.status === 200 && (kind === 'start' ? isStart : isStop)(r.method, r.path),
      ).length,
    entries: () => fake.entries(user.id).map(view),
    running: () => {
      const r = fake.runningEntry(user.id);
      return r ? view(r) : null;
    },
    timelineMinutes: () => null,
    close: () => fake.close(),
  };
}

async function trackingTimeRemote(w: { now: number }, seedRunning: boolean): Promise<Remote> {
  const secret = 'crash-tt-app-password-77a1';
  const fake = await startFakeTrackingTime({ now: () => w.now });
  const account = fake.addAccount({ company: 'Acme' });
  const user = fake.addUser({
    email: 'ada@example.com',
    appPassword: secret,
    timezone: 'Europe/Madrid',
    accountId: account.id,
  });
  const site = fake.addProject({ accountId: account.id, name: 'Site' });
  if (seedRunning) {
    const earlier = fake.addTask({ projectId: site.id, name: 'Earlier', userIds: [user.id] });
    fake.addEvent(user.id, { taskId: earlier.id, start: EARLIER_START });
  }
  const view = (e: ReturnType<typeof fake.events>[number]): ServiceEntry => ({
    description: fake.task(e.taskId)?.name ?? null,
    project: e.projectId === null ? null : (fake.project(e.projectId)?.name ?? null),
    start: e.start,
    stop: e.end,
  });
  const isStart = ends(/\/tasks\/track(\/\d+)?$/);
  const isStop = ends(/\/tasks\/stop\/\d+$/);
  return {
    origin: fake.origin,
    apiRoot: '/api/v4',
    secret,
    options: {},
    backdates: true,
    project: 'Site',
    actionRequest: (kind) => (kind === 'start' ? isStart : isStop),
    accepted: (kind) =>
      fake.requests.filter(
        (r) => r.envelopeStatus === 200 && (kind === 'start' ? isStart : isStop)(r.method, r.path),
      ).length,
    entries: () => fake.events(user.id).map(view),
    running: () => {
      const r = fake.runningEvent(user.id);
      return r ? view(r) : null;
    },
    timelineMinutes: () => null,
    close: () => fake.close(),
  };
}

async function webWorkRemote(w: { now: number }, seedRunning: boolean): Promise<Remote> {
  const token = 'crash-ww-pat-0c9d8e7f6a';
  const fake = await startFakeWebWork({ now: () => w.now });
  const acme = seedAcme(fake, { adaToken: token, bobToken: 'crash-ww-pat-bob-1a2b3c' });
  if (seedRunning)
    fake.remoteStart(acme.ada.id, acme.workspace.id, {
      contractId: acme.adaContract.id,
      description: 'Earlier',
      source: 'browser',
      start: EARLIER_START,
    });
  const tracker = (): ServiceEntry | null => {
    const t = fake.tracker(acme.ada.id, acme.workspace.id);
    if (!t) return null;
    const contract = t.contractId === acme.adaContract.id ? acme.adaContract : null;
    return {
      description: t.description,
      project: contract ? acme.site.name : null,
      start: t.start,
      stop: null,
    };
  };
  const isStart = ends(/\/time-tracking\/start$/);
  const isStop = ends(/\/time-tracking\/stop$/);
  return {
    origin: fake.origin,
    apiRoot: '/api/v2',
    secret: token,
    options: { email: 'ada@example.com' },
    backdates: false,
    project: acme.site.name,
    actionRequest: (kind) => (kind === 'start' ? isStart : isStop),
    accepted: (kind) =>
      fake.requests.filter(
        (r) => r.success === true && (kind === 'start' ? isStart : isStop)(r.method, r.path),
      ).length,
    // WebWork keeps no entries the API can list: the running tracker is what there is.
    entries: () => {
      const t = tracker();
      return t ? [t] : [];
    },
    running: tracker,
    timelineMinutes: () => fake.timelineMinutes(acme.ada.id, acme.workspace.id),
    close: () => fake.close(),
  };
}

const REMOTES: Record<
  Exclude<ProviderKind, 'local'>,
  (w: { now: number }, seedRunning: boolean) => Promise<Remote>
> = { toggl: togglRemote, trackingtime: trackingTimeRemote, webwork: webWorkRemote };

function openIn(dataDir: string, accountId: string, secret: string | null, at: number) {
  const secrets = new MemorySecretStore();
  return (async () => {
    if (secret !== null) await secrets.set(accountId, secret);
    return openCore({ dataDir, secrets, clock: new VirtualClock(at), mode: 'oneshot' });
  })();
}

async function mustRun(core: Core, command: Command): Promise<void> {
  const r = await core.execute(command);
  if (!r.ok) throw new Error(`setup ${command.type} failed: ${JSON.stringify(r.error)}`);
}

/** Reads Local's "service": its entries file. */
function localEntries(dataDir: string): ServiceEntry[] {
  let raw: string;
  try {
    raw = readFileSync(join(dataDir, 'local', 'entries.json'), 'utf8');
  } catch {
    return [];
  }
  const file = localFileSchema.parse(JSON.parse(raw));
  return file.entries.map((e) => ({
    description: e.description,
    project: file.projects.find((p) => p.id === e.projectId)?.name ?? null,
    start: Date.parse(e.start),
    stop: e.stop === null ? null : Date.parse(e.stop),
  }));
}

export async function createWorld(
  provider: ProviderKind,
  { seedRunning }: { seedRunning: boolean },
): Promise<CrashWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), `tray-timer-crash-${provider}-`));
  const state = { now: ASK_AT - 60_000 };
  const remote = provider === 'local' ? null : await REMOTES[provider](state, seedRunning);
  const proxy = remote ? await startLosingProxy(remote.origin) : null;
  const accountId = provider;
  const secret = remote?.secret ?? null;
  const project = remote?.project ?? 'Site';

  // Set-up, as the user did it before: connect the account (through the proxy); Local starts
  // "Earlier" itself.
  const setupAt = remote ? state.now : EARLIER_START;
  const setup = await openIn(dataDir, accountId, secret, setupAt);
  try {
    if (remote && proxy)
      await mustRun(setup, {
        type: 'accounts.add',
        input: {
          provider,
          secret: remote.secret,
          baseUrl: proxy.origin + remote.apiRoot,
          options: remote.options,
        },
      });
    if (!remote && seedRunning)
      await mustRun(setup, { type: 'start', input: { accountId, description: 'Earlier' } });
  } finally {
    await setup.close();
  }

  const entries = () => (remote ? remote.entries() : localEntries(dataDir));
  const running = () =>
    remote ? remote.running() : (localEntries(dataDir).find((e) => e.stop === null) ?? null);
  return {
    provider,
    accountId,
    secret,
    dataDir,
    backdates: remote?.backdates ?? true,
    project,
    proxy,
    get now() {
      return state.now;
    },
    set now(v: number) {
      state.now = v;
    },
    actionRequest: (kind) => remote?.actionRequest(requestKind(kind)) ?? (() => false),
    accepted: (kind) => remote?.accepted(requestKind(kind)) ?? 0,
    asked: () => entries().filter((e) => e.description === ASKED_DESCRIPTION),
    earlier: () => entries().find((e) => e.description === 'Earlier') ?? null,
    running,
    timelineMinutes: () => remote?.timelineMinutes() ?? null,
    command: (kind) =>
      kind === 'stop'
        ? { type: 'stop', input: { accountId } }
        : {
            type: 'start',
            input: {
              accountId,
              description: ASKED_DESCRIPTION,
              project,
              ...(kind === 'switch' ? { replaceRunning: true } : {}),
            },
          },
    openCore: (at) => openIn(dataDir, accountId, secret, at),
    close: async () => {
      await proxy?.close();
      await remote?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The STEP/CRASH/RESULT lines, in order. */
  lines: string[];
  stderr: string;
  /** The command's answer, when the child lived to print it. */
  result: unknown;
}

export interface RunningChild {
  /** SIGKILLs the child (the "response lost" crash) and waits until it is gone. */
  kill(): Promise<void>;
  done: Promise<ChildRun>;
}

/** Starts the bundled child (see crash-child.ts) on a job. */
export function startChild(bundle: string, job: CrashJob): RunningChild {
  const child = spawn(process.execPath, [bundle, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<ChildRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lines = stdout.split('\n').filter((l) => l !== '');
      const resultLine = lines.find((l) => l.startsWith('RESULT '));
      resolve({
        code,
        signal,
        lines,
        stderr,
        result: resultLine ? (JSON.parse(resultLine.slice('RESULT '.length)) as unknown) : null,
      });
    });
  });
  return {
    done,
    kill: async () => {
      child.kill('SIGKILL');
      await done;
    },
  };
}
