/**
 * What one `tray-timer …` invocation does after parsing: send the command to the running app
 * over the control socket, or, when no app answers, open the core in-process ('oneshot': no
 * timers), run it, close it. Then print the answer and pick the exit code.
 *
 * Dependencies come in as arguments (environment, streams, the core's opener, the clock) so the
 * entry file stays a few lines and nothing here reads globals behind the caller's back.
 */
import type { Readable, Writable } from 'node:stream';
import {
  memberStatusSchema,
  PROVIDER_NAMES,
  teamGlanceSchema,
  type AppError,
  type Command,
  type CommandResult,
  type Snapshot,
} from '../../preload/contract';
import type { Core, CoreOptions } from '../core/core';
import { sendControlCommand } from '../control/socket-client';
import { controlSocketPath, controlTokenPath, resolveDataDir } from '../storage/data-dir';
import { LazySecretStore, loadDefaultSecretStore } from './lazy-secret-store';
import type { SecretStoreLoader } from './lazy-secret-store';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, flagForField, parseArgs } from './parse-args';
import type { Invocation } from './parse-args';
import { promptHidden, readSecretFromStream, SecretInputError } from './read-secret';
import { AWAY_NEEDS_APP, awayText, NOTHING_AWAY } from './away-output';
import {
  accountNameIn,
  accountsFrom,
  accountsText,
  memberStatusJson,
  memberStatusLine,
  queueJson,
  queueText,
  statusJson,
  statusText,
  teamJson,
  teamText,
} from './status-output';

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

/** The --account the command names, if any. */
function accountIdOf(command: Command): string | undefined {
  const input = 'input' in command ? command.input : undefined;
  return input && 'accountId' in input ? input.accountId : undefined;
}

/** The account a command was about (its --account, else the default), as the snapshot has it. */
function accountOf(command: Command, snapshot: Snapshot | undefined) {
  const id = accountIdOf(command) ?? snapshot?.defaultAccountId;
  return snapshot?.accounts.find((a) => a.id === id);
}

/** What the user can do about a failure, beyond the core's own sentence. */
function hint(
  error: AppError,
  command: Command,
  snapshot: Snapshot | undefined,
): string | undefined {
  if (
    error.kind === 'not-found' &&
    /account/i.test(error.message) &&
    !/accounts list/.test(error.message)
  ) {
    return 'Run "tray-timer accounts list" to see the account ids.';
  }
  if (error.kind === 'auth') {
    const account = accountOf(command, snapshot);
    // A new token for the same account keeps its id, workspace and e-mail.
    if (account && account.provider !== 'local' && command.type !== 'accounts.add')
      return `Sign in again with "tray-timer accounts add ${account.provider} --reconnect ${account.id} --secret-stdin".`;
    return 'Add the account again with "tray-timer accounts add" to sign in.';
  }
  if (error.kind === 'unsupported' && error.field === 'member' && !accountIdOf(command)) {
    // `team` or `--member` on the default account (often Local): name the accounts that can.
    const teams = (snapshot?.accounts ?? []).filter((a) => a.capabilities.members);
    if (teams.length > 0)
      return `Name the account with ${teams.map((a) => `--account ${a.id}`).join(' or ')}.`;
  }
  if (error.queueable) return 'Run again with --queue-if-offline to queue it.';
  if (
    command.type === 'queue.retry' &&
    (error.kind === 'conflict' || error.kind === 'unsupported')
  ) {
    // Set aside again: a conflict, or a service that can only do it now (late).
    const id = command.input.actionId;
    return `Run "tray-timer queue retry ${id} --anyway" to apply it as it is, or "tray-timer queue discard ${id}".`;
  }
  if (command.type === 'queue.retry' || command.type === 'queue.discard') {
    if (error.kind === 'not-found') return 'Run "tray-timer queue" to see what is queued.';
    if (command.type === 'queue.retry')
      return `Fix the cause and retry, or drop it with "tray-timer queue discard ${command.input.actionId}".`;
  }
  if (command.type === 'away.resolve' && error.kind !== 'offline')
    return 'Run "tray-timer away" to see the question and the answers each account offers.';
  if (command.type === 'accounts.add' && error.kind === 'validation') {
    if (error.field === 'options.workspace')
      return 'Run again with --workspace and one of those ids or names.';
    if (error.field === 'options.email') return 'Run again with --email ADDRESS.';
  }
  return undefined;
}

/**
 * The error's sentence — or, when the service named several fields (a WebWork 422), one line per
 * field under the flag that sets it, so the user sees what to change where.
 */
function errorText(error: AppError): string {
  const fields = Object.entries(error.fields ?? {});
  if (fields.length < 2) return error.message;
  return fields.map(([field, text]) => `${flagForField(field) ?? field}: ${text}`).join('\n');
}

function failure(
  stderr: Writable,
  error: AppError,
  command: Command,
  snapshot: Snapshot | undefined,
): number {
  const extra =
    error.kind === 'conflict' && command.type === 'start' && !command.input.replaceRunning
      ? 'Run again with --replace to stop it and start this one.'
      : hint(error, command, snapshot);
  const text = extra ? `${errorText(error)}\n${extra}` : errorText(error);
  stderr.write(`tray-timer: ${text}\n`);
  return EXIT_FAILED;
}

/** An answer without the data the command promises: a bug or an older app on the socket. */
function missingData(deps: CliDeps, what: string): number {
  deps.stderr.write(
    `tray-timer: the answer had no ${what}. If the Tray Timer app is running, it may be an older version: restart it.\n`,
  );
  return EXIT_FAILED;
}

/** Prints the answer; returns the exit code. `viaApp`: the running app answered (not in-process). */
function print(
  invocation: Invocation,
  result: Extract<CommandResult, { ok: true }>,
  deps: CliDeps,
  viaApp: boolean,
): number {
  const now = deps.now();
  const { command } = invocation;
  const { snapshot } = result;
  switch (invocation.output) {
    case 'status-text': {
      const text = statusText(snapshot, now);
      if (text) deps.stdout.write(`${text}\n`);
      return EXIT_OK;
    }
    case 'status-json':
      deps.stdout.write(`${JSON.stringify(statusJson(snapshot, now))}\n`);
      return EXIT_OK;
    case 'member-status-text':
    case 'member-status-json': {
      const member = memberStatusSchema.safeParse(result.data);
      if (!member.success) return missingData(deps, "member's tracker");
      const accountId =
        (command.type === 'status' ? command.input?.accountId : undefined) ??
        snapshot.defaultAccountId;
      deps.stdout.write(
        invocation.output === 'member-status-json'
          ? `${JSON.stringify(memberStatusJson(member.data, accountId, snapshot.at, now))}\n`
          : `${memberStatusLine(member.data, accountNameIn(snapshot, accountId), snapshot.at, now)}\n`,
      );
      return EXIT_OK;
    }
    case 'team-text':
    case 'team-json': {
      const glance = teamGlanceSchema.safeParse(result.data);
      if (!glance.success) return missingData(deps, 'team glance');
      deps.stdout.write(
        invocation.output === 'team-json'
          ? `${JSON.stringify(teamJson(glance.data, snapshot.at, now))}\n`
          : `${teamText(glance.data, snapshot.at, now)}\n`,
      );
      return EXIT_OK;
    }
    case 'accounts-text':
      deps.stdout.write(`${accountsText(accountsFrom(result.data, snapshot))}\n`);
      return EXIT_OK;
    case 'accounts-json':
      deps.stdout.write(`${JSON.stringify({ accounts: accountsFrom(result.data, snapshot) })}\n`);
      return EXIT_OK;
    case 'queue-text':
      deps.stdout.write(`${queueText(snapshot)}\n`);
      return EXIT_OK;
    case 'queue-json':
      deps.stdout.write(`${JSON.stringify(queueJson(snapshot, now))}\n`);
      return EXIT_OK;
    case 'away-text': {
      const away = snapshot.presence.away;
      deps.stdout.write(
        away ? `${awayText(away)}\n` : `${NOTHING_AWAY}${viaApp ? '' : `\n${AWAY_NEEDS_APP}`}\n`,
      );
      return EXIT_OK;
    }
    case 'away-json':
      // The contract's AwayPrompt as is, or null: scripts get the same shape as the popup.
      deps.stdout.write(`${JSON.stringify(snapshot.presence.away)}\n`);
      return EXIT_OK;
    case 'message':
      deps.stdout.write(`${result.message ?? fallbackMessage(command)}\n`);
      return EXIT_OK;
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
    case 'queue.retry':
      return 'Sent again.';
    case 'queue.discard':
      return 'Discarded.';
    case 'entry.update':
      return 'Updated.';
    case 'away.resolve':
      return 'Answered.';
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
    const what =
      command.input.provider === 'webwork'
        ? 'WebWork Personal Access Token'
        : `${PROVIDER_NAMES[command.input.provider]} API token or password`;
    secret = await promptHidden(`${what} (hidden): `, deps.stdin, deps.stderr);
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
    () => deps.now(),
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
  let viaApp: boolean;
  try {
    ({ result, viaApp } = await send(command, dataDir, deps));
    if (result.ok && invocation.away) {
      // away ANSWER: the question is read first, then answered by its id.
      const prompt = result.snapshot.presence.away;
      if (!prompt) {
        deps.stderr.write(
          `tray-timer: ${NOTHING_AWAY} ${viaApp ? 'No question is waiting: it was answered already, or no time away was long enough to ask about.' : AWAY_NEEDS_APP}\n`,
        );
        return EXIT_FAILED;
      }
      command = { type: 'away.resolve', input: { promptId: prompt.id, ...invocation.away } };
      ({ result, viaApp } = await send(command, dataDir, deps));
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    deps.stderr.write(`tray-timer: ${why}\n`);
    return EXIT_FAILED;
  }

  if (!result.ok) return failure(deps.stderr, result.error, command, result.snapshot);
  return print(invocation, result, deps, viaApp);
}

/** To the running app over the control socket; when none answers, to a core in this process. */
async function send(
  command: Command,
  dataDir: string,
  deps: CliDeps,
): Promise<{ result: CommandResult; viaApp: boolean }> {
  const answer = await sendControlCommand(controlSocketPath(dataDir, deps.platform), command, {
    timeoutMs: command.type === 'status' ? STATUS_TIMEOUT_MS : ACTION_TIMEOUT_MS,
    tokenFile: controlTokenPath(dataDir),
  });
  return answer.kind === 'answered'
    ? { result: answer.result, viaApp: true }
    : { result: await runInProcess(command, dataDir, deps), viaApp: false };
}
