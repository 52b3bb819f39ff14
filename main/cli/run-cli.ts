/**
 * What one `tray-timer …` invocation does after parsing: send the command to the running app
 * over the control socket, or, when no app answers, open the core in-process ('oneshot': no
 * timers), run it, close it. Then print the answer and pick the exit code.
 *
 * Dependencies come in as arguments (environment, streams, the core's opener, the clock) so the
 * entry file stays a few lines and nothing here reads globals behind the caller's back.
 */
import type { Readable, Writable } from 'node:stream';
import type { AppError, Command, CommandResult } from '../../preload/contract';
import type { Core, CoreOptions } from '../core/core';
import { sendControlCommand } from '../control/socket-client';
import { controlSocketPath, resolveDataDir } from '../storage/data-dir';
import { LazySecretStore, loadDefaultSecretStore } from './lazy-secret-store';
import type { SecretStoreLoader } from './lazy-secret-store';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseArgs } from './parse-args';
import type { Invocation } from './parse-args';
import { promptHidden, readSecretFromStream, SecretInputError } from './read-secret';
import { accountsFrom, accountsText, statusJson, statusText } from './status-output';
import { PROVIDER_NAMES } from '../../preload/contract';

export interface CliDeps {
  args: readonly string[];
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homedir: string;
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: Writable;
  stderr: Writable;
  version: string;
  now(): number;
  openCore(options: CoreOptions): Promise<Core>;
  loadSecretStore?: SecretStoreLoader;
}

/** `status` is answered from the app's snapshot at once; actions may wait on a provider. */
const STATUS_TIMEOUT_MS = 5_000;
const ACTION_TIMEOUT_MS = 60_000;

/** What the user can do about a failure, beyond the core's own sentence. */
function hint(error: AppError): string | undefined {
  if (
    error.kind === 'not-found' &&
    /account/i.test(error.message) &&
    !/accounts list/.test(error.message)
  ) {
    return 'Run "tray-timer accounts list" to see the account ids.';
  }
  if (error.kind === 'auth')
    return 'Add the account again with "tray-timer accounts add" to sign in.';
  return undefined;
}

function failure(stderr: Writable, error: AppError, command: Command): number {
  const extra =
    error.kind === 'conflict' && command.type === 'start' && !command.input.replaceRunning
      ? 'Run again with --replace to stop it and start this one.'
      : hint(error);
  const text = extra ? `${error.message}\n${extra}` : error.message;
  stderr.write(`tray-timer: ${text}\n`);
  return EXIT_FAILED;
}

function print(
  invocation: Invocation,
  result: Extract<CommandResult, { ok: true }>,
  deps: CliDeps,
): void {
  const now = deps.now();
  switch (invocation.output) {
    case 'status-text': {
      const text = statusText(result.snapshot, now);
      if (text) deps.stdout.write(`${text}\n`);
      return;
    }
    case 'status-json':
      deps.stdout.write(`${JSON.stringify(statusJson(result.snapshot, now))}\n`);
      return;
    case 'accounts-text':
      deps.stdout.write(`${accountsText(accountsFrom(result.data, result.snapshot))}\n`);
      return;
    case 'accounts-json':
      deps.stdout.write(
        `${JSON.stringify({ accounts: accountsFrom(result.data, result.snapshot) })}\n`,
      );
      return;
    case 'message':
      deps.stdout.write(`${result.message ?? fallbackMessage(invocation.command)}\n`);
      return;
  }
}

function fallbackMessage(command: Command): string {
  switch (command.type) {
    case 'start':
      return 'Started.';
    case 'stop':
      return 'Stopped.';
    case 'toggle':
      return 'Toggled.';
    case 'continue':
      return 'Continued.';
    case 'accounts.add':
      return `Added the ${PROVIDER_NAMES[command.input.provider]} account.`;
    case 'accounts.remove':
      return `Removed account ${command.input.accountId}.`;
    default:
      return 'Done.';
  }
}

/** accounts add: fetch the secret (stdin or hidden prompt) and put it into the command. */
async function withSecret(invocation: Invocation, deps: CliDeps): Promise<Command> {
  const { command } = invocation;
  if (command.type !== 'accounts.add' || !invocation.secret) return command;
  let secret: string;
  // --secret-stdin on a terminal would echo what is typed: ask with the hidden prompt instead.
  if (invocation.secret === 'stdin' && !deps.stdin.isTTY) {
    secret = await readSecretFromStream(deps.stdin);
  } else if (deps.stdin.isTTY) {
    const what = PROVIDER_NAMES[command.input.provider];
    secret = await promptHidden(
      `${what} API token or password (hidden): `,
      deps.stdin,
      deps.stderr,
    );
    if (!secret.trim()) throw new SecretInputError('no secret was typed');
  } else {
    throw new SecretInputError(
      `adding a ${PROVIDER_NAMES[command.input.provider]} account needs its secret: pipe it in with --secret-stdin, or run in a terminal to be asked`,
    );
  }
  return { ...command, input: { ...command.input, secret } };
}

async function runInProcess(
  command: Command,
  dataDir: string,
  deps: CliDeps,
): Promise<CommandResult> {
  const secrets = new LazySecretStore(deps.loadSecretStore ?? loadDefaultSecretStore);
  if (command.type === 'accounts.add' && command.input.secret !== undefined) {
    // A secret given to a process that exits right away must land somewhere lasting: with no
    // keychain it would be forgotten the moment this command returns, so refuse instead.
    const { store, status } = await secrets.select();
    if (store.kind !== 'keychain') {
      const why = (status.reason ?? '').replace(/^Secrets are kept in memory only[^:]*:\s*/, '');
      return {
        ok: false,
        error: {
          kind: 'keychain',
          message: `The secret cannot be saved from the command line: no keychain works here${why ? ` (${why.replace(/\.$/, '')})` : ''}. Start the Tray Timer app and add the account there; it keeps the secret in memory until it quits.`,
        },
      };
    }
  }
  const core = await deps.openCore({ dataDir, secrets, mode: 'oneshot' });
  try {
    return await core.execute(command);
  } finally {
    await core.close();
  }
}

export async function runCli(deps: CliDeps): Promise<number> {
  const parsed = parseArgs(
    deps.args,
    { writeOut: (t) => deps.stdout.write(t), writeErr: (t) => deps.stderr.write(t) },
    deps.version,
  );
  if (parsed.kind === 'exit') return parsed.code;
  const { invocation } = parsed;

  let command: Command;
  try {
    command = await withSecret(invocation, deps);
  } catch (err) {
    if (err instanceof SecretInputError) {
      // Ctrl-C at the prompt is the user changing their mind, not a usage mistake.
      if (err.cancelled) {
        deps.stderr.write('tray-timer: cancelled; no account was added\n');
        return EXIT_FAILED;
      }
      deps.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }

  const dataDir = resolveDataDir(deps.env, deps.platform, deps.homedir);
  let result: CommandResult;
  try {
    const answer = await sendControlCommand(controlSocketPath(dataDir, deps.platform), command, {
      timeoutMs: command.type === 'status' ? STATUS_TIMEOUT_MS : ACTION_TIMEOUT_MS,
    });
    result =
      answer.kind === 'answered' ? answer.result : await runInProcess(command, dataDir, deps);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    deps.stderr.write(`tray-timer: ${why}\n`);
    return EXIT_FAILED;
  }

  if (!result.ok) return failure(deps.stderr, result.error, command);
  print(invocation, result, deps);
  return EXIT_OK;
}
