/**
 * `tray-timer` with WebWork accounts, end to end: the built CLI in child processes, a fresh data
 * folder (TRAY_TIMER_HOME), the fake WebWork API v2 over real HTTP, and the Personal Access Token
 * kept in a REAL keychain, the private unlocked gnome-keyring test/run-tests.sh starts. Ada owns
 * the Acme workspace (and belongs to Beta too); Bob is a Regular User of Acme. Asserted: what the
 * user sees (stdout, stderr, exit codes), what reached the fake (its request log: bodies and
 * queries), what libsecret's own secret-tool finds, and that no token appears in any output or
 * file. A last part runs the same member commands over the control socket to a running "app".
 *
 * Run alone with: sh test/run-tests.sh vitest run test/cli/webwork-cli.test.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Command } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { startControlServer, type ControlServer } from '../../main/control/socket-server';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { controlSocketPath } from '../../main/storage/data-dir';
import { seedAcme, type AcmeTeam } from '../../main/providers/webwork/webwork-test-setup';
import { startFakeWebWork, type FakeWebWork, type FakeWorkspace } from '../fakes/webwork-server';
import { requireTestKeyring } from '../keychain/keychain-env';
import { ensureCliBuilt, runCli, type CliRun } from './cli-build';
import {
  accountsJson,
  entryWithKindJson,
  filesContainingAny,
  haveSecretTool,
  keyringClear,
  keyringLookup,
  skipReason,
  statusErrorJson,
} from './keyring-cli-kit';

/** Unique per run: a leftover from an earlier run can never make a test pass. */
const stamp = `${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
const ADA_TOKEN = `ww-pat-ada-${stamp}`;
const NEW_TOKEN = `ww-pat-ada-new-${stamp}`;
const BOB_TOKEN = `ww-pat-bob-${stamp}`;
const SECRETS = [ADA_TOKEN, NEW_TOKEN, BOB_TOKEN];
const ACCOUNT = 'WebWork: ada@example.com · Acme';

/** `status --json`, with the additions this issue made (elapsedKind, actingFor). */
const statusJson = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      running: z.boolean(),
      entry: entryWithKindJson.nullable(),
      error: statusErrorJson,
      actingFor: z.object({ id: z.string(), name: z.string() }).nullable(),
    }),
  ),
});

/** `status --member X --json` and a `team --json` row, as the README documents them. */
const memberRow = z
  .object({
    member: z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      role: z.string().nullable(),
    }),
    running: z.boolean(),
    entry: entryWithKindJson.strict().nullable(),
    todaySeconds: z.number(),
    checkedAt: z.string().nullable(),
    error: statusErrorJson,
  })
  .strict();
const memberStatusJson = memberRow.extend({ accountId: z.string() }).strict();
const teamJson = z
  .object({
    accountId: z.string(),
    total: z.number(),
    tracking: z.number(),
    notTracking: z.number(),
    unchecked: z.number(),
    nextCheckAt: z.string().nullable(),
    members: z.array(memberRow),
  })
  .strict();

/** The token as it would leak: plain, or inside the Authorization header. */
const leakForms = (secret: string) => [secret, `Bearer ${secret}`];

/**
 * The Acme team of the provider tests (seedAcme) with this run's tokens, and Beta, where Ada is a
 * Regular User.
 */
interface World extends Omit<AcmeTeam, 'workspace'> {
  fake: FakeWebWork;
  acme: FakeWorkspace;
  beta: FakeWorkspace;
}

async function world(): Promise<World> {
  const fake = await startFakeWebWork();
  const { workspace: acme, ...team } = seedAcme(fake, { adaToken: ADA_TOKEN, bobToken: BOB_TOKEN });
  const beta = fake.addWorkspace({ name: 'Beta' });
  fake.addMember(beta.id, team.ada.id, 'Regular User');
  return { fake, acme, beta, ...team };
}

/** A command that worked: nothing on stderr (shown first, as it says why) and exit 0. */
function expectOk(r: CliRun): CliRun {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

const lastBody = (fake: FakeWebWork, route: string): unknown =>
  fake.requestsBy({ path: route }).at(-1)?.body;

requireTestKeyring();

describe.skipIf(skipReason !== '')(
  `tray-timer with WebWork accounts, token in gnome-keyring${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let w: World;
    let home: string;
    const outputs: CliRun[] = [];
    const cli = async (args: string[], stdin?: string) => {
      const r = await runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });
      outputs.push(r);
      return r;
    };
    /** `start Bricks` on Ada's account with `extra` options, which must work. */
    const startBricks = async (...extra: string[]) =>
      expectOk(await cli(['start', 'Bricks', '--account', 'webwork', ...extra]));
    const add = (extra: string[], token: string) =>
      cli(
        ['accounts', 'add', 'webwork', '--secret-stdin', '--base-url', w.fake.baseUrl, ...extra],
        `${token}\n`,
      );

    beforeAll(async () => {
      if (!haveSecretTool) throw new Error('secret-tool is missing on CI');
      await ensureCliBuilt();
      w = await world();
      home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-webwork-'));
      await keyringClear('webwork');
      await keyringClear('webwork-2');
    }, 180_000);

    afterAll(async () => {
      await w?.fake.close();
      if (home) rmSync(home, { recursive: true, force: true });
      await keyringClear('webwork');
      await keyringClear('webwork-2');
    });

    // One manager's session, in order: each test builds on the one before.

    it('without --email: exit 1 with the core’s reason, no request, nothing saved', async () => {
      const r = await add(['--workspace', 'Acme'], ADA_TOKEN);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Type the e-mail address of your WebWork login');
      expect(r.stderr).toContain('Run again with --email ADDRESS.');
      expect(w.fake.requests).toEqual([]);
      expect(await keyringLookup('webwork')).toBeNull();
    });

    it('several workspaces and no --workspace: exit 1 listing them, nothing saved', async () => {
      const r = await add(['--email', 'ada@example.com'], ADA_TOKEN);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `tray-timer: Choose a workspace: Acme (id ${w.acme.id}), Beta (id ${w.beta.id})\n` +
          'Run again with --workspace and one of those ids or names.\n',
      );
      expect(await keyringLookup('webwork')).toBeNull();
    });

    it('with --workspace by name: connected as the owner, the token read from stdin lands in the keyring only', async () => {
      // Ada's tracker already runs in the browser: the next test shows how status reports it.
      w.fake.setTimelineMinutes(w.ada.id, w.acme.id, 3 * 60 + 12);
      w.fake.remoteStart(w.ada.id, w.acme.id, {
        description: 'Writing docs',
        source: 'browser',
      });
      const before = w.fake.requests.length;
      const r = expectOk(
        await add(['--email', 'ada@example.com', '--workspace', 'acme'], ADA_TOKEN),
      );
      expect(r.stdout).toMatch(/^Connected WebWork: ada@example\.com · Acme \(id webwork\)/);
      const sent = w.fake.requests.slice(before);
      expect(sent.map((q) => `${q.method} ${q.path}`).slice(0, 2)).toEqual([
        'GET /workspaces',
        'GET /members',
      ]);
      expect(sent[1]?.query).toMatchObject({
        workspace_id: String(w.acme.id),
        email: 'ada@example.com',
      });
      expect(sent.every((q) => q.callerId === w.ada.id)).toBe(true);
      expect(await keyringLookup('webwork')).toBe(ADA_TOKEN);
      const settings = readFileSync(path.join(home, 'settings.json'), 'utf8');
      expect(settings).toContain('"webwork"');
      expect(settings).not.toContain(ADA_TOKEN);
      const list = accountsJson.parse(
        JSON.parse((await cli(['accounts', 'list', '--json'])).stdout),
      );
      expect(list.accounts.map((a) => [a.id, a.provider])).toEqual([
        ['local', 'local'],
        ['webwork', 'webwork'],
      ]);
    });

    it('a tracker started in the browser has no start time: status says the figure is today’s total', async () => {
      // The connect read it; status prints that reading (no request within the 2-minute poll).
      const text = await cli(['status']);
      expect(text.stderr).toBe('');
      expect(text.stdout).toMatch(
        /▶ today 3:1\d Writing docs \(WebWork: ada@example\.com · Acme\)/,
      );
      const json = statusJson.parse(JSON.parse((await cli(['status', '--json'])).stdout));
      const entry = json.accounts.find((a) => a.id === 'webwork')?.entry;
      expect(entry).toMatchObject({
        description: 'Writing docs',
        startedAt: null,
        elapsedKind: 'today',
      });
      expect(entry?.elapsedSeconds).toBeGreaterThanOrEqual((3 * 60 + 12) * 60);
      expect((await cli(['stop', '--account', 'webwork'])).code).toBe(0);
      expect(w.fake.tracker(w.ada.id, w.acme.id)).toBeNull();
    });

    it('start --project --task: the POST body names Ada, her contract and the task; status shows it; stop ends it', async () => {
      const r = await startBricks('--project', 'Website', '--task', 'design');
      expect(r.stdout).toContain('Bricks');
      expect(lastBody(w.fake, 'POST /time-tracking/start')).toEqual({
        workspace_id: w.acme.id,
        user_id: w.ada.id,
        contract_id: w.adaContract.id,
        task_id: w.design.id,
        activity_description: 'Bricks',
      });
      expect(w.fake.tracker(w.ada.id, w.acme.id)).toMatchObject({
        contractId: w.adaContract.id,
        taskId: w.design.id,
      });

      const text = await cli(['status']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`▶ 0:00 Bricks — Website / Design (${ACCOUNT})\n`);
      const json = statusJson.parse(JSON.parse((await cli(['status', '--json'])).stdout));
      expect(json.accounts.find((a) => a.id === 'webwork')).toMatchObject({
        running: true,
        error: null,
        actingFor: null,
        entry: {
          description: 'Bricks',
          projectName: 'Website',
          taskName: 'Design',
          elapsedKind: 'session',
        },
      });

      expectOk(await cli(['stop', '--account', 'webwork']));
      expect(w.fake.tracker(w.ada.id, w.acme.id)).toBeNull();
    });

    it('start --member bob: the POST body names Bob and his contract; Ada’s own tracker is untouched', async () => {
      const r = await startBricks('--member', 'bob@example.com', '--project', 'Website');
      expect(r.stdout).toContain('Bob Builder');
      expect(lastBody(w.fake, 'POST /time-tracking/start')).toEqual({
        workspace_id: w.acme.id,
        user_id: w.bob.id,
        contract_id: w.bobContract.id,
        activity_description: 'Bricks',
      });
      expect(w.fake.tracker(w.bob.id, w.acme.id)).toMatchObject({
        contractId: w.bobContract.id,
      });
      expect(w.fake.tracker(w.ada.id, w.acme.id)).toBeNull();
    });

    it('status --member by user id: Bob’s tracker, read for his user_id, whose tracker it is said', async () => {
      const r = expectOk(
        await cli(['status', '--account', 'webwork', '--member', String(w.bob.id)]),
      );
      expect(r.stdout).toBe(`▶ 0:00 Bricks — Website (${ACCOUNT}, Bob Builder)\n`);
      expect(w.fake.requestsBy({ path: 'GET /time-tracking/current-data' }).at(-1)?.query).toEqual({
        workspace_id: String(w.acme.id),
        user_id: String(w.bob.id),
      });

      const json = memberStatusJson.parse(
        JSON.parse(
          (await cli(['status', '--account', 'webwork', '--member', 'bob@example.com', '--json']))
            .stdout,
        ),
      );
      expect(json).toMatchObject({
        accountId: 'webwork',
        member: { id: String(w.bob.id), name: 'Bob Builder', email: 'bob@example.com' },
        running: true,
        entry: { description: 'Bricks', projectName: 'Website', elapsedKind: 'session' },
        error: null,
      });
      expect(json.checkedAt).not.toBeNull();
    });

    it('team: Bob tracking on a line of his own, Ada counted as not tracking; --json the same facts', async () => {
      const r = expectOk(await cli(['team', '--account', 'webwork']));
      expect(r.stdout).toBe('▶ Bob Builder  0:00  Bricks — Website\n1 not tracking\n');

      const json = teamJson.parse(
        JSON.parse((await cli(['team', '--account', 'webwork', '--json'])).stdout),
      );
      expect(json).toMatchObject({
        accountId: 'webwork',
        total: 2,
        tracking: 1,
        notTracking: 1,
        unchecked: 0,
        nextCheckAt: null,
      });
      expect(json.members.map((m) => [m.member.name, m.running])).toEqual([
        ['Bob Builder', true],
        ['Ada Lovelace', false],
      ]);
    });

    it('stop --member bob: the stop names Bob; then status --member says he is not tracking', async () => {
      const r = expectOk(
        await cli(['stop', '--account', 'webwork', '--member', 'bob@example.com']),
      );
      expect(r.stdout).toContain('Bob Builder');
      expect(lastBody(w.fake, 'POST /time-tracking/stop')).toEqual({
        workspace_id: w.acme.id,
        user_id: w.bob.id,
      });
      expect(w.fake.tracker(w.bob.id, w.acme.id)).toBeNull();
      const status = await cli(['status', '--account', 'webwork', '--member', 'bob@example.com']);
      expect(status.stdout).toMatch(
        /^■ Bob Builder is not tracking · today 0:0\d \(WebWork: ada@example\.com · Acme\)\n$/,
      );
    });

    const ROLE_ERROR =
      /^tray-timer: Acting for members and the team glance need the Owner or Executive manager role in WebWork: bob@example\.com · Acme; your role is Regular User\.\n$/;

    it('a Regular User’s account: status --member and team exit 1 naming the role needed, no tracker read for Ada', async () => {
      const added = expectOk(await add(['--email', 'bob@example.com'], BOB_TOKEN));
      expect(added.stdout).toContain('(id webwork-2)');
      const before = w.fake.requests.length;
      for (const args of [
        ['status', '--account', 'webwork-2', '--member', 'ada@example.com'],
        ['team', '--account', 'webwork-2'],
        ['team', '--account', 'webwork-2', '--json'],
      ]) {
        const r = await cli(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(ROLE_ERROR);
      }
      const sent = w.fake.requests.slice(before);
      expect(sent.filter((q) => q.path === '/time-tracking/current-data')).toEqual([]);
    });

    it('a Regular User’s account: start/stop --member exit 1 naming the role needed, nothing started or stopped', async () => {
      for (const args of [
        ['start', '--account', 'webwork-2', '--member', 'ada@example.com'],
        ['stop', '--account', 'webwork-2', '--member', 'ada@example.com'],
      ]) {
        const r = await cli(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(ROLE_ERROR);
      }
      expect(w.fake.requestsBy({ method: 'POST' }).filter((q) => q.callerId === w.bob.id)).toEqual(
        [],
      );
    });

    it('bad --member use is a usage error (exit 2) before anything is sent', async () => {
      const before = w.fake.requests.length;
      const empty = await cli(['start', '--member', ' ']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('error: --member is empty');
      // The default account is Local: the error says which accounts can.
      const onLocal = await cli(['team']);
      expect(onLocal.code).toBe(1);
      expect(onLocal.stderr).toBe(
        'tray-timer: Local has no team members to act for (Local accounts track only your own time).\n' +
          'Name the account with --account webwork.\n',
      );
      const alone = await cli(['status', '--account', 'webwork']);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain('--account goes with --member');
      const unknown = await cli([
        'status',
        '--account',
        'webwork',
        '--member',
        'nobody@example.com',
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No active member “nobody@example.com”');
      expect(w.fake.requests.slice(before).filter((q) => q.method === 'POST')).toEqual([]);
    });

    it('a revoked token: "token expired or revoked — paste a new one"; --reconnect with a new token works again', async () => {
      w.fake.revokeToken(ADA_TOKEN);
      const r = await cli(['start', 'Bricks', '--account', 'webwork']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/token expired or revoked — paste a new one/);
      expect(r.stderr).toContain(
        'Sign in again with "tray-timer accounts add webwork --reconnect webwork --secret-stdin".',
      );
      expect(w.fake.requestsBy({ status: 401 }).length).toBeGreaterThan(0);

      w.ada.tokens.add(NEW_TOKEN);
      const again = expectOk(
        await cli(
          ['accounts', 'add', 'webwork', '--reconnect', 'webwork', '--secret-stdin'],
          `${NEW_TOKEN}\n`,
        ),
      );
      expect(again.stdout).toMatch(/^Reconnected WebWork: ada@example\.com · Acme \(id webwork\)/);
      expect(await keyringLookup('webwork')).toBe(NEW_TOKEN);
      await startBricks();
      expect(w.fake.tracker(w.ada.id, w.acme.id)).not.toBeNull();
      expect((await cli(['stop', '--account', 'webwork'])).code).toBe(0);
    });

    it('no token appeared in any CLI output, any file under TRAY_TIMER_HOME, or the fake’s log', () => {
      expect(outputs.length).toBeGreaterThan(20);
      for (const o of outputs) {
        for (const secret of SECRETS) {
          expect(o.stdout).not.toContain(secret);
          expect(o.stderr).not.toContain(secret);
        }
      }
      expect(filesContainingAny(home, SECRETS.flatMap(leakForms))).toEqual([]);
      const log = JSON.stringify(w.fake.requests);
      for (const secret of SECRETS) expect(log).not.toContain(secret);
    });
  },
);

/**
 * The same member commands while "the app" runs: this process plays it (a real core in 'app'
 * mode behind the real control server) and the CLI must go over the socket. The token lives in
 * the app's memory here: the keyring is not the subject of this part.
 */
describe('tray-timer --member and team over the control socket to a running app', () => {
  let w: World;
  let home: string;
  let core: Core;
  let server: ControlServer;
  const reached: string[] = [];
  const cli = (args: string[]) => runCli(args, { home });

  beforeAll(async () => {
    await ensureCliBuilt();
    w = await world();
    home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-webwork-app-'));
    core = await openCore({ dataDir: home, secrets: new MemorySecretStore(), mode: 'app' });
    const added = await core.execute({
      type: 'accounts.add',
      input: {
        provider: 'webwork',
        baseUrl: w.fake.baseUrl,
        secret: ADA_TOKEN,
        options: { email: 'ada@example.com', workspace: String(w.acme.id) },
      },
    });
    if (!added.ok) throw new Error(added.error.message);
    server = await startControlServer({
      socketPath: controlSocketPath(home),
      core: {
        snapshot: () => core.snapshot(),
        execute: (c: Command) => {
          reached.push(c.type);
          return core.execute(c);
        },
      },
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await core?.close();
    await w?.fake.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('start --member, team and stop --member reach the app’s core and WebWork', async () => {
    expectOk(await cli(['start', 'Wiring', '--account', 'webwork', '--member', 'bob@example.com']));
    expect(lastBody(w.fake, 'POST /time-tracking/start')).toMatchObject({ user_id: w.bob.id });

    const team = await cli(['team', '--account', 'webwork']);
    expect(team.stderr).toBe('');
    expect(team.stdout).toBe('▶ Bob Builder  0:00  Wiring\n1 not tracking\n');

    const stop = await cli(['stop', '--account', 'webwork', '--member', 'bob@example.com']);
    expect(stop.code).toBe(0);
    expect(w.fake.tracker(w.bob.id, w.acme.id)).toBeNull();
    expect(reached).toEqual(['start', 'team', 'stop']);
  });

  // The socket answers a plain `status` from the snapshot, but a member's status from the core.
  it('status --member is answered by the app with Bob’s tracker', async () => {
    const r = expectOk(
      await cli(['status', '--account', 'webwork', '--member', 'bob@example.com']),
    );
    expect(r.stdout).toMatch(
      /^■ Bob Builder is not tracking · today 0:0\d \(WebWork: ada@example\.com · Acme\)\n$/,
    );
  });
});

/**
 * A manager of 50: WebWork reads one member per request, so one `team` call reads what the rate
 * budget leaves and says how many wait and until when. Its own folder and world (the members
 * exist before the account connects, as the member list is cached for minutes).
 */
describe.skipIf(skipReason !== '')(
  `tray-timer team on a 50-member workspace${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let w: World;
    let home: string;
    const cli = (args: string[], stdin?: string) =>
      runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });

    beforeAll(async () => {
      await ensureCliBuilt();
      w = await world();
      for (let i = 1; i <= 48; i++) {
        const u = w.fake.addUser({
          email: `m${i}@example.com`,
          firstname: 'Member',
          lastname: String(i).padStart(2, '0'),
        });
        w.fake.addMember(w.acme.id, u.id, 'Regular User');
      }
      w.fake.remoteStart(w.bob.id, w.acme.id, { description: 'Wiring', source: 'browser' });
      home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-webwork-50-'));
      await keyringClear('webwork');
      const added = await cli(
        [
          'accounts',
          'add',
          'webwork',
          '--secret-stdin',
          '--base-url',
          w.fake.baseUrl,
          '--email',
          'ada@example.com',
          '--workspace',
          'Acme',
        ],
        `${ADA_TOKEN}\n`,
      );
      if (added.code !== 0) throw new Error(added.stderr);
    }, 180_000);

    afterAll(async () => {
      await w?.fake.close();
      if (home) rmSync(home, { recursive: true, force: true });
      await keyringClear('webwork');
    });

    it('a 50-member team: one call reads what the rate budget leaves and says how many wait and until when', async () => {
      const before = w.fake.requests.length;
      const r = expectOk(await cli(['team', '--account', 'webwork']));
      const reads = w.fake.requests
        .slice(before)
        .filter((q) => q.path === '/time-tracking/current-data');
      const lines = r.stdout.trimEnd().split('\n');
      // Bob's browser tracker has no start time: today's total, said so.
      expect(lines[0]).toBe('▶ Bob Builder  today 0:00  Wiring');
      const waiting =
        /^(\d+) members not checked yet \(rate budget\) — next check at (\d\d:\d\d)$/.exec(
          lines.at(-1) ?? '',
        );
      expect(waiting, lines.join('\n')).not.toBeNull();
      // Everyone is read, tracking, idle or waiting: Ada's own tracker was read when she connected.
      expect(reads.length + Number(waiting?.[1])).toBe(49);
      // Idle: those read minus Bob, plus Ada.
      expect(lines.at(-2)).toBe(`${reads.length} not tracking`);
      expect(reads.length).toBeGreaterThan(10);

      // Asked again at once: the budget is spent, nothing more is read, the same wait is shown.
      const mid = w.fake.requests.length;
      const json = teamJson.parse(
        JSON.parse((await cli(['team', '--account', 'webwork', '--json'])).stdout),
      );
      expect(
        w.fake.requests.slice(mid).filter((q) => q.path === '/time-tracking/current-data'),
      ).toEqual([]);
      expect(json).toMatchObject({ total: 50, tracking: 1, unchecked: Number(waiting?.[1]) });
      const next = new Date(Date.parse(json.nextCheckAt ?? ''));
      expect(waiting?.[2]).toBe(
        `${String(next.getHours()).padStart(2, '0')}:${String(next.getMinutes()).padStart(2, '0')}`,
      );
      // Within WebWork's 60 a minute: nothing refused.
      expect(w.fake.requestsBy({ status: 429 })).toEqual([]);
      expect(w.fake.maxRequestsInWindow({ callerId: w.ada.id })).toBeLessThanOrEqual(60);
    });
  },
);
