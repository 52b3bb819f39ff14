import { describe, expect, it } from 'vitest';
import { createSecretStore } from './create-secret-store';
import type { KeytarApi } from './keytar-secret-store';

// The real keychain paths (working gnome-keyring, no D-Bus, no Secret Service, locked) are in
// test/keychain/keytar-secret-store.test.ts; these cover the selection logic itself.
describe('createSecretStore', () => {
  it('uses session-only memory when asked to, and says so', async () => {
    const { store, status } = await createSecretStore({ prefer: 'session' });
    expect(store.kind).toBe('session');
    expect(status).toEqual({
      kind: 'session',
      available: true,
      reason:
        'Secrets are kept in memory only and forgotten when Tray Timer quits (keychain turned off).',
    });
    await store.set('a', 'token');
    expect(await store.get('a')).toBe('token');
  });

  it('falls back to session-only with the keychain reason when keytar cannot load', async () => {
    const { store, status } = await createSecretStore({
      loadKeytar: () => Promise.reject(new Error('no keytar.node for this platform')),
    });
    expect(store.kind).toBe('session');
    expect(status.reason).toMatch(
      /^Secrets are kept in memory only and forgotten when Tray Timer quits: The keychain module could not be loaded/,
    );
    expect(await store.status()).toEqual(status);
  });

  it('gives up on a keychain that never answers', async () => {
    const hang = new Promise<never>(() => {});
    const stuck: KeytarApi = {
      getPassword: () => hang,
      setPassword: () => hang,
      deletePassword: () => hang,
    };
    const { store, status } = await createSecretStore({
      loadKeytar: async () => stuck,
      probeTimeoutMs: 50,
    });
    expect(store.kind).toBe('session');
    expect(status.reason).toMatch(/The keychain did not answer within 0 s/);
  });

  it('uses the keychain when its round trip works', async () => {
    const items = new Map<string, string>();
    const { store, status } = await createSecretStore({
      service: 'svc',
      loadKeytar: async () => ({
        getPassword: async (s, a) => items.get(`${s}/${a}`) ?? null,
        setPassword: async (s, a, p) => void items.set(`${s}/${a}`, p),
        deletePassword: async (s, a) => items.delete(`${s}/${a}`),
      }),
    });
    expect(store.kind).toBe('keychain');
    expect(status).toEqual({ kind: 'keychain', available: true });
    expect(items.size).toBe(0); // the probe cleaned up after itself
  });
});
