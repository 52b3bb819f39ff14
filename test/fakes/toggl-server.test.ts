/**
 * The fake Toggl server is itself tested over real HTTP: provider tests and the benchmark are
 * only as honest as the fake's copy of Toggl's behaviour (providers.md §1.3–§1.6, §1.9).
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, closeAfterEach } from './fake-server-test-kit';
import { startFakeToggl } from './toggl-server';
import type { FakeToggl, FakeTogglOptions, FakeUser } from './toggl-server';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

const keepOpen = closeAfterEach<FakeToggl>();

async function setup(
  options: FakeTogglOptions = {},
): Promise<{ fake: FakeToggl; user: FakeUser; clock: FakeClock }> {
  const clock = new FakeClock(T0);
  const fake = await startFakeToggl({ now: clock.now, ...options });
  keepOpen(fake);
  const user = fake.addUser({ token: 'tok-1', email: 'ann@example.com', password: 'pw' });
  return { fake, user, clock };
}

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

interface CallOptions {
  method?: string;
  body?: unknown;
  auth?: string | null;
  redirect?: RequestRedirect;
  signal?: AbortSignal;
}

async function call(
  fake: FakeToggl,
  path: string,
  opts: CallOptions = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? basic('tok-1', 'api_token') : opts.auth;
  if (auth !== null) headers.Authorization = auth;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    redirect: opts.redirect ?? 'follow',
    signal: opts.signal,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

function startBody(user: FakeUser, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created_with: 'Tray Timer',
    workspace_id: user.workspaceId,
    start: new Date(T0).toISOString(),
    duration: -1,
    stop: null,
    ...extra,
  };
}

const startPath = (user: FakeUser): string => `/workspaces/${user.workspaceId}/time_entries`;

describe('fake Toggl: running entry', () => {
  it('answers exactly the 4 bytes `null` with Toggl headers when nothing runs', async () => {
    const { fake } = await setup();
    const res = await fetch(`${fake.baseUrl}/me/time_entries/current`, {
      headers: { Authorization: basic('tok-1', 'api_token') },
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(Buffer.from(bytes).toString('utf8')).toBe('null');
    expect(bytes.length).toBe(4);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, private, no-store');
    expect(res.headers.get('x-toggl-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('x-toggl-quota-remaining')).toBe('29');
    expect(res.headers.get('x-toggl-quota-resets-in')).toBe('3600');
  });

  it('shows a running entry with duration -start_epoch or -1, as switched', async () => {
    const { fake, user, clock } = await setup({ runningDuration: 'minus-epoch' });
    const created = await call(fake, startPath(user), {
      method: 'POST',
      body: startBody(user, { description: 'Write', tags: ['deep'] }),
    });
    expect(created.status).toBe(200);
    clock.advance(90_000);
    const current = JSON.parse((await call(fake, '/me/time_entries/current')).text);
    expect(current).toMatchObject({
      description: 'Write',
      start: '2026-03-02T08:00:00+00:00',
      stop: null,
      duration: -(T0 / 1000),
      tags: ['deep'],
      workspace_id: user.workspaceId,
      user_id: user.id,
      server_deleted_at: null,
    });
    expect(current.tag_ids).toHaveLength(1);

    fake.configure({ runningDuration: 'minus-one' });
    expect(JSON.parse((await call(fake, '/me/time_entries/current')).text).duration).toBe(-1);

    expect(JSON.parse(created.text).duration).toBe(-(T0 / 1000));

    // The default copies the recorded traffic: POST/PUT echo -1, GET shows -epoch.
    fake.configure({ runningDuration: 'recorded' });
    const id = JSON.parse(created.text).id as number;
    const echoed = await call(fake, `/workspaces/${user.workspaceId}/time_entries/${id}`, {
      method: 'PUT',
      body: { description: 'Write more' },
    });
    expect(JSON.parse(echoed.text)).toMatchObject({ description: 'Write more', duration: -1 });
    expect(JSON.parse((await call(fake, '/me/time_entries/current')).text).duration).toBe(
      -(T0 / 1000),
    );
  });
});

describe('fake Toggl: auth', () => {
  it('401 with an empty body and X-Authorization-Missing without the header; 403 for a bad token', async () => {
    const { fake } = await setup();
    const missing = await call(fake, '/me', { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.text).toBe('');
    expect(missing.headers.get('x-authorization-missing')).toBe('true');
    expect(missing.headers.get('x-toggl-quota-remaining')).toBeNull();

    const wrong = await call(fake, '/me', { auth: basic('nope', 'api_token') });
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.text)).toBe('Incorrect username and/or password');

    fake.configure({ errorBodies: 'text' });
    const wrongText = await call(fake, '/me', { auth: basic('nope', 'api_token') });
    expect(wrongText.text).toBe('Incorrect username and/or password');
    expect(wrongText.headers.get('content-type')).toMatch(/^text\/plain/);

    const byPassword = await call(fake, '/me', { auth: basic('ann@example.com', 'pw') });
    expect(byPassword.status).toBe(200);
    expect(JSON.parse(byPassword.text)).toMatchObject({ email: 'ann@example.com' });
    expect(fake.requestsBy({ status: 403 })).toHaveLength(2);
    expect(fake.requestsBy({ counted: true })).toHaveLength(1);
  });

  it('logs whether Authorization came, never the token', async () => {
    const { fake } = await setup();
    await call(fake, '/me');
    await call(fake, '/me', { auth: null });
    expect(fake.requests.map((r) => r.authorized)).toEqual([true, false]);
    const logged = JSON.stringify(fake.requests);
    expect(logged).not.toContain('tok-1');
    expect(logged).not.toContain(Buffer.from('tok-1:api_token').toString('base64'));
  });

  it('403 for a workspace the user is not a member of', async () => {
    const { fake } = await setup();
    const other = fake.addUser({ token: 'tok-2' });
    const res = await call(fake, `/workspaces/${other.workspaceId}/projects`);
    expect(res.status).toBe(403);
  });
});

describe('fake Toggl: start, stop, update', () => {
  it('auto-stops the running entry at the new start and returns the new one', async () => {
    const { fake, user, clock } = await setup();
    const first = JSON.parse(
      (await call(fake, startPath(user), { method: 'POST', body: startBody(user) })).text,
    );
    clock.advance(600_000);
    const secondStart = new Date(clock.t).toISOString();
    const second = await call(fake, startPath(user), {
      method: 'POST',
      body: startBody(user, { start: secondStart, description: 'Next' }),
    });
    expect(second.status).toBe(200);
    expect(JSON.parse(second.text)).toMatchObject({ description: 'Next', stop: null });
    const stopped = fake.entry(first.id);
    expect(stopped?.stop).toBe(clock.t);
    expect(fake.wireEntry(first.id)).toMatchObject({
      stop: '2026-03-02T08:10:00+00:00',
      duration: 600,
    });
    expect(fake.runningEntry(user.id)?.description).toBe('Next');
  });

  it('stops once, then answers 409 "Time entry already stopped"; 404 for an unknown id', async () => {
    const { fake, user, clock } = await setup();
    const entry = JSON.parse(
      (await call(fake, startPath(user), { method: 'POST', body: startBody(user) })).text,
    );
    clock.advance(65_500);
    const stopPath = `/workspaces/${user.workspaceId}/time_entries/${entry.id}/stop`;
    const stop = await call(fake, stopPath, { method: 'PATCH' });
    expect(stop.status).toBe(200);
    expect(JSON.parse(stop.text)).toMatchObject({
      id: entry.id,
      stop: '2026-03-02T08:01:05+00:00',
      duration: 65,
    });
    const again = await call(fake, stopPath, { method: 'PATCH' });
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text)).toBe('Time entry already stopped');
    const unknown = await call(fake, `/workspaces/${user.workspaceId}/time_entries/42/stop`, {
      method: 'PATCH',
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toBe('Time entry not found');
    expect((await call(fake, '/me/time_entries/current')).text).toBe('null');
  });

  it('validates the start body with 400 JSON-string messages', async () => {
    const { fake, user } = await setup();
    const post = (body: Record<string, unknown>): ReturnType<typeof call> =>
      call(fake, startPath(user), { method: 'POST', body });
    const noCreatedWith = startBody(user);
    delete noCreatedWith.created_with;
    for (const body of [
      noCreatedWith,
      startBody(user, { workspace_id: user.workspaceId + 1 }),
      startBody(user, { start: undefined }),
      startBody(user, { start: '2026-03-02 08:00' }),
      startBody(user, { project_id: 999 }),
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof JSON.parse(res.text)).toBe('string');
    }
    expect(fake.entries(user.id)).toHaveLength(0);
  });

  it('stores project, task, tags and billable, and PUT changes only what is sent', async () => {
    const { fake, user, clock } = await setup();
    const project = fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
    const task = fake.addTask({ projectId: project.id, name: 'Design' });
    const created = JSON.parse(
      (
        await call(fake, `${startPath(user)}?meta=true`, {
          method: 'POST',
          body: startBody(user, {
            description: 'Mockups',
            project_id: project.id,
            task_id: task.id,
            tags: ['a', 'b'],
            billable: true,
          }),
        })
      ).text,
    );
    expect(created).toMatchObject({
      project_id: project.id,
      task_id: task.id,
      tags: ['a', 'b'],
      billable: true,
      project_name: 'Site',
      task_name: 'Design',
    });
    clock.advance(1000);
    const put = await call(fake, `/workspaces/${user.workspaceId}/time_entries/${created.id}`, {
      method: 'PUT',
      body: { description: 'Wireframes' },
    });
    expect(JSON.parse(put.text)).toMatchObject({
      description: 'Wireframes',
      project_id: project.id,
      tags: ['a', 'b'],
      at: new Date(clock.t).toISOString(),
    });
    const entryPath = `/workspaces/${user.workspaceId}/time_entries/${created.id}`;
    const mismatch = await call(fake, entryPath, {
      method: 'PUT',
      body: { project_id: fake.addProject({ workspaceId: user.workspaceId, name: 'B' }).id },
    });
    expect(mismatch.status).toBe(400); // the task belongs to another project
    const cleared = await call(fake, entryPath, {
      method: 'PUT',
      body: { project_id: null, task_id: null },
    });
    expect(JSON.parse(cleared.text)).toMatchObject({ project_id: null, task_id: null });
    expect(JSON.parse((await call(fake, `/me/time_entries/${created.id}`)).text)).toMatchObject({
      id: created.id,
      description: 'Wireframes',
    });
  });

  it("PUT moves a running entry's start (it keeps running); future start, foreign project, unknown id refused", async () => {
    const { fake, user, clock } = await setup();
    const created = JSON.parse(
      (await call(fake, startPath(user), { method: 'POST', body: startBody(user) })).text,
    );
    clock.advance(HOUR);
    const entryPath = `/workspaces/${user.workspaceId}/time_entries/${created.id}`;
    const earlier = new Date(T0 - 15 * 60_000).toISOString().replace('.000Z', 'Z');
    const moved = await call(fake, entryPath, {
      method: 'PUT',
      body: { start: earlier, duration: -1 },
    });
    expect(moved.status).toBe(200);
    expect(JSON.parse(moved.text)).toMatchObject({
      start: earlier.replace('Z', '+00:00'),
      stop: null,
      duration: -1,
    });
    expect(JSON.parse((await call(fake, '/me/time_entries/current')).text)).toMatchObject({
      id: created.id,
      start: earlier.replace('Z', '+00:00'),
      duration: -Math.floor((T0 - 15 * 60_000) / 1000),
    });

    const future = await call(fake, entryPath, {
      method: 'PUT',
      body: { start: new Date(clock.t + 60_000).toISOString() },
    });
    expect(future.status).toBe(400);
    expect(JSON.parse(future.text)).toBe(
      'Start time of a running time entry cannot be in the future',
    );

    const other = fake.addWorkspace({ userId: user.id, name: 'Other' });
    const foreign = fake.addProject({ workspaceId: other.id, name: 'Elsewhere' });
    const wrongWs = await call(fake, entryPath, {
      method: 'PUT',
      body: { project_id: foreign.id },
    });
    expect(wrongWs.status).toBe(400);
    expect(JSON.parse(wrongWs.text)).toBe('Invalid project_id');

    const unknown = await call(fake, `/workspaces/${user.workspaceId}/time_entries/999999`, {
      method: 'PUT',
      body: { description: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toBe('Time entry not found');
    // Nothing refused changed the entry; every request is in the log.
    expect(fake.entry(created.id)).toMatchObject({ start: T0 - 15 * 60_000, stop: null });
    expect(fake.requestsBy({ method: 'PUT' }).map((r) => r.status)).toEqual([200, 400, 400, 404]);
  });
});

describe('fake Toggl: lists', () => {
  it('rejects since+before with the recorded 400 string, and since includes deleted entries', async () => {
    const { fake, user, clock } = await setup();
    const both = await call(fake, '/me/time_entries?since=1&before=2026-03-01');
    expect(both.status).toBe(400);
    expect(both.text).toBe(`"'since' and 'before' can not be present simultaneously"`);

    const old = fake.addEntry(user.id, { start: T0 - HOUR, stop: T0 - HOUR / 2 });
    const kept = fake.addEntry(user.id, { start: T0 - HOUR / 2, stop: T0 - HOUR / 4 });
    clock.advance(60_000);
    const since = Math.floor(clock.t / 1000);
    fake.remoteDelete(old.id);
    const changed = JSON.parse((await call(fake, `/me/time_entries?since=${since}`)).text);
    expect(changed.map((e: { id: number }) => e.id)).toEqual([old.id]);
    expect(changed[0].server_deleted_at).toBe(new Date(clock.t).toISOString());
    const plain = JSON.parse((await call(fake, '/me/time_entries')).text);
    expect(plain.map((e: { id: number }) => e.id)).toEqual([kept.id]);
  });

  it('lists projects and tasks with since and archived filters; workspace tasks are paginated', async () => {
    const { fake, user, clock } = await setup();
    const wid = user.workspaceId;
    const live = fake.addProject({ workspaceId: wid, name: 'Live', clientName: 'ACME' });
    const archived = fake.addProject({ workspaceId: wid, name: 'Old', active: false });
    for (let i = 0; i < 3; i++) fake.addTask({ projectId: live.id, name: `T${i}` });
    fake.addTask({ projectId: live.id, name: 'Done', active: false });

    const names = (text: string): string[] =>
      (JSON.parse(text) as { name: string }[]).map((p) => p.name);
    expect(names((await call(fake, '/me/projects')).text)).toEqual(['Live']);
    expect(names((await call(fake, '/me/projects?include_archived=true')).text)).toEqual([
      'Live',
      'Old',
    ]);
    const [project] = JSON.parse((await call(fake, '/me/projects')).text);
    expect(project).toMatchObject({ id: live.id, client_id: live.clientId, active: true });
    expect(project).not.toHaveProperty('client_name');
    expect(names((await call(fake, '/me/clients')).text)).toEqual(['ACME']);

    clock.advance(5000);
    const since = Math.floor(clock.t / 1000);
    fake.remoteEditProject(archived.id, { name: 'Old (renamed)' });
    expect(names((await call(fake, `/me/projects?since=${since}`)).text)).toEqual([
      'Old (renamed)',
    ]);

    expect(names((await call(fake, '/me/tasks')).text)).toHaveLength(3);
    expect(names((await call(fake, '/me/tasks?include_not_active=true')).text)).toHaveLength(4);
    const page = JSON.parse((await call(fake, `/workspaces/${wid}/tasks?per_page=2&page=2`)).text);
    expect(page).toMatchObject({ page: 2, per_page: 2, total_count: 3 });
    expect(page.data.map((t: { name: string }) => t.name)).toEqual(['T2']);
  });

  it('answers /me, workspaces, organizations and quota', async () => {
    const { fake, user } = await setup();
    const me = JSON.parse((await call(fake, '/me')).text);
    expect(me).toMatchObject({ id: user.id, default_workspace_id: user.workspaceId });
    const related = JSON.parse((await call(fake, '/me?with_related_data=true')).text);
    expect(related.workspaces).toHaveLength(1);
    const [ws] = JSON.parse((await call(fake, '/me/workspaces')).text);
    expect(ws).toMatchObject({ id: user.workspaceId, organization_id: user.organizationId });
    const [org] = JSON.parse((await call(fake, '/me/organizations')).text);
    expect(org).toMatchObject({ id: user.organizationId, pricing_plan_name: 'Free' });
    const quota = JSON.parse((await call(fake, '/me/quota')).text);
    expect(quota).toEqual([
      { organization_id: null, remaining: 25, resets_in_secs: 3600, total: 30 },
      { organization_id: user.organizationId, remaining: 30, resets_in_secs: 0, total: 30 },
    ]);
    expect((await call(fake, '/me/nothing')).status).toBe(404);
  });
});

describe('fake Toggl: hourly quota', () => {
  it('counts a 60-minute sliding window per user: 30 pass, the 31st is a 402 text, then one more after the oldest expires', async () => {
    const { fake, clock } = await setup();
    const remaining: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await call(fake, '/me/time_entries/current');
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-toggl-quota-remaining') ?? '');
      if (i === 0) clock.advance(10 * 60_000); // the oldest is 10 min older than the rest
    }
    expect(remaining[0]).toBe('29');
    expect(remaining[29]).toBe('0');

    clock.advance(5 * 60_000); // 15 min after the first request
    const over = await call(fake, '/me/time_entries/current');
    expect(over.status).toBe(402);
    expect(over.text).toBe(
      'You have hit your hourly limit for API calls. The quota will reset in 2700 seconds.',
    );
    expect(over.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(over.headers.get('x-toggl-quota-remaining')).toBe('0');
    expect(over.headers.get('x-toggl-quota-resets-in')).toBe('2700');

    clock.advance(2700 * 1000 - 1);
    expect((await call(fake, '/me')).status).toBe(402); // not yet: 1 ms left
    clock.advance(1);
    const again = await call(fake, '/me');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-toggl-quota-remaining')).toBe('0');
    // The next oldest was made 10 minutes after the first: it expires in 600 s.
    expect(again.headers.get('x-toggl-quota-resets-in')).toBe('600');
    expect((await call(fake, '/me')).status).toBe(402);

    expect(fake.counts).toMatchObject({ status402: 3, quota402: 3, plan402: 0 });
    expect(fake.requestsBy({ status: 402 }).every((r) => !r.counted)).toBe(true);
    expect(fake.maxRequestsInWindow({ bucket: 'user', counted: true })).toBe(30);
    // Sent, rejects included: from +10 min, 29 answered + 3 rejected + 1 answered at +60 min.
    expect(fake.maxRequestsInWindow({ bucket: 'user' })).toBe(33);
    expect(fake.maxRequestsInWindow({ bucket: 'user', windowMs: 10 * 60_000 })).toBe(30);
  });

  it('keeps the user bucket and each organization bucket independent', async () => {
    const { fake, user } = await setup({ quota: { user: 2, org: 3 } });
    const premium = fake.addWorkspace({ userId: user.id, orgQuota: 600 });
    for (let i = 0; i < 2; i++) expect((await call(fake, '/me')).status).toBe(200);
    expect((await call(fake, '/me')).status).toBe(402);

    const wsPath = `/workspaces/${user.workspaceId}/projects`;
    const orgHeaders: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(fake, wsPath);
      expect(res.status).toBe(200);
      orgHeaders.push(res.headers.get('x-toggl-quota-remaining'));
    }
    expect(orgHeaders).toEqual(['2', '1', '0']);
    expect((await call(fake, wsPath)).status).toBe(402);

    const other = await call(fake, `/workspaces/${premium.id}/projects`);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-toggl-quota-remaining')).toBe('599');

    expect(fake.requestsBy({ bucket: 'org', organizationId: user.organizationId })).toHaveLength(4);
    expect(fake.quota(user.id)).toMatchObject({ remaining: 0, total: 2 });
    expect(fake.quota(user.id, premium.organizationId)).toMatchObject({ remaining: 599 });
  });

  it('answers a plan-feature 402 with quota left', async () => {
    const { fake, user } = await setup();
    fake.planFeature402('GET /workspaces/*/tasks', { times: 1 });
    const res = await call(fake, `/workspaces/${user.workspaceId}/tasks`);
    expect(res.status).toBe(402);
    expect(JSON.parse(res.text)).toBe(
      'Request tried to utilized Premium functionality on workspace which is not Premium!',
    );
    expect(Number(res.headers.get('x-toggl-quota-remaining'))).toBeGreaterThan(0);
    expect((await call(fake, `/workspaces/${user.workspaceId}/tasks`)).status).toBe(200);
    expect(fake.counts).toMatchObject({ plan402: 1, quota402: 0 });
  });

  it('answers 429 to bursts faster than the limit, with Retry-After when switched on', async () => {
    const { fake, clock } = await setup({ burst: { perSecond: 1, retryAfter: true } });
    expect((await call(fake, '/me')).status).toBe(200);
    clock.advance(500);
    const burst = await call(fake, '/me');
    expect(burst.status).toBe(429);
    expect(burst.headers.get('retry-after')).toBe('1');
    clock.advance(500);
    expect((await call(fake, '/me')).status).toBe(200);
    expect(fake.counts.status429).toBe(1);
    expect(fake.requestsBy({ counted: true })).toHaveLength(2);
  });
});

describe('fake Toggl: fault switches', () => {
  it('slow: delays the answer (in real time) until the client gives up', async () => {
    const { fake } = await setup();
    fake.fault('slow', '/me', { ms: 2000, times: 1 });
    const started = Date.now();
    await expect(call(fake, '/me', { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await call(fake, '/me')).status).toBe(200);
  });

  it('reset: the socket closes without an answer, for the next N requests only', async () => {
    const { fake } = await setup();
    fake.fault('reset', '/me/time_entries/current', { times: 1 });
    await expect(call(fake, '/me/time_entries/current')).rejects.toThrow(/fetch failed/);
    expect((await call(fake, '/me/time_entries/current')).status).toBe(200);
    expect(fake.requests[0]).toMatchObject({ status: 0, notes: ['reset'], counted: false });
  });

  it('html502: a gateway HTML page, not counted in the quota', async () => {
    const { fake } = await setup();
    fake.fault('html502', '/me/**');
    const res = await call(fake, '/me/time_entries/current');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toContain('<h1>502 Bad Gateway</h1>');
    expect((await call(fake, '/me')).status).toBe(200); // '/me/**' does not match '/me'
    fake.clearFaults('html502');
    expect((await call(fake, '/me/time_entries/current')).status).toBe(200);
    expect(fake.requestsBy({ counted: true })).toHaveLength(2);
  });

  it('status500: "Internal Server Error" as a JSON string', async () => {
    const { fake } = await setup();
    fake.fault('status500', 'GET /me', { times: 2 });
    expect((await call(fake, '/me')).status).toBe(500);
    const res = await call(fake, '/me');
    expect(JSON.parse(res.text)).toBe('Internal Server Error');
    expect((await call(fake, '/me')).status).toBe(200);
  });

  it('truncatedJson and wrongShape spoil an otherwise normal answer', async () => {
    const { fake, user } = await setup();
    fake.addEntry(user.id, { description: 'running' });
    fake.fault('truncatedJson', '/me/time_entries/current', { times: 1 });
    const cut = await call(fake, '/me/time_entries/current');
    expect(cut.status).toBe(200);
    expect(cut.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(() => JSON.parse(cut.text)).toThrow();

    fake.fault('wrongShape', '/me/time_entries/current', { times: 1 });
    expect(JSON.parse((await call(fake, '/me/time_entries/current')).text)).toEqual({ oops: 1 });
    fake.fault('wrongShape', '/me/time_entries/current', { times: 1, body: [1, 2] });
    expect(JSON.parse((await call(fake, '/me/time_entries/current')).text)).toEqual([1, 2]);
    expect(JSON.parse((await call(fake, '/me/time_entries/current')).text)).toMatchObject({
      description: 'running',
    });
  });

  it('redirect: 307 to another origin, which sees whether Authorization came along', async () => {
    const { fake } = await setup();
    const elsewhere = await startFakeToggl();
    keepOpen(elsewhere);
    fake.redirect('/me', `${elsewhere.baseUrl}/me`, { times: 1 });
    const manual = await call(fake, '/me', { redirect: 'manual' });
    expect(manual.status).toBe(307);
    expect(manual.headers.get('location')).toBe(`${elsewhere.baseUrl}/me`);
    fake.redirect('/me', `${elsewhere.baseUrl}/me`, { times: 1 });
    await call(fake, '/me', { auth: null });
    // The other server logs the followed request (and whether it carried Authorization).
    expect(elsewhere.requests).toMatchObject([{ path: '/me', authorized: false, status: 401 }]);
    expect(fake.requests[0]).toMatchObject({ status: 307, bucket: null, counted: false });
  });
});

describe('fake Toggl: another device', () => {
  it('changes state without logging requests, and the changes show up in since= reads', async () => {
    const { fake, user, clock } = await setup();
    const started = fake.remoteStart(user.id, { description: 'phone' });
    clock.advance(120_000);
    fake.remoteEdit(started.id, { description: 'phone, renamed' });
    expect(fake.requests).toHaveLength(0);
    const current = JSON.parse((await call(fake, '/me/time_entries/current')).text);
    expect(current.description).toBe('phone, renamed');
    clock.advance(60_000);
    const stopped = fake.remoteStop(user.id);
    expect(stopped?.stop).toBe(clock.t);
    expect((await call(fake, '/me/time_entries/current')).text).toBe('null');
    const since = JSON.parse(
      (await call(fake, `/me/time_entries?since=${Math.floor(clock.t / 1000)}`)).text,
    );
    expect(since).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
  });
});
