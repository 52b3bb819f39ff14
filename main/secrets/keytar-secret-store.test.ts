import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore, toSecretStoreError } from './keytar-secret-store';
import type { KeytarApi } from './keytar-secret-store';
import { SecretStoreError } from './secret-store';

const run = promisify(execFile);

describe('toSecretStoreError', () => {
  // The system messages keytar really produces (libsecret/D-Bus on Linux, macOS Security).
  const cases: Array<[string, SecretStoreError['reason'], RegExp]> = [
    ['Could not connect: No such file or directory', 'unavailable', /No D-Bus session/],
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'unavailable', /No D-Bus session/],
    [
      'The name org.freedesktop.secrets was not provided by any .service files',
      'unavailable',
      /No Secret Service is running \(install gnome-keyring or KeePassXC's Secret Service/,
    ],
    ['Cannot create an item in a locked collection', 'locked', /The keychain is locked/],
    ['User interaction is not allowed.', 'locked', /The keychain is locked/],
    ['Prompt dismissed', 'denied', /Access to the keychain was refused/],
    ['The user canceled the operation.', 'denied', /Access to the keychain was refused/],
    ['Something odd happened', 'failed', /The keychain failed while storing a secret/],
  ];

  it.each(cases)('maps %j to %s with a message for the user', (raw, reason, text) => {
    const error = toSecretStoreError(new Error(raw), 'storing a secret');
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(text);
    expect(error.message).toContain(raw.replace(/\.$/, '')); // the system's words, for support
  });

  it('never lets the secret through, even if a backend echoed it', () => {
    const error = toSecretStoreError(
      new Error('Cannot store "hunter2-token" in a locked collection'),
      'storing a secret',
      'hunter2-token',
    );
    expect(error.message).not.toContain('hunter2-token');
    expect(error.message).toContain('[redacted]');
    expect(error.reason).toBe('locked');
  });
});

describe('KeytarSecretStore without a working keytar', () => {
  const broken = (): Promise<KeytarApi> =>
    Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file'));

  it('reports the keychain unavailable when the native module cannot load', async () => {
    const store = new KeytarSecretStore({ loadKeytar: broken });
    const status = await store.status();
    expect(status).toMatchObject({ kind: 'keychain', available: false });
    expect(status.reason).toMatch(/keychain module could not be loaded.*libsecret-1\.so\.0/);
    await expect(store.set('a', 'secret-value')).rejects.toMatchObject({
      name: 'SecretStoreError',
      reason: 'unavailable',
    });
  });

  it('rejects an empty account id or secret before touching the keychain', async () => {
    let loaded = 0;
    const store = new KeytarSecretStore({
      loadKeytar: () => {
        loaded += 1;
        return broken();
      },
    });
    await expect(store.get('  ')).rejects.toMatchObject({ reason: 'failed' });
    await expect(store.set('a', '')).rejects.toThrow(/empty secret/);
    expect(loaded).toBe(0);
  });

  it('maps a failing call and keeps the secret out of the message', async () => {
    const store = new KeytarSecretStore({
      loadKeytar: async () => ({
        getPassword: async () => null,
        deletePassword: async () => false,
        setPassword: async (_service, _account, password) => {
          throw new Error(`Cannot create an item in a locked collection (${password})`);
        },
      }),
    });
    const failure = await store.set('acc', 'tok-123456').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SecretStoreError);
    expect((failure as SecretStoreError).reason).toBe('locked');
    expect((failure as SecretStoreError).message).not.toContain('tok-123456');
  });
});

describe.skipIf(process.platform !== 'linux')('importing the module', () => {
  it('does not load the native keytar addon until the store is used', async () => {
    // /proc/self/maps lists every shared object the process has mapped, keytar.node included.
    const script = `
      import { readFileSync } from 'node:fs';
      const loaded = () => readFileSync('/proc/self/maps', 'utf8').includes('keytar.node');
      const { KeytarSecretStore } = await import('./main/secrets/keytar-secret-store.ts');
      const before = loaded();
      await new KeytarSecretStore({ service: 'tray-timer-import-test' }).get('x').catch(() => {});
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: '' },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ before: false, after: true });
  });
});
