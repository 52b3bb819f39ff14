/**
 * Runs in a child process under a keychain condition the parent set up (no D-Bus, a bus without a
 * Secret Service, a locked keyring…) and prints what the app would see, as one JSON line.
 * The secret to try comes from TEST_SECRET so it never appears in argv.
 */
import { createSecretStore } from '../../main/secrets/create-secret-store';
import { KeytarSecretStore } from '../../main/secrets/keytar-secret-store';
import { SecretStoreError } from '../../main/secrets/secret-store';

function describeError(error: unknown): Record<string, string> {
  if (error instanceof SecretStoreError) {
    return { name: error.name, reason: error.reason, message: error.message };
  }
  return { name: 'other', message: String(error) };
}

async function attempt<T>(action: () => Promise<T>): Promise<{ value?: T; error?: object }> {
  try {
    return { value: await action() };
  } catch (error) {
    return { error: describeError(error) };
  }
}

const secret = process.env.TEST_SECRET ?? 'child-secret';
const keychain = new KeytarSecretStore();
const selection = await createSecretStore({ probeTimeoutMs: 15_000 });
const result = {
  selectionKind: selection.store.kind,
  selectionStatus: selection.status,
  statusLater: await selection.store.status(),
  keychainStatus: await keychain.status(),
  set: await attempt(() => keychain.set('child-account', secret)),
  get: await attempt(() => keychain.get('child-account')),
  delete: await attempt(() => keychain.delete('child-account')),
  sessionRoundTrip: await attempt(async () => {
    await selection.store.set('child-account', secret);
    return (await selection.store.get('child-account')) === secret;
  }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
