import { KEYCHAIN_SERVICE, SecretStoreError } from './secret-store';
import type { SecretStore, SecretStoreStatus } from './secret-store';

/**
 * The part of keytar this store uses. Deliberately NOT `findCredentials`/`findPassword`: on Linux
 * they segfault the whole process when the collection is locked and holds items (keytar 7.9
 * dereferences the NULL secret libsecret returns for a locked item), so a tray app must never
 * call them.
 */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarSecretStoreOptions {
  /** keychain service name; tests use their own so they never touch the user's entries. */
  service?: string;
  /** How keytar is loaded. Default: a dynamic import, so merely importing this module never loads the native addon. */
  loadKeytar?: () => Promise<KeytarApi>;
}

/** Account name of the throw-away item `status()` writes and deletes to prove the keychain works. */
export const PROBE_ACCOUNT = 'tray-timer-keychain-probe';

type Reason = SecretStoreError['reason'];

/**
 * Known keychain failures (libsecret/D-Bus on Linux, Security.framework on macOS, Credential
 * Manager on Windows) turned into a sentence the user can act on. Matching is on the system
 * message because keytar reports nothing else (no codes).
 */
const KNOWN_FAILURES: ReadonlyArray<{ pattern: RegExp; reason: Reason; message: string }> = [
  {
    pattern:
      // "…was not provided by any .service files" also names the unique bus name (":1.0") of a
      // daemon that went away after libsecret connected to it.
      /org\.freedesktop\.secrets was not provided|was not provided by any \.service files|ServiceUnknown|no such (secret )?service|secret service.*not (available|running)/i,
    reason: 'unavailable',
    message:
      "No Secret Service is running (install gnome-keyring or KeePassXC's Secret Service, then restart Tray Timer)",
  },
  {
    pattern:
      /could not connect|cannot autolaunch|DBUS_SESSION_BUS_ADDRESS|unable to autolaunch|failed to connect to socket|dbus-launch/i,
    reason: 'unavailable',
    message:
      'No D-Bus session is available, so the Secret Service (keychain) cannot be reached. Start Tray Timer from your desktop session',
  },
  {
    pattern: /locked|user interaction is not allowed|-25308|not unlocked/i,
    reason: 'locked',
    message:
      'The keychain is locked. Unlock it (log in again or open your keyring manager) and retry',
  },
  {
    pattern: /prompt dismissed|cancel+ed|user canceled|denied|not authori[sz]ed|-128\b|-25293/i,
    reason: 'denied',
    message: 'Access to the keychain was refused. Allow Tray Timer to use the keychain and retry',
  },
];

/** The module could not be loaded at all (missing libsecret, wrong architecture, stripped build). */
const LOAD_FAILURE_MESSAGE =
  'The keychain module could not be loaded, so secrets cannot be kept in the system keychain';

/**
 * Maps any keytar rejection to a SecretStoreError whose message is written for the user, with the
 * system's own words appended for support. `secret`, when given, is scrubbed from the system text:
 * no known backend echoes it, but a message is shown and logged, so it must never carry it.
 */
export function toSecretStoreError(
  error: unknown,
  action: string,
  secret?: string,
): SecretStoreError {
  if (error instanceof SecretStoreError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  let detail = raw.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (secret) detail = detail.split(secret).join('[redacted]');
  const known = KNOWN_FAILURES.find((candidate) => candidate.pattern.test(raw));
  const lead = known?.message ?? `The keychain failed while ${action}`;
  const reason = known?.reason ?? 'failed';
  return new SecretStoreError(detail ? `${lead} (${detail}).` : `${lead}.`, reason);
}

async function importKeytar(): Promise<KeytarApi> {
  // keytar is CommonJS: depending on the loader the functions are on the namespace or on default.
  const mod = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  return mod.default ?? mod;
}

function checkAccountId(accountId: string): void {
  if (typeof accountId !== 'string' || accountId.trim() === '') {
    throw new SecretStoreError('An account id is required to use the keychain.', 'failed');
  }
}

/**
 * Secrets in the OS keychain through keytar: one item per account, service `tray-timer`, account
 * name = account id. Limitation of keytar on Linux: reading from a *locked* collection returns
 * "no secret" rather than an error, so `status()` (which writes a probe) is the way to tell.
 */
export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly #service: string;
  readonly #load: () => Promise<KeytarApi>;
  #keytar: Promise<KeytarApi> | undefined;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.#service = options.service ?? KEYCHAIN_SERVICE;
    this.#load = options.loadKeytar ?? importKeytar;
  }

  get service(): string {
    return this.#service;
  }

  async #api(): Promise<KeytarApi> {
    this.#keytar ??= this.#load().catch((error: unknown) => {
      this.#keytar = undefined; // let a later call retry rather than caching the failure forever
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new SecretStoreError(`${LOAD_FAILURE_MESSAGE} (${detail}).`, 'unavailable');
    });
    return this.#keytar;
  }

  /**
   * A real round trip: read, write and delete a probe item. Reading alone would not notice a
   * locked collection (see the class comment); writing is also what may raise the OS unlock prompt.
   */
  async status(): Promise<SecretStoreStatus> {
    try {
      await this.#probe();
      return { kind: 'keychain', available: true };
    } catch (error) {
      const failure = toSecretStoreError(error, 'checking that it works');
      return { kind: 'keychain', available: false, reason: failure.message };
    }
  }

  async #probe(): Promise<void> {
    const keytar = await this.#api();
    try {
      await keytar.getPassword(this.#service, PROBE_ACCOUNT);
      await keytar.setPassword(this.#service, PROBE_ACCOUNT, `probe-${Date.now()}`);
      await keytar.deletePassword(this.#service, PROBE_ACCOUNT);
    } catch (error) {
      throw toSecretStoreError(error, 'checking that it works');
    }
  }

  /**
   * The account's secret, or null when the keychain works and has none. keytar answers null for
   * a LOCKED collection too (see the class comment): telling the user "your secret is gone,
   * connect again" would be wrong (and reconnecting fails the same way), so a null is checked
   * with the probe, which names the real problem ("The keychain is locked…").
   */
  async get(accountId: string): Promise<string | null> {
    checkAccountId(accountId);
    const keytar = await this.#api();
    let secret: string | null;
    try {
      secret = await keytar.getPassword(this.#service, accountId);
    } catch (error) {
      throw toSecretStoreError(error, 'reading a secret');
    }
    if (secret === null) await this.#probe();
    return secret;
  }

  async set(accountId: string, secret: string): Promise<void> {
    checkAccountId(accountId);
    if (typeof secret !== 'string' || secret === '') {
      throw new SecretStoreError('An empty secret cannot be stored.', 'failed');
    }
    const keytar = await this.#api();
    try {
      await keytar.setPassword(this.#service, accountId, secret);
    } catch (error) {
      throw toSecretStoreError(error, 'storing a secret', secret);
    }
  }

  async delete(accountId: string): Promise<boolean> {
    checkAccountId(accountId);
    const keytar = await this.#api();
    try {
      return await keytar.deletePassword(this.#service, accountId);
    } catch (error) {
      throw toSecretStoreError(error, 'deleting a secret');
    }
  }
}
