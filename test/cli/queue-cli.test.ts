/**
 * `tray-timer` and the action journal, end to end: the built CLI in child processes (no app
 * running, so each command opens the core itself, which first sends what waited), a fresh data
 * folder, the fake Toggl and WebWork servers over real HTTP, tokens in the REAL test keyring.
 * The service goes away (every socket reset), the user starts anyway; `status` and `queue` say
 * what waits and why; once the service is back the next command sends it, once, at the asked
 * time. Set-aside actions are retried (with --anyway for a conflict) or discarded by id; WebWork
 * refuses to queue without --queue-if-offline and says how to.
 *
 * Run alone with: sh test/run-tests.sh npx vitest run test/cli/queue-cli.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAcme } from '../../main/providers/webwork/webwork-test-setup';
import { queueJsonSchema, statusJsonSchema } from '../../main/cli/status-output';
import { formatClockTime } from '../../preload/format';
import {
  startFakeToggl,
  type FakeProject,
  type FakeToggl,
  type FakeUser,
} from '../fakes/toggl-server';
import { startFakeWebWork, type FakeWebWork } from '../fakes/webwork-server';
import { requireTestKeyring } from '../keychain/keychain-env';
import { ensureCliBuilt, runCli, type CliRun } from './cli-build';
import { haveSecretTool, keyringClear, skipReason } from './keyring-cli-kit';

/** Unique per run: a leftover from an earlier run can never make a test pass. */
const TOKEN = `q${Date.now().toString(16)}${Math.random().toString(16).slice(2)}cafe`;
const WW_TOKEN = `ww-q-${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;

function expectOk(r: CliRun): CliRun {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

const queueOf = (r: CliRun) => queueJsonSchema.strict().parse(JSON.parse(r.stdout)).actions;

requireTestKeyring();

describe.skipIf(skipReason !== '')(
  `tray-timer queue with Toggl, token in gnome-keyring${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let fake: FakeToggl;
    let user: FakeUser;
    let website: FakeProject;
    let home: string;
    const cli = (args: string[], stdin?: string) =>
      runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });
    const offline = () => fake.fault('reset', '**');
    const online = () => fake.clearFaults();
    /** Successful POSTs that create a Toggl entry. */
    const created = () =>
      fake.requests.filter(
        (r) =>
          r.method === 'POST' &&
          /^\/workspaces\/\d+\/time_entries$/.test(r.path) &&
          r.status === 200,
      );

    beforeAll(async () => {
      if (!haveSecretTool) throw new Error('secret-tool is missing on CI');
      await ensureCliBuilt();
      fake = await startFakeToggl();
      user = fake.addUser({ token: TOKEN, email: 'ada@example.com', fullname: 'Ada Lovelace' });
      website = fake.addProject({ workspaceId: user.workspaceId, name: 'Website' });
      home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-queue-'));
      await keyringClear('toggl');
      expectOk(
        await cli(
          [
            'accounts',
            'add',
            'toggl',
            '--secret-stdin',
            '--base-url',
            fake.baseUrl,
            '--label',
            'Work',
          ],
          `${TOKEN}\n`,
        ),
      );
    }, 180_000);

    afterAll(async () => {
      await fake?.close();
      if (home) rmSync(home, { recursive: true, force: true });
      await keyringClear('toggl');
    });

    // One user's session, in order: each test builds on the one before.

    it('offline start: exit 0, "will sync when online"; status (text and --json) and queue show it waiting; nothing reached Toggl', async () => {
      offline();
      const r = expectOk(await cli(['start', 'Offline', 'docs', '--account', 'toggl']));
      expect(r.stdout).toMatch(
        /^Started “Offline docs” at (\d\d:\d\d) on Toggl Track: Work — will sync when online\.\n$/,
      );
      const hhmm = /at (\d\d:\d\d)/.exec(r.stdout)?.[1];

      // Still offline (and a CLI call does not knock again sooner than the app would): pending.
      const status = expectOk(await cli(['status']));
      expect(status.stdout.split('\n')).toEqual([
        expect.stringMatching(/^■ Not tracking · today 0:00 \(Local\)$/),
        expect.stringMatching(
          /^▶ 0:0\d Offline docs \(Toggl Track: Work\) — will sync when online( ! Offline)?$/,
        ),
        `    ↻ Start “Offline docs” at ${hhmm} — will sync when online`,
        '',
      ]);
      const json = statusJsonSchema
        .strict()
        .parse(JSON.parse(expectOk(await cli(['status', '--json'])).stdout));
      const toggl = json.accounts.find((a) => a.id === 'toggl');
      expect(toggl?.entry).toMatchObject({ description: 'Offline docs', pending: true });
      expect(toggl?.pending).toEqual([
        {
          id: expect.any(String),
          kind: 'start',
          summary: `Start “Offline docs” at ${hhmm}`,
          at: expect.any(String),
          state: 'waiting',
          error: { kind: 'offline', message: expect.stringMatching(/Toggl Track is unreachable/) },
          theirs: null,
        },
      ]);
      expect(json.accounts.find((a) => a.id === 'local')?.pending).toEqual([]);

      const list = expectOk(await cli(['queue']));
      const id = toggl?.pending[0]?.id ?? '';
      const lines = list.stdout.split('\n');
      expect(lines[0]).toMatch(/^ID\s+STATE\s+ACCOUNT\s+ACTION$/);
      expect(lines[1]).toMatch(
        new RegExp(`^${id}\\s+waiting\\s+Toggl Track: Work\\s+Start “Offline docs” at ${hhmm}$`),
      );
      expect(lines[2]).toMatch(/^ {4}Toggl Track is unreachable.* — will sync when online$/);
      expect(queueOf(expectOk(await cli(['queue', '--json'])))).toEqual([
        expect.objectContaining({
          id,
          accountId: 'toggl',
          account: 'Toggl Track: Work',
          state: 'waiting',
        }),
      ]);
      expect(created()).toEqual([]);
      expect(fake.entries(user.id)).toEqual([]);
    });

    /** The one action in the journal (it must be exactly one). */
    const onlyAction = async () => {
      const actions = queueOf(expectOk(await cli(['queue', '--json'])));
      expect(actions).toHaveLength(1);
      return actions[0] as NonNullable<(typeof actions)[0]>;
    };

    it('back online: "queue retry ID" sends it now — one entry at Toggl, with the asked start; nothing is sent twice', async () => {
      const action = await onlyAction();
      const asked = Date.parse(action.at);
      online();
      const sent = expectOk(await cli(['queue', 'retry', action.id]));
      expect(sent.stdout).toBe('Start “Offline docs”: done on Toggl Track: Work.\n');
      const status = expectOk(await cli(['status']));
      expect(status.stdout).toMatch(/^▶ 0:0\d Offline docs \(Toggl Track: Work\)$/m);
      expect(status.stdout).not.toContain('will sync');
      expect(created()).toHaveLength(1);
      const entries = fake.entries(user.id);
      expect(entries.map((e) => e.description)).toEqual(['Offline docs']);
      expect(Math.abs((entries[0]?.start ?? 0) - asked)).toBeLessThan(1000);
      expect(expectOk(await cli(['queue'])).stdout).toBe(
        'Nothing waits: every start and stop was confirmed by its service.\n',
      );
      // Later commands do not send it again.
      expectOk(await cli(['status']));
      expect(created()).toHaveLength(1);
    });

    it('refused for good (the project went away): retry says why (exit 1) and what to do; queue and status list it as refused; discard drops it', async () => {
      offline();
      expectOk(await cli(['start', 'Homepage', '--project', 'Website', '--account', 'toggl']));
      const { id } = await onlyAction();
      // Toggl answers 400 "Invalid project_id" for a project no longer in the workspace.
      const other = fake.addWorkspace({ userId: user.id, name: 'Elsewhere' });
      fake.remoteEditProject(website.id, { workspaceId: other.id });
      online();

      const retry = await cli(['queue', 'retry', id]);
      const action = await onlyAction();
      expect(action).toMatchObject({ state: 'rejected', error: { kind: expect.any(String) } });
      const reason = action.error?.message ?? 'missing';
      expect(reason).toMatch(/project/i);
      expect(retry.code).toBe(1);
      expect(retry.stdout).toBe('');
      expect(retry.stderr).toBe(
        `tray-timer: ${reason}\nFix the cause and retry, or drop it with "tray-timer queue discard ${id}".\n`,
      );

      const list = expectOk(await cli(['queue']));
      expect(list.stdout).toMatch(
        new RegExp(
          `^${id}\\s+rejected\\s+Toggl Track: Work\\s+Start “Homepage — Website” at \\d\\d:\\d\\d$`,
          'm',
        ),
      );
      expect(list.stdout).toContain(`\n    ${reason}\n`);
      expect(list.stdout).toMatch(
        /1 action needs you: "tray-timer queue retry ID" .* "tray-timer queue discard ID"\.\n$/,
      );
      // status shows it under the account too.
      expect(expectOk(await cli(['status'])).stdout).toContain(
        `\n    ⚠ ${action.summary} — refused: ${reason} (tray-timer queue)\n`,
      );

      const discard = expectOk(await cli(['queue', 'discard', id]));
      expect(discard.stdout).toBe('Discarded Start “Homepage — Website” (Toggl Track: Work).\n');
      expect(queueOf(expectOk(await cli(['queue', '--json'])))).toEqual([]);
      expect(fake.entries(user.id).map((e) => e.description)).toEqual(['Offline docs']);
      expect(created()).toHaveLength(1);

      // Gone means gone: the id is not found any more, and the CLI says where to look.
      const again = await cli(['queue', 'discard', id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        'tray-timer: That action is no longer queued (it was sent or discarded).\nRun "tray-timer queue" to see what is queued.\n',
      );
    });

    it('conflict (a timer started on the web meanwhile): retry says so and how to apply it anyway; queue shows both; --anyway makes mine run at Toggl', async () => {
      offline();
      expectOk(await cli(['start', 'Write', 'report', '--account', 'toggl']));
      const { id } = await onlyAction();
      const theirs = fake.remoteStart(user.id, { description: 'Call with a client' });
      online();

      const plain = await cli(['queue', 'retry', id]);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(
        /^tray-timer: While this waited, “Call with a client” was started elsewhere/,
      );
      expect(plain.stderr).toContain(
        `\nRun "tray-timer queue retry ${id} --anyway" to apply it as it is, or "tray-timer queue discard ${id}".\n`,
      );
      expect(fake.runningEntry(user.id)?.id).toBe(theirs.id);

      const action = await onlyAction();
      expect(action).toMatchObject({
        state: 'conflict',
        error: { kind: 'conflict' },
        theirs: { description: 'Call with a client' },
      });
      const since = formatClockTime(new Date(theirs.start).toISOString());
      const list = expectOk(await cli(['queue']));
      expect(list.stdout).toMatch(
        new RegExp(`^${id}\\s+conflict\\s+Toggl Track: Work\\s+Start “Write report” at`, 'm'),
      );
      expect(list.stdout).toContain(`    On the service now: Call with a client since ${since}\n`);

      const anyway = expectOk(await cli(['queue', 'retry', id, '--anyway']));
      expect(anyway.stdout).toBe('Start “Write report”: done on Toggl Track: Work.\n');
      expect(fake.runningEntry(user.id)?.description).toBe('Write report');
      expect(fake.entry(theirs.id)?.stop).not.toBeNull();
      expect(queueOf(expectOk(await cli(['queue', '--json'])))).toEqual([]);
    });

    it('usage: queue retry/discard need an id (exit 2); --queue-if-offline is accepted by start, stop, toggle and continue', async () => {
      const missing = await cli(['queue', 'retry']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/missing required argument 'id'/);
      const empty = await cli(['queue', 'discard', ' ']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/^error: ID: /);
      const help = expectOk(await cli(['queue', '--help']));
      expect(help.stdout).toContain('retry [options] <id>');
      expect(help.stdout).toContain('discard <id>');
      for (const verb of ['start', 'stop', 'toggle', 'continue'])
        expect(expectOk(await cli([verb, '--help'])).stdout).toContain('--queue-if-offline');
      expect(expectOk(await cli(['--help'])).stdout).toContain('tray-timer queue');
    });
  },
);

describe.skipIf(skipReason !== '')(
  `tray-timer with WebWork offline: asks before queueing${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let fake: FakeWebWork;
    let home: string;
    let ada: { id: number };
    let acmeId: number;
    const cli = (args: string[], stdin?: string) =>
      runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });

    beforeAll(async () => {
      if (!haveSecretTool) throw new Error('secret-tool is missing on CI');
      await ensureCliBuilt();
      fake = await startFakeWebWork();
      const acme = seedAcme(fake, { adaToken: WW_TOKEN, bobToken: `${WW_TOKEN}-bob` });
      ada = acme.ada;
      acmeId = acme.workspace.id;
      home = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-queue-ww-'));
      await keyringClear('webwork');
      expectOk(
        await cli(
          [
            'accounts',
            'add',
            'webwork',
            '--secret-stdin',
            '--base-url',
            fake.baseUrl,
            '--email',
            'ada@example.com',
          ],
          `${WW_TOKEN}\n`,
        ),
      );
    }, 180_000);

    afterAll(async () => {
      await fake?.close();
      if (home) rmSync(home, { recursive: true, force: true });
      await keyringClear('webwork');
    });

    it('unreachable: start exits 1 with the reason and "Run again with --queue-if-offline"; nothing queued; with the flag it is queued and starts when WebWork is back', async () => {
      fake.fault('reset', '**');
      const refused = await cli(['start', 'Bricks', '--account', 'webwork']);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        /^tray-timer: WebWork is unreachable.*WebWork can only start a timer at the moment it is told, so this would happen when WebWork is back, not at \d\d:\d\d\. Queue it anyway, or cancel\.\nRun again with --queue-if-offline to queue it\.\n$/,
      );
      expect(queueOf(expectOk(await cli(['queue', '--json'])))).toEqual([]);

      const queued = expectOk(
        await cli(['start', 'Bricks', '--account', 'webwork', '--queue-if-offline']),
      );
      expect(queued.stdout).toMatch(
        /^Started “Bricks” at \d\d:\d\d on WebWork.* — will sync when online\.\n$/,
      );
      expect(queueOf(expectOk(await cli(['queue', '--json'])))).toEqual([
        expect.objectContaining({ kind: 'start', state: 'waiting', accountId: 'webwork' }),
      ]);
      expect(fake.tracker(ada.id, acmeId)).toBeNull();

      fake.clearFaults();
      const [action] = queueOf(expectOk(await cli(['queue', '--json'])));
      expectOk(await cli(['queue', 'retry', action?.id ?? 'missing']));
      const status = expectOk(await cli(['status']));
      expect(status.stdout).toMatch(/^▶ .*Bricks.*\(WebWork/m);
      expect(status.stdout).not.toContain('will sync');
      expect(fake.tracker(ada.id, acmeId)).not.toBeNull();
      expect(
        fake
          .requestsBy({ method: 'POST', path: '/time-tracking/start' })
          .filter((r) => r.status === 200),
      ).toHaveLength(1);
    });
  },
);
