/**
 * The action journal end to end with TrackingTime: the real core against the fake TrackingTime
 * over real HTTP, with the network taken away for real (journal-kit). TrackingTime takes the
 * time of a start and of a stop as a `date` parameter in the user's zone, so a replay sends the
 * times the user asked for, not the time the connection came back.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import {
  startFakeTrackingTime,
  type FakeAccount,
  type FakeUser,
} from '../fakes/trackingtime-server';
import {
  accountOf,
  advanceUntil,
  clockTime,
  journalOnDisk,
  MIN,
  onlyPending,
  refused,
  run,
  startWhileOffline,
  T0,
  useJournalWorld,
  type Ok,
  type WireRequest,
} from './journal-kit';

const APP_PASSWORD = 'tt-app-7f3c9a1e55d2b8040c6e';
const ZONE = 'Europe/Madrid';
const ON = 'TrackingTime: ada@example.com · Acme';

const w = useJournalWorld('tt', (now) => startFakeTrackingTime({ now }));
const live = w.live;
let account: FakeAccount;
let user: FakeUser;

beforeEach(() => {
  account = w.fake.addAccount({ company: 'Acme' });
  user = w.fake.addUser({
    email: 'ada@example.com',
    appPassword: APP_PASSWORD,
    timezone: ZONE,
    accountId: account.id,
  });
});

async function connect(mode: 'app' | 'oneshot'): Promise<Core> {
  const core = await w.open(mode);
  await run(core, {
    type: 'accounts.add',
    input: { provider: 'trackingtime', secret: APP_PASSWORD, baseUrl: w.fake.baseUrl, options: {} },
  });
  return core;
}

const tt = (r: { snapshot: Ok['snapshot'] }) => accountOf(r.snapshot, 'trackingtime');
const now = () => live().snapshot();

/** "2026-11-27 10:01:00": the wall-clock time in Madrid, as TrackingTime takes `date`. */
const madrid = (ms: number): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(ms));

const TRACK = /\/tasks\/track(\/\d+)?$/;
const STOP = /\/tasks\/stop\/\d+$/;
/** Starts that reached the fake (its own log: what arrived, not what was tried). */
const startsArrived = () => w.fake.requestsBy({ method: 'POST', path: TRACK });
const kindOf = (w: WireRequest) =>
  TRACK.test(w.path) ? 'track' : STOP.test(w.path) ? 'stop' : w.path;

const startOffline = (description: string, extra: { project?: string } = {}): Promise<Ok> =>
  startWhileOffline(w, { accountId: 'trackingtime', description, ...extra });

const refresh = () => run(live(), { type: 'refresh', input: { accountId: 'trackingtime' } });

describe('TrackingTime: an offline start waits in the journal and goes out once, at the asked time', () => {
  it('shows it pending, then sends it with date = the asked local time on "refresh"', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    const started = await startOffline('Docs');

    expect(started.message).toBe(
      `Started “Docs” at ${clockTime(t1)} on ${ON} — will sync when online.`,
    );
    const shown = tt(started);
    expect(shown).toMatchObject({ running: true, entry: { description: 'Docs', pending: true } });
    expect(onlyPending(shown)).toMatchObject({
      kind: 'start',
      state: 'waiting',
      summary: `Start “Docs” at ${clockTime(t1)}`,
    });
    const line = started.snapshot.tray.tooltip.split('\n').find((l) => l.includes('Docs'));
    expect(line).toMatch(/^▶ .*Docs.* — will sync when online$/);
    expect(journalOnDisk(w.dir)).toHaveLength(1);
    expect(startsArrived()).toHaveLength(0);

    await w.clock.advance(5 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await refresh();

    const writes = w.net.writesSince(mark);
    expect(writes.map(kindOf)).toEqual(['track']);
    expect(writes[0]?.body).toMatchObject({
      task_name: 'Docs',
      date: madrid(t1),
      timezone: ZONE,
    });
    expect(madrid(t1)).toBe('2026-11-27 10:01:00');
    expect(startsArrived()).toHaveLength(1);
    expect(w.fake.events(user.id)).toHaveLength(1);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t1, end: null });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(refreshed)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(refreshed.snapshot.tray.tooltip).not.toContain('will sync');
  });

  it('the retry timer sends it in app mode once the connection is back', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');
    await advanceUntil(w.clock, () => false, { maxMs: 2 * MIN, stepMs: 15_000 });
    expect(startsArrived()).toHaveLength(0);
    expect(journalOnDisk(w.dir)?.[0]?.state).toBe('waiting');

    w.net.online();
    const took = await advanceUntil(w.clock, () => journalOnDisk(w.dir) === null, {
      maxMs: 6 * MIN,
    });
    expect(took).toBeLessThanOrEqual(5 * MIN);
    expect(startsArrived()).toHaveLength(1);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t1 });
    expect(tt({ snapshot: now() })).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('TrackingTime: offline start, then offline stop', () => {
  it('replays both in order: track with date = t1, stop with date = t2', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');
    await w.clock.advance(7 * MIN);
    const t2 = w.clock.now();
    const stopped = await run(live(), { type: 'stop', input: { accountId: 'trackingtime' } });
    expect(stopped.message).toBe(
      `Stopped “Docs” at ${clockTime(t2)} on ${ON} — will sync when online.`,
    );
    expect(tt(stopped)).toMatchObject({ running: false, entry: null });
    expect(tt(stopped).pending.map((p) => [p.kind, p.state])).toEqual([
      ['start', 'waiting'],
      ['stop', 'waiting'],
    ]);

    await w.clock.advance(10 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await refresh();

    const writes = w.net.writesSince(mark);
    expect(writes.map(kindOf)).toEqual(['track', 'stop']);
    expect(writes[0]?.body).toMatchObject({ date: madrid(t1), timezone: ZONE });
    expect(writes[1]?.body).toMatchObject({ date: madrid(t2), timezone: ZONE });
    const events = w.fake.events(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ start: t1, end: t2 });
    expect((events[0]?.end ?? 0) - (events[0]?.start ?? 0)).toBe(t2 - t1);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(refreshed)).toMatchObject({ running: false, pending: [], todaySeconds: 7 * 60 });
  });
});

describe('TrackingTime: the answer to a start is lost on the way back', () => {
  it('the replay recognises the running event and does not track a second time', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    w.net.loseAnswer((r) => r.method === 'POST' && TRACK.test(r.path));
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'trackingtime', description: 'Docs' },
    });
    expect(started.message).toMatch(/— will sync when online\.$/);
    expect(w.fake.events(user.id)).toHaveLength(1);
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(3 * MIN);
    const refreshed = await refresh();
    expect(startsArrived()).toHaveLength(1);
    expect(w.fake.events(user.id)).toHaveLength(1);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(refreshed)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });

  it('a stop whose answer was lost is not sent again', async () => {
    await connect('oneshot');
    await run(live(), { type: 'start', input: { accountId: 'trackingtime', description: 'Docs' } });
    await w.clock.advance(20 * MIN);
    w.net.loseAnswer((r) => r.method === 'POST' && STOP.test(r.path));
    const stopped = await run(live(), { type: 'stop', input: { accountId: 'trackingtime' } });
    expect(stopped.message).toMatch(/— will sync when online\.$/);
    expect(w.fake.runningEvent(user.id)).toBeNull();

    await w.clock.advance(MIN);
    const mark = w.net.mark();
    const refreshed = await refresh();
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(refreshed)).toMatchObject({ running: false, pending: [] });
  });
});

describe('TrackingTime: a timer started elsewhere while the action waited is a conflict', () => {
  async function conflictSetUp(): Promise<{ t1: number; theirsId: number; actionId: string }> {
    const site = w.fake.addProject({ accountId: account.id, name: 'Site' });
    const review = w.fake.addTask({ projectId: site.id, name: 'Review', userIds: [user.id] });
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Mine');
    await w.clock.advance(2 * MIN);
    const theirs = w.fake.remoteTrack(user.id, review.id);
    const theirsStart = w.clock.now();
    await w.clock.advance(2 * MIN);
    w.net.online();
    const refreshed = await refresh();

    const shown = tt(refreshed);
    const action = onlyPending(shown);
    expect(action).toMatchObject({
      kind: 'start',
      state: 'conflict',
      theirs: { description: 'Review', projectName: 'Site', stoppedAt: null },
      error: {
        kind: 'conflict',
        message: `While this waited, “Review — Site” was started elsewhere since ${clockTime(theirsStart)}. Apply yours (it stops “Review — Site”) or discard it.`,
      },
    });
    expect(startsArrived()).toHaveLength(0);
    expect(w.fake.runningEvent(user.id)?.id).toBe(theirs.id);
    expect(shown.entry).toMatchObject({ description: 'Review', pending: false });
    expect(refreshed.snapshot.tray.tooltip).toContain(`⚠ 1 action needs you (${ON})`);
    return { t1, theirsId: theirs.id, actionId: action.id };
  }

  it('"apply anyway" ends theirs now (none of its time lost), then tracks mine at its own date', async () => {
    const { t1, theirsId, actionId } = await conflictSetUp();
    const mark = w.net.mark();
    const retried = await run(live(), {
      type: 'queue.retry',
      input: { actionId, override: true },
    });
    expect(retried.message).toBe(`Start “Mine”: done on ${ON}.`);
    const writes = w.net.writesSince(mark);
    expect(writes.map(kindOf)).toEqual(['stop', 'track']);
    expect(writes[0]?.body).toMatchObject({ date: madrid(w.clock.now()) });
    expect(writes[1]?.body).toMatchObject({ date: madrid(t1), stop_running_task: true });
    const theirs = w.fake.event(theirsId);
    expect(theirs?.end).not.toBeNull();
    expect(Number(theirs?.end) - Number(theirs?.start)).toBeGreaterThan(0);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t1 });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(retried)).toMatchObject({ pending: [], entry: { description: 'Mine' } });
  });

  it('discard drops mine and leaves theirs running', async () => {
    const { theirsId, actionId } = await conflictSetUp();
    const discarded = await run(live(), { type: 'queue.discard', input: { actionId } });
    expect(discarded.message).toBe(`Discarded Start “Mine” (${ON}).`);
    expect(startsArrived()).toHaveLength(0);
    expect(w.fake.runningEvent(user.id)?.id).toBe(theirsId);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(discarded)).toMatchObject({ pending: [], entry: { description: 'Review' } });
  });
});

describe('TrackingTime: an action the service refuses for good is set aside; the rest goes on', () => {
  const REFUSAL = 'TrackingTime could not find that (Project not found).';

  async function poisoned(next: () => Promise<unknown>): Promise<Ok> {
    const site = w.fake.addProject({ accountId: account.id, name: 'Site' });
    await connect('oneshot');
    await w.clock.advance(MIN);
    await startOffline('Docs', { project: 'Site' });
    await w.clock.advance(5 * MIN);
    await next();
    expect(journalOnDisk(w.dir)).toHaveLength(2);
    // The project leaves the account (deleted on the web) before the replay.
    site.accountId = account.id + 999_999;
    w.net.online();
    return refresh();
  }

  it('a start on a project deleted meanwhile is rejected with the reason; the next start goes out', async () => {
    const t2 = T0 + 6 * MIN;
    const refreshed = await poisoned(() =>
      run(live(), { type: 'start', input: { accountId: 'trackingtime', description: 'Mail' } }),
    );
    const rejected = onlyPending(tt(refreshed));
    expect(rejected).toMatchObject({
      kind: 'start',
      state: 'rejected',
      summary: `Start “Docs — Site” at ${clockTime(T0 + MIN)}`,
      error: { message: REFUSAL },
    });
    expect(startsArrived()).toHaveLength(2);
    expect(w.fake.events(user.id)).toHaveLength(1);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t2 });
    expect(tt(refreshed).entry).toMatchObject({ description: 'Mail', pending: false });

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: rejected.id } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Site” (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(dropped)).toMatchObject({ pending: [], entry: { description: 'Mail' } });
  });

  it('retrying the rejected start fails again with the reason; discard removes it', async () => {
    const refreshed = await poisoned(() =>
      run(live(), { type: 'stop', input: { accountId: 'trackingtime' } }),
    );
    const rejected = onlyPending(tt(refreshed));
    expect(rejected).toMatchObject({ state: 'rejected', error: { message: REFUSAL } });
    expect(journalOnDisk(w.dir)?.map((a) => [a.kind, a.state])).toEqual([['start', 'rejected']]);

    const before = startsArrived().length;
    const again = await refused(live(), {
      type: 'queue.retry',
      input: { actionId: rejected.id },
    });
    expect(again.error.message).toBe(REFUSAL);
    expect(startsArrived()).toHaveLength(before + 1);
    expect(w.fake.events(user.id)).toHaveLength(0);
    expect(onlyPending(tt({ snapshot: now() })).state).toBe('rejected');

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: rejected.id } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Site” (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(dropped).pending).toEqual([]);
  });
});

describe('TrackingTime: the journal survives a restart', () => {
  it('a new core on the same data folder tracks the waiting start once, at its own date', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');
    await w.close();
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(30 * MIN);
    w.net.online();
    const mark = w.net.mark();
    await w.open('oneshot');
    expect(w.net.writesSince(mark).map((w) => w.body)).toMatchObject([{ date: madrid(t1) }]);
    expect(startsArrived()).toHaveLength(1);
    expect(w.fake.events(user.id)).toHaveLength(1);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t1 });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt({ snapshot: now() })).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });
});

describe('TrackingTime: a revoked app password makes the action wait for a new sign-in', () => {
  it('is not rejected; it goes out with its own date once the account is reconnected', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    user.appPasswords.length = 0;
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'trackingtime', description: 'Docs' },
    });
    expect(started.message).toBe(
      `Started “Docs” at ${clockTime(t1)} on ${ON} — will sync after you sign in again.`,
    );
    expect(onlyPending(tt(started))).toMatchObject({ state: 'waiting', error: { kind: 'auth' } });

    await w.clock.advance(10 * MIN);
    const refreshed = await refresh();
    expect(onlyPending(tt(refreshed)).state).toBe('waiting');
    expect(w.fake.events(user.id)).toHaveLength(0);

    const renewed = 'tt-app-renewed-0000000000000';
    user.appPasswords.push(renewed);
    const reconnected = await run(live(), {
      type: 'accounts.add',
      input: {
        provider: 'trackingtime',
        secret: renewed,
        options: {},
        replaceAccountId: 'trackingtime',
      },
    });
    expect(w.fake.events(user.id)).toHaveLength(1);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t1 });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(tt(reconnected)).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('TrackingTime: switching timers offline', () => {
  it('an offline start over a running timer ends it at the asked time, not at sync', async () => {
    await connect('oneshot');
    await run(live(), { type: 'start', input: { accountId: 'trackingtime', description: 'Mail' } });
    const mail = w.fake.runningEvent(user.id);
    await w.clock.advance(10 * MIN);
    const t1 = w.clock.now();
    const switched = await startOffline('Docs');
    expect(tt(switched).entry).toMatchObject({ description: 'Docs', pending: true });

    await w.clock.advance(10 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await refresh();
    const writes = w.net.writesSince(mark);
    expect(writes.map(kindOf)).toEqual(['track']);
    expect(writes[0]?.body).toMatchObject({
      task_name: 'Docs',
      date: madrid(t1),
      stop_running_task: true,
    });
    expect(w.fake.event(mail?.id ?? 0)).toMatchObject({ start: T0, end: t1 });
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: t1 });
    expect(tt(refreshed)).toMatchObject({ pending: [], todaySeconds: 20 * 60 });
  });
});
