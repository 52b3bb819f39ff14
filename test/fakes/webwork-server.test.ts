/**
 * The fake WebWork server is itself tested over real HTTP: provider tests and the benchmark are
 * only as honest as the fake's copy of WebWork's behaviour (providers.md §3 and the two seeds).
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, closeAfterEach } from './fake-server-test-kit';
import { startFakeWebWork } from './webwork-server';
import type {
  FakeContract,
  FakeProject,
  FakeTask,
  FakeUser,
  FakeWebWork,
  FakeWebWorkConfig,
  FakeWorkspace,
} from './webwork-server';

// 2026-03-02 23:30 UTC = 2026-03-03 00:30 in Madrid (CET, +01:00).
const T0 = Date.parse('2026-03-02T23:30:00Z');

const keepOpen = closeAfterEach<FakeWebWork>();

interface World {
  fake: FakeWebWork;
  clock: FakeClock;
  ws: FakeWorkspace;
  other: FakeWorkspace;
  ann: FakeUser; // Owner
  bob: FakeUser; // Regular User
  eve: FakeUser; // Team manager
  site: FakeProject;
  app: FakeProject;
  annSite: FakeContract;
  bobSite: FakeContract;
  bobPaused: FakeContract;
  design: FakeTask;
  appTask: FakeTask;
}

async function setup(options: Partial<FakeWebWorkConfig> = {}): Promise<World> {
  const clock = new FakeClock(T0);
  const fake = await startFakeWebWork({ now: clock.now, ...options });
  keepOpen(fake);
  const ws = fake.addWorkspace({ name: 'ACME' });
  const other = fake.addWorkspace({ name: 'Side gig' });
  const ann = fake.addUser({
    email: 'ann@example.com',
    token: 'tok-ann',
    firstname: 'Ann',
    lastname: 'Lee',
  });
  const bob = fake.addUser({ email: 'bob@example.com', token: 'tok-bob', firstname: 'Bob' });
  const eve = fake.addUser({ email: 'eve@example.com', token: 'tok-eve' });
  fake.addMember(ws.id, ann.id, 'Owner');
  fake.addMember(ws.id, bob.id, 'Regular User');
  fake.addMember(ws.id, eve.id, 'Team manager');
  fake.addMember(other.id, bob.id, 'Executive manager');
  const site = fake.addProject({ workspaceId: ws.id, name: 'Website' });
  const app = fake.addProject({ workspaceId: ws.id, name: 'Mobile app' });
  const annSite = fake.addContract({ userId: ann.id, projectId: site.id });
  const bobSite = fake.addContract({ userId: bob.id, projectId: site.id });
  const bobPaused = fake.addContract({ userId: bob.id, projectId: app.id, status: 'paused' });
  const design = fake.addTask({ projectId: site.id, title: 'Design', status: 10 });
  const appTask = fake.addTask({ projectId: app.id, title: 'Login screen' });
  return {
    fake,
    clock,
    ws,
    other,
    ann,
    bob,
    eve,
    site,
    app,
    annSite,
    bobSite,
    bobPaused,
    design,
    appTask,
  };
}

interface Envelope {
  success?: boolean;
  data?: unknown;
  message?: string;
  error?: unknown;
  errors?: Record<string, string[]>;
  pagination?: Record<string, number>;
  meta?: { api_version: string; timestamp: string; pagination?: Record<string, number> };
}

interface CallOptions {
  method?: string;
  token?: string | null;
  json?: unknown;
  raw?: string;
}

interface Answer {
  status: number;
  text: string;
  type: string | null;
  headers: Headers;
  body: Envelope;
}

async function call(fake: FakeWebWork, path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = opts.token === undefined ? 'tok-ann' : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.json !== undefined || opts.raw !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = opts.raw ?? JSON.stringify(opts.json);
  }
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await res.text();
  let parsed: Envelope = {};
  try {
    parsed = JSON.parse(text) as Envelope;
  } catch {
    // Non-JSON answers are checked through `text`.
  }
  return {
    status: res.status,
    text,
    type: res.headers.get('content-type'),
    headers: res.headers,
    body: parsed,
  };
}

const q = (params: Record<string, string | number>): string =>
  `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;

function expectMeta(a: Answer, at = T0): void {
  expect(a.type).toBe('application/json');
  expect(a.body.meta).toMatchObject({
    api_version: '2.0.0',
    timestamp: new Date(at).toISOString(),
  });
}

function expectError(a: Answer, status: number, message: string | RegExp, at = T0): void {
  expect(a.status).toBe(status);
  expect(a.body.success).toBe(false);
  if (typeof message === 'string') expect(a.body.message).toBe(message);
  else expect(a.body.message).toMatch(message);
  expectMeta(a, at);
}

describe('fake WebWork: envelope, auth and lists', () => {
  it('answers every route with the {success,data,message,meta} envelope', async () => {
    const w = await setup();
    const { fake, ws, ann, site } = w;
    const paths = [
      '/workspaces',
      `/members${q({ workspace_id: ws.id })}`,
      `/members/${ann.id}${q({ workspace_id: ws.id })}`,
      `/projects${q({ workspace_id: ws.id })}`,
      `/contracts${q({ workspace_id: ws.id })}`,
      `/tasks${q({ workspace_id: ws.id, project_id: site.id })}`,
    ];
    for (const p of paths) {
      const a = await call(fake, p);
      expect(a.status, p).toBe(200);
      expect(a.body.success, p).toBe(true);
      expect(typeof a.body.message, p).toBe('string');
      expect(a.body.data, p).toBeDefined();
      expectMeta(a);
    }
    const start = await call(fake, '/time-tracking/start', {
      json: { workspace_id: ws.id, user_id: ann.id },
    });
    expect(start.body.success).toBe(true);
    expectMeta(start);
    const cur = await call(
      fake,
      `/time-tracking/current-data${q({ workspace_id: ws.id, user_id: ann.id })}`,
    );
    expect(cur.body).toMatchObject({
      success: true,
      message: 'Current tracker data retrieved successfully',
    });
    expectMeta(cur);
    const stop = await call(fake, '/time-tracking/stop', { method: 'POST' });
    expect(stop.body.success).toBe(true);
    expectMeta(stop);
    expect(fake.requests.every((r) => r.success === true && r.callerId === ann.id)).toBe(true);
  });

  it('lists only the active workspaces of the caller, with the role', async () => {
    const { fake, ws, other, bob } = await setup();
    const res = await call(fake, '/workspaces', { token: 'tok-bob' });
    expect(res.body.data).toEqual([
      { id: ws.id, name: 'ACME', role: 'Regular User' },
      { id: other.id, name: 'Side gig', role: 'Executive manager' },
    ]);
    fake.addMember(other.id, bob.id, 'Executive manager', 'archived');
    const after = await call(fake, '/workspaces', { token: 'tok-bob' });
    expect(after.body.data).toEqual([{ id: ws.id, name: 'ACME', role: 'Regular User' }]);
  });

  it('401 Unauthenticated for a missing, unknown or revoked token; the token is never logged', async () => {
    const { fake } = await setup();
    for (const token of [null, 'nope']) {
      const res = await call(fake, '/workspaces', { token });
      expectError(res, 401, 'Unauthenticated.');
      expect(res.body.error).toBeNull();
    }
    expect((await call(fake, '/workspaces')).status).toBe(200);
    fake.revokeToken('tok-ann');
    expectError(await call(fake, '/workspaces'), 401, 'Unauthenticated.');
    expect(fake.requests.map((r) => [r.status, r.callerId, r.success])).toEqual([
      [401, null, false],
      [401, null, false],
      [200, expect.any(Number), true],
      [401, null, false],
    ]);
    expect(JSON.stringify(fake.requests)).not.toContain('tok-ann');
  });

  it('members: owners see all, regular roles only themselves; exact case-insensitive email filter', async () => {
    const { fake, ws, ann, bob, eve } = await setup();
    const all = await call(fake, `/members${q({ workspace_id: ws.id })}`);
    expect((all.body.data as { id: number }[]).map((m) => m.id)).toEqual([ann.id, bob.id, eve.id]);
    expect((all.body.data as unknown[])[0]).toEqual({
      id: ann.id,
      email: 'ann@example.com',
      firstname: 'Ann',
      lastname: 'Lee',
      role: 'Owner',
      status: 'active',
    });
    for (const [token, self] of [
      ['tok-bob', bob],
      ['tok-eve', eve],
    ] as const) {
      const mine = await call(fake, `/members${q({ workspace_id: ws.id })}`, { token });
      expect((mine.body.data as { id: number }[]).map((m) => m.id)).toEqual([self.id]);
    }
    const byEmail = await call(
      fake,
      `/members${q({ workspace_id: ws.id, email: 'BOB@Example.com' })}`,
    );
    expect((byEmail.body.data as { id: number }[]).map((m) => m.id)).toEqual([bob.id]);
    const partial = await call(fake, `/members${q({ workspace_id: ws.id, email: 'bob@' })}`);
    expect(partial.body.data).toEqual([]);
    const role = await call(fake, `/members${q({ workspace_id: ws.id, role: 'team manager' })}`);
    expect((role.body.data as { id: number }[]).map((m) => m.id)).toEqual([eve.id]);
    expectError(
      await call(fake, `/members/${ann.id}${q({ workspace_id: ws.id })}`, { token: 'tok-bob' }),
      403,
      /^Only workspace owners and executive managers can/,
    );
  });

  it('422 for a missing workspace_id, 403 for a workspace the caller is not in', async () => {
    const { fake, other } = await setup();
    const missing = await call(fake, '/members');
    expectError(missing, 422, 'Validation failed');
    expect(missing.body.errors).toEqual({ workspace_id: ['The workspace id field is required.'] });
    expectError(
      await call(fake, `/projects${q({ workspace_id: other.id })}`),
      403,
      'You do not have access to this workspace.',
    );
    expectError(
      await call(fake, `/members${q({ workspace_id: 999_999 })}`),
      403,
      'You do not have access to this workspace.',
    );
  });

  it('paginates 130 members: per_page 100 gives 2 pages, default 20, over 100 is 422', async () => {
    const { fake, ws } = await setup();
    for (let i = 0; i < 127; i++) {
      const u = fake.addUser({ email: `m${i}@example.com` });
      fake.addMember(ws.id, u.id, 'Regular User');
    }
    const p1 = await call(fake, `/members${q({ workspace_id: ws.id, per_page: 100 })}`);
    expect(p1.body.data).toHaveLength(100);
    expect(p1.body.meta?.pagination).toEqual({
      total: 130,
      per_page: 100,
      current_page: 1,
      last_page: 2,
    });
    const p2 = await call(fake, `/members${q({ workspace_id: ws.id, per_page: 100, page: 2 })}`);
    expect(p2.body.data).toHaveLength(30);
    expect(p2.body.meta?.pagination).toMatchObject({ current_page: 2, last_page: 2 });
    const ids = [...(p1.body.data as { id: number }[]), ...(p2.body.data as { id: number }[])];
    expect(new Set(ids.map((m) => m.id)).size).toBe(130);
    const def = await call(fake, `/members${q({ workspace_id: ws.id })}`);
    expect(def.body.data).toHaveLength(20);
    expect(def.body.meta?.pagination).toEqual({
      total: 130,
      per_page: 20,
      current_page: 1,
      last_page: 7,
    });
    const tooMany = await call(fake, `/members${q({ workspace_id: ws.id, per_page: 101 })}`);
    expectError(tooMany, 422, 'Validation failed');
    expect(tooMany.body.errors?.per_page).toBeDefined();
  });

  it('projects: managers see all, others only projects they hold a contract in; name filter', async () => {
    const { fake, ws, site, app, eve } = await setup();
    const all = await call(fake, `/projects${q({ workspace_id: ws.id })}`);
    expect(all.body.data).toEqual([
      { id: site.id, name: 'Website', status: 'active', workspace_id: ws.id },
      { id: app.id, name: 'Mobile app', status: 'active', workspace_id: ws.id },
    ]);
    expect(all.body.meta?.pagination).toMatchObject({ total: 2, last_page: 1 });
    const bobs = await call(fake, `/projects${q({ workspace_id: ws.id })}`, { token: 'tok-bob' });
    expect((bobs.body.data as { id: number }[]).map((p) => p.id)).toEqual([site.id, app.id]);
    const eves = await call(fake, `/projects${q({ workspace_id: ws.id })}`, { token: 'tok-eve' });
    expect(eves.body.data).toEqual([]);
    fake.addContract({ userId: eve.id, projectId: app.id });
    const named = await call(fake, `/projects${q({ workspace_id: ws.id, name: 'MOBILE' })}`, {
      token: 'tok-eve',
    });
    expect((named.body.data as { id: number }[]).map((p) => p.id)).toEqual([app.id]);
  });

  it('contracts: pagination at the top level; non-managers see their own, 403 for another user', async () => {
    const { fake, ws, ann, bob, site, annSite, bobSite, bobPaused } = await setup();
    const all = await call(fake, `/contracts${q({ workspace_id: ws.id })}`);
    expect(all.body.pagination).toEqual({ current_page: 1, per_page: 20, total: 3, last_page: 1 });
    expect(all.body.meta?.pagination).toBeUndefined();
    expect(all.body.data).toContainEqual({
      id: bobPaused.id,
      user_id: bob.id,
      project_id: bobPaused.projectId,
      rate: null,
      weekly_hours_limit: null,
      screenshots: true,
      status: 'paused',
    });
    const active = await call(
      fake,
      `/contracts${q({ workspace_id: ws.id, user_id: bob.id, status: 'active' })}`,
    );
    expect((active.body.data as { id: number }[]).map((c) => c.id)).toEqual([bobSite.id]);
    const bySite = await call(fake, `/contracts${q({ workspace_id: ws.id, project_id: site.id })}`);
    expect((bySite.body.data as { id: number }[]).map((c) => c.id)).toEqual([
      annSite.id,
      bobSite.id,
    ]);
    const bobs = await call(fake, `/contracts${q({ workspace_id: ws.id })}`, { token: 'tok-bob' });
    expect((bobs.body.data as { user_id: number }[]).every((c) => c.user_id === bob.id)).toBe(true);
    expect(bobs.body.data).toHaveLength(2);
    expectError(
      await call(fake, `/contracts${q({ workspace_id: ws.id, user_id: ann.id })}`, {
        token: 'tok-bob',
      }),
      403,
      /^Only workspace owners and executive managers can/,
    );
  });

  it('tasks: project_id is required (422 errors.project_id); status filter; fields', async () => {
    const { fake, ws, site, design } = await setup();
    fake.addTask({ projectId: site.id, title: 'Done thing', status: 20 });
    const missing = await call(fake, `/tasks${q({ workspace_id: ws.id })}`);
    expectError(missing, 422, 'Validation failed');
    expect(Object.keys(missing.body.errors ?? {})).toEqual(['project_id']);
    const doing = await call(
      fake,
      `/tasks${q({ workspace_id: ws.id, project_id: site.id, status: 10 })}`,
    );
    expect(doing.body.data).toEqual([
      {
        id: design.id,
        title: 'Design',
        description: null,
        project_id: site.id,
        status: 10,
        priority: 30,
        assignees: [],
      },
    ]);
    expect(doing.body.meta?.pagination).toMatchObject({ total: 1 });
    const all = await call(fake, `/tasks${q({ workspace_id: ws.id, project_id: site.id })}`);
    expect(all.body.data).toHaveLength(2);
    // Non-managers list tasks only of projects they hold a contract in.
    const bobs = await call(fake, `/tasks${q({ workspace_id: ws.id, project_id: site.id })}`, {
      token: 'tok-bob',
    });
    expect(bobs.body.data).toHaveLength(2);
    expectError(
      await call(fake, `/tasks${q({ workspace_id: ws.id, project_id: site.id })}`, {
        token: 'tok-eve',
      }),
      403,
      'You do not have a contract in this project.',
    );
  });

  it('unknown route 404, wrong method 405, invalid JSON 400 — all JSON envelopes', async () => {
    const { fake } = await setup();
    expectError(await call(fake, '/nope'), 404, 'Not found');
    expectError(await call(fake, '/workspaces', { method: 'POST', json: {} }), 405, /not allowed/i);
    expectError(await call(fake, '/time-tracking/start', { method: 'GET' }), 405, /not allowed/i);
    expectError(
      await call(fake, '/time-tracking/start', { raw: '{"workspace_id": 1,' }),
      400,
      'The request body is not valid JSON.',
    );
  });
});

describe('fake WebWork: start, stop and current data', () => {
  it('start returns the documented data; current-data shows it; stop books the time', async () => {
    const { fake, clock, ws, ann, site, annSite, design } = await setup();
    const start = await call(fake, '/time-tracking/start', {
      json: {
        workspace_id: ws.id,
        user_id: ann.id,
        contract_id: annSite.id,
        task_id: design.id,
        activity_description: 'Mockups',
      },
    });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({
      success: true,
      message: 'Time tracking started successfully',
      data: {
        message: 'Time tracking started successfully',
        start_time: '2026-03-02T23:30:00+00:00',
        contract_id: annSite.id,
        project_id: site.id,
        task_id: design.id,
        activity_description: 'Mockups',
        user_id: ann.id,
        user_name: 'Ann Lee',
        user_email: 'ann@example.com',
        project_name: 'Website',
      },
    });
    expect(fake.tracker(ann.id, ws.id)).toMatchObject({ source: 'api', start: T0 });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/time-tracking/start',
      bodyKeys: ['workspace_id', 'user_id', 'contract_id', 'task_id', 'activity_description'],
      body: expect.objectContaining({ activity_description: 'Mockups' }),
    });

    clock.advance(125_000);
    const cur = await call(
      fake,
      `/time-tracking/current-data${q({ workspace_id: ws.id, user_id: ann.id })}`,
    );
    expect(cur.body.data).toEqual({
      contract_id: annSite.id,
      user_id: ann.id,
      activity_description: 'Mockups',
      task_id: design.id,
      task_title: 'Design',
      total_seconds: 5,
      total_minutes: 2,
      date: '2026-03-02',
    });

    const stop = await call(fake, '/time-tracking/stop', {
      json: { workspace_id: ws.id, user_id: ann.id },
    });
    expect(stop.body).toMatchObject({
      success: true,
      message: 'Time tracking stopped successfully',
      data: {
        message: 'Time tracking stopped successfully',
        stopped_at: '2026-03-02T23:32:05+00:00',
      },
    });
    expect(fake.tracker(ann.id, ws.id)).toBeNull();
    expect(fake.timelineMinutes(ann.id, ws.id)).toBe(2);
  });

  it('totals = Timeline minutes + running seconds; date in the configured zone', async () => {
    const { fake, clock, ws, bob } = await setup({
      timeZone: 'Europe/Madrid',
      idleForm: 'empty-200',
    });
    fake.setTimelineMinutes(bob.id, ws.id, 95);
    const path = `/time-tracking/current-data${q({ workspace_id: ws.id, user_id: bob.id })}`;
    const idle = await call(fake, path);
    expect(idle.body.data).toMatchObject({
      total_minutes: 95,
      total_seconds: 0,
      date: '2026-03-03',
    });
    fake.remoteStart(bob.id, ws.id, { description: 'From the browser' });
    clock.advance(3 * 60_000 + 59_000);
    const running = await call(fake, path);
    expect(running.body.data).toMatchObject({
      contract_id: null,
      activity_description: 'From the browser',
      task_id: null,
      task_title: null,
      total_minutes: 98,
      total_seconds: 59,
    });
    clock.advance(1_000);
    expect((await call(fake, path)).body.data).toMatchObject({
      total_minutes: 99,
      total_seconds: 0,
    });
    expect(fake.remoteStop(bob.id, ws.id)).not.toBeNull();
    expect(fake.timelineMinutes(bob.id, ws.id)).toBe(99);
    // remote start/stop are not API calls: only the three GETs are logged.
    expect(fake.requests).toHaveLength(3);
  });

  it('the three idle forms: 404, 400 and an empty 200', async () => {
    const { fake, ws, bob } = await setup();
    fake.setTimelineMinutes(bob.id, ws.id, 7);
    const path = `/time-tracking/current-data${q({ workspace_id: ws.id, user_id: bob.id })}`;
    expectError(await call(fake, path), 404, 'No active tracker found for this user');
    fake.configure({ idleForm: 'error-400' });
    expectError(await call(fake, path), 400, 'No active tracker found for this user');
    fake.configure({ idleForm: 'empty-200' });
    const empty = await call(fake, path);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      success: true,
      data: {
        contract_id: null,
        user_id: bob.id,
        activity_description: null,
        task_id: null,
        task_title: null,
        total_seconds: 0,
        total_minutes: 7,
        date: '2026-03-02',
      },
    });
  });

  it('a desktop tracker is invisible to current-data but blocks a start', async () => {
    const { fake, ws, bob, bobSite } = await setup();
    fake.remoteStart(bob.id, ws.id, { source: 'desktop', contractId: bobSite.id });
    const path = `/time-tracking/current-data${q({ workspace_id: ws.id, user_id: bob.id })}`;
    expectError(await call(fake, path), 404, 'No active tracker found for this user');
    expectError(
      await call(fake, '/time-tracking/start', { json: { workspace_id: ws.id, user_id: bob.id } }),
      400,
      'User is already tracking time. Stop the current tracker first.',
    );
    fake.remoteStart(bob.id, ws.id, { source: 'browser', contractId: bobSite.id });
    expect((await call(fake, path)).body.data).toMatchObject({ contract_id: bobSite.id });
  });

  it('one tracker per user across workspaces; a remote start replaces the running one and books it', async () => {
    const { fake, clock, ws, other, bob } = await setup();
    fake.remoteStart(bob.id, ws.id);
    clock.advance(10 * 60_000);
    expectError(
      await call(fake, '/time-tracking/start', {
        token: 'tok-bob',
        json: { workspace_id: other.id, user_id: bob.id },
      }),
      400,
      'User is already tracking time. Stop the current tracker first.',
      clock.t,
    );
    fake.remoteStart(bob.id, other.id, { description: 'Side work' });
    expect(fake.tracker(bob.id, ws.id)).toBeNull();
    expect(fake.tracker(bob.id, other.id)).toMatchObject({ description: 'Side work' });
    expect(fake.timelineMinutes(bob.id, ws.id)).toBe(10);
    expect(fake.remoteStop(bob.id, ws.id)).toBeNull();
    expect(() => fake.remoteStart(bob.id, ws.id, { taskId: 1 })).toThrow();
  });

  it('current-data: 422 without ids, 403 for a regular user asking for someone else, self allowed, 404 for a non-member', async () => {
    const { fake, ws, ann, bob } = await setup();
    const currentData = (userId: number, token = 'tok-ann'): Promise<Answer> =>
      call(fake, `/time-tracking/current-data${q({ workspace_id: ws.id, user_id: userId })}`, {
        token,
      });
    const missing = await call(fake, '/time-tracking/current-data');
    expectError(missing, 422, 'Validation failed');
    expect(Object.keys(missing.body.errors ?? {}).sort()).toEqual(['user_id', 'workspace_id']);
    expectError(
      await currentData(ann.id, 'tok-bob'),
      403,
      /^Only workspace owners and executive managers can/,
    );
    expectError(await currentData(bob.id, 'tok-bob'), 404, 'No active tracker found for this user');
    const stranger = fake.addUser({ email: 'zed@example.com' });
    expectError(await currentData(stranger.id), 404, 'User is not a member of this workspace.');
  });

  it('refuses starts: already tracking, task without contract, wrong-project task, paused or foreign contract, long description, acting for others', async () => {
    const { fake, ws, ann, bob, annSite, bobSite, bobPaused, design, appTask } = await setup();
    const start = (body: Record<string, unknown>, token = 'tok-ann'): Promise<Answer> =>
      call(fake, '/time-tracking/start', { json: { workspace_id: ws.id, ...body }, token });

    const noUser = await call(fake, '/time-tracking/start', { json: { workspace_id: ws.id } });
    expectError(noUser, 422, 'Validation failed');
    expect(noUser.body.errors).toEqual({ user_id: ['The user id field is required.'] });

    const taskOnly = await start({ user_id: bob.id, task_id: design.id });
    expectError(taskOnly, 422, 'Validation failed');
    expect(taskOnly.body.errors).toEqual({
      task_id: ['The task id can only be provided together with a contract id.'],
    });

    const wrongTask = await start({
      user_id: bob.id,
      contract_id: bobSite.id,
      task_id: appTask.id,
    });
    expectError(wrongTask, 422, 'Validation failed');
    expect(Object.keys(wrongTask.body.errors ?? {})).toEqual(['task_id']);

    const paused = await start({ user_id: bob.id, contract_id: bobPaused.id });
    expectError(paused, 422, 'Validation failed');
    expect(paused.body.errors).toEqual({ contract_id: ['The contract is paused.'] });

    const foreign = await start({ user_id: bob.id, contract_id: annSite.id });
    expect(Object.keys(foreign.body.errors ?? {})).toEqual(['contract_id']);
    const unknown = await start({ user_id: bob.id, contract_id: 1 });
    expect(unknown.body.errors).toEqual({ contract_id: ['The selected contract id is invalid.'] });

    const long = await start({ user_id: bob.id, activity_description: 'x'.repeat(256) });
    expectError(long, 422, 'Validation failed');
    expect(Object.keys(long.body.errors ?? {})).toEqual(['activity_description']);
    expect((await start({ user_id: bob.id, activity_description: 'x'.repeat(255) })).status).toBe(
      200,
    );
    expect(fake.tracker(bob.id, ws.id)).toMatchObject({ description: 'x'.repeat(255) });

    expectError(
      await start({ user_id: ann.id }, 'tok-bob'),
      403,
      /^Only workspace owners and executive managers can/,
    );
    expectError(
      await start({ user_id: bob.id, contract_id: bobSite.id }, 'tok-bob'),
      400,
      'User is already tracking time. Stop the current tracker first.',
    );
    // None of the refusals started anything.
    expect(fake.tracker(ann.id, ws.id)).toBeNull();
    expect(fake.tracker(bob.id, ws.id)?.contractId).toBeNull();
  });

  it('a regular user starts and stops their own tracker (stop without a body)', async () => {
    const { fake, ws, bob, bobSite, design } = await setup();
    const start = await call(fake, '/time-tracking/start', {
      token: 'tok-bob',
      json: {
        workspace_id: String(ws.id),
        user_id: bob.id,
        contract_id: bobSite.id,
        task_id: design.id,
      },
    });
    expect(start.status).toBe(200);
    expect(fake.tracker(bob.id, ws.id)).toMatchObject({
      contractId: bobSite.id,
      taskId: design.id,
    });
    const stop = await call(fake, '/time-tracking/stop', { method: 'POST', token: 'tok-bob' });
    expect(stop.status).toBe(200);
    expect(stop.body.data).toMatchObject({ stopped_at: '2026-03-02T23:30:00+00:00' });
    expect(fake.tracker(bob.id, ws.id)).toBeNull();
    expect(fake.requests[1]).toMatchObject({ body: null, bodyKeys: [] });
  });

  it('stop while idle is a 400 in both forms; a manager stops a member with a body; 403 for a regular user', async () => {
    const { fake, ws, ann, bob } = await setup();
    const noTracker = 'User does not have an active tracker.';
    expectError(await call(fake, '/time-tracking/stop', { method: 'POST' }), 400, noTracker);
    expectError(
      await call(fake, '/time-tracking/stop', { json: { workspace_id: ws.id, user_id: bob.id } }),
      400,
      noTracker,
    );
    fake.remoteStart(ann.id, ws.id);
    expectError(
      await call(fake, '/time-tracking/stop', {
        json: { workspace_id: ws.id, user_id: ann.id },
        token: 'tok-bob',
      }),
      403,
      /^Only workspace owners and executive managers can/,
    );
    fake.remoteStart(bob.id, ws.id);
    const stop = await call(fake, '/time-tracking/stop', {
      json: { workspace_id: ws.id, user_id: bob.id },
    });
    expect(stop.status).toBe(200);
    expect(fake.tracker(bob.id, ws.id)).toBeNull();
    expect(fake.tracker(ann.id, ws.id)).not.toBeNull();
    const partial = await call(fake, '/time-tracking/stop', { json: { workspace_id: ws.id } });
    expectError(partial, 422, 'Validation failed');
  });

  it('variant B requires contract_id on start; the body-less stop still works', async () => {
    const { fake, ws, bob, bobSite } = await setup({ variant: 'B' });
    const bare = await call(fake, '/time-tracking/start', {
      token: 'tok-bob',
      json: { workspace_id: ws.id, user_id: bob.id },
    });
    expectError(bare, 422, 'Validation failed');
    expect(bare.body.errors).toEqual({ contract_id: ['The contract id field is required.'] });
    const ok = await call(fake, '/time-tracking/start', {
      token: 'tok-bob',
      json: { workspace_id: ws.id, user_id: bob.id, contract_id: bobSite.id },
    });
    expect(ok.status).toBe(200);
    expect(
      (await call(fake, '/time-tracking/stop', { method: 'POST', token: 'tok-bob' })).status,
    ).toBe(200);
  });
});

describe('fake WebWork: rate limit, faults and request log', () => {
  it('429 with Retry-After after 60 requests in a minute, per user; recovers when the window slides', async () => {
    const { fake, clock, ann } = await setup();
    for (let i = 0; i < 60; i++) {
      const ok = await call(fake, '/workspaces');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('60');
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(59 - i));
      if (i === 29) clock.advance(20_000);
    }
    clock.advance(5_000); // 25 s after the first request
    const over = await call(fake, '/workspaces');
    expectError(over, 429, 'Too Many Attempts.', clock.t);
    expect(over.headers.get('retry-after')).toBe('35');
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    // Another user has their own budget.
    expect((await call(fake, '/workspaces', { token: 'tok-bob' })).status).toBe(200);
    // After the first 30 leave the window, 30 slots are free again.
    clock.advance(35_000);
    const back = await call(fake, '/workspaces');
    expect(back.status).toBe(200);
    expect(back.headers.get('x-ratelimit-remaining')).toBe('29');
    expect(fake.maxRequestsInWindow({ status: 200, callerId: ann.id })).toBe(60);
    expect(fake.requestsBy({ status: 429 })).toHaveLength(1);
  });

  it('slow delays, reset drops the socket, html502 sends a gateway page — before auth', async () => {
    const { fake } = await setup();
    fake.fault('slow', '/workspaces', { ms: 120, times: 1 });
    const t = Date.now();
    expect((await call(fake, '/workspaces')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);

    fake.fault('reset', '/workspaces', { times: 1 });
    await expect(call(fake, '/workspaces')).rejects.toThrow();

    fake.fault('html502', 'GET /members', { times: 1 });
    const html = await call(fake, '/members', { token: null });
    expect(html.status).toBe(502);
    expect(html.type).toBe('text/html');
    expect(html.text).toContain('502 Bad Gateway');
    expect((await call(fake, '/members', { token: null })).status).toBe(401);
    expect(fake.requests.map((r) => r.notes)).toEqual([['slow'], ['reset'], ['html502'], []]);
    expect(fake.requests.map((r) => [r.status, r.success])).toEqual([
      [200, true],
      [0, null],
      [502, null],
      [401, false],
    ]);
  });

  it('status500 is an envelope "Server Error"; truncatedJson and wrongShape keep the status', async () => {
    const { fake, ws } = await setup();
    fake.fault('status500', 'POST /time-tracking/*', { times: 1 });
    const err = await call(fake, '/time-tracking/stop', { method: 'POST' });
    expectError(err, 500, 'Server Error');

    fake.fault('truncatedJson', '/workspaces', { times: 1 });
    const cut = await call(fake, '/workspaces');
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text) as unknown).toThrow();

    fake.fault('wrongShape', '/members', { times: 1, body: { data: 'nope' } });
    const wrong = await call(fake, `/members${q({ workspace_id: ws.id })}`);
    expect(wrong.status).toBe(200);
    expect(JSON.parse(wrong.text)).toEqual({ data: 'nope' });
    fake.fault('wrongShape', '/workspaces', { times: 1 });
    expect(JSON.parse((await call(fake, '/workspaces')).text)).toEqual({ oops: 1 });

    expect((await call(fake, '/workspaces')).body.success).toBe(true);
    expect(fake.requests.map((r) => [r.status, r.success])).toEqual([
      [500, false],
      [200, null],
      [200, null],
      [200, null],
      [200, true],
    ]);
    fake.fault('status500');
    expect((await call(fake, '/workspaces')).status).toBe(500);
    fake.clearFaults('status500');
    expect((await call(fake, '/workspaces')).status).toBe(200);
  });

  it('filters the log by method, path, status, caller and time', async () => {
    const { fake, clock, ws, bob } = await setup();
    await call(fake, '/workspaces');
    clock.advance(61_000);
    await call(fake, `/members${q({ workspace_id: ws.id })}`, { token: 'tok-bob' });
    await call(fake, '/time-tracking/stop', { method: 'POST', token: 'tok-bob' });
    expect(fake.requestsBy({ callerId: bob.id })).toHaveLength(2);
    expect(fake.requestsBy({ path: 'POST /time-tracking/stop', status: 400 })).toHaveLength(1);
    expect(fake.requestsBy({ method: 'get', from: T0 + 1 })).toHaveLength(1);
    expect(fake.requests[1]?.query).toEqual({ workspace_id: String(ws.id) });
    expect(fake.maxRequestsInWindow()).toBe(2);
    expect(fake.maxRequestsInWindow({ windowMs: 120_000 })).toBe(3);
    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });
});
