/**
 * Two processes on one data folder (the app starting while a `tray-timer` CLI runs in-process,
 * or two CLI runs at once), through real child processes against the fake Toggl: journal
 * replays are locked per account across processes (main/journal/replay-lock.ts), so an action
 * is sent once whoever replays it, and a start from the other process at the same moment is the
 * user's own doing (it is followed, not reported as a conflict).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCrashChild, type ChildBundle } from './crash-bundle';
import type { CrashJob } from './crash-job';
import { ASK_AT, createWorld, RESTART_AT, startChild } from './crash-world';

let bundle: ChildBundle;
beforeAll(async () => {
  bundle = await bundleCrashChild();
}, 60_000);
afterAll(() => bundle.remove());

describe('two processes replay the same journal at once', () => {
  it('toggl: a start journaled before a crash is sent once, not once per process', async () => {
    const world = await createWorld('toggl', { seedRunning: false });
    try {
      world.now = ASK_AT;
      const job: CrashJob = {
        dataDir: world.dataDir,
        accountId: world.accountId,
        secret: world.secret,
        at: ASK_AT,
        command: world.command('start'),
        crashAt: 'journal-written',
      };
      const crashed = await startChild(bundle.path, job).done;
      expect(crashed.signal).toBe('SIGKILL');
      world.now = RESTART_AT;
      // Reads take 400 ms (a slow network): both processes read Toggl before either start lands.
      world.proxy?.delayAnswers((method) => method === 'GET', 400);
      const reopen: CrashJob = {
        ...job,
        at: RESTART_AT,
        command: { type: 'status' },
        crashAt: null,
      };
      await Promise.all([
        startChild(bundle.path, reopen).done,
        startChild(bundle.path, reopen).done,
      ]);
      expect(world.accepted('start')).toBe(1);
      expect(world.asked()).toHaveLength(1);
    } finally {
      await world.close();
    }
  });
});

describe('two in-process starts at once on one data folder', () => {
  it('toggl: each start reaches Toggl once', async () => {
    const world = await createWorld('toggl', { seedRunning: false });
    try {
      world.now = ASK_AT;
      world.proxy?.delayAnswers((m, p) => m === 'POST' && /time_entries$/.test(p), 300);
      const job = (description: string): CrashJob => ({
        dataDir: world.dataDir,
        accountId: world.accountId,
        secret: world.secret,
        at: ASK_AT,
        command: { type: 'start', input: { accountId: world.accountId, description } },
        crashAt: null,
      });
      await Promise.all([
        startChild(bundle.path, job('Alpha')).done,
        startChild(bundle.path, job('Beta')).done,
      ]);
      expect(world.accepted('start')).toBe(2);
    } finally {
      await world.close();
    }
  });
});
