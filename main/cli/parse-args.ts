/**
 * `tray-timer` argument parsing: commander for the grammar, the contract's zod schemas for the
 * values. Parsing is pure (no files, no sockets): it turns argv into a Command plus how to print
 * the answer, or into an exit with a usage message. Every usage problem exits 2; --help and
 * --version exit 0; commander never calls process.exit itself.
 */
import { Argument, Command as Program, CommanderError, Option } from 'commander';
import type { z } from 'zod';
import {
  accountIdSchema,
  addAccountInputSchema,
  awayResolveInputSchema,
  continueInputSchema,
  entryUpdateInputSchema,
  memberRefSchema,
  PROVIDER_KINDS,
  providerKindSchema,
  queueActionInputSchema,
  startInputSchema,
  stopInputSchema,
  teamInputSchema,
  toggleInputSchema,
} from '../../preload/contract';
import type { AddAccountInput, AwayChoice, Command } from '../../preload/contract';
import { describeZodError } from '../control/protocol';
import { checkBaseUrl } from '../providers/http/base-url';
import { parseStartTime, toIsoWithOffset } from '../../preload/start-time';
import { AWAY_WORDS } from './away-output';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export type OutputKind =
  | 'status-text'
  | 'status-json'
  | 'member-status-text'
  | 'member-status-json'
  | 'team-text'
  | 'team-json'
  | 'accounts-text'
  | 'accounts-json'
  | 'queue-text'
  | 'queue-json'
  | 'away-text'
  | 'away-json'
  | 'message';

export interface Invocation {
  command: Command;
  output: OutputKind;
  /** accounts add: where the secret comes from (filled in before the command is sent). */
  secret?: 'stdin' | 'prompt-if-tty';
  /**
   * away ANSWER: `command` reads the snapshot; the answer goes as `away.resolve` for the prompt
   * found there (its id is only known at run time, so it cannot be in the parsed command).
   */
  away?: { choice: AwayChoice; description?: string };
}

export type ParseOutcome = { kind: 'run'; invocation: Invocation } | { kind: 'exit'; code: number };

export interface ParseIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/** A value that commander accepted but the contract does not. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Contract field → the flag or argument the user typed, so messages name what they can fix. */
const FLAG_FOR_FIELD: Record<string, string> = {
  accountId: '--account',
  description: 'DESCRIPTION',
  project: '--project',
  task: '--task',
  tags: '--tag',
  billable: '--billable',
  replaceRunning: '--replace',
  label: '--label',
  baseUrl: '--base-url',
  secret: 'the secret',
  provider: 'PROVIDER',
  'options.workspace': '--workspace',
  'options.email': '--email',
  member: '--member',
  replaceAccountId: '--reconnect',
  queueIfOffline: '--queue-if-offline',
  actionId: 'ID',
  override: '--anyway',
  startedAt: '--start',
  promptId: 'the question about time away',
};

/** The flag for a field an error names (the core's, a provider's, or a zod path), if any. */
export function flagForField(field: string): string | undefined {
  return FLAG_FOR_FIELD[field] ?? FLAG_FOR_FIELD[field.split('.')[0] ?? ''];
}

/** `rootFlag` names the value itself when the schema is not an object (an account id, a provider). */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, rootFlag?: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  // "tags.3" is still the --tag flag.
  const flag =
    field === '' ? rootFlag : (FLAG_FOR_FIELD[field] ?? FLAG_FOR_FIELD[String(issue?.path[0])]);
  const message = issue?.message ?? describeZodError(parsed.error).message;
  throw new UsageError(flag ? `${flag}: ${message}` : describeZodError(parsed.error).message);
}

function accountOption(): Option {
  return new Option('--account <id>', 'account id (default: the default account)');
}

/**
 * For a service that cannot record the action's time later (WebWork): queue it anyway when the
 * service is unreachable. Toggl and TrackingTime queue without asking (they take the time).
 */
function queueIfOfflineOption(): Option {
  return new Option(
    '--queue-if-offline',
    'if the service is unreachable and cannot take the time later (WebWork), queue it anyway: it happens when the service is back',
  );
}

/** `{ queueIfOffline: true }` when the flag was given, else nothing (the schema's default). */
const queueFlag = (opts: { queueIfOffline?: boolean }) =>
  opts.queueIfOffline ? { queueIfOffline: true } : {};

function memberOption(doing: string): Option {
  return new Option(
    '--member <email-or-id>',
    `${doing} a member of the workspace, by e-mail or user id (WebWork owners and executive managers)`,
  );
}

/** Commander gives `undefined` when the flag is absent; '' when the user typed --account "". */
function accountRef(opts: { account?: string }): { accountId?: string } {
  if (opts.account === undefined) return {};
  parseWith(accountIdSchema, opts.account, '--account');
  return { accountId: opts.account };
}

export function buildProgram(
  io: ParseIo,
  version: string,
  onInvocation: (inv: Invocation) => void,
  /** The clock `edit --start 9:15` is read against (the latest 9:15 not in the future). */
  now: () => number = () => Date.now(),
): Program {
  const program = new Program('tray-timer');
  program
    .description(
      'Tray Timer from the command line: talks to the running app, or works on its own when the app is not running.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 success, 1 the action failed, 2 usage error.',
        'Data folder: $TRAY_TIMER_HOME, else the platform default (~/.config/tray-timer on Linux).',
        'Example (waybar/polybar/tmux): tray-timer status',
        'Managers (WebWork): tray-timer team; tray-timer start --member bob@example.com',
        'Offline: starts and stops wait in the journal and are sent when the service is back;',
        '  "tray-timer queue" lists what waits or needs you (retry / discard).',
        'Forgot to start on time: tray-timer edit --start 9:15',
        'Back after a lock or sleep (no tray or popup, e.g. Wayland): tray-timer away, then',
        '  tray-timer away keep|discard|continue|split (only while the Tray Timer app runs).',
      ].join('\n'),
    );

  program
    .command('status')
    .description(
      "show what each account is tracking (one line per account; actions not synced yet indented under it), or one member's tracker",
    )
    .option('--json', 'print one JSON object (stable shape)')
    .addOption(memberOption('show the tracker of'))
    .addHelpText(
      'after',
      [
        '',
        'While the app runs, lines may follow the accounts: the pomodoro ("🍅 Focus · 12 min left")',
        'and a question about time away ("⚠ You were away 10:42–11:57 (1 h 15 min) — answer with:',
        'tray-timer away keep|discard|continue|split"). The first line stays the default account\'s,',
        'so "tray-timer status | head -1" in a status bar is unchanged. --json has them in "presence".',
      ].join('\n'),
    )
    .addOption(
      new Option(
        '--account <id>',
        'with --member: the account to ask (default: the default account)',
      ),
    )
    .action((opts: { json?: boolean; member?: string; account?: string }) => {
      if (opts.member === undefined) {
        // Without a member every account is shown: an account filter would be a new feature.
        if (opts.account !== undefined)
          throw new UsageError('--account goes with --member (status shows every account)');
        onInvocation({
          command: { type: 'status' },
          output: opts.json ? 'status-json' : 'status-text',
        });
        return;
      }
      const input = parseWith(memberRefSchema, {
        ...accountRef(opts),
        member: nonEmpty('--member', opts.member),
      });
      onInvocation({
        command: { type: 'status', input },
        output: opts.json ? 'member-status-json' : 'member-status-text',
      });
    });

  program
    .command('team')
    .description(
      'show who in the workspace is tracking now, with today’s totals (WebWork owners and executive managers)',
    )
    .addOption(accountOption())
    .option('--json', 'print one JSON object (stable shape)')
    .option('--refresh', 're-read trackers older than 30 s, within the rate budget (the default)')
    .option('--no-refresh', 'only what was read in the last 2 minutes, plus what the budget allows')
    .addHelpText(
      'after',
      '\nWebWork reads one member per request and allows 60 a minute: a big team is read over a few\nminutes; the output says how many are not checked yet and when the next ones can be.',
    )
    .action((opts: { account?: string; json?: boolean; refresh?: boolean }) => {
      // Asked for at the command line = the user pressed refresh: fresh, within the budget.
      const input = parseWith(teamInputSchema, {
        ...accountRef(opts),
        refresh: opts.refresh ?? true,
      });
      onInvocation({
        command: { type: 'team', input },
        output: opts.json ? 'team-json' : 'team-text',
      });
    });

  program
    .command('start')
    .description('start a timer')
    .argument('[description...]', 'what you are working on')
    .addOption(accountOption())
    .option('--project <name-or-id>', 'project, by id or name (case-insensitive)')
    .option('--task <name-or-id>', 'task, by id or name (case-insensitive)')
    .option('--tag <name>', 'a tag (repeat for more; Toggl)', collect)
    .option('--billable', 'mark the entry billable (Toggl, paid plans)')
    .option('--no-billable', 'mark the entry not billable')
    .option(
      '--replace',
      'if a timer already runs on the service (TrackingTime, WebWork), stop it and start this one',
    )
    .addOption(memberOption('start the tracker of'))
    .addOption(queueIfOfflineOption())
    .action(
      (
        words: string[],
        opts: {
          account?: string;
          project?: string;
          task?: string;
          tag?: string[];
          billable?: boolean;
          replace?: boolean;
          member?: string;
          queueIfOffline?: boolean;
        },
      ) => {
        const description = words.join(' ').trim();
        const input = parseWith(startInputSchema, {
          ...accountRef(opts),
          ...(description ? { description } : {}),
          ...(opts.project !== undefined ? { project: nonEmpty('--project', opts.project) } : {}),
          ...(opts.task !== undefined ? { task: nonEmpty('--task', opts.task) } : {}),
          ...(opts.tag ? { tags: opts.tag.map((t) => nonEmpty('--tag', t)) } : {}),
          ...(opts.billable !== undefined ? { billable: opts.billable } : {}),
          ...(opts.replace ? { replaceRunning: true } : {}),
          ...(opts.member !== undefined ? { member: nonEmpty('--member', opts.member) } : {}),
          ...queueFlag(opts),
        });
        onInvocation({ command: { type: 'start', input }, output: 'message' });
      },
    );

  program
    .command('stop')
    .description('stop the running timer')
    .addOption(accountOption())
    .addOption(memberOption('stop the tracker of'))
    .addOption(queueIfOfflineOption())
    .action((opts: { account?: string; member?: string; queueIfOffline?: boolean }) => {
      const input = parseWith(stopInputSchema, {
        ...accountRef(opts),
        ...(opts.member !== undefined ? { member: nonEmpty('--member', opts.member) } : {}),
        ...queueFlag(opts),
      });
      onInvocation({ command: { type: 'stop', input }, output: 'message' });
    });

  program
    .command('toggle')
    .description('stop if running, else continue the most recent entry')
    .addOption(accountOption())
    .addOption(queueIfOfflineOption())
    .action((opts: { account?: string; queueIfOffline?: boolean }) => {
      const input = parseWith(toggleInputSchema, { ...accountRef(opts), ...queueFlag(opts) });
      onInvocation({ command: { type: 'toggle', input }, output: 'message' });
    });

  program
    .command('continue')
    .description('start again the most recent entry')
    .addOption(accountOption())
    .addOption(queueIfOfflineOption())
    .action((opts: { account?: string; queueIfOffline?: boolean }) => {
      const input = parseWith(continueInputSchema, { ...accountRef(opts), ...queueFlag(opts) });
      onInvocation({ command: { type: 'continue', input }, output: 'message' });
    });

  program
    .command('edit')
    .description(
      'change the running entry: description, project, task or start time (Toggl Track, Local)',
    )
    .addOption(accountOption())
    .option('--description <text>', 'the new description ("" clears it)')
    .option('--project <name-or-id>', 'project, by id or name ("" clears the project and task)')
    .option('--task <name-or-id>', 'task, by id or name, in the entry\'s project ("" clears it)')
    .option(
      '--start <time>',
      'when it started: 9:15, 09:15, 915, 9:15pm (the latest such time that is not in the future) or 2026-11-27T09:15',
    )
    .addHelpText(
      'after',
      [
        '',
        'The change is sent at once; it is not queued when the service is unreachable.',
        'A start may move up to 7 days back, never into the future. At 00:10, --start 23:50 is yesterday.',
        '',
        'Examples:',
        '  tray-timer edit --start 9:15',
        '  tray-timer edit --description "Release notes" --project Website --task Docs',
        '  tray-timer edit --account toggl --project ""',
      ].join('\n'),
    )
    .action(
      (opts: {
        account?: string;
        description?: string;
        project?: string;
        task?: string;
        start?: string;
      }) => {
        if (
          opts.description === undefined &&
          opts.project === undefined &&
          opts.task === undefined &&
          opts.start === undefined
        )
          throw new UsageError(
            'nothing to change: give --description, --project, --task or --start',
          );
        let startedAt: string | undefined;
        if (opts.start !== undefined) {
          const parsed = parseStartTime(opts.start, now());
          if (!parsed.ok) throw new UsageError(`--start: ${parsed.message}`);
          startedAt = toIsoWithOffset(parsed.at);
        }
        const input = parseWith(entryUpdateInputSchema, {
          ...accountRef(opts),
          ...(opts.description !== undefined ? { description: opts.description.trim() } : {}),
          ...(opts.project !== undefined ? { project: opts.project.trim() } : {}),
          ...(opts.task !== undefined ? { task: opts.task.trim() } : {}),
          ...(startedAt !== undefined ? { startedAt } : {}),
        });
        onInvocation({ command: { type: 'entry.update', input }, output: 'message' });
      },
    );

  const queue = program
    .command('queue')
    .description(
      'list the starts and stops not confirmed by their service yet: waiting to be sent, or set aside for you (refused, a conflict, too late)',
    )
    .addHelpText(
      'after',
      [
        '',
        'States: waiting (sent when the service is reachable), rejected (the service refused it),',
        'conflict (something else was started meanwhile), late (the service can only do it now).',
        '',
        'Examples:',
        '  tray-timer queue',
        '  tray-timer queue retry 3f2a9c1e-…            (send it now / a rejected one again)',
        '  tray-timer queue retry 3f2a9c1e-… --anyway   (a conflict: apply yours; late: do it now)',
        '  tray-timer queue discard 3f2a9c1e-…',
      ].join('\n'),
    );

  queue
    .command('list', { isDefault: true })
    .description('list the actions of every account (the default)')
    .option('--json', 'print one JSON object (stable shape)')
    .action((opts: { json?: boolean }) => {
      onInvocation({
        command: { type: 'status' },
        output: opts.json ? 'queue-json' : 'queue-text',
      });
    });

  queue
    .command('retry')
    .description(
      'send an action now: a waiting one (without waiting for the next try), or one set aside once you fixed the cause',
    )
    .argument('<id>', 'the action id (see "tray-timer queue")')
    .option(
      '--anyway',
      'a conflict: apply yours, stopping what runs on the service; late: do it now rather than at its time',
    )
    .action((id: string, opts: { anyway?: boolean }) => {
      const input = parseWith(queueActionInputSchema, {
        actionId: id.trim(),
        ...(opts.anyway ? { override: true } : {}),
      });
      onInvocation({ command: { type: 'queue.retry', input }, output: 'message' });
    });

  queue
    .command('discard')
    .description('drop an action: it is never sent (a discarded start takes its stop along)')
    .argument('<id>', 'the action id (see "tray-timer queue")')
    .action((id: string) => {
      const { actionId } = parseWith(queueActionInputSchema, { actionId: id.trim() });
      onInvocation({ command: { type: 'queue.discard', input: { actionId } }, output: 'message' });
    });

  program
    .command('away')
    .description(
      'what to do with time away while a timer ran (after a lock, sleep or idle): show the question, or answer it',
    )
    .addArgument(
      new Argument('[answer]', 'the answer (none: show the question)').choices(
        Object.keys(AWAY_WORDS),
      ),
    )
    .option('--description <text>', 'split: what the time away was ("Lunch")')
    .option('--json', 'without an answer: print the question as JSON (null when there is none)')
    .addHelpText(
      'after',
      [
        '',
        'Answers (each account offers the ones its service can do; "tray-timer away" lists them):',
        '  keep       the time away stays in the entry',
        '  discard    the entry stops when you went away',
        '  continue   it stops when you went away and runs again from when you came back',
        '  split      the time away becomes its own entry (--description required); the work continues',
        '  stop-now   stop the timer now (WebWork cannot change time already recorded)',
        '',
        'The question exists only while the Tray Timer app runs: without the app nothing watches',
        'for time away, so there is never anything to answer.',
        '',
        'Examples:',
        '  tray-timer away',
        '  tray-timer away discard',
        '  tray-timer away split --description "Lunch"',
      ].join('\n'),
    )
    .action((word: string | undefined, opts: { description?: string; json?: boolean }) => {
      if (word === undefined) {
        if (opts.description !== undefined)
          throw new UsageError(
            '--description goes with an answer (tray-timer away split --description TEXT)',
          );
        onInvocation({
          command: { type: 'status' },
          output: opts.json ? 'away-json' : 'away-text',
        });
        return;
      }
      if (opts.json)
        throw new UsageError('--json goes with "tray-timer away" alone (the question)');
      const choice = AWAY_WORDS[word];
      if (!choice)
        throw new UsageError(`answer must be one of ${Object.keys(AWAY_WORDS).join(', ')}`);
      if (choice === 'split' && !opts.description?.trim())
        throw new UsageError(
          'split needs --description: say what the time away was (tray-timer away split --description "Lunch")',
        );
      if (choice !== 'split' && opts.description !== undefined)
        throw new UsageError('--description goes with split only');
      // The prompt id is a placeholder here: validated now, so a bad value exits 2 before any I/O.
      let description: string | undefined;
      try {
        ({ description } = parseWith(awayResolveInputSchema, {
          promptId: 'pending',
          choice,
          ...(opts.description !== undefined ? { description: opts.description.trim() } : {}),
        }));
      } catch (err) {
        // FLAG_FOR_FIELD names start's positional DESCRIPTION; here it is the flag.
        if (err instanceof UsageError)
          throw new UsageError(err.message.replace(/^DESCRIPTION:/, '--description:'));
        throw err;
      }
      onInvocation({
        command: { type: 'status' },
        output: 'message',
        away: { choice, ...(description !== undefined ? { description } : {}) },
      });
    });

  const accounts = program.command('accounts').description('list, add or remove accounts');

  accounts
    .command('list')
    .description('list accounts (never secrets)')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) => {
      onInvocation({
        command: { type: 'accounts.list' },
        output: opts.json ? 'accounts-json' : 'accounts-text',
      });
    });

  accounts
    .command('add')
    .description(`add an account (${PROVIDER_KINDS.filter((p) => p !== 'local').join(', ')})`)
    .argument('<provider>', 'toggl, trackingtime or webwork')
    .option('--label <text>', 'a name for the account')
    .option('--base-url <url>', "replace the provider's API base URL (https, or http on loopback)")
    .option('--secret-stdin', 'read the API token / password from standard input')
    .option(
      '--workspace <id-or-name>',
      'provider option: workspace id or name (TrackingTime: team account id or company name; WebWork: needed when the token has several workspaces)',
    )
    .option(
      '--email <address>',
      'provider option: e-mail address (TrackingTime: with the account password or an app password; WebWork: required, your login e-mail)',
    )
    .option(
      '--reconnect <id>',
      'give the existing account ID a new secret (an expired token), keeping its id, workspace and e-mail',
    )
    .addHelpText(
      'after',
      [
        '',
        'Without --secret-stdin the secret is asked for with a hidden prompt. It is never taken from arguments.',
        '',
        'Examples:',
        '  tray-timer accounts add toggl --secret-stdin < token.txt',
        '  tray-timer accounts add webwork --email ada@example.com --workspace Acme --secret-stdin',
        '    (a WebWork Personal Access Token: WebWork › Settings › REST API › Create Token)',
        '  tray-timer accounts add webwork --reconnect webwork --secret-stdin   (a new token)',
      ].join('\n'),
    )
    .action(
      (
        provider: string,
        opts: {
          label?: string;
          baseUrl?: string;
          secretStdin?: boolean;
          workspace?: string;
          email?: string;
          reconnect?: string;
        },
      ) => {
        const known = providerKindSchema.safeParse(provider);
        if (!known.success) {
          throw new UsageError(
            `PROVIDER must be one of ${PROVIDER_KINDS.filter((p) => p !== 'local').join(', ')} (got "${provider}")`,
          );
        }
        const kind = known.data;
        if (kind === 'local')
          throw new UsageError('the Local account is built in; there is nothing to add');
        let baseUrl: string | undefined;
        if (opts.baseUrl !== undefined) {
          const checked = checkBaseUrl(opts.baseUrl);
          if (!checked.ok) throw new UsageError(checked.message);
          baseUrl = checked.url;
        }
        const options: Record<string, string> = {};
        if (opts.workspace !== undefined)
          options['workspace'] = nonEmpty('--workspace', opts.workspace);
        if (opts.email !== undefined) {
          const email = nonEmpty('--email', opts.email);
          if (!/^[^\s@]+@[^\s@]+$/.test(email))
            throw new UsageError(`--email: "${email}" is not an e-mail address`);
          options['email'] = email;
        }
        const input: AddAccountInput = parseWith(addAccountInputSchema, {
          provider: kind,
          ...(opts.label !== undefined ? { label: nonEmpty('--label', opts.label) } : {}),
          ...(baseUrl !== undefined ? { baseUrl } : {}),
          options,
          ...(opts.reconnect !== undefined
            ? { replaceAccountId: parseWith(accountIdSchema, opts.reconnect, '--reconnect') }
            : {}),
        });
        onInvocation({
          command: { type: 'accounts.add', input },
          output: 'message',
          secret: opts.secretStdin ? 'stdin' : 'prompt-if-tty',
        });
      },
    );

  accounts
    .command('remove')
    .description('remove an account and its stored secret')
    .argument('<id>', 'account id (see "tray-timer accounts list")')
    .action((id: string) => {
      const accountId = parseWith(accountIdSchema, id, 'ID');
      onInvocation({
        command: { type: 'accounts.remove', input: { accountId } },
        output: 'message',
      });
    });

  return program;
}

/** Commander's reducer for a repeatable option. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function nonEmpty(flag: string, value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new UsageError(`${flag} is empty`);
  return trimmed;
}

/** argv without node and the script path (process.argv.slice(2)). */
export function parseArgs(
  args: readonly string[],
  io: ParseIo,
  version: string,
  now: () => number = () => Date.now(),
): ParseOutcome {
  let invocation: Invocation | undefined;
  const program = buildProgram(
    io,
    version,
    (inv) => {
      invocation = inv;
    },
    now,
  );
  try {
    program.parse([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof UsageError) {
      io.writeErr(`error: ${err.message}\n(run "tray-timer --help" for usage)\n`);
      return { kind: 'exit', code: EXIT_USAGE };
    }
    if (err instanceof CommanderError) {
      // Commander has already printed help, the version or its error message. Help and version
      // are successes; everything else it rejects is a usage error (its own default is 1).
      return { kind: 'exit', code: err.exitCode === 0 ? EXIT_OK : EXIT_USAGE };
    }
    throw err;
  }
  if (!invocation) {
    // Only reachable when no action ran, e.g. "tray-timer accounts" without a subcommand
    // (commander prints help then) — but keep the contract even if that changes.
    io.writeErr('error: missing command\n(run "tray-timer --help" for usage)\n');
    return { kind: 'exit', code: EXIT_USAGE };
  }
  return { kind: 'run', invocation };
}
