import type { SecretStore, SecretStoreStatus } from './secret-store';

/**
 * Session-only storage: secrets live in this process's memory and are gone when it exits. Used
 * when no OS keychain works (the user is told), and by tests that are not about the keychain.
 */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'session' as const;
  readonly #secrets = new Map<string, string>();

  async status(): Promise<SecretStoreStatus> {
    return { kind: 'session', available: true };
  }

  async get(accountId: string): Promise<string | null> {
    return this.#secrets.get(accountId) ?? null;
  }

  async set(accountId: string, secret: string): Promise<void> {
    this.#secrets.set(accountId, secret);
  }

  async delete(accountId: string): Promise<boolean> {
    return this.#secrets.delete(accountId);
  }
}
