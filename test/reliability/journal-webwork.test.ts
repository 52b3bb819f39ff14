/**
 * The action journal end to end with WebWork: the real core against the fake WebWork over real
 * HTTP, with the network taken away for real (journal-kit). WebWork starts and stops "now" (no
 * time on the wire), so an action is queued only when the user agreed to it happening later
 * (queueIfOffline); without that the user is asked first (error.queueable) and nothing waits.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { seedAcme, TOKEN, type AcmeTeam } from '../../main/providers/webwork/webwork-test-setup';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { startFakeWebWork, type FakeWebWork } from '../fakes/webwork-server';
import { VirtualClock } from '../support/virtual-clock';
import {
  accountOf,
  advanceUntil,
  clockTime,
  journalOnDisk,
  Network,
  onlyPending,
  openTestCore,
  refused,
  removeDir,
  run,
  tempDataDir,
  type Ok,
  type WireRequest,
} from './journal-kit';

const T0 = Date.parse('2026-11-27T09:00:00Z');
const ON = 'WebWork: ada@example.com · Acme';
const MIN = 60_000;

let dir: string;
let clock: VirtualClock;
let fake: FakeWebWork;
let team: AcmeTeam;
let net: Network;
let secrets: MemorySecretStore;
let core: Core | null = null;

beforeEach(async () => {
  dir = tempDataDir('ww');
  clock = new VirtualClock(T0);
  fake = await startFakeWebWork({ now: () => clock.now() });
  team = seedAcme(fake);
  net = await Network.create();
  secrets = new MemorySecretStore();
});

afterEach(async () => {
  await core?.close();
  core = null;
  await fake.close();
  removeDir(dir);
});

async function connect(mode: 'app' | 'oneshot'): Promise<Core> {
  core = await openTestCore({ dataDir: dir, clock, network: net, mode, secrets });
  await run(core, {
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: TOKEN,
      baseUrl: fake.baseUrl,
      options: { email: 'ada@example.com' },
    },
  });
  return core;
}

function live(): Core {
  if (!core) throw new Error('no core');
  return core;
}

const ww = (r: { snapshot: Ok['snapshot'] }) => accountOf(r.snapshot, 'webwork');
const now = () => live().snapshot();
const tracker = () => fake.tracker(team.ada.id, team.workspace.id);

const START = /\/time-tracking\/start$/;
const STOP = /\/time-tracking\/stop$/;
const startsArrived = () => fake.requestsBy({ method: 'POST', path: '/time-tracking/start' });
const kindOf = (w: WireRequest) =>
  START.test(w.path) ? 'start' : STOP.test(w.path) ? 'stop' : w.path;

/** Starts `description` on Website while offline, agreeing that it may happen later. */
function startQueued(description: string, project = 'Website'): Promise<Ok> {
  net.offline();
  return run(live(), {
    type: 'start',
    input: { accountId: 'webwork', description, project, queueIfOffline: true },
  });
}

const refresh = () => run(live(), { type: 'refresh', input: { accountId: 'webwork' } });

describe('WebWork: an offline start is queued only when the user agrees', () => {
  it('asks first (queueable, nothing queued); queued on "yes", sent once without a time', async () => {
    await connect('oneshot');
    await clock.advance(MIN);
    const t1 = clock.now();
    net.offline();
    const asked = await refused(live(), {
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    expect(asked.error).toMatchObject({ kind: 'offline', queueable: true });
    expect(asked.error.message).toContain(
      `WebWork can only start a timer at the moment it is told, so this would happen when WebWork is back, not at ${clockTime(t1)}. Queue it anyway, or cancel.`,
    );
    expect(journalOnDisk(dir)).toBeNull();
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
    expect(journalOnDisk(dir)).toHaveLength(1);

    await clock.advance(5 * MIN);
    net.online();
    const mark = net.mark();
    const refreshed = await refresh();

    const writes = net.writesSince(mark);
    expect(writes.map(kindOf)).toEqual(['start']);
    expect(writes[0]?.body).toEqual({
      workspace_id: team.workspace.id,
      user_id: team.ada.id,
      contract_id: team.adaContract.id,
      activity_description: 'Docs',
    });
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs', contractId: team.adaContract.id });
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(refreshed.snapshot.tray.tooltip).not.toContain('will sync');
  });

  it('the retry timer sends it in app mode once the connection is back', async () => {
    await connect('app');
    await clock.advance(MIN);
    await startQueued('Docs');
    await advanceUntil(clock, () => false, { maxMs: 2 * MIN, stepMs: 15_000 });
    expect(startsArrived()).toHaveLength(0);
    expect(journalOnDisk(dir)?.[0]?.state).toBe('waiting');

    net.online();
    const took = await advanceUntil(clock, () => journalOnDisk(dir) === null, { maxMs: 6 * MIN });
    expect(took).toBeLessThanOrEqual(5 * MIN);
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(ww({ snapshot: now() })).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('WebWork: offline start, then offline stop', () => {
  it('replays both in order and nothing runs afterwards', async () => {
    await connect('oneshot');
    await clock.advance(MIN);
    await startQueued('Docs');
    await clock.advance(7 * MIN);
    const t2 = clock.now();
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

    await clock.advance(10 * MIN);
    net.online();
    const mark = net.mark();
    const refreshed = await refresh();
    expect(net.writesSince(mark).map(kindOf)).toEqual(['start', 'stop']);
    expect(tracker()).toBeNull();
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({ running: false, pending: [] });
  });

  it('an offline stop without consent is asked about, not queued', async () => {
    await connect('oneshot');
    await run(live(), {
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    await clock.advance(10 * MIN);
    net.offline();
    const asked = await refused(live(), { type: 'stop', input: { accountId: 'webwork' } });
    expect(asked.error).toMatchObject({ kind: 'offline', queueable: true });
    expect(journalOnDisk(dir)).toBeNull();
    expect(accountOf(now(), 'webwork')).toMatchObject({ running: true, pending: [] });
  });
});

describe('WebWork: the answer to a start is lost on the way back', () => {
  it('a queued start that arrived is recognised by the replay and not sent twice', async () => {
    await connect('oneshot');
    await clock.advance(MIN);
    net.loseAnswer((r) => r.method === 'POST' && START.test(r.path));
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
    expect(journalOnDisk(dir)).toHaveLength(1);

    await clock.advance(3 * MIN);
    const refreshed = await refresh();
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });

  it('an answer lost on a start the user declined to queue: "Queue it anyway" finds the tracker, no conflict', async () => {
    await connect('oneshot');
    await clock.advance(MIN);
    net.loseAnswer((r) => r.method === 'POST' && START.test(r.path));
    const input = { accountId: 'webwork', description: 'Docs', project: 'Website' };
    const asked = await refused(live(), { type: 'start', input });
    expect(asked.error.queueable).toBe(true);
    expect(journalOnDisk(dir)).toBeNull();
    // The request did arrive: WebWork tracks "Docs".
    expect(tracker()).toMatchObject({ description: 'Docs' });

    net.online();
    const queued = await run(live(), { type: 'start', input: { ...input, queueIfOffline: true } });
    // Read first (the last send was uncertain), recognised as its own, not started twice.
    expect(queued.message).toBe(`Started “Docs — Website” on ${ON}.`);
    expect(startsArrived()).toHaveLength(1);
    expect(ww(queued)).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(journalOnDisk(dir)).toBeNull();
  });

  it('a stop whose answer was lost is not sent again', async () => {
    await connect('oneshot');
    await run(live(), {
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    await clock.advance(20 * MIN);
    net.loseAnswer((r) => r.method === 'POST' && STOP.test(r.path));
    const stopped = await run(live(), {
      type: 'stop',
      input: { accountId: 'webwork', queueIfOffline: true },
    });
    expect(stopped.message).toMatch(/— will sync when online\.$/);
    expect(tracker()).toBeNull();

    await clock.advance(MIN);
    const mark = net.mark();
    const refreshed = await refresh();
    expect(net.writesSince(mark)).toEqual([]);
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(refreshed)).toMatchObject({ running: false, pending: [] });
  });
});

describe('WebWork: a tracker started in the browser while the action waited is a conflict', () => {
  async function conflictSetUp(): Promise<{ actionId: string }> {
    await connect('oneshot');
    await clock.advance(MIN);
    await startQueued('Mine');
    await clock.advance(2 * MIN);
    fake.remoteStart(team.ada.id, team.workspace.id, {
      contractId: team.adaContract.id,
      description: 'Theirs',
      source: 'browser',
    });
    await clock.advance(2 * MIN);
    net.online();
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
    const mark = net.mark();
    const retried = await run(live(), {
      type: 'queue.retry',
      input: { actionId, override: true },
    });
    expect(retried.message).toBe(`Start “Mine — Website”: done on ${ON}.`);
    expect(net.writesSince(mark).map(kindOf)).toEqual(['start', 'stop', 'start']);
    expect(tracker()).toMatchObject({ description: 'Mine', source: 'api' });
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(retried)).toMatchObject({ pending: [], entry: { description: 'Mine' } });
  });

  it('discard drops mine and leaves theirs running', async () => {
    const { actionId } = await conflictSetUp();
    const discarded = await run(live(), { type: 'queue.discard', input: { actionId } });
    expect(discarded.message).toBe(`Discarded Start “Mine — Website” (${ON}).`);
    expect(startsArrived()).toHaveLength(0);
    expect(tracker()).toMatchObject({ description: 'Theirs' });
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(discarded)).toMatchObject({ pending: [], entry: { description: 'Theirs' } });
  });
});

describe('WebWork: an action the service refuses for good is set aside; the rest goes on', () => {
  const REFUSAL = 'The project of this contract is archived.';

  async function poisoned(next: () => Promise<unknown>): Promise<Ok> {
    const other = fake.addProject({ workspaceId: team.workspace.id, name: 'Support' });
    fake.addContract({ userId: team.ada.id, projectId: other.id });
    await connect('oneshot');
    await clock.advance(MIN);
    await startQueued('Docs');
    await clock.advance(5 * MIN);
    await next();
    expect(journalOnDisk(dir)).toHaveLength(2);
    // Website is archived on the web before the replay.
    team.site.status = 'archived';
    net.online();
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
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(dropped)).toMatchObject({ pending: [], entry: { description: 'Mail' } });
  });

  it('retrying the rejected start fails again with the reason; discard removes it', async () => {
    const refreshed = await poisoned(() =>
      run(live(), { type: 'stop', input: { accountId: 'webwork', queueIfOffline: true } }),
    );
    const rejected = onlyPending(ww(refreshed));
    expect(rejected.state).toBe('rejected');
    expect(journalOnDisk(dir)?.map((a) => [a.kind, a.state])).toEqual([['start', 'rejected']]);

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
    expect(journalOnDisk(dir)).toBeNull();
  });
});

describe('WebWork: the journal survives a restart', () => {
  it('a new core on the same data folder sends the queued start once', async () => {
    await connect('app');
    await clock.advance(MIN);
    await startQueued('Docs');
    await live().close();
    core = null;
    expect(journalOnDisk(dir)).toHaveLength(1);

    await clock.advance(30 * MIN);
    net.online();
    core = await openTestCore({ dataDir: dir, clock, network: net, mode: 'oneshot', secrets });
    expect(startsArrived()).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(dir)).toBeNull();
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
    await live().close();
    let crash = true;
    core = await openTestCore({
      dataDir: dir,
      clock,
      network: net,
      mode: 'app',
      secrets,
      journalHooks: {
        onStep: (step) => {
          if (crash && step === 'journal-written') throw new Error('simulated crash');
        },
      },
    });
    await clock.advance(MIN);
    const t1 = clock.now();
    const died = await live().execute({
      type: 'start',
      input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
    });
    expect(died.ok).toBe(false);
    crash = false;
    await live().close();
    core = null;
    expect(journalOnDisk(dir)).toMatchObject([{ kind: 'start', state: 'waiting' }]);
    expect(startsArrived()).toHaveLength(0);
    return t1;
  }

  async function reopenLate(t1: number): Promise<string> {
    await clock.advance(10 * MIN);
    core = await openTestCore({ dataDir: dir, clock, network: net, mode: 'oneshot', secrets });
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
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(applied)).toMatchObject({ pending: [], entry: { description: 'Docs' } });
  });

  it('is set aside as late on restart; discard drops it and nothing is sent', async () => {
    const t1 = await crashAfterJournalWrite();
    const actionId = await reopenLate(t1);
    const dropped = await run(live(), { type: 'queue.discard', input: { actionId } });
    expect(dropped.message).toBe(`Discarded Start “Docs — Website” (${ON}).`);
    expect(startsArrived()).toHaveLength(0);
    expect(tracker()).toBeNull();
    expect(journalOnDisk(dir)).toBeNull();
  });
});

describe('WebWork: a revoked token makes a queued action wait for a new sign-in', () => {
  it('waits "after you sign in again", then goes out once on reconnect', async () => {
    await connect('oneshot');
    await clock.advance(MIN);
    fake.revokeToken(TOKEN);
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
      fake.requestsBy({ method: 'POST', path: '/time-tracking/start', status: 200 }),
    ).toHaveLength(1);
    expect(tracker()).toMatchObject({ description: 'Docs' });
    expect(journalOnDisk(dir)).toBeNull();
    expect(ww(reconnected)).toMatchObject({ pending: [], entry: { pending: false } });
  });
});

describe('WebWork: an unreachable service is polled with back-off', () => {
  it('an hour offline costs a handful of polls, not one a second (with or without a queued action)', async () => {
    await connect('app');
    await clock.advance(MIN);
    net.offline();
    const mark = net.mark();
    await advanceUntil(clock, () => false, { maxMs: 60 * MIN, stepMs: 30_000 });
    const idle = net.sent.length - mark;
    // 30 s, 1, 2, 4 min, then every 5 min: about 14 reads in the hour.
    expect(idle).toBeGreaterThanOrEqual(5);
    expect(idle).toBeLessThanOrEqual(20);

    await startQueued('Docs');
    const mark2 = net.mark();
    await advanceUntil(clock, () => false, { maxMs: 60 * MIN, stepMs: 30_000 });
    // The journal's retries (15 s … 5 min) come on top of the polls, each backing off.
    expect(net.sent.length - mark2).toBeLessThanOrEqual(40);
    net.online();
    await advanceUntil(clock, () => journalOnDisk(dir) === null, { maxMs: 6 * MIN });
    expect(journalOnDisk(dir)).toBeNull();
    expect(startsArrived()).toHaveLength(1);
  });
});
