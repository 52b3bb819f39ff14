import { useState } from 'react';
import type {
  AccountState,
  AccountSummary,
  AddAccountInput,
  SettingsPatch,
} from '../../preload/contract';
import { PROVIDER_NAMES } from '../constants';
import type { Commands } from '../hooks/useCommands';
import { failureOf } from '../hooks/useCommands';
import { bannerTone } from './AccountBanner';
import { ConnectAccountForm } from './ConnectAccountForm';
import type { ConnectTarget, Replacing } from './ConnectAccountForm';

interface Props {
  accounts: AccountState[];
  /** From settings: what the snapshot does not carry (an account's API address). */
  summaries: AccountSummary[];
  commands: Commands;
  connectFor: ConnectTarget | null;
  update(key: string, patch: SettingsPatch, done: string): Promise<boolean>;
  onAddAccount(input: AddAccountInput, replacing: Replacing | null): Promise<string | null>;
  onRemoveAccount(accountId: string): Promise<boolean>;
}

/** Connected accounts (default, remove with a confirm step) and the form to connect another. */
export function AccountsSection(props: Props) {
  const { accounts, summaries, commands, connectFor, update, onAddAccount, onRemoveAccount } =
    props;
  const blocked = commands.pending !== null;
  const old = connectFor && accounts.find((a) => a.id === connectFor.accountId);
  const replacing: Replacing | null = old
    ? {
        id: old.id,
        label: old.label,
        baseUrl: summaries.find((a) => a.id === old.id)?.baseUrl ?? null,
        isDefault: old.isDefault,
      }
    : null;
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <>
      <section className="card" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading" className="section-title">
          Accounts
        </h2>
        <ul className="account-list">
          {accounts.map((account) => {
            const removeKey = `accounts:remove:${account.id}`;
            const failure =
              failureOf(commands, `settings:default:${account.id}`) ??
              failureOf(commands, removeKey);
            const highlighted = connectFor?.accountId === account.id;
            return (
              <li
                key={account.id}
                className={highlighted ? 'account-item highlighted' : 'account-item'}
                aria-label={account.label}
              >
                <div className="account-row">
                  <div className="account-text">
                    <span className="account-title">
                      <span className="account-label">{account.label}</span>
                      {account.isDefault && <span className="badge">Default</span>}
                    </span>
                    <span className="account-meta">
                      {account.provider === 'local'
                        ? 'Built in · entries stay on this computer'
                        : PROVIDER_NAMES[account.provider]}
                      {account.role && (
                        <>
                          {' · '}
                          <span className="role">{account.role}</span>
                        </>
                      )}
                    </span>
                  </div>
                  {!account.isDefault && (
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Make ${account.label} the default`}
                      aria-disabled={blocked || undefined}
                      aria-busy={commands.pending === `settings:default:${account.id}` || undefined}
                      onClick={() => {
                        if (blocked) return;
                        void update(
                          `settings:default:${account.id}`,
                          { defaultAccountId: account.id },
                          `${account.label} is now the default account`,
                        );
                      }}
                    >
                      Make default
                    </button>
                  )}
                  {account.provider !== 'local' && confirming !== account.id && (
                    <button
                      type="button"
                      className="button small quiet"
                      aria-label={`Remove ${account.label}`}
                      aria-disabled={blocked || undefined}
                      onClick={() => !blocked && setConfirming(account.id)}
                    >
                      Remove
                    </button>
                  )}
                </div>
                {account.error && (
                  <span className={`account-error ${bannerTone(account.error.kind)}`}>
                    {account.error.message}
                  </span>
                )}
                {confirming === account.id && (
                  <div className="confirm" role="group" aria-label={`Remove ${account.label}?`}>
                    <p>
                      Remove {account.label}? Its token is deleted from the keychain; entries stay
                      in {PROVIDER_NAMES[account.provider]}.
                    </p>
                    <div className="row end">
                      <button
                        type="button"
                        className="button small"
                        onClick={() => setConfirming(null)}
                        // The question just appeared: put the safe answer under the cursor.
                        autoFocus
                      >
                        Cancel
                      </button>
                      <button
                        type="button"
                        className="button small danger"
                        aria-disabled={blocked || undefined}
                        aria-busy={commands.pending === removeKey || undefined}
                        onClick={async () => {
                          if (blocked) return;
                          if (await onRemoveAccount(account.id)) setConfirming(null);
                        }}
                      >
                        {commands.pending === removeKey ? 'Removing…' : 'Remove account'}
                      </button>
                    </div>
                  </div>
                )}
                {failure && (
                  <p className="error" role="alert">
                    {failure.message}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <ConnectAccountForm
        key={connectFor?.accountId ?? 'new'}
        target={connectFor}
        replacing={replacing}
        busy={commands.pending === 'accounts:add'}
        blocked={blocked}
        error={failureOf(commands, 'accounts:add')}
        onConnect={onAddAccount}
      />
    </>
  );
}
