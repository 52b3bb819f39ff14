import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandResult, Snapshot } from '../../preload/contract';
import { VirtualClock } from '../../test/support/virtual-clock';
import { MemorySecretStore } from '../secrets/memory-secret-store';
import type { Core } from './core';
import { openCore } from './open-core';

// Berlin has DST and a non-zero offset: catches UTC-vs-local mistakes in "today".
process.env.TZ = 'Europe/Berlin';

const T0 = Date.parse('2026-11-27T09:00:00+01:00');
let dir: string;
let clock: VirtualClock;
const cores: Core[] = [];

async function open(mode: 'app' | 'oneshot' = 'app'): Promise<Core> {
  const core = await openCore({ dataDir: dir, secrets: new MemorySecretStore(), clock, mode });
  cores.push(core);
  return core;
}

async function run(core: Core, command: Command): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await core.execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result;
}

const local = (s: Snapshot) => {
  const a = s.accounts.find((x) => x.id === 'local');
  if (!a) throw new Error('no local account');
  return a;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-core-'));
  clock = new VirtualClock(T0);
});

afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('first launch', () => {
  it('has the Local account as default, idle, with a settings file and nothing else', async () => {
    const core = await open();
    const s = core.snapshot();
    expect(s.accounts.map((a) => [a.id, a.provider, a.label, a.isDefault])).toEqual([
      ['local', 'local', 'Local', true],
    ]);
    expect(s.tray).toEqual({ state: 'idle', tooltip: 'Not tracking · today 0:00', title: '' });
    expect(s.notices).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({
      schemaVersion: 2,
      defaultAccountId: 'local',
      accounts: [],
    });
  });
});

describe('start, stop, continue, toggle on Local', () => {
  it('starts with a description and a new project and shows it in the tooltip', async () => {
    const core = await open();
    const r = await run(core, {
      type: 'start',
      input: { description: 'Writing docs', project: 'Website' },
    });
    expect(r.message).toBe('Started “Writing docs — Website” on Local.');
    const a = local(r.snapshot);
    expect(a.running).toBe(true);
    expect(a.entry).toMatchObject({
      description: 'Writing docs',
      projectName: 'Website',
      startedAt: '2026-11-27T09:00:00.000+01:00',
    });
    expect(a.projects.map((p) => p.name)).toEqual(['Website']);
    expect(r.snapshot.tray).toEqual({
      state: 'running',
      tooltip: '▶ 0:00 Writing docs — Website (Local)',
      title: '0:00',
    });

    await clock.advance(83 * 60_000 + 5_000);
    const s = core.snapshot();
    expect(s.tray.tooltip).toBe('▶ 1:23 Writing docs — Website (Local)');
    expect(local(s).entry?.elapsedSeconds).toBe(83 * 60 + 5);
  });

  it('matches an existing project by name case-insensitively and by id', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'a', project: 'Website' } });
    const id = local(core.snapshot()).projects[0]?.id ?? '';
    await run(core, { type: 'start', input: { description: 'b', project: 'website' } });
    await run(core, { type: 'start', input: { description: 'c', project: id } });
    expect(local(core.snapshot()).projects).toHaveLength(1);
    expect(local(core.snapshot()).entry?.projectName).toBe('Website');
  });

  it('stops, lists the entry as recent and counts it today', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Review' } });
    await clock.advance(30 * 60_000);
    const r = await run(core, { type: 'stop', input: {} });
    expect(r.message).toBe('Stopped “Review” on Local.');
    const a = local(r.snapshot);
    expect(a.running).toBe(false);
    expect(a.recent).toHaveLength(1);
    expect(a.recent[0]).toMatchObject({
      description: 'Review',
      elapsedSeconds: 1800,
      stoppedAt: '2026-11-27T09:30:00.000+01:00',
    });
    expect(r.snapshot.todaySeconds).toBe(1800);
    expect(r.snapshot.tray.tooltip).toBe('Not tracking · today 0:30');
  });

  it('stop with nothing running says so and succeeds', async () => {
    const core = await open();
    const r = await run(core, { type: 'stop', input: {} });
    expect(r.message).toBe('Nothing was running on Local.');
  });

  it('starting while running stops the previous entry at the new start', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'First' } });
    await clock.advance(10 * 60_000);
    const r = await run(core, { type: 'start', input: { description: 'Second' } });
    expect(r.message).toBe('Started “Second” on Local (stopped “First”).');
    const a = local(r.snapshot);
    expect(a.entry?.description).toBe('Second');
    expect(a.recent[0]).toMatchObject({ description: 'First', elapsedSeconds: 600 });
  });

  it('continues the most recent entry or a chosen one with the same description and project', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Old', project: 'P1' } });
    await clock.advance(60_000);
    await run(core, { type: 'start', input: { description: 'New', project: 'P2' } });
    await clock.advance(60_000);
    await run(core, { type: 'stop', input: {} });
    await clock.advance(60_000);

    let r = await run(core, { type: 'continue', input: {} });
    expect(local(r.snapshot).entry).toMatchObject({
      description: 'New',
      projectName: 'P2',
      startedAt: '2026-11-27T09:03:00.000+01:00',
    });

    const old = local(r.snapshot).recent.find((e) => e.description === 'Old');
    r = await run(core, { type: 'continue', input: { entryId: old?.id ?? '' } });
    expect(local(r.snapshot).entry).toMatchObject({ description: 'Old', projectName: 'P1' });
    // recent rows are distinct by description + project
    expect(local(r.snapshot).recent.map((e) => e.description)).toEqual(['New', 'Old']);
  });

  it('continue with an unknown entry or no history is a clear error', async () => {
    const core = await open();
    const none = await core.execute({ type: 'continue', input: {} });
    expect(none).toMatchObject({
      ok: false,
      error: { kind: 'not-found', message: 'There is no recent entry to continue on Local.' },
    });
    const unknown = await core.execute({ type: 'continue', input: { entryId: 'nope' } });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('toggle starts a blank entry, stops it, then continues it', async () => {
    const core = await open();
    let r = await run(core, { type: 'toggle', input: {} });
    expect(local(r.snapshot).running).toBe(true);
    expect(r.snapshot.tray.tooltip).toBe('▶ 0:00 (no description) (Local)');
    await clock.advance(5 * 60_000);
    r = await run(core, { type: 'toggle', input: {} });
    expect(local(r.snapshot).running).toBe(false);
    await clock.advance(60_000);
    r = await run(core, { type: 'toggle', input: {} });
    expect(r.message).toBe('Continued “(no description)” on Local.');
    expect(local(r.snapshot).entry?.startedAt).toBe('2026-11-27T09:06:00.000+01:00');
  });
});

describe('persistence', () => {
  it('a timer started before quitting still runs after restart with its original start', async () => {
    const first = await open();
    await run(first, { type: 'start', input: { description: 'Survives', project: 'Ops' } });
    await first.close();
    await clock.advance(2 * 3600_000);

    const second = await open();
    const a = local(second.snapshot());
    expect(a.entry).toMatchObject({
      description: 'Survives',
      projectName: 'Ops',
      startedAt: '2026-11-27T09:00:00.000+01:00',
      elapsedSeconds: 7200,
    });
    expect(second.snapshot().tray.tooltip).toBe('▶ 2:00 Survives — Ops (Local)');
  });

  it('settings survive a restart', async () => {
    const first = await open();
    await run(first, {
      type: 'settings.update',
      input: { hotkeys: { toggleTimer: 'Control+Alt+K' }, theme: 'dark' },
    });
    await first.close();
    const second = await open();
    expect(second.settings().hotkeys.toggleTimer).toBe('Control+Alt+K');
    expect(second.settings().theme).toBe('dark');
  });
});

describe("today's total", () => {
  it('counts only the part of an entry after local midnight', async () => {
    clock = new VirtualClock(Date.parse('2026-11-26T23:00:00+01:00'));
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Night shift' } });
    await clock.advance(2.5 * 3600_000); // 01:30 on the 27th
    expect(core.snapshot().todaySeconds).toBe(1.5 * 3600);
    await run(core, { type: 'stop', input: {} });
    expect(core.snapshot().tray.tooltip).toBe('Not tracking · today 1:30');
    expect(local(core.snapshot()).recent[0]?.elapsedSeconds).toBe(2.5 * 3600);
  });

  it('resets at midnight while idle (the scheduler wakes once for it)', async () => {
    clock = new VirtualClock(Date.parse('2026-11-27T22:00:00+01:00'));
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Late' } });
    await clock.advance(3600_000);
    await run(core, { type: 'stop', input: {} });
    const seen: string[] = [];
    core.subscribe((s) => seen.push(s.tray.tooltip));
    await clock.advance(1.5 * 3600_000);
    expect(seen).toEqual(['Not tracking · today 0:00']);
  });
});

describe('damaged files', () => {
  it('a corrupt entries file is moved aside with a notice, never a crash', async () => {
    mkdirSync(join(dir, 'local'), { recursive: true });
    writeFileSync(join(dir, 'local', 'entries.json'), '{"version":1,"entries":[{"id":"a"');
    const core = await open();
    const s = core.snapshot();
    expect(local(s).running).toBe(false);
    const notice = s.notices.find((n) => n.id.startsWith('storage:local:'));
    expect(notice?.message).toMatch(
      /^Local entries file was damaged \(not valid JSON .*\)\. Nothing in it could be read; Local starts empty\. The original was moved to .*entries\.json\.corrupt-/,
    );
    const aside = readdirSync(join(dir, 'local')).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, 'local', aside[0] ?? ''), 'utf8')).toBe(
      '{"version":1,"entries":[{"id":"a"',
    );
    // and the app still works
    await run(core, { type: 'start', input: { description: 'after' } });
  });

  it('keeps every valid entry of a partly damaged file', async () => {
    mkdirSync(join(dir, 'local'), { recursive: true });
    const good = (id: string, start: string, stop: string | null) => ({
      id,
      description: id,
      projectId: null,
      start,
      stop,
    });
    writeFileSync(
      join(dir, 'local', 'entries.json'),
      JSON.stringify({
        version: 1,
        projects: [],
        entries: [
          good('kept-1', '2026-11-27T07:00:00Z', '2026-11-27T07:30:00Z'),
          { id: 'broken', start: 'yesterday-ish' },
          good('kept-2', '2026-11-27T07:40:00Z', null),
        ],
      }),
    );
    const core = await open();
    const a = local(core.snapshot());
    expect(a.entry?.description).toBe('kept-2');
    expect(a.recent.map((e) => e.description)).toEqual(['kept-1']);
    expect(core.snapshot().notices[0]?.message).toContain(
      '2 entries were kept; 1 damaged record was left out.',
    );
  });

  it('a corrupt settings file is moved aside and defaults are used', async () => {
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    const core = await open();
    expect(core.settings().defaultAccountId).toBe('local');
    const notice = core.snapshot().notices.find((n) => n.id === 'storage:settings');
    expect(notice?.message).toMatch(
      /^Settings file was damaged \(not valid JSON.*moved to .*settings\.json\.corrupt-/,
    );
    expect(readdirSync(dir).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
  });

  it('settings with wrong values are moved aside with the field named', async () => {
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ schemaVersion: 1, hotkeys: { toggleTimer: 'Banana', togglePopup: '' } }),
    );
    const core = await open();
    expect(core.snapshot().notices[0]?.message).toContain(
      'hotkeys.toggleTimer: shortcut must be modifiers plus one key',
    );
    expect(core.settings().hotkeys.toggleTimer).toBe('CommandOrControl+Shift+Alt+T');
  });
});

describe('validation and errors are values', () => {
  it('rejects malformed commands with a specific message', async () => {
    const core = await open();
    const bad = await core.execute({ type: 'start', input: { description: 'x'.repeat(3001) } });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        field: 'description',
        message: 'description is longer than 3000 characters',
      },
    });
    const extra = await core.execute({
      type: 'stop',
      input: { accountId: 'local', force: true },
    } as unknown as Command);
    expect(extra).toMatchObject({ ok: false, error: { kind: 'validation' } });
    const unknown = await core.execute({ type: 'explode' } as unknown as Command);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(local(core.snapshot()).running).toBe(false);
  });

  it('names the missing account and the unsupported task field', async () => {
    const core = await open();
    expect(await core.execute({ type: 'start', input: { accountId: 'work' } })).toMatchObject({
      ok: false,
      error: {
        kind: 'not-found',
        field: 'accountId',
        message: 'No account with id “work”. See `tray-timer accounts list`.',
      },
    });
    expect(
      await core.execute({ type: 'start', input: { description: 'x', task: 'Design' } }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation', field: 'task', message: 'Local entries have no tasks.' },
    });
  });

  it('Local refuses tags and a billable flag, naming the field, and starts nothing', async () => {
    const core = await open();
    expect(
      await core.execute({ type: 'start', input: { description: 'x', tags: ['a'] } }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation', field: 'tags', message: 'Local entries have no tags.' },
    });
    expect(
      await core.execute({ type: 'start', input: { description: 'x', billable: true } }),
    ).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        field: 'billable',
        message: 'Local entries have no billable flag.',
      },
    });
    const snapshot = core.snapshot();
    expect(local(snapshot).running).toBe(false);
    expect(local(snapshot).capabilities).toMatchObject({ tags: false, billable: false });
    // Blank tags mean none: they are not a reason to refuse.
    const started = await run(core, { type: 'start', input: { description: 'x', tags: [' '] } });
    expect(local(started.snapshot).entry).toMatchObject({
      description: 'x',
      tags: [],
      billable: null,
    });
  });

  it('rejects an invalid hotkey and keeps the old one', async () => {
    const core = await open();
    const r = await core.execute({
      type: 'settings.update',
      input: { hotkeys: { togglePopup: 'Ctrl+' } },
    });
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'validation', field: 'hotkeys.togglePopup' },
    });
    expect(core.settings().hotkeys.togglePopup).toBe('CommandOrControl+Shift+Alt+Space');
  });

  it('the Local account can be neither added nor removed; a WebWork account without an e-mail is refused before any request', async () => {
    const core = await open();
    expect(
      await core.execute({ type: 'accounts.remove', input: { accountId: 'local' } }),
    ).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(
      await core.execute({ type: 'accounts.add', input: { provider: 'local', options: {} } }),
    ).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(
      await core.execute({
        type: 'accounts.add',
        input: { provider: 'webwork', secret: 's3cr3t', options: {} },
      }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation', field: 'options.email' },
    });
  });
});

describe('snapshots and wake-ups', () => {
  it('pushes snapshots with increasing versions', async () => {
    const core = await open();
    const versions: number[] = [];
    core.subscribe((s) => versions.push(s.version));
    await run(core, { type: 'start', input: { description: 'x' } });
    await run(core, { type: 'stop', input: {} });
    expect(versions).toHaveLength(2);
    expect(versions[1]).toBeGreaterThan(versions[0] ?? Infinity);
  });

  it('ticks the tooltip once a minute while running, on the minute of elapsed time', async () => {
    clock = new VirtualClock(T0 + 20_000); // start 20 s past the wall-clock minute
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Tick' } });
    const tooltips: string[] = [];
    core.subscribe((s) => tooltips.push(s.tray.tooltip));
    const before = clock.fired;
    await clock.advance(3600_000 + 1000); // ticks land 50 ms after each minute boundary
    expect(clock.fired - before).toBe(60);
    expect(tooltips.slice(0, 2)).toEqual(['▶ 0:01 Tick (Local)', '▶ 0:02 Tick (Local)']);
    expect(tooltips.at(-1)).toBe('▶ 1:00 Tick (Local)');
  });

  it('does not wake while the machine sleeps, and catches up on resume', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Sleepy' } });
    core.power('suspend');
    const before = clock.fired;
    await clock.advance(8 * 3600_000);
    expect(clock.fired - before).toBe(0);
    const seen: string[] = [];
    core.subscribe((s) => seen.push(s.tray.tooltip));
    core.power('resume');
    // Awake again with the timer still running: the night is time away, asked about.
    expect(seen.at(-1)).toBe(
      '▶ 8:00 Sleepy (Local)\n⚠ You were away 09:00–17:00 (8 h) — open Tray Timer to decide',
    );
  });

  it('sets no timer at all in oneshot mode (the CLI)', async () => {
    const core = await open('oneshot');
    await run(core, { type: 'start', input: { description: 'cli' } });
    expect(clock.pendingCount).toBe(0);
  });
});

it('writes nothing but settings, local entries and the last-alive time into the data folder', async () => {
  const core = await open();
  await run(core, { type: 'start', input: { description: 'x', project: 'p' } });
  expect(existsSync(join(dir, 'settings.json'))).toBe(true);
  expect(readdirSync(dir).sort()).toEqual(['local', 'settings.json']);
  // The last-alive time follows on the first minute tick of a running timer (not on the start).
  await clock.advance(61_000);
  expect(readdirSync(dir).sort()).toEqual(['local', 'presence.json', 'settings.json']);
});
