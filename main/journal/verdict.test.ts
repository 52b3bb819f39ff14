import { describe, expect, it } from 'vitest';
import type { RemoteEntry } from '../providers/provider';
import type { JournalAction } from './journal-schema';
import { verdict, type VerdictContext } from './verdict';

const T = Date.parse('2026-11-27T10:04:00Z');
const MIN = 60_000;

const work = {
  description: 'Docs',
  projectId: 'p1',
  projectName: 'Website',
  projectColor: null,
  taskId: null,
  taskName: null,
};

function action(over: Partial<JournalAction> = {}): JournalAction {
  return {
    id: 'a1',
    accountId: 'work',
    kind: 'start',
    at: T,
    queuedAt: T,
    work,
    expectRunning: null,
    label: 'Start “Docs — Website”',
    lateOk: true,
    attempts: 1,
    state: 'waiting',
    error: null,
    theirs: null,
    override: false,
    ...over,
  };
}

function entry(over: Partial<RemoteEntry>): RemoteEntry {
  return {
    id: 'e1',
    description: 'Docs',
    projectId: 'p1',
    projectName: 'Website',
    projectColor: null,
    taskId: null,
    taskName: null,
    start: T,
    stop: null,
    ...over,
  };
}

const ctx = (over: Partial<VerdictContext> = {}): VerdictContext => ({
  resolve: (ref) => (ref === 'action:a0' ? 'e0' : ref),
  backdate: true,
  now: T + 30 * MIN,
  ...over,
});

describe('a start replayed after the answer was lost is recognised, not sent twice', () => {
  it('the same work running, started at the asked time (±1 min): landed', () => {
    const running = entry({ id: 'e9', start: T + 1000 });
    expect(verdict(action(), { running, entries: [] }, ctx())).toEqual({
      kind: 'landed',
      entry: running,
    });
  });

  it('already stopped on the service (found in the recent list): landed', () => {
    const done = entry({ id: 'e9', stop: T + 5 * MIN });
    expect(verdict(action(), { running: null, entries: [done] }, ctx()).kind).toBe('landed');
  });

  it('the same work started two minutes away from the asked time is another entry: sent', () => {
    const other = entry({ id: 'e9', start: T - 2 * MIN, stop: T - MIN });
    expect(verdict(action(), { running: null, entries: [other] }, ctx())).toEqual({
      kind: 'send',
      replaceRunning: false,
    });
  });

  it('other work at the same time is not taken for it', () => {
    const other = entry({ id: 'e9', description: 'Mail', start: T, stop: T + MIN });
    expect(verdict(action(), { running: null, entries: [other] }, ctx()).kind).toBe('send');
  });

  it('without start times (WebWork): the same work running since the action was queued', () => {
    const running = entry({ id: 'ww', start: null });
    const c = ctx({ backdate: false, now: T + 20_000 });
    expect(verdict(action(), { running, entries: [] }, c).kind).toBe('landed');
    // Started before the action was queued: someone else's doing, not ours.
    const before = entry({ id: 'ww', start: T - 10 * MIN });
    expect(verdict(action(), { running: before, entries: [] }, c).kind).toBe('conflict');
  });
});

describe('nothing started elsewhere is overwritten', () => {
  it('what the user saw running still runs: sent, replacing it', () => {
    const x = entry({ id: 'x', description: 'Before', start: T - 60 * MIN });
    const a = action({ expectRunning: 'x' });
    expect(verdict(a, { running: x, entries: [] }, ctx())).toEqual({
      kind: 'send',
      replaceRunning: true,
    });
  });

  it('an earlier journal start that landed is resolved to its entry', () => {
    const e0 = entry({ id: 'e0', description: 'Earlier', start: T - MIN });
    const a = action({ expectRunning: 'action:a0' });
    expect(verdict(a, { running: e0, entries: [] }, ctx()).kind).toBe('send');
  });

  it('something else runs now: a conflict naming it', () => {
    const b = entry({ id: 'b', description: 'From the web', start: T + 10 * MIN });
    expect(verdict(action(), { running: b, entries: [] }, ctx())).toEqual({
      kind: 'conflict',
      theirs: b,
    });
    const stop = action({ kind: 'stop', work: undefined, expectRunning: 'x' });
    expect(verdict(stop, { running: b, entries: [] }, ctx()).kind).toBe('conflict');
  });

  it('the user said "apply it anyway": sent over what runs', () => {
    const b = entry({ id: 'b', description: 'From the web' });
    expect(verdict(action({ override: true }), { running: b, entries: [] }, ctx())).toEqual({
      kind: 'send',
      replaceRunning: true,
    });
  });
});

describe('stops', () => {
  const stop = action({ kind: 'stop', work: undefined, expectRunning: 'x' });

  it('the entry still runs: sent', () => {
    expect(verdict(stop, { running: entry({ id: 'x' }), entries: [] }, ctx()).kind).toBe('send');
  });

  it('nothing runs any more (the stop arrived, or it was stopped elsewhere): done', () => {
    expect(verdict(stop, { running: null, entries: [] }, ctx())).toEqual({ kind: 'done' });
  });
});

describe('services that cannot take the asked time (WebWork)', () => {
  const c = ctx({ backdate: false });

  it('more than a minute late without consent: the user is asked', () => {
    expect(verdict(action({ lateOk: false }), { running: null, entries: [] }, c)).toEqual({
      kind: 'late',
    });
  });

  it('within a minute, with consent, or overridden: sent', () => {
    const soon = ctx({ backdate: false, now: T + 50_000 });
    expect(verdict(action({ lateOk: false }), { running: null, entries: [] }, soon).kind).toBe(
      'send',
    );
    expect(verdict(action({ lateOk: true }), { running: null, entries: [] }, c).kind).toBe('send');
    expect(
      verdict(action({ lateOk: false, override: true }), { running: null, entries: [] }, c).kind,
    ).toBe('send');
  });
});

describe('entries the user started through the journal', () => {
  it('one queued before this action (another process, the same moment) is followed, not a conflict', () => {
    const alpha = entry({ id: 'alpha', description: 'Alpha' });
    const c = ctx({ ownQueuedAt: (id) => (id === 'alpha' ? T - 1000 : null) });
    expect(verdict(action(), { running: alpha, entries: [] }, c)).toEqual({
      kind: 'send',
      replaceRunning: true,
    });
  });

  it('one queued after it (a retry of an older action) is a conflict', () => {
    const mail = entry({ id: 'mail', description: 'Mail' });
    const c = ctx({ ownQueuedAt: (id) => (id === 'mail' ? T + 5 * MIN : null) });
    expect(verdict(action(), { running: mail, entries: [] }, c).kind).toBe('conflict');
  });
});
