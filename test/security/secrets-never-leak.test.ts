/**
 * Secrets never leak, end to end, across the three providers. "The app" is this process: the
 * real core in 'app' mode with a session-only secret store, behind the real control server; the
 * built CLI talks to it over the socket as a user's terminal does (the secret goes in on stdin).
 * Toggl (API token), TrackingTime (e-mail + password) and WebWork (Personal Access Token) are
 * fake servers reached through wire recorders that keep every byte the app sends.
 *
 * One session: connect (and one wrong token), start, status --json, stop, a server error on
 * each, a redirect to another host, every token revoked (401/403) with a refresh and a start
 * on top. Then everything is searched for each secret, its Base64 Basic forms and its URL
 * encoding: every file in the data folder, every CLI stdout/stderr, every snapshot the core
 * published (what IPC carries to the popup), every answer sent over the socket, everything
 * the core printed to the console, the fakes' request logs, and the raw wire minus the
 * Authorization header lines (where a credential belongs). Zero hits, with controls that the
 * searches do find a secret where one is.
 *
 * Not here (covered elsewhere): the OS keychain (test/keychain/, test/cli/*-cli.test.ts), the
 * redirect rule unit by unit (main/providers/http/http-client.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Command } from '../../preload/contract';
import { startControlServer } from '../../main/control/socket-server';
import type { ControlServer } from '../../main/control/socket-server';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { controlSocketPath } from '../../main/storage/data-dir';
import { startFakeToggl } from '../fakes/toggl-server';
import type { FakeToggl, FakeUser as TogglUser } from '../fakes/toggl-server';
import { startFakeTrackingTime } from '../fakes/trackingtime-server';
import type { FakeTrackingTime, FakeUser as TtUser } from '../fakes/trackingtime-server';
import { startFakeWebWork } from '../fakes/webwork-server';
import type { FakeWebWork } from '../fakes/webwork-server';
import { ensureCliBuilt, runCli } from '../cli/cli-build';
import type { CliRun } from '../cli/cli-build';
import { filesContainingAny } from '../cli/keyring-cli-kit';
import { authorizationLines, recordWire, withoutAuthorization } from './wire-recorder';
import type { WireRecorder } from './wire-recorder';

/** Unique per run and recognisable: a leftover can never make a search pass or fail. */
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const TOGGL_TOKEN = `leaktoggl${stamp}tok`;
const TOGGL_WRONG = `leaktoggl${stamp}bad`;
const TT_EMAIL = 'ann@example.com';
const TT_PASSWORD = `leak tt ${stamp} horse`;
const WW_TOKEN = `leak-ww-pat-${stamp}`;
const SECRETS = [TOGGL_TOKEN, TOGGL_WRONG, TT_PASSWORD, WW_TOKEN];

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Each secret as a leak may spell it: plain, URL-encoded, and the Basic/Bearer forms. */
const LEAK_FORMS = [
  ...SECRETS,
  ...SECRETS.map(encodeURIComponent),
  b64(`${TOGGL_TOKEN}:api_token`),
  b64(`${TOGGL_WRONG}:api_token`),
  b64(`${TT_EMAIL}:${TT_PASSWORD}`),
  b64(`API_TOKEN:${TT_PASSWORD}`),
  b64(TOGGL_TOKEN),
  b64(TT_PASSWORD),
  b64(WW_TOKEN),
];
const leaksIn = (text: string): string[] => LEAK_FORMS.filter((f) => text.includes(f));

const statusJson = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      running: z.boolean(),
      error: z.object({ kind: z.string(), message: z.string() }).nullable(),
    }),
  ),
});

let home: string;
let core: Core;
let server: ControlServer;
let toggl: FakeToggl;
let tt: FakeTrackingTime;
let ww: FakeWebWork;
let togglUser: TogglUser;
let ttUser: TtUser;
const wires: Record<'toggl' | 'tt' | 'ww' | 'elsewhere', WireRecorder> = {} as never;
const cliRuns: CliRun[] = [];
const snapshots: string[] = [];
const socketAnswers: string[] = [];
const inProcessResults: string[] = [];
const consoleLines: string[] = [];
let unsubscribe: () => void = () => undefined;

const base = (fake: { baseUrl: string; origin: string }, wire: WireRecorder) =>
  fake.baseUrl.replace(fake.origin, wire.origin);

async function cli(args: string[], stdin?: string): Promise<CliRun> {
  const r = await runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });
  cliRuns.push(r);
  return r;
}

/** What the popup would do over IPC; the result is kept for the search like any other answer. */
async function execute(command: Command) {
  const result = await core.execute(command);
  inProcessResults.push(JSON.stringify(result));
  return result;
}

async function status() {
  const r = await cli(['status', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return statusJson.parse(JSON.parse(r.stdout)).accounts;
}

beforeAll(async () => {
  await ensureCliBuilt();
  // Everything the core (and anything it calls) prints in this process is a "log".
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(format(...args));
    });

  toggl = await startFakeToggl();
  togglUser = toggl.addUser({ token: TOGGL_TOKEN, fullname: 'Ada Lovelace', email: 'ada@x.test' });
  toggl.addProject({ workspaceId: togglUser.workspaceId, name: 'Website' });

  tt = await startFakeTrackingTime();
  const acme = tt.addAccount({ company: 'Acme' });
  ttUser = tt.addUser({ email: TT_EMAIL, password: TT_PASSWORD, accountId: acme.id });
  const ttProject = tt.addProject({ accountId: acme.id, name: 'Website' });
  tt.addTask({ projectId: ttProject.id, name: 'Design', userIds: [ttUser.id] });

  ww = await startFakeWebWork();
  const wsAcme = ww.addWorkspace({ name: 'Acme' });
  const wwUser = ww.addUser({ email: 'bea@example.com', token: WW_TOKEN, firstname: 'Bea' });
  ww.addMember(wsAcme.id, wwUser.id, 'Owner');
  const wwProject = ww.addProject({ workspaceId: wsAcme.id, name: 'Website' });
  ww.addTask({ projectId: wwProject.id, title: 'Design' });
  ww.addContract({ userId: wwUser.id, projectId: wwProject.id });

  wires.toggl = await recordWire(toggl.origin);
  wires.tt = await recordWire(tt.origin);
  wires.ww = await recordWire(ww.origin);
  wires.elsewhere = await recordWire(null);

  home = mkdtempSync(path.join(os.tmpdir(), 'tt-leak-'));
  core = await openCore({ dataDir: home, secrets: new MemorySecretStore(), mode: 'app' });
  unsubscribe = core.subscribe((s) => void snapshots.push(JSON.stringify(s)));
  server = await startControlServer({
    socketPath: controlSocketPath(home),
    core: {
      snapshot: () => {
        const s = core.snapshot();
        socketAnswers.push(JSON.stringify(s));
        return s;
      },
      execute: async (c: Command) => {
        const result = await core.execute(c);
        socketAnswers.push(JSON.stringify(result));
        return result;
      },
    },
  });
}, 180_000);

afterAll(async () => {
  vi.restoreAllMocks();
  unsubscribe();
  await server?.close();
  await core?.close();
  await Promise.all(Object.values(wires).map((w) => w.close()));
  await Promise.all([toggl?.close(), tt?.close(), ww?.close()]);
  if (home) rmSync(home, { recursive: true, force: true });
});

// One user's session, in order: each test builds on the ones before.
describe('secrets never leak: Toggl, TrackingTime and WebWork through the CLI and the app', () => {
  it('connects each account (and refuses a wrong token) over the socket', async () => {
    const wrong = await cli(
      ['accounts', 'add', 'toggl', '--secret-stdin', '--base-url', base(toggl, wires.toggl)],
      `${TOGGL_WRONG}\n`,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/rejected/i);

    const added = [
      await cli(
        ['accounts', 'add', 'toggl', '--secret-stdin', '--base-url', base(toggl, wires.toggl)],
        `${TOGGL_TOKEN}\n`,
      ),
      await cli(
        [
          'accounts',
          'add',
          'trackingtime',
          '--secret-stdin',
          '--base-url',
          base(tt, wires.tt),
          '--email',
          TT_EMAIL,
        ],
        `${TT_PASSWORD}\n`,
      ),
      await cli(
        [
          'accounts',
          'add',
          'webwork',
          '--secret-stdin',
          '--base-url',
          base(ww, wires.ww),
          '--email',
          'bea@example.com',
          '--workspace',
          'Acme',
        ],
        `${WW_TOKEN}\n`,
      ),
    ];
    for (const r of added) expect(r.code, r.stderr).toBe(0);
    expect((await status()).map((a) => a.id).sort()).toEqual(
      ['local', 'toggl', 'trackingtime', 'webwork'].sort(),
    );
  });

  it('starts and stops on each, with status, accounts and team --json in between', async () => {
    const starts = [
      await cli(['start', 'Leak hunt', '--account', 'toggl', '--project', 'Website']),
      await cli(['start', '--account', 'trackingtime', '--project', 'Website', '--task', 'Design']),
      await cli(['start', 'Leak hunt', '--account', 'webwork', '--project', 'Website']),
    ];
    for (const r of starts) expect(r.code, r.stderr).toBe(0);
    const running = await status();
    for (const id of ['toggl', 'trackingtime', 'webwork'])
      expect(running.find((a) => a.id === id)?.running, id).toBe(true);
    // The other --json outputs a bug report might paste.
    for (const args of [
      ['accounts', 'list', '--json'],
      ['team', '--account', 'webwork', '--json'],
    ]) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    }
    for (const id of ['toggl', 'trackingtime', 'webwork']) {
      const r = await cli(['stop', '--account', id]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('a server error on each provider becomes an error message', async () => {
    toggl.fault('status500', '**', { times: 1 });
    tt.fault('html502', '**', { times: 1 });
    ww.fault('status500', '**', { times: 1 });
    // Toggl and TrackingTime queue the start in the journal (searched below with every other
    // file); WebWork, which cannot record the time later, asks first.
    for (const id of ['toggl', 'trackingtime']) {
      const r = await cli(['start', 'Broken', '--account', id, '--project', 'Website']);
      expect(r.code, `${id}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/ — will sync when (online|the service answers again)\.$/m);
    }
    const r = await cli(['start', 'Broken', '--account', 'webwork', '--project', 'Website']);
    expect(r.code, `webwork: ${r.stdout}`).toBe(1);
    expect(r.stderr).toMatch(/^tray-timer: /);
    expect(r.stderr).toContain('--queue-if-offline');
    // Each fake really served its fault.
    expect(toggl.requests.some((q) => q.status === 500)).toBe(true);
    expect(tt.requests.some((q) => q.status === 502)).toBe(true);
    expect(ww.requestsBy({ status: 500 }).length).toBeGreaterThan(0);
    toggl.clearFaults();
    tt.clearFaults();
    ww.clearFaults();
  });

  it('a redirect to another host never carries the Authorization header there', async () => {
    toggl.redirect('**', `${wires.elsewhere.origin}/steal`, { times: 1 });
    await execute({ type: 'refresh', input: { accountId: 'toggl' } });
    const elsewhere = wires.elsewhere.sent().join('');
    // Toggl really answered with the redirect, and the app really went there.
    expect(toggl.requests.filter((q) => q.status === 307)).toHaveLength(1);
    expect(elsewhere).toMatch(/^GET \/steal HTTP\/1\.1\r\n/);
    expect(authorizationLines(elsewhere)).toEqual([]);
    expect(leaksIn(elsewhere)).toEqual([]);
  });

  it('every token revoked: refresh, start and status --json say so, per account', async () => {
    togglUser.token = `revoked-${stamp}`;
    ttUser.password = `revoked-${stamp}`;
    ww.revokeToken(WW_TOKEN);
    for (const accountId of ['toggl', 'trackingtime', 'webwork']) {
      const refreshed = await execute({ type: 'refresh', input: { accountId } });
      expect(refreshed.ok, accountId).toBeDefined();
      const r = await cli([
        'start',
        'After revoke',
        '--account',
        accountId,
        '--project',
        'Website',
      ]);
      // Queued until the account is reconnected (WebWork asks first: it cannot backdate).
      if (accountId === 'webwork') {
        expect(r.code, `${accountId}: ${r.stdout}`).toBe(1);
        expect(r.stderr).toContain('after you sign in again, not at');
      } else {
        expect(r.code, `${accountId}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(/ — will sync after you sign in again\.$/m);
      }
    }
    const after = await status();
    for (const id of ['toggl', 'trackingtime', 'webwork'])
      expect(after.find((a) => a.id === id)?.error?.kind, id).toMatch(/auth/);
    // The providers really answered 401/403.
    expect(toggl.requests.some((q) => q.status === 403 || q.status === 401)).toBe(true);
    expect(tt.requests.some((q) => q.status === 401)).toBe(true);
    expect(ww.requestsBy({ status: 401 }).length).toBeGreaterThan(0);
  });

  it('searching everything finds no secret in any form', () => {
    expect(cliRuns.length).toBeGreaterThanOrEqual(15);
    expect(snapshots.length).toBeGreaterThan(5);
    expect(socketAnswers.length).toBeGreaterThan(10);

    expect(filesContainingAny(home, LEAK_FORMS)).toEqual([]);
    for (const r of cliRuns) {
      expect(leaksIn(r.stdout)).toEqual([]);
      expect(leaksIn(r.stderr)).toEqual([]);
    }
    expect(leaksIn(snapshots.join('\n'))).toEqual([]);
    expect(leaksIn(socketAnswers.join('\n'))).toEqual([]);
    expect(leaksIn(inProcessResults.join('\n'))).toEqual([]);
    expect(leaksIn(consoleLines.join('\n'))).toEqual([]);
    for (const fake of [toggl, tt, ww]) expect(leaksIn(JSON.stringify(fake.requests))).toEqual([]);
    for (const name of ['toggl', 'tt', 'ww'] as const) {
      const wire = wires[name].sent().join('');
      expect(leaksIn(withoutAuthorization(wire)), name).toEqual([]);
    }
  });

  it('control: the same searches do find each secret where it belongs', () => {
    // The credential is on the wire, in the Authorization header and only there.
    const auth = (name: 'toggl' | 'tt' | 'ww') => authorizationLines(wires[name].sent().join(''));
    expect(auth('toggl')).toContain(`authorization: Basic ${b64(`${TOGGL_TOKEN}:api_token`)}`);
    expect(auth('toggl')).toContain(`authorization: Basic ${b64(`${TOGGL_WRONG}:api_token`)}`);
    expect(auth('tt')).toContain(`authorization: Basic ${b64(`${TT_EMAIL}:${TT_PASSWORD}`)}`);
    expect(auth('ww')).toContain(`authorization: Bearer ${WW_TOKEN}`);
    // The search helper finds a secret inside other text and in its Basic form.
    expect(leaksIn(`x${TT_PASSWORD}x`)).toEqual([TT_PASSWORD]);
    expect(leaksIn(b64(`${TT_EMAIL}:${TT_PASSWORD}`))).toHaveLength(1);
  });
});
