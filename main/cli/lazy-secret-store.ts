/**
 * The CLI's secret store: the real one (keychain, or session-only when none works), loaded on the
 * first call that needs it. `tray-timer status` and the other commands on the Local account never
 * touch a secret, so they never load keytar's native module nor wait for the keychain probe; that
 * is most of what keeps `status` well under the status-bar budget.
 */
import type { SecretStoreSelection } from '../secrets/create-secret-store';
import type { SecretStore, SecretStoreKind, SecretStoreStatus } from '../secrets/secret-store';

export type SecretStoreLoader = () => Promise<SecretStoreSelection>;

/** Default loader: the dynamic import is what keeps keytar out of `status`. */
export const loadDefaultSecretStore: SecretStoreLoader = async () => {
  const { createSecretStore } = await import('../secrets/create-secret-store');
  return createSecretStore();
};

export class LazySecretStore implements SecretStore {
  readonly #load: SecretStoreLoader;
  #selection: Promise<SecretStoreSelection> | undefined;
  #loaded: SecretStoreSelection | undefined;

  constructor(load: SecretStoreLoader = loadDefaultSecretStore) {
    this.#load = load;
  }

  /** 'keychain' until loaded (that is what will be tried first). */
  get kind(): SecretStoreKind {
    return this.#loaded?.store.kind ?? 'keychain';
  }

  /** Whether anything has needed a secret in this process (tests and the benchmark check it). */
  get loaded(): boolean {
    return this.#selection !== undefined;
  }

  select(): Promise<SecretStoreSelection> {
    this.#selection ??= this.#load().then((s) => {
      this.#loaded = s;
      return s;
    });
    return this.#selection;
  }

  async status(): Promise<SecretStoreStatus> {
    return (await this.select()).store.status();
  }

  async get(accountId: string): Promise<string | null> {
    return (await this.select()).store.get(accountId);
  }

  async set(accountId: string, secret: string): Promise<void> {
    return (await this.select()).store.set(accountId, secret);
  }

  async delete(accountId: string): Promise<boolean> {
    return (await this.select()).store.delete(accountId);
  }
}
