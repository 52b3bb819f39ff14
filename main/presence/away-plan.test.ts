/**
 * What each answer to "You were away 10:42–11:57" turns into: the exact journal drafts (kinds,
 * times, labels), what each service is offered, and the prompt's sentence (awayMessage) over
 * midnight and across a DST change.
 */
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../preload/contract';
import type { StartWork } from '../journal/journal-schema';
import { awayMessage } from '../core/presence-service';
import { awayOffer, planAway } from './away-plan';
import { local } from '../../test/support/presence-timeline';

process.env.TZ = 'Europe/Berlin';

const at = (h: number, m: number) => local(2026, 11, 27, h, m);
const SPAN = { from: at(10, 42), to: at(11, 57) };

const WORK: StartWork = {
  description: 'Writing docs',
  projectId: 'p1',
  projectName: 'Website',
  projectColor: '#06aed5',
  taskId: null,
  taskName: null,
  tags: ['writing'],
  billable: true,
};

/** "stop 10:42 “Writing docs — Website”": one line per draft. */
function drafts(list: ReturnType<typeof planAway>): string[] {
  return list.map((d) => {
    const t = new Date(d.at ?? NaN);
    const hm = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
    return `${d.kind} ${hm} ${d.label}${d.queueIfOffline ? '' : ' (not queued)'}`;
  });
}

const CAPS: Capabilities = {
  projects: true,
  tasks: true,
  backdate: true,
  editStart: true,
  editEntry: true,
  tags: true,
  billable: true,
  members: false,
};

describe('planAway', () => {
  it('discard: one stop at the moment the user left', () => {
    expect(drafts(planAway('discard', WORK, SPAN))).toEqual([
      'stop 10:42 Stop “Writing docs — Website”',
    ]);
  });

  it('discard and continue: stop at 10:42, the same work again from 11:57 (the return, not the answer)', () => {
    const plan = planAway('discard-continue', WORK, SPAN);
    expect(drafts(plan)).toEqual([
      'stop 10:42 Stop “Writing docs — Website”',
      'start 11:57 Start “Writing docs — Website”',
    ]);
    expect(plan[1]?.work).toEqual(WORK);
  });

  it('split: the away time becomes its own entry with the typed description, same project', () => {
    const plan = planAway('split', WORK, SPAN, '  Lunch ');
    expect(drafts(plan)).toEqual([
      'stop 10:42 Stop “Writing docs — Website”',
      'start 10:42 Start “Lunch — Website”',
      'stop 11:57 Stop “Lunch — Website”',
      'start 11:57 Start “Writing docs — Website”',
    ]);
    expect(plan[1]?.work).toEqual({ ...WORK, description: 'Lunch' });
    expect(plan[3]?.work).toEqual(WORK);
  });

  it('split: the away entry keeps the project but not the interrupted task (B-H5-1)', () => {
    // On TrackingTime a task id decides what is tracked: keeping it tracked “Lunch” as “Login”.
    const onTask: StartWork = { ...WORK, taskId: 't7', taskName: 'Login page' };
    const plan = planAway('split', onTask, SPAN, 'Lunch');
    expect(drafts(plan)).toEqual([
      'stop 10:42 Stop “Writing docs — Website / Login page”',
      'start 10:42 Start “Lunch — Website”',
      'stop 11:57 Stop “Lunch — Website”',
      'start 11:57 Start “Writing docs — Website / Login page”',
    ]);
    expect(plan[1]?.work).toMatchObject({ projectId: 'p1', taskId: null, taskName: null });
    expect(plan[3]?.work).toEqual(onTask);
  });

  it('split without a description names the entry “(no description)”', () => {
    const plan = planAway('split', WORK, SPAN, '   ');
    expect(plan[1]?.work?.description).toBeNull();
    expect(plan[1]?.label).toBe('Start “(no description) — Website”');
  });

  it('an entry without description or project reads “(no description)”', () => {
    const bare: StartWork = { ...WORK, description: null, projectId: null, projectName: null };
    expect(drafts(planAway('discard', bare, SPAN))).toEqual(['stop 10:42 Stop “(no description)”']);
  });

  it('every draft is queued if the service is offline: the user decided about past times', () => {
    for (const choice of ['discard', 'discard-continue', 'split'] as const)
      for (const d of planAway(choice, WORK, SPAN, 'Lunch')) expect(d.queueIfOffline).toBe(true);
  });
});

describe('awayOffer', () => {
  it('a service that records past times gets all four choices and no note', () => {
    expect(awayOffer('toggl', CAPS)).toEqual({
      choices: ['keep', 'discard', 'discard-continue', 'split'],
      note: null,
    });
  });

  it('a service that cannot backdate gets keep and stop now, and says why in its own name', () => {
    expect(awayOffer('webwork', { ...CAPS, backdate: false })).toEqual({
      choices: ['keep', 'stop-now'],
      note: 'WebWork records time as it passes: it cannot take back the time away, only stop now.',
    });
  });
});

describe('awayMessage', () => {
  it('the same day: "You were away 10:42–11:57 (1 h 15 min)"', () => {
    expect(awayMessage(SPAN)).toBe('You were away 10:42–11:57 (1 h 15 min)');
  });

  it('over midnight names both days', () => {
    const night = { from: local(2026, 11, 26, 18, 0), to: local(2026, 11, 27, 8, 2) };
    expect(awayMessage(night)).toBe('You were away Thu 18:00 – Fri 08:02 (14 h 2 min)');
  });

  it('exactly an hour says "1 h"', () => {
    expect(awayMessage({ from: at(12, 0), to: at(13, 0) })).toBe('You were away 12:00–13:00 (1 h)');
  });

  it('the minutes are those between the two times shown (spans have seconds)', () => {
    expect(awayMessage({ from: at(12, 0), to: at(12, 5) + 31_000 })).toBe(
      'You were away 12:00–12:05 (5 min)',
    );
    expect(awayMessage({ from: at(12, 0) + 45_000, to: at(12, 6) + 15_000 })).toBe(
      'You were away 12:00–12:06 (6 min)',
    );
  });

  it('a night over the end of summer time counts real hours (25 Oct 2026: 02:00 happens twice)', () => {
    const span = { from: local(2026, 10, 24, 22, 0), to: local(2026, 10, 25, 7, 0) };
    expect(awayMessage(span)).toBe('You were away Sat 22:00 – Sun 07:00 (10 h)');
  });
});
