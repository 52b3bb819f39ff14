/**
 * Where account secrets live. The product stores them in the OS keychain (keytar); this
 * interface keeps that choice in one file and lets the core run with a session-only store when
 * no keychain exists. There is deliberately no plaintext-file implementation.
 */
export type SecretStoreKind = 'keychain' | 'session';

export interface SecretStoreStatus {
  kind: SecretStoreKind;
  available: boolean;
  /** Why the keychain is not usable, written for the user (e.g. "No Secret Service running"). */
  reason?: string;
}

export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** Checks that the backend works right now (Secret Service reachable, keychain unlocked). */
  status(): Promise<SecretStoreStatus>;
  /** The secret of an account, or null when there is none. Rejects with SecretStoreError. */
  get(accountId: string): Promise<string | null>;
  set(accountId: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(accountId: string): Promise<boolean>;
}

/** Keychain failures. The message never contains the secret. */
export class SecretStoreError extends Error {
  constructor(
    message: string,
    readonly reason: 'unavailable' | 'locked' | 'denied' | 'failed',
  ) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

/** keytar service name: one keychain entry per account, account name = account id. */
export const KEYCHAIN_SERVICE = 'tray-timer';
