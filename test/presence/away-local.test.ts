/**
 * The away prompt end to end on the Local account: the real core in app mode, a lunch lock on a
 * virtual clock, each answer's effect on <data>/local/entries.json (Local's "wire") and on what
 * the popup shows. Nothing goes over the network.
 */
import { describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { journalOnDisk, run } from '../reliability/journal-kit';
import {
  account,
  answer,
  AWAY_FROM,
  AWAY_TO,
  awayForLunch,
  clockTime,
  localEntriesOnDisk,
  ms,
  T0,
  useAwayWorld,
} from './away-kit';

const w = useAwayWorld('local');
const iso = (at: number) => new Date(at).toISOString();

/** Opens the core and starts “Docs” on project Site at T0. */
async function workOnDocs(): Promise<Core> {
  const core = await w.open();
  await run(core, {
    type: 'start',
    input: { accountId: 'local', description: 'Docs', project: 'Site' },
  });
  return core;
}

const disk = () =>
  localEntriesOnDisk(w.dir).map((e) => ({
    description: e.description,
    project: e.projectId,
    start: e.start,
    stop: e.stop,
  }));

describe('Local: the four answers to the away prompt', () => {
  it('the prompt names the span and offers the four choices', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    expect(ms(away.from)).toBe(AWAY_FROM);
    expect(ms(away.to)).toBe(AWAY_TO);
    expect(away.message).toBe(
      `You were away ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)} (1 h 15 min)`,
    );
    expect(away.accounts).toEqual([
      expect.objectContaining({
        accountId: 'local',
        entryLabel: '“Docs — Site”',
        choices: ['keep', 'discard', 'discard-continue', 'split'],
        note: null,
      }),
    ]);
    expect(w.notes.at(-1)).toMatchObject({ id: 'away', title: away.message });
    expect(core.snapshot().tray.tooltip).toContain(away.message);
  });

  it('keep: the file is not touched; the entry runs on from its old start', async () => {
    const core = await workOnDocs();
    const before = disk();
    const away = await awayForLunch(w);
    const r = await answer(core, away.id, 'keep');
    expect(r).toMatchObject({
      ok: true,
      message: 'Kept 1 h 15 min away in “Docs — Site”.',
    });
    expect(disk()).toEqual(before);
    expect(before).toEqual([
      { description: 'Docs', project: expect.any(String), start: iso(T0), stop: null },
    ]);
    expect(account(core, 'local').entry).toMatchObject({
      description: 'Docs',
      startedAt: expect.any(String),
    });
    expect(ms(account(core, 'local').entry?.startedAt)).toBe(T0);
    expect(core.snapshot().presence.away).toBeNull();
    expect(w.net.sent).toEqual([]);
  });

  it('discard: the entry ends at the away start in the file', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const r = await answer(core, away.id, 'discard');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: “Docs — Site” stopped at ${clockTime(AWAY_FROM)} on Local.`,
    });
    const [docs, ...rest] = disk();
    expect(rest).toEqual([]);
    expect(docs).toMatchObject({ description: 'Docs', start: iso(T0), stop: iso(AWAY_FROM) });
    const local = account(core, 'local');
    expect(local.entry).toBeNull();
    expect(local.recent[0]).toMatchObject({
      description: 'Docs',
      elapsedSeconds: (AWAY_FROM - T0) / 1000,
    });
    expect(ms(local.recent[0]?.stoppedAt)).toBe(AWAY_FROM);
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(w.net.sent).toEqual([]);
  });

  it('discard and continue: stopped at the away start, the same work again from the return', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const r = await answer(core, away.id, 'discard-continue');
    expect(r).toMatchObject({
      ok: true,
      message: `Discarded ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}: “Docs — Site” stopped at ${clockTime(AWAY_FROM)} and continues from ${clockTime(AWAY_TO)} on Local.`,
    });
    const entries = disk();
    const project = entries[0]?.project;
    expect(project).toEqual(expect.any(String));
    expect(entries).toEqual([
      { description: 'Docs', project, start: iso(T0), stop: iso(AWAY_FROM) },
      { description: 'Docs', project, start: iso(AWAY_TO), stop: null },
    ]);
    const local = account(core, 'local');
    expect(local.entry).toMatchObject({ description: 'Docs', projectName: 'Site' });
    expect(ms(local.entry?.startedAt)).toBe(AWAY_TO);
    expect(journalOnDisk(w.dir)).toBeNull();
  });

  it('split: “Lunch” from the away start to the return on the same project, Docs again after', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const r = await answer(core, away.id, 'split', ' Lunch ');
    expect(r).toMatchObject({
      ok: true,
      message: `Added “Lunch” ${clockTime(AWAY_FROM)}–${clockTime(AWAY_TO)}; “Docs — Site” continues from ${clockTime(AWAY_TO)} on Local.`,
    });
    const entries = disk();
    const project = entries[0]?.project;
    expect(entries).toEqual([
      { description: 'Docs', project, start: iso(T0), stop: iso(AWAY_FROM) },
      { description: 'Lunch', project, start: iso(AWAY_FROM), stop: iso(AWAY_TO) },
      { description: 'Docs', project, start: iso(AWAY_TO), stop: null },
    ]);
    const local = account(core, 'local');
    expect(local.entry).toMatchObject({ description: 'Docs', elapsedSeconds: 3 * 60 });
    expect(local.recent.map((e) => [e.description, e.elapsedSeconds])).toEqual([
      ['Lunch', 75 * 60],
      ['Docs', (AWAY_FROM - T0) / 1000],
    ]);
    expect(journalOnDisk(w.dir)).toBeNull();
  });
});

describe('Local: answers that change nothing', () => {
  it('answering twice, or with a stale prompt id, is not-found and leaves the file alone', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const stale = await answer(core, 'a-prompt-from-yesterday', 'discard');
    expect(stale).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(core.snapshot().presence.away?.id).toBe(away.id); // still asked
    await run(core, { type: 'away.resolve', input: { promptId: away.id, choice: 'discard' } });
    const after = disk();
    const again = await answer(core, away.id, 'discard-continue');
    expect(again).toMatchObject({
      ok: false,
      error: { kind: 'not-found', message: 'That question about time away was already answered.' },
    });
    expect(disk()).toEqual(after);
    expect(after).toHaveLength(1);
  });

  it('the timer stopped before the answer: not-found, nothing changed', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    await run(core, { type: 'stop', input: { accountId: 'local' } });
    const after = disk();
    const r = await answer(core, away.id, 'discard');
    expect(r).toMatchObject({
      ok: false,
      error: {
        kind: 'not-found',
        message:
          'The timer that ran while you were away is no longer running; nothing was changed.',
      },
    });
    expect(disk()).toEqual(after);
    expect(core.snapshot().presence.away).toBeNull();
  });

  it('split without a description is refused on the field and keeps the prompt', async () => {
    const core = await workOnDocs();
    const away = await awayForLunch(w);
    const before = disk();
    const r = await answer(core, away.id, 'split', '   ');
    expect(r).toMatchObject({ ok: false, error: { kind: 'validation', field: 'description' } });
    expect(disk()).toEqual(before);
    expect(core.snapshot().presence.away?.id).toBe(away.id);
  });
});
