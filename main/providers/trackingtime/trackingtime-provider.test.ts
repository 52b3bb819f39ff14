/**
 * The TrackingTime provider over real HTTP against the fake TrackingTime: what the user sees
 * (the running timer, its elapsed time, names, errors as values) and what goes over the wire
 * (User-Agent, the envelope, dates and time zones, one request per action, requests per hour).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { AUTO_CAP } from './trackingtime-budget';
import { POLL_MS, TrackingTimeProvider } from './trackingtime-provider';
import { allFileText, APP_PASSWORD, T0, ttWorld, type TtWorld } from './trackingtime-test-setup';

const WEEK = 7 * 24 * 3600_000;
let world: TtWorld;
const savedTz = process.env['TZ'];

afterEach(async () => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
  await world?.close();
});

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

function seedProject(w: TtWorld) {
  const site = w.fake.addProject({ accountId: w.account.id, name: 'Site', customer: 'ACME Corp' });
  const design = w.fake.addTask({ projectId: site.id, name: 'Design', userIds: [w.user.id] });
  return { site, design };
}

describe('what is tracking', () => {
  it('picks my own timer, with elapsed time from the local start in my zone', async () => {
    world = await ttWorld();
    const { site, design } = seedProject(world);
    world.fake.addEvent(world.user.id, { taskId: design.id, start: '2026-11-27 08:30:00' });
    const r = await world.provider().sync('user', T0 - WEEK);
    // 08:30 in Madrid = 07:30Z, 90 minutes before T0.
    expect(r.running).toMatchObject({
      description: 'Design',
      projectId: String(site.id),
      projectName: 'Site',
      taskId: String(design.id),
      start: T0 - 90 * 60_000,
      stop: null,
    });
    expect(r.projects).toEqual([
      {
        id: String(site.id),
        name: 'Site',
        color: expect.any(String) as string,
        clientName: 'ACME Corp',
        tasks: [{ id: String(design.id), name: 'Design', projectId: String(site.id) }],
      },
    ]);
  });

  it("ignores another user's timer on a shared task", async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    const bob = world.fake.addUser({
      email: 'bob@example.com',
      appPassword: 'b',
      accountId: world.account.id,
    });
    world.fake.remoteTrack(bob.id, design.id, { start: T0 - 10 * 60_000 });
    const p = world.provider();
    expect((await p.sync('poll', T0 - WEEK)).running).toBeNull();
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 - 5 * 60_000 });
    expect((await p.sync('poll', T0 - WEEK)).running).toMatchObject({
      taskId: String(design.id),
      start: T0 - 5 * 60_000,
    });
  });

  it('is right on a machine in New York for an account in Madrid', async () => {
    process.env['TZ'] = 'America/New_York';
    world = await ttWorld('Europe/Madrid');
    const { design } = seedProject(world);
    expect(new Date(T0).getTimezoneOffset()).toBe(300); // the machine really is in New York
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 - 25 * 60_000 });
    const p = world.provider();
    const r = await p.sync('poll', T0 - WEEK);
    expect(r.running?.start).toBe(T0 - 25 * 60_000);
    // And a start sends the date on Madrid's wall clock.
    await p.stop(T0);
    world.sent.length = 0;
    await p.start({
      description: null,
      projectId: null,
      taskId: String(design.id),
      at: T0 + 60_000,
    });
    expect(world.sent[0]?.body).toMatchObject({
      date: '2026-11-27 10:01:00',
      timezone: 'Europe/Madrid',
    });
  });
});

describe('every request', () => {
  it('carries the app User-Agent and the account segment', async () => {
    world = await ttWorld();
    seedProject(world);
    const p = world.provider();
    await p.sync('user', T0 - WEEK);
    expect(world.sent.length).toBe(3);
    for (const s of world.sent) {
      expect(s.headers['User-Agent']).toBe(
        'TrayTimer/0.1.0-test (https://github.com/tray-timer/tray-timer)',
      );
      expect(s.url.startsWith(`${world.fake.baseUrl}/${world.account.id}/`)).toBe(true);
    }
    expect(world.fake.requests.map((r) => `${r.path} ${r.envelopeStatus}`)).toEqual([
      '/tasks 200',
      '/users/' + String(world.user.id) + '/trackables 200',
      '/events 200',
    ]);
    expect(world.fake.requests[2]?.query).toMatchObject({
      filter: 'USER',
      id: String(world.user.id),
      from: '2026-11-20',
      to: '2026-11-27',
      page_size: '50',
      order: 'desc',
    });
  });

  it('works with e-mail and password too', async () => {
    world = await ttWorld();
    await world.provider({ email: true }).sync('poll', T0 - WEEK);
    expect(world.fake.requests[0]?.authKind).toBe('email');
    expect(world.fake.requests[0]?.envelopeStatus).toBe(200);
  });
});

describe('the envelope decides', () => {
  it('a 500 inside an HTTP 200 shows its message', async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    const p = world.provider();
    // Stopping a task that is not tracked: the fake answers HTTP 200 with envelope 500.
    const err = await failure(
      p.start({ description: null, projectId: null, taskId: '999999', at: T0 }),
    );
    expect(err.error.kind).toBe('not-found');
    world.fake.fault('status500', 'POST /tasks/track/*', { times: 1 });
    const e500 = await failure(
      p.start({ description: null, projectId: null, taskId: String(design.id), at: T0 }),
    );
    expect(world.fake.requests.at(-1)?.status).toBe(200);
    expect(e500.error).toEqual({
      kind: 'provider',
      message: 'TrackingTime: Internal server error',
    });
  });

  it('a revoked app password is a sign-in error (HTTP 401 or envelope 401)', async () => {
    world = await ttWorld();
    world.user.appPasswords.length = 0;
    const err = await failure(world.provider().sync('poll', T0 - WEEK));
    expect(err.error).toEqual({
      kind: 'auth',
      message: 'Sign-in needed: TrackingTime refused the password (app password revoked?)',
    });
    world.fake.configure({ authHttpStatus: 200 });
    const again = await failure(world.provider().sync('poll', T0 - WEEK));
    expect(again.error.kind).toBe('auth');
  });

  it.each(['html502', 'truncatedJson'] as const)(
    '%s is "unreachable", never a crash',
    async (kind) => {
      world = await ttWorld();
      world.fake.fault(kind, '/tasks', { times: 1 });
      const err = await failure(world.provider().sync('poll', T0 - WEEK));
      expect(err.error.kind).toBe('offline');
      expect(err.error.message).toMatch(/^TrackingTime is unreachable \(/);
      if (kind === 'html502')
        expect(err.error.message).toBe(
          'TrackingTime is unreachable (it answered with a web page).',
        );
    },
  );
});

describe('start, stop, continue', () => {
  it('starts on a task with date, timezone and return_task, in one request', async () => {
    world = await ttWorld();
    const { site, design } = seedProject(world);
    const p = world.provider();
    const r = await p.start({
      description: 'Design',
      projectId: String(site.id),
      taskId: String(design.id),
      at: T0 + 500,
    });
    expect(world.fake.requests.map((q) => `${q.method} ${q.path} ${q.envelopeStatus}`)).toEqual([
      `POST /tasks/track/${design.id} 200`,
    ]);
    expect(world.sent[0]?.body).toEqual({
      date: '2026-11-27 10:00:00',
      timezone: 'Europe/Madrid',
      return_task: true,
    });
    const ev = world.fake.runningEvent(world.user.id);
    expect(ev).toMatchObject({ taskId: design.id, start: T0 });
    expect(r.entry).toMatchObject({
      id: String(ev?.id),
      description: 'Design',
      taskId: String(design.id),
      projectId: String(site.id),
      start: T0,
      stop: null,
    });
    expect(r.replaced).toBeNull();
  });

  it('starts a new task by name in a project (auto-created) and stops with the same zone', async () => {
    world = await ttWorld();
    const { site } = seedProject(world);
    const p = world.provider();
    const r = await p.start({
      description: 'Write docs',
      projectId: String(site.id),
      taskId: null,
      at: T0,
    });
    expect(world.sent[0]?.body).toEqual({
      date: '2026-11-27 10:00:00',
      timezone: 'Europe/Madrid',
      return_task: true,
      task_name: 'Write docs',
      project_id: site.id,
    });
    const ev = world.fake.runningEvent(world.user.id);
    expect(world.fake.task(ev?.taskId ?? 0)).toMatchObject({
      name: 'Write docs',
      projectId: site.id,
    });
    expect(r.entry).toMatchObject({
      description: 'Write docs',
      projectName: 'Site',
      taskId: String(ev?.taskId),
    });

    await world.clock.advance(30 * 60_000);
    const stopped = await p.stop(world.clock.now());
    expect(world.fake.requests.at(-1)).toMatchObject({
      path: `/tasks/stop/${ev?.taskId}`,
      envelopeStatus: 200,
    });
    expect(world.sent.at(-1)?.body).toMatchObject({
      date: '2026-11-27 10:30:00',
      timezone: 'Europe/Madrid',
    });
    expect(stopped).toMatchObject({ stop: T0 + 30 * 60_000 });
    expect(world.fake.runningEvent(world.user.id)).toBeNull();
    expect(world.fake.event(ev?.id ?? 0)?.end).toBe(T0 + 30 * 60_000);
  });

  it('stops a timer started with another zone using that zone (the cache remembers it)', async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    const p = world.provider();
    await p.start({ description: null, projectId: null, taskId: String(design.id), at: T0 });
    // The user's zone changes in settings later; a new process (CLI) stops the timer.
    const q = new TrackingTimeProvider(
      {
        accountId: world.account.id,
        userId: world.user.id,
        timezone: 'Europe/London',
        credentials: { mode: 'api-token' },
      },
      world.fake.baseUrl,
      world.deps,
    );
    q.restore();
    await q.stop(T0 + 60_000);
    expect(world.sent.at(-1)?.body).toMatchObject({ timezone: 'Europe/Madrid' });
    expect(world.fake.requests.at(-1)?.envelopeStatus).toBe(200);
  });

  it('a timer already running is a conflict; replaceRunning sends stop_running_task', async () => {
    world = await ttWorld();
    const { site, design } = seedProject(world);
    const other = world.fake.addTask({
      projectId: site.id,
      name: 'Review',
      userIds: [world.user.id],
    });
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 - 60 * 60_000 });
    const p = world.provider();
    await p.sync('poll', T0 - WEEK);
    const err = await failure(
      p.start({ description: null, projectId: null, taskId: String(other.id), at: T0 }),
    );
    expect(err.error).toEqual({
      kind: 'conflict',
      message: 'A timer is already running on TrackingTime: stop it and start this one?',
    });
    const r = await p.start({
      description: null,
      projectId: null,
      taskId: String(other.id),
      at: T0,
      replaceRunning: true,
    });
    expect(world.sent.at(-1)?.body).toMatchObject({ stop_running_task: true });
    expect(r.replaced).toMatchObject({
      taskId: String(design.id),
      description: 'Design',
      stop: T0,
    });
    expect(r.entry).toMatchObject({ taskId: String(other.id), description: 'Review' });
    expect(world.fake.runningEvent(world.user.id)?.taskId).toBe(other.id);
  });

  it('stop after a switch on the web stops what really runs; after a stop elsewhere, says so', async () => {
    world = await ttWorld();
    const { site, design } = seedProject(world);
    const review = world.fake.addTask({
      projectId: site.id,
      name: 'Review',
      userIds: [world.user.id],
    });
    const p = world.provider();
    await p.start({ description: null, projectId: null, taskId: String(design.id), at: T0 });
    world.fake.remoteTrack(world.user.id, review.id, { start: T0 + 60_000 });
    const stopped = await p.stop(T0 + 120_000);
    expect(stopped).toMatchObject({ taskId: String(review.id), stop: T0 + 120_000 });
    expect(world.fake.runningEvent(world.user.id)).toBeNull();

    await p.start({
      description: null,
      projectId: null,
      taskId: String(design.id),
      at: T0 + 180_000,
    });
    world.fake.remoteStop(world.user.id);
    expect(await p.stop(T0 + 240_000)).toMatchObject({
      taskId: String(design.id),
      stop: T0 + 240_000,
    });
    expect((await p.sync('poll', T0 - WEEK)).running).toBeNull();
  });

  it('a timer in an archived project re-reads the projects once, not on every poll', async () => {
    world = await ttWorld();
    const old = world.fake.addProject({
      accountId: world.account.id,
      name: 'Old',
      status: 'ARCHIVED',
    });
    const task = world.fake.addTask({
      projectId: old.id,
      name: 'Wrap up',
      userIds: [world.user.id],
    });
    world.fake.addEvent(world.user.id, { taskId: task.id, start: T0 - 60_000 });
    const p = world.provider();
    await p.sync('user', T0 - WEEK);
    for (let i = 0; i < 3; i++) {
      await world.clock.advance(POLL_MS);
      await p.sync('poll', world.clock.now() - WEEK);
    }
    expect(world.fake.requestsBy({ path: '/users/*/trackables' }).length).toBe(1);
  });

  it('a conflict with a timer started elsewhere learns it, so the replacing start reports it', async () => {
    world = await ttWorld();
    const { site, design } = seedProject(world);
    const p = world.provider();
    await p.sync('poll', T0 - WEEK);
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 - 60_000 });
    const err = await failure(
      p.start({ description: 'Fix bug', projectId: String(site.id), taskId: null, at: T0 }),
    );
    expect(err.error.kind).toBe('conflict');
    // The refused start created no task.
    expect(world.fake.requestsBy({ path: '/tasks/track' }).at(-1)?.envelopeStatus).toBe(502);
    const r = await p.start({
      description: 'Fix bug',
      projectId: String(site.id),
      taskId: null,
      at: T0,
      replaceRunning: true,
    });
    expect(r.replaced).toMatchObject({ description: 'Design', start: T0 - 60_000, stop: T0 });
    expect(r.entry).toMatchObject({ description: 'Fix bug', projectName: 'Site' });
  });

  it('reads the envelope when the HTTP status mirrors it too', async () => {
    world = await ttWorld();
    world.fake.configure({ transportStatus: 'mirror' });
    const { design } = seedProject(world);
    const p = world.provider();
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 - 60_000 });
    const err = await failure(
      p.start({ description: null, projectId: null, taskId: String(design.id), at: T0 }),
    );
    expect(world.fake.requests.find((q) => q.envelopeStatus === 502)?.status).toBe(502);
    expect(err.error.kind).toBe('conflict');
    world.fake.fault('status500', '/tasks', { times: 1 });
    const e500 = await failure(p.sync('poll', T0 - WEEK));
    expect(e500.error).toEqual({
      kind: 'provider',
      message: 'TrackingTime: Internal server error',
    });
  });

  it('continue tracks the same task again', async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    world.fake.addEvent(world.user.id, {
      taskId: design.id,
      start: T0 - 3 * 3600_000,
      end: T0 - 2 * 3600_000,
    });
    const p = world.provider();
    const r = await p.sync('user', T0 - WEEK);
    const last = r.entries?.[0];
    expect(last).toMatchObject({
      description: 'Design',
      taskId: String(design.id),
      start: T0 - 3 * 3600_000,
      stop: T0 - 2 * 3600_000,
    });
    if (!last) throw new Error('no entry');
    await p.start({
      description: last.description,
      projectId: last.projectId,
      taskId: last.taskId,
      at: T0,
    });
    expect(world.fake.requests.at(-1)?.path).toBe(`/tasks/track/${design.id}`);
    expect(world.fake.runningEvent(world.user.id)?.taskId).toBe(design.id);
  });
});

describe('cache and budget', () => {
  it('restores from the disk cache without a request; a damaged cache is moved aside', async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 - 60_000 });
    await world.provider().sync('user', T0 - WEEK);
    const before = world.fake.requests.length;
    const q = world.provider();
    const restored = q.restore();
    expect(restored?.running).toMatchObject({ taskId: String(design.id), start: T0 - 60_000 });
    expect(restored?.projects?.[0]?.name).toBe('Site');
    await world.clock.advance(60_000);
    expect(q.allowAutoRefresh('startup', world.clock.now())).toBe(false);
    expect(world.fake.requests.length).toBe(before);
    await world.clock.advance(POLL_MS);
    expect(q.allowAutoRefresh('startup', world.clock.now())).toBe(true);

    writeFileSync(join(world.cacheDir, 'state.json'), '{"version":1,"running":');
    expect(world.provider().restore()).toBeNull();
    expect(world.problems.join('\n')).toMatch(/TrackingTime cache was damaged/);
  });

  it(`polls every 2 minutes and stays at or under ${AUTO_CAP} automatic requests an hour`, async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    world.fake.remoteTrack(world.user.id, design.id, { start: T0 });
    const p = world.provider();
    const end = T0 + 3 * 3600_000;
    // A restless user: the popup opens every 20 s on top of the poll rhythm.
    let nextPoll = T0;
    while (world.clock.now() < end) {
      const now = world.clock.now();
      if (now >= nextPoll && p.allowAutoRefresh('poll', now)) await p.sync('poll', now - WEEK);
      else if (p.allowAutoRefresh('popup', now)) await p.sync('popup', now - WEEK);
      nextPoll =
        world.clock.now() + (p.nextRefreshIn({ running: true, now: world.clock.now() }) ?? 0);
      await world.clock.advance(20_000);
    }
    expect(world.fake.maxRequestsInWindow({ windowMs: 3600_000 })).toBeLessThanOrEqual(AUTO_CAP);
    expect(world.fake.maxRequestsInWindow({ windowMs: 3600_000 })).toBeGreaterThan(40);
    // The poll rhythm on its own: 2 minutes after the last read.
    const q = world.provider();
    await q.sync('user', world.clock.now() - WEEK);
    expect(q.nextRefreshIn({ running: true, now: world.clock.now() })).toBe(POLL_MS);
  });

  it('a quiet hour of polling costs about 36 requests', async () => {
    world = await ttWorld();
    seedProject(world);
    const p = world.provider();
    const end = T0 + 2 * 3600_000;
    while (world.clock.now() < end) {
      const now = world.clock.now();
      if (p.allowAutoRefresh('poll', now)) await p.sync('poll', now - WEEK);
      await world.clock.advance(
        p.nextRefreshIn({ running: false, now: world.clock.now() }) ?? 60_000,
      );
    }
    const perHour = world.fake.maxRequestsInWindow({ windowMs: 3600_000 });
    expect(perHour).toBeGreaterThanOrEqual(34);
    expect(perHour).toBeLessThanOrEqual(37);
  });

  it('shares the request log with other processes (the CLI); a damaged log is moved aside', async () => {
    world = await ttWorld();
    const app = world.provider();
    for (let i = 0; i < AUTO_CAP; i++) {
      await app.sync('poll', T0 - WEEK);
      await world.clock.advance(1000);
    }
    const cli = world.provider();
    const now = world.clock.now();
    expect(cli.allowAutoRefresh('popup', now)).toBe(false);
    expect(cli.allowAutoRefresh('user', now)).toBe(true);
    writeFileSync(join(world.cacheDir, 'requests.json'), '{"version":1,"log":[');
    expect(world.provider().allowAutoRefresh('popup', now + 1)).toBe(true);
    expect(world.problems.join('\n')).toMatch(/TrackingTime request log was damaged/);
  });

  it('never writes the secret or its Base64 form to a file or a message', async () => {
    world = await ttWorld();
    const { design } = seedProject(world);
    const p = world.provider();
    await p.sync('user', T0 - WEEK);
    await p.start({ description: null, projectId: null, taskId: String(design.id), at: T0 });
    await p.stop(T0 + 60_000);
    world.user.appPasswords.length = 0;
    const err = await failure(p.sync('poll', T0 - WEEK));
    const b64 = Buffer.from(`API_TOKEN:${APP_PASSWORD}`).toString('base64');
    const text = allFileText(world.cacheDir) + err.error.message + world.problems.join('');
    expect(text).not.toContain(APP_PASSWORD);
    expect(text).not.toContain(b64);
  });
});
