/**
 * A TrackingTime account through the real core (openCore, accounts.add, execute) against the
 * fake TrackingTime over real HTTP: connect, start by task name, the conflict and its
 * replaceRunning answer, stop, continue and status, as the user sees them in the snapshot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountState, Command, CommandResult, Snapshot } from '../../../preload/contract';
import { openCore } from '../../core/open-core';
import type { Core } from '../../core/core';
import { MemorySecretStore } from '../../secrets/memory-secret-store';
import {
  startFakeTrackingTime,
  type FakeAccount,
  type FakeTrackingTime,
  type FakeUser,
} from '../../../test/fakes/trackingtime-server';
import { VirtualClock } from '../../../test/support/virtual-clock';
import { allFileText, APP_PASSWORD, T0 } from './trackingtime-test-setup';

let dir: string;
let clock: VirtualClock;
let fake: FakeTrackingTime;
let account: FakeAccount;
let user: FakeUser;
let core: Core | null = null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-tt-core-'));
  clock = new VirtualClock(T0);
  fake = await startFakeTrackingTime({ now: () => clock.now() });
  account = fake.addAccount({ company: 'Acme' });
  user = fake.addUser({
    email: 'ada@example.com',
    appPassword: APP_PASSWORD,
    timezone: 'Europe/Madrid',
    accountId: account.id,
  });
});

afterEach(async () => {
  await core?.close();
  core = null;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function execute(command: Command): Promise<CommandResult> {
  if (!core) throw new Error('no core');
  return core.execute(command);
}

async function run(command: Command): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result;
}

const tt = (s: Snapshot): AccountState => {
  const a = s.accounts.find((x) => x.provider === 'trackingtime');
  if (!a) throw new Error('no TrackingTime account');
  return a;
};

describe('TrackingTime through the core', () => {
  it('connects, starts by task name, answers a conflict with replaceRunning, stops, continues', async () => {
    const site = fake.addProject({ accountId: account.id, name: 'Site' });
    const review = fake.addTask({ projectId: site.id, name: 'Review', userIds: [user.id] });
    const secrets = new MemorySecretStore();
    core = await openCore({ dataDir: dir, secrets, clock, mode: 'oneshot' });
    const added = await run({
      type: 'accounts.add',
      input: { provider: 'trackingtime', secret: APP_PASSWORD, baseUrl: fake.baseUrl, options: {} },
    });
    expect(added.message).toContain(
      'Connected TrackingTime: ada@example.com · Acme (id trackingtime)',
    );
    expect(tt(added.snapshot)).toMatchObject({
      label: 'ada@example.com · Acme',
      running: false,
      error: null,
      capabilities: { projects: true, tasks: true, backdate: true, tags: false, billable: false },
      projects: [{ name: 'Site', tasks: [{ name: 'Review' }] }],
    });

    const started = await run({
      type: 'start',
      input: { accountId: 'trackingtime', description: 'Write docs', project: 'site' },
    });
    expect(started.message).toBe(
      'Started “Write docs — Site” on TrackingTime: ada@example.com · Acme.',
    );
    const docsTask = fake.runningEvent(user.id)?.taskId;
    expect(fake.task(docsTask ?? 0)?.name).toBe('Write docs');

    await clock.advance(20 * 60_000);
    const refused = await execute({
      type: 'start',
      input: { accountId: 'trackingtime', project: 'Site', task: 'Review' },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.error).toMatchObject({
        kind: 'conflict',
        message: 'A timer is already running on TrackingTime: stop it and start this one?',
      });
    const replaced = await run({
      type: 'start',
      input: { accountId: 'trackingtime', project: 'Site', task: 'Review', replaceRunning: true },
    });
    expect(replaced.message).toBe(
      'Started “Review — Site” on TrackingTime: ada@example.com · Acme (stopped “Write docs — Site”).',
    );
    expect(fake.runningEvent(user.id)?.taskId).toBe(review.id);

    await clock.advance(10 * 60_000);
    const stopped = await run({ type: 'stop', input: { accountId: 'trackingtime' } });
    expect(stopped.message).toBe(
      'Stopped “Review — Site” on TrackingTime: ada@example.com · Acme.',
    );
    expect(tt(stopped.snapshot)).toMatchObject({ running: false, todaySeconds: 30 * 60 });
    expect(fake.runningEvent(user.id)).toBeNull();

    const continued = await run({ type: 'continue', input: { accountId: 'trackingtime' } });
    expect(continued.message).toBe(
      'Continued “Review — Site” on TrackingTime: ada@example.com · Acme.',
    );
    expect(fake.runningEvent(user.id)?.taskId).toBe(review.id);
    await core.close();

    // `tray-timer status` a minute later, in a new process: from the cache, no request.
    await clock.advance(60_000);
    const before = fake.requests.length;
    core = await openCore({ dataDir: dir, secrets, clock, mode: 'oneshot' });
    const status = core.snapshot();
    expect(tt(status)).toMatchObject({ running: true, entry: { description: 'Review' } });
    expect(tt(status).entry?.elapsedSeconds).toBe(60);
    expect(fake.requests.length).toBe(before);
    expect(allFileText(dir)).not.toContain(APP_PASSWORD);
  });
});

it('reconnect keeps the chosen workspace and the e-mail sign-in', async () => {
  const beta = fake.addAccount({ company: 'Beta' });
  fake.joinAccount(user.id, beta.id);
  core = await openCore({ dataDir: dir, secrets: new MemorySecretStore(), clock, mode: 'app' });
  await run({
    type: 'accounts.add',
    input: {
      provider: 'trackingtime',
      secret: APP_PASSWORD,
      baseUrl: fake.baseUrl,
      options: { email: 'ada@example.com', workspace: 'Beta' },
    },
  });
  // Without the saved choices this would ask "Choose a workspace" again.
  const r = await run({
    type: 'accounts.add',
    input: {
      provider: 'trackingtime',
      secret: APP_PASSWORD,
      options: {},
      replaceAccountId: 'trackingtime',
    },
  });
  expect(r.message).toMatch(/^Reconnected TrackingTime/);
  expect(core.settings().accounts.map((a) => [a.options.accountId, a.options.authMode])).toEqual([
    [beta.id, 'email'],
  ]);
});
