/**
 * The pure parts of the CLI, exactly: the status-bar line for every account state, the --base-url
 * rule, and the secret readers (stdin and the hidden prompt on a terminal).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AccountState, Snapshot } from '../../preload/contract';
import { checkBaseUrl } from '../../main/providers/http/base-url';
import { promptHidden, readSecretFromStream } from '../../main/cli/read-secret';
import { runCli } from '../../main/cli/run-cli';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { statusJson, statusLine, statusText } from '../../main/cli/status-output';

const NOW = Date.parse('2026-11-27T10:00:00+00:00');

function account(over: Partial<AccountState>): AccountState {
  return {
    id: 'local',
    provider: 'local',
    label: 'Local',
    isDefault: true,
    running: false,
    entry: null,
    error: null,
    recent: [],
    projects: [],
    todaySeconds: 0,
    lastSyncedAt: null,
    capabilities: {
      projects: true,
      tasks: false,
      backdate: true,
      editStart: true,
      tags: false,
      billable: false,
      members: false,
    },
    role: null,
    actingFor: null,
    ...over,
  };
}

const entry = {
  id: 'e1',
  description: 'Writing docs',
  projectId: 'p1',
  projectName: 'Website',
  projectColor: null,
  taskId: null,
  taskName: null,
  startedAt: '2026-11-27T08:37:00.000+00:00',
  stoppedAt: null,
  elapsedSeconds: 0,
  tags: [],
  billable: null,
  elapsedKind: 'session' as const,
};

describe('status line', () => {
  it('running: the tooltip’s format, elapsed from startedAt at print time', () => {
    const a = account({ running: true, entry });
    expect(statusLine(a, '2026-11-27T09:00:00+00:00', NOW)).toBe(
      '▶ 1:23 Writing docs — Website (Local)',
    );
  });

  it('idle: today’s total', () => {
    expect(statusLine(account({ todaySeconds: 3 * 3600 + 40 * 60 }), '', NOW)).toBe(
      '■ Not tracking · today 3:40 (Local)',
    );
  });

  it('error on a remote account: a short phrase and the provider', () => {
    const a = account({
      id: 'work',
      provider: 'toggl',
      label: 'Work',
      error: { kind: 'auth', message: 'Token revoked.' },
    });
    expect(statusLine(a, '', NOW)).toBe('! Sign-in needed (Toggl Track: Work)');
  });

  it('running with a problem keeps the timer visible', () => {
    const a = account({
      provider: 'toggl',
      label: 'Toggl Track',
      running: true,
      entry,
      error: { kind: 'offline', message: 'x' },
    });
    expect(statusLine(a, '', NOW)).toBe('▶ 1:23 Writing docs — Website (Toggl Track) ! Offline');
  });

  it('without a start time (WebWork) the snapshot’s elapsed advances by the snapshot’s age', () => {
    const a = account({
      provider: 'webwork',
      label: 'Team',
      running: true,
      entry: { ...entry, startedAt: null, elapsedSeconds: 600 },
    });
    expect(statusLine(a, '2026-11-27T09:59:00+00:00', NOW)).toBe(
      '▶ 0:11 Writing docs — Website (WebWork: Team)',
    );
  });

  it('--json: one entry per account, elapsed recomputed, errors reduced to kind and message', () => {
    const snapshot = {
      at: '2026-11-27T09:00:00+00:00',
      accounts: [
        account({ running: true, entry }),
        account({
          id: 'w',
          provider: 'toggl',
          label: 'W',
          isDefault: false,
          error: { kind: 'quota', message: 'Quota.', resetAt: 'x' },
        }),
      ],
    } as Snapshot;
    expect(statusJson(snapshot, NOW)).toEqual({
      accounts: [
        {
          id: 'local',
          provider: 'local',
          label: 'Local',
          running: true,
          entry: {
            description: 'Writing docs',
            projectName: 'Website',
            taskName: null,
            startedAt: entry.startedAt,
            elapsedSeconds: 4980,
          },
          error: null,
          isDefault: true,
          todaySeconds: 0,
        },
        {
          id: 'w',
          provider: 'toggl',
          label: 'W',
          running: false,
          entry: null,
          error: { kind: 'quota', message: 'Quota.' },
          isDefault: false,
          todaySeconds: 0,
        },
      ],
    });
    expect(statusText(snapshot, NOW).split('\n')).toHaveLength(2);
  });
});

describe('--base-url', () => {
  it.each([
    ['https://api.track.toggl.com/api/v9', true],
    ['https://proxy.example.com:8443/toggl/api/v9', true],
    ['http://127.0.0.1:8080/api/v9', true],
    ['http://127.1/api', true],
    ['http://localhost:9/x', true],
    ['http://[::1]:9/x', true],
    ['http://example.com/api', false],
    ['http://127.0.0.1.example.com/api', false],
    ['http://10.0.0.1/api', false],
    ['ftp://127.0.0.1/', false],
    ['https://user:pw@example.com/', false],
    ['example.com', false],
  ])('%s → allowed: %s', (url, ok) => {
    expect(checkBaseUrl(url).ok).toBe(ok);
  });
});

describe('secret input', () => {
  it('stdin: one line, trailing newline dropped', async () => {
    const input = new PassThrough();
    input.end('s3cret\n');
    await expect(readSecretFromStream(input)).resolves.toBe('s3cret');
  });

  it('stdin: several lines are refused', async () => {
    const input = new PassThrough();
    input.end('a\nb\n');
    await expect(readSecretFromStream(input)).rejects.toThrow(/several lines/);
  });

  it('prompt: nothing typed is echoed, backspace edits, Enter ends, raw mode is restored', async () => {
    const modes: boolean[] = [];
    const input = Object.assign(new PassThrough(), {
      isTTY: true,
      setRawMode: (m: boolean) => modes.push(m),
    });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const answer = promptHidden('Token: ', input, output);
    input.write('abX\u007fc\r');
    await expect(answer).resolves.toBe('abc');
    expect(shown).toBe('Token: \n');
    expect(modes).toEqual([true, false]);
  });

  it('prompt: Ctrl-C cancels', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const answer = promptHidden('Token: ', input, new PassThrough());
    input.write('ab\u0003');
    await expect(answer).rejects.toThrow(/cancelled/);
  });
});

describe('runCli on a terminal (in-process, real core)', () => {
  async function onTerminal(args: string[], typed: string) {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tt-tty-'));
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const running = runCli({
      args,
      env: { TRAY_TIMER_HOME: home },
      platform: process.platform,
      homedir: home,
      stdin,
      stdout,
      stderr,
      version: '0.0.0-test',
      now: () => Date.now(),
      openCore,
      // No keychain here: a session store, which the CLI must refuse to put a secret in.
      loadSecretStore: async () => {
        const store = new MemorySecretStore();
        return { store, status: await store.status() };
      },
    });
    // Type once the prompt is up.
    await new Promise((r) => setTimeout(r, 50));
    stdin.write(typed);
    const code = await running;
    rmSync(home, { recursive: true, force: true });
    return { code, out, err };
  }

  it('--secret-stdin on a terminal asks with the hidden prompt instead of echoing', async () => {
    const r = await onTerminal(
      ['accounts', 'add', 'toggl', '--secret-stdin'],
      'tok_TYPED_SECRET\r',
    );
    expect(r.err).toContain('Toggl Track API token or password (hidden): ');
    expect(r.out + r.err).not.toContain('tok_TYPED_SECRET');
    // Typed fine; then refused because a secret given to a one-shot process needs a keychain.
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot be saved from the command line/);
  });

  it('Ctrl-C at the prompt cancels with exit 1 and adds nothing', async () => {
    const r = await onTerminal(['accounts', 'add', 'toggl'], 'tok\u0003');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cancelled; no account was added/);
  });
});
