/**
 * WebWork's 60 requests a minute, and how Tray Timer stays far below: automatic requests at most
 * AUTO_CAP (20) in any 60 s while the core polls for an hour, the request log shared by the app
 * and CLI runs on one cache folder, and a 429 that blocks every request (none sent) until the
 * service's Retry-After plus jitter — or a growing back-off when it gives none.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTO_CAP, USER_CAP, WebWorkBudget } from './webwork-budget';
import { POLL_MS, WebWorkProvider } from './webwork-provider';
import { failure, T0, useWwWorlds, type WwWorld } from './webwork-test-setup';

let w: WwWorld;
const world = useWwWorlds();
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const dirs: string[] = [];
function tempDir(base = tmpdir()): string {
  const d = mkdtempSync(join(base, 'tray-timer-ww-budget-'));
  dirs.push(d);
  return d;
}

/**
 * Ada's provider with its cache in RAM where the machine has /dev/shm: every request is logged
 * with two fsyncs, and an hour of polling on a busy disk would take seconds. Same code, same
 * files; only the folder differs.
 */
function ramProvider(): WebWorkProvider {
  const dir = tempDir(existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  return new WebWorkProvider(
    {
      workspaceId: w.workspace.id,
      workspaceName: w.workspace.name,
      userId: w.ada.id,
      email: w.ada.email,
      name: 'Ada Lovelace',
      role: 'Owner',
    },
    w.fake.baseUrl,
    { ...w.deps, cacheDir: dir },
    { random: () => 0 },
  );
}

/**
 * The core's pattern: a timed poll when nextRefreshIn says so (allowAutoRefresh('poll')), and a
 * popup refresh (allowAutoRefresh('popup')) every `popupMs` while `restless(now)` — someone
 * clicking the tray icon over and over.
 */
async function runScheduler(
  p: WebWorkProvider,
  until: number,
  popupMs: number,
  restless: (now: number) => boolean,
) {
  let nextPoll = w.clock.now();
  while (w.clock.now() < until) {
    const now = w.clock.now();
    if (now >= nextPoll && p.allowAutoRefresh('poll', now)) await p.sync('poll');
    else if (restless(now) && p.allowAutoRefresh('popup', now)) await p.sync('popup');
    nextPoll = w.clock.now() + (p.nextRefreshIn({ running: true, now: w.clock.now() }) ?? 0);
    const step = restless(w.clock.now()) ? popupMs : Math.max(1_000, nextPoll - w.clock.now());
    await w.clock.advance(Math.min(step, until - w.clock.now()));
  }
}

describe('automatic requests', () => {
  it(`an hour of polling with restless popups never exceeds ${AUTO_CAP} requests in any 60 s`, async () => {
    w = await world();
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Web', source: 'browser' });
    const p = ramProvider();
    // The popup opened every 2.5 s (24 a minute) for the first 3 minutes and again from 30 to 33.
    const restless = (now: number) =>
      now - T0 < 3 * 60_000 || (now - T0 >= 30 * 60_000 && now - T0 < 33 * 60_000);
    await runScheduler(p, T0 + 3600_000, 2_500, restless);
    expect(w.fake.maxRequestsInWindow({})).toBeLessThanOrEqual(AUTO_CAP);
    // The cap was reached (the popup asked far more often), so this can fail.
    expect(w.fake.maxRequestsInWindow({})).toBeGreaterThanOrEqual(AUTO_CAP - 1);
    expect(w.fake.requests.every((r) => r.status === 200)).toBe(true);
    // The quiet stretch still polls every 2 minutes.
    const quiet = w.fake.requestsBy({
      path: '/time-tracking/current-data',
      from: T0 + 40 * 60_000,
      to: T0 + 60 * 60_000 - 1,
    });
    expect(quiet.length).toBe(10);
  });

  it('a manager watching a 50-member glance for half an hour: own polls keep their rhythm, under the cap', async () => {
    w = await world();
    for (let i = 1; i <= 48; i++) {
      const u = w.fake.addUser({ email: `m${i}@example.com`, firstname: 'M', lastname: String(i) });
      w.fake.addMember(w.workspace.id, u.id, 'Regular User');
      if (i % 4 === 0)
        w.fake.remoteStart(u.id, w.workspace.id, { description: `T${i}`, source: 'browser' });
    }
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Mine', source: 'browser' });
    const p = ramProvider();
    const end = T0 + 30 * 60_000;
    let nextPoll = w.clock.now();
    let nextGlance = w.clock.now();
    let last = { unchecked: 50 };
    while (w.clock.now() < end) {
      const now = w.clock.now();
      if (now >= nextPoll && p.allowAutoRefresh('poll', now)) await p.sync('poll');
      nextPoll = w.clock.now() + (p.nextRefreshIn({ running: true, now: w.clock.now() }) ?? 0);
      // The popup's team view asks every 60 s while it is shown.
      if (now >= nextGlance) {
        last = await p.glance('watch');
        nextGlance = now + 60_000;
      }
      await w.clock.advance(10_000);
    }
    expect(w.fake.maxRequestsInWindow({})).toBeLessThanOrEqual(AUTO_CAP);
    expect(last.unchecked).toBe(0);
    // My own tracker was read at least every 2 minutes and 10 s (the loop's step).
    const mine = w.fake
      .requestsBy({ path: '/time-tracking/current-data' })
      .filter((q) => q.query.user_id === String(w.ada.id))
      .map((q) => q.at);
    const gaps = mine.slice(1).map((at, i) => at - (mine[i] ?? at));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(POLL_MS + 10_000);
    expect(w.fake.requests.every((q) => q.status !== 429)).toBe(true);
  });

  it('a quiet hour of polling: one tracker read every 2 minutes plus the lists twice', async () => {
    w = await world();
    const p = ramProvider();
    await runScheduler(p, T0 + 3600_000, POLL_MS, () => false);
    const second = { from: T0, to: T0 + 3600_000 - 1 };
    const reads = w.fake.requestsBy({ path: '/time-tracking/current-data', ...second }).length;
    expect(reads).toBe(30);
    const all = w.fake.requestsBy(second).length;
    // current-data every 2 min; contracts, projects and one task list every 30 min.
    expect(all).toBe(30 + 2 * 3);
    const q = w.provider();
    await q.sync('user');
    expect(q.nextRefreshIn({ running: false, now: w.clock.now() })).toBe(POLL_MS);
  });

  it('a start-up within one poll interval of the last read uses the cache; a user refresh always goes', async () => {
    w = await world();
    await w.provider().sync('user');
    await w.clock.advance(60_000);
    const cli = w.provider();
    expect(cli.restore()?.syncedAt).toBe(T0);
    expect(cli.allowAutoRefresh('startup', w.clock.now())).toBe(false);
    expect(cli.allowAutoRefresh('resume', w.clock.now())).toBe(true);
    expect(cli.allowAutoRefresh('user', w.clock.now())).toBe(true);
    // The next timed poll is due one interval after the last read, not after the restart.
    expect(cli.nextRefreshIn({ running: false, now: w.clock.now() })).toBe(POLL_MS - 60_000);
    await w.clock.advance(POLL_MS);
    expect(cli.allowAutoRefresh('startup', w.clock.now())).toBe(true);
  });

  it('the request log is shared by two providers on one cache folder (app and CLI)', async () => {
    w = await world();
    const app = w.provider();
    await app.sync('user'); // 4 requests, not automatic
    for (let i = 0; i < AUTO_CAP; i++) {
      await app.sync('popup');
      await w.clock.advance(1_000);
    }
    const cli = w.provider();
    const now = w.clock.now();
    expect(cli.allowAutoRefresh('popup', now)).toBe(false);
    expect(cli.allowAutoRefresh('startup', now)).toBe(false);
    expect(cli.allowAutoRefresh('user', now)).toBe(true);
    // The first automatic read leaves the window 60 s after it was made.
    expect(cli.nextRefreshIn({ running: false, now })).toBeGreaterThan(0);
    expect(cli.budget.autoAllowedAt(now)).toBe(T0 + 60_000);
    await w.clock.advance(T0 + 60_000 - now);
    expect(cli.allowAutoRefresh('popup', w.clock.now())).toBe(true);

    writeFileSync(join(w.cacheDir, 'requests.json'), '{"version":1,"log":[');
    expect(w.provider().allowAutoRefresh('popup', w.clock.now())).toBe(true);
    expect(w.problems.join('\n')).toMatch(/WebWork request log was damaged/);
  });
});

describe('429', () => {
  it('blocks every request locally until Retry-After plus jitter, then recovers', async () => {
    w = await world({ fake: { ratePerMinute: 5 } });
    const p = w.provider();
    await p.sync('user'); // current-data, contracts, projects, tasks at T0
    await w.clock.advance(1_000);
    await p.sync('user'); // current-data: the 5th
    await w.clock.advance(1_000);
    const err = await failure(p.sync('user'));
    // The oldest request leaves the server's window at T0 + 60 s: Retry-After 58 s, plus 250 ms.
    const until = T0 + 2_000 + 58_000 + 250;
    expect(err.error).toEqual({
      kind: 'rate-limited',
      message:
        "WebWork's limit of 60 requests a minute was reached; Tray Timer waits 59 s before asking again.",
      resetAt: new Date(until).toISOString(),
    });
    expect(w.fake.requests.at(-1)).toMatchObject({ status: 429 });
    const sent = w.fake.requests.length;

    // Until then nothing is sent: not a poll, not a refresh, not a start, not another instance.
    await w.clock.advance(30_000);
    expect(p.allowAutoRefresh('poll', w.clock.now())).toBe(false);
    expect((await failure(p.sync('user'))).error.kind).toBe('rate-limited');
    const start = await failure(
      p.start({ description: 'Later', projectId: null, taskId: null, at: w.clock.now() }),
    );
    expect(start.error).toMatchObject({
      kind: 'rate-limited',
      resetAt: new Date(until).toISOString(),
    });
    expect((await failure(w.provider().sync('user'))).error.kind).toBe('rate-limited');
    await w.clock.advance(until - 1 - w.clock.now());
    expect((await failure(p.sync('user'))).error.kind).toBe('rate-limited');
    expect(w.fake.requests.length).toBe(sent);

    await w.clock.advance(1);
    expect((await p.sync('user')).running).toBeNull();
    // The tracker and the (now a minute old) lists are read again, none refused.
    const after = w.fake.requests.slice(sent);
    expect(after.map((q) => [q.path, q.at])).toEqual(
      ['/time-tracking/current-data', '/contracts', '/projects', '/tasks'].map((path) => [
        path,
        until,
      ]),
    );
    expect(after.some((q) => q.status === 429)).toBe(false);
    expect(p.budget.blockedUntil(w.clock.now())).toBeNull();
  });

  it('a 429 on a list during a sync still blocks what follows', async () => {
    w = await world({ fake: { ratePerMinute: 2 } });
    const p = w.provider();
    // current-data and contracts pass, projects gets the 429; the list is left as cached.
    const r = await p.sync('user');
    expect(r.running).toBeNull();
    expect(w.fake.requests.map((q) => q.status)).toEqual([404, 200, 429]);
    expect((await failure(p.sync('user'))).error.kind).toBe('rate-limited');
    expect(w.fake.requests.length).toBe(3);
  });
});

describe('429 and the team glance', () => {
  it('while blocked, a watched glance sends nothing and says when it can read again', async () => {
    w = await world({ fake: { ratePerMinute: 3 } });
    const p = w.provider();
    await p.findMember('bob@example.com'); // the member list: 1
    await p.sync('user'); // current-data, contracts: 3; projects gets the 429
    const until = p.budget.blockedUntil(w.clock.now());
    expect(until).not.toBeNull();
    const sent = w.fake.requests.length;
    const g = await p.glance('watch');
    expect(w.fake.requests.length).toBe(sent);
    expect(g.unchecked).toBe(1); // Bob (Ada was just read)
    expect(g.nextCheckAt).toBe(until);
  });
});

describe('WebWorkBudget', () => {
  it('backs off 5 s, 10 s, 20 s … (plus jitter) without Retry-After, up to 5 minutes', () => {
    const dir = tempDir();
    const problems: string[] = [];
    const b = new WebWorkBudget(
      dir,
      (m) => problems.push(m),
      () => 0,
    );
    const waits: number[] = [];
    let now = T0;
    for (let i = 0; i < 9; i++) {
      const until = b.onRateLimited(now, null);
      waits.push(until - now);
      expect(b.blockedUntil(now)).toBe(until);
      expect(b.autoRoom(now)).toBe(0);
      expect(b.room(now)).toBe(0);
      now = until;
    }
    expect(waits).toEqual(
      [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000].map(
        (ms) => ms + 250,
      ),
    );
    // A successful answer ends the streak.
    b.onSuccess();
    expect(b.blockedUntil(now)).toBeNull();
    expect(b.onRateLimited(now, null) - now).toBe(5_250);
    // Retry-After wins over the back-off; jitter is up to 20 % more.
    const j = new WebWorkBudget(
      `${dir}-j`,
      () => undefined,
      () => 1,
    );
    expect(j.onRateLimited(T0, 30_000) - T0).toBe(30_000 + 6_000 + 250);
    expect(problems).toEqual([]);
  });

  it('counts automatic and all requests in a sliding minute', () => {
    const dir = tempDir();
    const b = new WebWorkBudget(
      dir,
      () => undefined,
      () => 0,
    );
    for (let i = 0; i < AUTO_CAP; i++) b.record(T0 + i * 1_000, true);
    for (let i = 0; i < 3; i++) b.record(T0 + 20_000, false);
    const now = T0 + 20_000;
    expect(b.autoRoom(now)).toBe(0);
    // The user's cap counts every request: automatic ones and the user's own.
    expect(b.room(now)).toBe(USER_CAP - AUTO_CAP - 3);
    expect(USER_CAP - AUTO_CAP - 3).toBeGreaterThan(0);
    expect(b.autoAllowedAt(now)).toBe(T0 + 60_000);
    expect(b.nextRoomAt(now, true)).toBe(T0 + 60_000);
    expect(b.autoRoom(T0 + 60_000)).toBe(1);
    expect(b.autoRoom(T0 + 80_000)).toBe(AUTO_CAP);
  });
});
