/**
 * The action journal with the Local account: no network, but start, stop and continue take the
 * same path as for a service (written to <data>/journal.json before they are applied, removed
 * once applied), and a damaged journal never stops the app: it is moved aside with a notice.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import type { JournalStep } from '../../main/journal/journal-store';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import {
  accountOf,
  journalOnDisk,
  journalPath,
  MIN,
  run,
  T0,
  useDataWorld,
  type Ok,
} from './journal-kit';

const w = useDataWorld('local');
const live = w.live;
/** Each journal step, and whether journal.json existed at that moment. */
let steps: { step: JournalStep; kind: string; fileExists: boolean }[];

beforeEach(() => {
  steps = [];
});

/** Local needs no network: the core opens without a fetch. */
function open(mode: 'app' | 'oneshot' = 'app'): Promise<Core> {
  return w.hold(
    openCore({
      dataDir: w.dir,
      secrets: new MemorySecretStore(),
      clock: w.clock,
      mode,
      journalHooks: {
        onStep: (step, action) =>
          steps.push({ step, kind: action.kind, fileExists: existsSync(journalPath(w.dir)) }),
      },
    }),
  );
}

const local = (r: { snapshot: Ok['snapshot'] }) => accountOf(r.snapshot, 'local');

/** What <data>/local/entries.json holds: the Local account's truth. */
function entriesOnDisk(): { description: string | null; start: string; stop: string | null }[] {
  const file = JSON.parse(readFileSync(`${w.dir}/local/entries.json`, 'utf8')) as {
    entries: { description: string | null; start: string; stop: string | null }[];
  };
  return file.entries;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('Local: start, stop and continue go through the journal', () => {
  it('each is written to journal.json first and the file is gone once applied', async () => {
    await open();
    const started = await run(live(), { type: 'start', input: { description: 'Docs' } });
    expect(started.message).toBe('Started “Docs” on Local.');
    expect(local(started)).toMatchObject({
      running: true,
      pending: [],
      entry: { description: 'Docs', pending: false },
    });
    expect(journalOnDisk(w.dir)).toBeNull();

    await w.clock.advance(25 * MIN);
    const stopped = await run(live(), { type: 'stop', input: {} });
    expect(stopped.message).toBe('Stopped “Docs” on Local.');
    expect(local(stopped)).toMatchObject({ running: false, todaySeconds: 25 * 60 });
    expect(journalOnDisk(w.dir)).toBeNull();

    await w.clock.advance(5 * MIN);
    const continued = await run(live(), { type: 'continue', input: {} });
    expect(continued.message).toBe('Continued “Docs” on Local.');
    expect(local(continued).entry).toMatchObject({ description: 'Docs', pending: false });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(entriesOnDisk()).toEqual([
      expect.objectContaining({ description: 'Docs', start: iso(T0), stop: iso(T0 + 25 * MIN) }),
      expect.objectContaining({ description: 'Docs', start: iso(T0 + 30 * MIN), stop: null }),
    ]);

    // Every action: journal written (the file exists) before it was applied, cleared after.
    const lifeOf = (kind: string) =>
      steps.filter((s) => s.kind === kind).map((s) => `${s.step}:${s.fileExists}`);
    expect(lifeOf('stop')).toEqual([
      'before-journal-write:false',
      'journal-written:true',
      'response-received:true',
      'before-journal-clear:true',
      'journal-cleared:false',
    ]);
    expect(lifeOf('start')).toEqual([...lifeOf('stop'), ...lifeOf('stop')]);
    expect(continued.snapshot.tray.tooltip).not.toContain('will sync');
  });

  it('toggle stops, then continues, through the journal', async () => {
    await open();
    await run(live(), { type: 'start', input: { description: 'Mail' } });
    await w.clock.advance(10 * MIN);
    const off = await run(live(), { type: 'toggle', input: {} });
    expect(local(off).running).toBe(false);
    await w.clock.advance(MIN);
    const on = await run(live(), { type: 'toggle', input: {} });
    expect(local(on).entry).toMatchObject({ description: 'Mail' });
    expect(journalOnDisk(w.dir)).toBeNull();
    expect(steps.filter((s) => s.step === 'journal-written')).toHaveLength(3);
  });
});

describe('Local: a damaged journal is moved aside and the app works', () => {
  it('garbage in journal.json at start-up: a notice, the file kept aside, start/stop work', async () => {
    writeFileSync(journalPath(w.dir), '{"version":1,"actions":[{"id":');
    await open();
    const snap = live().snapshot();
    const notice = snap.notices.find((n) => n.message.includes('offline action journal'));
    expect(notice).toMatchObject({ level: 'warning', topic: 'storage' });
    expect(notice?.message).toMatch(
      /^The offline action journal was damaged \(not valid JSON .*\); it was moved to .*journal\.json\.corrupt-.*\. Actions in it were not sent\.$/,
    );
    const aside = readdirSync(w.dir).filter((f) => f.startsWith('journal.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(`${w.dir}/${aside[0]}`, 'utf8')).toBe('{"version":1,"actions":[{"id":');
    expect(existsSync(journalPath(w.dir))).toBe(false);

    const started = await run(live(), { type: 'start', input: { description: 'Docs' } });
    expect(local(started)).toMatchObject({ running: true, entry: { description: 'Docs' } });
    await w.clock.advance(MIN);
    const stopped = await run(live(), { type: 'stop', input: {} });
    expect(local(stopped)).toMatchObject({ running: false, todaySeconds: 60 });
    expect(journalOnDisk(w.dir)).toBeNull();
  });

  it('garbage written while the app runs: the next start moves it aside and is applied', async () => {
    await open();
    await run(live(), { type: 'start', input: { description: 'Docs' } });
    writeFileSync(journalPath(w.dir), '\u0000\u0000\u0000 not json');
    await w.clock.advance(MIN);
    const next = await run(live(), { type: 'start', input: { description: 'Mail' } });
    expect(next.message).toBe('Started “Mail” on Local (stopped “Docs”).');
    expect(local(next).entry).toMatchObject({ description: 'Mail', pending: false });
    expect(next.snapshot.notices.map((n) => n.message).join('\n')).toMatch(
      /offline action journal was damaged/,
    );
    expect(readdirSync(w.dir).filter((f) => f.startsWith('journal.json.corrupt-'))).toHaveLength(1);
    expect(journalOnDisk(w.dir)).toBeNull();
  });

  it('one damaged record among valid ones: the rest is kept and applied at its own time', async () => {
    const asked = T0 - 10 * MIN;
    const valid = {
      id: 'a1',
      accountId: 'local',
      kind: 'start',
      at: asked,
      queuedAt: asked,
      work: {
        description: 'Before the crash',
        projectId: null,
        projectName: null,
        projectColor: null,
        taskId: null,
        taskName: null,
      },
      expectRunning: null,
      label: 'Start “Before the crash”',
      lateOk: true,
      attempts: 0,
      state: 'waiting',
      error: null,
    };
    writeFileSync(
      journalPath(w.dir),
      JSON.stringify({ version: 1, actions: [valid, { id: 'a2', kind: 'explode' }], landed: {} }),
    );
    await open('oneshot');
    const snap = live().snapshot();
    expect(snap.notices.map((n) => n.message).join('\n')).toMatch(
      /^1 damaged record\(s\) in the offline action journal were set aside \(the file was copied to .*journal\.json\.corrupt-.*\); 1 action\(s\) kept\.$/m,
    );
    expect(local({ snapshot: snap })).toMatchObject({
      running: true,
      pending: [],
      entry: { description: 'Before the crash', pending: false },
    });
    expect(entriesOnDisk()).toEqual([
      expect.objectContaining({ description: 'Before the crash', start: iso(asked), stop: null }),
    ]);
    expect(journalOnDisk(w.dir)).toBeNull();
  });
});
