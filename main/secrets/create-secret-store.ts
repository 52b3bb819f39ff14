import { KeytarSecretStore } from './keytar-secret-store';
import type { KeytarSecretStoreOptions } from './keytar-secret-store';
import { MemorySecretStore } from './memory-secret-store';
import { SecretStoreError, type SecretStore, type SecretStoreStatus } from './secret-store';

export interface CreateSecretStoreOptions extends KeytarSecretStoreOptions {
  /**
   * 'keychain' (default) uses the OS keychain when it works and falls back to session-only memory
   * otherwise. 'session' skips the keychain entirely (tests, or a user who opted out).
   */
  prefer?: 'keychain' | 'session';
  /**
   * How long the keychain check may take before it counts as unavailable. The check may show the
   * OS unlock prompt, so this is generous. Default 30 s.
   */
  probeTimeoutMs?: number;
}

export interface SecretStoreSelection {
  store: SecretStore;
  /**
   * The store's status when it was chosen. `kind: 'session'` with a `reason` means the keychain
   * did not work and secrets last only until Tray Timer quits: show `reason` to the user.
   */
  status: SecretStoreStatus;
}

const SESSION_ONLY = 'Secrets are kept in memory only and forgotten when Tray Timer quits';

/**
 * Session-only store that remembers why it is in use, so `status()` keeps telling the user long
 * after start-up (settings page, CLI `accounts list`), not just once.
 */
export class SessionFallbackSecretStore extends MemorySecretStore {
  constructor(readonly reason: string) {
    super();
  }

  override async status(): Promise<SecretStoreStatus> {
    return { kind: 'session', available: true, reason: this.reason };
  }

  /**
   * A secret given in this session, else the reason there is none: an account connected in an
   * earlier run lost nothing but the keychain, and "connect again" alone would hide why it will
   * be asked for again after every restart.
   */
  override async get(accountId: string): Promise<string | null> {
    const secret = await super.get(accountId);
    if (secret === null) throw new SecretStoreError(this.reason, 'unavailable');
    return secret;
  }
}

function timeout(ms: number): Promise<SecretStoreStatus> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () =>
        resolve({
          kind: 'keychain',
          available: false,
          reason: `The keychain did not answer within ${Math.round(ms / 1000)} s`,
        }),
      ms,
    );
    timer.unref();
  });
}

/**
 * Picks where account secrets live: the OS keychain when a real round trip through it works,
 * otherwise session-only memory with the reason attached. There is never a plaintext fallback.
 */
export async function createSecretStore(
  options: CreateSecretStoreOptions = {},
): Promise<SecretStoreSelection> {
  if (options.prefer === 'session') {
    const store = new SessionFallbackSecretStore(`${SESSION_ONLY} (keychain turned off).`);
    return { store, status: await store.status() };
  }
  const keychain = new KeytarSecretStore(options);
  const status = await Promise.race([keychain.status(), timeout(options.probeTimeoutMs ?? 30_000)]);
  if (status.available) return { store: keychain, status };
  const why = (status.reason ?? 'The keychain is not available.').replace(/\.?$/, '.');
  const store = new SessionFallbackSecretStore(`${SESSION_ONLY}: ${why}`);
  return { store, status: await store.status() };
}
