/**
 * A night asleep through the real core (Local, app mode, real files): the detector as the core
 * feeds it — idle sampled on the tooltip's minute tick, which the scheduler stops while the
 * screen is locked or the machine sleeps, a sample at each lock/suspend/resume/unlock — with a
 * clock that can sleep: its timers stand still through a sleep, as Node's do, so nothing runs
 * between 18:30 and 08:00. The prompt must say the night, never "4 minutes".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, Command } from '../../preload/contract';
import type { Clock, TimerHandle } from '../../main/core/clock';
import type { Core, PresenceSource } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { local, MIN, SEC } from '../support/presence-timeline';

process.env.TZ = 'Europe/Berlin';

/** A clock like VirtualClock whose machine can also sleep. */
class SleepyClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #pending = new Set<{ at: number; seq: number; fn: () => void }>();

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const item = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.add(item);
    return { cancel: () => void this.#pending.delete(item) };
  }

  /** Time passes with the machine awake: due timers fire in order. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      let next: { at: number; seq: number; fn: () => void } | undefined;
      for (const p of this.#pending)
        if (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq)) next = p;
      if (!next || next.at > end) break;
      this.#pending.delete(next);
      this.#now = next.at;
      next.fn();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = end;
  }

  /** The machine sleeps: the wall clock moves on, timers (monotonic) do not come closer. */
  sleep(ms: number): void {
    this.#now += ms;
    for (const p of this.#pending) p.at += ms;
  }
}

const thu = (h: number, m: number) => local(2026, 11, 26, h, m);

let dir: string;
let clock: SleepyClock;
const cores: Core[] = [];
/** The desktop's idle counter: the last input, and whether it stands still in sleep (X11). */
let lastInput = 0;
let slept = 0;
let counterSkipsSleep = false;
let session: PresenceSource['session'] = 'x11';

const source: PresenceSource = {
  get session() {
    return session;
  },
  idleSeconds: () =>
    session === 'wayland'
      ? 0
      : Math.floor((clock.now() - lastInput - (counterSkipsSleep ? slept : 0)) / SEC),
};

/** The user touches the keyboard now. */
function input(): void {
  lastInput = clock.now();
  slept = 0;
}

function sleep(until: number): void {
  slept += until - clock.now();
  clock.sleep(until - clock.now());
}

async function run(core: Core, command: Command): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await core.execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result;
}

/** Starts "Docs" at 17:00 and types until 18:00 (an input each minute), then leaves. */
async function workUntilSix(): Promise<Core> {
  const core = await openCore({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    clock,
    mode: 'app',
    presence: source,
  });
  cores.push(core);
  await run(core, { type: 'start', input: { description: 'Docs' } });
  for (let i = 0; i < 60; i++) {
    await clock.advance(MIN);
    input();
  }
  return core;
}

const away = (core: Core) => core.snapshot().presence.away?.message ?? null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tt-night-'));
  clock = new SleepyClock(thu(17, 0));
  lastInput = clock.now();
  slept = 0;
  counterSkipsSleep = false;
  session = 'x11';
});
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a night asleep through the core', () => {
  it('auto-lock 18:10, suspend 18:30, resume to the lock screen at 08:00, unlock 08:02: the night', async () => {
    const core = await workUntilSix();
    await clock.advance(10 * MIN);
    core.power('lock-screen');
    await clock.advance(20 * MIN);
    core.power('suspend');
    sleep(local(2026, 11, 27, 8, 0));
    core.power('resume');
    await clock.advance(2 * MIN);
    expect(away(core)).toBeNull(); // the lock screen is not the user
    input();
    core.power('unlock-screen');
    expect(away(core)).toBe('You were away Thu 18:00 – Fri 08:02 (14 h 2 min)');
  });

  it('suspend and resume events both missed, no lock: the night, ended by the first input', async () => {
    const core = await workUntilSix();
    await clock.advance(30 * MIN); // idle from 18:00: away since 18:00 after 5 minutes
    sleep(local(2026, 11, 27, 8, 0));
    await clock.advance(20 * SEC);
    input();
    await clock.advance(2 * MIN);
    expect(away(core)).toBe('You were away Thu 18:00 – Fri 08:00 (14 h)');
  });

  it('an X11 counter that stands still in sleep, a dark wake at 02:00 with the events missed: still the night', async () => {
    counterSkipsSleep = true;
    const core = await workUntilSix();
    await clock.advance(30 * MIN);
    sleep(local(2026, 11, 27, 2, 0));
    await clock.advance(2 * MIN); // the machine does its maintenance; nobody types
    expect(away(core)).toBeNull();
    sleep(local(2026, 11, 27, 8, 0));
    await clock.advance(10 * SEC);
    input();
    await clock.advance(2 * MIN);
    expect(away(core)).toBe('You were away Thu 18:00 – Fri 08:00 (14 h)');
  });

  it('Wayland (idle reads 0): suspend at 18:30 and resume at 08:00: from the suspend to the wake, asked at the wake', async () => {
    session = 'wayland';
    const core = await workUntilSix();
    await clock.advance(30 * MIN); // gone at 18:00, but nothing can tell
    expect(away(core)).toBeNull();
    core.power('suspend');
    sleep(local(2026, 11, 27, 8, 0));
    core.power('resume');
    // Nothing but the wake can tell the user is back: asked at once.
    expect(away(core)).toBe('You were away Thu 18:30 – Fri 08:00 (13 h 30 min)');
    expect(core.snapshot().presence.idle.source).toBe('lock-only');
  });

  it('a 2-minute lock after 4 minutes of reading asks nothing (the lock key was the last input)', async () => {
    const core = await workUntilSix();
    await clock.advance(4 * MIN + 30 * SEC);
    input(); // Super+L
    core.power('lock-screen');
    await clock.advance(2 * MIN);
    input();
    core.power('unlock-screen');
    await clock.advance(5 * MIN);
    expect(away(core)).toBeNull();
  });
});
