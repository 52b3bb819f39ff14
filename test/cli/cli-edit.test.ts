/**
 * `tray-timer edit`: the arguments (what --start 9:15 means at a given moment, usage errors that
 * exit 2) and, end to end, the built bundle against a fresh data folder with the Local account:
 * what the user reads on stdout/stderr and the exit code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../main/cli/parse-args';
import { ensureCliBuilt, runCli } from './cli-build';

const at = (day: number, h: number, m: number) => new Date(2026, 10, day, h, m).getTime();

function parse(args: string[], now: number) {
  let err = '';
  const outcome = parseArgs(
    args,
    { writeOut: () => undefined, writeErr: (t) => (err += t) },
    '0',
    () => now,
  );
  return { outcome, err };
}

describe('edit: arguments', () => {
  it('--start 9:15 is the latest 9:15 not in the future, sent as ISO with the local offset', () => {
    const { outcome } = parse(['edit', '--start', '9:15'], at(27, 10, 0));
    if (outcome.kind !== 'run') throw new Error(`exit ${outcome.code}`);
    const { command } = outcome.invocation;
    expect(command.type).toBe('entry.update');
    if (command.type !== 'entry.update') return;
    expect(Date.parse(command.input.startedAt ?? '')).toBe(at(27, 9, 15));
    expect(command.input.startedAt).toMatch(/^2026-11-27T09:15:00[+-]\d\d:\d\d$/);

    // Just after midnight, 23:50 is yesterday evening.
    const late = parse(['edit', '--start', '23:50'], at(27, 0, 10)).outcome;
    if (late.kind !== 'run' || late.invocation.command.type !== 'entry.update')
      throw new Error('expected entry.update');
    expect(Date.parse(late.invocation.command.input.startedAt ?? '')).toBe(at(26, 23, 50));
  });

  it('description, project and task go as typed (trimmed); "" clears', () => {
    const { outcome } = parse(
      ['edit', '--account', 'toggl', '--description', ' Notes ', '--project', '', '--task', 'QA'],
      at(27, 10, 0),
    );
    if (outcome.kind !== 'run') throw new Error(`exit ${outcome.code}`);
    expect(outcome.invocation).toEqual({
      command: {
        type: 'entry.update',
        input: { accountId: 'toggl', description: 'Notes', project: '', task: 'QA' },
      },
      output: 'message',
    });
  });

  it('usage errors exit 2 naming the flag', () => {
    for (const [args, said] of [
      [['edit'], 'nothing to change: give --description, --project, --task or --start'],
      [['edit', '--start', '25:00'], '--start: “25:00” is not a time. Type a time such as 9:15'],
      [['edit', '--start', '2026-11-28T09:00'], "--start: The start can't be in the future."],
      [['edit', '--account', '', '--start', '9:00'], '--account'],
    ] as const) {
      const { outcome, err } = parse([...args], at(27, 10, 0));
      expect(outcome, args.join(' ')).toEqual({ kind: 'exit', code: 2 });
      expect(err).toContain(said);
    }
  });
});

describe('edit: end to end with Local', () => {
  let home: string;
  const cli = (args: string[]) => runCli(args, { home });

  beforeAll(async () => {
    await ensureCliBuilt();
  }, 180_000);

  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-edit-'));
  });

  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('moves the start and renames the running entry; status shows it', async () => {
    expect((await cli(['start', 'Docs'])).code).toBe(0);
    // A whole minute in the past, so the typed HH:MM is today's (or, near midnight, yesterday's).
    const d = new Date(Date.now() - 5 * 60_000);
    const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

    const r = await cli([
      'edit',
      '--start',
      hhmm,
      '--description',
      'Write-up',
      '--project',
      'Blog',
    ]);
    expect(r).toMatchObject({
      code: 0,
      stdout: `Updated “Write-up — Blog” on Local — started ${hhmm}.\n`,
      stderr: '',
    });
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as {
      accounts: { entry: { description: string; projectName: string; elapsedSeconds: number } }[];
    };
    expect(status.accounts[0]?.entry).toMatchObject({
      description: 'Write-up',
      projectName: 'Blog',
    });
    expect(status.accounts[0]?.entry.elapsedSeconds).toBeGreaterThanOrEqual(4 * 60);
  });

  it('with nothing running it fails (exit 1) and says so', async () => {
    const r = await cli(['edit', '--description', 'x']);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'tray-timer: Nothing is running on Local.\n',
    });
  });
});
