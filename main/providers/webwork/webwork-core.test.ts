/**
 * A WebWork account through the real core (openCore, accounts.add, execute) against the fake
 * WebWork over real HTTP: connecting with a workspace choice, a browser tracker shown as today's
 * total, "Track for" a member in the snapshot and tray tooltip, one-off start/stop/status for a
 * member, the team glance, and a Regular User told which role is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  memberStatusSchema,
  teamGlanceSchema,
  type AccountState,
  type Command,
  type CommandResult,
  type Snapshot,
} from '../../../preload/contract';
import type { Core } from '../../core/core';
import { openCore } from '../../core/open-core';
import { MemorySecretStore } from '../../secrets/memory-secret-store';
import type { WwRole } from '../../../test/fakes/webwork-server';
import { allFileText, TOKEN, useWwWorlds, type WwWorld } from './webwork-test-setup';

let w: WwWorld;
let dir: string;
let core: Core | null = null;
let secrets: MemorySecretStore;
// Registered before the core's afterEach: Vitest runs afterEach hooks last-registered first, so
// the core closes before the fake WebWork it talks to.
const world = useWwWorlds();

afterEach(async () => {
  await core?.close();
  core = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setUp(role: WwRole = 'Owner'): Promise<void> {
  w = await world({ role });
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-ww-core-'));
  secrets = new MemorySecretStore();
  core = await openCore({
    dataDir: dir,
    secrets,
    clock: w.clock,
    mode: 'oneshot',
  });
}

async function execute(command: Command): Promise<CommandResult> {
  if (!core) throw new Error('no core');
  return core.execute(command);
}

async function run(command: Command): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result;
}

async function refused(command: Command): Promise<Extract<CommandResult, { ok: false }>> {
  const result = await execute(command);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

const ww = (s: Snapshot): AccountState => {
  const a = s.accounts.find((x) => x.provider === 'webwork');
  if (!a) throw new Error('no WebWork account');
  return a;
};

/** Adds the WebWork account on the fake with Ada's token; `options` as the user types them. */
const addWebWork = (options: Record<string, string>): Command => ({
  type: 'accounts.add',
  input: { provider: 'webwork', secret: TOKEN, baseUrl: w.fake.baseUrl, options },
});

async function connect(): Promise<Snapshot> {
  const added = await run(addWebWork({ email: 'ada@example.com' }));
  return added.snapshot;
}

describe('WebWork through the core', () => {
  it('connects choosing among several workspaces, and shows the role', async () => {
    await setUp();
    const beta = w.fake.addWorkspace({ name: 'Beta' });
    w.fake.addMember(beta.id, w.ada.id, 'Regular User');
    const err = await refused(addWebWork({ email: 'ada@example.com' }));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'options.workspace',
      message: `Choose a workspace: Acme (id ${w.workspace.id}), Beta (id ${beta.id})`,
    });
    const added = await run(
      addWebWork({ email: 'ada@example.com', workspace: String(w.workspace.id) }),
    );
    expect(added.message).toContain('Connected WebWork: ada@example.com · Acme');
    expect(ww(added.snapshot)).toMatchObject({
      label: 'ada@example.com · Acme',
      role: 'Owner',
      actingFor: null,
      running: false,
      error: null,
      capabilities: { projects: true, tasks: true, backdate: false, members: true },
      projects: [{ name: 'Website', tasks: [{ name: 'Design' }] }],
    });
    expect(allFileText(dir)).not.toContain(TOKEN);
  });

  it('reconnecting with a new token keeps the workspace chosen and the e-mail', async () => {
    await setUp();
    const beta = w.fake.addWorkspace({ name: 'Beta' });
    w.fake.addMember(beta.id, w.ada.id, 'Executive manager');
    await run(addWebWork({ email: 'ada@example.com', workspace: 'Beta' }));
    const fresh = 'ww-pat-new-99887766';
    w.fake.revokeToken(TOKEN);
    // A new Personal Access Token for Ada (the fake keeps each user's tokens in a set).
    w.ada.tokens.add(fresh);
    const r = await run({
      type: 'accounts.add',
      input: { provider: 'webwork', secret: fresh, options: {}, replaceAccountId: 'webwork' },
    });
    expect(r.message).toMatch(/^Reconnected WebWork/);
    expect(ww(r.snapshot)).toMatchObject({
      label: 'ada@example.com · Beta',
      role: 'Executive manager',
      error: null,
    });
    expect(core?.settings().accounts.map((a) => a.options)).toEqual([
      expect.objectContaining({ workspaceId: beta.id, email: 'ada@example.com' }),
    ]);
    expect(allFileText(dir)).not.toContain(fresh);
  });

  it("a browser tracker shows today's total, labelled as such in the tooltip", async () => {
    await setUp();
    w.fake.setTimelineMinutes(w.ada.id, w.workspace.id, 60);
    w.fake.remoteStart(w.ada.id, w.workspace.id, {
      contractId: w.adaContract.id,
      taskId: w.design.id,
      description: 'Mockups',
      source: 'browser',
      start: w.clock.now() - 30 * 60_000,
    });
    const s = await connect();
    expect(ww(s)).toMatchObject({
      running: true,
      entry: {
        description: 'Mockups',
        projectName: 'Website',
        taskName: 'Design',
        startedAt: null,
        elapsedKind: 'today',
        elapsedSeconds: 90 * 60,
      },
      todaySeconds: 90 * 60,
    });
    expect(s.tray.tooltip).toContain('▶ today 1:30');
    expect(s.tray.tooltip).toContain('Mockups');
    expect(s.tray.tooltip).not.toContain("'s tracker");

    // Started by Tray Timer: the session's own time.
    const replaced = await run({
      type: 'start',
      input: { accountId: 'webwork', description: 'Own', project: 'website', replaceRunning: true },
    });
    expect(replaced.message).toMatch(/stopped “Mockups/);
    expect(ww(replaced.snapshot).entry).toMatchObject({
      description: 'Own',
      elapsedKind: 'session',
      elapsedSeconds: 0,
    });
  });

  it('start, toggle and continue by name; a new process shows the session from the cache, no request', async () => {
    await setUp();
    await connect();
    await run({ type: 'settings.update', input: { defaultAccountId: 'webwork' } });
    const started = await run({
      type: 'start',
      input: { description: 'Docs', project: 'website', task: 'design' },
    });
    expect(started.message).toBe(
      'Started “Docs — Website / Design” on WebWork: ada@example.com · Acme.',
    );
    await w.clock.advance(10 * 60_000);
    const toggled = await run({ type: 'toggle', input: {} });
    expect(toggled.message).toBe(
      'Stopped “Docs — Website / Design” on WebWork: ada@example.com · Acme.',
    );
    expect(ww(toggled.snapshot).recent).toEqual([
      expect.objectContaining({ description: 'Docs', taskName: 'Design', elapsedSeconds: 600 }),
    ]);
    await w.clock.advance(60_000);
    const continued = await run({ type: 'continue', input: {} });
    expect(continued.message).toBe(
      'Continued “Docs — Website / Design” on WebWork: ada@example.com · Acme.',
    );
    expect(w.fake.tracker(w.ada.id, w.workspace.id)).toMatchObject({
      contractId: w.adaContract.id,
      taskId: w.design.id,
      description: 'Docs',
    });
    await core?.close();

    // `tray-timer status` 90 s later (within one poll interval): from the cache.
    await w.clock.advance(90_000);
    const before = w.fake.requests.length;
    core = await openCore({ dataDir: dir, secrets, clock: w.clock, mode: 'oneshot' });
    const s = core.snapshot();
    expect(ww(s).entry).toMatchObject({
      description: 'Docs',
      elapsedKind: 'session',
      elapsedSeconds: 90,
    });
    expect(s.tray.tooltip).toContain('▶ 0:01 Docs — Website / Design');
    expect(w.fake.requests.length).toBe(before);
  });

  it('Track for Bob: the snapshot and tooltip say whose tracker; start/stop drive his', async () => {
    await setUp();
    await connect();
    const search = await run({
      type: 'members.search',
      input: { accountId: 'webwork', query: 'bob' },
    });
    expect(search.data).toEqual([
      { id: String(w.bob.id), name: 'Bob Builder', email: 'bob@example.com', role: 'Regular User' },
    ]);
    w.fake.remoteStart(w.bob.id, w.workspace.id, { description: 'Bricks', source: 'browser' });
    const tf = await run({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: 'bob@example.com' },
    });
    expect(tf.message).toBe(
      "Now showing and driving Bob Builder's tracker on WebWork: ada@example.com · Acme.",
    );
    expect(ww(tf.snapshot)).toMatchObject({
      actingFor: { id: String(w.bob.id), name: 'Bob Builder' },
      running: true,
      entry: { description: 'Bricks', elapsedKind: 'today' },
    });
    expect(tf.snapshot.tray.tooltip).toContain("Bob Builder's tracker");
    // "Today" is your own time: Bob's day does not count in it.
    expect(tf.snapshot.todaySeconds).toBe(0);
    const nobody = await refused({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: 'nobody@example.com' },
    });
    expect(nobody.error).toMatchObject({ kind: 'not-found', field: 'member' });
    expect(core && ww(core.snapshot()).actingFor).toMatchObject({ name: 'Bob Builder' });
    const local = await refused({
      type: 'members.search',
      input: { accountId: 'local', query: '' },
    });
    expect(local.error).toEqual({
      kind: 'unsupported',
      field: 'member',
      message: 'Local has no team members to act for (Local accounts track only your own time).',
    });

    const stopped = await run({ type: 'stop', input: { accountId: 'webwork' } });
    expect(stopped.message).toMatch(/Bricks/);
    expect(w.fake.tracker(w.bob.id, w.workspace.id)).toBeNull();
    const started = await run({
      type: 'start',
      input: { accountId: 'webwork', description: 'Wall', project: 'Website', task: 'Design' },
    });
    expect(w.fake.tracker(w.bob.id, w.workspace.id)).toMatchObject({
      description: 'Wall',
      contractId: w.bobContract.id,
      taskId: w.design.id,
    });
    expect(w.fake.tracker(w.ada.id, w.workspace.id)).toBeNull();
    expect(started.snapshot.tray.tooltip).toContain("Bob Builder's tracker");

    // Same member again: nothing changes; back to me.
    const same = await run({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: String(w.bob.id) },
    });
    expect(same.message).toBe(
      'Already tracking for Bob Builder on WebWork: ada@example.com · Acme.',
    );
    const back = await run({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: null },
    });
    expect(back.message).toBe('Back to your own tracker on WebWork: ada@example.com · Acme.');
    expect(ww(back.snapshot)).toMatchObject({ actingFor: null, running: false });
    expect(back.snapshot.tray.tooltip).not.toContain("'s tracker");
  });

  // Regression for B7 (/work/notes/webwork-bugs.md): acting for Bob while he is idle, the tray says
  // whose tracker it shows, and "today" is still my own time.
  it('acting for an idle member, the tooltip still says whose tracker it is', async () => {
    await setUp();
    w.fake.setTimelineMinutes(w.ada.id, w.workspace.id, 120);
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Mine', source: 'browser' });
    await connect();
    const tf = await run({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: 'bob@example.com' },
    });
    expect(ww(tf.snapshot)).toMatchObject({ actingFor: { name: 'Bob Builder' }, running: false });
    expect(tf.snapshot.tray.tooltip).toContain("Bob Builder's tracker");
    expect(tf.snapshot.todaySeconds).toBe(120 * 60);
  });

  // Acting for idle Bob while my own browser tracker runs: my tracker is not read meanwhile, so
  // the tray must not claim "Not tracking" about me.
  it('acting for an idle member while my own tracker runs, the tray does not say I am not tracking', async () => {
    await setUp();
    w.fake.setTimelineMinutes(w.ada.id, w.workspace.id, 120);
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Mine', source: 'browser' });
    const before = await connect();
    expect(ww(before).running).toBe(true);
    const tf = await run({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: 'bob@example.com' },
    });
    expect(tf.snapshot.tray.tooltip).not.toMatch(/^Not tracking/);
  });

  it('start/stop/status with a member are one-offs that leave Track for alone', async () => {
    await setUp();
    await connect();
    const started = await run({
      type: 'start',
      input: {
        accountId: 'webwork',
        member: 'bob@example.com',
        description: 'Bricks',
        project: 'Website',
      },
    });
    expect(started.message).toBe(
      'Started “Bricks — Website” for Bob Builder on WebWork: ada@example.com · Acme.',
    );
    expect(ww(started.snapshot)).toMatchObject({ actingFor: null, running: false });
    expect(w.fake.tracker(w.bob.id, w.workspace.id)).toMatchObject({
      description: 'Bricks',
      contractId: w.bobContract.id,
    });
    expect(
      w.fake.requestsBy({ method: 'POST', path: '/time-tracking/start' })[0]?.body,
    ).toMatchObject({
      user_id: w.bob.id,
    });

    await w.clock.advance(5 * 60_000);
    const status = await run({
      type: 'status',
      input: { accountId: 'webwork', member: 'bob@example.com' },
    });
    const bob = memberStatusSchema.parse(status.data);
    expect(bob).toMatchObject({
      member: { name: 'Bob Builder', email: 'bob@example.com' },
      entry: {
        description: 'Bricks',
        projectName: 'Website',
        elapsedKind: 'session',
        elapsedSeconds: 300,
      },
      todaySeconds: 300,
      error: null,
    });
    expect(ww(status.snapshot).actingFor).toBeNull();

    const stopped = await run({
      type: 'stop',
      input: { accountId: 'webwork', member: String(w.bob.id) },
    });
    expect(stopped.message).toBe(
      'Stopped “Bricks — Website” for Bob Builder on WebWork: ada@example.com · Acme.',
    );
    expect(w.fake.tracker(w.bob.id, w.workspace.id)).toBeNull();
    const again = await run({
      type: 'stop',
      input: { accountId: 'webwork', member: 'bob@example.com' },
    });
    expect(again.message).toBe(
      'Nothing was running for Bob Builder on WebWork: ada@example.com · Acme.',
    );

    // While acting for Bob, a one-off for me leaves Bob chosen.
    await run({
      type: 'members.trackFor',
      input: { accountId: 'webwork', member: 'bob@example.com' },
    });
    const mine = await run({
      type: 'start',
      input: { accountId: 'webwork', member: 'ada@example.com', description: 'Mine' },
    });
    expect(mine.message).toBe(
      'Started “Mine” for Ada Lovelace on WebWork: ada@example.com · Acme.',
    );
    expect(ww(mine.snapshot).actingFor).toMatchObject({ name: 'Bob Builder' });
    expect(w.fake.tracker(w.ada.id, w.workspace.id)?.description).toBe('Mine');

    const unknown = await refused({
      type: 'status',
      input: { accountId: 'webwork', member: 'nobody@example.com' },
    });
    expect(unknown.error).toMatchObject({ kind: 'not-found', field: 'member' });
  });

  it('a failing WebWork keeps the last known state with "last synced"; a failed stop is said, not dropped', async () => {
    await setUp();
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Web', source: 'browser' });
    await connect();
    await w.clock.advance(60_000);
    w.fake.fault('status500', '/time-tracking/current-data');
    const r = await run({ type: 'refresh', input: { accountId: 'webwork' } });
    expect(ww(r.snapshot)).toMatchObject({
      running: true,
      entry: { description: 'Web', elapsedKind: 'today', elapsedSeconds: 60 },
      error: { kind: 'offline' },
      lastSyncedAt: '2026-11-27T09:00:00.000+00:00',
    });
    expect(ww(r.snapshot).error?.message).toMatch(
      /^WebWork failed: Server Error\. Last synced 1 min ago\.$/,
    );
    expect(r.snapshot.tray.state).toBe('attention');

    w.fake.clearFaults();
    w.fake.fault('html502', '/time-tracking/stop', { times: 1 });
    const stop = await refused({ type: 'stop', input: { accountId: 'webwork' } });
    // WebWork cannot stop "at 09:01" later: the user is asked before anything is queued.
    expect(stop.error).toEqual({
      kind: 'offline',
      message:
        'WebWork is unreachable (it answered with a web page). WebWork can only stop a timer at the moment it is told, so this would happen when WebWork is back, not at 09:01. Queue it anyway, or cancel.',
      queueable: true,
    });
    expect(w.fake.tracker(w.ada.id, w.workspace.id)).not.toBeNull();
    const again = await run({ type: 'stop', input: { accountId: 'webwork' } });
    expect(again.message).toBe('Stopped “Web” on WebWork: ada@example.com · Acme.');
    expect(w.fake.tracker(w.ada.id, w.workspace.id)).toBeNull();
    expect(ww(again.snapshot)).toMatchObject({ running: false, error: null });
  });

  it('a revoked token asks for a new one in the snapshot and tooltip', async () => {
    await setUp();
    await connect();
    w.fake.revokeToken(TOKEN);
    const r = await run({ type: 'refresh', input: { accountId: 'webwork' } });
    expect(ww(r.snapshot).error).toMatchObject({ kind: 'auth' });
    expect(ww(r.snapshot).error?.message).toMatch('token expired or revoked — paste a new one');
    expect(r.snapshot.tray.tooltip).toContain('⚠ WebWork: ada@example.com · Acme: Sign-in needed');
    expect(r.snapshot.tray.state).toBe('attention');
    expect(JSON.stringify(r.snapshot) + allFileText(dir)).not.toContain(TOKEN);
  });

  it('the team glance lists who is tracking first, most time today first', async () => {
    await setUp();
    const carol = w.fake.addUser({
      email: 'carol@example.com',
      firstname: 'Carol',
      lastname: 'Zed',
    });
    w.fake.addMember(w.workspace.id, carol.id, 'Regular User');
    w.fake.setTimelineMinutes(w.bob.id, w.workspace.id, 10);
    w.fake.setTimelineMinutes(carol.id, w.workspace.id, 100);
    w.fake.remoteStart(w.bob.id, w.workspace.id, { description: 'Bricks', source: 'browser' });
    w.fake.remoteStart(carol.id, w.workspace.id, { description: 'Calls', source: 'browser' });
    await connect();
    const r = await run({ type: 'team', input: { accountId: 'webwork', refresh: true } });
    const glance = teamGlanceSchema.parse(r.data);
    expect(glance).toMatchObject({
      accountId: 'webwork',
      total: 3,
      unchecked: 0,
      nextCheckAt: null,
    });
    expect(
      glance.members.map((m) => [m.member.name, m.entry?.description ?? null, m.todaySeconds]),
    ).toEqual([
      ['Carol Zed', 'Calls', 100 * 60],
      ['Bob Builder', 'Bricks', 10 * 60],
      ['Ada Lovelace', null, 0],
    ]);
    expect(glance.members[0]?.entry).toMatchObject({ elapsedKind: 'today', startedAt: null });
    expect(glance.members.every((m) => m.checkedAt !== null && m.error === null)).toBe(true);
  });

  it('a Regular User is told the role needed, on the member field', async () => {
    await setUp('Regular User');
    const s = await connect();
    expect(ww(s)).toMatchObject({ role: 'Regular User', capabilities: { members: false } });
    const roleMessage =
      'Acting for members and the team glance need the Owner or Executive manager role in WebWork: ada@example.com · Acme; your role is Regular User.';
    for (const command of [
      { type: 'members.trackFor', input: { accountId: 'webwork', member: 'bob@example.com' } },
      { type: 'members.search', input: { accountId: 'webwork', query: 'bob' } },
      { type: 'team', input: { accountId: 'webwork' } },
      { type: 'status', input: { accountId: 'webwork', member: 'bob@example.com' } },
    ] satisfies Command[]) {
      const r = await refused(command);
      expect(r.error, command.type).toEqual({
        kind: 'unsupported',
        field: 'member',
        message: roleMessage,
      });
    }
    // Nothing was sent for Bob.
    expect(
      w.fake.requests.filter(
        (q) =>
          q.query.user_id === String(w.bob.id) ||
          (q.body as { user_id?: number } | null)?.user_id === w.bob.id,
      ),
    ).toEqual([]);
  });

  // Regression for B2 (/work/notes/webwork-bugs.md): open-core asks isCurrentTarget first; it must
  // name the missing role, not say "No active member" (WebWork lists only yourself to her).
  it('a Regular User: start/stop with a member are refused naming the role too', async () => {
    await setUp('Regular User');
    await connect();
    for (const command of [
      { type: 'start', input: { accountId: 'webwork', member: 'bob@example.com' } },
      { type: 'stop', input: { accountId: 'webwork', member: 'bob@example.com' } },
    ] satisfies Command[]) {
      const r = await refused(command);
      expect(r.error, command.type).toEqual({
        kind: 'unsupported',
        field: 'member',
        message:
          'Acting for members and the team glance need the Owner or Executive manager role in WebWork: ada@example.com · Acme; your role is Regular User.',
      });
    }
    expect(w.fake.requestsBy({ method: 'POST' })).toEqual([]);
    // Her own e-mail is herself: allowed.
    const mine = await run({
      type: 'start',
      input: { accountId: 'webwork', member: 'ada@example.com', description: 'Mine' },
    });
    expect(ww(mine.snapshot).entry).toMatchObject({ description: 'Mine' });
    expect(w.fake.tracker(w.ada.id, w.workspace.id)?.description).toBe('Mine');
    // And so is her own status (O9 in the bug notes), by e-mail or id.
    for (const member of ['ada@example.com', String(w.ada.id)]) {
      const status = await run({ type: 'status', input: { accountId: 'webwork', member } });
      expect(memberStatusSchema.parse(status.data)).toMatchObject({
        member: { name: 'Ada Lovelace' },
        entry: { description: 'Mine' },
        error: null,
      });
    }
  });
});

describe('a task in a project whose task list is not read yet', () => {
  it('is looked up in its own project before it is called unknown', async () => {
    await setUp();
    // Twelve projects: a sync reads at most five task lists, the rest come later.
    const projects = Array.from({ length: 12 }, (_, i) => {
      const project = w.fake.addProject({ workspaceId: w.workspace.id, name: `Client ${i}` });
      w.fake.addContract({ userId: w.ada.id, projectId: project.id });
      return project;
    });
    const last = projects[11];
    if (!last) throw new Error('no project');
    const wiki = w.fake.addTask({ projectId: last.id, title: 'Wiki' });
    const connected = await connect();
    const listed = ww(connected).projects.find((p) => p.name === 'Client 11');
    expect(listed?.tasks ?? []).toEqual([]);
    const started = await run({
      type: 'start',
      input: { accountId: 'webwork', description: 'Pages', project: 'Client 11', task: 'Wiki' },
    });
    expect(started.message).toBe(
      'Started “Pages — Client 11 / Wiki” on WebWork: ada@example.com · Acme.',
    );
    expect(w.fake.tracker(w.ada.id, w.workspace.id)).toMatchObject({ taskId: wiki.id });
  });
});
