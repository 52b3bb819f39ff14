/**
 * The core: accounts, their live state, settings and the schedule that keeps them fresh. Runs in
 * plain Node (CLI, tests, benchmark) and inside Electron's main process (the shell feeds it popup
 * visibility and power events). Every front door calls `execute`.
 */
import {
  addAccountInputSchema,
  commandSchema,
  settingsPatchSchema,
  type AccountSummary,
  type Command,
  type CommandResult,
  type Notice,
  type Settings,
  type SettingsView,
  type Snapshot,
} from '../../preload/contract';
import { createProvider, LOCAL_ACCOUNT, type CoreProviderDeps } from '../providers/create-provider';
import { createHash } from 'node:crypto';
import { plural } from '../../preload/format';
import { APP_VERSION } from './app-version';
import { connectAccount, removeAccount } from './account-commands';
import { ensureDir } from '../storage/atomic-file';
import { jsonFileSettingsBackend } from '../storage/json-file-backend';
import { SettingsStore } from '../storage/settings-store';
import { AccountRuntime } from './account-runtime';
import { systemClock, type Clock } from './clock';
import type { Core, CoreOptions, PowerEvent } from './core';
import { continueEntry, startEntry, stopEntry, toggleEntry } from './entry-commands';
import { JournalStore } from '../journal/journal-store';
import { retryDelayMs } from '../journal/transient';
import type { TimerHandle } from './clock';
import { replayAccount, type ActionDeps } from './journal-actions';
import { discardAction, retryAction } from './queue-commands';
import { CoreError, toAppError } from './errors';
import { applySettingsPatch } from './settings-patch';
import { updateEntry } from './entry-update';
import { PresenceService } from './presence-service';
import {
  oneOffMember,
  memberStatus,
  searchMembers,
  startForMember,
  stopForMember,
  teamGlance,
  trackFor,
} from './member-commands';
import { Scheduler } from './scheduler';
import { buildSnapshot } from './snapshot';

export async function openCore(options: CoreOptions): Promise<Core> {
  const core = new TrayTimerCore(options);
  await core.init();
  return core;
}

class TrayTimerCore implements Core {
  readonly #clock: Clock;
  readonly #settings: SettingsStore;
  readonly #notices = new Map<string, Notice>();
  readonly #listeners = new Set<(s: Snapshot) => void>();
  readonly #scheduler: Scheduler;
  readonly #presence: PresenceService;
  readonly #journal: JournalStore;
  /** The next try of an account's waiting journal actions (app mode). */
  readonly #retries = new Map<string, TimerHandle>();
  #runtimes: AccountRuntime[] = [];
  #version = 0;
  #closed = false;

  constructor(private readonly options: CoreOptions) {
    this.#clock = options.clock ?? systemClock;
    ensureDir(options.dataDir);
    this.#settings = new SettingsStore(
      options.dataDir,
      options.settingsBackend ?? jsonFileSettingsBackend,
    );
    this.#journal = new JournalStore(
      options.dataDir,
      (message) => this.#warn('storage:journal', message),
      options.journalHooks,
      () => this.#clock.now(),
    );
    this.#scheduler = new Scheduler({
      clock: this.#clock,
      enabled: options.mode === 'app',
      accounts: () => this.#runtimes,
      onRefreshed: () => {
        this.#emit();
        // A successful read means the service is back: send what waited.
        this.#replayWaiting((rt) => rt.error === null);
      },
      onTick: () => {
        this.#presence.tick();
        this.#emit();
      },
    });
    this.#presence = new PresenceService({
      clock: this.#clock,
      mode: options.mode,
      dataDir: options.dataDir,
      source: options.presence,
      settings: () => this.#settings.get(),
      runtimes: () => this.#runtimes,
      actionDeps: () => this.#actionDeps(),
      notify: options.notify,
      emit: () => {
        if (!this.#closed) this.#emit();
      },
      warn: (id, message) => this.#warn(id, message),
    });
  }

  async init(): Promise<void> {
    const loaded = this.#settings.load();
    if (loaded.problem) this.#warn('storage:settings', loaded.problem);
    this.#runtimes = this.#settings.get().accounts.map((c) => this.#makeRuntime(c));
    this.#runtimes.unshift(this.#makeRuntime(LOCAL_ACCOUNT));
    const now = this.#clock.now();
    await Promise.all(
      this.#runtimes.map(async (rt) => {
        rt.restore();
        if (rt.provider?.allowAutoRefresh('startup', now)) await rt.refresh('startup');
      }),
    );
    this.#version = 1;
    this.#scheduler.start();
    this.#presence.start();
    // Actions left by a previous run (offline, a crash): replayed now. The CLI waits for them,
    // so `tray-timer status` after a crash shows the truth; the app shows them as pending
    // meanwhile.
    if (this.options.mode === 'oneshot') {
      // A CLI call does not knock on an unreachable service more often than the app would.
      const now = this.#clock.now();
      await this.#replayWaiting((rt) => {
        const first = rt.waiting[0];
        return (
          !first?.triedAt || now - first.triedAt >= retryDelayMs(first.error, first.attempts, now)
        );
      });
    } else void this.#replayWaiting(() => true);
  }

  #actionDeps(): ActionDeps {
    return {
      store: this.#journal,
      now: () => this.#clock.now(),
      onWaiting: (rt) => this.#scheduleRetry(rt),
    };
  }

  /** Replays the waiting actions of the accounts `which` picks; never throws. */
  async #replayWaiting(which: (rt: AccountRuntime) => boolean): Promise<void> {
    const due = this.#runtimes.filter((rt) => rt.provider && rt.waiting.length > 0 && which(rt));
    if (due.length === 0) return;
    await Promise.all(
      due.map((rt) => replayAccount(rt, this.#actionDeps()).catch(() => undefined)),
    );
    if (!this.#closed) this.#emit();
  }

  #scheduleRetry(rt: AccountRuntime): void {
    if (this.options.mode !== 'app' || this.#closed) return;
    const id = rt.config.id;
    this.#retries.get(id)?.cancel();
    const first = rt.waiting[0];
    const delay = retryDelayMs(first?.error ?? null, first?.attempts ?? 1, this.#clock.now());
    this.#retries.set(
      id,
      this.#clock.setTimer(delay, () => {
        this.#retries.delete(id);
        if (this.#scheduler.paused) return; // resume/unlock replays
        void this.#replayWaiting((r) => r.config.id === id);
      }),
    );
  }

  #makeRuntime(config: AccountRuntime['config']): AccountRuntime {
    const now = () => this.#clock.now();
    const pending = () => this.#journal.actions(config.id);
    try {
      const provider = createProvider(config, {
        ...this.#providerDeps(),
        // One notice per problem: a second damaged file must not hide the first.
        onProblem: (message) => this.#warn(`storage:${config.id}:${shortHash(message)}`, message),
      });
      return new AccountRuntime(config, provider, null, now, pending);
    } catch (err) {
      return new AccountRuntime(config, null, toAppError(err), now, pending);
    }
  }

  snapshot(): Snapshot {
    return buildSnapshot({
      version: this.#version,
      now: this.#clock.now(),
      runtimes: this.#runtimes,
      defaultAccountId: this.#defaultAccountId(),
      notices: [...this.#notices.values()],
      presence: this.#presence.view(this.#clock.now()),
    });
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  settings(): Settings {
    return this.#settings.get();
  }

  setPopupVisible(visible: boolean): void {
    this.#scheduler.setPopupVisible(visible);
  }

  power(event: PowerEvent): void {
    this.#scheduler.power(event);
    this.#presence.power(event);
    if (event === 'resume' || event === 'unlock-screen') {
      this.#emit();
      void this.#replayWaiting(() => true);
    }
  }

  setNotice(notice: Notice): void {
    this.#notices.set(notice.id, notice);
    this.#emit();
  }

  clearNotice(id: string): void {
    if (this.#notices.delete(id)) this.#emit();
  }

  async close(): Promise<void> {
    this.#presence.close();
    this.#closed = true;
    this.#scheduler.stop();
    for (const t of this.#retries.values()) t.cancel();
    this.#retries.clear();
    this.#listeners.clear();
  }

  async execute(raw: Command): Promise<CommandResult> {
    // Every front door is parsed again here: the core trusts no caller.
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success)
      return { ok: false, error: toAppError(parsed.error), snapshot: this.snapshot() };
    if (this.#closed)
      return { ok: false, error: { kind: 'internal', message: 'Tray Timer is shutting down.' } };
    try {
      const { message, data } = await this.#run(parsed.data);
      const snapshot = this.#emit();
      return {
        ok: true,
        snapshot,
        ...(message ? { message } : {}),
        ...(data !== undefined ? { data } : {}),
      };
    } catch (err) {
      return { ok: false, error: toAppError(err), snapshot: this.#emit() };
    }
  }

  async #run(command: Command): Promise<{ message?: string; data?: unknown }> {
    const now = this.#clock.now();
    switch (command.type) {
      case 'status': {
        const member = command.input?.member;
        if (member === undefined) return {};
        return { data: await memberStatus(this.#account(command.input?.accountId), member, now) };
      }
      case 'start': {
        const rt = this.#account(command.input.accountId);
        const { member, ...input } = command.input;
        // A member other than the one the account acts for: a one-off that leaves the popup's
        // "Track for" choice (and its state) alone.
        const once = member === undefined ? null : await oneOffMember(rt, member);
        if (once) return { message: await startForMember(rt, input, once, now) };
        return { message: await startEntry(rt, input, this.#actionDeps()) };
      }
      case 'stop': {
        const rt = this.#account(command.input.accountId);
        const member = command.input.member;
        const once = member === undefined ? null : await oneOffMember(rt, member);
        if (once) return { message: await stopForMember(rt, once, now) };
        return {
          message: await stopEntry(rt, this.#actionDeps(), command.input.queueIfOffline),
        };
      }
      case 'toggle':
        return {
          message: await toggleEntry(
            this.#account(command.input.accountId),
            this.#actionDeps(),
            command.input.queueIfOffline,
          ),
        };
      case 'continue':
        return {
          message: await continueEntry(
            this.#account(command.input.accountId),
            command.input,
            this.#actionDeps(),
          ),
        };
      case 'refresh': {
        const targets = command.input.accountId
          ? [this.#account(command.input.accountId)]
          : this.#runtimes;
        await Promise.all(targets.map((rt) => rt.refresh()));
        await this.#replayWaiting((rt) => targets.includes(rt) && rt.error === null);
        return {};
      }
      case 'accounts.list':
        return { data: this.#accountSummaries() };
      case 'accounts.add': {
        const added = await connectAccount(addAccountInputSchema.parse(command.input), {
          ...this.#providerDeps(),
          settings: this.#settings,
        });
        const rt = this.#makeRuntime(added.config);
        // A reconnect swaps the account's runtime in place: same id, same position.
        const at = this.#runtimes.findIndex((r) => r.config.id === added.config.id);
        if (at >= 0) this.#runtimes[at] = rt;
        else this.#runtimes.push(rt);
        await rt.refresh('user');
        // Actions that waited for this sign-in go out now.
        await this.#replayWaiting((r) => r === rt);
        return {
          message: added.message,
          data: this.#accountSummaries().find((a) => a.id === added.config.id),
        };
      }
      case 'accounts.remove': {
        const rt = this.#account(command.input.accountId);
        await removeAccount(rt.config, { ...this.#providerDeps(), settings: this.#settings });
        this.#runtimes = this.#runtimes.filter((r) => r !== rt);
        const queued = this.#journal.actions(rt.config.id);
        this.#journal.remove(queued.map((a) => a.id));
        const dropped =
          queued.length > 0
            ? ` ${plural(queued.length, 'queued action was', 'queued actions were')} discarded.`
            : '';
        return {
          message: `Removed ${rt.config.label}; its secret was deleted from the keychain.${dropped}`,
        };
      }
      case 'settings.get':
        return { data: this.#settingsView() };
      case 'settings.update': {
        const patch = settingsPatchSchema.parse(command.input);
        if (patch.defaultAccountId !== undefined) this.#account(patch.defaultAccountId);
        this.#settings.update(applySettingsPatch(this.#settings.get(), patch));
        return { data: this.#settingsView(), message: 'Preferences saved.' };
      }
      case 'projects.search': {
        const rt = this.#account(command.input.accountId);
        const q = command.input.query.trim().toLowerCase();
        const hits = rt.projects
          .filter(
            (p) =>
              q === '' ||
              p.name.toLowerCase().includes(q) ||
              (p.clientName ?? '').toLowerCase().includes(q),
          )
          .slice(0, 50)
          .map((p) => ({ id: p.id, name: p.name, color: p.color, clientName: p.clientName }));
        return { data: hits };
      }
      case 'members.search':
        return {
          data: await searchMembers(this.#account(command.input.accountId), command.input.query),
        };
      case 'members.trackFor':
        return {
          message: await trackFor(this.#account(command.input.accountId), command.input.member),
        };
      case 'queue.retry':
        return {
          message: await retryAction(this.#runtimes, command.input, this.#actionDeps()),
        };
      case 'queue.discard':
        return { message: discardAction(this.#runtimes, command.input.actionId, this.#journal) };
      case 'away.resolve':
        return { message: await this.#presence.resolve(command.input) };
      case 'entry.update':
        return {
          message: await updateEntry(this.#account(command.input.accountId), command.input, now),
        };
      case 'team':
        return {
          data: await teamGlance(
            this.#account(command.input.accountId),
            command.input.refresh ?? false,
            now,
          ),
        };
    }
  }

  #account(accountId: string | undefined): AccountRuntime {
    const id = accountId ?? this.#defaultAccountId();
    const rt = this.#runtimes.find((r) => r.config.id === id);
    if (!rt)
      throw new CoreError({
        kind: 'not-found',
        message: `No account with id “${id}”. See \`tray-timer accounts list\`.`,
        field: 'accountId',
      });
    return rt;
  }

  #defaultAccountId(): string {
    const wanted = this.#settings.get().defaultAccountId;
    return this.#runtimes.some((r) => r.config.id === wanted) ? wanted : LOCAL_ACCOUNT.id;
  }

  #accountSummaries(): AccountSummary[] {
    const def = this.#defaultAccountId();
    return this.#runtimes.map((r) => ({
      id: r.config.id,
      provider: r.config.provider,
      label: r.config.label,
      isDefault: r.config.id === def,
      baseUrl: r.config.baseUrl ?? null,
    }));
  }

  #settingsView(): SettingsView {
    const s = this.#settings.get();
    return {
      defaultAccountId: this.#defaultAccountId(),
      hotkeys: s.hotkeys,
      theme: s.theme,
      accounts: this.#accountSummaries(),
      idle: s.idle,
      reminders: s.reminders,
      pomodoro: s.pomodoro,
      launchAtLogin: s.launchAtLogin,
      notifications: s.notifications,
    };
  }

  #providerDeps(): CoreProviderDeps {
    return {
      dataDir: this.options.dataDir,
      secrets: this.options.secrets,
      fetch: this.options.fetch ?? globalThis.fetch,
      clock: this.#clock,
      appVersion: APP_VERSION,
      onProblem: () => {},
    };
  }

  #warn(id: string, message: string): void {
    this.#notices.set(id, { id, level: 'warning', message, topic: 'storage' });
  }

  #emit(): Snapshot {
    // A timer started or stopped, settings changed: pomodoro and reminders follow.
    this.#presence.observe();
    this.#version += 1;
    const snapshot = this.snapshot();
    for (const listener of this.#listeners) listener(snapshot);
    this.#scheduler.reschedule();
    return snapshot;
  }
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
