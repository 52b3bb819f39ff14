/**
 * The away prompt end to end with TrackingTime: the real core in app mode against the fake
 * TrackingTime over real HTTP (away-kit). TrackingTime takes a start's and a stop's time as a
 * `date` in the user's zone (Madrid here), so every answer can put its times at the away span's
 * edges: what each answer sends, the events the fake keeps, and an offline answer sent later with
 * the original away times.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import {
  startFakeTrackingTime,
  type FakeAccount,
  type FakeProject,
  type FakeTrackingTime,
  type FakeUser,
} from '../fakes/trackingtime-server';
import { journalOnDisk, run, type WireRequest } from '../reliability/journal-kit';
import {
  account,
  advanceUntil,
  answer,
  ANSWER_AT,
  AWAY_FROM,
  AWAY_TO,
  awayForLunch,
  clockTime,
  MIN,
  ms,
  T0,
  useAwayWorld,
} from './away-kit';

const APP_PASSWORD = 'tt-app-7f3c9a1e55d2b8040c6e';
const ZONE = 'Europe/Madrid';
const ON = 'TrackingTime: ada@example.com · Acme';
const LABEL = '“Docs — Site”';

const w = useAwayWorld<FakeTrackingTime>('tt', (now) => startFakeTrackingTime({ now }));
let acme: FakeAccount;
let user: FakeUser;
let site: FakeProject;

beforeEach(() => {
  acme = w.fake.addAccount({ company: 'Acme' });
  user = w.fake.addUser({
    email: 'ada@example.com',
    appPassword: APP_PASSWORD,
    timezone: ZONE,
    accountId: acme.id,
  });
  site = w.fake.addProject({ accountId: acme.id, name: 'Site' });
});

/** "2026-11-27 10:42:00": the wall-clock time in Madrid, as TrackingTime takes `date`. */
const madrid = (at: number): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(at));

const TRACK = /\/tasks\/track(\/\d+)?$/;
const STOP = /\/tasks\/stop\/(\d+)$/;
/** A write as "track <task>" / "stop <task>" (task id, or the task_name sent to create it). */
function kindOf(r: WireRequest): string {
  const body = (r.body ?? {}) as Record<string, string>;
  const stop = STOP.exec(r.path);
  if (stop) return `stop ${stop[1]}`;
  if (TRACK.test(r.path)) return `track ${/\/(\d+)$/.exec(r.path)?.[1] ?? body['task_name']}`;
  return `${r.method} ${r.path}`;
}

/** Opens the core, connects TrackingTime, starts Docs (a task it creates) on Site at T0. */
async function workOnDocs(): Promise<{ core: Core; docs: number }> {
  const core = await w.open();
  await run(core, {
    type: 'accounts.add',
    input: { provider: 'trackingtime', secret: APP_PASSWORD, baseUrl: w.fake.baseUrl, options: {} },
  });
  await run(core, {
    type: 'start',
    input: { accountId: 'trackingtime', description: 'Docs', project: 'Site' },
  });
  const docs = w.fake.runningEvent(user.id)?.taskId;
  if (docs === undefined) throw new Error('Docs did not start');
  return { core, docs };
}

/** The fake's events in start order, as [task name, project, start, end]. */
const fakeEvents = () =>
  w.fake
    .events(user.id)
    .sort((a, b) => a.start - b.start || a.id - b.id)
    .map((e) => [w.fake.task(e.taskId)?.name, e.projectId, e.start, e.end]);

const dated = (at: number) => ({ date: madrid(at), timezone: ZONE });

describe('TrackingTime: the four answers to the away prompt, on the wire', () => {
  it('the prompt offers the four choices for TrackingTime', async () => {
    await workOnDocs();
    const away = await awayForLunch(w);
    expect(away.accounts).toEqual([
      expect.objectContaining({
        accountId: 'trackingtime',
        label: ON,
        entryLabel: LABEL,
        choices: ['keep', 'discard', 'discard-continue', 'split'],
        note: null,
      }),
    ]);
  });

  it('keep: no write request; the task runs on from T0', async () => {
    const { core } = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'keep');
    expect(r).toMatchObject({ ok: true, message: `Kept 1 h 15 min away in ${LABEL}.` });
    await w.clock.advance(2 * MIN);
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: T0, end: null });
    expect(ms(account(core, 'trackingtime').entry?.startedAt)).toBe(T0);
  });

  it('discard: one stop with date = the away start in Madrid', async () => {
    const { core, docs } = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: ${LABEL} stopped at ${clockTime(AWAY_FROM)} on ${ON}.`,
    });
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writes.map(kindOf)).toEqual([`stop ${docs}`]);
    expect(writes[0]?.method).toBe('POST');
    expect(writes[0]?.body).toMatchObject(dated(AWAY_FROM));
    expect(madrid(AWAY_FROM)).toBe('2026-11-27 10:42:00');
    expect(fakeEvents()).toEqual([['Docs', site.id, T0, AWAY_FROM]]);
    const tt = account(core, 'trackingtime');
    expect(tt.entry).toBeNull();
    expect(tt.pending).toEqual([]);
    expect(ms(tt.recent[0]?.stoppedAt)).toBe(AWAY_FROM);
  });

  it('discard and continue: stop at the away start, track the same task at the return', async () => {
    const { core, docs } = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard-continue');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: ${LABEL} stopped at ${clockTime(AWAY_FROM)} and continues from ${clockTime(AWAY_TO)} on ${ON}.`,
    });
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writes.map(kindOf)).toEqual([`stop ${docs}`, `track ${docs}`]);
    expect(writes[0]?.body).toMatchObject(dated(AWAY_FROM));
    expect(writes[1]?.body).toMatchObject(dated(AWAY_TO));
    expect(fakeEvents()).toEqual([
      ['Docs', site.id, T0, AWAY_FROM],
      ['Docs', site.id, AWAY_TO, null],
    ]);
    const tt = account(core, 'trackingtime');
    expect(tt.entry).toMatchObject({ description: 'Docs', projectName: 'Site', pending: false });
    expect(ms(tt.entry?.startedAt)).toBe(AWAY_TO);
    expect(tt.entry?.elapsedSeconds).toBe((ANSWER_AT - AWAY_TO) / 1000);
  });

  // B-H5-1 (fixed in 7946093): the away entry used to keep Docs' task id, so TrackingTime
  // tracked Docs for the time away (POST /tasks/track/<docs>) and “Lunch” never existed there.
  it('split: stop, track “Lunch” on Site from the away start, stop it at the return, Docs again', async () => {
    const { core, docs } = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'split', 'Lunch');
    expect(r).toMatchObject({
      ok: true,
      message: `Added “Lunch” ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}; ${LABEL} continues from ${clockTime(AWAY_TO)} on ${ON}.`,
    });
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    const lunch = [...w.fake.events(user.id)].find(
      (e) => w.fake.task(e.taskId)?.name === 'Lunch',
    )?.taskId;
    expect(writes.map(kindOf)).toEqual([
      `stop ${docs}`,
      'track Lunch',
      `stop ${lunch}`,
      `track ${docs}`,
    ]);
    expect(writes[0]?.body).toMatchObject(dated(AWAY_FROM));
    expect(writes[1]?.body).toMatchObject({
      ...dated(AWAY_FROM),
      task_name: 'Lunch',
      project_id: site.id,
    });
    expect(writes[2]?.body).toMatchObject(dated(AWAY_TO));
    expect(writes[3]?.body).toMatchObject(dated(AWAY_TO));
    expect(fakeEvents()).toEqual([
      ['Docs', site.id, T0, AWAY_FROM],
      ['Lunch', site.id, AWAY_FROM, AWAY_TO],
      ['Docs', site.id, AWAY_TO, null],
    ]);
    const tt = account(core, 'trackingtime');
    expect(tt.entry).toMatchObject({ description: 'Docs', projectName: 'Site' });
    expect(ms(tt.entry?.startedAt)).toBe(AWAY_TO);
    expect(tt.pending).toEqual([]);
  });
});

describe('TrackingTime: an answer given offline', () => {
  it('waits in the journal and goes out once, in order, with the away dates', async () => {
    const { core, docs } = await workOnDocs();
    const away = await awayForLunch(w);
    w.net.offline();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard-continue');
    expect(r).toMatchObject({
      ok: true,
      message: expect.stringMatching(/ — will sync when TrackingTime is reachable\.$/),
    });
    const tt = account(core, 'trackingtime');
    expect(tt.pending.map((p) => [p.kind, p.state, p.summary])).toEqual([
      ['stop', 'waiting', `Stop ${LABEL} at ${clockTime(AWAY_FROM)}`],
      ['start', 'waiting', `Start ${LABEL} at ${clockTime(AWAY_TO)}`],
    ]);
    expect(journalOnDisk(w.dir)?.map((a) => [a.kind, a.at])).toEqual([
      ['stop', AWAY_FROM],
      ['start', AWAY_TO],
    ]);
    expect(w.fake.runningEvent(user.id)).toMatchObject({ start: T0, end: null });

    await w.clock.advance(5 * MIN);
    expect(w.net.writesSince(mark).every((q) => q.outcome === 'refused')).toBe(true);
    w.net.online();
    await advanceUntil(w, () => journalOnDisk(w.dir) === null, { maxMs: 10 * MIN });
    expect(journalOnDisk(w.dir)).toBeNull();

    const arrived = w.net.writesSince(mark).filter((q) => q.outcome === 'answered');
    expect(arrived.map(kindOf)).toEqual([`stop ${docs}`, `track ${docs}`]);
    expect(arrived[0]?.body).toMatchObject(dated(AWAY_FROM));
    expect(arrived[1]?.body).toMatchObject(dated(AWAY_TO));
    expect(fakeEvents()).toEqual([
      ['Docs', site.id, T0, AWAY_FROM],
      ['Docs', site.id, AWAY_TO, null],
    ]);
    const after = account(core, 'trackingtime');
    expect(after.pending).toEqual([]);
    expect(after.entry).toMatchObject({ description: 'Docs', pending: false });
    expect(ms(after.entry?.startedAt)).toBe(AWAY_TO);
  });

  it('a split given offline goes out in order with the four away dates, once', async () => {
    const { core, docs } = await workOnDocs();
    const away = await awayForLunch(w);
    w.net.offline();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'split', 'Lunch');
    expect(r).toMatchObject({
      ok: true,
      message: expect.stringMatching(/ — will sync when TrackingTime is reachable\.$/),
    });
    expect(account(core, 'trackingtime').pending.map((p) => [p.kind, p.state])).toEqual([
      ['stop', 'waiting'],
      ['start', 'waiting'],
      ['stop', 'waiting'],
      ['start', 'waiting'],
    ]);
    await w.clock.advance(5 * MIN);
    w.net.online();
    await advanceUntil(w, () => journalOnDisk(w.dir) === null, { maxMs: 10 * MIN });
    expect(journalOnDisk(w.dir)).toBeNull();
    const arrived = w.net.writesSince(mark).filter((q) => q.outcome === 'answered');
    const lunch = [...w.fake.events(user.id)].find(
      (e) => w.fake.task(e.taskId)?.name === 'Lunch',
    )?.taskId;
    expect(arrived.map(kindOf)).toEqual([
      `stop ${docs}`,
      'track Lunch',
      `stop ${lunch}`,
      `track ${docs}`,
    ]);
    expect(arrived.map((q) => (q.body as { date: string }).date)).toEqual([
      madrid(AWAY_FROM),
      madrid(AWAY_FROM),
      madrid(AWAY_TO),
      madrid(AWAY_TO),
    ]);
    expect(fakeEvents()).toEqual([
      ['Docs', site.id, T0, AWAY_FROM],
      ['Lunch', site.id, AWAY_FROM, AWAY_TO],
      ['Docs', site.id, AWAY_TO, null],
    ]);
    expect(account(core, 'trackingtime')).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
  });
});

describe('TrackingTime: answers that send nothing', () => {
  it('a stale prompt id, then answering twice: not-found, no request', async () => {
    const { core } = await workOnDocs();
    const away = await awayForLunch(w);
    let mark = w.net.mark();
    const stale = await answer(core, 'a-prompt-from-yesterday', 'discard');
    expect(stale).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);

    await run(core, { type: 'away.resolve', input: { promptId: away.id, choice: 'discard' } });
    mark = w.net.mark();
    const again = await answer(core, away.id, 'discard');
    expect(again).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.events(user.id)).toHaveLength(1);
  });

  it('the timer was stopped on the phone before the answer: not-found, no request', async () => {
    const { core } = await workOnDocs();
    const away = await awayForLunch(w);
    w.fake.remoteStop(user.id);
    await run(core, { type: 'refresh', input: { accountId: 'trackingtime' } });
    expect(account(core, 'trackingtime').entry).toBeNull();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard');
    expect(r).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
  });
});
