/**
 * The fake TrackingTime server is itself tested over real HTTP: provider tests and the benchmark
 * are only as honest as the fake's copy of TrackingTime's behaviour (providers.md §2).
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FakeClock, closeAfterEach } from './fake-server-test-kit';
import { formatLocal, parseLocal, startFakeTrackingTime } from './trackingtime-server';
import type {
  FakeProject,
  FakeTask,
  FakeTrackingTime,
  FakeTrackingTimeOptions,
  FakeUser,
} from './trackingtime-server';

// 2026-03-02 08:00 UTC = 09:00 in Madrid (CET, +01:00).
const T0 = Date.parse('2026-03-02T08:00:00Z');
const UA = 'TrayTimer/0.1.0 (https://github.com/tray-timer/tray-timer)';

const keepOpen = closeAfterEach<FakeTrackingTime>();

interface World {
  fake: FakeTrackingTime;
  clock: FakeClock;
  ann: FakeUser;
  bob: FakeUser;
  site: FakeProject;
  design: FakeTask;
  shared: FakeTask;
}

async function setup(options: FakeTrackingTimeOptions = {}): Promise<World> {
  const clock = new FakeClock(T0);
  const fake = await startFakeTrackingTime({ now: clock.now, ...options });
  keepOpen(fake);
  const acc = fake.addAccount({ company: 'ACME' });
  const ann = fake.addUser({
    email: 'ann@example.com',
    password: 'pw',
    appPassword: 'app-1',
    firstName: 'Ann',
    lastName: 'Lee',
    timezone: 'Europe/Madrid',
    accountId: acc.id,
  });
  const bob = fake.addUser({
    email: 'bob@example.com',
    appPassword: 'app-bob',
    firstName: 'Bob',
    timezone: 'America/New_York',
    accountId: acc.id,
  });
  const site = fake.addProject({ accountId: acc.id, name: 'Site', customer: 'ACME Corp' });
  const design = fake.addTask({ projectId: site.id, name: 'Design', userIds: [ann.id] });
  const shared = fake.addTask({ projectId: site.id, name: 'Review', userIds: [ann.id, bob.id] });
  return { fake, clock, ann, bob, site, design, shared };
}

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

interface CallOptions {
  method?: string;
  auth?: string | null;
  ua?: string | null;
  json?: Record<string, unknown>;
  form?: Record<string, string>;
  gzipJson?: Record<string, unknown>;
  signal?: AbortSignal;
}

interface Envelope {
  response: { status: number; message: string; version: string };
  data: unknown;
}

async function call(
  fake: FakeTrackingTime,
  path: string,
  opts: CallOptions = {},
): Promise<{ status: number; text: string; type: string | null; body: Envelope }> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? basic('API_TOKEN', 'app-1') : opts.auth;
  if (auth !== null) headers.Authorization = auth;
  const ua = opts.ua === undefined ? UA : opts.ua;
  if (ua !== null) headers['User-Agent'] = ua;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (opts.json) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.gzipJson) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Encoding'] = 'gzip';
    body = new Uint8Array(gzipSync(JSON.stringify(opts.gzipJson)));
  }
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: opts.signal,
  });
  const text = await res.text();
  let parsed: Envelope = { response: { status: -1, message: '', version: '' }, data: null };
  try {
    parsed = JSON.parse(text) as Envelope;
  } catch {
    // Non-JSON answers are checked through `text`.
  }
  return { status: res.status, text, type: res.headers.get('content-type'), body: parsed };
}

/** node:http sends no User-Agent at all (fetch always adds `node`). */
function rawGetWithoutUserAgent(fake: FakeTrackingTime, path: string): Promise<Envelope> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${fake.baseUrl}${path}`,
      { headers: { Authorization: basic('API_TOKEN', 'app-1') } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text) as Envelope));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const q = (params: Record<string, string>): string => `?${new URLSearchParams(params).toString()}`;

interface WireTask {
  id: number;
  tracking: boolean;
  users: { id: number; event: { start: string; end: null } | null }[];
}

describe('fake TrackingTime: envelope and auth', () => {
  it('wraps success in {response:{status:200,message:"ok"},data} and /me shows zone and teams', async () => {
    const { fake, ann } = await setup();
    const me = await call(fake, '/me');
    expect(me.status).toBe(200);
    expect(me.type).toBe('application/json; charset=utf-8');
    expect(me.body.response).toMatchObject({ status: 200, message: 'ok', version: '4.0' });
    expect(me.body.data).toMatchObject({
      id: ann.id,
      account_id: ann.accountId,
      email: 'ann@example.com',
      first_name: 'Ann',
      last_name: 'Lee',
      timezone: 'Europe/Madrid',
      teams: [{ account_id: ann.accountId, company: 'ACME', is_default: true, is_selected: true }],
    });
  });

  it('accepts API_TOKEN:<app password>, email:password and email:<app password>; logs the kind, never the secret', async () => {
    const { fake, ann } = await setup();
    for (const auth of [
      basic('API_TOKEN', 'app-1'),
      basic('ann@example.com', 'pw'),
      basic('Ann@Example.com', 'app-1'),
    ]) {
      const res = await call(fake, '/me', { auth });
      expect(res.body.response.status).toBe(200);
      expect((res.body.data as { id: number }).id).toBe(ann.id);
    }
    expect(fake.requests.map((r) => r.authKind)).toEqual(['api-token', 'email', 'email']);
    expect(JSON.stringify(fake.requests)).not.toMatch(/app-1|"pw"|QVBJ/);
  });

  it('answers HTTP 401 with an Unauthorized envelope for wrong or missing credentials', async () => {
    const { fake } = await setup();
    for (const auth of [basic('API_TOKEN', 'nope'), basic('ann@example.com', 'bad'), null]) {
      const res = await call(fake, '/me', { auth });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        response: expect.objectContaining({ status: 401, message: 'Unauthorized' }),
        data: null,
      });
    }
    expect(fake.requests.map((r) => r.authKind)).toEqual(['api-token', 'email', 'none']);
  });

  it('rejects a missing or library-default User-Agent with an envelope 400 asking to identify the app', async () => {
    const { fake } = await setup();
    const missing = await rawGetWithoutUserAgent(fake, '/me');
    expect(missing.response.status).toBe(400);
    for (const ua of ['', 'node', 'undici', 'axios/1.7.2']) {
      const res = await call(fake, '/me', { ua });
      expect(res.status).toBe(200);
      expect(res.body.response.status).toBe(400);
      expect(res.body.response.message).toMatch(/identify your app.*User-Agent/i);
    }
    expect(fake.requests.map((r) => r.hadUserAgent)).toEqual([false, false, true, true, true]);
    expect(fake.requests.every((r) => r.envelopeStatus === 400 && r.status === 200)).toBe(true);
    fake.configure({ requireUserAgent: false });
    expect((await rawGetWithoutUserAgent(fake, '/me')).response.status).toBe(200);
  });

  it('mirrors the envelope status on the HTTP status when switched', async () => {
    const { fake } = await setup({ transportStatus: 'mirror' });
    const res = await call(fake, '/tasks/stop/1', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.body.response.status).toBe(404);
    expect((await call(fake, '/me')).status).toBe(200);
  });

  it('uses the account segment, and refuses an account the user is not in with an envelope 403', async () => {
    const { fake, ann, site } = await setup();
    const other = fake.addAccount({ company: 'Side gig' });
    fake.joinAccount(ann.id, other.id);
    const gig = fake.addProject({ accountId: other.id, name: 'Gig' });
    const names = async (prefix: string): Promise<string[]> =>
      ((await call(fake, `${prefix}/projects`)).body.data as { name: string }[]).map((p) => p.name);
    expect(await names('')).toEqual([site.name]);
    expect(await names(`/${ann.accountId}`)).toEqual([site.name]);
    expect(await names(`/${other.id}`)).toEqual([gig.name]);
    const teams = await call(fake, '/teams?filter=ACTIVE');
    expect((teams.body.data as { account_id: number }[]).map((t) => t.account_id)).toEqual([
      ann.accountId,
      other.id,
    ]);
    const stranger = fake.addAccount();
    const res = await call(fake, `/${stranger.id}/tasks`);
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe(403);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/tasks', accountSegment: stranger.id });
  });

  it('answers an unknown route with an envelope 404 and a wrong method with an HTML page', async () => {
    const { fake, design } = await setup();
    expect((await call(fake, '/nope')).body.response.status).toBe(404);
    const wrong = await call(fake, `/tasks/track/${design.id}`, { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.type).toMatch(/^text\/html/);
    expect(() => JSON.parse(wrong.text) as unknown).toThrow();
  });
});

describe('fake TrackingTime: tracking', () => {
  const start = { date: '2026-03-02 09:00:00', timezone: 'Europe/Madrid' };

  it("track → the task is TRACKING with the user's open event in local time; stop closes it", async () => {
    const { fake, clock, ann, design } = await setup();
    const tracked = await call(fake, `/tasks/track/${design.id}${q(start)}`, { method: 'POST' });
    expect(tracked.body.response.status).toBe(200);
    expect(tracked.body.data).toMatchObject({
      task_id: design.id,
      user_id: ann.id,
      start: '2026-03-02 09:00:00',
      end: null,
    });
    expect(fake.runningEvent(ann.id)?.start).toBe(T0);

    clock.advance(30 * 60_000);
    const tracking = await call(fake, '/tasks?filter=TRACKING');
    expect(tracking.body.data).toEqual([
      expect.objectContaining({
        id: design.id,
        name: 'Design',
        project: 'Site',
        tracking: true,
        users: [
          expect.objectContaining({
            id: ann.id,
            event: expect.objectContaining({ start: '2026-03-02 09:00:00', end: null }),
          }),
        ],
      }),
    ]);
    const assigned = await call(fake, `/users/${ann.id}/assigned_tasks?filter=TRACKING`);
    expect((assigned.body.data as WireTask[]).map((t) => t.id)).toEqual([design.id]);

    const stopped = await call(fake, `/tasks/stop/${design.id}`, {
      json: { date: '2026-03-02 09:30:00', timezone: 'Europe/Madrid' },
    });
    expect(stopped.body.response.status).toBe(200);
    expect(stopped.body.data).toMatchObject({ end: '2026-03-02 09:30:00', duration: 1800 });
    expect((await call(fake, '/tasks?filter=TRACKING')).body.data).toEqual([]);
    expect(fake.runningEvent(ann.id)).toBeNull();
  });

  it('takes params from the query, a form body, a JSON body and a gzip JSON body', async () => {
    const { fake, ann, design } = await setup();
    const bodies: CallOptions[] = [{ form: start }, { json: start }, { gzipJson: start }];
    const stopAt = { date: '2026-03-02 09:10:00', timezone: 'Europe/Madrid' };
    for (const opts of bodies) {
      const t = await call(fake, `/tasks/track/${design.id}`, opts);
      expect(t.body.response.status).toBe(200);
      expect(fake.runningEvent(ann.id)?.start).toBe(T0);
      const s = await call(fake, `/tasks/stop/${design.id}${q(stopAt)}`, { method: 'POST' });
      expect(s.body.response.status).toBe(200);
    }
    expect(
      fake.requests
        .filter((r) => r.path.startsWith('/tasks/track'))
        .map((r) => [r.bodyFormat, r.gzip]),
    ).toEqual([
      ['form', false],
      ['json', false],
      ['json', true],
    ]);
    // GET with the query, as TrackingTime's own MCP server does.
    const viaGet = await call(fake, `/tasks/track/${design.id}${q(start)}`);
    expect(viaGet.body.response.status).toBe(200);
    expect(fake.events(ann.id)).toHaveLength(4);
  });

  it('requires date: a track without it is an envelope 500', async () => {
    const { fake, design } = await setup();
    const res = await call(fake, `/tasks/track/${design.id}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe(500);
    expect(res.body.response.message).toMatch(/date/);
  });

  it('502 on track-while-running; stop_running_task=true closes the previous event at the new start', async () => {
    const { fake, ann, design, shared } = await setup();
    await call(fake, `/tasks/track/${design.id}`, { json: start });
    const refused = await call(fake, `/tasks/track/${shared.id}`, {
      json: { date: '2026-03-02 10:00:00', timezone: 'Europe/Madrid' },
    });
    expect(refused.status).toBe(200);
    expect(refused.body.response.status).toBe(502);
    expect(refused.body.response.message).toMatch(/another task running/i);
    expect(fake.runningEvent(ann.id)?.taskId).toBe(design.id);

    const ok = await call(fake, `/tasks/track/${shared.id}`, {
      json: {
        date: '2026-03-02 10:00:00',
        timezone: 'Europe/Madrid',
        stop_running_task: true,
        return_task: true,
      },
    });
    expect(ok.body.response.status).toBe(200);
    expect(ok.body.data).toMatchObject({ id: shared.id, tracking: true });
    const [latest, previous] = fake.events(ann.id);
    expect(latest).toMatchObject({ taskId: shared.id, end: null });
    expect(previous).toMatchObject({ taskId: design.id, end: T0 + 3_600_000 });
  });

  it('tracks by task_name + project_id (auto-creating the task) and finds it again next time', async () => {
    const { fake, ann, site } = await setup();
    const first = await call(fake, '/tasks/track', {
      form: { ...start, task_name: 'Write copy', project_id: String(site.id) },
    });
    expect(first.body.response.status).toBe(200);
    const taskId = (first.body.data as { task_id: number }).task_id;
    expect(fake.task(taskId)).toMatchObject({ name: 'Write copy', projectId: site.id });
    await call(fake, `/tasks/stop/${taskId}`, { json: { ...start, date: '2026-03-02 09:05:00' } });

    const again = await call(fake, '/tasks/track', {
      json: { ...start, task_name: 'write COPY', project_name: 'Site' },
    });
    expect((again.body.data as { task_id: number }).task_id).toBe(taskId);
    expect(fake.runningEvent(ann.id)?.taskId).toBe(taskId);

    const listed = await call(fake, `/tasks${q({ filter: 'ALL', project_id: String(site.id) })}`);
    expect((listed.body.data as { name: string }[]).map((t) => t.name)).toEqual([
      'Design',
      'Review',
      'Write copy',
    ]);
  });

  it("refuses a stop whose time zone differs from the start's (envelope 500), accepts the same one", async () => {
    const { fake, ann, design } = await setup();
    await call(fake, `/tasks/track/${design.id}`, { json: start });
    const mismatch = await call(fake, `/tasks/stop/${design.id}`, {
      json: { date: '2026-03-02 09:20:00', timezone: 'GMT+01:00' },
    });
    expect(mismatch.status).toBe(200);
    expect(mismatch.body.response.status).toBe(500);
    expect(fake.runningEvent(ann.id)).not.toBeNull();
    const ok = await call(fake, `/tasks/stop/${design.id}`, {
      json: { date: '2026-03-02 09:20:00', timezone: 'Europe/Madrid' },
    });
    expect(ok.body.response.status).toBe(200);
  });

  it('accepts a GMT offset zone and stores the right instant', async () => {
    const { fake, ann, design } = await setup();
    await call(fake, `/tasks/track/${design.id}`, {
      json: { date: '2026-03-02 11:00:00', timezone: 'GMT+03:00' },
    });
    expect(fake.runningEvent(ann.id)?.start).toBe(T0);
    // Shown in Ann's profile zone (Madrid), not the zone sent.
    const t = (await call(fake, '/tasks?filter=TRACKING')).body.data as WireTask[];
    expect(t[0]?.users[0]?.event?.start).toBe('2026-03-02 09:00:00');
  });

  it('stop while not tracking → envelope 500 "not being tracked"', async () => {
    const { fake, design } = await setup();
    const res = await call(fake, `/tasks/stop/${design.id}`, { json: start });
    expect(res.body.response.status).toBe(500);
    expect(res.body.response.message).toMatch(/not being tracked/);
  });

  it("shows another user's timer on a shared task with that user's event, and not as mine", async () => {
    const { fake, clock, ann, bob, shared } = await setup();
    fake.remoteTrack(bob.id, shared.id);
    const asAnn = (await call(fake, '/tasks?filter=TRACKING')).body.data as WireTask[];
    expect(asAnn).toHaveLength(1);
    expect(asAnn[0]).toMatchObject({ id: shared.id, tracking: true });
    const byId = new Map(asAnn[0]?.users.map((u) => [u.id, u.event]));
    expect(byId.get(ann.id)).toBeNull();
    // In Ann's zone (Madrid), although Bob is in New York.
    expect(byId.get(bob.id)).toMatchObject({ start: '2026-03-02 09:00:00', end: null });
    expect(fake.requests).toHaveLength(1);

    // Ann may track the same task; both events show.
    await call(fake, `/tasks/track/${shared.id}`, {
      json: { date: '2026-03-02 09:15:00', timezone: 'Europe/Madrid' },
    });
    const both = ((await call(fake, '/tasks?filter=TRACKING')).body.data as WireTask[])[0];
    expect(both?.users.every((u) => u.event !== null)).toBe(true);

    clock.advance(60_000);
    expect(fake.remoteStop(bob.id)?.end).toBe(T0 + 60_000);
    expect(fake.remoteStop(bob.id)).toBeNull();
    const after = ((await call(fake, '/tasks?filter=TRACKING')).body.data as WireTask[])[0];
    expect(after?.users.find((u) => u.id === bob.id)?.event).toBeNull();
  });

  it('lists trackables: active projects with their active tasks', async () => {
    const { fake, ann, site } = await setup();
    fake.addProject({ accountId: ann.accountId, name: 'Old', status: 'ARCHIVED' });
    fake.addTask({ projectId: site.id, name: 'Gone', status: 'ARCHIVED' });
    const res = await call(fake, `/users/${ann.id}/trackables?include_tasks=true`);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        id: site.id,
        name: 'Site',
        customer: 'ACME Corp',
        tasks: [
          expect.objectContaining({ name: 'Design' }),
          expect.objectContaining({ name: 'Review' }),
        ],
      }),
    ]);
  });
});

describe('fake TrackingTime: events', () => {
  it('filters by user and local date range, pages from 0, orders desc; from/to are required', async () => {
    const { fake, ann, bob, design, shared } = await setup();
    for (let day = 1; day <= 5; day++)
      fake.addEvent(ann.id, {
        taskId: design.id,
        start: `2026-03-0${day} 23:30:00`,
        end: `2026-03-0${day} 23:45:00`,
      });
    fake.addEvent(bob.id, { taskId: shared.id, start: T0 - 3_600_000, end: T0 });

    const base = { filter: 'USER', id: String(ann.id), from: '2026-03-02', to: '2026-03-04' };
    const all = await call(fake, `/events${q({ ...base, order: 'desc' })}`);
    const starts = (all.body.data as { start: string; duration: number }[]).map((e) => e.start);
    expect(starts).toEqual(['2026-03-04 23:30:00', '2026-03-03 23:30:00', '2026-03-02 23:30:00']);
    expect((all.body.data as { duration: number }[])[0]?.duration).toBe(900);

    const page0 = await call(fake, `/events${q({ ...base, page: '0', page_size: '2' })}`);
    const page1 = await call(fake, `/events${q({ ...base, page: '1', page_size: '2' })}`);
    expect((page0.body.data as { start: string }[]).map((e) => e.start)).toEqual([
      '2026-03-02 23:30:00',
      '2026-03-03 23:30:00',
    ]);
    expect((page1.body.data as { start: string }[]).map((e) => e.start)).toEqual([
      '2026-03-04 23:30:00',
    ]);

    const missing = await call(fake, `/events${q({ filter: 'USER', id: String(ann.id) })}`);
    expect(missing.status).toBe(200);
    expect(missing.body.response.status).toBe(500);
  });
});

describe('fake TrackingTime: fault switches and request log', () => {
  it('slow delays, reset drops the socket, html502 sends a gateway page', async () => {
    const { fake } = await setup();
    fake.fault('slow', '/me', { ms: 150, times: 1 });
    const t = Date.now();
    expect((await call(fake, '/me')).body.response.status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);

    fake.fault('reset', '/me', { times: 1 });
    await expect(call(fake, '/me')).rejects.toThrow();

    fake.fault('html502', 'GET /tasks', { times: 1 });
    const html = await call(fake, '/tasks?filter=TRACKING');
    expect(html.status).toBe(502);
    expect(html.type).toBe('text/html');
    expect(html.text).toContain('502 Bad Gateway');
    expect((await call(fake, '/tasks?filter=TRACKING')).status).toBe(200);
    expect(fake.requests.map((r) => r.notes)).toEqual([['slow'], ['reset'], ['html502'], []]);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 0, 502, 200]);
  });

  it('truncatedJson, wrongShape and status500 (inside the envelope); patterns ignore the account segment', async () => {
    const { fake, ann } = await setup();
    fake.fault('truncatedJson', '/tasks', { times: 1 });
    const cut = await call(fake, `/${ann.accountId}/tasks`);
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text) as unknown).toThrow();

    fake.fault('wrongShape', '/tasks', { times: 1, body: { data: 'nope' } });
    expect(JSON.parse((await call(fake, '/tasks')).text)).toEqual({ data: 'nope' });

    fake.fault('status500', '**');
    const err = await call(fake, '/me');
    expect(err.status).toBe(200);
    expect(err.body.response).toMatchObject({ status: 500, message: 'Internal server error' });
    fake.configure({ transportStatus: 'mirror' });
    expect((await call(fake, '/me')).status).toBe(500);
    fake.clearFaults();
    expect((await call(fake, '/me')).status).toBe(200);
  });

  it('logs transport and envelope status, UA and auth kind; counts requests per window', async () => {
    const { fake, clock, design } = await setup();
    await call(fake, `/tasks/track/${design.id}`, { method: 'POST' });
    clock.advance(30 * 60_000);
    await call(fake, '/me');
    clock.advance(45 * 60_000);
    await call(fake, '/me', { auth: basic('ann@example.com', 'pw') });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: `/tasks/track/${design.id}`,
      status: 200,
      envelopeStatus: 500,
      at: T0,
      hadUserAgent: true,
      userAgent: UA,
      authKind: 'api-token',
    });
    expect(fake.maxRequestsInWindow()).toBe(2);
    expect(fake.maxRequestsInWindow({ path: '/me' })).toBe(2);
    expect(fake.requestsBy({ envelopeStatus: 500 })).toHaveLength(1);
    expect(fake.requestsBy({ authKind: 'email' })).toHaveLength(1);
  });
});

describe('fake TrackingTime: local time helpers', () => {
  it('round-trips local strings across DST in IANA zones and GMT offsets', () => {
    const summer = Date.parse('2026-07-01T07:00:00Z');
    expect(formatLocal(summer, 'Europe/Madrid')).toBe('2026-07-01 09:00:00');
    expect(parseLocal('2026-07-01 09:00:00', 'Europe/Madrid')).toBe(summer);
    expect(formatLocal(T0, 'America/New_York')).toBe('2026-03-02 03:00:00');
    expect(parseLocal('2026-03-02 03:00:00', 'GMT-05:00')).toBe(T0);
    expect(parseLocal('2026-03-02 03:00:00', 'Mars/Olympus')).toBeNull();
  });
});
