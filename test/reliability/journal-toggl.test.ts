/**
 * The action journal end to end with Toggl Track: the real core (openCore, execute, the
 * scheduler's retry timers) against the fake Toggl over real HTTP, with the network taken away
 * for real (journal-kit). What the user sees while offline, and what goes over the wire when the
 * connection is back: one request per action, in order, with the time the user asked for.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { startFakeToggl, type FakeUser } from '../fakes/toggl-server';
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
} from './journal-kit';

const TOKEN = '1971800d4d82861d8f2c1651fea4d212';
const ON = 'Toggl Track: ada@example.com · Acme';

const w = useJournalWorld('toggl', (now) => startFakeToggl({ now }));
const live = w.live;
let user: FakeUser;

beforeEach(() => {
  user = w.fake.addUser({ token: TOKEN, email: 'ada@example.com', workspaceName: 'Acme' });
});

async function connect(mode: 'app' | 'oneshot'): Promise<Core> {
  const core = await w.open(mode);
  await run(core, {
    type: 'accounts.add',
    input: { provider: 'toggl', secret: TOKEN, baseUrl: w.fake.baseUrl, options: {} },
  });
  return core;
}

const toggl = (r: { snapshot: Ok['snapshot'] }) => accountOf(r.snapshot, 'toggl');
const now = () => live().snapshot();

/** Toggl's wire form of a time: UTC, whole seconds. */
const utc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const POST_ENTRY = () => `/api/v9/workspaces/${user.workspaceId}/time_entries`;
/** Starts that reached the fake (its own log: what arrived, not what was tried). */
const postsArrived = () =>
  w.fake.requestsBy({ method: 'POST', path: '/workspaces/*/time_entries' });

/** Goes offline, lets `minutes` pass and starts `description` from the popup. */
const startOffline = (description: string, extra: { project?: string } = {}): Promise<Ok> =>
  startWhileOffline(w, { accountId: 'toggl', description, ...extra });

describe('Toggl: an offline start waits in the journal and goes out once, at the asked time', () => {
  it('shows it pending, then sends it with its own time on "refresh" (oneshot)', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    const started = await startOffline('Docs');

    expect(started.message).toBe(
      `Started “Docs” at ${clockTime(t1)} on ${ON} — will sync when online.`,
    );
    const shown = toggl(started);
    expect(shown.entry).toMatchObject({ description: 'Docs', pending: true });
    expect(shown.running).toBe(true);
    expect(onlyPending(shown)).toMatchObject({
      kind: 'start',
      state: 'waiting',
      summary: `Start “Docs” at ${clockTime(t1)}`,
      error: { kind: 'offline' },
    });
    const line = started.snapshot.tray.tooltip.split('\n').find((l) => l.includes('Docs'));
    expect(line).toMatch(/^▶ .*Docs.* — will sync when online$/);
    expect(journalOnDisk(w.dir)).toHaveLength(1);
    expect(postsArrived()).toHaveLength(0);

    // Five minutes later the connection is back and the user refreshes.
    await w.clock.advance(5 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });

    const writes = w.net.writesSince(mark);
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`POST ${POST_ENTRY()}`]);
    expect(writes[0]?.body).toMatchObject({ description: 'Docs', start: utc(t1), duration: -1 });
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
    expect(journalOnDisk(w.dir)).toBeNull();
    const after = toggl(refreshed);
    expect(after.pending).toEqual([]);
    expect(after.entry).toMatchObject({ description: 'Docs', pending: false });
    expect(after.entry?.id).toBe(String(w.fake.runningEntry(user.id)?.id));
    expect(refreshed.snapshot.tray.tooltip).not.toContain('will sync');
  });

  it('the retry timer sends it in app mode, backing off while still offline', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');

    // Still offline: the retries keep failing, the action keeps waiting, nothing is sent.
    await advanceUntil(w.clock, () => false, { maxMs: 3 * MIN, stepMs: 15_000 });
    expect(postsArrived()).toHaveLength(0);
    const waiting = journalOnDisk(w.dir);
    expect(waiting).toHaveLength(1);
    expect(waiting?.[0]?.state).toBe('waiting');
    // Backoff: the first try, then again after 15 s, 30 s and 1 min (the next is 2 min later).
    expect(waiting?.[0]?.attempts).toBe(4);

    w.net.online();
    const took = await advanceUntil(w.clock, () => journalOnDisk(w.dir) === null, {
      maxMs: 6 * MIN,
    });
    expect(took).toBeLessThanOrEqual(5 * MIN);
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
    expect(toggl({ snapshot: now() })).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });
});

describe('Toggl: offline start, then offline stop', () => {
  it('replays both in order: the start at t1, the stop at t2 (an update of the stop time)', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');
    await w.clock.advance(7 * MIN);
    const t2 = w.clock.now();
    const stopped = await run(live(), { type: 'stop', input: { accountId: 'toggl' } });
    expect(stopped.message).toBe(
      `Stopped “Docs” at ${clockTime(t2)} on ${ON} — will sync when online.`,
    );
    expect(toggl(stopped)).toMatchObject({ running: false, entry: null });
    expect(toggl(stopped).pending.map((p) => [p.kind, p.state])).toEqual([
      ['start', 'waiting'],
      ['stop', 'waiting'],
    ]);
    expect(journalOnDisk(w.dir)).toHaveLength(2);

    await w.clock.advance(10 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });

    const writes = w.net.writesSince(mark);
    const created = w.fake.entries(user.id)[0];
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST ${POST_ENTRY()}`,
      `PUT ${POST_ENTRY()}/${created?.id}`,
    ]);
    expect(writes[0]?.body).toMatchObject({ start: utc(t1) });
    expect(writes[1]?.body).toEqual({ stop: utc(t2) });
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(created).toMatchObject({ description: 'Docs', start: t1, stop: t2 });
    expect((created?.stop ?? 0) - (created?.start ?? 0)).toBe(t2 - t1);
    expect(w.fake.runningEntry(user.id)).toBeNull();
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(refreshed)).toMatchObject({ running: false, pending: [], todaySeconds: 7 * 60 });
  });
});

describe('Toggl: the answer to a start is lost on the way back', () => {
  it('the replay recognises the entry the request created and does not start a second one', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    w.net.loseAnswer((r) => r.method === 'POST');
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'toggl', description: 'Docs' },
    });
    // The request arrived (Toggl runs it); the app could not know and keeps it waiting.
    expect(started.message).toMatch(/— will sync when online\.$/);
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(3 * MIN);
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(refreshed)).toMatchObject({
      pending: [],
      entry: { id: String(w.fake.runningEntry(user.id)?.id), pending: false },
    });
  });

  it('a stop whose answer was lost is not sent again', async () => {
    await connect('oneshot');
    await run(live(), { type: 'start', input: { accountId: 'toggl', description: 'Docs' } });
    await w.clock.advance(20 * MIN);
    w.net.loseAnswer((r) => r.method === 'PATCH' || r.method === 'PUT');
    const stopped = await run(live(), { type: 'stop', input: { accountId: 'toggl' } });
    expect(stopped.message).toMatch(/— will sync when online\.$/);
    expect(w.fake.runningEntry(user.id)).toBeNull();

    await w.clock.advance(MIN);
    const mark = w.net.mark();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(refreshed)).toMatchObject({ running: false, pending: [] });
    expect(w.fake.entries(user.id)).toHaveLength(1);
  });
});

describe('Toggl: a start made elsewhere while the action waited is a conflict', () => {
  async function conflictSetUp(): Promise<{ t1: number; theirsId: number; actionId: string }> {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Mine');
    await w.clock.advance(2 * MIN);
    const theirs = w.fake.remoteStart(user.id, { description: 'Theirs' });
    const theirsStart = w.clock.now();
    await w.clock.advance(2 * MIN);
    w.net.online();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });

    const shown = toggl(refreshed);
    const action = onlyPending(shown);
    expect(action).toMatchObject({
      kind: 'start',
      state: 'conflict',
      theirs: { description: 'Theirs', stoppedAt: null },
      error: {
        kind: 'conflict',
        message: `While this waited, “Theirs” was started elsewhere since ${clockTime(theirsStart)}. Apply yours (it stops “Theirs”) or discard it.`,
      },
    });
    // Nothing was overwritten: no start went out, what runs on Toggl runs on, and is shown.
    expect(postsArrived()).toHaveLength(0);
    expect(w.fake.runningEntry(user.id)?.id).toBe(theirs.id);
    expect(shown.entry).toMatchObject({ description: 'Theirs', pending: false });
    expect(refreshed.snapshot.tray.tooltip).toContain(`⚠ 1 action needs you (${ON})`);
    expect(journalOnDisk(w.dir)?.[0]?.state).toBe('conflict');
    return { t1, theirsId: theirs.id, actionId: action.id };
  }

  it('"apply anyway" (retry with override) starts mine and stops theirs', async () => {
    const { t1, theirsId, actionId } = await conflictSetUp();
    const retried = await run(live(), {
      type: 'queue.retry',
      input: { actionId, override: true },
    });
    expect(retried.message).toBe(`Start “Mine”: done on ${ON}.`);
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Mine', start: t1 });
    // Theirs began after the asked time: it ends now, keeping all of its time.
    expect(w.fake.entry(theirsId)?.stop).toBe(w.clock.now());
    expect(Number(w.fake.entry(theirsId)?.stop) - Number(w.fake.entry(theirsId)?.start)).toBe(
      2 * MIN,
    );
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(retried)).toMatchObject({ pending: [], entry: { description: 'Mine' } });
  });

  it('a conflicting offline start+stop: "apply anyway" on the start, and its stop is judged again and sent', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Mine');
    await w.clock.advance(5 * MIN);
    const t2 = w.clock.now();
    await run(live(), { type: 'stop', input: { accountId: 'toggl' } });
    await w.clock.advance(MIN);
    const theirs = w.fake.remoteStart(user.id, { description: 'Theirs' });
    await w.clock.advance(MIN);
    w.net.online();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    const [start, stop] = toggl(refreshed).pending;
    expect([start?.state, stop?.state]).toEqual(['conflict', 'conflict']);

    const retried = await run(live(), {
      type: 'queue.retry',
      input: { actionId: start?.id ?? '', override: true },
    });
    // What the user asked for: Mine 09:01–09:06; Theirs keeps its time and was ended now.
    const mine = w.fake.entries(user.id).find((e) => e.description === 'Mine');
    expect(mine).toMatchObject({ start: t1, stop: t2 });
    expect(w.fake.entry(theirs.id)?.stop).toBe(w.clock.now());
    expect(w.fake.runningEntry(user.id)).toBeNull();
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(retried)).toMatchObject({ pending: [], running: false });
  });

  it('discard drops mine and leaves theirs running', async () => {
    const { theirsId, actionId } = await conflictSetUp();
    const discarded = await run(live(), { type: 'queue.discard', input: { actionId } });
    expect(discarded.message).toBe(`Discarded Start “Mine” (${ON}).`);
    expect(postsArrived()).toHaveLength(0);
    expect(w.fake.runningEntry(user.id)?.id).toBe(theirsId);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(discarded)).toMatchObject({ pending: [], entry: { description: 'Theirs' } });
    expect(discarded.snapshot.tray.tooltip).not.toContain('needs you');
  });
});

describe('Toggl: an action the service refuses for good is set aside; the rest goes on', () => {
  const REFUSAL = 'Toggl Track refused the request (HTTP 400: Invalid project_id).';

  /** Queues a start on project Site offline, then `next`; Site is deleted before the replay. */
  async function poisoned(next: () => Promise<unknown>): Promise<Ok> {
    const site = w.fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
    await connect('oneshot');
    await w.clock.advance(MIN);
    await startOffline('Docs', { project: 'Site' });
    await w.clock.advance(5 * MIN);
    await next();
    expect(journalOnDisk(w.dir)).toHaveLength(2);
    // The project leaves the workspace (deleted on the web) before the replay.
    w.fake.remoteEditProject(site.id, { workspaceId: user.workspaceId + 999_999 });
    w.net.online();
    return run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
  }

  it('a start on a project deleted meanwhile is rejected with the reason; the next start goes out', async () => {
    const t2 = T0 + 6 * MIN;
    const refreshed = await poisoned(() =>
      run(live(), { type: 'start', input: { accountId: 'toggl', description: 'Mail' } }),
    );
    const rejected = onlyPending(toggl(refreshed));
    expect(rejected).toMatchObject({
      kind: 'start',
      state: 'rejected',
      summary: `Start “Docs — Site” at ${clockTime(T0 + MIN)}`,
      error: { message: REFUSAL },
    });
    // "Mail" went out after it, at its own time.
    expect(postsArrived()).toHaveLength(2);
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Mail', start: t2 });
    expect(toggl(refreshed).entry).toMatchObject({ description: 'Mail', pending: false });
    expect(refreshed.snapshot.tray.tooltip).toContain(`⚠ 1 action needs you (${ON})`);
    expect(journalOnDisk(w.dir)?.map((a) => a.state)).toEqual(['rejected']);

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: rejected.id } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Site” (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(dropped)).toMatchObject({ pending: [], entry: { description: 'Mail' } });
    expect(w.fake.runningEntry(user.id)?.description).toBe('Mail');
  });

  it('retrying the rejected start fails again with the reason; discard removes it', async () => {
    const refreshed = await poisoned(() =>
      run(live(), { type: 'stop', input: { accountId: 'toggl' } }),
    );
    const rejected = onlyPending(toggl(refreshed));
    expect(rejected).toMatchObject({ state: 'rejected', error: { message: REFUSAL } });
    // The stop after it was settled (nothing runs), not left behind the rejected start.
    expect(journalOnDisk(w.dir)?.map((a) => [a.kind, a.state])).toEqual([['start', 'rejected']]);

    const before = postsArrived().length;
    const again = await refused(live(), {
      type: 'queue.retry',
      input: { actionId: rejected.id },
    });
    expect(again.error.message).toBe(REFUSAL);
    expect(postsArrived()).toHaveLength(before + 1);
    expect(w.fake.entries(user.id)).toHaveLength(0);
    expect(onlyPending(toggl({ snapshot: now() })).state).toBe('rejected');

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: rejected.id } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Site” (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(dropped).pending).toEqual([]);
    expect(dropped.snapshot.tray.tooltip).not.toContain('needs you');
  });
});

describe('Toggl: retrying a rejected start while a later start of ours runs', () => {
  it("names that entry as the user's own, not as started elsewhere", async () => {
    const site = w.fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
    await connect('oneshot');
    await w.clock.advance(MIN);
    await startOffline('Docs', { project: 'Site' });
    await w.clock.advance(5 * MIN);
    await run(live(), { type: 'start', input: { accountId: 'toggl', description: 'Mail' } });
    w.fake.remoteEditProject(site.id, { workspaceId: user.workspaceId + 999_999 });
    w.net.online();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    const rejected = onlyPending(toggl(refreshed));
    expect(rejected.state).toBe('rejected');

    const again = await refused(live(), { type: 'queue.retry', input: { actionId: rejected.id } });
    expect(again.error).toMatchObject({
      kind: 'conflict',
      message: `“Mail”, which you started after it, runs since ${clockTime(T0 + 6 * MIN)}. Apply yours (it stops “Mail”) or discard it.`,
    });
    expect(w.fake.runningEntry(user.id)?.description).toBe('Mail');
  });
});

describe('Toggl: the journal survives a restart', () => {
  it('a new core on the same data folder sends the waiting start once, at its own time', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');
    await w.close();
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(30 * MIN);
    w.net.online();
    await w.open('oneshot');
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl({ snapshot: now() })).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });

    // And a second restart sends nothing more.
    await w.close();
    await w.open('oneshot');
    expect(postsArrived()).toHaveLength(1);
  });
});

describe('Toggl: a revoked token makes the action wait for a new sign-in', () => {
  it('is not rejected; it goes out with its own time once the account is reconnected', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    user.token = 'a-new-token-after-revocation-000000';
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'toggl', description: 'Docs' },
    });
    expect(started.message).toBe(
      `Started “Docs” at ${clockTime(t1)} on ${ON} — will sync after you sign in again.`,
    );
    expect(onlyPending(toggl(started))).toMatchObject({
      state: 'waiting',
      error: { kind: 'auth' },
    });
    expect(journalOnDisk(w.dir)?.[0]?.state).toBe('waiting');

    await w.clock.advance(10 * MIN);
    // Refreshing with the old token changes nothing: still waiting, not set aside.
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(onlyPending(toggl(refreshed)).state).toBe('waiting');
    expect(postsArrived().filter((r) => r.status === 200)).toHaveLength(0);

    const reconnected = await run(live(), {
      type: 'accounts.add',
      input: { provider: 'toggl', secret: user.token, options: {}, replaceAccountId: 'toggl' },
    });
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(reconnected)).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('Toggl: other ways back and other failures', () => {
  it('waking the computer (resume) sends what waited, without waiting for the retry timer', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    await startOffline('Docs');
    w.net.online();
    live().power('resume');
    await advanceUntil(w.clock, () => journalOnDisk(w.dir) === null, { maxMs: 0 });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
  });

  it('a 500 from Toggl keeps the start waiting (not rejected); the next refresh sends it once', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    w.fake.fault('status500', 'POST /workspaces/*/time_entries', { times: 1 });
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'toggl', description: 'Docs' },
    });
    expect(started.message).toMatch(/^Started “Docs” at \d\d:\d\d on .* — will sync/);
    expect(onlyPending(toggl(started))).toMatchObject({
      state: 'waiting',
      error: { kind: 'provider', retryable: true },
    });
    // Online, but Toggl itself failed: not "when online".
    expect(started.message).toMatch(/— will sync when the service answers again\.$/);
    expect(started.snapshot.tray.tooltip).toMatch(/^▶ 0:00 Docs \(.*\) — not synced yet$/m);
    expect(w.fake.entries(user.id)).toHaveLength(0);

    await w.clock.advance(2 * MIN);
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ start: t1 });
    expect(toggl(refreshed)).toMatchObject({ pending: [], entry: { pending: false } });
  });

  it('a garbled answer to a start Toggl applied: waits, then is recognised, not sent twice', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    w.fake.fault('truncatedJson', 'POST /workspaces/*/time_entries', { times: 1 });
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'toggl', description: 'Docs' },
    });
    expect(onlyPending(toggl(started)).state).toBe('waiting');
    expect(w.fake.entries(user.id)).toHaveLength(1);

    await w.clock.advance(MIN);
    await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(postsArrived()).toHaveLength(1);
    expect(w.fake.entries(user.id)).toHaveLength(1);
    expect(journalOnDisk(w.dir)).toBeNull();
  });

  it('an offline stop of an entry replaced on the web meanwhile is a conflict, not a stop of theirs', async () => {
    await connect('oneshot');
    await run(live(), { type: 'start', input: { accountId: 'toggl', description: 'Mine' } });
    await w.clock.advance(10 * MIN);
    w.net.offline();
    await run(live(), { type: 'stop', input: { accountId: 'toggl' } });
    await w.clock.advance(MIN);
    const theirs = w.fake.remoteStart(user.id, { description: 'Theirs' });
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.runningEntry(user.id)?.id).toBe(theirs.id);
    expect(onlyPending(toggl(refreshed))).toMatchObject({
      kind: 'stop',
      state: 'conflict',
      theirs: { description: 'Theirs' },
      error: {
        message: expect.stringMatching(
          /^While this waited, “Theirs” was started elsewhere since \d\d:\d\d\. Stop it too, or discard your stop\.$/,
        ),
      },
    });
  });
});

describe('Toggl: continue and discard while offline', () => {
  it('an offline continue repeats the entry (tags, billable) at the asked time', async () => {
    w.fake.addEntry(user.id, {
      description: 'Review',
      start: T0 - 3 * 3600_000,
      stop: T0 - 2 * 3600_000,
      tags: ['client'],
      billable: true,
    });
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    w.net.offline();
    const continued = await run(live(), { type: 'continue', input: { accountId: 'toggl' } });
    expect(continued.message).toBe(
      `Continued “Review” at ${clockTime(t1)} on ${ON} — will sync when online.`,
    );
    expect(toggl(continued).entry).toMatchObject({
      description: 'Review',
      tags: ['client'],
      billable: true,
      pending: true,
    });

    await w.clock.advance(4 * MIN);
    w.net.online();
    const mark = w.net.mark();
    await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    const writes = w.net.writesSince(mark);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body).toMatchObject({
      description: 'Review',
      tags: ['client'],
      billable: true,
      start: utc(t1),
    });
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Review', start: t1 });
  });

  it('discarding a waiting start takes its stop along; nothing is sent later', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const started = await startOffline('Docs');
    const startId = onlyPending(toggl(started)).id;
    await w.clock.advance(5 * MIN);
    await run(live(), { type: 'stop', input: { accountId: 'toggl' } });
    expect(journalOnDisk(w.dir)).toHaveLength(2);

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: startId } });
    expect(dropped.message).toBe(`Discarded Start “Docs” and the stop that went with it (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(toggl(dropped)).toMatchObject({ pending: [], running: false, entry: null });

    w.net.online();
    const mark = w.net.mark();
    await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.entries(user.id)).toHaveLength(0);
  });
});

describe('Toggl: switching entries offline and the hourly limit', () => {
  it('an offline start over a running entry ends that entry at the asked time, not at sync', async () => {
    await connect('oneshot');
    const first = await run(live(), {
      type: 'start',
      input: { accountId: 'toggl', description: 'Mail' },
    });
    const mailId = Number(toggl(first).entry?.id);
    await w.clock.advance(10 * MIN);
    const t1 = w.clock.now();
    const switched = await startOffline('Docs');
    expect(switched.message).toBe(
      `Started “Docs” at ${clockTime(t1)} on ${ON} — will sync when online.`,
    );
    // What the user sees at once: Mail ended at t1, Docs runs (both unconfirmed).
    expect(toggl(switched).entry).toMatchObject({ description: 'Docs', pending: true });

    await w.clock.advance(10 * MIN);
    w.net.online();
    const refreshed = await run(live(), { type: 'refresh', input: { accountId: 'toggl' } });
    expect(postsArrived()).toHaveLength(2);
    expect(w.fake.entry(mailId)).toMatchObject({ start: T0, stop: t1 });
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
    expect(toggl(refreshed)).toMatchObject({ pending: [], todaySeconds: 20 * 60 });
  });

  it('a start refused by the hourly limit waits for the reset and goes out then (app mode)', async () => {
    // One request an hour into the workspace bucket: "Mail" spends it.
    w.fake.configure({ quota: { org: 1 } });
    await connect('app');
    await w.clock.advance(MIN);
    const mailAt = w.clock.now();
    await run(live(), { type: 'start', input: { accountId: 'toggl', description: 'Mail' } });
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    const started = await run(live(), {
      type: 'start',
      input: { accountId: 'toggl', description: 'Docs' },
    });
    expect(started.message).toBe(
      `Started “Docs” at ${clockTime(t1)} on ${ON} — will sync when the request limit allows.`,
    );
    expect(onlyPending(toggl(started))).toMatchObject({
      state: 'waiting',
      error: { kind: 'quota' },
    });
    expect(w.fake.entries(user.id)).toHaveLength(1);

    const took = await advanceUntil(w.clock, () => journalOnDisk(w.dir) === null, {
      maxMs: 70 * MIN,
      stepMs: MIN,
    });
    // Not before the bucket frees (Mail's request leaves the window an hour after it was made),
    // and without knocking again meanwhile: one 402 in all.
    expect(w.clock.now()).toBeGreaterThanOrEqual(mailAt + 60 * MIN);
    expect(took).toBeLessThanOrEqual(62 * MIN);
    expect(w.fake.counts.quota402).toBe(1);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: t1 });
    expect(w.fake.entries(user.id).find((e) => e.description === 'Mail')?.stop).toBe(t1);
  });
});
