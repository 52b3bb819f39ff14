/**
 * `tray-timer` with a Toggl Track account, end to end: the built CLI in child processes, a fresh
 * data folder (TRAY_TIMER_HOME), the fake Toggl server over real HTTP, and the token kept in a
 * REAL keychain, the private unlocked gnome-keyring test/run-tests.sh starts (the CLI loads
 * keytar itself, as it does for a user). Asserted: what the user sees (stdout, stderr, exit
 * codes), what went over the wire (the fake's state and request log), what libsecret's own
 * secret-tool finds in the keyring, and that the token appears in no output and no file.
 *
 * Run alone with: sh test/run-tests.sh npx vitest run test/cli/toggl-cli.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeToggl, type FakeToggl, type FakeUser } from '../fakes/toggl-server';
import { requireTestKeyring } from '../keychain/keychain-env';
import { ensureCliBuilt, runCli, type CliRun } from './cli-build';
import {
  accountsJson,
  filesContainingAny,
  haveSecretTool,
  keyringClear,
  keyringLookup,
  skipReason,
  statusEntryJson,
  statusErrorJson,
} from './keyring-cli-kit';

/** Unique per run: a leftover from an earlier run can never make a test pass. */
const TOKEN = `e2e${Date.now().toString(16)}${Math.random().toString(16).slice(2)}cafe`;
const WRONG_TOKEN = `${TOKEN.slice(0, -4)}beef`;

const statusJson = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      label: z.string(),
      running: z.boolean(),
      entry: statusEntryJson,
      error: statusErrorJson,
    }),
  ),
});
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** Every file under `dir` whose bytes contain `needle` (also in other encodings a leak may use). */
function filesContaining(dir: string, needle: string): string[] {
  const forms = [needle, Buffer.from(`${needle}:api_token`).toString('base64')];
  return filesContainingAny(dir, forms);
}

requireTestKeyring();

describe.skipIf(skipReason !== '')(
  `tray-timer with a Toggl account, token in gnome-keyring${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let fake: FakeToggl;
    let user: FakeUser;
    let secondWorkspace: number;
    let home: string;
    const outputs: CliRun[] = [];
    const cli = async (args: string[], stdin?: string) => {
      const r = await runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });
      outputs.push(r);
      return r;
    };

    beforeAll(async () => {
      // On CI a missing secret-tool is a broken set-up, not a reason to skip.
      if (!haveSecretTool) throw new Error('secret-tool is missing on CI');
      await ensureCliBuilt();
      fake = await startFakeToggl();
      user = fake.addUser({
        token: TOKEN,
        fullname: 'Ada Lovelace',
        email: 'ada@example.com',
        workspaceName: 'Analytical Engines',
      });
      fake.addProject({ workspaceId: user.workspaceId, name: 'Website', clientName: 'ACME' });
      secondWorkspace = fake.addWorkspace({ userId: user.id, name: 'Side project' }).id;
      fake.addProject({ workspaceId: secondWorkspace, name: 'Garden' });
      home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-toggl-'));
      await keyringClear('toggl');
      await keyringClear('toggl-2');
    }, 180_000);

    afterAll(async () => {
      await fake?.close();
      if (home) rmSync(home, { recursive: true, force: true });
      await keyringClear('toggl');
      await keyringClear('toggl-2');
    });

    // The tests below are one user's session, in order: each builds on the one before.

    it('accounts add with a wrong token: exit 1, says it was rejected, saves nothing', async () => {
      const r = await cli(
        ['accounts', 'add', 'toggl', '--secret-stdin', '--base-url', fake.baseUrl],
        `${WRONG_TOKEN}\n`,
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^tray-timer: /);
      expect(r.stderr).toMatch(/rejected/i);
      expect(r.stderr).not.toContain(WRONG_TOKEN);
      // The token was really tried against Toggl (GET /me), and refused there.
      expect(fake.requestsBy({ method: 'GET', path: '/me' }).map((q) => q.status)).toContain(403);
      expect(await keyringLookup('toggl')).toBeNull();
      const list = accountsJson.parse(
        JSON.parse((await cli(['accounts', 'list', '--json'])).stdout),
      );
      expect(list.accounts.map((a) => a.id)).toEqual(['local']);
      expect(filesContaining(home, WRONG_TOKEN)).toEqual([]);
    });

    it('accounts add toggl --secret-stdin: exit 0, names the Toggl user, token only in the keyring', async () => {
      const r = await cli(
        ['accounts', 'add', 'toggl', '--secret-stdin', '--base-url', fake.baseUrl],
        `${TOKEN}\n`,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Connected Toggl Track: .+ \(id toggl\)\.\n$/);
      // The label is the connected Toggl user, not something we made up.
      expect(r.stdout).toMatch(/Ada Lovelace|ada@example\.com/);
      expect(r.stdout).not.toMatch(/session only|no keychain/);
      expect(await keyringLookup('toggl')).toBe(TOKEN);
      expect(filesContaining(home, TOKEN)).toEqual([]);
    });

    it('accounts add with --workspace and --label: a second account on the chosen workspace', async () => {
      const r = await cli(
        [
          'accounts',
          'add',
          'toggl',
          '--secret-stdin',
          '--base-url',
          fake.baseUrl,
          '--workspace',
          String(secondWorkspace),
          '--label',
          'Side',
        ],
        TOKEN,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Connected Toggl Track: Side (id toggl-2).\n');
      expect(await keyringLookup('toggl-2')).toBe(TOKEN);
    });

    it('accounts list --json: both Toggl accounts with their base URL, no secret', async () => {
      const r = await cli(['accounts', 'list', '--json']);
      expect(r.code).toBe(0);
      const list = accountsJson.parse(JSON.parse(r.stdout));
      expect(list.accounts).toEqual([
        expect.objectContaining({ id: 'local', provider: 'local', isDefault: true }),
        expect.objectContaining({
          id: 'toggl',
          provider: 'toggl',
          label: expect.stringMatching(/Ada Lovelace|ada@example\.com/) as unknown as string,
          baseUrl: fake.baseUrl,
        }),
        expect.objectContaining({
          id: 'toggl-2',
          provider: 'toggl',
          label: 'Side',
          baseUrl: fake.baseUrl,
        }),
      ]);
      expect(r.stdout).not.toContain(TOKEN);
    });

    it('start --account toggl --project: Toggl has the running entry, created with Tray Timer, one POST', async () => {
      const posts = () => fake.requestsBy({ method: 'POST' }).length;
      const before = posts();
      const r = await cli(['start', 'Write report', '--account', 'toggl', '--project', 'Website']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Write report/);
      expect(posts() - before).toBe(1);
      const running = fake.runningEntry(user.id);
      expect(running).toMatchObject({
        description: 'Write report',
        workspaceId: user.workspaceId,
        createdWith: 'Tray Timer',
        stop: null,
      });
      expect(running && fake.project(running.projectId ?? -1)?.name).toBe('Website');
    });

    it('status --json shows the Toggl entry with startedAt and elapsedSeconds', async () => {
      const running = fake.runningEntry(user.id);
      if (!running) throw new Error('nothing runs on the fake');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const r = await cli(['status', '--json']);
      expect(r.code).toBe(0);
      const status = statusJson.parse(JSON.parse(r.stdout));
      const toggl = status.accounts.find((a) => a.id === 'toggl');
      expect(toggl).toMatchObject({
        provider: 'toggl',
        running: true,
        error: null,
        entry: { description: 'Write report', projectName: 'Website', taskName: null },
      });
      const startedAt = toggl?.entry?.startedAt ?? '';
      expect(startedAt).toMatch(ISO_WITH_OFFSET);
      expect(Date.parse(startedAt)).toBe(running.start);
      const elapsed = toggl?.entry?.elapsedSeconds ?? -1;
      const expected = (Date.now() - running.start) / 1000;
      expect(elapsed).toBeGreaterThanOrEqual(1);
      expect(Math.abs(elapsed - expected)).toBeLessThanOrEqual(3);
      // The human line says the same.
      const text = await cli(['status']);
      expect(text.stdout).toMatch(/^▶ 0:00 Write report — Website \(Toggl Track: .+\)$/m);
    });

    it('stop --account toggl: the entry is stopped on Toggl, status shows nothing running', async () => {
      const running = fake.runningEntry(user.id);
      const r = await cli(['stop', '--account', 'toggl']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(fake.runningEntry(user.id)).toBeNull();
      expect(fake.entry(running?.id ?? -1)?.stop).toEqual(expect.any(Number));
      const status = statusJson.parse(JSON.parse((await cli(['status', '--json'])).stdout));
      expect(status.accounts.find((a) => a.id === 'toggl')).toMatchObject({
        running: false,
        entry: null,
      });
    });

    it('start on the --workspace account goes to that workspace', async () => {
      const r = await cli(['start', 'Plant', '--account', 'toggl-2', '--project', 'Garden']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(fake.runningEntry(user.id)).toMatchObject({
        description: 'Plant',
        workspaceId: secondWorkspace,
        createdWith: 'Tray Timer',
      });
      expect((await cli(['stop', '--account', 'toggl-2'])).code).toBe(0);
      expect(fake.runningEntry(user.id)).toBeNull();
    });

    it('start --tag twice --billable: Toggl has the entry with both tags and billable, one POST', async () => {
      const posts = () => fake.requestsBy({ method: 'POST' }).length;
      const before = posts();
      const r = await cli([
        'start',
        'Tagged work',
        '--account',
        'toggl',
        '--tag',
        'client',
        '--tag',
        'deep work',
        '--billable',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(posts() - before).toBe(1);
      expect(fake.runningEntry(user.id)).toMatchObject({
        description: 'Tagged work',
        tags: ['client', 'deep work'],
        billable: true,
      });
      expect((await cli(['stop', '--account', 'toggl'])).code).toBe(0);
    });

    it('accounts remove toggl deletes the keychain entry and the account', async () => {
      const r = await cli(['accounts', 'remove', 'toggl']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await keyringLookup('toggl')).toBeNull();
      // The other account's secret is untouched.
      expect(await keyringLookup('toggl-2')).toBe(TOKEN);
      const list = accountsJson.parse(
        JSON.parse((await cli(['accounts', 'list', '--json'])).stdout),
      );
      expect(list.accounts.map((a) => a.id)).toEqual(['local', 'toggl-2']);
      const gone = await cli(['stop', '--account', 'toggl']);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/No account with id “toggl”/);
    });

    it('the token never appeared in any CLI output nor in any file under TRAY_TIMER_HOME', () => {
      expect(outputs.length).toBeGreaterThan(10);
      for (const o of outputs) {
        expect(o.stdout).not.toContain(TOKEN);
        expect(o.stderr).not.toContain(TOKEN);
        expect(o.stdout).not.toContain(WRONG_TOKEN);
        expect(o.stderr).not.toContain(WRONG_TOKEN);
      }
      expect(filesContaining(home, TOKEN)).toEqual([]);
      expect(filesContaining(home, WRONG_TOKEN)).toEqual([]);
      // The fake's log keeps no Authorization header either (it was there: requests were authorized).
      expect(fake.requests.some((q) => q.authorized)).toBe(true);
      expect(JSON.stringify(fake.requests)).not.toContain(TOKEN);
    });
  },
);
