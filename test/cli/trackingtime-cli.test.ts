/**
 * `tray-timer` with TrackingTime accounts, end to end: the built CLI in child processes, a fresh
 * data folder (TRAY_TIMER_HOME), the fake TrackingTime server over real HTTP, and the secrets
 * kept in a REAL keychain, the private unlocked gnome-keyring test/run-tests.sh starts. One
 * account connects with an App Password (Basic API_TOKEN:<app password>), another with the
 * e-mail and account password (Basic <e-mail>:<password>). Asserted: what the user sees (stdout,
 * stderr, exit codes), what reached the fake (its events and request log), what libsecret's own
 * secret-tool finds, and that no secret appears in any output or file.
 *
 * Run alone with: sh test/run-tests.sh npx vitest run test/cli/trackingtime-cli.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  startFakeTrackingTime,
  type FakeAccount,
  type FakeTask,
  type FakeTrackingTime,
  type FakeUser,
} from '../fakes/trackingtime-server';
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
const stamp = `${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
const APP_PASSWORD = `ttapp${stamp}`;
const PASSWORD = `ttpw ${stamp} horse`;
const WRONG = `${APP_PASSWORD.slice(0, -3)}bad`;
const SECRETS = [APP_PASSWORD, PASSWORD, WRONG];
const EMAIL = 'ada@example.com';

const statusJson = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      running: z.boolean(),
      entry: statusEntryJson,
      error: statusErrorJson,
    }),
  ),
});

/** Every file under `dir` whose bytes contain a secret, plain or as the Basic credentials. */
function filesContaining(dir: string, secret: string): string[] {
  const forms = [
    secret,
    Buffer.from(`API_TOKEN:${secret}`).toString('base64'),
    Buffer.from(`${EMAIL}:${secret}`).toString('base64'),
  ];
  return filesContainingAny(dir, forms);
}

requireTestKeyring();

describe.skipIf(skipReason !== '')(
  `tray-timer with TrackingTime accounts, secrets in gnome-keyring${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let fake: FakeTrackingTime;
    let user: FakeUser;
    let acme: FakeAccount;
    let beta: FakeAccount;
    let design: FakeTask;
    let copy: FakeTask;
    let home: string;
    const outputs: CliRun[] = [];
    const cli = async (args: string[], stdin?: string) => {
      const r = await runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });
      outputs.push(r);
      return r;
    };
    const add = (extra: string[], secret: string) =>
      cli(
        ['accounts', 'add', 'trackingtime', '--secret-stdin', '--base-url', fake.baseUrl, ...extra],
        `${secret}\n`,
      );

    beforeAll(async () => {
      if (!haveSecretTool) throw new Error('secret-tool is missing on CI');
      await ensureCliBuilt();
      fake = await startFakeTrackingTime();
      acme = fake.addAccount({ company: 'Acme' });
      beta = fake.addAccount({ company: 'Beta' });
      user = fake.addUser({
        email: EMAIL,
        password: PASSWORD,
        appPassword: APP_PASSWORD,
        firstName: 'Ada',
        lastName: 'Lovelace',
        timezone: 'America/New_York',
        accountId: acme.id,
        otherAccountIds: [beta.id],
      });
      const website = fake.addProject({ accountId: acme.id, name: 'Website' });
      design = fake.addTask({ projectId: website.id, name: 'Design', userIds: [user.id] });
      copy = fake.addTask({ projectId: website.id, name: 'Copywriting', userIds: [user.id] });
      const garden = fake.addProject({ accountId: beta.id, name: 'Garden' });
      fake.addTask({ projectId: garden.id, name: 'Plant', userIds: [user.id] });
      home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-trackingtime-'));
      await keyringClear('trackingtime');
      await keyringClear('trackingtime-2');
    }, 180_000);

    afterAll(async () => {
      await fake?.close();
      if (home) rmSync(home, { recursive: true, force: true });
      await keyringClear('trackingtime');
      await keyringClear('trackingtime-2');
    });

    // One user's session, in order: each test builds on the one before.

    it('a wrong app password: exit 1, refused by TrackingTime, nothing saved', async () => {
      const r = await add(['--workspace', String(acme.id)], WRONG);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^tray-timer: /);
      expect(fake.requestsBy({ path: '/me' }).map((q) => q.status)).toEqual([401]);
      expect(await keyringLookup('trackingtime')).toBeNull();
      const list = accountsJson.parse(
        JSON.parse((await cli(['accounts', 'list', '--json'])).stdout),
      );
      expect(list.accounts.map((a) => a.id)).toEqual(['local']);
    });

    it('several teams and no --workspace: exit 1 listing the choices, nothing saved', async () => {
      const r = await add([], APP_PASSWORD);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Choose a workspace: Acme (id ${acme.id}), Beta (id ${beta.id})`);
      expect(await keyringLookup('trackingtime')).toBeNull();
    });

    it('with an app password and --workspace ACCOUNT_ID: connected, sent as API_TOKEN:<app password>, secret only in the keyring', async () => {
      const before = fake.requests.length;
      const r = await add(['--workspace', String(acme.id)], APP_PASSWORD);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`Connected TrackingTime: ${EMAIL} · Acme (id trackingtime).\n`);
      expect(fake.requests.slice(before).map((q) => `${q.path} ${q.authKind}`)).toContain(
        '/me api-token',
      );
      expect(await keyringLookup('trackingtime')).toBe(APP_PASSWORD);
      expect(filesContaining(home, APP_PASSWORD)).toEqual([]);
    });

    it('with --email and the account password, --workspace by name, --label: a second account, sent as e-mail:password', async () => {
      const before = fake.requests.length;
      const r = await add(['--email', EMAIL, '--workspace', 'beta', '--label', 'Side'], PASSWORD);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Connected TrackingTime: Side (id trackingtime-2).\n');
      expect(fake.requests.slice(before).map((q) => `${q.path} ${q.authKind}`)).toContain(
        '/me email',
      );
      expect(await keyringLookup('trackingtime-2')).toBe(PASSWORD);
      const list = accountsJson.parse(
        JSON.parse((await cli(['accounts', 'list', '--json'])).stdout),
      );
      expect(list.accounts.map((a) => [a.id, a.provider, a.baseUrl])).toEqual([
        ['local', 'local', null],
        ['trackingtime', 'trackingtime', fake.baseUrl],
        ['trackingtime-2', 'trackingtime', fake.baseUrl],
      ]);
    });

    it('start --project --task: the task tracks for the user on TrackingTime; status shows it; stop closes the event', async () => {
      const r = await cli([
        'start',
        '--account',
        'trackingtime',
        '--project',
        'Website',
        '--task',
        'design',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Design/);
      const running = fake.runningEvent(user.id);
      expect(running).toMatchObject({ taskId: design.id, accountId: acme.id, end: null });

      const status = statusJson.parse(JSON.parse((await cli(['status', '--json'])).stdout));
      const tt = status.accounts.find((a) => a.id === 'trackingtime');
      expect(tt).toMatchObject({
        provider: 'trackingtime',
        running: true,
        error: null,
        // The task is the entry's description in TrackingTime (not repeated as its task).
        entry: { description: 'Design', projectName: 'Website' },
      });
      // The start is the event's, converted from the user's zone (New York) correctly.
      expect(Date.parse(tt?.entry?.startedAt ?? '')).toBe(running?.start);

      const stop = await cli(['stop', '--account', 'trackingtime']);
      expect(stop.stderr).toBe('');
      expect(stop.code).toBe(0);
      expect(fake.runningEvent(user.id)).toBeNull();
      expect(fake.event(running?.id ?? -1)?.end).toEqual(expect.any(Number));
    });

    it('a timer started elsewhere: start exits 1 saying so and suggesting --replace; with --replace it stops that one and starts this', async () => {
      const remote = fake.remoteTrack(user.id, copy.id);
      const args = [
        'start',
        '--account',
        'trackingtime',
        '--project',
        'Website',
        '--task',
        'Design',
      ];
      const refused = await cli(args);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^tray-timer: .*running/i);
      expect(refused.stderr).toContain('Run again with --replace to stop it and start this one.');
      expect(fake.runningEvent(user.id)?.id).toBe(remote.id);

      const replaced = await cli([...args, '--replace']);
      expect(replaced.stderr).toBe('');
      expect(replaced.code).toBe(0);
      expect(fake.runningEvent(user.id)?.taskId).toBe(design.id);
      expect(fake.event(remote.id)?.end).toEqual(expect.any(Number));
      expect((await cli(['stop', '--account', 'trackingtime'])).code).toBe(0);
      expect(fake.runningEvent(user.id)).toBeNull();
    });

    it('start on the e-mail account goes to its workspace (Beta)', async () => {
      const r = await cli([
        'start',
        '--account',
        'trackingtime-2',
        '--project',
        'Garden',
        '--task',
        'Plant',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(fake.runningEvent(user.id)).toMatchObject({ accountId: beta.id });
      expect((await cli(['stop', '--account', 'trackingtime-2'])).code).toBe(0);
      const started = fake.requestsBy({ path: '/tasks/track/*' }).at(-1);
      expect(started?.authKind).toBe('email');
    });

    it('accounts remove trackingtime deletes its keychain entry only', async () => {
      const r = await cli(['accounts', 'remove', 'trackingtime']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await keyringLookup('trackingtime')).toBeNull();
      expect(await keyringLookup('trackingtime-2')).toBe(PASSWORD);
    });

    it('no secret appeared in any CLI output, any file under TRAY_TIMER_HOME, or the fake’s log', () => {
      expect(outputs.length).toBeGreaterThan(10);
      for (const o of outputs) {
        for (const secret of SECRETS) {
          expect(o.stdout).not.toContain(secret);
          expect(o.stderr).not.toContain(secret);
        }
      }
      for (const secret of SECRETS) expect(filesContaining(home, secret)).toEqual([]);
      expect(fake.requests.some((q) => q.authKind !== 'none')).toBe(true);
      const log = JSON.stringify(fake.requests);
      for (const secret of SECRETS) expect(log).not.toContain(secret);
    });
  },
);
