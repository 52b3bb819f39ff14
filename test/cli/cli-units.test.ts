/**
 * The pure parts of the CLI, exactly: the status-bar line for every account state, the --base-url
 * rule, and the secret readers (stdin and the hidden prompt on a terminal).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AccountState,
  CommandResult,
  MemberStatus,
  Snapshot,
  TeamGlance,
} from '../../preload/contract';
import { NO_PRESENCE } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { parseArgs } from '../../main/cli/parse-args';
import { checkBaseUrl } from '../../main/providers/http/base-url';
import { promptHidden, readSecretFromStream } from '../../main/cli/read-secret';
import { runCli } from '../../main/cli/run-cli';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import {
  memberStatusJson,
  memberStatusJsonSchema,
  memberStatusLine,
  statusJson,
  statusLine,
  statusText,
  teamJson,
  teamJsonSchema,
  teamText,
} from '../../main/cli/status-output';

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
      editEntry: false,
      tags: false,
      billable: false,
      members: false,
    },
    role: null,
    pending: [],
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
  pending: false,
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
      presence: NO_PRESENCE,
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
            elapsedKind: 'session',
            pending: false,
          },
          error: null,
          isDefault: true,
          todaySeconds: 0,
          actingFor: null,
          pending: [],
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
          actingFor: null,
          pending: [],
        },
      ],
      presence: NO_PRESENCE,
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

// ---------------------------------------------------------------------------------------------
// WebWork: day totals, acting for members, `status --member`, `team`, and their arguments.
// ---------------------------------------------------------------------------------------------

const WW = 'WebWork: ada@example.com · Acme';
const bob = { id: '45002', name: 'Bob Builder', email: 'bob@example.com', role: 'Regular User' };
const carol = { id: '45003', name: 'Carol Jones', email: null, role: 'Regular User' };
const dan = { id: '45004', name: 'Dan', email: 'dan@example.com', role: null };
const eve = { id: '45005', name: 'Eve', email: 'eve@example.com', role: null };
const bricks = {
  ...entry,
  description: 'Bricks',
  startedAt: '2026-11-27T09:35:00.000+00:00',
  taskName: 'Design',
};
/** A tracker started outside Tray Timer: no start, the day's total as of the snapshot. */
const dayTotal = {
  ...entry,
  startedAt: null,
  elapsedSeconds: 3 * 3600 + 12 * 60,
  elapsedKind: 'today' as const,
};
const SNAP_AT = '2026-11-27T10:00:00+00:00';

function member(over: Partial<MemberStatus>): MemberStatus {
  return {
    member: bob,
    entry: null,
    todaySeconds: 0,
    checkedAt: '2026-11-27T09:59:30+00:00',
    error: null,
    ...over,
  };
}

describe('WebWork status lines', () => {
  const ww = (over: Partial<AccountState>) =>
    account({ id: 'webwork', provider: 'webwork', label: 'ada@example.com · Acme', ...over });

  it('a day total (no start time) says "today", so it is not read as the session', () => {
    expect(statusLine(ww({ running: true, entry: dayTotal }), SNAP_AT, NOW + 60_000)).toBe(
      `▶ today 3:13 Writing docs — Website (${WW})`,
    );
    const json = statusJson(
      {
        at: SNAP_AT,
        accounts: [ww({ running: true, entry: dayTotal })],
        presence: NO_PRESENCE,
      } as Snapshot,
      NOW,
    );
    expect(json.accounts[0]?.entry).toMatchObject({
      startedAt: null,
      elapsedKind: 'today',
      elapsedSeconds: 11_520,
    });
  });

  it('acting for a member: whose tracker it is, running and idle', () => {
    const acting = { actingFor: bob };
    expect(statusLine(ww({ ...acting, running: true, entry: bricks }), SNAP_AT, NOW)).toBe(
      `▶ 0:25 Bricks — Website / Design (${WW}, Bob Builder)`,
    );
    expect(statusLine(ww({ ...acting, todaySeconds: 70 * 60 }), SNAP_AT, NOW)).toBe(
      `■ Bob Builder is not tracking · today 1:10 (${WW})`,
    );
    const json = statusJson(
      { at: SNAP_AT, accounts: [ww(acting)], presence: NO_PRESENCE } as Snapshot,
      NOW,
    );
    expect(json.accounts[0]?.actingFor).toEqual({
      id: bob.id,
      name: 'Bob Builder',
      email: 'bob@example.com',
    });
  });
});

describe('status --member', () => {
  it('running, a day total, idle, failed, not read yet', () => {
    expect(memberStatusLine(member({ entry: bricks }), WW, SNAP_AT, NOW)).toBe(
      `▶ 0:25 Bricks — Website / Design (${WW}, Bob Builder)`,
    );
    expect(memberStatusLine(member({ entry: dayTotal }), WW, SNAP_AT, NOW + 120_000)).toBe(
      `▶ today 3:14 Writing docs — Website (${WW}, Bob Builder)`,
    );
    expect(memberStatusLine(member({ todaySeconds: 4200 }), WW, SNAP_AT, NOW)).toBe(
      `■ Bob Builder is not tracking · today 1:10 (${WW})`,
    );
    expect(
      memberStatusLine(
        member({
          checkedAt: null,
          error: { kind: 'provider', message: 'WebWork allows this only to owners.\nMore.' },
        }),
        WW,
        SNAP_AT,
        NOW,
      ),
    ).toBe(`! WebWork allows this only to owners. (${WW}, Bob Builder)`);
    expect(memberStatusLine(member({ checkedAt: null }), WW, SNAP_AT, NOW)).toBe(
      `? Bob Builder: not read yet (${WW})`,
    );
  });

  it('--json: the documented shape, elapsed at print time', () => {
    const json = memberStatusJson(
      member({ entry: dayTotal, todaySeconds: 11_520 }),
      'webwork',
      SNAP_AT,
      NOW + 60_000,
    );
    expect(memberStatusJsonSchema.strict().parse(json)).toEqual({
      accountId: 'webwork',
      member: bob,
      running: true,
      entry: {
        description: 'Writing docs',
        projectName: 'Website',
        taskName: null,
        startedAt: null,
        elapsedSeconds: 11_580,
        elapsedKind: 'today',
      },
      todaySeconds: 11_520,
      checkedAt: '2026-11-27T09:59:30+00:00',
      error: null,
    });
  });
});

describe('team', () => {
  const tz = process.env.TZ;
  beforeAll(() => {
    // "next check at HH:MM" is local time: pin the zone so the expected text is exact.
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  const glance: TeamGlance = {
    accountId: 'webwork',
    members: [
      member({ member: carol, entry: dayTotal, todaySeconds: 11_520 }),
      member({ entry: { ...bricks, taskName: null, description: null } }),
      member({ member: dan, error: { kind: 'not-found', message: 'User is not a member.' } }),
      member({ member: eve }),
      member({ member: { ...eve, id: '7', name: 'Finn' }, checkedAt: null }),
      member({ member: { ...eve, id: '8', name: 'Gus' }, checkedAt: null }),
    ],
    total: 6,
    unchecked: 2,
    nextCheckAt: '2026-11-27T10:31:20+00:00',
  };

  it('one line per member tracking (name, time, what) in columns; failures; then the counts', () => {
    expect(teamText(glance, SNAP_AT, NOW)).toBe(
      [
        '▶ Carol Jones  today 3:12  Writing docs — Website',
        '▶ Bob Builder  0:25        (no description) — Website',
        '! Dan                      User is not a member.',
        '1 not tracking',
        '2 members not checked yet (rate budget) — next check at 10:31',
      ].join('\n'),
    );
  });

  it('everyone read: no "not checked" line; one unchecked without a time says so in the singular', () => {
    const idle = { ...glance, members: [member({ member: eve })], unchecked: 0, nextCheckAt: null };
    expect(teamText(idle, SNAP_AT, NOW)).toBe('1 not tracking');
    expect(teamText({ ...idle, unchecked: 1 }, SNAP_AT, NOW)).toBe(
      '1 not tracking\n1 member not checked yet (rate budget)',
    );
  });

  it('--json: counts and the rows in the glance’s order', () => {
    const json = teamJsonSchema.strict().parse(teamJson(glance, SNAP_AT, NOW));
    expect(json).toMatchObject({
      accountId: 'webwork',
      total: 6,
      tracking: 2,
      notTracking: 1,
      unchecked: 2,
      nextCheckAt: '2026-11-27T10:31:20+00:00',
    });
    expect(
      json.members.map((m) => [m.member.name, m.running, m.entry?.elapsedKind ?? null]),
    ).toEqual([
      ['Carol Jones', true, 'today'],
      ['Bob Builder', true, 'session'],
      ['Dan', false, null],
      ['Eve', false, null],
      ['Finn', false, null],
      ['Gus', false, null],
    ]);
    expect(json.members[2]?.error).toEqual({ kind: 'not-found', message: 'User is not a member.' });
  });
});

describe('arguments for members, team and reconnect', () => {
  function parse(args: string[]) {
    let err = '';
    const outcome = parseArgs(
      args,
      { writeOut: () => undefined, writeErr: (t) => (err += t) },
      '0',
    );
    return { outcome, err };
  }
  const command = (args: string[]) => {
    const { outcome } = parse(args);
    if (outcome.kind !== 'run') throw new Error(`exit ${outcome.code}`);
    return outcome.invocation;
  };

  it('--member goes into start, stop and status', () => {
    expect(command(['start', 'Bricks', '--member', ' bob@example.com ']).command).toEqual({
      type: 'start',
      input: { description: 'Bricks', member: 'bob@example.com' },
    });
    expect(command(['stop', '--account', 'webwork', '--member', '45002']).command).toEqual({
      type: 'stop',
      input: { accountId: 'webwork', member: '45002' },
    });
    expect(command(['status', '--member', 'bob@example.com', '--json'])).toEqual({
      command: { type: 'status', input: { member: 'bob@example.com' } },
      output: 'member-status-json',
    });
    expect(command(['status']).command).toEqual({ type: 'status' });
  });

  it('team asks for a refresh unless --no-refresh', () => {
    expect(command(['team'])).toEqual({
      command: { type: 'team', input: { refresh: true } },
      output: 'team-text',
    });
    expect(command(['team', '--account', 'webwork', '--no-refresh', '--json'])).toEqual({
      command: { type: 'team', input: { accountId: 'webwork', refresh: false } },
      output: 'team-json',
    });
  });

  it('accounts add webwork: --email and --workspace as options, --reconnect as the account to replace', () => {
    expect(
      command(['accounts', 'add', 'webwork', '--email', 'ada@example.com', '--workspace', 'Acme'])
        .command,
    ).toEqual({
      type: 'accounts.add',
      input: { provider: 'webwork', options: { email: 'ada@example.com', workspace: 'Acme' } },
    });
    expect(command(['accounts', 'add', 'webwork', '--reconnect', 'webwork']).command).toEqual({
      type: 'accounts.add',
      input: { provider: 'webwork', options: {}, replaceAccountId: 'webwork' },
    });
  });

  it('usage errors exit 2 naming the flag', () => {
    for (const [args, said] of [
      [['start', '--member', '  '], '--member is empty'],
      [['status', '--account', 'webwork'], '--account goes with --member'],
      [['team', '--account', ''], '--account'],
      [['accounts', 'add', 'webwork', '--reconnect', 'NOT AN ID'], '--reconnect'],
    ] as const) {
      const { outcome, err } = parse([...args]);
      expect(outcome, args.join(' ')).toEqual({ kind: 'exit', code: 2 });
      expect(err).toContain(said);
    }
  });
});

describe('runCli prints a service’s per-field refusal one line per flag', () => {
  it('a WebWork 422 naming two fields', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tt-422-'));
    let err = '';
    const stderr = new PassThrough();
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const refused: CommandResult = {
      ok: false,
      error: {
        kind: 'validation',
        message: 'The contract is paused. The task must belong to the project of the contract.',
        field: 'project',
        fields: {
          project: 'The contract is paused.',
          task: 'The task must belong to the project of the contract.',
        },
      },
    };
    // The subject is what the CLI prints for an answer; the core's side is a canned answer.
    const core = { execute: async () => refused, close: async () => undefined } as unknown as Core;
    const code = await runCli({
      args: ['start', '--project', 'Website', '--task', 'Design'],
      env: { TRAY_TIMER_HOME: home },
      platform: process.platform,
      homedir: home,
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr,
      version: '0',
      now: () => NOW,
      openCore: async () => core,
    });
    rmSync(home, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(err).toBe(
      'tray-timer: --project: The contract is paused.\n--task: The task must belong to the project of the contract.\n',
    );
  });
});
