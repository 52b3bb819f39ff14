/**
 * The away prompt end to end with Toggl Track: the real core in app mode against the fake Toggl
 * over real HTTP (away-kit). Each answer's requests as they went over the wire (a stop in the
 * past is an update of the entry's `stop`, a start in the past a POST with that `start`), the
 * entries the fake keeps afterwards, an offline answer sent later with the away times, and one
 * answer for Local and Toggl running at once.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import {
  startFakeToggl,
  type FakeProject,
  type FakeTask,
  type FakeToggl,
  type FakeUser,
} from '../fakes/toggl-server';
import { journalOnDisk, run } from '../reliability/journal-kit';
import {
  account,
  advanceUntil,
  answer,
  ANSWER_AT,
  AWAY_FROM,
  AWAY_TO,
  awayForLunch,
  clockTime,
  localEntriesOnDisk,
  MIN,
  ms,
  T0,
  useAwayWorld,
  writeLines,
} from './away-kit';

const TOKEN = '1971800d4d82861d8f2c1651fea4d212';
const ON = 'Toggl Track: ada@example.com · Acme';
const LABEL = '“Docs — Site / Review”';

const w = useAwayWorld<FakeToggl>('toggl', (now) => startFakeToggl({ now }));
let user: FakeUser;
let site: FakeProject;
let review: FakeTask;

beforeEach(() => {
  user = w.fake.addUser({ token: TOKEN, email: 'ada@example.com', workspaceName: 'Acme' });
  site = w.fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
  review = w.fake.addTask({ projectId: site.id, name: 'Review' });
});

/** Toggl's wire form of a time: UTC, whole seconds. */
const utc = (at: number) => new Date(at).toISOString().replace('.000Z', 'Z');
const ENTRIES = () => `/api/v9/workspaces/${user.workspaceId}/time_entries`;

/** Opens the core, connects Toggl, starts Docs on Site · Review (tagged, billable) at T0. */
async function workOnDocs(): Promise<Core> {
  const core = await w.open();
  await run(core, {
    type: 'accounts.add',
    input: { provider: 'toggl', secret: TOKEN, baseUrl: w.fake.baseUrl, options: {} },
  });
  await run(core, {
    type: 'start',
    input: {
      accountId: 'toggl',
      description: 'Docs',
      project: 'Site',
      task: 'Review',
      tags: ['deep'],
      billable: true,
    },
  });
  return core;
}

/** The first entry (Docs from T0), as the fake keeps it. */
const firstEntry = () => {
  const first = w.fake.entries(user.id).find((e) => e.start === T0);
  if (!first) throw new Error('no entry from T0 in the fake');
  return first;
};

/** The fake's entries in start order, as [description, start, stop]. */
const fakeEntries = () =>
  w.fake
    .entries(user.id)
    .sort((a, b) => a.start - b.start || a.id - b.id)
    .map((e) => [e.description, e.start, e.stop]);

/** The same work as Docs: what a start of it must carry. */
const sameWork = () => ({
  project_id: site.id,
  task_id: review.id,
  tags: ['deep'],
  billable: true,
  workspace_id: user.workspaceId,
  duration: -1,
});

describe('Toggl: the four answers to the away prompt, on the wire', () => {
  it('the prompt offers the four choices for Toggl', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    expect(ms(away.from)).toBe(AWAY_FROM);
    expect(ms(away.to)).toBe(AWAY_TO);
    expect(away.accounts).toEqual([
      expect.objectContaining({
        accountId: 'toggl',
        label: ON,
        entryLabel: LABEL,
        choices: ['keep', 'discard', 'discard-continue', 'split'],
      }),
    ]);
    expect(core.snapshot().presence.away?.id).toBe(away.id);
  });

  it('keep: no write request; the entry runs on from T0', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'keep');
    expect(r).toMatchObject({ ok: true, message: `Kept 1 h 15 min away in ${LABEL}.` });
    await w.clock.advance(2 * MIN);
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: T0 });
    expect(ms(account(core, 'toggl').entry?.startedAt)).toBe(T0);
  });

  it('discard: one update that sets the stop to the away start', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const id = firstEntry().id;
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: ${LABEL} stopped at ${clockTime(AWAY_FROM)} on ${ON}.`,
    });
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writeLines(writes)).toEqual([`PUT ${ENTRIES()}/${id}`]);
    expect(writes[0]?.body).toEqual({ stop: utc(AWAY_FROM) });
    expect(fakeEntries()).toEqual([['Docs', T0, AWAY_FROM]]);
    expect(w.fake.runningEntry(user.id)).toBeNull();
    const toggl = account(core, 'toggl');
    expect(toggl.entry).toBeNull();
    expect(toggl.pending).toEqual([]);
    expect(ms(toggl.recent[0]?.stoppedAt)).toBe(AWAY_FROM);
    expect(toggl.recent[0]?.elapsedSeconds).toBe((AWAY_FROM - T0) / 1000);
  });

  it('discard and continue: the stop at the away start, then the same work from the return', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const id = firstEntry().id;
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard-continue');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: ${LABEL} stopped at ${clockTime(AWAY_FROM)} and continues from ${clockTime(AWAY_TO)} on ${ON}.`,
    });
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writeLines(writes)).toEqual([`PUT ${ENTRIES()}/${id}`, `POST ${ENTRIES()}`]);
    expect(writes[0]?.body).toEqual({ stop: utc(AWAY_FROM) });
    expect(writes[1]?.body).toMatchObject({
      description: 'Docs',
      start: utc(AWAY_TO),
      ...sameWork(),
    });
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Docs', AWAY_TO, null],
    ]);
    expect(w.fake.runningEntry(user.id)).toMatchObject({
      projectId: site.id,
      taskId: review.id,
      tags: ['deep'],
      billable: true,
    });
    const toggl = account(core, 'toggl');
    expect(toggl.entry).toMatchObject({ description: 'Docs', pending: false });
    expect(ms(toggl.entry?.startedAt)).toBe(AWAY_TO);
    expect(toggl.entry?.elapsedSeconds).toBe((ANSWER_AT - AWAY_TO) / 1000);
  });

  it('split: stop, “Lunch” from the away start, its stop at the return, Docs again (4 writes)', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const id = firstEntry().id;
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'split', 'Lunch');
    expect(r).toMatchObject({
      ok: true,
      message: `Added “Lunch” ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}; ${LABEL} continues from ${clockTime(AWAY_TO)} on ${ON}.`,
    });
    const lunch = w.fake.entries(user.id).find((e) => e.description === 'Lunch');
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writeLines(writes)).toEqual([
      `PUT ${ENTRIES()}/${id}`,
      `POST ${ENTRIES()}`,
      `PUT ${ENTRIES()}/${lunch?.id}`,
      `POST ${ENTRIES()}`,
    ]);
    expect(writes[0]?.body).toEqual({ stop: utc(AWAY_FROM) });
    // The away entry keeps the project (and Toggl's tags and billable flag), not the task:
    // the time away is not that task (B-H5-1).
    expect(writes[1]?.body).toMatchObject({
      description: 'Lunch',
      start: utc(AWAY_FROM),
      ...sameWork(),
      task_id: null,
    });
    expect(writes[2]?.body).toEqual({ stop: utc(AWAY_TO) });
    expect(writes[3]?.body).toMatchObject({
      description: 'Docs',
      start: utc(AWAY_TO),
      ...sameWork(),
    });
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Lunch', AWAY_FROM, AWAY_TO],
      ['Docs', AWAY_TO, null],
    ]);
    const toggl = account(core, 'toggl');
    expect(toggl.entry).toMatchObject({ description: 'Docs', projectName: 'Site' });
    expect(ms(toggl.entry?.startedAt)).toBe(AWAY_TO);
    expect(toggl.recent.map((e) => [e.description, ms(e.startedAt), ms(e.stoppedAt)])).toEqual(
      expect.arrayContaining([
        ['Lunch', AWAY_FROM, AWAY_TO],
        ['Docs', T0, AWAY_FROM],
      ]),
    );
    expect(toggl.pending).toEqual([]);
  });

  it('split answered the moment the user is back: the Lunch stop is a stop “now” (PATCH)', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w, AWAY_TO);
    const id = firstEntry().id;
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'split', 'Lunch');
    expect(r.ok).toBe(true);
    const lunch = w.fake.entries(user.id).find((e) => e.description === 'Lunch');
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes);
    // Toggl's own "now" is the return time here: no need to send it.
    expect(writeLines(writes)).toEqual([
      `PUT ${ENTRIES()}/${id}`,
      `POST ${ENTRIES()}`,
      `PATCH ${ENTRIES()}/${lunch?.id}/stop`,
      `POST ${ENTRIES()}`,
    ]);
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Lunch', AWAY_FROM, AWAY_TO],
      ['Docs', AWAY_TO, null],
    ]);
  });
});

describe('Toggl: an answer given offline', () => {
  it('waits in the journal and goes out once, in order, with the away times', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const id = firstEntry().id;
    w.net.offline();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard-continue');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: ${LABEL} stopped at ${clockTime(AWAY_FROM)} and continues from ${clockTime(AWAY_TO)} on ${ON} — will sync when Toggl Track is reachable.`,
    });
    const toggl = account(core, 'toggl');
    expect(toggl.pending.map((p) => [p.kind, p.state, p.summary])).toEqual([
      ['stop', 'waiting', `Stop ${LABEL} at ${clockTime(AWAY_FROM)}`],
      ['start', 'waiting', `Start ${LABEL} at ${clockTime(AWAY_TO)}`],
    ]);
    expect(core.snapshot().presence.away).toBeNull();
    expect(journalOnDisk(w.dir)?.map((a) => [a.kind, a.at])).toEqual([
      ['stop', AWAY_FROM],
      ['start', AWAY_TO],
    ]);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ start: T0, stop: null });

    // Five minutes offline, then the connection is back.
    await w.clock.advance(5 * MIN);
    expect(w.net.writesSince(mark).every((q) => q.outcome === 'refused')).toBe(true);
    w.net.online();
    await advanceUntil(w, () => journalOnDisk(w.dir) === null, { maxMs: 10 * MIN });
    expect(journalOnDisk(w.dir)).toBeNull();

    const arrived = w.net.writesSince(mark).filter((q) => q.outcome === 'answered');
    expect(writeLines(arrived)).toEqual([`PUT ${ENTRIES()}/${id}`, `POST ${ENTRIES()}`]);
    expect(arrived[0]?.body).toEqual({ stop: utc(AWAY_FROM) });
    expect(arrived[1]?.body).toMatchObject({
      description: 'Docs',
      start: utc(AWAY_TO),
      ...sameWork(),
    });
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Docs', AWAY_TO, null],
    ]);
    const after = account(core, 'toggl');
    expect(after.pending).toEqual([]);
    expect(after.entry).toMatchObject({ description: 'Docs', pending: false });
    expect(ms(after.entry?.startedAt)).toBe(AWAY_TO);
  });

  it('a split given offline, with the app restarted before the network returns: four writes, once', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const id = firstEntry().id;
    w.net.offline();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'split', 'Lunch');
    expect(r).toMatchObject({
      ok: true,
      message: expect.stringMatching(/will sync when Toggl Track is reachable\.$/),
    });
    expect(journalOnDisk(w.dir)?.map((a) => [a.kind, a.at])).toEqual([
      ['stop', AWAY_FROM],
      ['start', AWAY_FROM],
      ['stop', AWAY_TO],
      ['start', AWAY_TO],
    ]);
    // The app quits while offline; the journal keeps the answer for the next run.
    await w.clock.advance(5 * MIN);
    await w.close();
    await w.clock.advance(30 * MIN);
    w.net.online();
    const again = await w.open();
    await advanceUntil(w, () => journalOnDisk(w.dir) === null, { maxMs: 10 * MIN });
    expect(journalOnDisk(w.dir)).toBeNull();

    const arrived = w.net.writesSince(mark).filter((q) => q.outcome === 'answered');
    const lunch = w.fake.entries(user.id).find((e) => e.description === 'Lunch');
    expect(writeLines(arrived)).toEqual([
      `PUT ${ENTRIES()}/${id}`,
      `POST ${ENTRIES()}`,
      `PUT ${ENTRIES()}/${lunch?.id}`,
      `POST ${ENTRIES()}`,
    ]);
    expect(arrived.map((q) => q.body)).toEqual([
      { stop: utc(AWAY_FROM) },
      expect.objectContaining({ description: 'Lunch', start: utc(AWAY_FROM) }),
      { stop: utc(AWAY_TO) },
      expect.objectContaining({ description: 'Docs', start: utc(AWAY_TO), task_id: review.id }),
    ]);
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Lunch', AWAY_FROM, AWAY_TO],
      ['Docs', AWAY_TO, null],
    ]);
    expect(account(again, 'toggl')).toMatchObject({
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(again.snapshot().presence.away).toBeNull();
  });

  it('the answer to the Lunch start is lost: the replay finds it and does not start a second', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    w.net.loseAnswer((q) => q.method === 'POST', 1);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'split', 'Lunch');
    expect(r).toMatchObject({ ok: true });
    await advanceUntil(w, () => journalOnDisk(w.dir) === null, { maxMs: 10 * MIN });
    expect(journalOnDisk(w.dir)).toBeNull();
    const sent = w.net.writesSince(mark);
    expect(sent.filter((q) => q.outcome === 'lost').map((q) => q.method)).toEqual(['POST']);
    expect(r).toMatchObject({
      message: expect.stringMatching(/will sync when Toggl Track is reachable\.$/),
    });
    expect(
      sent
        .filter((q) => q.method === 'POST')
        .map((q) => (q.body as { description: string }).description),
    ).toEqual(['Lunch', 'Docs']);
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Lunch', AWAY_FROM, AWAY_TO],
      ['Docs', AWAY_TO, null],
    ]);
    expect(account(core, 'toggl')).toMatchObject({ pending: [], entry: { description: 'Docs' } });
  });
});

describe('Toggl and Local running at once', () => {
  it('one prompt names both; one answer stops both at the away start', async () => {
    const core = await workOnDocs();
    await run(core, { type: 'start', input: { accountId: 'local', description: 'Notes' } });
    const away = await awayForLunch(w);
    expect(away.accounts.map((a) => [a.accountId, a.entryLabel])).toEqual([
      ['local', '“Notes”'],
      ['toggl', LABEL],
    ]);
    const id = firstEntry().id;
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard-continue');
    expect(r.ok).toBe(true);
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writeLines(writes)).toEqual([`PUT ${ENTRIES()}/${id}`, `POST ${ENTRIES()}`]);
    expect(writes[0]?.body).toEqual({ stop: utc(AWAY_FROM) });
    expect(writes[1]?.body).toMatchObject({ description: 'Docs', start: utc(AWAY_TO) });
    expect(fakeEntries()).toEqual([
      ['Docs', T0, AWAY_FROM],
      ['Docs', AWAY_TO, null],
    ]);
    const iso = (at: number) => new Date(at).toISOString();
    expect(localEntriesOnDisk(w.dir).map((e) => [e.description, e.start, e.stop])).toEqual([
      ['Notes', iso(T0), iso(AWAY_FROM)],
      ['Notes', iso(AWAY_TO), null],
    ]);
    expect(core.snapshot().presence.away).toBeNull();
  });
});

describe('Toggl: answers that send nothing', () => {
  it('a stale prompt id, then answering twice: not-found, no request', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    let mark = w.net.mark();
    const stale = await answer(core, 'a-prompt-from-yesterday', 'discard');
    expect(stale).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ start: T0 });

    await run(core, { type: 'away.resolve', input: { promptId: away.id, choice: 'keep' } });
    mark = w.net.mark();
    const again = await answer(core, away.id, 'discard');
    expect(again).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ start: T0, stop: null });
  });

  it('the timer was stopped on the web before the answer: not-found, no request', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const stopped = w.fake.remoteStop(user.id);
    await run(core, { type: 'refresh', input: { accountId: 'toggl' } });
    expect(account(core, 'toggl').entry).toBeNull();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard');
    expect(r).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(w.fake.entry(stopped?.id ?? -1)?.stop).toBe(stopped?.stop);
  });
});
