/**
 * Connecting and removing accounts. A new account's secret is checked against the service before
 * anything is saved; it then goes to the keychain only, and settings keep non-secret facts.
 */
import { rmSync } from 'node:fs';
import { PROVIDER_NAMES, type AccountConfig, type AddAccountInput } from '../../preload/contract';
import {
  accountCacheDir,
  providerModule,
  type CoreProviderDeps,
} from '../providers/create-provider';
import { checkBaseUrl } from '../providers/http/base-url';
import { ProviderError } from '../providers/provider';
import type { SettingsStore } from '../storage/settings-store';
import { fail } from './errors';

export interface AccountDeps extends CoreProviderDeps {
  settings: SettingsStore;
}

/** "toggl", then "toggl-2", "toggl-3"…: short ids that are easy to type after --account. */
export function nextAccountId(provider: string, taken: readonly string[]): string {
  if (!taken.includes(provider)) return provider;
  for (let n = 2; ; n++) if (!taken.includes(`${provider}-${n}`)) return `${provider}-${n}`;
}

export async function connectAccount(
  input: AddAccountInput,
  deps: AccountDeps,
): Promise<{ config: AccountConfig; message: string }> {
  if (input.provider === 'local') {
    fail('validation', 'The Local account is built in; it cannot be added again.', {
      field: 'provider',
    });
  }
  const module = providerModule(input.provider);
  const replacing =
    input.replaceAccountId === undefined
      ? undefined
      : deps.settings.get().accounts.find((a) => a.id === input.replaceAccountId);
  if (input.replaceAccountId !== undefined && replacing?.provider !== input.provider) {
    fail(
      'not-found',
      `No ${PROVIDER_NAMES[input.provider]} account with id “${input.replaceAccountId}” to reconnect.`,
      {
        field: 'replaceAccountId',
      },
    );
  }
  const secret = input.secret?.trim();
  if (!secret)
    fail('validation', `Paste the ${PROVIDER_NAMES[input.provider]} secret.`, { field: 'secret' });
  let baseUrl: string | undefined;
  const wantedBaseUrl = input.baseUrl ?? replacing?.baseUrl;
  if (wantedBaseUrl !== undefined && wantedBaseUrl.trim() !== '') {
    const checked = checkBaseUrl(wantedBaseUrl.trim());
    if (!checked.ok) fail('validation', checked.message, { field: 'baseUrl' });
    baseUrl = checked.url.replace(/\/+$/, '');
  }
  let connected;
  try {
    connected = await module.connect(
      {
        secret,
        baseUrl,
        // Reconnect keeps the account's choices unless the user gave new ones.
        options: { ...(replacing ? module.reconnectOptions(replacing) : {}), ...input.options },
      },
      {
        fetch: deps.fetch,
        clock: deps.clock,
        appVersion: deps.appVersion,
        onProblem: deps.onProblem,
      },
    );
  } catch (err) {
    // A refused secret is about the secret field, whatever words the service used.
    if (err instanceof ProviderError && err.error.kind === 'auth' && !err.error.field) {
      throw new ProviderError({ ...err.error, field: 'secret' });
    }
    throw err;
  }
  const current = deps.settings.get();
  const id =
    replacing?.id ?? nextAccountId(input.provider, ['local', ...current.accounts.map((a) => a.id)]);
  const config: AccountConfig = {
    id,
    provider: input.provider,
    label: input.label?.trim() || replacing?.label || connected.label,
    ...(baseUrl ? { baseUrl } : {}),
    options: connected.options,
  };
  const previousSecret = replacing ? await deps.secrets.get(id).catch(() => null) : null;
  // Keychain first: an account in settings without its secret would only say "sign in again".
  await deps.secrets.set(id, secret);
  try {
    const accounts = replacing
      ? current.accounts.map((a) => (a.id === id ? config : a))
      : [...current.accounts, config];
    deps.settings.update({ ...current, accounts });
  } catch (err) {
    // Leave the keychain as it was: the old secret back, or no entry for a new account.
    if (previousSecret) await deps.secrets.set(id, previousSecret).catch(() => undefined);
    else await deps.secrets.delete(id).catch(() => false);
    throw err;
  }
  const where =
    deps.secrets.kind === 'session' ? ' (secret kept for this session only: no keychain)' : '';
  return {
    config,
    message: `${replacing ? 'Reconnected' : 'Connected'} ${PROVIDER_NAMES[input.provider]}: ${config.label} (id ${id})${where}.`,
  };
}

export async function removeAccount(config: AccountConfig, deps: AccountDeps): Promise<void> {
  if (config.provider === 'local') {
    fail('validation', 'The Local account is built in; it cannot be removed.', {
      field: 'accountId',
    });
  }
  const current = deps.settings.get();
  deps.settings.update({
    ...current,
    accounts: current.accounts.filter((a) => a.id !== config.id),
    defaultAccountId: current.defaultAccountId === config.id ? 'local' : current.defaultAccountId,
  });
  await deps.secrets.delete(config.id);
  rmSync(accountCacheDir(deps.dataDir, config.id), { recursive: true, force: true });
}
