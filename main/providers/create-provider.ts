/**
 * The providers this build knows, and how an account's provider is built. An account whose
 * provider this build does not have (a settings file from a newer version) shows a clear
 * "unsupported" error instead of crashing the app.
 */
import { join } from 'node:path';
import { PROVIDER_NAMES, type AccountConfig, type ProviderKind } from '../../preload/contract';
import type { Clock } from '../core/clock';
import type { SecretStore } from '../secrets/secret-store';
import { SecretStoreError } from '../secrets/secret-store';
import { LocalProvider } from './local/local-provider';
import { ProviderError, type Provider } from './provider';
import type { ProviderModule } from './provider-module';
import { togglModule } from './toggl/toggl-module';
import { trackingtimeModule } from './trackingtime/trackingtime-module';
import { webworkModule } from './webwork/webwork-module';

/** Remote providers, one module each (main/providers/<kind>/). */
const MODULES: Partial<Record<ProviderKind, ProviderModule>> = {
  toggl: togglModule,
  trackingtime: trackingtimeModule,
  webwork: webworkModule,
};

export function providerModule(kind: ProviderKind): ProviderModule {
  const module = MODULES[kind];
  if (!module) {
    throw new ProviderError({
      kind: 'unsupported',
      message: `${PROVIDER_NAMES[kind]} accounts are not supported by this version of Tray Timer yet.`,
    });
  }
  return module;
}

export interface CoreProviderDeps {
  dataDir: string;
  secrets: SecretStore;
  fetch: typeof fetch;
  clock: Clock;
  appVersion: string;
  onProblem: (message: string) => void;
}

export function accountCacheDir(dataDir: string, accountId: string): string {
  return join(dataDir, 'cache', accountId);
}

/** The account's secret, or an error value saying the account needs signing in again. */
export function secretGetter(config: AccountConfig, secrets: SecretStore): () => Promise<string> {
  return async () => {
    let secret: string | null;
    try {
      secret = await secrets.get(config.id);
    } catch (err) {
      if (err instanceof SecretStoreError) {
        throw new ProviderError({
          kind: err.reason === 'unavailable' ? 'keychain' : 'auth',
          message: `Sign-in needed for ${config.label}: ${err.message}`,
        });
      }
      throw err;
    }
    if (!secret) {
      throw new ProviderError({
        kind: 'auth',
        message: `Sign-in needed for ${config.label}: its secret is not in the keychain. Connect the account again.`,
      });
    }
    return secret;
  };
}

export function createProvider(config: AccountConfig, deps: CoreProviderDeps): Provider {
  if (config.provider === 'local') return new LocalProvider(deps.dataDir, deps.onProblem);
  return providerModule(config.provider).create(config, {
    cacheDir: accountCacheDir(deps.dataDir, config.id),
    getSecret: secretGetter(config, deps.secrets),
    fetch: deps.fetch,
    clock: deps.clock,
    onProblem: deps.onProblem,
    appVersion: deps.appVersion,
  });
}

export const LOCAL_ACCOUNT: AccountConfig = {
  id: 'local',
  provider: 'local',
  label: 'Local',
  options: {},
};
