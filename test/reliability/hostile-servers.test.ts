/**
 * Hostile or broken servers, for every remote provider, through the real core (openCore,
 * accounts.add, execute) over real HTTP on loopback: the account is connected through a
 * HostileFront in front of the provider's fake, the front turns hostile, a refresh runs, and
 * then the front heals. Each fault must end in a specific message the user can read (an
 * AppError on the account, in a snapshot that still passes the contract) and an app that works
 * again as soon as the server does: the next refresh clears the error and a start reaches the
 * service.
 *
 * Timeouts are the providers' real 10 s (the core offers no way to shorten them), so every test
 * runs concurrently, the slow ones first; each test opens and closes its own servers and core.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'vitest';
import {
  snapshotSchema,
  type AccountState,
  type AddAccountInput,
  type AppError,
  type Command,
  type CommandResult,
  type ProviderKind,
  type Snapshot,
} from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { startFakeToggl } from '../fakes/toggl-server';
import { startFakeTrackingTime } from '../fakes/trackingtime-server';
import { startFakeWebWork } from '../fakes/webwork-server';
import { seedAcme } from '../../main/providers/webwork/webwork-test-setup';
import { VirtualClock } from '../support/virtual-clock';
import {
  HostileFront,
  startOtherHost,
  type HostileMode,
  type OtherHost,
} from './hostile-server-kit';

const T0 = Date.parse('2026-11-27T09:00:00Z');
const TOGGL_TOKEN = '1971800d4d82861d8f2c1651fea4d212';
const TT_APP_PASSWORD = 'tt-app-7f3c9a1e55d2b8040c6e';
const WW_TOKEN = 'ww-pat-3b9f0c2d7e61a8554f10';
const MB = 1024 * 1024;
/** What presentError adds while the last good sync is fresh. */
const SYNCED = ' Last synced less than a minute ago.';

type StartInput = Extract<Command, { type: 'start' }>['input'];

/** A provider's fake, seeded with one user who can start a timer. */
interface Upstream {
  baseUrl: string;
  origin: string;
  /** Whether the fake now holds a running timer for the user (the start reached it). */
  running(): boolean;
  close(): Promise<void>;
}

interface ProviderCase {
  kind: Exclude<ProviderKind, 'local'>;
  service: string;
  secret: string;
  /** Every form the secret travels in (raw, Basic's Base64): none may reach another host. */
  secretForms: string[];
  options: Record<string, string>;
  start: StartInput;
  fake(clock: VirtualClock): Promise<Upstream>;
  /** Valid JSON of the wrong shape, made from the real answer. */
  reshape(json: unknown): unknown;
  /** What this provider's user reads for the faults whose words are its own. */
  says: {
    status: (status: number) => Expected;
    truncated: Expected;
    wrongShape: Expected;
    webPage: Expected;
  };
}

type Expected = { kind: AppError['kind']; message: string | RegExp };

const basic = (user: string, secret: string) => Buffer.from(`${user}:${secret}`).toString('base64');

const PROVIDERS: ProviderCase[] = [
  {
    kind: 'toggl',
    service: 'Toggl Track',
    secret: TOGGL_TOKEN,
    secretForms: [TOGGL_TOKEN, basic(TOGGL_TOKEN, 'api_token')],
    options: {},
    start: { accountId: 'toggl', description: 'Docs' },
    fake: async (clock) => {
      const fake = await startFakeToggl({ now: () => clock.now() });
      const user = fake.addUser({
        token: TOGGL_TOKEN,
        email: 'ada@example.com',
        workspaceName: 'Acme',
      });
      return {
        baseUrl: fake.baseUrl,
        origin: new URL(fake.baseUrl).origin,
        running: () => fake.runningEntry(user.id) !== null,
        close: () => fake.close(),
      };
    },
    // An API that suddenly wraps every answer in an envelope.
    reshape: (json) => ({ data: json }),
    says: {
      status: (status) => ({
        kind: 'provider',
        message: `Toggl Track is having problems (HTTP ${status}).`,
      }),
      truncated: {
        kind: 'provider',
        message:
          'Toggl Track answered with something unexpected (running entry: incomplete or invalid JSON).',
      },
      wrongShape: {
        kind: 'provider',
        // The rest is zod's wording for the first wrong field.
        message: /^Toggl Track answered with something unexpected \(running entry: id .+\)\.$/,
      },
      webPage: {
        kind: 'offline',
        message:
          'Toggl Track answered with something unexpected (running entry: a web page instead of data; a proxy or captive portal?).',
      },
    },
  },
  {
    kind: 'trackingtime',
    service: 'TrackingTime',
    secret: TT_APP_PASSWORD,
    secretForms: [TT_APP_PASSWORD, basic('API_TOKEN', TT_APP_PASSWORD)],
    options: {},
    start: { accountId: 'trackingtime', description: 'Docs', project: 'Site' },
    fake: async (clock) => {
      const fake = await startFakeTrackingTime({ now: () => clock.now() });
      const account = fake.addAccount({ company: 'Acme' });
      const user = fake.addUser({
        email: 'ada@example.com',
        appPassword: TT_APP_PASSWORD,
        timezone: 'Europe/Madrid',
        accountId: account.id,
      });
      fake.addProject({ accountId: account.id, name: 'Site' });
      return {
        baseUrl: fake.baseUrl,
        origin: new URL(fake.baseUrl).origin,
        running: () => fake.runningEvent(user.id) !== null,
        close: () => fake.close(),
      };
    },
    // The envelope is intact; what it carries is not what was asked for.
    reshape: (json) => ({ ...(json as object), data: 'unexpected' }),
    says: {
      status: () => ({
        kind: 'offline',
        message: 'TrackingTime is unreachable (it answered with a web page).',
      }),
      truncated: {
        kind: 'offline',
        message: 'TrackingTime is unreachable (its answer was cut off or not data).',
      },
      wrongShape: {
        kind: 'provider',
        message: /^TrackingTime answered with something unexpected \(tracking tasks: data .+\)\.$/,
      },
      webPage: {
        kind: 'offline',
        message: 'TrackingTime is unreachable (it answered with a web page).',
      },
    },
  },
  {
    kind: 'webwork',
    service: 'WebWork',
    secret: WW_TOKEN,
    secretForms: [WW_TOKEN],
    options: { email: 'ada@example.com' },
    start: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    fake: async (clock) => {
      const fake = await startFakeWebWork({ now: () => clock.now() });
      const { ada, workspace } = seedAcme(fake, { adaToken: WW_TOKEN });
      return {
        baseUrl: fake.baseUrl,
        origin: new URL(fake.baseUrl).origin,
        running: () => fake.tracker(ada.id, workspace.id) !== null,
        close: () => fake.close(),
      };
    },
    // A success envelope carrying nonsense (WebWork says "no tracker" with an error envelope, so
    // the real answer's own flag would hide the shape).
    reshape: (json) => ({ ...(json as object), success: true, data: 'unexpected' }),
    says: {
      status: () => ({
        kind: 'offline',
        message: 'WebWork is unreachable (it answered with a web page).',
      }),
      truncated: {
        kind: 'offline',
        message: 'WebWork is unreachable (its answer was cut off or not data).',
      },
      wrongShape: {
        kind: 'provider',
        message: /^WebWork answered with something unexpected \(current tracker: data .+\)\.$/,
      },
      webPage: {
        kind: 'offline',
        message: 'WebWork is unreachable (it answered with a web page).',
      },
    },
  },
];

// ---------------------------------------------------------------------------------------------
// One app, one account, one front
// ---------------------------------------------------------------------------------------------
interface Rig {
  p: ProviderCase;
  /** Replaced when a test restarts the app. */
  core: Core;
  /** The keychain: it outlives a restart. */
  secrets: MemorySecretStore;
  dir: string;
  upstream: Upstream;
  front: HostileFront;
  /** Runs a command on `core` that must succeed; its snapshot must pass the contract. */
  run(command: Command): Promise<Extract<CommandResult, { ok: true }>>;
  account(s: Snapshot): AccountState;
}

/** A core whose account of `p` is connected through a healthy front. */
async function rig(p: ProviderCase, { expect, onTestFinished }: TestContext): Promise<Rig> {
  const clock = new VirtualClock(T0);
  const dir = mkdtempSync(join(tmpdir(), `tray-timer-hostile-${p.kind}-`));
  const upstream = await p.fake(clock);
  const front = await HostileFront.start(upstream.origin);
  const secrets = new MemorySecretStore();
  const core = await openCore({ dataDir: dir, secrets, clock, mode: 'oneshot' });
  const r: Rig = {
    p,
    core,
    secrets,
    dir,
    upstream,
    front,
    run: async (command) => {
      const result = await r.core.execute(command);
      if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
      expect(() => snapshotSchema.parse(result.snapshot)).not.toThrow();
      return result;
    },
    account: (s) => {
      const a = s.accounts.find((x) => x.provider === p.kind);
      if (!a) throw new Error(`no ${p.service} account`);
      return a;
    },
  };
  // Per test, not afterEach: the timeout tests run concurrently.
  onTestFinished(async () => {
    await r.core.close();
    await front.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const added = await r.run({
    type: 'accounts.add',
    input: addInput(p, front.via(upstream.baseUrl)),
  });
  expect(r.account(added.snapshot).error).toBeNull();
  return r;
}

function addInput(p: ProviderCase, baseUrl: string): AddAccountInput {
  return { provider: p.kind, secret: p.secret, baseUrl, options: p.options };
}

/**
 * The fault during a refresh: the command itself succeeds (a failed refresh is the account's
 * state, not the command's), the account shows `expected`, and the snapshot is valid.
 */
async function refreshShows(
  r: Rig,
  expected: Expected,
  { expect }: TestContext,
): Promise<AppError> {
  const result = await r.core.execute({ type: 'refresh', input: { accountId: r.p.kind } });
  expect(result.ok).toBe(true);
  if (!result.ok) throw new Error('refresh failed as a command');
  const snapshot = snapshotSchema.parse(result.snapshot);
  const error = r.account(snapshot).error;
  expect(error?.kind).toBe(expected.kind);
  if (typeof expected.message === 'string') expect(error?.message).toBe(expected.message + SYNCED);
  else {
    expect(error?.message.endsWith(SYNCED)).toBe(true);
    expect(error?.message.slice(0, -SYNCED.length)).toMatch(expected.message);
  }
  for (const form of r.p.secretForms) expect(JSON.stringify(snapshot)).not.toContain(form);
  return error as AppError;
}

/** The server heals: the next refresh clears the error and a start reaches the service. */
async function healsAndWorks(r: Rig, { expect }: TestContext): Promise<void> {
  await r.front.set({ kind: 'pass' });
  const refreshed = await r.run({ type: 'refresh', input: { accountId: r.p.kind } });
  expect(r.account(refreshed.snapshot).error).toBeNull();
  const started = await r.run({ type: 'start', input: r.p.start });
  expect(started.message).toMatch(new RegExp(`^Started “Docs.*” on ${r.p.service}`));
  expect(r.account(started.snapshot)).toMatchObject({ running: true, error: null });
  expect(r.upstream.running()).toBe(true);
}

/** One fault scenario end to end; `faultMs`: how long the refresh under the fault took. */
async function scenario(
  p: ProviderCase,
  mode: HostileMode,
  expected: Expected,
  ctx: TestContext,
): Promise<Rig & { faultMs: number }> {
  const r = await rig(p, ctx);
  await r.front.set(mode);
  const started = Date.now();
  await refreshShows(r, expected, ctx);
  const faultMs = Date.now() - started;
  await healsAndWorks(r, ctx);
  return { ...r, faultMs };
}

const offline = (message: string): Expected => ({ kind: 'offline', message });

// ---------------------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------------------
// One concurrent suite: the three slow timeout tests start first and the quick ones run beside
// them (Vitest runs sibling suites one after another, so they must share a parent).
describe.concurrent('hostile servers', () => {
  describe('the hostile front itself', () => {
    it('blackhole: connect() really hangs (no SYN-ACK), and the port works again once healed', async ({
      expect,
      onTestFinished,
    }) => {
      const front = await HostileFront.start('http://127.0.0.1:9');
      onTestFinished(() => front.close());
      await front.set({ kind: 'blackhole' });
      const socket = connect(front.port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Still in SYN_SENT after 1.5 s: the kernel dropped our SYN (Linux answers a full accept
      // queue with silence, not with RST), so nothing but a timeout can end this connect.
      expect(socket.connecting).toBe(true);
      socket.destroy();
      await front.set({ kind: 'html-status', status: 503 });
      const res = await fetch(`${front.origin}/x`);
      expect(res.status).toBe(503);
    });
  });

  describe('timeouts (the real 10 s, all at once)', () => {
    it.for(PROVIDERS)(
      '$service: timeout at connect, timeout mid-body, slow drip',
      // Room for a loaded machine: each scenario waits the full 10 s once.
      { timeout: 60_000 },
      async (p, ctx) => {
        const within = offline(`${p.service} did not answer within 10 s.`);
        const unfinished = offline(
          `${p.service} started answering but did not finish within 10 s.`,
        );
        const faults: [string, HostileMode, Expected][] = [
          // A port that accepts no connection: connect() itself hangs.
          ['timeout at connect', { kind: 'blackhole' }, within],
          // Headers sent, the body never finished.
          ['timeout mid-body', { kind: 'stall-body' }, unfinished],
          // A byte every 200 ms, never done: an idle timeout alone would never fire.
          ['slow drip', { kind: 'drip', everyMs: 200 }, unfinished],
        ];
        // Settled, not Promise.all: every scenario ends before the test (and its clean-up) does.
        const outcomes = await Promise.allSettled(
          faults.map(async ([, mode, expected]) => {
            const { faultMs } = await scenario(p, mode, expected, ctx);
            // The deadline, not the server, ended the wait: after 10 s, and not much later.
            ctx.expect(faultMs).toBeGreaterThanOrEqual(9_900);
            ctx.expect(faultMs).toBeLessThan(20_000);
          }),
        );
        const failed = outcomes.flatMap((o, i) =>
          o.status === 'rejected' ? [`${faults[i]?.[0]}: ${String(o.reason)}`] : [],
        );
        ctx.expect(failed).toEqual([]);
      },
    );
  });

  describe.each(PROVIDERS)('$service behind a hostile server', (p) => {
    it('connection refused (nothing listens on the port)', async (ctx) => {
      await scenario(
        p,
        { kind: 'refuse' },
        offline(`${p.service} is unreachable: the connection was refused.`),
        ctx,
      );
    });

    it('connection reset as the request arrives', async (ctx) => {
      await scenario(
        p,
        { kind: 'reset' },
        offline(`${p.service} is unreachable: the connection was reset.`),
        ctx,
      );
    });

    it.for([500, 502, 503] as const)('HTTP %i with an HTML page', async (status, ctx) => {
      await scenario(p, { kind: 'html-status', status }, p.says.status(status), ctx);
    });

    it('truncated JSON', async (ctx) => {
      await scenario(p, { kind: 'truncate' }, p.says.truncated, ctx);
    });

    it('valid JSON of the wrong shape', async (ctx) => {
      await scenario(p, { kind: 'wrong-shape', reshape: p.reshape }, p.says.wrongShape, ctx);
    });

    it('a 50 MB body is not read past 5 MB', async (ctx) => {
      const r = await scenario(
        p,
        { kind: 'huge', bytes: 50 * MB },
        offline(`${p.service} sent an answer larger than 5 MB; it was not read.`),
        ctx,
      );
      // The app hung up: most of the 50 MB never left the server (socket buffers hold a few MB).
      ctx.expect(r.front.hugeBytesWritten).toBeGreaterThan(5 * MB);
      ctx.expect(r.front.hugeBytesWritten).toBeLessThan(20 * MB);
    });

    it('a redirect to another host: no credentials arrive there', async (ctx) => {
      const { expect } = ctx;
      const other: OtherHost = await startOtherHost();
      ctx.onTestFinished(() => other.close());
      const r = await scenario(
        p,
        { kind: 'redirect', toOrigin: other.origin },
        p.says.webPage,
        ctx,
      );
      // The front (the service's own host) did get the credentials, so the check below means
      // something: they were dropped on the way to the other host, not never sent.
      expect(r.front.arrived.some((a) => a.headers.authorization !== undefined)).toBe(true);
      expect(other.arrived.length).toBeGreaterThan(0);
      for (const a of other.arrived) {
        expect(a.headers.authorization).toBeUndefined();
        for (const form of p.secretForms) expect(JSON.stringify(a)).not.toContain(form);
      }
    });

    it('DNS failure when connecting: the address is named unresolvable, then the right one works', async ({
      expect,
      onTestFinished,
    }) => {
      const dir = mkdtempSync(join(tmpdir(), `tray-timer-hostile-dns-`));
      const clock = new VirtualClock(T0);
      const upstream = await p.fake(clock);
      const core = await openCore({
        dataDir: dir,
        secrets: new MemorySecretStore(),
        clock,
        mode: 'oneshot',
      });
      onTestFinished(async () => {
        await core.close();
        await upstream.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const path = new URL(upstream.baseUrl).pathname;
      const failed = await core.execute({
        type: 'accounts.add',
        input: addInput(p, `https://tray-timer-test.invalid${path}`),
      });
      expect(failed.ok).toBe(false);
      if (failed.ok) return;
      expect(failed.error).toEqual(
        offline(`${p.service} is unreachable: its address could not be resolved (offline?).`),
      );
      expect(() => snapshotSchema.parse(failed.snapshot)).not.toThrow();
      expect(core.settings().accounts).toEqual([]);
      const added = await core.execute({
        type: 'accounts.add',
        input: addInput(p, upstream.baseUrl),
      });
      expect(added.ok).toBe(true);
      const started = await core.execute({ type: 'start', input: p.start });
      expect(started).toMatchObject({ ok: true });
      expect(upstream.running()).toBe(true);
    });

    it('DNS failure on refresh after a restart: the account says so, reconnecting fixes it', async (ctx) => {
      const { expect } = ctx;
      const r = await rig(p, ctx);
      await r.core.close();
      // The app restarts with the account's host no longer resolvable (settings.json as written by
      // the core, only the address changed).
      const file = join(r.dir, 'settings.json');
      const settings = JSON.parse(readFileSync(file, 'utf8')) as {
        accounts: { baseUrl?: string }[];
      };
      const path = new URL(r.upstream.baseUrl).pathname;
      for (const a of settings.accounts) a.baseUrl = `https://tray-timer-test.invalid${path}`;
      writeFileSync(file, JSON.stringify(settings));
      r.core = await openCore({
        dataDir: r.dir,
        secrets: r.secrets,
        clock: new VirtualClock(T0 + 60_000),
        mode: 'oneshot',
      });
      const refreshed = await r.core.execute({ type: 'refresh', input: { accountId: p.kind } });
      expect(refreshed.ok).toBe(true);
      if (!refreshed.ok) return;
      const error = r.account(snapshotSchema.parse(refreshed.snapshot)).error;
      expect(error).toEqual(
        offline(
          `${p.service} is unreachable: its address could not be resolved (offline?). Last synced 1 min ago.`,
        ),
      );
      const reconnected = await r.run({
        type: 'accounts.add',
        input: { ...addInput(p, r.front.via(r.upstream.baseUrl)), replaceAccountId: p.kind },
      });
      expect(r.account(reconnected.snapshot).id).toBe(p.kind);
      await healsAndWorks(r, ctx);
    });
  });
});
