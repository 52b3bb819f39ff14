/**
 * The presence service inside the real core (Local provider, real files, virtual clock): the
 * away prompt after a lock, each answer's effect on the entry, pomodoro and reminder
 * notifications, and the shutdown question at the next launch.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandResult, DesktopNotification, Snapshot } from '../../preload/contract';
import { VirtualClock } from '../../test/support/virtual-clock';
import { MemorySecretStore } from '../secrets/memory-secret-store';
import type { Core, PresenceSource } from './core';
import { openCore } from './open-core';

process.env.TZ = 'Europe/Berlin';

const T0 = new Date(2026, 10, 27, 9, 0, 0).getTime(); // a Friday, 09:00 local
const MIN = 60_000;
let dir: string;
let clock: VirtualClock;
let idle = 0;
let notes: DesktopNotification[];
const cores: Core[] = [];
const source: PresenceSource = { idleSeconds: () => idle, session: 'x11' };

async function open(on: VirtualClock = clock): Promise<Core> {
  const core = await openCore({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    clock: on,
    mode: 'app',
    presence: source,
    notify: (n) => notes.push(n),
  });
  cores.push(core);
  return core;
}

async function run(core: Core, command: Command): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await core.execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result;
}

function local(s: Snapshot) {
  const a = s.accounts.find((x) => x.id === 'local');
  if (!a) throw new Error('no Local account');
  return a;
}

function promptId(core: Core): string {
  const away = core.snapshot().presence.away;
  if (!away) throw new Error('no away prompt');
  return away.id;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tt-presence-'));
  clock = new VirtualClock(T0);
  idle = 0;
  notes = [];
});
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Works until 10:42, locks the screen, comes back at 11:57. */
async function lunchLock(core: Core): Promise<void> {
  await run(core, { type: 'start', input: { description: 'Docs' } });
  await clock.advance(102 * MIN); // 10:42
  core.power('lock-screen');
  await clock.advance(75 * MIN); // 11:57
  core.power('unlock-screen');
}

describe('the away prompt', () => {
  it('asks after a lunch lock, with the exact span, and notifies', async () => {
    const core = await open();
    await lunchLock(core);
    const away = core.snapshot().presence.away;
    expect(away?.message).toBe('You were away 10:42–11:57 (1 h 15 min)');
    expect(away?.accounts).toEqual([
      expect.objectContaining({
        accountId: 'local',
        entryLabel: '“Docs”',
        choices: ['keep', 'discard', 'discard-continue', 'split'],
        note: null,
      }),
    ]);
    expect(notes.at(-1)).toEqual({
      id: 'away',
      title: 'You were away 10:42–11:57 (1 h 15 min)',
      body: '“Docs” kept running. Open Tray Timer to keep or discard that time.',
    });
    expect(core.snapshot().tray.tooltip).toContain('You were away 10:42–11:57');
  });

  it('a 2-minute lock asks nothing', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Docs' } });
    core.power('lock-screen');
    await clock.advance(2 * MIN);
    core.power('unlock-screen');
    expect(core.snapshot().presence.away).toBeNull();
    expect(notes).toEqual([]);
  });

  it('discard stops the entry at 10:42', async () => {
    const core = await open();
    await lunchLock(core);
    const id = promptId(core);
    const r = await run(core, { type: 'away.resolve', input: { promptId: id, choice: 'discard' } });
    expect(r.message).toBe('Discarded 10:42–11:57: “Docs” stopped at 10:42 on Local.');
    const s = core.snapshot();
    expect(s.presence.away).toBeNull();
    expect(local(s).entry).toBeNull();
    expect(local(s).recent[0]).toMatchObject({ description: 'Docs', elapsedSeconds: 102 * 60 });
  });

  it('split adds the away entry and continues the work from 11:57', async () => {
    const core = await open();
    await lunchLock(core);
    await clock.advance(3 * MIN); // answered at 12:00
    const id = promptId(core);
    const bad = await core.execute({
      type: 'away.resolve',
      input: { promptId: id, choice: 'split' },
    });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'validation', field: 'description' } });
    await run(core, {
      type: 'away.resolve',
      input: { promptId: id, choice: 'split', description: 'Lunch' },
    });
    const s = local(core.snapshot());
    expect(s.entry).toMatchObject({ description: 'Docs', elapsedSeconds: 3 * 60 });
    expect(s.recent.map((e) => [e.description, e.elapsedSeconds])).toEqual([
      ['Lunch', 75 * 60],
      ['Docs', 102 * 60],
    ]);
    const again = await core.execute({
      type: 'away.resolve',
      input: { promptId: id, choice: 'keep' },
    });
    expect(again).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});

describe('the wall clock set while a timer runs', () => {
  /** Works an hour, the clock is set two hours forward, works ten more minutes. */
  async function clockSetForward(withUptime: boolean): Promise<Core> {
    const uptimeAtT0 = 5 * 3600;
    const core = await openCore({
      dataDir: dir,
      secrets: new MemorySecretStore(),
      clock,
      mode: 'app',
      presence: withUptime
        ? { ...source, uptimeSeconds: () => uptimeAtT0 + clock.elapsedMs(T0) / 1000 }
        : source,
      notify: (n) => notes.push(n),
    });
    cores.push(core);
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(60 * MIN);
    clock.setWallClock(120 * MIN);
    await clock.advance(10 * MIN);
    return core;
  }

  it('set forward two hours: with the uptime nothing is asked, and the entry runs on', async () => {
    const core = await clockSetForward(true);
    expect(core.snapshot().presence.away).toBeNull();
    expect(notes).toEqual([]);
    expect(local(core.snapshot()).running).toBe(true);
  });

  it('without an uptime (a platform that cannot tell), the same jump is asked about as a sleep', async () => {
    const core = await clockSetForward(false);
    expect(core.snapshot().presence.away?.message).toMatch(
      /^You were away 09:59–12:00 \(2 h 1 min\)$/,
    );
  });
});

describe('shutdown and the next launch', () => {
  it('a run that ended without quitting (shutdown, crash) is asked about at the next launch', async () => {
    const first = await open();
    await run(first, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(30 * MIN);
    first.power('shutdown');
    // The process just ends (not closed): its clock stops with it. The next morning:
    const morning = new VirtualClock(clock.now() + 24 * 60 * MIN);
    const second = await open(morning);
    expect(second.snapshot().presence.away?.message).toMatch(
      /^You were away Fri 09:30 – Sat 09:30/,
    );
    const saved = JSON.parse(readFileSync(join(dir, 'presence.json'), 'utf8')) as {
      endedBy: string;
    };
    expect(saved.endedBy).toBe('shutdown');
  });

  it('quitting Tray Timer on purpose asks nothing next time', async () => {
    const first = await open();
    await run(first, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(30 * MIN);
    await first.close();
    cores.splice(0);
    await clock.advance(60 * MIN);
    const second = await open();
    expect(second.snapshot().presence.away).toBeNull();
  });
});

describe('pomodoro and reminders', () => {
  it('notifies at each boundary and shows the time left in the tooltip', async () => {
    const core = await open();
    await run(core, {
      type: 'settings.update',
      input: { pomodoro: { enabled: true, stopDuringBreaks: true } },
    });
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(13 * MIN);
    expect(core.snapshot().tray.tooltip).toContain('🍅 Focus · 12 min left');
    await clock.advance(12 * MIN);
    expect(notes.at(-1)).toMatchObject({ id: 'pomodoro', title: 'Break: 5 min' });
    await clock.advance(1000);
    expect(local(core.snapshot()).entry).toBeNull(); // stopped for the break
    expect(core.snapshot().presence.pomodoro).toMatchObject({ phase: 'short-break' });
    await clock.advance(5 * MIN);
    expect(notes.at(-1)).toMatchObject({ id: 'pomodoro', title: 'Break over' });
  });

  it('reminds after N minutes without a timer, within the hours', async () => {
    const core = await open();
    await run(core, {
      type: 'settings.update',
      input: { reminders: { enabled: true, afterMinutes: 10 } },
    });
    await clock.advance(9 * MIN);
    expect(notes).toEqual([]);
    await clock.advance(2 * MIN);
    expect(notes.map((n) => n.title)).toEqual(["You're not tracking"]);
  });
});

describe('what the service does not do', () => {
  it('hours without a timer, then a start and a short lock: no bogus "sleep" from the silence', async () => {
    const core = await open();
    await clock.advance(3 * 60 * MIN); // nothing samples while nothing runs
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(10 * MIN);
    core.power('lock-screen');
    await clock.advance(MIN);
    core.power('unlock-screen');
    expect(core.snapshot().presence.away).toBeNull();
  });

  it('asks nothing when no timer ran through the time away', async () => {
    const core = await open();
    core.power('lock-screen');
    await clock.advance(60 * MIN);
    core.power('unlock-screen');
    expect(core.snapshot().presence.away).toBeNull();
    expect(notes).toEqual([]);
  });

  it('with notifications off, the prompt is in the popup but no notification is shown', async () => {
    const core = await open();
    await run(core, { type: 'settings.update', input: { notifications: false } });
    await lunchLock(core);
    expect(core.snapshot().presence.away).not.toBeNull();
    expect(notes).toEqual([]);
  });

  it('with idle detection off, nothing is asked', async () => {
    const core = await open();
    await run(core, { type: 'settings.update', input: { idle: { enabled: false } } });
    await lunchLock(core);
    expect(core.snapshot().presence.away).toBeNull();
    expect(core.snapshot().presence.idle).toEqual({ source: 'off', note: null });
  });
});

describe('the idle source in Preferences', () => {
  it('a Wayland session is told that time away comes from lock and sleep only', async () => {
    const wayland: PresenceSource = { idleSeconds: () => 0, session: 'wayland' };
    const core = await openCore({
      dataDir: dir,
      secrets: new MemorySecretStore(),
      clock,
      mode: 'app',
      presence: wayland,
    });
    cores.push(core);
    expect(core.snapshot().presence.idle).toEqual({
      source: 'lock-only',
      note: 'This Wayland session does not report idle time, so time away is counted from screen lock and sleep only.',
    });
    // The lock still counts.
    await lunchLock(core);
    expect(core.snapshot().presence.away?.message).toBe('You were away 10:42–11:57 (1 h 15 min)');
  });

  it('a desktop that reports neither idle time nor screen locks is told time away comes from sleep only', async () => {
    const blind: PresenceSource = { idleSeconds: () => 0, session: 'wayland', locksKnown: false };
    const core = await openCore({
      dataDir: dir,
      secrets: new MemorySecretStore(),
      clock,
      mode: 'app',
      presence: blind,
    });
    cores.push(core);
    expect(core.snapshot().presence.idle.note).toBe(
      'This Wayland session does not report idle time, and screen locks are not reported here either, so time away is counted from sleep (and the app not running) only.',
    );
  });

  it('an X11 idle time that stays 0 for ten minutes of a running timer is not trusted', async () => {
    const core = await open();
    expect(core.snapshot().presence.idle.source).toBe('system');
    await run(core, { type: 'start', input: { description: 'Docs' } });
    // Samples come just after each minute of the entry: 11 of them take a little over 11 min.
    await clock.advance(12 * MIN);
    expect(core.snapshot().presence.idle).toMatchObject({ source: 'lock-only' });
    idle = 3;
    await clock.advance(MIN);
    expect(core.snapshot().presence.idle).toEqual({ source: 'system', note: null });
  });

  it('the user idle for 20 minutes at an unlocked screen is asked about it when they type again', async () => {
    const core = await open();
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(30 * MIN); // 09:30, typing all along (idle 0… but trusted: see below)
    idle = 1;
    await clock.advance(MIN);
    // Leaves at 09:31 and comes back at 09:51.
    for (let m = 1; m <= 20; m++) {
      idle = m * 60;
      await clock.advance(MIN);
    }
    idle = 4;
    await clock.advance(MIN);
    expect(core.snapshot().presence.away?.message).toMatch(
      /^You were away 09:3\d–09:5\d \((19|20|21) min\)$/,
    );
  });
});
