/**
 * `tray-timer` while "the app" runs: this test process plays the app (a real core in 'app' mode
 * plus the real control server on the data folder's socket) and the CLI runs as a child process.
 * The proof that commands went over the socket, not around it: the in-test core's in-memory state
 * changes at once (it never re-reads files on its own), and every command reached it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { startControlServer } from '../../main/control/socket-server';
import type { ControlServer } from '../../main/control/socket-server';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { controlSocketPath } from '../../main/storage/data-dir';
import { ensureCliBuilt, runCli } from './cli-build';

let home: string;
let core: Core;
let server: ControlServer | undefined;
let reached: string[];
const cli = (args: string[]) => runCli(args, { home });

async function startApp(): Promise<void> {
  core = await openCore({ dataDir: home, secrets: new MemorySecretStore(), mode: 'app' });
  reached = [];
  server = await startControlServer({
    socketPath: controlSocketPath(home),
    core: {
      snapshot: () => {
        reached.push('snapshot()');
        return core.snapshot();
      },
      execute: (c: Command) => {
        reached.push(`execute(${c.type})`);
        return core.execute(c);
      },
    },
  });
}

beforeAll(async () => {
  await ensureCliBuilt();
}, 180_000);

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tt-cls-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await core?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('with the app running', () => {
  it('start/stop/status go to the running app over the socket', async () => {
    await startApp();

    const started = await cli(['start', 'Over', 'the', 'socket']);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(started.stdout).toMatch(/Over the socket/);
    // The app's own in-memory state changed: the CLI did not work on the files behind its back.
    const entry = core.snapshot().accounts[0]?.entry;
    expect(entry?.description).toBe('Over the socket');

    const status = await cli(['status', '--json']);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as {
      accounts: { running: boolean; entry: { startedAt: string } | null }[];
    };
    expect(json.accounts[0]?.running).toBe(true);
    expect(json.accounts[0]?.entry?.startedAt).toBe(entry?.startedAt);

    expect((await cli(['status'])).stdout).toMatch(/^▶ 0:00 Over the socket \(Local\)\n$/);

    const stopped = await cli(['stop']);
    expect(stopped.code).toBe(0);
    expect(core.snapshot().accounts[0]?.running).toBe(false);

    // status was answered from the snapshot (no execute), the actions by execute.
    expect(reached).toEqual(['execute(start)', 'snapshot()', 'snapshot()', 'execute(stop)']);
  });

  it('relays the app’s errors with exit 1', async () => {
    await startApp();
    const r = await cli(['start', 'x', '--account', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No account with id .nope./);
    expect(reached).toEqual(['execute(start)']);
  });

  it('accounts list comes from the app', async () => {
    await startApp();
    const r = await cli(['accounts', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      accounts: [
        { id: 'local', provider: 'local', label: 'Local', isDefault: true, baseUrl: null },
      ],
    });
    expect(reached).toEqual(['execute(accounts.list)']);
  });

  it('usage errors never reach the app', async () => {
    await startApp();
    const r = await cli(['start', '--account', '']);
    expect(r.code).toBe(2);
    expect(reached).toEqual([]);
  });
});

describe('after the app crashed (stale socket file)', () => {
  it('works in-process and leaves the stale socket to the next app start', async () => {
    const socketPath = controlSocketPath(home);
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await new Promise((r) => child.on('exit', r));
    expect(statSync(socketPath).isSocket()).toBe(true);

    const started = await cli(['start', 'After a crash']);
    expect(started.code).toBe(0);
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/^▶ 0:00 After a crash \(Local\)\n$/);

    // The next app start replaces the stale socket and sees the entry the CLI started.
    await startApp();
    expect(core.snapshot().accounts[0]?.entry?.description).toBe('After a crash');
    expect((await cli(['stop'])).code).toBe(0);
    expect(reached).toEqual(['execute(stop)']);
  });
});
