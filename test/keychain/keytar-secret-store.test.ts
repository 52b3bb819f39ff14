/**
 * KeytarSecretStore against a real Secret Service: the private, unlocked gnome-keyring that
 * test/run-tests.sh starts on a private D-Bus session. Independent readers (secret-tool, a second
 * process) prove the secrets really live in gnome-keyring and not in this process. The "no
 * keychain" cases run the store in child processes under real broken conditions.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretStore } from '../../main/secrets/create-secret-store';
import { KeytarSecretStore } from '../../main/secrets/keytar-secret-store';
import { KEYCHAIN_SERVICE } from '../../main/secrets/secret-store';
import {
  hasCommand,
  inTestKeyring,
  keyringMissingReason,
  onCi,
  requireTestKeyring,
} from './keychain-env';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..', '..');
const childScript = join(import.meta.dirname, 'secret-store-child.ts');

/** Unique per test run so a leftover item can never make a test pass. */
const account = (name: string): string => `test-${name}-${randomUUID()}`;

const created: string[] = [];
const store = new KeytarSecretStore();

afterAll(async () => {
  if (!inTestKeyring) return;
  await Promise.all(created.map((id) => store.delete(id)));
});

async function remember(id: string, secret: string): Promise<void> {
  created.push(id);
  await store.set(id, secret);
}

requireTestKeyring();

describe.skipIf(!inTestKeyring)(
  `KeytarSecretStore on gnome-keyring${inTestKeyring ? '' : ` (skipped: ${keyringMissingReason})`}`,
  () => {
    it('reports the keychain as working after a real round trip', async () => {
      await expect(store.status()).resolves.toEqual({ kind: 'keychain', available: true });
    });

    it('stores, reads, replaces and deletes a secret', async () => {
      const id = account('roundtrip');
      await remember(id, 'first-token');
      expect(await store.get(id)).toBe('first-token');
      await store.set(id, 'second-token');
      expect(await store.get(id)).toBe('second-token');
      expect(await store.delete(id)).toBe(true);
      expect(await store.get(id)).toBeNull();
      expect(await store.delete(id)).toBe(false);
    });

    it('keeps two accounts apart', async () => {
      const a = account('a');
      const b = account('b');
      await remember(a, 'token-of-a');
      await remember(b, 'token-of-b');
      expect(await store.get(a)).toBe('token-of-a');
      expect(await store.get(b)).toBe('token-of-b');
      await store.delete(a);
      expect(await store.get(a)).toBeNull();
      expect(await store.get(b)).toBe('token-of-b');
    });

    it('keeps unicode and long secrets byte for byte', async () => {
      const id = account('unicode');
      const secret = `pä55wörd ✓ 日本語 🔑 e\u0301 ${'x'.repeat(4096)} "quotes" \\ ;`;
      await remember(id, secret);
      expect(await store.get(id)).toBe(secret);
    });

    it('answers null / false for an account that has no secret', async () => {
      const id = account('missing');
      expect(await store.get(id)).toBeNull();
      expect(await store.delete(id)).toBe(false);
    });

    it('is what createSecretStore picks when the keychain works', async () => {
      const selection = await createSecretStore();
      expect(selection.store.kind).toBe('keychain');
      expect(selection.status).toEqual({ kind: 'keychain', available: true });
    });

    it('writes to the Secret Service: another process reads it back with keytar', async () => {
      const id = account('other-process');
      const secret = `cross-process-${randomUUID()}`;
      await remember(id, secret);
      const { stdout } = await run(
        process.execPath,
        [
          '-e',
          `require('keytar').getPassword(${JSON.stringify(KEYCHAIN_SERVICE)}, process.argv[1])
             .then((s) => process.stdout.write(JSON.stringify(s)))`,
          id,
        ],
        { cwd: repoRoot },
      );
      expect(JSON.parse(stdout)).toBe(secret);
    });

    describe.skipIf(!hasCommand('secret-tool') && !onCi)(
      `seen by libsecret's secret-tool${hasCommand('secret-tool') ? '' : ' (skipped: apt-get install libsecret-tools)'}`,
      () => {
        it('finds our item under service "tray-timer" and the account id', async () => {
          const id = account('secret-tool');
          const secret = `seen-by-secret-tool-${randomUUID()}`;
          await remember(id, secret);
          const { stdout } = await run('secret-tool', [
            'lookup',
            'service',
            KEYCHAIN_SERVICE,
            'account',
            id,
          ]);
          expect(stdout).toBe(secret);
        });

        it('reads an item that secret-tool stored', async () => {
          const id = account('from-secret-tool');
          created.push(id);
          const stored = spawnSync(
            'secret-tool',
            // keytar looks items up with libsecret's generic schema, which matches on xdg:schema too.
            [
              'store',
              '--label=test',
              'xdg:schema',
              'org.freedesktop.Secret.Generic',
              'service',
              KEYCHAIN_SERVICE,
              'account',
              id,
            ],
            { input: 'stored-by-secret-tool' },
          );
          expect(stored.status).toBe(0);
          expect(await store.get(id)).toBe('stored-by-secret-tool');
        });
      },
    );
  },
);

interface ChildReport {
  selectionKind: string;
  selectionStatus: { kind: string; available: boolean; reason?: string };
  statusLater: { kind: string; available: boolean; reason?: string };
  keychainStatus: { kind: string; available: boolean; reason?: string };
  set: { error?: { name: string; reason: string; message: string } };
  get: { value?: string | null; error?: { name: string; reason: string; message: string } };
  delete: { error?: { name: string; reason: string; message: string } };
  sessionRoundTrip: { value?: boolean };
}

const CHILD_SECRET = `child-secret-${randomUUID()}`;

/** Runs secret-store-child.ts (through tsx) under `wrapper`, with `env` on top of ours. */
async function runChild(env: NodeJS.ProcessEnv, wrapper: string[] = []): Promise<ChildReport> {
  const command = [...wrapper, process.execPath, '--import', 'tsx', childScript];
  const { stdout, stderr } = await run(command[0] as string, command.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, TEST_SECRET: CHILD_SECRET, ...env },
    timeout: 60_000,
  });
  expect(stdout + stderr).not.toContain(CHILD_SECRET);
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildReport;
}

function expectSessionFallback(report: ChildReport, reason: string, userText: RegExp): void {
  expect(report.keychainStatus.available).toBe(false);
  expect(report.keychainStatus.reason).toMatch(userText);
  expect(report.set.error?.name).toBe('SecretStoreError');
  expect(report.set.error?.reason).toBe(reason);
  expect(report.set.error?.message).toMatch(userText);
  // createSecretStore fell back to session-only memory and says why, now and later.
  expect(report.selectionKind).toBe('session');
  expect(report.selectionStatus.kind).toBe('session');
  expect(report.selectionStatus.reason).toMatch(/forgotten when Tray Timer quits/);
  expect(report.selectionStatus.reason).toMatch(userText);
  expect(report.statusLater).toEqual(report.selectionStatus);
  expect(report.sessionRoundTrip.value).toBe(true);
}

describe.skipIf(process.platform !== 'linux')('when no keychain is available', () => {
  it('without a D-Bus session: SecretStoreError "unavailable" and a session-only fallback', async () => {
    const report = await runChild({
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tray-timer-test-bus',
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
    });
    expectSessionFallback(report, 'unavailable', /No D-Bus session is available/);
    expect(report.get.error?.reason).toBe('unavailable');
    expect(report.delete.error?.reason).toBe('unavailable');
  });

  const canRunBus = hasCommand('dbus-run-session') && hasCommand('dbus-daemon');
  describe.skipIf(!canRunBus && !onCi)(
    `on a D-Bus session with no Secret Service${canRunBus ? '' : ' (skipped: needs dbus-run-session)'}`,
    () => {
      let dir = '';
      afterAll(async () => {
        if (dir) await rm(dir, { recursive: true, force: true });
      });

      it('says that no Secret Service is running and falls back to session-only', async () => {
        dir = await mkdtemp(join(tmpdir(), 'tray-timer-bus-'));
        // A session bus that activates no services at all: like a desktop without a keyring daemon.
        const config = join(dir, 'session.conf');
        await writeFile(
          config,
          `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${dir}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`,
        );
        const report = await runChild({}, ['dbus-run-session', `--config-file=${config}`, '--']);
        expectSessionFallback(report, 'unavailable', /No Secret Service is running/);
      });
    },
  );

  const canRunKeyring = canRunBus && hasCommand('gnome-keyring-daemon');
  describe.skipIf(!canRunKeyring && !onCi)(
    `with a locked gnome-keyring${canRunKeyring ? '' : ' (skipped: needs gnome-keyring)'}`,
    () => {
      let home = '';
      afterAll(async () => {
        if (home) await rm(home, { recursive: true, force: true });
      });

      it('says the keychain is locked and falls back to session-only', async () => {
        home = await mkdtemp(join(tmpdir(), 'tray-timer-locked-'));
        const env = { ...process.env, XDG_DATA_HOME: home, DISPLAY: '', WAYLAND_DISPLAY: '' };
        // Session 1 creates a login keyring (password "pw") holding one item…
        await run(
          'dbus-run-session',
          [
            '--',
            'sh',
            '-c',
            `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
             node -e "require('keytar').setPassword('tray-timer','existing','x').catch(e=>{console.error(e);process.exit(1)})"`,
          ],
          { cwd: repoRoot, env },
        );
        // …session 2 starts the daemon on it without the password: the keyring stays locked and,
        // with no display, the unlock prompt cannot appear.
        const report = await runChild(env, [
          'dbus-run-session',
          '--',
          'sh',
          '-c',
          'gnome-keyring-daemon --start --components=secrets >/dev/null && exec "$@"',
          'locked',
        ]);
        expectSessionFallback(report, 'locked', /The keychain is locked/);
      });
    },
  );
});
