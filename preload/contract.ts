/**
 * The one contract between the main process and everything that talks to it: the popup (over
 * IPC, through the preload), the `tray-timer` CLI (over the control socket) and tests.
 *
 * Every payload that crosses a process boundary is described here with zod and parsed by the
 * receiver in main. Snapshots never carry secrets: an account's secret exists only in the OS
 * keychain and in the provider client that uses it.
 */
import { z } from 'zod';
import {
  awayResolveInputSchema,
  DEFAULT_IDLE,
  DEFAULT_POMODORO,
  DEFAULT_REMINDERS,
  entryUpdateInputSchema,
  idleSettingsSchema,
  NO_PRESENCE,
  pomodoroSettingsSchema,
  presenceSettingsPatchShape,
  presenceViewSchema,
  reminderSettingsSchema,
  type AwayResolveInput,
  type EntryUpdateInput,
} from './presence-contract';

export * from './presence-contract';

export const PROVIDER_KINDS = ['local', 'toggl', 'trackingtime', 'webwork'] as const;
export const providerKindSchema = z.enum(PROVIDER_KINDS);
export type ProviderKind = z.infer<typeof providerKindSchema>;

export const PROVIDER_NAMES: Record<ProviderKind, string> = {
  local: 'Local',
  toggl: 'Toggl Track',
  trackingtime: 'TrackingTime',
  webwork: 'WebWork',
};

/** Ids are short, printable and safe in file names, keychain entries and command lines. */
export const accountIdSchema = z
  .string()
  .min(1, 'account id is empty')
  .max(64, 'account id is longer than 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'account id may contain only letters, digits, "_", "." and "-"');

const shortText = (field: string, max: number) =>
  z.string().max(max, `${field} is longer than ${max} characters`);

// ---------------------------------------------------------------------------------------------
// Errors are values: every failure the user can meet is one of these kinds, with a message
// written for a person and, where it helps, a field or a reset time.
// ---------------------------------------------------------------------------------------------
export const ERROR_KINDS = [
  'offline', // provider unreachable (network down, DNS, timeout, gateway page)
  'auth', // sign-in needed: token revoked/expired, keychain entry missing or locked
  'quota', // request budget exhausted; resetAt says when it comes back
  'rate-limited', // burst limit (429); retry later
  'validation', // bad input; field names it
  'not-found', // account, entry, project or task does not exist
  'conflict', // remote state differs from what the action assumed
  'unsupported', // the provider or platform cannot do this
  'keychain', // no usable OS keychain
  'storage', // a data file could not be read or written (corrupt, disk full)
  'provider', // the provider answered with an error of its own
  'internal', // a bug: should never be seen
] as const;
export const errorKindSchema = z.enum(ERROR_KINDS);
export type ErrorKind = z.infer<typeof errorKindSchema>;

export const appErrorSchema = z.object({
  kind: errorKindSchema,
  message: z.string(),
  field: z.string().optional(),
  /** Several fields at once (a WebWork 422): each field's own message, to show next to it. */
  fields: z.record(z.string(), z.string()).optional(),
  resetAt: z.string().optional(),
  /**
   * The service had a passing problem of its own (HTTP 5xx): the same request may work later, so
   * a queued action waits instead of being set aside.
   */
  retryable: z.boolean().optional(),
  /**
   * The action was NOT queued because the service cannot record its time later (WebWork starts
   * and stops "now"): repeat it with `queueIfOffline: true` to have it applied when the service
   * is back, at that time.
   */
  queueable: z.boolean().optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Snapshot: the whole visible state, pushed from main to popup, tray and CLI.
// ---------------------------------------------------------------------------------------------
export const entryViewSchema = z.object({
  /** Provider's id of the entry (or a local id); used by `continue`. */
  id: z.string(),
  description: z.string().nullable(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  projectColor: z.string().nullable(),
  taskId: z.string().nullable(),
  taskName: z.string().nullable(),
  /** ISO 8601 with offset; null where the provider does not tell (WebWork). */
  startedAt: z.string().nullable(),
  /** ISO 8601 with offset; null while running. */
  stoppedAt: z.string().nullable(),
  /** Seconds elapsed (running) or duration (stopped), as of `Snapshot.at`. */
  elapsedSeconds: z.number(),
  /** Toggl's tags; empty where the provider has none. */
  tags: z.array(z.string()).default([]),
  /** Toggl's billable flag; null where the provider does not tell or has none. */
  billable: z.boolean().nullable().default(null),
  /**
   * What `elapsedSeconds` counts: 'session' = since `startedAt`; 'today' = the day's total,
   * where the service gives no start time (a WebWork tracker started outside Tray Timer).
   */
  elapsedKind: z.enum(['session', 'today']).default('session'),
  /**
   * Started or stopped offline and not confirmed by the service yet: it is in the action
   * journal and will be sent when the service is reachable.
   */
  pending: z.boolean().default(false),
});
export type EntryView = z.infer<typeof entryViewSchema>;

export const projectViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string().nullable(),
  clientName: z.string().nullable(),
  /** The project's tasks (providers with `capabilities.tasks`), for the popup's task picker. */
  tasks: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
});
export type ProjectView = z.infer<typeof projectViewSchema>;

export const capabilitiesSchema = z.object({
  projects: z.boolean(),
  tasks: z.boolean(),
  /** Can record an action with a time in the past (offline replay). */
  backdate: z.boolean(),
  /** Can change the start of the running entry. */
  editStart: z.boolean(),
  /** Can change the running entry's description, project and task (an update request). */
  editEntry: z.boolean().default(false),
  /** Entries carry tags (Toggl). */
  tags: z.boolean(),
  /** Entries carry a billable flag (Toggl; a paid-plan feature there). */
  billable: z.boolean(),
  /**
   * Can read and drive other members' trackers and show the team glance (WebWork owners and
   * executive managers).
   */
  members: z.boolean().default(false),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

/** A member of a team workspace (WebWork), as the "Track for" picker and the team glance show it. */
export const memberViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.string().nullable(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

/**
 * An action in the journal that the service has not confirmed yet: waiting for the connection,
 * or set aside because it needs the user (rejected for good, a conflict, or a late start the
 * user must agree to).
 */
export const pendingActionViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['start', 'stop']),
  /** What the user asked for, in words: "Start “Docs” at 10:04". */
  summary: z.string(),
  /** The time the user asked for (ISO 8601 with offset). */
  at: z.string(),
  /**
   * waiting: will be sent when the service is reachable (`error` says why it is not yet);
   * rejected: the service refused it for good; retry or discard;
   * conflict: the service's state changed meanwhile (`theirs`); apply anyway or discard;
   * late: the service can only apply it now, not at `at` (WebWork); apply now or discard.
   */
  state: z.enum(['waiting', 'rejected', 'conflict', 'late']),
  error: appErrorSchema.nullable(),
  /** In a conflict: what runs on the service now (null: nothing). */
  theirs: entryViewSchema.nullable().default(null),
});
export type PendingActionView = z.infer<typeof pendingActionViewSchema>;

export const accountStateSchema = z.object({
  id: accountIdSchema,
  provider: providerKindSchema,
  label: z.string(),
  isDefault: z.boolean(),
  running: z.boolean(),
  entry: entryViewSchema.nullable(),
  error: appErrorSchema.nullable(),
  /** Most recent first, deduplicated by description+project+task: what "Continue" offers. */
  recent: z.array(entryViewSchema),
  projects: z.array(projectViewSchema),
  todaySeconds: z.number(),
  lastSyncedAt: z.string().nullable(),
  capabilities: capabilitiesSchema,
  /** The signed-in user's role in the workspace, where the service has roles (WebWork). */
  role: z.string().nullable().default(null),
  /** Whose tracker `entry` is and start/stop drive; null: the signed-in user's own. */
  actingFor: memberViewSchema.nullable().default(null),
  /** Journal actions not confirmed by the service yet, oldest first. */
  pending: z.array(pendingActionViewSchema).default([]),
});
export type AccountState = z.infer<typeof accountStateSchema>;

export const trayStateSchema = z.enum(['idle', 'running', 'attention']);
export type TrayState = z.infer<typeof trayStateSchema>;

export const noticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  /** What the notice is about, so the UI can put it next to the right control. */
  topic: z.string().optional(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const snapshotSchema = z.object({
  /** Increases with every change; a receiver ignores a snapshot older than the one it has. */
  version: z.number().int(),
  at: z.string(),
  accounts: z.array(accountStateSchema),
  defaultAccountId: accountIdSchema,
  todaySeconds: z.number(),
  tray: z.object({ state: trayStateSchema, tooltip: z.string(), title: z.string() }),
  notices: z.array(noticeSchema),
  /** The away prompt, the pomodoro phase, and how idle time is measured on this machine. */
  presence: presenceViewSchema.default(NO_PRESENCE),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

// ---------------------------------------------------------------------------------------------
// Settings (non-secret). Stored in settings.json in the data folder.
// ---------------------------------------------------------------------------------------------
/** Electron accelerator syntax, e.g. "CommandOrControl+Shift+Alt+T"; "" disables the hotkey. */
export const acceleratorSchema = z
  .string()
  .max(64, 'shortcut is too long')
  .regex(
    /^$|^((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+([A-Z0-9]|F([1-9]|1[0-9]|2[0-4])|Space|Tab|Backspace|Delete|Insert|Return|Enter|Up|Down|Left|Right|Home|End|PageUp|PageDown|Escape|Esc|Plus|[`\-=[\];',./\\])$/,
    'shortcut must be modifiers plus one key, e.g. CommandOrControl+Shift+Alt+T',
  );

export const HOTKEY_ACTIONS = ['toggleTimer', 'togglePopup'] as const;
export const hotkeyActionSchema = z.enum(HOTKEY_ACTIONS);
export type HotkeyAction = z.infer<typeof hotkeyActionSchema>;
export const HOTKEY_LABELS: Record<HotkeyAction, string> = {
  toggleTimer: 'Start/stop the timer',
  togglePopup: 'Show/hide the popup',
};

export const hotkeysSchema = z.object({
  toggleTimer: acceleratorSchema,
  togglePopup: acceleratorSchema,
});
export type Hotkeys = z.infer<typeof hotkeysSchema>;

export const DEFAULT_HOTKEYS: Hotkeys = {
  toggleTimer: 'CommandOrControl+Shift+Alt+T',
  togglePopup: 'CommandOrControl+Shift+Alt+Space',
};

export const themeSchema = z.enum(['system', 'light', 'dark']);

export const accountConfigSchema = z.object({
  id: accountIdSchema,
  provider: providerKindSchema,
  label: shortText('label', 80).min(1, 'label is empty'),
  /** Replaces the provider's documented base URL (proxies, tests). */
  baseUrl: z.string().url().optional(),
  /** Provider-specific, non-secret options (workspace id, e-mail, user id…). */
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type AccountConfig = z.infer<typeof accountConfigSchema>;

/**
 * Version 2 added idle, reminders, pomodoro, launchAtLogin and notifications. An older file is
 * migrated step by step (main/storage/settings-migrations.ts) before it is validated.
 */
export const SETTINGS_SCHEMA_VERSION = 2;
export const settingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
  /** Accounts besides the built-in Local one, which always exists with id "local". */
  accounts: z.array(accountConfigSchema).default([]),
  defaultAccountId: accountIdSchema.default('local'),
  hotkeys: hotkeysSchema.default(DEFAULT_HOTKEYS),
  theme: themeSchema.default('system'),
  idle: idleSettingsSchema.default(DEFAULT_IDLE),
  reminders: reminderSettingsSchema.default(DEFAULT_REMINDERS),
  pomodoro: pomodoroSettingsSchema.default(DEFAULT_POMODORO),
  /** Start Tray Timer when the user logs in (login item; Linux: an XDG autostart entry). */
  launchAtLogin: z.boolean().default(true),
  /** Desktop notifications (idle, reminders, pomodoro); the OS's do-not-disturb still applies. */
  notifications: z.boolean().default(true),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z
  .object({
    defaultAccountId: accountIdSchema,
    hotkeys: hotkeysSchema.partial(),
    theme: themeSchema,
    ...presenceSettingsPatchShape,
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

// ---------------------------------------------------------------------------------------------
// Commands: what the popup, tray menu, hotkeys and CLI ask the core to do. One schema for all
// front doors, so the control socket speaks exactly what IPC speaks.
// ---------------------------------------------------------------------------------------------
export const startInputSchema = z
  .object({
    accountId: accountIdSchema.optional(),
    description: shortText('description', 3000).optional(),
    /** Project id, or a name matched case-insensitively. */
    project: shortText('project', 255).optional(),
    /** Task id, or a name matched case-insensitively within the project. */
    task: shortText('task', 255).optional(),
    /** Tag names (providers with `capabilities.tags`). */
    tags: z
      .array(z.string().min(1, 'a tag is empty').max(128, 'a tag is longer than 128 characters'))
      .max(50, 'more than 50 tags')
      .optional(),
    /** Billable or not (providers with `capabilities.billable`); omitted: the provider's default. */
    billable: z.boolean().optional(),
    /**
     * Stop the timer already running on the service and start this one: the answer to a
     * 'conflict' error from TrackingTime ("A timer is already running…"). Others ignore it.
     */
    replaceRunning: z.boolean().optional(),
    /**
     * WebWork managers: start for this member (e-mail or user id) instead of the account's
     * "Track for" choice. Used by `tray-timer start --member`.
     */
    member: shortText('member', 320).optional(),
    queueIfOffline: z.boolean().optional(),
  })
  .strict();
export type StartInput = z.infer<typeof startInputSchema>;

export const accountRefSchema = z.object({ accountId: accountIdSchema.optional() }).strict();
export type AccountRef = z.infer<typeof accountRefSchema>;

/**
 * `queueIfOffline`: for services that cannot record an action's time later (WebWork), queue it
 * anyway when the service is unreachable; it is applied when the service is back, at that time.
 * Without it such an action is refused with `queueable: true` so the user can decide.
 */
const queueIfOffline = z.boolean().optional();

/** Toggle: an account, and whether a late action may be queued. */
export const toggleInputSchema = z
  .object({ accountId: accountIdSchema.optional(), queueIfOffline })
  .strict();
export type ToggleInput = z.infer<typeof toggleInputSchema>;

/** An account and, for WebWork managers, a member (e-mail or user id) to act for once. */
export const memberRefSchema = z
  .object({ accountId: accountIdSchema.optional(), member: shortText('member', 320).optional() })
  .strict();
export type MemberRef = z.infer<typeof memberRefSchema>;

export const stopInputSchema = memberRefSchema.extend({ queueIfOffline }).strict();
export type StopInput = z.infer<typeof stopInputSchema>;

/** A journal action to retry or discard (from the popup's pending list or `tray-timer queue`). */
export const queueActionInputSchema = z
  .object({
    actionId: z.string().min(1).max(100),
    /** Retry a conflict or a late action as it is (replacing what runs on the service). */
    override: z.boolean().optional(),
  })
  .strict();
export type QueueActionInput = z.infer<typeof queueActionInputSchema>;

/** "Track for": whose tracker the popup and tray show and drive; null: the user's own. */
export const trackForInputSchema = z
  .object({ accountId: accountIdSchema.optional(), member: shortText('member', 320).nullable() })
  .strict();
export type TrackForInput = z.infer<typeof trackForInputSchema>;

export const teamInputSchema = z
  .object({
    accountId: accountIdSchema.optional(),
    /** The user asked (refresh button, `tray-timer team`): re-read what is stale now. */
    refresh: z.boolean().optional(),
  })
  .strict();
export type TeamInput = z.infer<typeof teamInputSchema>;

export const continueInputSchema = z
  .object({
    accountId: accountIdSchema.optional(),
    /** The entry to start again; the most recent when omitted. */
    entryId: z.string().max(200).optional(),
    queueIfOffline,
  })
  .strict();
export type ContinueInput = z.infer<typeof continueInputSchema>;

export const addAccountInputSchema = z
  .object({
    provider: providerKindSchema,
    label: shortText('label', 80).optional(),
    baseUrl: z.string().max(2000).optional(),
    /** Arrives over IPC/socket only, goes straight to the keychain; never echoed back. */
    secret: z.string().max(4096).optional(),
    options: z.record(z.string(), z.string().max(500)).default({}),
    /** Reconnect: give this existing account the new secret, keeping its id and default role. */
    replaceAccountId: accountIdSchema.optional(),
  })
  .strict();
export type AddAccountInput = z.infer<typeof addAccountInputSchema>;

export const searchInputSchema = z
  .object({ accountId: accountIdSchema.optional(), query: shortText('query', 200) })
  .strict();
export type SearchInput = z.infer<typeof searchInputSchema>;

export const commandSchema = z.discriminatedUnion('type', [
  // With a member, `data` is that member's MemberStatus (the snapshot is unchanged).
  z.object({ type: z.literal('status'), input: memberRefSchema.optional() }).strict(),
  z.object({ type: z.literal('start'), input: startInputSchema }).strict(),
  z.object({ type: z.literal('stop'), input: stopInputSchema }).strict(),
  z.object({ type: z.literal('toggle'), input: toggleInputSchema }).strict(),
  z.object({ type: z.literal('continue'), input: continueInputSchema }).strict(),
  z.object({ type: z.literal('refresh'), input: accountRefSchema }).strict(),
  z.object({ type: z.literal('accounts.list') }).strict(),
  z.object({ type: z.literal('accounts.add'), input: addAccountInputSchema }).strict(),
  z
    .object({
      type: z.literal('accounts.remove'),
      input: z.object({ accountId: accountIdSchema }).strict(),
    })
    .strict(),
  z.object({ type: z.literal('settings.get') }).strict(),
  z.object({ type: z.literal('settings.update'), input: settingsPatchSchema }).strict(),
  z.object({ type: z.literal('projects.search'), input: searchInputSchema }).strict(),
  // WebWork managers: the members picker, "Track for" and the team glance.
  z.object({ type: z.literal('members.search'), input: searchInputSchema }).strict(),
  z.object({ type: z.literal('members.trackFor'), input: trackForInputSchema }).strict(),
  z.object({ type: z.literal('team'), input: teamInputSchema }).strict(),
  // The action journal: an action set aside (rejected, conflict, late) is retried or discarded.
  z.object({ type: z.literal('queue.retry'), input: queueActionInputSchema }).strict(),
  z
    .object({
      type: z.literal('queue.discard'),
      input: queueActionInputSchema.pick({ actionId: true }).strict(),
    })
    .strict(),
  // Presence: the answer to the away prompt, and edits to the running entry.
  z.object({ type: z.literal('away.resolve'), input: awayResolveInputSchema }).strict(),
  z.object({ type: z.literal('entry.update'), input: entryUpdateInputSchema }).strict(),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command['type'];

/** Public, non-secret view of an account (what `accounts list` prints). */
export const accountSummarySchema = z.object({
  id: accountIdSchema,
  provider: providerKindSchema,
  label: z.string(),
  isDefault: z.boolean(),
  baseUrl: z.string().nullable(),
});
export type AccountSummary = z.infer<typeof accountSummarySchema>;

/** What the UI may show of the settings: accounts are summarised, never with secrets. */
export const settingsViewSchema = z.object({
  defaultAccountId: accountIdSchema,
  hotkeys: hotkeysSchema,
  theme: themeSchema,
  accounts: z.array(accountSummarySchema),
  idle: idleSettingsSchema,
  reminders: reminderSettingsSchema,
  pomodoro: pomodoroSettingsSchema,
  launchAtLogin: z.boolean(),
  notifications: z.boolean(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** One member's tracker as read for `status --member` and the team glance. */
export const memberStatusSchema = z.object({
  member: memberViewSchema,
  entry: entryViewSchema.nullable(),
  /** Today's total (WebWork: the Timeline plus the running tracker). */
  todaySeconds: z.number(),
  /** When this member's tracker was read; null: not read yet (waiting for the rate budget). */
  checkedAt: z.string().nullable(),
  /** Why this member could not be read (role, removed member…), if so. */
  error: appErrorSchema.nullable(),
});
export type MemberStatus = z.infer<typeof memberStatusSchema>;

/** `team`'s data: who is tracking now, checked within the rate budget. */
export const teamGlanceSchema = z.object({
  accountId: accountIdSchema,
  /** Members tracking first (longest today first), then the others by name. */
  members: z.array(memberStatusSchema),
  /** Members in the workspace. */
  total: z.number().int(),
  /** Members not read yet; they are read as the rate budget allows. */
  unchecked: z.number().int(),
  /** When the next batch can be read (the rate budget); null: nothing is waiting. */
  nextCheckAt: z.string().nullable(),
});
export type TeamGlance = z.infer<typeof teamGlanceSchema>;

export const commandResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    snapshot: snapshotSchema,
    /** Command-specific answer: accounts list, settings view, search hits. */
    data: z.unknown().optional(),
    /** A short human sentence saying what happened ("Started “Writing docs” on Local"). */
    message: z.string().optional(),
  }),
  z.object({ ok: z.literal(false), error: appErrorSchema, snapshot: snapshotSchema.optional() }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;

// ---------------------------------------------------------------------------------------------
// IPC: channel names. The preload maps each named verb to exactly one channel.
// ---------------------------------------------------------------------------------------------
export const IPC = {
  /** renderer → main (invoke): a Command; answers a CommandResult. */
  command: 'tray-timer:command',
  /** renderer → main (send): the popup asks to be hidden (Esc). */
  hidePopup: 'tray-timer:hide-popup',
  /** main → renderer: a new Snapshot. */
  snapshot: 'tray-timer:snapshot',
  /** main → renderer: the popup was shown; focus the description field / switch view. */
  shown: 'tray-timer:shown',
} as const;

export const popupViewSchema = z.enum(['timer', 'preferences']);
export type PopupView = z.infer<typeof popupViewSchema>;

/** What the preload exposes as `window.trayTimer`: named verbs only. */
export interface TrayTimerApi {
  getState(): Promise<CommandResult>;
  onState(listener: (snapshot: Snapshot) => void): () => void;
  onShown(listener: (view: PopupView) => void): () => void;
  start(input: StartInput): Promise<CommandResult>;
  stop(input: StopInput): Promise<CommandResult>;
  toggle(input: ToggleInput): Promise<CommandResult>;
  continueEntry(input: ContinueInput): Promise<CommandResult>;
  refresh(input: AccountRef): Promise<CommandResult>;
  searchProjects(input: SearchInput): Promise<CommandResult>;
  getSettings(): Promise<CommandResult>;
  updateSettings(patch: SettingsPatch): Promise<CommandResult>;
  listAccounts(): Promise<CommandResult>;
  addAccount(input: AddAccountInput): Promise<CommandResult>;
  removeAccount(accountId: string): Promise<CommandResult>;
  /** WebWork managers: members matching a query (data: MemberView[]). */
  searchMembers(input: SearchInput): Promise<CommandResult>;
  /** WebWork managers: whose tracker the popup shows and drives (null: your own). */
  trackFor(input: TrackForInput): Promise<CommandResult>;
  /** WebWork managers: the team glance (data: TeamGlance). */
  team(input: TeamInput): Promise<CommandResult>;
  /** A journal action set aside: send it again (override: as it is, despite a conflict). */
  retryAction(input: QueueActionInput): Promise<CommandResult>;
  /** A journal action set aside: drop it. */
  discardAction(input: { actionId: string }): Promise<CommandResult>;
  /** The answer to the away prompt ("You were away 10:42–11:57"). */
  resolveAway(input: AwayResolveInput): Promise<CommandResult>;
  /** Changes the running entry (description, project/task, start time). */
  updateEntry(input: EntryUpdateInput): Promise<CommandResult>;
  hidePopup(): void;
}

export const TRAY_TIMER_API_KEYS = [
  'getState',
  'onState',
  'onShown',
  'start',
  'stop',
  'toggle',
  'continueEntry',
  'refresh',
  'searchProjects',
  'getSettings',
  'updateSettings',
  'listAccounts',
  'addAccount',
  'removeAccount',
  'searchMembers',
  'trackFor',
  'team',
  'retryAction',
  'discardAction',
  'resolveAway',
  'updateEntry',
  'hidePopup',
] as const satisfies readonly (keyof TrayTimerApi)[];
