/**
 * One account's live state and the only path to its provider. It guarantees:
 *  - one in-flight request per endpoint (a second caller shares the first one's promise);
 *  - a late answer never overwrites newer state: a refresh that began before an action
 *    completed is discarded when it lands.
 */
import type { AccountConfig, AppError } from '../../preload/contract';
import type { JournalAction } from '../journal/journal-schema';
import { overlay } from '../journal/overlay';
import type { ReplayTarget } from '../journal/replay';
import type { RemoteView } from '../journal/verdict';
import type {
  Project,
  Provider,
  RefreshReason,
  RemoteEntry,
  SyncResult,
} from '../providers/provider';
import { toAppError } from './errors';

/** How far back "recent entries" reach (Continue, autocomplete, today's total). */
export const RECENT_WINDOW_MS = 7 * 24 * 3600 * 1000;

export class AccountRuntime implements ReplayTarget {
  /** The service's state as last read or answered, without the journal's waiting actions. */
  #remoteRunning: RemoteEntry | null = null;
  #remoteEntries: RemoteEntry[] = [];
  /** This account's journal actions not confirmed yet (oldest first). */
  pending: JournalAction[] = [];
  /**
   * A send failed in a way that leaves unknown whether it arrived, and the action was not kept
   * (the user declined to queue it): the next action reads the service before sending.
   */
  uncertain = false;
  /** Actions on their first trip to the service right now (not "will sync" unless it fails). */
  readonly sending = new Set<string>();
  projects: Project[] = [];
  error: AppError | null;
  lastSyncedAt: number | null = null;
  /** Reads that failed in a row, and when the last one did (polls back off from it). */
  failures = 0;
  lastFailureAt: number | null = null;

  #seq = 0;
  #lastActionSeq = 0;
  readonly #inflight = new Map<string, Promise<unknown>>();

  constructor(
    readonly config: AccountConfig,
    /** Null when the provider could not be set up; `error` then says why. */
    readonly provider: Provider | null,
    setupError: AppError | null,
    private readonly now: () => number,
    /** Reads this account's actions from the journal. */
    private readonly readPending: () => JournalAction[] = () => [],
  ) {
    this.error = setupError;
    this.pending = readPending();
  }

  /** What the user sees runs: the service's state with waiting actions applied. */
  get running(): RemoteEntry | null {
    return this.#view().running;
  }

  /** Entries of the recent window, the running one included (waiting actions applied). */
  get entries(): RemoteEntry[] {
    return [...this.#view().entries];
  }

  get remote(): RemoteView {
    return { running: this.#remoteRunning, entries: this.#remoteEntries };
  }

  #view(): RemoteView {
    return this.pending.length === 0
      ? this.remote
      : overlay(this.remote, this.pending, this.sending);
  }

  reloadPending(): void {
    this.pending = this.readPending();
  }

  /** Waiting actions (sent when the service is reachable). */
  get waiting(): JournalAction[] {
    return this.pending.filter((a) => a.state === 'waiting');
  }

  #chain: Promise<unknown> = Promise.resolve();

  /** Runs calls one after another (journal replays must never overlap). */
  serial<T>(call: () => Promise<T>): Promise<T> {
    const p = this.#chain.then(call, call);
    this.#chain = p.catch(() => undefined);
    return p;
  }

  /** Shares one in-flight call per endpoint. */
  once<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
    const pending = this.#inflight.get(endpoint);
    if (pending) return pending as Promise<T>;
    const p = call().finally(() => {
      // A retarget may have dropped this call already and started another under the same name.
      if (this.#inflight.get(endpoint) === p) this.#inflight.delete(endpoint);
    });
    this.#inflight.set(endpoint, p);
    return p;
  }

  /**
   * Asks the provider for what is due (always the running entry; recent entries and projects
   * when the provider says so). Errors become `error`, with the last known state kept.
   */
  async refresh(reason: RefreshReason = 'user'): Promise<void> {
    const provider = this.provider;
    if (!provider) return;
    const seq = ++this.#seq;
    try {
      const since = this.now() - RECENT_WINDOW_MS;
      const result = await this.once('sync', () => provider.sync(reason, since));
      if (seq < this.#lastActionSeq) return; // an action finished meanwhile: its answer is newer
      this.applySync(result);
    } catch (err) {
      if (seq < this.#lastActionSeq) return;
      this.error = toAppError(err);
      this.failures += 1;
      this.lastFailureAt = this.now();
    }
  }

  /** A fresh read of the service is the new truth. */
  applySync(result: SyncResult): void {
    this.#remoteRunning = result.running;
    // Without a fresh list, an entry we thought running that no longer is has ended about now.
    const entries =
      result.entries ??
      this.#remoteEntries.map((e) =>
        e.stop === null && e.id !== result.running?.id ? { ...e, stop: this.now() } : e,
      );
    this.#remoteEntries = mergeEntries(entries, result.running ? [result.running] : []);
    if (result.projects) this.projects = result.projects;
    this.error = null;
    this.failures = 0;
    this.lastSyncedAt = this.now();
  }

  applyError(error: AppError): void {
    this.error = error;
  }

  /** Shows what the provider cached on disk (its `syncedAt` says how old it is). */
  restore(): void {
    const cached = this.provider?.restore?.();
    if (!cached) return;
    this.#remoteRunning = cached.running;
    this.#remoteEntries = mergeEntries(
      cached.entries ?? [],
      cached.running ? [cached.running] : [],
    );
    if (cached.projects) this.projects = cached.projects;
    this.lastSyncedAt = cached.syncedAt ?? null;
  }

  /** Applies the provider's answer to a start/stop: that answer is the new truth, no extra poll. */
  applyAction(change: { running: RemoteEntry | null; touched: RemoteEntry[] }): void {
    this.#lastActionSeq = ++this.#seq;
    this.#remoteRunning = change.running;
    this.#remoteEntries = mergeEntries(this.#remoteEntries, [
      ...change.touched,
      ...(change.running ? [change.running] : []),
    ]);
    if (!change.running)
      this.#remoteEntries = this.#remoteEntries.map((e) =>
        e.stop === null ? { ...e, stop: this.now() } : e,
      );
    this.error = null;
    this.lastSyncedAt = this.now();
  }

  /**
   * The account now shows someone else's tracker (WebWork "Track for"): what is on screen is
   * not theirs, and an answer already under way is about the previous person, so it is dropped.
   */
  retarget(): void {
    this.#lastActionSeq = ++this.#seq;
    this.#inflight.delete('sync');
    this.#inflight.delete('projects');
    this.#remoteRunning = null;
    this.#remoteEntries = [];
    this.projects = [];
    this.error = null;
    this.lastSyncedAt = null;
  }

  addProject(project: Project): void {
    this.projects = [...this.projects.filter((p) => p.id !== project.id), project];
  }
}

/** Entries by id; later lists win. */
function mergeEntries(
  base: readonly RemoteEntry[],
  updates: readonly RemoteEntry[],
): RemoteEntry[] {
  const byId = new Map(base.map((e) => [e.id, e]));
  for (const e of updates) byId.set(e.id, e);
  return [...byId.values()];
}
