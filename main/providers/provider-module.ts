/**
 * How a provider plugs into the core: `connect` checks a new account's secret against the
 * service and returns the non-secret facts to keep (workspace, user id, a label); `create`
 * builds the live provider for a saved account.
 */
import type { AccountConfig, ProviderKind } from '../../preload/contract';
import type { Clock } from '../core/clock';
import type { Provider } from './provider';

export interface ProviderDeps {
  /** <data>/cache/<account id>/ for remote providers' caches (projects, recent, quota log). */
  cacheDir: string;
  /** The account's secret from the keychain; rejects with ProviderError kind 'auth' if missing. */
  getSecret: () => Promise<string>;
  fetch: typeof fetch;
  clock: Clock;
  /** A non-fatal problem the user should see (a damaged cache file moved aside…). */
  onProblem: (message: string) => void;
  /** The app's version, for User-Agent headers. */
  appVersion: string;
}

export interface ConnectRequest {
  secret: string;
  /** Replaces the documented base URL (already checked: https, or loopback). */
  baseUrl: string | undefined;
  /** Provider options from the form or CLI flags (workspace, email…). */
  options: Record<string, string>;
}

export interface ConnectResult {
  /** A label for the account when the user gave none ("ada@example.com · Acme"). */
  label: string;
  /** Non-secret facts to store in settings (workspace id, user id, time zone…). */
  options: AccountConfig['options'];
}

export interface ProviderModule {
  kind: Exclude<ProviderKind, 'local'>;
  /** The documented API base, path included. */
  defaultBaseUrl: string;
  /** Verifies the secret (e.g. GET /me) and picks the workspace; throws ProviderError. */
  connect(
    request: ConnectRequest,
    deps: Omit<ProviderDeps, 'getSecret' | 'cacheDir'>,
  ): Promise<ConnectResult>;
  create(config: AccountConfig, deps: ProviderDeps): Provider;
  /**
   * The connect options that reproduce a saved account's choices (its workspace, its sign-in
   * form), so "Reconnect" with a new secret never silently lands on another workspace.
   */
  reconnectOptions(config: AccountConfig): Record<string, string>;
}
