/**
 * `tray-timer away` for people without a working tray or popup (Wayland, tiling window managers):
 * the arguments, the question as printed, and end to end the built CLI against "the app" — this
 * test process runs a real core in 'app' mode on a virtual clock behind the real control socket,
 * with a lunch lock (10:42–11:57) to ask about. Also `status`'s extra lines (head -1 unchanged).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awayPromptSchema } from '../../preload/contract';
import type { AwayPrompt, Command, CommandResult, Snapshot } from '../../preload/contract';
import { awayStatusLine, awayText } from '../../main/cli/away-output';
import { parseArgs } from '../../main/cli/parse-args';
import { statusJson, statusJsonSchema, statusText } from '../../main/cli/status-output';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { startControlServer } from '../../main/control/socket-server';
import type { ControlServer } from '../../main/control/socket-server';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { controlSocketPath } from '../../main/storage/data-dir';
import { VirtualClock } from '../support/virtual-clock';
import { ensureCliBuilt, runCli } from './cli-build';

// The core formats the message and the CLI the answer lines: both in the same zone.
const TZ = 'Europe/Berlin';
process.env.TZ = TZ;

const T0 = new Date(2026, 10, 27, 9, 0, 0).getTime(); // Friday 09:00 local
const MIN = 60_000;

function parse(args: string[]) {
  let err = '';
  const outcome = parseArgs(
    args,
    { writeOut: () => undefined, writeErr: (t) => (err += t) },
    '0',
    () => T0,
  );
  return { outcome, err };
}

const prompt: AwayPrompt = {
  id: 'away-1',
  from: '2026-11-27T10:42:00+01:00',
  to: '2026-11-27T11:57:00+01:00',
  seconds: 75 * 60,
  reason: 'lock',
  message: 'You were away 10:42–11:57 (1 h 15 min)',
  accounts: [
    {
      accountId: 'local',
      label: 'Local',
      entryId: 'e1',
      entryLabel: '“Docs”',
      choices: ['keep', 'discard', 'discard-continue', 'split'],
      note: null,
    },
  ],
};

describe('away: arguments', () => {
  it('no answer reads the snapshot; --json asks for the JSON shape', () => {
    expect(parse(['away']).outcome).toEqual({
      kind: 'run',
      invocation: { command: { type: 'status' }, output: 'away-text' },
    });
    expect(parse(['away', '--json']).outcome).toEqual({
      kind: 'run',
      invocation: { command: { type: 'status' }, output: 'away-json' },
    });
  });

  it('an answer reads the snapshot first and carries the choice ("continue" = discard-continue)', () => {
    expect(parse(['away', 'continue']).outcome).toEqual({
      kind: 'run',
      invocation: {
        command: { type: 'status' },
        output: 'message',
        away: { choice: 'discard-continue' },
      },
    });
    const split = parse(['away', 'split', '--description', ' Lunch ']).outcome;
    expect(split.kind === 'run' && split.invocation.away).toEqual({
      choice: 'split',
      description: 'Lunch',
    });
  });

  it('usage errors exit 2 naming what to fix', () => {
    for (const [args, said] of [
      [['away', 'split'], 'split needs --description'],
      [['away', 'split', '--description', '  '], 'split needs --description'],
      [['away', 'keep', '--description', 'x'], '--description goes with split only'],
      [['away', '--description', 'x'], '--description goes with an answer'],
      [['away', 'keep', '--json'], '--json goes with "tray-timer away" alone'],
      [
        ['away', 'split', '--description', 'x'.repeat(3001)],
        '--description: description is longer',
      ],
      [['away', 'later'], "'later' is invalid"],
    ] as const) {
      const { outcome, err } = parse([...args]);
      expect(outcome, args.join(' ')).toEqual({ kind: 'exit', code: 2 });
      expect(err).toContain(said);
    }
  });
});

describe('away: what is printed', () => {
  it('the question, each account with its answers and note, the commands, and what an account that cannot take an answer does instead', () => {
    const both: AwayPrompt = {
      ...prompt,
      accounts: [
        ...prompt.accounts,
        {
          accountId: 'webwork',
          label: 'WebWork: ada@example.com',
          entryLabel: '“Bricks”',
          entryId: 'w1',
          choices: ['keep', 'stop-now'],
          note: 'WebWork can’t change time already recorded.',
        },
      ],
    };
    expect(awayText(both)).toBe(
      [
        'You were away 10:42–11:57 (1 h 15 min)',
        '  “Docs” (Local): keep, discard, continue or split',
        '  “Bricks” (WebWork: ada@example.com): keep or stop-now — WebWork can’t change time already recorded.',
        '',
        'Answer with:',
        '  tray-timer away keep                         the time away stays in the entry',
        '  tray-timer away discard                      the entry stops at 10:42 (WebWork: ada@example.com stops now)',
        '  tray-timer away continue                     it stops at 10:42 and runs again from 11:57 (WebWork: ada@example.com keeps the time away)',
        '  tray-timer away split --description "Lunch"  10:42–11:57 becomes its own entry; the work continues from 11:57 (WebWork: ada@example.com keeps the time away)',
        '  tray-timer away stop-now                     the timers stop now',
      ].join('\n'),
    );
    expect(awayStatusLine(prompt)).toBe(
      '⚠ You were away 10:42–11:57 (1 h 15 min) — answer with: tray-timer away keep|discard|continue|split',
    );
  });

  it('status: the pomodoro (time left at print time) and the question after the accounts; --json has presence', async () => {
    const core = await openCore({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'tt-away-')),
      secrets: new MemorySecretStore(),
      clock: new VirtualClock(T0),
      mode: 'oneshot',
    });
    const base = core.snapshot();
    await core.close();
    const snapshot: Snapshot = {
      ...base,
      presence: {
        away: prompt,
        pomodoro: {
          phase: 'work',
          endsAt: new Date(T0 + 25 * MIN).toISOString(),
          remainingSeconds: 25 * 60,
          round: 0,
        },
        idle: { source: 'lock-only', note: 'Wayland reports no idle time.' },
      },
    };
    const printedAt = T0 + 13 * MIN;
    const lines = statusText(snapshot, printedAt).split('\n');
    expect(lines).toEqual([
      statusText(base, printedAt), // the account line, unchanged and first
      '🍅 Focus · 12 min left',
      awayStatusLine(prompt),
    ]);
    const json = statusJsonSchema.parse(statusJson(snapshot, printedAt));
    expect(json.presence).toEqual({
      ...snapshot.presence,
      pomodoro: { ...snapshot.presence.pomodoro, remainingSeconds: 12 * 60 },
    });
  });
});

describe('away: end to end with the app running', () => {
  let home: string;
  let clock: VirtualClock;
  let core: Core;
  let server: ControlServer;
  let reached: string[];
  const cli = (args: string[]) => runCli(args, { home, env: { TZ } });

  beforeAll(async () => {
    await ensureCliBuilt();
  }, 180_000);

  beforeEach(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'tt-away-'));
    clock = new VirtualClock(T0);
    core = await openCore({
      dataDir: home,
      secrets: new MemorySecretStore(),
      clock,
      mode: 'app',
      presence: { idleSeconds: () => 0, session: 'wayland' },
      notify: () => undefined,
    });
    reached = [];
    server = await startControlServer({
      socketPath: controlSocketPath(home),
      core: {
        snapshot: () => {
          reached.push('snapshot()');
          return core.snapshot();
        },
        execute: (c: Command): Promise<CommandResult> => {
          reached.push(`execute(${c.type})`);
          return core.execute(c);
        },
      },
    });
  });

  afterEach(async () => {
    await server.close();
    await core.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Works from 09:00, locks the screen at 10:42, unlocks at 11:57. */
  async function lunchLock(): Promise<string> {
    const started = await core.execute({ type: 'start', input: { description: 'Docs' } });
    expect(started.ok).toBe(true);
    await clock.advance(102 * MIN);
    core.power('lock-screen');
    const before = await cli(['status']);
    await clock.advance(75 * MIN);
    core.power('unlock-screen');
    return before.stdout;
  }

  it('shows the question, as text and JSON, and status says it after the account line', async () => {
    const before = await lunchLock();
    const away = core.snapshot().presence.away;
    expect(away?.message).toBe('You were away 10:42–11:57 (1 h 15 min)');

    const text = await cli(['away']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toBe(
      [
        'You were away 10:42–11:57 (1 h 15 min)',
        '  “Docs” (Local): keep, discard, continue or split',
        '',
        'Answer with:',
        '  tray-timer away keep                         the time away stays in the entry',
        '  tray-timer away discard                      the entry stops at 10:42',
        '  tray-timer away continue                     it stops at 10:42 and runs again from 11:57',
        '  tray-timer away split --description "Lunch"  10:42–11:57 becomes its own entry; the work continues from 11:57',
        '',
      ].join('\n'),
    );

    const json = await cli(['away', '--json']);
    expect(json.code).toBe(0);
    expect(awayPromptSchema.parse(JSON.parse(json.stdout))).toEqual(away);

    const status = await cli(['status']);
    expect(status.code).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    // `status | head -1` (waybar, tmux) still shows the timer, exactly as before the lock.
    expect(lines[0]).toMatch(/^▶ \d+:\d\d Docs \(Local\)$/);
    // (The CLI counts elapsed on the real clock against the virtual start: the minute may turn.)
    const timeless = (line: string | undefined) => line?.replace(/^▶ \d+:\d\d/, '▶ H:MM');
    expect(timeless(lines[0])).toBe(timeless(before.split('\n')[0]));
    expect(before.trimEnd().split('\n')).toHaveLength(1);
    expect(lines.slice(1)).toEqual([
      '⚠ You were away 10:42–11:57 (1 h 15 min) — answer with: tray-timer away keep|discard|continue|split',
    ]);
    const statusJsonOut = statusJsonSchema.parse(
      JSON.parse((await cli(['status', '--json'])).stdout),
    );
    expect(statusJsonOut.presence.away).toEqual(away);
    // Everything was read from the app's snapshot: nothing executed.
    expect(reached.every((r) => r === 'snapshot()')).toBe(true);
  });

  it('discard answers the question: the Local entry stops at the lock; a second answer has nothing to decide', async () => {
    await lunchLock();
    const id = core.snapshot().presence.away?.id;
    reached = [];

    const answered = await cli(['away', 'discard']);
    expect(answered).toMatchObject({ code: 0, stderr: '' });
    expect(answered.stdout).toBe('Discarded 10:42–11:57: “Docs” stopped at 10:42 on Local.\n');
    // The snapshot was read for the prompt id, then the answer went to the app's core.
    expect(reached).toEqual(['snapshot()', 'execute(away.resolve)']);
    const local = core.snapshot().accounts[0];
    expect(local?.running).toBe(false);
    expect(local?.recent[0]).toMatchObject({ description: 'Docs', elapsedSeconds: 102 * 60 });
    expect(core.snapshot().presence.away).toBeNull();
    expect(id).toBeTruthy();

    const again = await cli(['away', 'keep']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^tray-timer: Nothing to decide about time away\. No question/);

    const none = await cli(['away']);
    expect(none).toMatchObject({ code: 0, stdout: 'Nothing to decide about time away.\n' });
    expect((await cli(['away', '--json'])).stdout).toBe('null\n');
    expect((await cli(['status'])).stdout).not.toMatch(/away/);
  });

  it('split without a description exits 2 and leaves the question waiting; with one it splits', async () => {
    await lunchLock();
    const bad = await cli(['away', 'split']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/split needs --description/);
    expect(reached).toEqual(['snapshot()']); // only lunchLock's status: usage errors send nothing
    expect(core.snapshot().presence.away).not.toBeNull();

    const split = await cli(['away', 'split', '--description', 'Lunch']);
    expect(split).toMatchObject({ code: 0, stderr: '' });
    expect(split.stdout).toBe('Added “Lunch” 10:42–11:57; “Docs” continues from 11:57 on Local.\n');
    const local = core.snapshot().accounts[0];
    expect(local?.entry?.description).toBe('Docs');
    expect(local?.recent.map((e) => [e.description, e.elapsedSeconds])).toEqual([
      ['Lunch', 75 * 60],
      ['Docs', 102 * 60],
    ]);
  });

  it('an answer the account cannot take is the core’s error, exit 1, with what to run', async () => {
    await lunchLock();
    const r = await cli(['away', 'stop-now']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tray-timer: Local: /);
    expect(r.stderr).toContain('Run "tray-timer away" to see the question');
    expect(core.snapshot().presence.away).not.toBeNull();
  });
});

describe('away: without the app', () => {
  it('says the question exists only while the app runs', async () => {
    await ensureCliBuilt();
    const home = mkdtempSync(path.join(os.tmpdir(), 'tt-away-'));
    try {
      const shown = await runCli(['away'], { home });
      expect(shown).toMatchObject({
        code: 0,
        stdout:
          'Nothing to decide about time away.\nThe Tray Timer app is not running: the question about time away exists only while it runs.\n',
      });
      const answered = await runCli(['away', 'discard'], { home });
      expect(answered.code).toBe(1);
      expect(answered.stderr).toContain('exists only while it runs');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
