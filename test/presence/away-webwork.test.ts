/**
 * The away prompt end to end with WebWork: the real core in app mode against the fake WebWork
 * over real HTTP (away-kit). WebWork starts and stops "now" (no time on the wire), so it cannot
 * take back time away: the prompt offers only Keep and Stop now, with a note saying why, and the
 * choices that need a past time are refused without a request.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import type { AwayPrompt } from '../../preload/contract';
import { seedAcme, TOKEN, type AcmeTeam } from '../../main/providers/webwork/webwork-test-setup';
import { startFakeWebWork, type FakeWebWork } from '../fakes/webwork-server';
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
  T0,
  useAwayWorld,
} from './away-kit';

const ON = 'WebWork: ada@example.com · Acme';
const LABEL = '“Docs — Website”';
const NOTE = 'WebWork records time as it passes: it cannot take back the time away, only stop now.';
const STOP = '/time-tracking/stop';

const w = useAwayWorld<FakeWebWork>('ww', (now) => startFakeWebWork({ now }));
let team: AcmeTeam;

beforeEach(() => {
  team = seedAcme(w.fake);
});

const tracker = () => w.fake.tracker(team.ada.id, team.workspace.id);
const trackedMinutes = () => w.fake.timelineMinutes(team.ada.id, team.workspace.id);

/** Opens the core, connects WebWork, starts Docs on Website at T0. */
async function workOnDocs(): Promise<Core> {
  const core = await w.open();
  await run(core, {
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: TOKEN,
      baseUrl: w.fake.baseUrl,
      options: { email: 'ada@example.com' },
    },
  });
  await run(core, {
    type: 'start',
    input: { accountId: 'webwork', description: 'Docs', project: 'Website' },
  });
  return core;
}

/** The path below the API root, as the wire shows it. */
const below = (path: string) => path.replace(/^.*(\/time-tracking\/)/, '$1');

describe('WebWork: the away prompt offers Keep and Stop now', () => {
  it('says why the other choices are missing', async () => {
    await workOnDocs();
    const away = await awayForLunch(w);
    expect(away.accounts).toEqual([
      expect.objectContaining({
        accountId: 'webwork',
        label: ON,
        entryLabel: LABEL,
        choices: ['keep', 'stop-now'],
        note: NOTE,
      }),
    ]);
  });

  it('keep: no write request; the tracker runs on', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'keep');
    expect(r).toMatchObject({ ok: true, message: `Kept 1 h 15 min away in ${LABEL}.` });
    await w.clock.advance(2 * MIN);
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(tracker()).toMatchObject({ description: 'Docs', start: T0 });
  });

  it('stop now: one stop, with no time on the wire; the away time stays tracked', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'stop-now');
    expect(r).toMatchObject({ ok: true, message: `Stopped ${LABEL} on ${ON}.` });
    const writes = w.net.writesSince(mark);
    expect(w.net.sent.slice(mark)).toEqual(writes); // no read: as few requests as it allows
    expect(writes.map((q) => `${q.method} ${below(q.path)}`)).toEqual([`POST ${STOP}`]);
    expect(JSON.stringify(writes[0]?.body ?? {})).not.toMatch(/time|date|at"/);
    expect(tracker()).toBeNull();
    expect(trackedMinutes()).toBe((ANSWER_AT - T0) / MIN);
    const ww = account(core, 'webwork');
    expect(ww).toMatchObject({ running: false, entry: null, pending: [] });
    expect(core.snapshot().presence.away).toBeNull();
  });

  it.each(['discard', 'discard-continue', 'split'] as const)(
    '%s is refused as unsupported, sends nothing, and the prompt stays',
    async (choice) => {
      const core = await workOnDocs();
      const away = await awayForLunch(w);
      const mark = w.net.mark();
      const r = await answer(core, away.id, choice, choice === 'split' ? 'Lunch' : undefined);
      expect(r).toMatchObject({
        ok: false,
        error: { kind: 'unsupported', message: `${ON}: ${NOTE}` },
      });
      expect(w.net.writesSince(mark)).toEqual([]);
      expect(tracker()).toMatchObject({ description: 'Docs', start: T0 });
      expect(journalOnDisk(w.dir)).toBeNull();
      expect(core.snapshot().presence.away?.id).toBe(away.id);
    },
  );
});

describe('WebWork: stop now given offline', () => {
  it('waits in the journal and is sent once when WebWork is back (at that moment)', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    w.net.offline();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'stop-now');
    expect(r).toMatchObject({
      ok: true,
      message: `Stopped ${LABEL} at ${clockTime(ANSWER_AT)} on ${ON} — will sync when online.`,
    });
    expect(account(core, 'webwork').pending.map((p) => [p.kind, p.state])).toEqual([
      ['stop', 'waiting'],
    ]);
    await w.clock.advance(5 * MIN);
    expect(tracker()).not.toBeNull();
    w.net.online();
    await advanceUntil(w, () => journalOnDisk(w.dir) === null, { maxMs: 10 * MIN });
    const arrived = w.net.writesSince(mark).filter((q) => q.outcome === 'answered');
    expect(arrived.map((q) => `${q.method} ${below(q.path)}`)).toEqual([`POST ${STOP}`]);
    expect(tracker()).toBeNull();
    expect(account(core, 'webwork')).toMatchObject({ running: false, pending: [] });
  });
});

describe('WebWork: answers that send nothing', () => {
  it('a stale prompt id, then answering twice: not-found, no request', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    let mark = w.net.mark();
    const stale = await answer(core, 'a-prompt-from-yesterday', 'stop-now');
    expect(stale).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    await run(core, { type: 'away.resolve', input: { promptId: away.id, choice: 'keep' } });
    mark = w.net.mark();
    const again = await answer(core, away.id, 'stop-now');
    expect(again).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
    expect(tracker()).not.toBeNull();
  });

  it('the tracker was stopped in the WebWork app before the answer: not-found, no request', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    w.fake.remoteStop(team.ada.id, team.workspace.id);
    await run(core, { type: 'refresh', input: { accountId: 'webwork' } });
    expect(account(core, 'webwork').entry).toBeNull();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'stop-now');
    expect(r).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(w.net.writesSince(mark)).toEqual([]);
  });
});

describe('WebWork and Local running at once', () => {
  /*
   * One answer for both: each account takes it as far as its service can (B-H5-2). Discard
   * stops Local at the away start and WebWork's tracker now; continue and split leave WebWork's
   * time as it is; Stop now stops both now.
   */
  async function bothRunning(): Promise<{ core: Core; away: AwayPrompt }> {
    const core = await workOnDocs();
    await run(core, { type: 'start', input: { accountId: 'local', description: 'Notes' } });
    const away = await awayForLunch(w);
    expect(away.accounts.map((a) => [a.accountId, a.choices])).toEqual([
      ['local', ['keep', 'discard', 'discard-continue', 'split']],
      ['webwork', ['keep', 'stop-now']],
    ]);
    return { core, away };
  }
  const iso = (at: number) => new Date(at).toISOString();
  const onDisk = () => localEntriesOnDisk(w.dir).map((e) => [e.description, e.start, e.stop]);
  const wire = (mark: number) => w.net.writesSince(mark).map((q) => `${q.method} ${below(q.path)}`);

  it('discard: Local ends at the away start, WebWork stops now (one request)', async () => {
    const { core, away } = await bothRunning();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard');
    expect(r.ok).toBe(true);
    expect(wire(mark)).toEqual([`POST ${STOP}`]);
    expect(onDisk()).toEqual([['Notes', iso(T0), iso(AWAY_FROM)]]);
    expect(tracker()).toBeNull();
    expect(trackedMinutes()).toBe((ANSWER_AT - T0) / MIN);
    expect(core.snapshot().presence.away).toBeNull();
  });

  it('discard and continue: Local as asked; WebWork keeps its time, no request', async () => {
    const { core, away } = await bothRunning();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'discard-continue');
    expect(r).toMatchObject({
      ok: true,
      message: expect.stringContaining(`${LABEL} keeps the time away on ${ON} (${NOTE}).`),
    });
    expect(wire(mark)).toEqual([]);
    expect(onDisk()).toEqual([
      ['Notes', iso(T0), iso(AWAY_FROM)],
      ['Notes', iso(AWAY_TO), null],
    ]);
    expect(tracker()).toMatchObject({ description: 'Docs', start: T0 });
  });

  it('stop now: both stop now', async () => {
    const { core, away } = await bothRunning();
    const mark = w.net.mark();
    const r = await answer(core, away.id, 'stop-now');
    expect(r).toMatchObject({
      ok: true,
      message: `Stopped “Notes” on Local. Stopped ${LABEL} on ${ON}.`,
    });
    expect(wire(mark)).toEqual([`POST ${STOP}`]);
    expect(onDisk()).toEqual([['Notes', iso(T0), iso(ANSWER_AT)]]);
    expect(tracker()).toBeNull();
  });
});
