/**
 * The action journal end to end with WebWork: the real core against the fake WebWork over real
 * HTTP, with the network taken away for real (journal-kit). WebWork starts and stops "now" (no
 * time on the wire), so an action is queued only when the user agreed to it happening later
 * (queueIfOffline); without that the user is asked first (error.queueable) and nothing waits.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { seedAcme, TOKEN, type AcmeTeam } from '../../main/providers/webwork/webwork-test-setup';
import { startFakeWebWork } from '../fakes/webwork-server';
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

const ON = 'WebWork: ada@example.com · Acme';

const w = useJournalWorld('ww', (now) => startFakeWebWork({ now }));
const live = w.live;
let team: AcmeTeam;

beforeEach(() => {
  team = seedAcme(w.fake);
});

async function connect(mode: 'app' | 'oneshot'): Promise<Core> {
  const core = await w.open(mode);
  await run(core, {
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: TOKEN,
      baseUrl: w.fake.baseUrl,
      options: { email: 'ada@example.com' },
    },
  });
  return core;
}

const ww = (r: { snapshot: Ok['snapshot'] }) => accountOf(r.snapshot, 'webwork');
const now = () => live().snapshot();
const tracker = () => w.fake.tracker(team.ada.id, team.workspace.id);

const START = /\/time-tracking\/start$/;
const STOP = /\/time-tracking\/stop$/;
const startsArrived = () => w.fake.requestsBy({ method: 'POST', path: '/time-tracking/start' });
const kindOf = (w: WireRequest) =>
  START.test(w.path) ? 'start' : STOP.test(w.path) ? 'stop' : w.path;

/** Starts `description` on Website while offline, agreeing that it may happen later. */
function startQueued(description: string, project = 'Website'): Promise<Ok> {
  return startWhileOffline(w, { accountId: 'webwork', description, project, queueIfOffline: true });
}

const refresh = () => run(live(), { type: 'refresh', input: { accountId: 'webwork' } });

describe('WebWork: an offline start is queued only when the user agrees', () => {
  it('asks first (queueable, nothing queued); queued on "yes", sent once without a time', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    w.net.offline();
    const asked = await refused(live(), {
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    expect(asked.error).toMatchObject({ kind: 'offline', queueable: true });
    expect(asked.error.message).toContain(
      `WebWork can only start a timer at the moment it is told, so this would happen when WebWork is back, not at ${clockTime(t1)}. Queue it anyway, or cancel.`,
    );
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(accountOf(now(), 'webwork')).toMatchObject({ pending: [], running: false });

    const started = await startQueued('Docs');
    expect(started.message).toBe(
      `Started “Docs — Website” at ${clockTime(t1)} on ${ON} — will sync when online.`,
    );
    const shown = ww(started);
    expect(shown.entry).toMatchObject({
      description: 'Docs',
      projectName: 'Website',
      pending: true,
    });
    expect(onlyPending(shown)).toMatchObject({ kind: 'start', state: 'waiting' });
    const line = started.snapshot.tray.tooltip.split('\n').find((l) => l.includes('Docs'));
    expect(line).toMatch(/^▶ .*Docs.* — will sync when online$/);
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(5 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await refresh();

    const writes = w.net.writesSince(mark);
    expect(writes.map(kindOf)).toEqual(['start']);
    expect(writes[0]?.body).toEqual({
      workspace_id: team.workspace.id,
      user_id: team.ada.id,
      contract_id: team.adaContract.id,
      activity_description: 'Docs',
    });
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs', contractId: team.adaContract.id });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(refreshed.snapshot.tray.tooltip).not.toContain('will sync');
  });

  it('the retry timer sends it in app mode once the connection is back', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    await startQueued('Docs');
    await advanceUntil(w.clock, () => false, { maxMs: 2 * MIN, stepMs: 15_000 });
    expect(startsArrived()).toHaveLength(0);
    expect(journalOnDisk(w.dir)?.[0]?.state).toBe('waiting');

    w.net.online();
    const took = await advanceUntil(w.clock, () => journalOnDisk(w.dir) === null, {
      maxMs: 6 * MIN,
    });
    expect(took).toBeLessThanOrEqual(5 * MIN);
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(ww({ snapshot: now() })).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('WebWork: offline start, then offline stop', () => {
  it('replays both in order and nothing runs afterwards', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    await startQueued('Docs');
    await w.clock.advance(7 * MIN);
    const t2 = w.clock.now();
    const stopped = await run(live(), {
      type: 'stop',
      input: { accountId: 'webwork', queueIfOffline: true },
    });
    expect(stopped.message).toBe(
      `Stopped “Docs — Website” at ${clockTime(t2)} on ${ON} — will sync when online.`,
    );
    expect(ww(stopped)).toMatchObject({ running: false, entry: null });
    expect(ww(stopped).pending.map((p) => [p.kind, p.state])).toEqual([
      ['start', 'waiting'],
      ['stop', 'waiting'],
    ]);

    await w.clock.advance(10 * MIN);
    w.net.online();
    const mark = w.net.mark();
    const refreshed = await refresh();
    expect(w.net.writesSince(mark).map(kindOf)).toEqual(['start', 'stop']);
    expect(tracker()).toBeNull();
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({ running: false, pending: [] });
  });

  it('an offline stop without consent is asked about, not queued', async () => {
    await connect('oneshot');
    await run(live(), {
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    await w.clock.advance(10 * MIN);
    w.net.offline();
    const asked = await refused(live(), { type: 'stop', input: { accountId: 'webwork' } });
    expect(asked.error).toMatchObject({ kind: 'offline', queueable: true });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(accountOf(now(), 'webwork')).toMatchObject({ running: true, pending: [] });
  });
});

describe('WebWork: the answer to a start is lost on the way back', () => {
  it('a queued start that arrived is recognised by the replay and not sent twice', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    w.net.loseAnswer((r) => r.method === 'POST' && START.test(r.path));
    const started = await run(live(), {
      type: 'start',
      input: {
        accountId: 'webwork',
        description: 'Docs',
        project: 'Website',
        queueIfOffline: true,
      },
    });
    expect(started.message).toMatch(/— will sync when online\.$/);
    expect(tracker()).not.toBeNull();
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(3 * MIN);
    const refreshed = await refresh();
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });

  it('an answer lost on a start the user declined to queue: "Queue it anyway" finds the tracker, no conflict', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    w.net.loseAnswer((r) => r.method === 'POST' && START.test(r.path));
    const input = { accountId: 'webwork', description: 'Docs', project: 'Website' };
    const asked = await refused(live(), { type: 'start', input });
    expect(asked.error.queueable).toBe(true);
    expect(journalOnDisk(w.dir)).toBeNull();
    // The request did arrive: WebWork tracks "Docs".
    expect(tracker()).toMatchObject({ description: 'Docs' });

    w.net.online();
    const queued = await run(live(), { type: 'start', input: { ...input, queueIfOffline: true } });
    // Read first (the last send was uncertain), recognised as its own, not started twice.
    expect(queued.message).toBe(`Started “Docs — Website” on ${ON}.`);
    expect(startsArrived()).toHaveLength(1);
    expect(ww(queued)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(journalOnDisk(w.dir)).toBeNull();
  });

  it('a stop whose answer was lost is not sent again', async () => {
    await connect('oneshot');
    await run(live(), {
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    await w.clock.advance(20 * MIN);
    w.net.loseAnswer((r) => r.method === 'POST' && STOP.test(r.path));
    const stopped = await run(live(), {
      type: 'stop',
      input: { accountId: 'webwork', queueIfOffline: true },
    });
    expect(stopped.message).toMatch(/— will sync when online\.$/);
    expect(tracker()).toBeNull();

    await w.clock.advance(MIN);
    const mark = w.net.mark();
    const refreshed = await refresh();
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({ running: false, pending: [] });
  });
});

describe('WebWork: a tracker started in the browser while the action waited is a conflict', () => {
  async function conflictSetUp(): Promise<{ actionId: string }> {
    await connect('oneshot');
    await w.clock.advance(MIN);
    await startQueued('Mine');
    await w.clock.advance(2 * MIN);
    w.fake.remoteStart(team.ada.id, team.workspace.id, {
      contractId: team.adaContract.id,
      description: 'Theirs',
      source: 'browser',
    });
    await w.clock.advance(2 * MIN);
    w.net.online();
    const refreshed = await refresh();

    const shown = ww(refreshed);
    const action = onlyPending(shown);
    expect(action).toMatchObject({
      kind: 'start',
      state: 'conflict',
      theirs: { description: 'Theirs', stoppedAt: null },
      error: {
        kind: 'conflict',
        // WebWork's current-data gives no start time: no "since 09:03".
        message:
          'While this waited, “Theirs — Website” was started elsewhere. Apply yours (it stops “Theirs — Website”) or discard it.',
      },
    });
    expect(startsArrived()).toHaveLength(0);
    expect(tracker()).toMatchObject({ description: 'Theirs', source: 'browser' });
    expect(refreshed.snapshot.tray.tooltip).toContain(`⚠ 1 action needs you (${ON})`);
    return { actionId: action.id };
  }

  it('"apply anyway" stops theirs and starts mine', async () => {
    const { actionId } = await conflictSetUp();
    const mark = w.net.mark();
    const retried = await run(live(), {
      type: 'queue.retry',
      input: { actionId, override: true },
    });
    expect(retried.message).toBe(`Start “Mine — Website”: done on ${ON}.`);
    expect(w.net.writesSince(mark).map(kindOf)).toEqual(['start', 'stop', 'start']);
    expect(tracker()).toMatchObject({ description: 'Mine', source: 'api' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(retried)).toMatchObject({ pending: [], entry: { description: 'Mine' } });
  });

  it('discard drops mine and leaves theirs running', async () => {
    const { actionId } = await conflictSetUp();
    const discarded = await run(live(), { type: 'queue.discard', input: { actionId } });
    expect(discarded.message).toBe(`Discarded Start “Mine — Website” (${ON}).`);
    expect(startsArrived()).toHaveLength(0);
    expect(tracker()).toMatchObject({ description: 'Theirs' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(discarded)).toMatchObject({ pending: [], entry: { description: 'Theirs' } });
  });
});

describe('WebWork: an action the service refuses for good is set aside; the rest goes on', () => {
  const REFUSAL = 'The project of this contract is archived.';

  async function poisoned(next: () => Promise<unknown>): Promise<Ok> {
    const other = w.fake.addProject({ workspaceId: team.workspace.id, name: 'Support' });
    w.fake.addContract({ userId: team.ada.id, projectId: other.id });
    await connect('oneshot');
    await w.clock.advance(MIN);
    await startQueued('Docs');
    await w.clock.advance(5 * MIN);
    await next();
    expect(journalOnDisk(w.dir)).toHaveLength(2);
    // Website is archived on the web before the replay.
    team.site.status = 'archived';
    w.net.online();
    return refresh();
  }

  it('a start on an archived project is rejected with the reason; the next start goes out', async () => {
    const refreshed = await poisoned(() => startQueued('Mail', 'Support'));
    const rejected = onlyPending(ww(refreshed));
    expect(rejected).toMatchObject({ kind: 'start', state: 'rejected' });
    expect(rejected.summary).toBe(`Start “Docs — Website” at ${clockTime(T0 + MIN)}`);
    expect(rejected.error?.message).toContain(REFUSAL);
    expect(startsArrived()).toHaveLength(2);
    expect(tracker()).toMatchObject({ description: 'Mail' });
    expect(ww(refreshed).entry).toMatchObject({ description: 'Mail', pending: false });

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: rejected.id } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Website” (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(dropped)).toMatchObject({ pending: [], entry: { description: 'Mail' } });
  });

  it('retrying the rejected start fails again with the reason; discard removes it', async () => {
    const refreshed = await poisoned(() =>
      run(live(), { type: 'stop', input: { accountId: 'webwork', queueIfOffline: true } }),
    );
    const rejected = onlyPending(ww(refreshed));
    expect(rejected.state).toBe('rejected');
    expect(journalOnDisk(w.dir)?.map((a) => [a.kind, a.state])).toEqual([['start', 'rejected']]);

    const before = startsArrived().length;
    const again = await refused(live(), {
      type: 'queue.retry',
      input: { actionId: rejected.id },
    });
    expect(again.error.message).toContain(REFUSAL);
    expect(startsArrived()).toHaveLength(before + 1);
    expect(tracker()).toBeNull();
    expect(onlyPending(ww({ snapshot: now() })).state).toBe('rejected');

    const dropped = await run(live(), { type: 'queue.discard', input: { actionId: rejected.id } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Website” (${ON}).`);
    expect(journalOnDisk(w.dir)).toBeNull();
  });
});

describe('WebWork: the journal survives a restart', () => {
  it('a new core on the same data folder sends the queued start once', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    await startQueued('Docs');
    await w.close();
    expect(journalOnDisk(w.dir)).toHaveLength(1);

    await w.clock.advance(30 * MIN);
    w.net.online();
    await w.open('oneshot');
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww({ snapshot: now() })).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });
});

describe('WebWork: an action left by a crash, without consent to apply it late', () => {
  /** The app dies right after writing the start to the journal, before sending it. */
  async function crashAfterJournalWrite(): Promise<number> {
    await connect('oneshot');
    await w.close();
    let crash = true;
    await w.open('app', {
      journalHooks: {
        onStep: (step) => {
          if (crash && step === 'journal-written') throw new Error('simulated crash');
        },
      },
    });
    await w.clock.advance(MIN);
    const t1 = w.clock.now();
    const died = await live().execute({
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    expect(died.ok).toBe(false);
    crash = false;
    await w.close();
    expect(journalOnDisk(w.dir)).toMatchObject([{ kind: 'start', state: 'waiting' }]);
    expect(startsArrived()).toHaveLength(0);
    return t1;
  }

  async function reopenLate(t1: number): Promise<string> {
    await w.clock.advance(10 * MIN);
    await w.open('oneshot');
    const shown = accountOf(now(), 'webwork');
    const action = onlyPending(shown);
    expect(action).toMatchObject({
      kind: 'start',
      state: 'late',
      summary: `Start “Docs — Website” at ${clockTime(t1)}`,
      error: { message: `WebWork can only start it now, not at ${clockTime(t1)}.` },
    });
    // Not applied ten minutes late behind the user's back.
    expect(startsArrived()).toHaveLength(0);
    expect(shown).toMatchObject({ running: false });
    expect(now().tray.tooltip).toContain(`⚠ 1 action needs you (${ON})`);
    return action.id;
  }

  it('is set aside as late on restart; "apply now" starts it', async () => {
    const t1 = await crashAfterJournalWrite();
    const actionId = await reopenLate(t1);
    const applied = await run(live(), {
      type: 'queue.retry',
      input: { actionId, override: true },
    });
    expect(applied.message).toBe(`Start “Docs — Website”: done on ${ON}.`);
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(applied)).toMatchObject({ pending: [], entry: { description: 'Docs' } });
  });

  it('is set aside as late on restart; discard drops it and nothing is sent', async () => {
    const t1 = await crashAfterJournalWrite();
    const actionId = await reopenLate(t1);
    const dropped = await run(live(), { type: 'queue.discard', input: { actionId } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Website” (${ON}).`);
    expect(startsArrived()).toHaveLength(0);
    expect(tracker()).toBeNull();
    expect(journalOnDisk(w.dir)).toBeNull();
  });
});

describe('WebWork: a revoked token makes a queued action wait for a new sign-in', () => {
  it('waits "after you sign in again", then goes out once on reconnect', async () => {
    await connect('oneshot');
    await w.clock.advance(MIN);
    w.fake.revokeToken(TOKEN);
    const started = await run(live(), {
      type: 'start',
      input: {
        accountId: 'webwork',
        description: 'Docs',
        project: 'Website',
        queueIfOffline: true,
      },
    });
    expect(started.message).toMatch(/— will sync after you sign in again\.$/);
    expect(onlyPending(ww(started))).toMatchObject({ state: 'waiting', error: { kind: 'auth' } });

    const fresh = 'ww-pat-renewed-445566778899';
    team.ada.tokens.add(fresh);
    const reconnected = await run(live(), {
      type: 'accounts.add',
      input: { provider: 'webwork', secret: fresh, options: {}, replaceAccountId: 'webwork' },
    });
    expect(
      w.fake.requestsBy({ method: 'POST', path: '/time-tracking/start', status: 200 }),
    ).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(ww(reconnected)).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('WebWork: an unreachable service is polled with back-off', () => {
  it('an hour offline costs a handful of polls, not one a second (with or without a queued action)', async () => {
    await connect('app');
    await w.clock.advance(MIN);
    w.net.offline();
    const mark = w.net.mark();
    await advanceUntil(w.clock, () => false, { maxMs: 60 * MIN, stepMs: 30_000 });
    const idle = w.net.sent.length - mark;
    // 30 s, 1, 2, 4 min, then every 5 min: about 14 reads in the hour.
    expect(idle).toBeGreaterThanOrEqual(5);
    expect(idle).toBeLessThanOrEqual(20);

    await startQueued('Docs');
    const mark2 = w.net.mark();
    await advanceUntil(w.clock, () => false, { maxMs: 60 * MIN, stepMs: 30_000 });
    // The journal's retries (15 s … 5 min) come on top of the polls, each backing off.
    expect(w.net.sent.length - mark2).toBeLessThanOrEqual(40);
    w.net.online();
    await advanceUntil(w.clock, () => journalOnDisk(w.dir) === null, { maxMs: 6 * MIN });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(startsArrived()).toHaveLength(1);
  });
});
