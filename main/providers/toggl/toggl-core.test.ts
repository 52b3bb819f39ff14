/**
 * A Toggl account through the real core (openCore, accounts.add, execute, the scheduler) against
 * the fake Toggl over real HTTP: what the user sees in the snapshot, and how many requests a
 * working hour costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountState, Command, CommandResult, Snapshot } from '../../../preload/contract';
import { openCore } from '../../core/open-core';
import type { Core } from '../../core/core';
import { MemorySecretStore } from '../../secrets/memory-secret-store';
import { startFakeToggl, type FakeToggl, type FakeUser } from '../../../test/fakes/toggl-server';
import { VirtualClock } from '../../../test/support/virtual-clock';
import { allFileText, T0, TOKEN } from './toggl-test-setup';

let dir: string;
let clock: VirtualClock;
let fake: FakeToggl;
let user: FakeUser;
let core: Core | null = null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-toggl-core-'));
  clock = new VirtualClock(T0);
  fake = await startFakeToggl({ now: () => clock.now() });
  user = fake.addUser({ token: TOKEN, email: 'ada@example.com', workspaceName: 'Acme' });
});

afterEach(async () => {
  await core?.close();
  core = null;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(command: Command): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await core?.execute(command);
  if (!result?.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result;
}

const toggl = (s: Snapshot): AccountState => {
  const a = s.accounts.find((x) => x.provider === 'toggl');
  if (!a) throw new Error('no Toggl account');
  return a;
};

/** Real HTTP answers need real time: lets in-flight refreshes land between virtual minutes. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 15));

async function addAccount(mode: 'app' | 'oneshot' = 'app') {
  core = await openCore({ dataDir: dir, secrets: new MemorySecretStore(), clock, mode });
  return run({
    type: 'accounts.add',
    input: { provider: 'toggl', secret: TOKEN, baseUrl: fake.baseUrl, options: {} },
  });
}

describe('Toggl through the core', () => {
  it('connects, starts with a project, stops and continues', async () => {
    const site = fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
    const added = await addAccount('oneshot');
    expect(added.message).toBe(
      'Connected Toggl Track: ada@example.com · Acme (id toggl) (secret kept for this session only: no keychain).',
    );
    expect(toggl(added.snapshot)).toMatchObject({
      id: 'toggl',
      label: 'ada@example.com · Acme',
      running: false,
      error: null,
      projects: [{ name: 'Site' }],
    });

    let before = fake.requests.length;
    const started = await run({
      type: 'start',
      input: { accountId: 'toggl', description: 'Docs', project: 'site' },
    });
    expect(fake.requests.length - before).toBe(1);
    expect(started.message).toBe('Started “Docs — Site” on Toggl Track: ada@example.com · Acme.');
    expect(fake.runningEntry(user.id)).toMatchObject({
      description: 'Docs',
      projectId: site.id,
      createdWith: 'Tray Timer',
    });
    expect(toggl(started.snapshot).entry).toMatchObject({
      description: 'Docs',
      projectName: 'Site',
    });

    await clock.advance(30 * 60_000);
    before = fake.requests.length;
    const stopped = await run({ type: 'stop', input: { accountId: 'toggl' } });
    expect(fake.requests.length - before).toBe(1);
    expect(toggl(stopped.snapshot)).toMatchObject({ running: false, todaySeconds: 1800 });
    expect(fake.runningEntry(user.id)).toBeNull();

    before = fake.requests.length;
    const continued = await run({ type: 'continue', input: { accountId: 'toggl' } });
    expect(fake.requests.length - before).toBe(1);
    expect(toggl(continued.snapshot).entry).toMatchObject({
      description: 'Docs',
      projectName: 'Site',
    });
    expect(allFileText(dir)).not.toContain(TOKEN);
  });

  it("continue repeats the entry's tags and billable flag", async () => {
    fake.addEntry(user.id, {
      description: 'Review',
      start: T0 - 3 * 3600_000,
      stop: T0 - 2 * 3600_000,
      tags: ['client', 'deep'],
      billable: true,
    });
    await addAccount('oneshot');
    const before = fake.requests.length;
    await run({ type: 'continue', input: { accountId: 'toggl' } });
    expect(fake.requests.length - before).toBe(1);
    expect(fake.runningEntry(user.id)).toMatchObject({
      description: 'Review',
      tags: ['client', 'deep'],
      billable: true,
      start: T0,
    });
  });

  it('start sends the tags and billable flag the user gave, in one request, and shows the tags', async () => {
    const added = await addAccount('oneshot');
    expect(toggl(added.snapshot).capabilities).toMatchObject({ tags: true, billable: true });
    const before = fake.requests.length;
    const started = await run({
      type: 'start',
      input: { accountId: 'toggl', description: 'Review', tags: ['a', 'b'], billable: true },
    });
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /workspaces/${user.workspaceId}/time_entries`,
    ]);
    expect(fake.runningEntry(user.id)).toMatchObject({
      description: 'Review',
      tags: ['a', 'b'],
      billable: true,
      start: T0,
    });
    expect(toggl(started.snapshot).entry).toMatchObject({ tags: ['a', 'b'], billable: true });
  });

  it('shows a running entry started on the phone within 4 minutes, at ≤ 20 requests an hour', async () => {
    await addAccount('app');
    // Two hours with the app open; the phone starts and stops entries now and then.
    const seenAfter: number[] = [];
    let pending: { id: number; at: number } | null = null;
    for (let minute = 1; minute <= 120; minute++) {
      await clock.advance(60_000);
      await settle();
      if (minute % 25 === 0) {
        const entry =
          fake.runningEntry(user.id) === null
            ? fake.remoteStart(user.id, { description: `phone ${minute}` })
            : fake.remoteStop(user.id);
        pending = entry ? { id: entry.id, at: clock.now() } : null;
      }
      const shown = core?.snapshot() && toggl(core.snapshot());
      const runningId = shown?.entry?.id ?? null;
      const truth = fake.runningEntry(user.id)?.id ?? null;
      if (pending && String(truth ?? '') === String(runningId ?? '')) {
        seenAfter.push(clock.now() - pending.at);
        pending = null;
      }
    }
    expect(seenAfter.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...seenAfter)).toBeLessThanOrEqual(4 * 60_000);
    expect(fake.maxRequestsInWindow({ bucket: 'user' })).toBeLessThanOrEqual(20);
    expect(fake.counts.status402).toBe(0);
  });

  it('shows "Toggl hourly limit reached — resets in N min" and keeps the last state', async () => {
    fake.configure({ quota: { user: 4 } });
    await addAccount('oneshot'); // connect 1 + first sync 2 = 3 of 4
    fake.remoteStart(user.id, { description: 'Phone' });
    await run({ type: 'refresh', input: { accountId: 'toggl' } }); // current only (lists fresh): 4
    await clock.advance(3 * 60_000);
    const r = await core?.execute({ type: 'refresh', input: { accountId: 'toggl' } });
    expect(r?.ok).toBe(true); // a failed refresh is the account's error, not the command's
    if (!r?.ok) return;
    const a = toggl(r.snapshot);
    expect(a.error?.kind).toBe('quota');
    expect(a.error?.message).toMatch(/^Toggl hourly limit reached — resets in \d+ min/);
    expect(a.entry?.description).toBe('Phone'); // last known state kept
  });
});

describe('reconnect', () => {
  it('a refused token names the secret field; reconnecting keeps the id and default role', async () => {
    core = await openCore({ dataDir: dir, secrets: new MemorySecretStore(), clock, mode: 'app' });
    const refused = await core.execute({
      type: 'accounts.add',
      input: { provider: 'toggl', secret: 'not-the-token', baseUrl: fake.baseUrl, options: {} },
    });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'auth', field: 'secret' } });
    expect(core.settings().accounts).toEqual([]);

    await run({
      type: 'accounts.add',
      input: {
        provider: 'toggl',
        secret: TOKEN,
        baseUrl: fake.baseUrl,
        label: 'Work',
        options: {},
      },
    });
    await run({ type: 'settings.update', input: { defaultAccountId: 'toggl' } });
    user.token = 'a-new-token-after-revocation-000000';
    await run({ type: 'refresh', input: { accountId: 'toggl' } });
    expect(toggl(core.snapshot()).error?.kind).toBe('auth');

    const r = await run({
      type: 'accounts.add',
      input: { provider: 'toggl', secret: user.token, options: {}, replaceAccountId: 'toggl' },
    });
    expect(r.message).toBe(
      'Reconnected Toggl Track: Work (id toggl) (secret kept for this session only: no keychain).',
    );
    expect(core.settings().accounts.map((a) => [a.id, a.label, a.baseUrl])).toEqual([
      ['toggl', 'Work', fake.baseUrl],
    ]);
    expect(core.settings().defaultAccountId).toBe('toggl');
    expect(toggl(r.snapshot).error).toBeNull();
    // one account in the snapshot, not a broken duplicate
    expect(r.snapshot.accounts.filter((a) => a.provider === 'toggl')).toHaveLength(1);

    const wrong = await core.execute({
      type: 'accounts.add',
      input: { provider: 'toggl', secret: user.token, options: {}, replaceAccountId: 'nope' },
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { kind: 'not-found', field: 'replaceAccountId' },
    });
  });
});

it('reconnect keeps the workspace the account was connected to, not the default one', async () => {
  const side = fake.addWorkspace({ userId: user.id, name: 'Side Project' });
  core = await openCore({ dataDir: dir, secrets: new MemorySecretStore(), clock, mode: 'app' });
  await run({
    type: 'accounts.add',
    input: {
      provider: 'toggl',
      secret: TOKEN,
      baseUrl: fake.baseUrl,
      options: { workspace: 'Side Project' },
    },
  });
  user.token = 'a-new-token-after-revocation-000000';
  await run({
    type: 'accounts.add',
    input: { provider: 'toggl', secret: user.token, options: {}, replaceAccountId: 'toggl' },
  });
  expect(core.settings().accounts.map((a) => a.options.workspaceId)).toEqual([side.id]);
});
