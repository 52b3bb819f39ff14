/**
 * `tray-timer` end to end, as a user runs it: the built bundle in a child process, a fresh data
 * folder (TRAY_TIMER_HOME) per test, no app running (so every command runs the core
 * in-process). What is asserted is what the user sees: stdout, stderr and the exit code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ensureCliBuilt, REPO, runCli } from './cli-build';

/** The `status --json` shape exactly as issue 2 promises it (written out independently). */
const issueStatusShape = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: z.enum(['local', 'toggl', 'trackingtime', 'webwork']),
      label: z.string(),
      running: z.boolean(),
      entry: z.union([
        z.null(),
        z.object({
          description: z.string().nullable(),
          projectName: z.string().nullable(),
          taskName: z.string().nullable(),
          startedAt: z.string().nullable(),
          elapsedSeconds: z.number(),
        }),
      ]),
      error: z.union([z.null(), z.object({ kind: z.string(), message: z.string() })]),
    }),
  ),
});
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

let home: string;
const cli = (args: string[], stdin?: string) =>
  runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });

/** stdout must be exactly one JSON object on one line. */
function oneJsonObject(stdout: string): unknown {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd().includes('\n')).toBe(false);
  return JSON.parse(stdout);
}

beforeAll(async () => {
  await ensureCliBuilt();
}, 180_000);

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('help, version, usage errors (exit 2)', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['status', 'start', 'stop', 'toggle', 'continue', 'accounts'])
      expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain('Exit codes: 0 success, 1 the action failed, 2 usage error.');
  });

  it('accounts --help lists list/add/remove', async () => {
    const r = await cli(['accounts', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/list[\s\S]*add[\s\S]*remove/);
  });

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      version: string;
    };
    const r = await cli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it.each([
    [[], /Usage: tray-timer/],
    [['bogus'], /unknown command 'bogus'/],
    [['status', '--bogus'], /unknown option '--bogus'/],
    [['stop', 'extra'], /too many arguments/],
    [['start', '--account'], /argument missing/],
    [['start', '--account', ''], /--account: account id is empty/],
    [['stop', '--account', 'has space'], /--account: account id may contain only/],
    [['start', 'x', '--project', '  '], /--project is empty/],
    [['start', 'x', '--tag', '  '], /--tag is empty/],
    [['start', 'x', '--tag'], /argument missing/],
    [['start', 'x', '--tags', 'a'], /unknown option '--tags'/],
    [['start', 'x', '--billable=yes'], /unknown option '--billable=yes'/],
    [['accounts'], /Usage: tray-timer accounts/],
    [['accounts', 'add'], /missing required argument 'provider'/],
    [
      ['accounts', 'add', 'bogus'],
      /PROVIDER must be one of toggl, trackingtime, webwork \(got "bogus"\)/,
    ],
    [['accounts', 'remove', 'a/b'], /ID: account id may contain only/],
    [['accounts', 'add', 'local'], /the Local account is built in/],
    [
      ['accounts', 'add', 'toggl', '--base-url', 'http://example.com', '--secret-stdin'],
      /--base-url must use https:/,
    ],
    [
      ['accounts', 'add', 'toggl', '--base-url', 'ftp://127.0.0.1/', '--secret-stdin'],
      /--base-url must be an https: URL/,
    ],
    [['accounts', 'add', 'toggl', '--base-url', 'not a url', '--secret-stdin'], /is not a URL/],
    [
      ['accounts', 'add', 'toggl', '--email', 'nobody', '--secret-stdin'],
      /--email: "nobody" is not an e-mail address/,
    ],
    [['accounts', 'remove'], /missing required argument 'id'/],
  ])('tray-timer %j → exit 2 with a message on stderr', async (args, message) => {
    const r = await cli(args, 'token-from-stdin');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('accounts add without --secret-stdin and without a terminal says how to give the secret', async () => {
    const r = await cli(['accounts', 'add', 'toggl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--secret-stdin/);
  });

  it('accounts add --secret-stdin with nothing on stdin is a usage error', async () => {
    const r = await cli(['accounts', 'add', 'toggl', '--secret-stdin'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input was empty/);
  });
});

describe('status', () => {
  it('on a fresh data folder: one idle line for the Local account', async () => {
    const r = await cli(['status']);
    expect(r).toMatchObject({
      code: 0,
      stderr: '',
      stdout: '■ Not tracking · today 0:00 (Local)\n',
    });
  });

  it('--json prints exactly one object of the promised shape', async () => {
    const r = await cli(['status', '--json']);
    expect(r.code).toBe(0);
    const json = issueStatusShape.parse(oneJsonObject(r.stdout));
    expect(json.accounts).toEqual([
      expect.objectContaining({
        id: 'local',
        provider: 'local',
        label: 'Local',
        running: false,
        entry: null,
        error: null,
      }),
    ]);
  });
});

describe('start, stop, toggle, continue (no app running: in-process core)', () => {
  it('start in one process; status in others sees it running with the same startedAt', async () => {
    const started = await cli(['start', 'Writing', 'docs', '--project', 'Website']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^Started .*Writing docs — Website.* on Local\.\n$/);

    const first = issueStatusShape.parse(oneJsonObject((await cli(['status', '--json'])).stdout));
    await new Promise((r) => setTimeout(r, 1100));
    const second = issueStatusShape.parse(oneJsonObject((await cli(['status', '--json'])).stdout));
    const a = first.accounts[0];
    const b = second.accounts[0];
    expect(a).toMatchObject({
      running: true,
      entry: { description: 'Writing docs', projectName: 'Website', taskName: null },
    });
    expect(a?.entry?.startedAt).toMatch(ISO_WITH_OFFSET);
    expect(b?.entry?.startedAt).toBe(a?.entry?.startedAt);
    // Recomputed when printed, from startedAt.
    expect(b?.entry?.elapsedSeconds).toBeGreaterThan(a?.entry?.elapsedSeconds ?? Infinity);

    const text = await cli(['status']);
    expect(text.stdout).toMatch(/^▶ 0:0\d Writing docs — Website \(Local\)\n$/);
  });

  it('stop, then continue and toggle, each with one confirmation line', async () => {
    expect((await cli(['start', 'Review'])).code).toBe(0);

    const stop = await cli(['stop']);
    expect(stop).toMatchObject({ code: 0, stderr: '' });
    expect(stop.stdout).toMatch(/^Stopped .*Review.*\n$/);
    expect((await cli(['status'])).stdout).toMatch(/^■ Not tracking · today 0:0\d \(Local\)\n$/);

    const cont = await cli(['continue', '--account', 'local']);
    expect(cont.code).toBe(0);
    expect(cont.stdout).toMatch(/Review/);
    expect((await cli(['status'])).stdout).toMatch(/^▶ 0:00 Review \(Local\)\n$/);

    const toggleOff = await cli(['toggle']);
    expect(toggleOff.code).toBe(0);
    expect((await cli(['status', '--json'])).stdout).toContain('"running":false');

    const toggleOn = await cli(['toggle']);
    expect(toggleOn.code).toBe(0);
    expect((await cli(['status', '--json'])).stdout).toContain('"running":true');
  });

  it('an account id that does not exist fails with exit 1 and says what to do', async () => {
    for (const args of [
      ['start', 'x', '--account', 'nope'],
      ['stop', '--account', 'nope'],
      ['toggle', '--account', 'nope'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/No account with id .nope.*accounts list/);
    }
  });

  it('start --tag / --billable on Local fails with exit 1, names what Local lacks, starts nothing', async () => {
    const tagged = await cli(['start', 'x', '--tag', 'a', '--tag', 'b']);
    expect(tagged).toMatchObject({ code: 1, stdout: '' });
    expect(tagged.stderr).toMatch(/Local entries have no tags\./);
    const billable = await cli(['start', 'x', '--billable']);
    expect(billable).toMatchObject({ code: 1, stdout: '' });
    expect(billable.stderr).toMatch(/Local entries have no billable flag\./);
    expect((await cli(['status', '--json'])).stdout).toContain('"running":false');
  });

  it('stop with nothing running succeeds and says so (the goal, nothing running, holds)', async () => {
    const r = await cli(['stop']);
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'Nothing was running on Local.\n' });
  });
});

describe('what status loads', () => {
  const importsOf = async (args: string[], stdin?: string): Promise<string[]> => {
    const log = path.join(home, 'imports.log');
    await runCli(args, {
      home,
      env: { TT_IMPORT_LOG: log },
      nodeArgs: ['--import', path.join(REPO, 'test', 'cli', 'fixtures', 'log-imports.mjs')],
      ...(stdin !== undefined ? { stdin } : {}),
    });
    return readFileSync(log, 'utf8').trim().split('\n');
  };

  it('status never loads the keychain (keytar), so a status bar stays fast', async () => {
    const loaded = await importsOf(['status']);
    expect(loaded.some((u) => u.includes('open-core'))).toBe(true); // the probe does see imports
    expect(loaded.filter((u) => /keytar|create-secret-store/.test(u))).toEqual([]);
  });

  it('accounts add does load it (the probe is not blind)', async () => {
    const loaded = await importsOf(['accounts', 'add', 'toggl', '--secret-stdin'], 'tok\n');
    expect(loaded.some((u) => u.includes('keytar'))).toBe(true);
  });
});

describe('data folder', () => {
  it('a TRAY_TIMER_HOME too deep for a Unix socket still works (in-process)', async () => {
    const deep = path.join(home, 'd'.repeat(60), 'e'.repeat(60));
    const r1 = await runCli(['start', 'Deep'], { home: deep });
    expect(r1.code).toBe(0);
    const r2 = await runCli(['status'], { home: deep });
    expect(r2).toMatchObject({ code: 0, stdout: '▶ 0:00 Deep (Local)\n' });
  });
});

describe('accounts', () => {
  it('list shows the built-in Local account as the default; --json is one object', async () => {
    const text = await cli(['accounts', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+PROVIDER\s+LABEL\s+DEFAULT/);
    expect(text.stdout).toMatch(/\nlocal\s+Local\s+Local\s+default\n$/);

    const json = await cli(['accounts', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(oneJsonObject(json.stdout)).toEqual({
      accounts: [
        { id: 'local', provider: 'local', label: 'Local', isDefault: true, baseUrl: null },
      ],
    });
  });

  it('add of a remote provider relays the core’s answer with exit 1 and never prints the secret', async () => {
    const secret = 'tok_SUPER_SECRET_123';
    const r = await cli(
      [
        'accounts',
        'add',
        'toggl',
        '--label',
        'Work',
        '--base-url',
        'http://127.0.0.1:9/api/v9',
        '--workspace',
        '42',
        '--secret-stdin',
      ],
      `${secret}\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tray-timer: .+/);
    expect(r.stdout + r.stderr).not.toContain(secret);
    // Nothing secret was written to the data folder either.
    expect((await cli(['accounts', 'list', '--json'])).stdout).not.toContain(secret);
  });

  it('remove of the built-in account or an unknown id fails with exit 1', async () => {
    const local = await cli(['accounts', 'remove', 'local']);
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/built in/);
    const unknown = await cli(['accounts', 'remove', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No account with id/);
  });
});
