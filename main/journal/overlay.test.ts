import { describe, expect, it } from 'vitest';
import type { RemoteEntry } from '../providers/provider';
import type { JournalAction } from './journal-schema';
import { overlay } from './overlay';

const T = Date.parse('2026-11-27T10:00:00Z');
const work = {
  description: 'Offline work',
  projectId: null,
  projectName: null,
  projectColor: null,
  taskId: null,
  taskName: null,
};
const x: RemoteEntry = {
  id: 'x',
  description: 'Before',
  projectId: null,
  projectName: null,
  projectColor: null,
  taskId: null,
  taskName: null,
  start: T - 3600_000,
  stop: null,
};

const base = {
  accountId: 'work',
  queuedAt: T,
  expectRunning: null,
  label: 'l',
  lateOk: true,
  attempts: 0,
  error: null,
  theirs: null,
  override: false,
} as const;

const start = (
  id: string,
  at: number,
  state: JournalAction['state'] = 'waiting',
): JournalAction => ({
  ...base,
  id,
  kind: 'start',
  at,
  work,
  state,
});
const stop = (id: string, at: number): JournalAction => ({
  ...base,
  id,
  kind: 'stop',
  at,
  state: 'waiting',
});

describe('what the user sees while actions wait', () => {
  it('a waiting start runs, pending, from the asked time; what ran before ends there', () => {
    const v = overlay({ running: x, entries: [x] }, [start('a', T)]);
    expect(v.running).toMatchObject({ id: 'action:a', start: T, stop: null, pending: true });
    expect(v.entries.find((e) => e.id === 'x')).toMatchObject({ stop: T, pending: true });
  });

  it('a waiting stop ends the running entry at the asked time', () => {
    const v = overlay({ running: x, entries: [x] }, [start('a', T), stop('b', T + 600_000)]);
    expect(v.running).toBeNull();
    expect(v.entries.find((e) => e.id === 'action:a')).toMatchObject({
      start: T,
      stop: T + 600_000,
      pending: true,
    });
  });

  it('set-aside actions are not applied (they wait for the user, not for the network)', () => {
    const v = overlay({ running: x, entries: [x] }, [start('a', T, 'rejected')]);
    expect(v.running).toBe(x);
  });
});
