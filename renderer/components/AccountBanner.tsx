import type { AccountState, AppError } from '../../preload/contract';

/** How a failing account looks: quota orange, sign-in red, unreachable grey. */
export function bannerTone(kind: AppError['kind']): 'quota' | 'auth' | 'offline' | 'warning' {
  switch (kind) {
    case 'quota':
    case 'rate-limited':
      return 'quota';
    case 'auth':
    case 'keychain':
      return 'auth';
    case 'offline':
    case 'provider':
      return 'offline';
    default:
      return 'warning';
  }
}

interface Props {
  account: AccountState & { error: AppError };
  /** Opens Preferences to connect this account's service again. */
  onReconnect(): void;
}

/** One account's trouble, at the top of that account's part of the timer view. */
export function AccountBanner({ account, onReconnect }: Props) {
  const tone = bannerTone(account.error.kind);
  return (
    <div className={`banner ${tone}`} role="alert" data-account={account.id}>
      <p className="banner-text">
        <strong>{account.label}</strong> {account.error.message}
      </p>
      {tone === 'auth' && account.provider !== 'local' && (
        <button
          type="button"
          className="button small"
          aria-label={`Reconnect ${account.label}`}
          onClick={onReconnect}
        >
          Reconnect
        </button>
      )}
    </div>
  );
}
