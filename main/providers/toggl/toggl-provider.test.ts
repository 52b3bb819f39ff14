/**
 * The Toggl provider over real HTTP against the fake Toggl server: what the user sees (running
 * entry, names, errors as values) and what goes over the wire (bodies, one request per action,
 * `since=`, how many requests per hour).
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { togglWorld, T0, TOKEN, allFileText, type TogglWorld } from './toggl-test-setup';
import { AUTO_CAP, HEADROOM, POPUP_RESERVE } from './request-budget';
import { POLL_MS, TogglProvider } from './toggl-provider';

const WEEK = 7 * 24 * 3600_000;
let world: TogglWorld;

afterEach(async () => {
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

describe('running entry', () => {
  it('reads "nothing running" from a body of null, with exactly one request', async () => {
    world = await togglWorld();
    const p = world.provider();
    const before = world.fake.requests.length;
    const r = await p.sync('poll', T0 - WEEK);
    expect(r.running).toBeNull();
    const paths = world.fake.requests.slice(before).map((x) => x.path);
    expect(paths[0]).toBe('/me/time_entries/current');
  });

  it.each(['minus-one', 'minus-epoch'] as const)(
    'takes elapsed time from start, never from duration (%s)',
    async (runningDuration) => {
      world = await togglWorld({ runningDuration });
      const proj = world.fake.addProject({ workspaceId: world.user.workspaceId, name: 'Site' });
      const task = world.fake.addTask({ projectId: proj.id, name: 'Design' });
      world.fake.addEntry(world.user.id, {
        description: 'Header',
        projectId: proj.id,
        taskId: task.id,
        start: T0 - 90 * 60_000,
        tags: ['deep'],
        billable: true,
      });
      const wire = world.fake.wireEntry(world.fake.runningEntry(world.user.id)?.id ?? 0);
      expect(wire.duration).toBe(
        runningDuration === 'minus-one' ? -1 : -Math.floor((T0 - 90 * 60_000) / 1000),
      );
      const r = await world.provider().sync('user', T0 - WEEK);
      expect(r.running).toMatchObject({
        description: 'Header',
        projectName: 'Site',
        taskName: 'Design',
        start: T0 - 90 * 60_000,
        stop: null,
        tags: ['deep'],
        billable: true,
      });
      expect(r.projects?.map((x) => [x.name, x.tasks.map((t) => t.name)])).toEqual([
        ['Site', ['Design']],
      ]);
    },
  );
});

describe('start, stop, continue', () => {
  it('starts with exactly the documented body, in one request', async () => {
    world = await togglWorld();
    const p = world.provider();
    const proj = world.fake.addProject({ workspaceId: world.user.workspaceId, name: 'Site' });
    const task = world.fake.addTask({ projectId: proj.id, name: 'Design' });
    const at = T0 + 1234; // milliseconds are dropped: Toggl stores whole seconds
    const before = world.fake.requests.length;
    const sentBefore = world.sent.length;
    const r = await p.start({
      description: 'Write docs',
      projectId: String(proj.id),
      taskId: String(task.id),
      tags: ['docs'],
      billable: true,
      at,
    });
    const requests = world.fake.requests.slice(before);
    expect(requests.map((x) => `${x.method} ${x.path} ${x.status}`)).toEqual([
      `POST /workspaces/${world.user.workspaceId}/time_entries 200`,
    ]);
    expect(world.sent.slice(sentBefore).map((s) => s.body)).toEqual([
      {
        created_with: 'Tray Timer',
        workspace_id: world.user.workspaceId,
        start: '2026-11-27T09:00:01Z',
        duration: -1,
        stop: null,
        description: 'Write docs',
        project_id: proj.id,
        task_id: task.id,
        tags: ['docs'],
        billable: true,
      },
    ]);
    const stored = world.fake.runningEntry(world.user.id);
    expect(stored).toMatchObject({
      createdWith: 'Tray Timer',
      workspaceId: world.user.workspaceId,
      start: T0 + 1000,
      stop: null,
      tags: ['docs'],
      billable: true,
    });
    expect(r.entry).toMatchObject({ id: String(stored?.id), start: T0 + 1000, stop: null });
    expect(r.replaced).toBeNull();
  });

  it('reports the entry Toggl stopped when another one started (auto-stop)', async () => {
    world = await togglWorld();
    const p = world.provider();
    const first = await p.start({ description: 'A', projectId: null, taskId: null, at: T0 });
    await world.clock.advance(10 * 60_000);
    const before = world.fake.requests.length;
    const second = await p.start({
      description: 'B',
      projectId: null,
      taskId: null,
      at: world.clock.now(),
    });
    expect(world.fake.requests.length - before).toBe(1);
    expect(second.replaced).toMatchObject({
      id: first.entry.id,
      description: 'A',
      stop: T0 + 10 * 60_000,
    });
    expect(world.fake.entry(Number(first.entry.id))?.stop).toBe(T0 + 10 * 60_000);
  });

  it('continues with the same tags and billable flag', async () => {
    world = await togglWorld();
    const p = world.provider();
    world.fake.addEntry(world.user.id, {
      description: 'Review',
      start: T0 - 3 * 3600_000,
      stop: T0 - 2 * 3600_000,
      tags: ['review', 'client'],
      billable: true,
    });
    const r = await p.sync('user', T0 - WEEK);
    const source = r.entries?.find((e) => e.description === 'Review');
    expect(source).toMatchObject({ tags: ['review', 'client'], billable: true });
    const started = await p.start({
      description: source?.description ?? null,
      projectId: source?.projectId ?? null,
      taskId: source?.taskId ?? null,
      tags: source?.tags,
      billable: source?.billable,
      at: T0,
    });
    expect(world.fake.entry(Number(started.entry.id))).toMatchObject({
      description: 'Review',
      tags: ['review', 'client'],
      billable: true,
    });
  });

  it('stops the running entry with one PATCH', async () => {
    world = await togglWorld();
    const p = world.provider();
    const started = await p.start({ description: 'A', projectId: null, taskId: null, at: T0 });
    await world.clock.advance(25 * 60_000);
    const before = world.fake.requests.length;
    const stopped = await p.stop(world.clock.now());
    expect(world.fake.requests.slice(before).map((x) => `${x.method} ${x.status}`)).toEqual([
      'PATCH 200',
    ]);
    expect(stopped).toMatchObject({ id: started.entry.id, stop: T0 + 25 * 60_000 });
    expect(world.fake.runningEntry(world.user.id)).toBeNull();
  });

  it('treats 409 "already stopped" as the truth, not an error', async () => {
    world = await togglWorld();
    const p = world.provider();
    const started = await p.start({ description: 'A', projectId: null, taskId: null, at: T0 });
    await world.clock.advance(5 * 60_000);
    world.fake.remoteStop(world.user.id);
    const before = world.fake.requests.length;
    const stopped = await p.stop(world.clock.now());
    expect(
      world.fake.requests.slice(before).map((x) => `${x.method} ${x.path} ${x.status}`),
    ).toEqual([
      `PATCH /workspaces/${world.user.workspaceId}/time_entries/${started.entry.id}/stop 409`,
      'GET /me/time_entries/current 200',
    ]);
    expect(stopped).toMatchObject({ id: started.entry.id });
    expect(stopped?.stop).not.toBeNull();
  });

  it('after a 409, stops what was started elsewhere meanwhile', async () => {
    world = await togglWorld();
    const p = world.provider();
    await p.start({ description: 'A', projectId: null, taskId: null, at: T0 });
    await world.clock.advance(60_000);
    const phone = world.fake.remoteStart(world.user.id, { description: 'From phone' });
    const stopped = await p.stop(world.clock.now());
    expect(stopped).toMatchObject({ id: String(phone.id), description: 'From phone' });
    expect(world.fake.runningEntry(world.user.id)).toBeNull();
  });

  it('with nothing known running, asks once and stops what the web started', async () => {
    world = await togglWorld();
    const p = world.provider();
    const web = world.fake.remoteStart(world.user.id, { description: 'Web' });
    const stopped = await p.stop(world.clock.now());
    expect(stopped).toMatchObject({ id: String(web.id) });
    const idle = world.provider();
    const before = world.fake.requests.length;
    expect(await idle.stop(world.clock.now())).toBeNull();
    expect(world.fake.requests.slice(before).map((x) => x.path)).toEqual([
      '/me/time_entries/current',
    ]);
  });
});

describe('recent entries and projects', () => {
  it('refreshes incrementally with since=, drops deleted entries, not on every poll', async () => {
    world = await togglWorld();
    const p = world.provider();
    const gone = world.fake.addEntry(world.user.id, {
      description: 'Old',
      start: T0 - 5 * 3600_000,
      stop: T0 - 4 * 3600_000,
    });
    world.fake.addEntry(world.user.id, {
      description: 'Kept',
      start: T0 - 3 * 3600_000,
      stop: T0 - 2 * 3600_000,
    });
    world.fake.addProject({
      workspaceId: world.user.workspaceId,
      name: 'Site',
      clientName: 'ACME',
    });
    const first = await p.sync('startup', T0 - WEEK);
    expect(first.entries?.map((e) => e.description).sort()).toEqual(['Kept', 'Old']);
    expect(first.projects).toMatchObject([{ name: 'Site', clientName: 'ACME' }]);

    // A popup opening soon after: only the running entry.
    await world.clock.advance(5 * 60_000);
    let before = world.fake.requests.length;
    const soon = await p.sync('popup', T0 - WEEK);
    expect(world.fake.requests.slice(before).map((x) => x.path)).toEqual([
      '/me/time_entries/current',
    ]);
    expect(soon.entries).toBeUndefined();
    expect(soon.projects).toBeUndefined();

    world.fake.remoteDelete(gone.id);
    world.fake.addEntry(world.user.id, {
      description: 'New',
      start: T0 + 60_000,
      stop: T0 + 120_000,
    });
    await world.clock.advance(60 * 60_000);
    before = world.fake.requests.length;
    const later = await p.sync('poll', T0 - WEEK);
    const asked = world.fake.requests.slice(before);
    expect(asked.map((x) => x.path)).toEqual(['/me/time_entries/current', '/me/time_entries']);
    // Since the previous read (minus a 5-minute overlap), in unix seconds.
    expect(Number(asked[1]?.query.since)).toBe(Math.floor((T0 - 5 * 60_000) / 1000));
    expect(later.entries?.map((e) => e.description).sort()).toEqual(['Kept', 'New']);
    expect(later.projects).toBeUndefined();
  });

  it('restores the last state in a new instance without a request', async () => {
    world = await togglWorld();
    const proj = world.fake.addProject({ workspaceId: world.user.workspaceId, name: 'Site' });
    world.fake.addEntry(world.user.id, {
      description: 'Running',
      projectId: proj.id,
      start: T0 - 600_000,
    });
    await world.provider().sync('user', T0 - WEEK);
    const before = world.fake.requests.length;
    const fresh = world.provider();
    const restored = fresh.restore();
    expect(restored).toMatchObject({
      running: { description: 'Running', projectName: 'Site', stop: null },
      syncedAt: T0,
      projects: [{ name: 'Site' }],
    });
    // `tray-timer status` right after: no start-up request within one poll interval.
    expect(fresh.allowAutoRefresh('startup', T0 + 60_000)).toBe(false);
    expect(fresh.allowAutoRefresh('startup', T0 + POLL_MS)).toBe(true);
    expect(world.fake.requests.length).toBe(before);
    expect(allFileText(world.cacheDir)).not.toContain(TOKEN);
  });

  it('moves a damaged cache aside and says so', async () => {
    world = await togglWorld();
    await world.provider().sync('user', T0 - WEEK);
    writeFileSync(`${world.cacheDir}/state.json`, '{"version":1,"running":');
    const fresh = world.provider();
    expect(fresh.restore()).toBeNull();
    expect(world.problems.join('\n')).toMatch(/Toggl cache was damaged.*moved to/);
  });
});

describe('request budget', () => {
  it('keeps automatic refreshes at or under the cap, then waits for a slot', async () => {
    world = await togglWorld();
    const p = world.provider();
    await p.sync('user', T0 - WEEK); // current + full read; later polls are one request each
    let autoRuns = 0;
    for (let minute = 0; minute < 50; minute++) {
      if (p.allowAutoRefresh('popup', world.clock.now())) {
        await p.sync('popup', T0 - WEEK);
        autoRuns++;
      }
      await world.clock.advance(60_000);
    }
    expect(world.fake.maxRequestsInWindow({ bucket: 'user' })).toBe(AUTO_CAP);
    expect(autoRuns).toBe(AUTO_CAP - 2);
    expect(world.fake.counts.status402).toBe(0);
    const now = world.clock.now();
    expect(p.allowAutoRefresh('poll', now)).toBe(false);
    const wait = p.nextRefreshIn({ running: false, now });
    // The first request of the window (the user's sync at T0) leaves it first.
    expect(wait).toBe(T0 + 3600_000 - now);
    expect(p.nextRefreshIn({ running: false, now })).toBe(wait); // stable when asked again
    // The user's own refresh is never gated.
    await p.sync('user', T0 - WEEK);
  });

  it('keeps the last requests of the real quota for the user (headers)', async () => {
    world = await togglWorld({ quota: { user: 24 } });
    const p = world.provider();
    let n = 0;
    while (p.allowAutoRefresh('popup', world.clock.now()) && n < 40) {
      await p.sync('popup', T0 - WEEK);
      n++;
      await world.clock.advance(60_000);
    }
    const q = world.fake.quota(world.user.id, null);
    expect(q.remaining).toBe(HEADROOM);
    expect(world.fake.counts.status402).toBe(0);
  });

  it('polls every 4 minutes, counted from the last request', async () => {
    world = await togglWorld();
    const p = world.provider();
    expect(p.nextRefreshIn({ running: false, now: T0 })).toBe(0);
    await p.sync('poll', T0 - WEEK);
    await world.clock.advance(60_000);
    expect(p.nextRefreshIn({ running: true, now: world.clock.now() })).toBe(POLL_MS - 60_000);
    await world.clock.advance(60_000);
    expect(p.nextRefreshIn({ running: true, now: world.clock.now() })).toBe(POLL_MS - 120_000);
  });

  it('shares the request log with another process (a CLI run)', async () => {
    world = await togglWorld();
    const app = world.provider();
    expect(app.allowAutoRefresh('poll', T0)).toBe(true);
    const cli = world.provider();
    while (cli.allowAutoRefresh('poll', T0)) await cli.sync('poll', T0 - WEEK);
    // Timed polls stop POPUP_RESERVE short of the cap; popup openings may use the rest.
    expect(world.fake.requestsBy({ bucket: 'user' })).toHaveLength(AUTO_CAP - POPUP_RESERVE);
    expect(app.allowAutoRefresh('poll', T0)).toBe(false);
    expect(app.allowAutoRefresh('popup', T0)).toBe(true);
  });

  it('after a quota 402: resetAt from Toggl, no automatic request until then, no retry', async () => {
    world = await togglWorld({ quota: { user: 2 } });
    const p = world.provider();
    await p.sync('user', T0 - WEEK); // current + the full read: 2 of 2
    expect(world.fake.counts.quota402).toBe(0);
    const err = await failure(p.sync('user', T0 - WEEK));
    expect(world.fake.counts.quota402).toBe(1);
    expect(err.error.kind).toBe('quota');
    expect(err.error.message).toBe('Toggl hourly limit reached');
    const resetAt = Date.parse(err.error.resetAt ?? '');
    const expected = T0 + world.fake.quota(world.user.id, null).resetsInSecs * 1000;
    expect(Math.abs(resetAt - expected)).toBeLessThanOrEqual(1000);
    const now = world.clock.now();
    expect(p.allowAutoRefresh('poll', now)).toBe(false);
    expect(p.allowAutoRefresh('popup', now)).toBe(false);
    expect(p.nextRefreshIn({ running: true, now })).toBe(resetAt - now);
    // Even a user refresh is answered locally: it would only earn another 402.
    const before = world.fake.requests.length;
    expect((await failure(p.sync('user', T0 - WEEK))).error.kind).toBe('quota');
    expect(world.fake.requests.length).toBe(before);
    await world.clock.advance(resetAt - now);
    expect(p.allowAutoRefresh('poll', world.clock.now())).toBe(true);
  });

  it('a quota block seen by one process holds for the next (a CLI run after the app)', async () => {
    world = await togglWorld({ quota: { user: 2 } });
    await world.provider().sync('user', T0 - WEEK);
    await failure(world.provider().sync('poll', T0 - WEEK));
    const cli = world.provider();
    cli.restore();
    const before = world.fake.requests.length;
    expect(cli.allowAutoRefresh('startup', world.clock.now() + POLL_MS)).toBe(false);
    expect((await failure(cli.stop(world.clock.now()))).error.kind).toBe('quota');
    expect(world.fake.requests.length).toBe(before);
  });

  it('moves a damaged request log aside, says so, and keeps counting', async () => {
    world = await togglWorld();
    await world.provider().sync('user', T0 - WEEK);
    writeFileSync(`${world.cacheDir}/quota.json`, '<html>');
    const p = world.provider();
    expect(p.allowAutoRefresh('poll', T0)).toBe(true);
    expect(world.problems.join('\n')).toMatch(/request log was damaged.*moved to/);
    await p.sync('poll', T0 - WEEK);
    expect(p.budget.inWindow('user', T0)).toHaveLength(1);
  });

  it('shows a plan-feature 402 as unsupported, not as quota', async () => {
    world = await togglWorld();
    const p = world.provider();
    world.fake.planFeature402('POST /workspaces/*/time_entries', { times: 1 });
    const err = await failure(
      p.start({ description: 'x', projectId: null, taskId: null, billable: true, at: T0 }),
    );
    expect(err.error.kind).toBe('unsupported');
    expect(err.error.message).toContain('Premium functionality');
    expect(p.allowAutoRefresh('poll', T0)).toBe(true);
  });

  it('refreshes one list per automatic poll, and stops asking for tasks on a plan 402', async () => {
    world = await togglWorld();
    const p = world.provider();
    world.fake.planFeature402('GET /me/tasks');
    world.fake.addProject({ workspaceId: world.user.workspaceId, name: 'Site' });
    await p.sync('user', T0 - WEEK); // the first, full read
    const start = world.fake.requests.length;
    const perPoll: string[][] = [];
    for (let t = 0; t < 8 * 3600_000; t += POLL_MS) {
      await world.clock.advance(POLL_MS);
      const before = world.fake.requests.length;
      const r = await p.sync('poll', T0 - WEEK);
      perPoll.push(world.fake.requests.slice(before).map((x) => x.path));
      if (r.projects) expect(r.projects).toMatchObject([{ name: 'Site', tasks: [] }]);
    }
    const current = '/me/time_entries/current';
    expect(perPoll.every((paths) => paths[0] === current && paths.length <= 2)).toBe(true);
    const lists = world.fake.requests.slice(start).filter((x) => x.path !== current);
    // Every list came with since=, one at a time; tasks were asked once (402 "Premium
    // functionality") and never again.
    expect(lists.every((x) => /^\d+$/.test(x.query.since ?? ''))).toBe(true);
    expect(lists.filter((x) => x.path === '/me/time_entries').length).toBeGreaterThanOrEqual(7);
    expect(lists.filter((x) => x.path === '/me/projects')).toHaveLength(2);
    expect(lists.filter((x) => x.path === '/me/clients')).toHaveLength(2);
    expect(lists.filter((x) => x.path === '/me/tasks')).toHaveLength(1);
    // 15 polls + 1 entries list an hour, 16 + the pickers at most: under the background cap.
    expect(world.fake.maxRequestsInWindow({ bucket: 'user' })).toBeLessThanOrEqual(
      AUTO_CAP - POPUP_RESERVE,
    );
  });

  it('backs off after a 429, honouring Retry-After, else exponentially', async () => {
    world = await togglWorld({ burst: { perSecond: 1, retryAfter: true } });
    const p = world.provider({ random: () => 0 });
    const r = await p.sync('user', T0 - WEEK); // current passes, the list read gets 429
    expect(r.entries).toBeUndefined();
    expect(world.fake.counts.status429).toBe(1); // the rest of the refresh waited
    expect(p.allowAutoRefresh('poll', T0)).toBe(false);
    expect(p.budget.autoAllowedAt(T0)).toBe(T0 + 1000); // Retry-After: 1
    await world.clock.advance(1000);
    expect(p.allowAutoRefresh('poll', world.clock.now())).toBe(true);

    // Without Retry-After: 5 s, then 10 s (jitter 0 here), and a 429 on the running entry is
    // an error value.
    world.fake.configure({ burst: { perSecond: 1, retryAfter: false } });
    await world.clock.advance(10_000);
    await p.sync('user', T0 - WEEK);
    const t = world.clock.now();
    expect(p.budget.autoAllowedAt(t)).toBe(t + 5000);
    const err = await failure(p.sync('user', T0 - WEEK));
    expect(err.error.kind).toBe('rate-limited');
    expect(p.budget.autoAllowedAt(t)).toBe(t + 10_000);
    expect(p.nextRefreshIn({ running: false, now: t + 10_000 })).toBe(POLL_MS - 10_000);
  });
});

describe('errors are values', () => {
  const cases = [
    ['html502', 'provider', 'Toggl Track is having problems (HTTP 502).'],
    ['status500', 'provider', 'Toggl Track is having problems (HTTP 500).'],
    ['truncatedJson', 'provider', /answered with something unexpected \(running entry/],
    ['wrongShape', 'provider', /answered with something unexpected \(running entry/],
    ['reset', 'offline', /Toggl Track is unreachable/],
  ] as const;

  it.each(cases)('%s → %s', async (kind, errorKind, message) => {
    world = await togglWorld();
    const p = world.provider();
    await p.sync('user', T0 - WEEK);
    world.fake.fault(kind, '/me/time_entries/current', { times: 1 });
    const err = await failure(p.sync('poll', T0 - WEEK));
    expect(err.error.kind).toBe(errorKind);
    expect(err.error.message).toMatch(message);
    expect(err.error.message).not.toContain(TOKEN);
    // The next refresh works again.
    expect((await p.sync('user', T0 - WEEK)).running).toBeNull();
  });

  it('times out after the configured time as offline', async () => {
    world = await togglWorld();
    const p = world.provider({ timeoutMs: 300 });
    world.fake.fault('slow', '/me/time_entries/current', { times: 1, ms: 2000 });
    const err = await failure(p.sync('poll', T0 - WEEK));
    expect(err.error).toEqual({
      kind: 'offline',
      message: 'Toggl Track did not answer within 1 s.',
    });
  });

  it('a rejected token is "sign-in needed", without the token in any message or file', async () => {
    world = await togglWorld();
    const p = world.provider();
    await p.sync('user', T0 - WEEK);
    world.fake.addUser({ token: 'other' }); // the fake now knows a different token too
    const wrong = new TogglProvider({ workspaceId: world.user.workspaceId }, world.fake.baseUrl, {
      ...world.deps,
      getSecret: async () => 'revoked-token-123',
    });
    const err = await failure(wrong.sync('poll', T0 - WEEK));
    expect(err.error.kind).toBe('auth');
    expect(err.error.message).toMatch(/^Sign-in needed: Toggl rejected the API token/);
    expect(err.error.message).not.toContain('revoked-token-123');
    expect(allFileText(world.cacheDir)).not.toContain(TOKEN);
    expect(allFileText(world.cacheDir)).not.toContain('revoked-token-123');
  });
});
