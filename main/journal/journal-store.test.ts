import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalAction } from './journal-schema';
import { JournalStore, type JournalStep } from './journal-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.parse('2026-11-27T10:00:00Z');
const work = {
  description: 'Docs',
  projectId: null,
  projectName: null,
  projectColor: null,
  taskId: null,
  taskName: null,
};
function action(id: string, over: Partial<JournalAction> = {}): JournalAction {
  return {
    id,
    accountId: 'work',
    kind: 'start',
    at: T,
    queuedAt: T,
    work,
    expectRunning: null,
    label: 'Start “Docs”',
    lateOk: true,
    attempts: 0,
    state: 'waiting',
    error: null,
    theirs: null,
    override: false,
    ...over,
  };
}

describe('the journal on disk', () => {
  it('is written before anything else happens and exists only while actions wait', () => {
    const steps: JournalStep[] = [];
    const store = new JournalStore(dir, undefined, { onStep: (s) => steps.push(s) });
    store.append(action('a'));
    expect(steps).toEqual(['before-journal-write', 'journal-written']);
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as { actions: { id: string }[] };
    expect(onDisk.actions.map((a) => a.id)).toEqual(['a']);
    store.settle(action('a'), 'e1');
    expect(steps.slice(2)).toEqual(['before-journal-clear', 'journal-cleared']);
    expect(existsSync(store.path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]); // no temp file left behind
  });

  it('keeps the order and points later actions at the entry a confirmed start created', () => {
    const store = new JournalStore(dir);
    store.append(action('a'));
    store.append(action('b', { kind: 'stop', work: undefined, expectRunning: 'action:a' }));
    store.append(action('c'));
    store.settle(action('a'), 'e77');
    expect(store.actions().map((a) => [a.id, a.expectRunning])).toEqual([
      ['b', 'e77'],
      ['c', null],
    ]);
    expect(store.resolve('action:a')).toBe('e77');
    expect(store.resolve('action:zzz')).toBe('action:zzz');
    expect(store.resolve('e5')).toBe('e5');
  });

  it('a garbage file is moved aside with a timestamp and the user is told', () => {
    const problems: string[] = [];
    const store = new JournalStore(dir, (m) => problems.push(m));
    writeFileSync(store.path, '{"version":1,"actions":[{"id":');
    expect(store.actions()).toEqual([]);
    expect(problems[0]).toMatch(
      /offline action journal was damaged .*moved to .*journal\.json\.corrupt-/,
    );
    expect(readdirSync(dir).some((f) => f.startsWith('journal.json.corrupt-'))).toBe(true);
  });

  it('one damaged record does not take the others with it', () => {
    const problems: string[] = [];
    const store = new JournalStore(dir, (m) => problems.push(m));
    const good = action('good');
    writeFileSync(
      store.path,
      JSON.stringify({ version: 1, actions: [good, { ...good, id: 'bad', at: 'yesterday' }] }),
    );
    expect(store.actions().map((a) => a.id)).toEqual(['good']);
    expect(problems[0]).toMatch(/^1 damaged record\(s\) .* set aside .*1 action\(s\) kept\.$/);
    // The original is kept for the user; the journal goes on with what was readable.
    const aside = readdirSync(dir).find((f) => f.startsWith('journal.json.corrupt-'));
    expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toContain('yesterday');
    expect(store.actions().map((a) => a.id)).toEqual(['good']);
    expect(problems).toHaveLength(1);
  });

  it('refuses to record an invalid action instead of writing it', () => {
    const store = new JournalStore(dir);
    expect(() => store.append(action('x', { work: undefined }))).toThrow(/carries its work/);
    expect(existsSync(store.path)).toBe(false);
  });
});
