/**
 * Crash points (issue 6): the app is killed with SIGKILL — no graceful exit — at each step of a
 * start's or a stop's life, then started again; each time the service ends in the state the user
 * asked for, exactly once, at the asked time where the service takes one.
 *
 * A child process opens the real core (oneshot, as the CLI does) on a data folder, with the
 * account connected to a fake service through a proxy, runs one command and dies:
 *  - at a journal step (JournalHooks.onStep: it SIGKILLs itself there), or
 *  - "request left": the proxy forwards the request (the service applies it) and, when the
 *    service's answer comes back, the test SIGKILLs the child before forwarding it.
 * Then the core is opened again on the same folder (oneshot: it replays waiting actions before
 * it answers) and the test reads the FAKE's state: the service's truth, not the app's belief.
 *
 * Killed before the journal write, nothing was recorded and the user saw no confirmation, so
 * nothing may be sent after the restart: the user must ask again (and that works, once).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountState, ProviderKind, Snapshot } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { JOURNAL_FILE } from '../../main/journal/journal-store';
import { bundleCrashChild, type ChildBundle } from './crash-bundle';
import { CRASH_STEPS, type CrashJob } from './crash-job';
import {
  ASK_AT,
  ASKED_DESCRIPTION,
  createWorld,
  EARLIER_START,
  RESTART_AT,
  startChild,
  type ActionKind,
  type CrashWorld,
  type RunningChild,
} from './crash-world';

type CrashPoint = (typeof CRASH_STEPS)[number] | 'request-left';

/**
 * In the order an action lives through them; Local sends no request. ('journal-cleared', after
 * the last step, is left out: the journal is already empty, so a restart has nothing to do.)
 */
function pointsFor(provider: ProviderKind): CrashPoint[] {
  const [beforeWrite, written, response, beforeClear] = CRASH_STEPS;
  return provider === 'local'
    ? [beforeWrite, written, response, beforeClear]
    : [beforeWrite, written, 'request-left', response, beforeClear];
}

const PROVIDERS: readonly ProviderKind[] = ['local', 'toggl', 'trackingtime', 'webwork'];
const KINDS: readonly ActionKind[] = ['start', 'stop'];

let bundle: ChildBundle;
beforeAll(async () => {
  bundle = await bundleCrashChild();
}, 60_000);
afterAll(() => bundle.remove());

const account = (s: Snapshot, id: string): AccountState => {
  const a = s.accounts.find((x) => x.id === id);
  if (!a) throw new Error(`no account ${id}`);
  return a;
};

/**
 * Runs a child on `command` at `at` and kills it at `point`; returns the journal steps it
 * reported. Asserts it died by SIGKILL without answering.
 */
async function killChild(
  world: CrashWorld,
  kind: ActionKind,
  point: CrashPoint,
  { at, command }: { at: number; command: CrashJob['command'] },
): Promise<string[]> {
  const job: CrashJob = {
    dataDir: world.dataDir,
    accountId: world.accountId,
    secret: world.secret,
    at,
    command,
    crashAt: point === 'request-left' ? null : point,
  };
  let child: RunningChild | null = null;
  const lostBefore = world.proxy?.lost.length ?? 0;
  if (point === 'request-left') {
    if (!world.proxy) throw new Error('request-left needs a remote service');
    world.proxy.loseNextAnswer(world.actionRequest(kind), async () => child?.kill());
  }
  child = startChild(bundle.path, job);
  const run = await child.done;
  // Killed, not exited: and it never got to tell the user anything.
  expect({ signal: run.signal, stderr: run.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
  expect(run.result).toBeNull();
  if (point === 'request-left') expect(world.proxy?.lost).toHaveLength(lostBefore + 1);
  else expect(run.lines.at(-1)).toBe(`CRASH ${point}`);
  return run.lines;
}

/** The user asks at ASK_AT; the child dies at `point`. */
async function crashAt(world: CrashWorld, kind: ActionKind, point: CrashPoint) {
  const lines = await killChild(world, kind, point, { at: ASK_AT, command: world.command(kind) });
  if (point === 'request-left')
    expect(lines).toEqual(['STEP before-journal-write', 'STEP journal-written']);
}

/** When the service was told (WebWork starts and stops at the moment it is told). */
function sentAt(world: CrashWorld, point: CrashPoint): number {
  const askedAgain = point === 'before-journal-write';
  const replayed = point === 'journal-written';
  if (askedAgain || (replayed && !world.backdates)) return RESTART_AT;
  return ASK_AT;
}

/**
 * The service holds what the user asked for, exactly once (one entry, one accepted request), at
 * `asked` where it backdates and at `sent` where it cannot; the app waits for nothing more.
 */
function expectAsDone(
  world: CrashWorld,
  core: Core,
  kind: ActionKind,
  { asked, sent }: { asked: number; sent: number },
): void {
  const shown = account(core.snapshot(), world.accountId);
  expect(shown.pending).toEqual([]);
  expect(existsSync(join(world.dataDir, JOURNAL_FILE))).toBe(false);
  if (world.provider !== 'local') expect(world.accepted(kind)).toBe(1);
  if (kind !== 'stop') {
    const entries = world.asked();
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ project: world.project, stop: null });
    const expected = world.backdates ? asked : sent;
    expect(Math.abs((entry?.start ?? 0) - expected)).toBeLessThan(1000);
    expect(shown).toMatchObject({
      running: true,
      entry: { description: ASKED_DESCRIPTION, pending: false },
    });
  } else {
    expect(world.running()).toBeNull();
    expect(shown.running).toBe(false);
  }
  if (kind === 'start') return;
  // "Earlier" ended where the user asked (a stop, or the start that replaced it).
  if (world.backdates) {
    const earlier = world.earlier();
    expect(earlier?.start).toBe(EARLIER_START);
    expect(Math.abs((earlier?.stop ?? 0) - asked)).toBeLessThan(1000);
  } else {
    // WebWork cannot take a stop time: the tracker's time went to the Timeline.
    expect(world.timelineMinutes()).toBe(30);
  }
}

describe.concurrent.each(PROVIDERS)('%s: killed during an action, then restarted', (provider) => {
  for (const kind of KINDS) {
    for (const point of pointsFor(provider)) {
      it(`${kind}, killed at ${point}: the service ends as asked, exactly once`, async () => {
        const world = await createWorld(provider, { seedRunning: kind !== 'start' });
        try {
          world.now = ASK_AT;
          await crashAt(world, kind, point);
          const journal = join(world.dataDir, JOURNAL_FILE);
          // What the disk holds at the moment of death.
          expect(existsSync(journal)).toBe(point !== 'before-journal-write');

          world.now = RESTART_AT;
          const core = await world.openCore(RESTART_AT);
          try {
            if (point === 'before-journal-write') {
              // Nothing recorded, nothing confirmed: nothing may go out after the restart.
              expect(world.accepted(kind)).toBe(0);
              expect(world.asked()).toEqual([]);
              if (kind === 'stop') expect(world.running()?.description).toBe('Earlier');
              expect(account(core.snapshot(), world.accountId).pending).toEqual([]);
              // The user asks again.
              const again = await core.execute(world.command(kind));
              expect(again.ok).toBe(true);
            }
            expectAsDone(world, core, kind, {
              asked: point === 'before-journal-write' ? RESTART_AT : ASK_AT,
              sent: sentAt(world, point),
            });
          } finally {
            await core.close();
          }
        } finally {
          await world.close();
        }
      });
    }
  }
});

/**
 * Killed again while the restart replays: the action was journaled, the first run died before
 * sending it, and the second run died after its replay reached the service (the answer lost on
 * the way back; Local: after writing its file). The third run must recognise it, not repeat it.
 */
describe.concurrent.each(PROVIDERS)('%s: killed again during the replay', (provider) => {
  const FINAL_AT = RESTART_AT + 10_000;
  const second: CrashPoint = provider === 'local' ? 'response-received' : 'request-left';
  for (const kind of KINDS) {
    it(`${kind}: journal-written, then ${second} in the replay: done exactly once`, async () => {
      const world = await createWorld(provider, { seedRunning: kind !== 'start' });
      try {
        world.now = ASK_AT;
        await crashAt(world, kind, 'journal-written');
        world.now = RESTART_AT;
        // The second run does nothing but open (a status); the replay happens while it opens.
        const lines = await killChild(world, kind, second, {
          at: RESTART_AT,
          command: { type: 'status' },
        });
        expect(lines).toEqual(
          second === 'request-left' ? [] : [`STEP ${second}`, `CRASH ${second}`],
        );
        expect(existsSync(join(world.dataDir, JOURNAL_FILE))).toBe(true);
        world.now = FINAL_AT;
        const core = await world.openCore(FINAL_AT);
        try {
          expectAsDone(world, core, kind, { asked: ASK_AT, sent: RESTART_AT });
        } finally {
          await core.close();
        }
      } finally {
        await world.close();
      }
    });
  }
});

/**
 * A start while "Earlier" runs, replacing it: the new entry exists once and "Earlier" ended at
 * the asked time. (WebWork's switch is a refused start, a stop and a start: its answer is lost
 * through the journal hook, not the proxy.)
 */
describe.concurrent.each(PROVIDERS)('%s: killed while switching entries', (provider) => {
  const points: CrashPoint[] =
    provider === 'toggl' || provider === 'trackingtime'
      ? ['journal-written', 'request-left']
      : ['journal-written', 'response-received'];
  for (const point of points) {
    it(`start replacing the running entry, killed at ${point}: done exactly once`, async () => {
      const world = await createWorld(provider, { seedRunning: true });
      try {
        world.now = ASK_AT;
        await crashAt(world, 'switch', point);
        world.now = RESTART_AT;
        const core = await world.openCore(RESTART_AT);
        try {
          expectAsDone(world, core, 'switch', { asked: ASK_AT, sent: sentAt(world, point) });
        } finally {
          await core.close();
        }
      } finally {
        await world.close();
      }
    });
  }
});

/**
 * WebWork cannot take a time: an action replayed more than 60 s after it was asked would happen
 * at another time than the user meant, so it waits for their word ("late") instead of going out.
 */
describe.concurrent('webwork: restarted more than 60 s after the crash', () => {
  const LATE_RESTART = ASK_AT + 5 * 60_000;

  async function lateRestart(kind: ActionKind, point: CrashPoint) {
    const world = await createWorld('webwork', { seedRunning: kind !== 'start' });
    try {
      world.now = ASK_AT;
      await crashAt(world, kind, point);
      world.now = LATE_RESTART;
      const core = await world.openCore(LATE_RESTART);
      return { world, core };
    } catch (err) {
      await world.close();
      throw err;
    }
  }

  it('a start that never left waits as "late": nothing is sent until the user applies it', async () => {
    const { world, core } = await lateRestart('start', 'journal-written');
    try {
      expect(world.accepted('start')).toBe(0);
      expect(world.running()).toBeNull();
      const [late, ...others] = account(core.snapshot(), 'webwork').pending;
      expect(others).toEqual([]);
      expect(late).toMatchObject({
        kind: 'start',
        state: 'late',
        at: expect.stringMatching(/^2026-11-27T10:00:00/),
        error: {
          kind: 'unsupported',
          message: expect.stringMatching(/^WebWork can only start it now, not at \d\d:\d\d\.$/),
        },
      });
      expect(existsSync(join(world.dataDir, JOURNAL_FILE))).toBe(true);

      const applied = await core.execute({
        type: 'queue.retry',
        input: { actionId: late?.id ?? '', override: true },
      });
      expect(applied.ok).toBe(true);
      expect(world.accepted('start')).toBe(1);
      expect(world.asked()).toEqual([
        { description: ASKED_DESCRIPTION, project: world.project, start: LATE_RESTART, stop: null },
      ]);
      expect(account(core.snapshot(), 'webwork').pending).toEqual([]);
      expect(existsSync(join(world.dataDir, JOURNAL_FILE))).toBe(false);
    } finally {
      await core.close();
      await world.close();
    }
  });

  it('a late stop the user discards is never sent: the tracker keeps running', async () => {
    const { world, core } = await lateRestart('stop', 'journal-written');
    try {
      const [late] = account(core.snapshot(), 'webwork').pending;
      expect(late).toMatchObject({ kind: 'stop', state: 'late' });
      const discarded = await core.execute({
        type: 'queue.discard',
        input: { actionId: late?.id ?? '' },
      });
      expect(discarded.ok).toBe(true);
      expect(world.accepted('stop')).toBe(0);
      expect(world.running()).toMatchObject({ description: 'Earlier', start: EARLIER_START });
      expect(account(core.snapshot(), 'webwork').pending).toEqual([]);
      expect(existsSync(join(world.dataDir, JOURNAL_FILE))).toBe(false);
    } finally {
      await core.close();
      await world.close();
    }
  });

  it('a start whose answer was lost is recognised on the service, late or not: no question, no second start', async () => {
    const { world, core } = await lateRestart('start', 'request-left');
    try {
      expect(world.accepted('start')).toBe(1);
      expect(world.asked()).toEqual([
        { description: ASKED_DESCRIPTION, project: world.project, start: ASK_AT, stop: null },
      ]);
      expect(account(core.snapshot(), 'webwork').pending).toEqual([]);
      expect(existsSync(join(world.dataDir, JOURNAL_FILE))).toBe(false);
    } finally {
      await core.close();
      await world.close();
    }
  });
});
