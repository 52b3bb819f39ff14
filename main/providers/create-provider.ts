/**
 * Builds the provider for an account. Remote providers arrive with their own issues; until then
 * an account of theirs (e.g. from a newer settings file) shows a clear "unsupported" error
 * instead of crashing the app.
 */
import { PROVIDER_NAMES, type AccountConfig } from '../../preload/contract';
import type { SecretStore } from '../secrets/secret-store';
import { LocalProvider } from './local/local-provider';
import { ProviderError, type Provider } from './provider';

export interface ProviderDeps {
  dataDir: string;
  secrets: SecretStore;
  fetch: typeof fetch;
  onProblem: (message: string) => void;
}

export function createProvider(config: AccountConfig, deps: ProviderDeps): Provider {
  switch (config.provider) {
    case 'local':
      return new LocalProvider(deps.dataDir, deps.onProblem);
    case 'toggl':
    case 'trackingtime':
    case 'webwork':
      throw new ProviderError({
        kind: 'unsupported',
        message: `${PROVIDER_NAMES[config.provider]} accounts are not supported by this version of Tray Timer yet.`,
      });
  }
}

export const LOCAL_ACCOUNT: AccountConfig = {
  id: 'local',
  provider: 'local',
  label: 'Local',
  options: {},
};
