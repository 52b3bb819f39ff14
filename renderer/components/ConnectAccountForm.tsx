import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AddAccountInput, AppError, ProviderKind } from '../../preload/contract';
import { PROVIDER_NAMES } from '../constants';
import { isField } from '../hooks/useCommands';
import { CheckIcon } from './icons';
import { FormSubmit } from './FormSubmit';

/** Services the form offers. */
export const CONNECTABLE = [
  'toggl',
  'trackingtime',
  'webwork',
] as const satisfies readonly ProviderKind[];
type Connectable = (typeof CONNECTABLE)[number];
const isConnectable = (p: string): p is Connectable =>
  (CONNECTABLE as readonly string[]).includes(p);

/** What "Reconnect" on a failing account asks the form to preselect. */
export interface ConnectTarget {
  provider: ProviderKind;
  accountId: string;
}

/** The account a reconnect replaces, with what the new connection should keep. */
export interface Replacing {
  id: string;
  label: string;
  baseUrl: string | null;
  isDefault: boolean;
}

/** What each service calls its secret, where to find it, and its documented API address. */
const SECRET_LABEL: Record<Connectable, string> = {
  toggl: 'API token',
  trackingtime: 'App password or account password',
  webwork: 'Personal Access Token',
};
const SECRET_PLACEHOLDER: Record<Connectable, string> = {
  toggl: 'Paste the token',
  trackingtime: 'Paste the app password',
  webwork: 'Paste the token',
};
const TOKEN_HINT: Record<Connectable, string> = {
  toggl: 'Toggl Track → Profile settings → API Token. It is kept in the system keychain only.',
  trackingtime:
    'TrackingTime → Settings → Apps & Integrations → App Passwords; with your e-mail above, your account password works too. It is kept in the system keychain only.',
  webwork:
    'WebWork → Settings › REST API › Create Token; tokens expire after 6 months. It is kept in the system keychain only.',
};
const WORKSPACE_PLACEHOLDER: Record<Connectable, string> = {
  toggl: 'Default',
  trackingtime: 'Team id or company name',
  webwork: 'Id or name',
};
const BASE_URL_PLACEHOLDER: Record<Connectable, string> = {
  toggl: 'https://api.track.toggl.com/api/v9',
  trackingtime: 'https://app.trackingtime.co/api/v4',
  webwork: 'https://api.webwork-tracker.com/api/v2',
};
/** What the e-mail field is for, where the service has one (empty: no e-mail field). */
const EMAIL_LABEL: Record<Connectable, string> = {
  toggl: '',
  trackingtime: 'E-mail (optional — leave empty to use an App Password)',
  webwork: 'E-mail of your WebWork login',
};
/** What the secret is called in sentences ("Paste a new token"). */
const SECRET_WORD: Record<Connectable, string> = {
  toggl: 'token',
  trackingtime: 'password',
  webwork: 'token',
};

/**
 * The workspaces a "Choose a workspace: Acme (id 1), Beta (id 2)" answer lists, so the user can
 * pick one with a click instead of retyping it. Empty when the message lists none.
 */
export function workspaceChoices(message: string): { name: string; id: string }[] {
  const at = message.search(/choose (a workspace|one)\b/i);
  if (at < 0) return [];
  const list = message.slice(message.indexOf(':', at) + 1);
  return [...list.matchAll(/\s*([^,]+?) \(id ([^)\s]+)\)/g)].map((m) => ({
    name: m[1] ?? '',
    id: m[2] ?? '',
  }));
}

interface Props {
  target: ConnectTarget | null;
  /** Set when reconnecting: the new account takes this one's place. */
  replacing: Replacing | null;
  busy: boolean;
  blocked: boolean;
  error: AppError | null;
  /** Resolves to the core's message on success, null on failure (the error comes as a prop). */
  onConnect(input: AddAccountInput, replacing: Replacing | null): Promise<string | null>;
}

/**
 * Connect a remote account. The token field is uncontrolled on purpose: a controlled React input
 * mirrors its value into the `value` attribute, and the token must never be in the DOM. It is
 * read once on submit and emptied as soon as the account is connected.
 */
export function ConnectAccountForm(props: Props) {
  const { target, replacing, busy, blocked, error, onConnect } = props;
  const id = useId();
  const secretRef = useRef<HTMLInputElement>(null);
  const workspaceRef = useRef<HTMLInputElement>(null);
  const [provider, setProvider] = useState<Connectable>(
    target && isConnectable(target.provider) ? target.provider : 'toggl',
  );
  const [workspace, setWorkspace] = useState('');
  // TrackingTime: with an e-mail the secret is that account's password (or an app password);
  // without one it is an App Password on its own. WebWork: finds the user by it (required).
  // Not a secret, so it may live in React state.
  const [email, setEmail] = useState('');
  // Reconnecting keeps the label and the API address the account had. Until the user edits
  // them (null: untouched) they follow `replacing`, whose address arrives with the settings.
  const [labelDraft, setLabel] = useState<string | null>(null);
  const [baseUrlDraft, setBaseUrl] = useState<string | null>(null);
  const [advancedDraft, setAdvancedOpen] = useState<boolean | null>(null);
  const label = labelDraft ?? replacing?.label ?? '';
  const baseUrl = baseUrlDraft ?? replacing?.baseUrl ?? '';
  const advancedOpen = advancedDraft ?? Boolean(replacing?.baseUrl);
  const [done, setDone] = useState<string | null>(null);

  // "Reconnect" lands here (the form is keyed by its target, so the service is preselected by
  // the initial state above): put the cursor in the token field.
  useEffect(() => {
    if (!target) return;
    secretRef.current?.focus();
    secretRef.current?.scrollIntoView({ block: 'center' });
  }, [target]);

  // While connecting, a sign-in refusal is about the token even when no field is named.
  const secretError =
    isField(error, 'secret') || (error?.kind === 'auth' && !error.field) ? error : null;
  const baseUrlError = isField(error, 'baseUrl') ? error : null;
  const workspaceError = isField(error, 'workspace') ? error : null;
  const labelError = isField(error, 'label') ? error : null;
  const hasEmail = EMAIL_LABEL[provider] !== '';
  const emailError = hasEmail && isField(error, 'email') ? error : null;
  const choices = workspaceError ? workspaceChoices(workspaceError.message) : [];
  const formError =
    error && !secretError && !baseUrlError && !workspaceError && !labelError && !emailError
      ? error
      : null;

  // The field at fault gets the cursor; the base URL's must be visible even if Advanced was closed.
  useEffect(() => {
    if (secretError) secretRef.current?.focus();
  }, [secretError]);
  // Several TrackingTime teams and none chosen: the message lists them; the user types one here
  // and presses Connect again (the secret stays in its field, never in React state).
  useEffect(() => {
    if (workspaceError) workspaceRef.current?.focus();
  }, [workspaceError]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void connect(workspace);
  };

  // A workspace picked from the listed choices connects at once with it.
  const choose = (choice: { id: string }) => {
    setWorkspace(choice.id);
    void connect(choice.id);
  };

  const connect = async (workspaceText: string) => {
    if (blocked) return;
    setDone(null);
    const options: Record<string, string> = {};
    if (workspaceText.trim()) options['workspace'] = workspaceText.trim();
    if (hasEmail && email.trim()) options['email'] = email.trim();
    const input: AddAccountInput = {
      provider,
      secret: secretRef.current?.value ?? '',
      options,
    };
    if (label.trim()) input.label = label.trim();
    if (baseUrl.trim()) input.baseUrl = baseUrl.trim();
    const message = await onConnect(input, replacing);
    if (message === null) return;
    if (secretRef.current) secretRef.current.value = '';
    setWorkspace('');
    setEmail('');
    setLabel('');
    setBaseUrl('');
    setDone(message);
  };

  const describe = (...ids: (string | false | null)[]) =>
    ids.filter(Boolean).join(' ') || undefined;

  // Connected: the form (and its token field) goes away; what happened stays in words.
  if (done) {
    return (
      <section className="card connect-form" aria-labelledby={`${id}-heading`}>
        <h2 id={`${id}-heading`} className="section-title">
          Connect an account
        </h2>
        <p className="success" role="status">
          <CheckIcon /> {done}
        </p>
        <div className="row end">
          <button
            type="button"
            className="button small"
            onClick={() => setDone(null)}
            // The Connect button it replaces had the focus: keep the keyboard somewhere useful.
            autoFocus
          >
            Connect another account
          </button>
        </div>
      </section>
    );
  }

  return (
    <form
      className="card connect-form"
      onSubmit={submit}
      aria-labelledby={`${id}-heading`}
      noValidate
      autoComplete="off"
    >
      <h2 id={`${id}-heading`} className="section-title">
        {replacing ? `Reconnect ${replacing.label}` : 'Connect an account'}
      </h2>
      {replacing && (
        <p className="hint">
          Paste a new {SECRET_WORD[provider]}: the account is checked again and replaces{' '}
          {replacing.label}.
        </p>
      )}
      <div className="field inline">
        <label htmlFor={`${id}-provider`}>Service</label>
        <select
          id={`${id}-provider`}
          name="provider"
          value={provider}
          onChange={(e) => isConnectable(e.target.value) && setProvider(e.target.value)}
        >
          {CONNECTABLE.map((p) => (
            <option key={p} value={p}>
              {PROVIDER_NAMES[p]}
            </option>
          ))}
        </select>
      </div>
      {hasEmail && (
        <div className="field">
          <label htmlFor={`${id}-email`}>{EMAIL_LABEL[provider]}</label>
          <input
            id={`${id}-email`}
            name="email"
            type="email"
            autoComplete="off"
            spellCheck={false}
            placeholder="you@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={emailError ? true : undefined}
            aria-required={provider === 'webwork' && !replacing ? true : undefined}
            aria-describedby={describe(
              provider === 'webwork' && replacing !== null && `${id}-email-hint`,
              emailError && `${id}-email-error`,
            )}
          />
          {provider === 'webwork' && replacing && (
            <p className="hint" id={`${id}-email-hint`}>
              Leave empty to keep the one {replacing.label} uses.
            </p>
          )}
          {emailError && (
            <p className="error" id={`${id}-email-error`} role="alert">
              {emailError.message}
            </p>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-secret`}>{SECRET_LABEL[provider]}</label>
        <input
          ref={secretRef}
          id={`${id}-secret`}
          name="secret"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={SECRET_PLACEHOLDER[provider]}
          aria-invalid={secretError ? true : undefined}
          aria-describedby={describe(`${id}-secret-hint`, secretError && `${id}-secret-error`)}
        />
        <p className="hint" id={`${id}-secret-hint`}>
          {TOKEN_HINT[provider]}
        </p>
        {secretError && (
          <p className="error" id={`${id}-secret-error`} role="alert">
            {secretError.message}
          </p>
        )}
      </div>
      <div className="row tight">
        <div className="field grow">
          <label htmlFor={`${id}-workspace`}>Workspace (optional)</label>
          <input
            ref={workspaceRef}
            id={`${id}-workspace`}
            name="workspace"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder={WORKSPACE_PLACEHOLDER[provider]}
            value={workspace}
            onChange={(e) => setWorkspace(e.target.value)}
            aria-invalid={workspaceError ? true : undefined}
            aria-describedby={workspaceError ? `${id}-workspace-error` : undefined}
          />
        </div>
        <div className="field grow">
          <label htmlFor={`${id}-label`}>Label (optional)</label>
          <input
            id={`${id}-label`}
            name="label"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="From the profile"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            aria-invalid={labelError ? true : undefined}
            aria-describedby={labelError ? `${id}-label-error` : undefined}
          />
        </div>
      </div>
      {workspaceError && (
        <p className="error" id={`${id}-workspace-error`} role="alert">
          {workspaceError.message}
        </p>
      )}
      {choices.length > 0 && (
        <div className="choices" role="group" aria-label="Workspaces to choose from">
          {choices.map((c) => (
            <button
              key={c.id}
              type="button"
              className="button small"
              aria-label={`Connect to ${c.name} (id ${c.id})`}
              aria-disabled={blocked || undefined}
              onClick={() => choose(c)}
            >
              {c.name}
            </button>
          ))}
        </div>
      )}
      {labelError && (
        <p className="error" id={`${id}-label-error`} role="alert">
          {labelError.message}
        </p>
      )}
      <details
        className="advanced"
        open={advancedOpen || baseUrlError !== null}
        onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
      >
        <summary>Advanced</summary>
        <div className="field">
          <label htmlFor={`${id}-base-url`}>API base URL</label>
          <input
            id={`${id}-base-url`}
            name="baseUrl"
            type="url"
            autoComplete="off"
            spellCheck={false}
            placeholder={BASE_URL_PLACEHOLDER[provider]}
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            aria-invalid={baseUrlError ? true : undefined}
            aria-describedby={describe(
              `${id}-base-url-hint`,
              baseUrlError && `${id}-base-url-error`,
            )}
          />
          <p className="hint" id={`${id}-base-url-hint`}>
            For a proxy or a test server. Must be https (http only on this computer).
          </p>
          {baseUrlError && (
            <p className="error" id={`${id}-base-url-error`} role="alert">
              {baseUrlError.message}
            </p>
          )}
        </div>
      </details>
      {formError && (
        <p className="error" role="alert">
          {formError.message}
        </p>
      )}
      <FormSubmit label="Connect" busyLabel="Connecting…" busy={busy} blocked={blocked} />
    </form>
  );
}
