/**
 * Keychain faults for real: each test runs the real core with the real secret store
 * (createSecretStore, as the app does) in a child process on its OWN D-Bus session with its own
 * gnome-keyring (so locking or killing it never disturbs the other keychain suites), against the
 * fake Toggl over loopback HTTP. Faults are made the way they happen: secret-tool clears the item
 * behind our back, a D-Bus Lock call locks the login collection, the daemon starts without the
 * password, there is no D-Bus session, the bus has no Secret Service, the daemon is killed.
 * Each time: the Toggl account says "Sign-in needed" (kind 'auth', or 'keychain' when there is no
 * keychain at all), Local keeps working, the child never crashes, no request goes out without a
 * token, and the token is in no file of the data folder and in no output.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../preload/contract';
import { CLI, ensureCliBuilt, REPO } from '../cli/cli-build';
import { filesContainingAny } from '../cli/keyring-cli-kit';
import { startFakeToggl, type FakeToggl } from '../fakes/toggl-server';
import { hasCommand, onCi } from '../keychain/keychain-env';
import type { AccountSeen, Step, StepReport } from './keychain-core-child';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'keychain-core-child.ts');
const KEYRING_PASSWORD = 'test-keyring-password';
const LABEL = 'ada@example.com · Acme';

const canRun =
  process.platform === 'linux' &&
  hasCommand('dbus-run-session') &&
  hasCommand('gnome-keyring-daemon') &&
  hasCommand('secret-tool') &&
  hasCommand('dbus-send');

/** How the child's keychain is set up. */
type Condition =
  /** A D-Bus session with gnome-keyring, login keyring unlocked with the password. */
  | 'unlocked'
  /** gnome-keyring started without the password: the login keyring exists but stays locked. */
  | 'locked-at-start'
  /** No D-Bus session at all (a server, a bare SSH login). */
  | 'no-bus'
  /** A D-Bus session on which nothing provides org.freedesktop.secrets. */
  | 'no-secret-service';

let token: string;
let fake: FakeToggl;
let userId: number;
let keyringHome: string;
let dataDir: string;

beforeAll(async () => {
  if (canRun) await ensureCliBuilt();
}, 180_000);

beforeEach(async () => {
  token = randomBytes(16).toString('hex');
  fake = await startFakeToggl();
  userId = fake.addUser({ token, email: 'ada@example.com', workspaceName: 'Acme' }).id;
  keyringHome = mkdtempSync(join(tmpdir(), 'tray-timer-kc-home-'));
  dataDir = mkdtempSync(join(tmpdir(), 'tray-timer-kc-data-'));
});

afterEach(async () => {
  await fake.close();
  rmSync(keyringHome, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function wrapperFor(condition: Condition): string[] {
  switch (condition) {
    case 'unlocked':
      return [
        'dbus-run-session',
        '--',
        'sh',
        '-c',
        'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"',
        'unlocked',
      ];
    case 'locked-at-start':
      return [
        'dbus-run-session',
        '--',
        'sh',
        '-c',
        'gnome-keyring-daemon --start --components=secrets >/dev/null && exec "$@"',
        'locked',
      ];
    case 'no-bus':
      return [];
    case 'no-secret-service': {
      // A session bus that activates no services at all: a desktop without a keyring daemon.
      const config = join(keyringHome, 'session.conf');
      writeFileSync(
        config,
        `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${keyringHome}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`,
      );
      return ['dbus-run-session', `--config-file=${config}`, '--'];
    }
  }
}

/** Plays `steps` in a child under `condition`; fails the test on a crash or a leaked token. */
async function play(condition: Condition, steps: Step[]): Promise<StepReport[]> {
  const command = [...wrapperFor(condition), process.execPath, '--import', 'tsx', CHILD];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_DATA_HOME: keyringHome,
    TT_DATA_DIR: dataDir,
    TRAY_TIMER_HOME: dataDir,
    TEST_SECRET: token,
    TT_STEPS: JSON.stringify(steps),
    KEYRING_PASSWORD,
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
  };
  // Never the test keyring of test/run-tests.sh: each child has its own bus, or none.
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.TRAY_TIMER_TEST_KEYRING;
  if (condition === 'no-bus')
    env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/tray-timer-test-bus';
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await run(command[0] as string, command.slice(1), {
      cwd: REPO,
      env,
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (err) {
    const e = err as { code?: unknown; signal?: unknown; stderr?: string };
    throw new Error(
      `the core crashed under "${condition}" (exit ${String(e.code)}, signal ${String(e.signal)}): ${(e.stderr ?? '').slice(-2000)}`,
    );
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  expect(stdout + stderr).not.toContain(token);
  const reports = JSON.parse(line) as StepReport[];
  if (process.env.H3_DEBUG) console.log(JSON.stringify(reports, null, 1));
  expect(reports).toHaveLength(steps.length);
  expect(filesContainingAny(dataDir, tokenForms())).toEqual([]);
  return reports;
}

/** The token as a leak could spell it: raw, Base64, Toggl's Basic "token:api_token". */
const tokenForms = () => [
  token,
  Buffer.from(token).toString('base64'),
  Buffer.from(`${token}:api_token`).toString('base64'),
];

const addToggl = (replace = false): Step => ({
  do: 'exec',
  command: {
    type: 'accounts.add',
    input: {
      provider: 'toggl',
      secret: '$SECRET',
      baseUrl: fake.baseUrl,
      options: {},
      ...(replace ? { replaceAccountId: 'toggl' } : {}),
    },
  },
});
const exec = (command: Command): Step => ({ do: 'exec', command });
const sh = (cmd: string): Step => ({ do: 'sh', cmd });
const cli = (args: string): Step => sh(`${JSON.stringify(process.execPath)} ${CLI} ${args}`);
const LOOKUP = sh('secret-tool lookup service tray-timer account toggl');
const LOCK = sh(
  'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login',
);

function execReport(report: StepReport | undefined) {
  if (report?.do !== 'exec') throw new Error(`not an exec report: ${JSON.stringify(report)}`);
  return report;
}
function shReport(report: StepReport | undefined) {
  if (report?.do !== 'sh') throw new Error(`not a sh report: ${JSON.stringify(report)}`);
  return report;
}
function accountIn(report: StepReport | undefined, id: string): AccountSeen {
  const snapshot =
    report?.do === 'exec' ? report.snapshot : report?.do === 'open' ? report.snapshot : null;
  const found = snapshot?.accounts.find((a) => a.id === id);
  if (!found) throw new Error(`no ${id} in ${JSON.stringify(report)}`);
  return found;
}

const SIGN_IN_GONE = `Sign-in needed for ${LABEL}: its secret is not in the keychain. Connect the account again.`;
const LOCKED = new RegExp(
  `^Sign-in needed for ${LABEL}: The keychain is locked\\. Unlock it \\(log in again or open your keyring manager\\) and retry`,
);

/** A first run that connects Toggl and starts "Call"; the keyring then holds the token. */
async function connectFirst(): Promise<void> {
  const r = await play('unlocked', [
    { do: 'open' },
    addToggl(),
    exec({ type: 'start', input: { accountId: 'toggl', description: 'Call' } }),
    LOOKUP,
  ]);
  expect(execReport(r[1]).ok).toBe(true);
  expect(accountIn(r[2], 'toggl').running).toBe('Call');
  // In the keyring (secret-tool reads it back; the child prints the token as "[secret]").
  expect(shReport(r[3])).toEqual({ do: 'sh', code: 0, out: '[secret]' });
}

requireKeychainTools();

function requireKeychainTools(): void {
  if (canRun) return;
  if (onCi)
    it('has dbus-run-session, gnome-keyring-daemon, secret-tool and dbus-send (required on CI)', () => {
      throw new Error(
        'keychain fault tests cannot run: install dbus gnome-keyring libsecret-tools',
      );
    });
  else console.warn('keychain fault tests skipped: dbus / gnome-keyring / secret-tool missing');
}

describe.skipIf(!canRun)('keychain faults through the real core', () => {
  it('the secret deleted behind our back: sign-in needed for Toggl, Local works, Reconnect sends what waited, once', async () => {
    const r = await play('unlocked', [
      { do: 'open' }, // 0
      addToggl(), // 1
      LOOKUP, // 2
      sh('secret-tool clear service tray-timer account toggl'), // 3
      LOOKUP, // 4
      exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 5
      exec({ type: 'start', input: { accountId: 'local', description: 'Still works' } }), // 6
      exec({ type: 'start', input: { accountId: 'toggl', description: 'Call' } }), // 7
      cli('status --json'), // 8
      { do: 'close' }, // 9
      { do: 'open' }, // 10: a restart
      exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 11
      addToggl(true), // 12: Reconnect
      exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 13
      LOOKUP, // 14
    ]);
    expect(execReport(r[1]).ok).toBe(true);
    expect(shReport(r[2]).out).toBe('[secret]');
    expect(shReport(r[4]).code).toBe(1); // really gone from the keyring

    expect(accountIn(r[5], 'toggl').error).toEqual({ kind: 'auth', message: SIGN_IN_GONE });
    expect(accountIn(r[5], 'local').error).toBeNull();
    expect(execReport(r[6]).ok).toBe(true);
    expect(accountIn(r[6], 'local').running).toBe('Still works');
    // The start is kept in the journal, waiting for the sign-in, and the user is told so.
    expect(execReport(r[7]).message).toMatch(
      new RegExp(
        `^Started “Call” at \\d\\d:\\d\\d on Toggl Track: ${LABEL} — will sync after you sign in again\\.$`,
      ),
    );
    expect(accountIn(r[7], 'toggl')).toMatchObject({
      running: 'Call',
      error: { kind: 'auth', message: SIGN_IN_GONE },
      pending: [expect.stringMatching(/^waiting: Start “Call” at /)],
    });
    expect(accountIn(r[7], 'local').running).toBe('Still works');
    // The CLI (its own process and core, same folder and keyring) shows it too, no crash.
    const status = shReport(r[8]);
    expect(status.code).toBe(0);
    const toggl = (
      JSON.parse(status.out) as {
        accounts: { id: string; entry: { description: string } | null }[];
      }
    ).accounts.find((a) => a.id === 'toggl');
    expect(toggl?.entry?.description).toBe('Call');

    // After a restart, still waiting, still saying why.
    expect(accountIn(r[11], 'toggl')).toMatchObject({
      error: { kind: 'auth', message: SIGN_IN_GONE },
      pending: [expect.stringMatching(/^waiting: Start “Call”/)],
    });
    expect(accountIn(r[11], 'local').running).toBe('Still works');
    // Reconnect: the waiting start goes out, once.
    expect(execReport(r[12]).message).toMatch(/^Reconnected Toggl Track: /);
    expect(accountIn(r[13], 'toggl')).toEqual({
      id: 'toggl',
      running: 'Call',
      error: null,
      pending: [],
    });
    expect(shReport(r[14]).out).toBe('[secret]');
    expect(fake.entries(userId).filter((e) => e.description === 'Call')).toHaveLength(1);
    // No request ever went out without the token.
    expect(fake.requests.every((q) => q.authorized)).toBe(true);
  });

  it('the keyring locked while running, then at the next start: sign-in needed, never a crash', async () => {
    await connectFirst();
    const locked = await play('unlocked', [
      { do: 'open' }, // 0
      LOCK, // 1
      LOOKUP, // 2
      exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 3
      exec({ type: 'start', input: { accountId: 'local', description: 'Offline work' } }), // 4
      exec({ type: 'stop', input: { accountId: 'toggl' } }), // 5
      addToggl(true), // 6: reconnecting cannot store it either
      { do: 'status' }, // 7
    ]);
    expect(shReport(locked[1]).code).toBe(0);
    expect(shReport(locked[2]).code).toBe(1); // libsecret finds nothing in a locked collection
    const lockedError = accountIn(locked[3], 'toggl').error;
    expect(lockedError?.kind).toBe('auth');
    expect(lockedError?.message).toMatch(LOCKED);
    expect(accountIn(locked[4], 'local').running).toBe('Offline work');
    // The stop waits in the journal for the keychain, and the user is told so.
    const stoppedAt = Date.now();
    expect(execReport(locked[5]).message).toMatch(
      /^Stopped “Call” at \d\d:\d\d on Toggl Track: .* — will sync after you sign in again\.$/,
    );
    expect(accountIn(locked[5], 'toggl')).toMatchObject({
      running: null,
      pending: [expect.stringMatching(/^waiting: Stop “Call” at /)],
    });
    expect(accountIn(locked[5], 'toggl').error?.message).toMatch(LOCKED);
    expect(execReport(locked[6])).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(execReport(locked[6]).error?.message).toMatch(/The keychain is locked/);
    expect(locked[7]).toMatchObject({ do: 'status', status: { available: false } });
    // Toggl was not asked to stop yet: the entry still runs there.
    expect(fake.requests.filter((q) => q.method !== 'GET').map((q) => q.method)).toEqual(['POST']);

    // Next start: the daemon comes up without the password, the keyring stays locked.
    const atStart = await play('locked-at-start', [
      { do: 'open' },
      exec({ type: 'refresh', input: { accountId: 'toggl' } }),
      exec({ type: 'stop', input: { accountId: 'local' } }),
    ]);
    const open = atStart[0];
    expect(open).toMatchObject({ do: 'open', storeKind: 'session' });
    if (open?.do === 'open') expect(open.selection.reason).toMatch(/The keychain is locked/);
    const error = accountIn(atStart[1], 'toggl').error;
    expect(error?.kind).toBe('keychain');
    expect(error?.message).toMatch(
      new RegExp(
        `^Sign-in needed for ${LABEL}: Secrets are kept in memory only and forgotten when Tray Timer quits: The keychain is locked`,
      ),
    );
    expect(accountIn(atStart[1], 'toggl').pending).toEqual([
      expect.stringMatching(/^waiting: Stop “Call” at /),
    ]);
    expect(execReport(atStart[2]).ok).toBe(true);

    // Unlocked again (the user logs in): the same token works, nothing had to be re-entered.
    const unlocked = await play('unlocked', [
      { do: 'open' },
      exec({ type: 'refresh', input: { accountId: 'toggl' } }),
    ]);
    // …and the stop that waited goes out once, with the time the user asked for.
    expect(accountIn(unlocked[1], 'toggl')).toEqual({
      id: 'toggl',
      running: null,
      error: null,
      pending: [],
    });
    const call = fake.entries(userId).filter((e) => e.description === 'Call');
    expect(call).toHaveLength(1);
    expect(Math.abs((call[0]?.stop ?? 0) - stoppedAt)).toBeLessThan(5_000);
    // One stop went out (PATCH …/stop or PUT with the asked time), after the one start.
    const writes = fake.requests.filter((q) => q.method !== 'GET').map((q) => q.method);
    expect(writes).toHaveLength(2);
    expect(writes[0]).toBe('POST');
    expect(['PUT', 'PATCH']).toContain(writes[1]);
    expect(fake.requests.every((q) => q.authorized)).toBe(true);
  });

  it('the keyring daemon killed while running: “No Secret Service”, never a crash; a restarted process works once it is back', async () => {
    await connectFirst();
    const r = await play('unlocked', [
      { do: 'open' }, // 0
      // The daemon's pid as this private bus knows it (never a process found by name).
      sh(
        "kill $(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}') && sleep 0.5",
      ), // 1
      exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 2
      exec({ type: 'start', input: { accountId: 'local', description: 'Still works' } }), // 3
      // The user starts the keyring again (logs in): same keyring, same password.
      sh(
        'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
      ), // 4
      exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 5
      cli('stop --account toggl'), // 6: a new process (a restarted Tray Timer)
    ]);
    expect(shReport(r[1]).code).toBe(0);
    const error = accountIn(r[2], 'toggl').error;
    expect(error?.kind).toBe('keychain');
    expect(error?.message).toMatch(
      new RegExp(
        `^Sign-in needed for ${LABEL}: No Secret Service is running \\(install gnome-keyring`,
      ),
    );
    expect(accountIn(r[3], 'local').running).toBe('Still works');
    expect(shReport(r[4]).code).toBe(0);
    // libsecret in this process keeps talking to the dead daemon's bus name until Tray Timer is
    // restarted, which is what the message says to do…
    expect(accountIn(r[5], 'toggl').error?.message).toMatch(/then restart Tray Timer/);
    // …and a new process (here the CLI) works with the same keyring at once.
    expect(shReport(r[6])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Stopped “Call”/),
    });
  });

  for (const condition of ['no-bus', 'no-secret-service'] as const) {
    const why =
      condition === 'no-bus'
        ? 'No D-Bus session is available, so the Secret Service \\(keychain\\) cannot be reached'
        : 'No Secret Service is running';
    it(`${condition === 'no-bus' ? 'no D-Bus session' : 'a D-Bus session without a Secret Service'}: kind 'keychain' with the reason, nothing in plaintext`, async () => {
      await connectFirst();
      const r = await play(condition, [
        { do: 'open' }, // 0
        exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 1
        exec({ type: 'start', input: { accountId: 'local', description: 'Still works' } }), // 2
        exec({ type: 'start', input: { accountId: 'toggl', description: 'Call 2' } }), // 3
        addToggl(true), // 4: reconnect in this session
        exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 5
        { do: 'close' }, // 6
        { do: 'open' }, // 7: the next start, still no keychain
        exec({ type: 'refresh', input: { accountId: 'toggl' } }), // 8
      ]);
      const open = r[0];
      expect(open).toMatchObject({ do: 'open', storeKind: 'session' });
      if (open?.do === 'open') expect(open.selection.reason).toMatch(new RegExp(why));
      const expected = new RegExp(
        `^Sign-in needed for ${LABEL}: Secrets are kept in memory only and forgotten when Tray Timer quits: ${why}`,
      );
      const error = accountIn(r[1], 'toggl').error;
      expect(error?.kind).toBe('keychain');
      expect(error?.message).toMatch(expected);
      expect(accountIn(r[2], 'local')).toEqual({
        id: 'local',
        running: 'Still works',
        error: null,
        pending: [],
      });
      // The start waits in the journal, saying for what.
      expect(execReport(r[3]).message).toMatch(/— will sync after you sign in again\.$/);
      expect(accountIn(r[3], 'toggl').pending).toEqual([
        expect.stringMatching(/^waiting: Start “Call 2” at /),
      ]);
      // Reconnecting works for this session only, says so, and sends what waited, once.
      expect(execReport(r[4]).message).toMatch(/secret kept for this session only: no keychain/);
      expect(accountIn(r[5], 'toggl')).toEqual({
        id: 'toggl',
        running: 'Call 2',
        error: null,
        pending: [],
      });
      expect(fake.entries(userId).filter((e) => e.description === 'Call 2')).toHaveLength(1);
      // Not written anywhere: after a restart it is asked for again (play() also searched every
      // file of the data folder for the token).
      expect(accountIn(r[8], 'toggl').error?.message).toMatch(expected);
    });
  }

  // The one-shot CLI cannot keep a session-only secret (it would die at exit): it refuses.
  it('`tray-timer accounts add` without a keychain refuses: no account that could never work', async () => {
    const r = await play('no-bus', [
      cli(`accounts add toggl --secret-stdin --base-url ${fake.baseUrl}`),
      cli('accounts list --json'),
    ]);
    const add = shReport(r[0]);
    expect(add.out).not.toMatch(/Connected/);
    expect(add.code).not.toBe(0);
    expect(shReport(r[1]).out).not.toContain('"toggl"');
  });
});
