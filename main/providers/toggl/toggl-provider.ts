/**
 * A Toggl Track account. Free plans allow 30 user-level requests an hour, so every request is
 * chosen: the running entry is polled about every 4 minutes (GET /me/time_entries/current, one
 * request), recent entries and the picker lists (projects, clients, tasks) come from a disk
 * cache refreshed one list per poll with `since=` (or in one full read when everything is
 * stale), start and stop are exactly one request whose answer is the new truth, and automatic
 * refreshes stop well before the quota (see request-budget.ts).
 */
import type { z } from 'zod';
import type { AppError, Capabilities } from '../../../preload/contract';
import type { ProviderDeps } from '../provider-module';
import {
  ProviderError,
  type EntryPatch,
  type Project,
  type Provider,
  type RefreshReason,
  type RemoteEntry,
  type StartRequest,
  type StartResult,
  type SyncResult,
} from '../provider';
import { allowsAutoRefresh, nextPollIn, type PollPolicy } from '../shared/refresh-schedule';
import {
  clientsSchema,
  currentEntrySchema,
  keepEntry,
  meWithRelatedSchema,
  projectsSchema,
  tasksSchema,
  timeEntriesSchema,
  timeEntrySchema,
  type KeptEntry,
  type TogglTimeEntry,
} from './toggl-api';
import { TogglCache, type CacheFile } from './toggl-cache';
import { TogglClient } from './toggl-client';
import { AUTO_CAP, POPUP_RESERVE, RequestBudget } from './request-budget';

const BACKGROUND_CAP = AUTO_CAP - POPUP_RESERVE;

/** How often the running entry is re-read while the app runs (p95 staleness target: 4 min). */
export const POLL_MS = 4 * 60_000;
const POLL_POLICY: PollPolicy = {
  pollMs: POLL_MS,
  autoCap: AUTO_CAP,
  backgroundCap: BACKGROUND_CAP,
};
/**
 * Recent entries are re-read with `since=` this often by automatic refreshes: the running entry
 * is polled anyway, so this only brings edits of stopped entries made elsewhere.
 */
export const ENTRIES_REFRESH_MS = 60 * 60_000;
/**
 * Projects, clients and tasks change rarely and cost a request each: automatic refreshes re-read
 * each about every 3 hours, staggered so they come due on different polls (a user refresh always
 * reads everything, and a running entry in an unknown project brings the projects). With the
 * 4-minute poll (15/h) and recent entries (1/h) this stays under the background cap of 18.
 */
export const PICKER_REFRESH_MS = {
  projects: 3 * 3600_000,
  clients: 3 * 3600_000 + 20 * 60_000,
  tasks: 3 * 3600_000 + 40 * 60_000,
} as const;
/** A user refresh re-reads lists older than this (every click would cost 5 requests). */
export const USER_LISTS_MIN_MS = 2 * 60_000;
/** `since=` reaches a little further back than the last read, for clocks that disagree. */
const SINCE_OVERLAP_MS = 5 * 60_000;
const RECENT_MS = 7 * 24 * 3600_000;

type PickerList = 'projects' | 'clients' | 'tasks';

export interface TogglSettings {
  workspaceId: number;
}

/** Knobs for tests: a shorter timeout, a predictable jitter. */
export interface TogglTuning {
  timeoutMs?: number;
  random?: () => number;
}

export class TogglProvider implements Provider {
  readonly kind = 'toggl' as const;
  readonly capabilities: Capabilities = {
    projects: true,
    tasks: true,
    // Starts take their `start`; a stop in the past is an update of the entry's stop time.
    backdate: true,
    // One PUT /workspaces/{wid}/time_entries/{id} changes description, project, task and start.
    editStart: true,
    editEntry: true,
    tags: true,
    // A paid-plan feature: on Free, Toggl answers 402 and the provider reports 'unsupported'.
    billable: true,
    members: false,
  };
  readonly popupStaleMs = 30_000;
  readonly budget: RequestBudget;
  readonly #client: TogglClient;
  readonly #cache: TogglCache;
  #state: CacheFile;
  /** When THIS process last learned the running entry: the poll rhythm is counted from it. */
  #learnedAt: number | null = null;
  readonly #askedForProject = new Set<number>();

  constructor(
    private readonly settings: TogglSettings,
    baseUrl: string,
    private readonly deps: ProviderDeps,
    tuning: TogglTuning = {},
  ) {
    this.budget = new RequestBudget(deps.cacheDir, deps.onProblem, tuning.random);
    this.#cache = new TogglCache(deps.cacheDir, settings.workspaceId, deps.onProblem);
    this.#state = this.#cache.load();
    this.#client = new TogglClient({
      baseUrl,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      now: () => deps.clock.now(),
      getToken: deps.getSecret,
      budget: this.budget,
      ...(tuning.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
    });
  }

  get #wid(): number {
    return this.settings.workspaceId;
  }

  // -------------------------------------------------------------------------------------------
  // Schedule
  // -------------------------------------------------------------------------------------------

  nextRefreshIn(state: { running: boolean; now: number }): number | null {
    // From the last time we learned the truth, but never before the budget (cap, headroom,
    // quota reset, back-off) allows an automatic request.
    return nextPollIn(this.#learnedAt, state.now, this.budget, POLL_POLICY);
  }

  allowAutoRefresh(reason: RefreshReason, now: number): boolean {
    return allowsAutoRefresh(reason, now, this.#state.syncedAt, this.budget, POLL_POLICY);
  }

  // -------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------

  restore(): SyncResult | null {
    this.#state = this.#cache.load();
    const s = this.#state;
    if (s.syncedAt === null && s.entriesSyncedAt === null && s.projectsSyncedAt === null)
      return null;
    if (s.syncedAt !== null) this.#learnedAt = s.syncedAt;
    return {
      running: s.running ? this.#toRemote(s.running) : null,
      ...(s.syncedAt !== null ? { syncedAt: s.syncedAt } : {}),
      entries: this.#recentEntries(this.deps.clock.now() - RECENT_MS),
      projects: this.#projects(),
    };
  }

  async sync(reason: RefreshReason, since: number): Promise<SyncResult> {
    const auto = reason !== 'user';
    const running = await this.#readCurrent(auto);
    const now = this.deps.clock.now();
    const state = this.#state;
    // A running entry in a project we do not know: the project list is stale (once per project,
    // so an archived project does not cost a request on every poll).
    const missing = running?.workspaceId === this.#wid ? running.projectId : null;
    const unknownProject =
      missing !== null &&
      !this.#askedForProject.has(missing) &&
      !state.projects.some((p) => p.id === missing);
    if (unknownProject) this.#askedForProject.add(missing);
    const older = (at: number | null, than: number) => at === null || now - at >= than;
    let entriesRead = false;
    let projectsRead = false;
    const canSpend = () => !auto || this.budget.autoAllowedAt(now, 1, BACKGROUND_CAP) <= now;
    const never = state.entriesSyncedAt === null || state.projectsSyncedAt === null;
    // A user's refresh re-reads everything unless it was read moments ago (a repeated click
    // must not cost requests each time).
    const userWants =
      !auto &&
      [state.entriesSyncedAt, state.projectsSyncedAt].some((at) => older(at, USER_LISTS_MIN_MS));
    if (never || userWants) {
      // One full read (GET /me?with_related_data=true) costs one request where the four lists
      // cost four.
      if (canSpend()) {
        entriesRead = projectsRead = await this.#listStep(() => this.#readAll(auto, since));
      }
    } else if (auto) {
      // At most ONE list per automatic refresh, with `since=`: the lists spread over polls, a
      // refresh never bursts past Toggl's ~1 request/second, and only when the budget has room
      // now (else the list stays due and comes with a later refresh).
      const due: (PickerList | 'entries')[] = [];
      if (older(state.entriesSyncedAt, ENTRIES_REFRESH_MS)) due.push('entries');
      if (unknownProject || older(state.projectsSyncedAt, PICKER_REFRESH_MS.projects))
        due.push('projects');
      if (older(state.clientsSyncedAt, PICKER_REFRESH_MS.clients)) due.push('clients');
      if (!state.tasksUnsupported && older(state.tasksSyncedAt, PICKER_REFRESH_MS.tasks))
        due.push('tasks');
      if (due.length >= 3) {
        // Back after a night or a long sleep, everything is stale: one full read costs one
        // request where the lists one by one would cost three or four.
        if (canSpend())
          entriesRead = projectsRead = await this.#listStep(() => this.#readAll(auto, since));
        due.length = 0;
      }
      const next = due[0];
      if (next === 'entries' && canSpend()) {
        entriesRead = await this.#listStep(() => this.#readEntries(auto, since));
      } else if (next !== undefined && next !== 'entries' && canSpend()) {
        projectsRead = await this.#listStep(() => this.#readPickerList(next, auto));
      }
    }
    this.#cache.save(this.#state);
    return {
      running: running ? this.#toRemote(running) : null,
      syncedAt: this.#state.syncedAt ?? now,
      ...(entriesRead ? { entries: this.#recentEntries(since) } : {}),
      ...(projectsRead ? { projects: this.#projects() } : {}),
    };
  }

  /**
   * A list that could not be read stays as cached (the running entry is what matters); only
   * sign-in and quota failures are passed on, because the user must see those.
   */
  async #listStep(read: () => Promise<void>): Promise<boolean> {
    try {
      await read();
      return true;
    } catch (err) {
      if (
        err instanceof ProviderError &&
        (err.error.kind === 'auth' || err.error.kind === 'quota')
      ) {
        this.#cache.save(this.#state);
        throw err;
      }
      return false;
    }
  }

  async #readCurrent(auto: boolean): Promise<KeptEntry | null> {
    const body = await this.#client.call({
      method: 'GET',
      path: '/me/time_entries/current',
      schema: currentEntrySchema,
      what: 'running entry',
      auto,
    });
    const kept = body ? keepEntry(body) : null;
    // A "current" entry that has a stop time is not running (defensive: never show it ticking).
    const running = kept && kept.stop === null ? kept : null;
    this.#learn(running);
    return running;
  }

  /** Everything at once: projects, clients, tasks and recent entries, one request. */
  async #readAll(auto: boolean, windowStart: number): Promise<void> {
    const fetchedAt = this.deps.clock.now();
    const all = await this.#client.call({
      method: 'GET',
      path: '/me?with_related_data=true',
      schema: meWithRelatedSchema,
      what: 'profile with projects and entries',
      auto,
    });
    this.#applyProjects(all.projects ?? [], true, fetchedAt);
    this.#applyClients(all.clients ?? [], true, fetchedAt);
    this.#applyTasks(all.tasks ?? [], true, fetchedAt);
    // Which entries the related data holds is not documented; without any, ask the list itself.
    if (all.time_entries) this.#applyEntries(all.time_entries, windowStart, true, fetchedAt);
    else await this.#readEntries(auto, windowStart);
  }

  async #readEntries(auto: boolean, windowStart: number): Promise<void> {
    const last = this.#state.entriesSyncedAt ?? windowStart;
    const fetchedAt = this.deps.clock.now();
    const list = await this.#client.call({
      method: 'GET',
      path: `/me/time_entries?since=${Math.floor(Math.max(0, last - SINCE_OVERLAP_MS) / 1000)}`,
      schema: timeEntriesSchema,
      what: 'recent entries',
      auto,
    });
    this.#applyEntries(list, windowStart, false, fetchedAt);
  }

  #applyEntries(
    list: readonly TogglTimeEntry[],
    windowStart: number,
    full: boolean,
    fetchedAt: number,
  ): void {
    const entries = mergeById(
      full ? [] : this.#state.entries,
      list.filter((e) => e.workspace_id === this.#wid || e.server_deleted_at),
      // `since` includes deleted entries: they leave the list instead of showing up in it.
      (e) => (e.server_deleted_at ? null : e),
      keepEntry,
    );
    this.#state.entries = entries.filter((e) => e.stop === null || e.start >= windowStart);
    this.#state.entriesSyncedAt = fetchedAt;
  }

  /** One of the picker lists, incremental with `since=` (everything the first time). */
  async #readPickerList(list: PickerList, auto: boolean): Promise<void> {
    const state = this.#state;
    const last = state[`${list}SyncedAt`];
    const since =
      last === null ? '' : `?since=${Math.floor(Math.max(0, last - SINCE_OVERLAP_MS) / 1000)}`;
    const fetchedAt = this.deps.clock.now();
    const full = last === null;
    if (list === 'projects') {
      const projects = await this.#client.call({
        method: 'GET',
        path: `/me/projects${since}`,
        schema: projectsSchema,
        what: 'projects',
        auto,
      });
      this.#applyProjects(projects, full, fetchedAt);
    } else if (list === 'clients') {
      const clients = await this.#client.call({
        method: 'GET',
        path: `/me/clients${since}`,
        schema: clientsSchema,
        what: 'clients',
        auto,
      });
      this.#applyClients(clients, full, fetchedAt);
    } else {
      try {
        const tasks = await this.#client.call({
          method: 'GET',
          path: `/me/tasks${since}`,
          schema: tasksSchema,
          what: 'tasks',
          auto,
        });
        this.#applyTasks(tasks, full, fetchedAt);
      } catch (err) {
        // Tasks are a paid feature: a workspace without them simply has none.
        if (!(err instanceof ProviderError && err.error.kind === 'unsupported')) throw err;
        state.tasks = [];
        state.tasksUnsupported = true;
      }
    }
  }

  #applyProjects(projects: z.output<typeof projectsSchema>, full: boolean, at: number): void {
    const state = this.#state;
    state.projects = mergeById(
      full ? [] : state.projects,
      projects.filter((p) => p.workspace_id === this.#wid),
      (p) => (p.server_deleted_at || p.active === false ? null : p),
      (p) => ({
        id: p.id,
        name: p.name,
        color: p.color ?? null,
        clientId: p.client_id ?? null,
        clientName: p.client_name ?? null,
      }),
    ).sort((a, b) => a.name.localeCompare(b.name));
    state.projectsSyncedAt = at;
  }

  #applyClients(clients: z.output<typeof clientsSchema>, full: boolean, at: number): void {
    const state = this.#state;
    state.clients = mergeById(
      full ? [] : state.clients,
      clients.filter((c) => c.wid === undefined || c.wid === this.#wid),
      (c) => (c.server_deleted_at || c.archived ? null : c),
      (c) => ({ id: c.id, name: c.name }),
    );
    state.clientsSyncedAt = at;
  }

  #applyTasks(tasks: z.output<typeof tasksSchema>, full: boolean, at: number): void {
    const state = this.#state;
    state.tasks = mergeById(
      full ? [] : state.tasks,
      tasks.filter((t) => t.workspace_id === this.#wid),
      (t) => (t.server_deleted_at || t.active === false ? null : t),
      (t) => ({ id: t.id, name: t.name, projectId: t.project_id }),
    );
    state.tasksSyncedAt = at;
  }

  async projects(): Promise<Project[]> {
    // The core asks on every start with a project: answer from the cache; read once if empty.
    if (this.#state.projectsSyncedAt === null) {
      await this.#readAll(false, this.deps.clock.now() - RECENT_MS);
      this.#cache.save(this.#state);
    }
    return this.#projects();
  }

  // -------------------------------------------------------------------------------------------
  // Actions: one request each, the answer is the new state
  // -------------------------------------------------------------------------------------------

  async start(request: StartRequest): Promise<StartResult> {
    const projectId = toTogglId(request.projectId, 'project');
    const taskId = toTogglId(request.taskId, 'task');
    const start = toUtc(request.at);
    const body = {
      created_with: 'Tray Timer',
      workspace_id: this.#wid,
      start,
      duration: -1,
      stop: null,
      description: request.description ?? '',
      project_id: projectId,
      task_id: taskId,
      tags: request.tags ?? [],
      // Omitted unless known, so a project's own billable default still applies to new entries.
      ...(request.billable !== undefined ? { billable: request.billable } : {}),
    };
    const previous = this.#state.running;
    const created = await this.#client.call({
      method: 'POST',
      path: `/workspaces/${this.#wid}/time_entries`,
      schema: timeEntrySchema,
      what: 'new entry',
      body,
    });
    const entry = keepEntry(created);
    // Toggl stops the entry that was running when a new one starts; it ends where this begins.
    const replaced =
      previous && previous.id !== entry.id
        ? { ...previous, stop: Math.max(previous.start, entry.start) }
        : null;
    this.#upsert(replaced);
    this.#learn(entry.stop === null ? entry : null);
    this.#upsert(entry);
    this.#cache.save(this.#state);
    return {
      entry: this.#toRemote(entry),
      replaced: replaced ? this.#toRemote(replaced) : null,
    };
  }

  async stop(at: number): Promise<RemoteEntry | null> {
    let target = this.#state.running;
    if (!target) {
      // Nothing known to run, but it may have been started on the web or phone meanwhile.
      target = await this.#readCurrent(false);
      if (!target) {
        this.#cache.save(this.#state);
        return null;
      }
    }
    try {
      return await this.#stopEntry(target, at);
    } catch (err) {
      const gone =
        err instanceof ProviderError &&
        (err.error.kind === 'conflict' || err.error.kind === 'not-found');
      if (!gone) throw err;
    }
    // 409 "already stopped" (or deleted) elsewhere: not an error for the user. Learn the truth.
    const now = await this.#readCurrent(false);
    const stoppedElsewhere = {
      ...target,
      stop: Math.max(target.start, Math.min(at, this.deps.clock.now())),
    };
    if (now === null) {
      this.#upsert(stoppedElsewhere);
      this.#cache.save(this.#state);
      return this.#toRemote(stoppedElsewhere);
    }
    if (now.id === target.id) {
      this.#cache.save(this.#state);
      throw new ProviderError({
        kind: 'conflict',
        message:
          'Toggl Track says this entry is already stopped yet still running. Refresh and try again.',
      });
    }
    // Another entry was started elsewhere meanwhile; "stop" means nothing should run.
    this.#upsert(stoppedElsewhere);
    return this.#stopEntry(now, this.deps.clock.now());
  }

  /**
   * One PUT /workspaces/{wid}/time_entries/{id} with only the fields that change
   * (providers.md §1.2); its answer is the entry's new truth.
   *
   * Moving the start of a RUNNING entry — what the sources say (searched 2026-11-27):
   * - The v9 docs' PUT body (engineering.toggl.com/docs/api/time_entries#put-timeentries, also
   *   the swagger S3): `start` "Start time in UTC … Format: 2006-01-02T15:04:05Z"; `duration`
   *   "For running entries should be negative, preferable -1"; `stop` "can be omitted if it's
   *   still running". Nothing says whether the server recomputes a running entry's duration
   *   when only `start` changes.
   * - v8 stored a running entry's duration as -start_epoch; Toggl Button sent only `start` and
   *   its durations went wrong until it also sent `duration = -start_epoch`
   *   (github.com/toggl/track-extension/pull/1174, 2018).
   * - Toggl's desktop team, 2021: "Nowadays clients and the server do not have to respect this
   *   convention and are only caring that the running time entry duration is negative or the
   *   stop time is null" (github.com/toggl-open-source/toggldesktop/pull/4839).
   * - Recorded v9 traffic (providers.md §1.3, S6) still shows GET /current with -start_epoch.
   * Decision: a new start goes out with `duration: -1` (the documented "preferable" value for a
   * running entry) so the server never keeps a duration derived from the old start; `stop` is
   * not sent. It is the one field sent that the user did not change. Tray Timer itself never
   * reads `duration` of a running entry (elapsed = now - start).
   * The docs list `workspace_id` as "required" in the shared create/update body table; it is in
   * the path, and clients that update with partial bodies leave it out, as this does.
   */
  async update(entryId: string, patch: EntryPatch): Promise<RemoteEntry> {
    if (!/^\d+$/.test(entryId))
      throw new ProviderError({
        kind: 'not-found',
        message: `That is not a Toggl Track entry id: ${entryId}`,
      });
    const id = Number(entryId);
    const known =
      this.#state.running?.id === id
        ? this.#state.running
        : this.#state.entries.find((e) => e.id === id);
    const body: Record<string, unknown> = {};
    // Toggl's own clients clear a description with ''; start() sends '' for none as well.
    if (patch.description !== undefined) body['description'] = patch.description ?? '';
    if (patch.projectId !== undefined) body['project_id'] = toTogglId(patch.projectId, 'project');
    if (patch.taskId !== undefined) body['task_id'] = toTogglId(patch.taskId, 'task');
    if (patch.start !== undefined) {
      body['start'] = toUtc(patch.start);
      if (!known || known.stop === null) body['duration'] = -1;
    }
    const updated = await this.#client.call({
      method: 'PUT',
      path: `/workspaces/${known?.workspaceId ?? this.#wid}/time_entries/${id}`,
      schema: timeEntrySchema,
      what: 'updated entry',
      body,
      refusal: refusalOf,
    });
    const kept = keepEntry(updated);
    if (kept.stop === null) this.#learn(kept);
    else if (this.#state.running?.id === kept.id) this.#learn(null);
    this.#upsert(kept);
    this.#cache.save(this.#state);
    return this.#toRemote(kept);
  }

  /**
   * PATCH …/stop ends the entry at Toggl's "now"; a stop asked for earlier (replayed from the
   * journal after being offline) sets its stop time with an update instead.
   */
  async #stopEntry(target: KeptEntry, at: number): Promise<RemoteEntry> {
    const backdated = this.deps.clock.now() - at > BACKDATED_STOP_MS;
    const stopped = await this.#client.call(
      backdated
        ? {
            method: 'PUT',
            path: `/workspaces/${target.workspaceId}/time_entries/${target.id}`,
            schema: timeEntrySchema,
            what: 'stopped entry',
            body: { stop: toUtc(Math.max(at, target.start)) },
          }
        : {
            method: 'PATCH',
            path: `/workspaces/${target.workspaceId}/time_entries/${target.id}/stop`,
            schema: timeEntrySchema,
            what: 'stopped entry',
          },
    );
    const kept = keepEntry(stopped);
    this.#learn(null);
    this.#upsert(kept);
    this.#cache.save(this.#state);
    return this.#toRemote(kept);
  }

  // -------------------------------------------------------------------------------------------
  // State and mapping
  // -------------------------------------------------------------------------------------------

  #learn(running: KeptEntry | null): void {
    const now = this.deps.clock.now();
    this.#state.running = running;
    this.#state.syncedAt = now;
    this.#learnedAt = now;
    // An entry we listed as running that no longer is ended about now; the next `since` read
    // brings its exact stop time.
    this.#state.entries = this.#state.entries.map((e) =>
      e.stop === null && e.id !== running?.id ? { ...e, stop: Math.max(e.start, now) } : e,
    );
  }

  #upsert(entry: KeptEntry | null): void {
    if (!entry || entry.workspaceId !== this.#wid) return;
    this.#state.entries = [...this.#state.entries.filter((e) => e.id !== entry.id), entry];
  }

  #recentEntries(since: number): RemoteEntry[] {
    return this.#state.entries
      .filter((e) => e.stop === null || e.start >= since)
      .sort((a, b) => b.start - a.start)
      .map((e) => this.#toRemote(e));
  }

  #projects(): Project[] {
    return this.#state.projects.map((p) => ({
      id: String(p.id),
      name: p.name,
      color: p.color,
      clientName:
        p.clientName ?? this.#state.clients.find((c) => c.id === p.clientId)?.name ?? null,
      tasks: this.#state.tasks
        .filter((t) => t.projectId === p.id)
        .map((t) => ({ id: String(t.id), name: t.name, projectId: String(p.id) })),
    }));
  }

  #toRemote(e: KeptEntry): RemoteEntry {
    const project = this.#state.projects.find((p) => p.id === e.projectId);
    const task = this.#state.tasks.find((t) => t.id === e.taskId);
    return {
      id: String(e.id),
      description: e.description,
      projectId: e.projectId === null ? null : String(e.projectId),
      projectName: project?.name ?? e.projectName,
      projectColor: project?.color ?? e.projectColor,
      taskId: e.taskId === null ? null : String(e.taskId),
      taskName: task?.name ?? e.taskName,
      start: e.start,
      stop: e.stop,
      tags: e.tags,
      ...(e.billable !== undefined ? { billable: e.billable } : {}),
    };
  }
}

/** Applies an incremental list: `keep` returns null for what left (deleted, archived). */
function mergeById<W extends { id: number }, K extends { id: number }>(
  cached: readonly K[],
  changes: readonly W[],
  keep: (w: W) => W | null,
  toKept: (w: W) => K,
): K[] {
  const byId = new Map(cached.map((k) => [k.id, k] as const));
  for (const w of changes) {
    if (keep(w) === null) byId.delete(w.id);
    else byId.set(w.id, toKept(w));
  }
  return [...byId.values()];
}

function toTogglId(id: string | null, what: 'project' | 'task'): number | null {
  if (id === null) return null;
  if (!/^\d+$/.test(id))
    throw new ProviderError({
      kind: 'validation',
      message: `That is not a Toggl ${what} id: ${id}`,
      field: what,
    });
  return Number(id);
}

/**
 * A 400 to an update, from Toggl's text (a JSON string such as "Invalid project_id"): a
 * validation error on the field it names, so the popup marks that field.
 */
function refusalOf(said: string | null): AppError {
  const text = said ?? 'the change was not accepted';
  const field = /task/i.test(text)
    ? 'task'
    : /project/i.test(text)
      ? 'project'
      : /start|time|duration/i.test(text)
        ? 'startedAt'
        : /description/i.test(text)
          ? 'description'
          : undefined;
  return {
    kind: 'validation',
    message: `Toggl Track refused the change: ${text}.`,
    ...(field ? { field } : {}),
  };
}

/** A stop asked for longer ago than this is sent with its own time (an update), not as "now". */
const BACKDATED_STOP_MS = 5_000;

/** Toggl wants UTC ("2025-01-01T10:00:00Z"); whole seconds, as its own clients send. */
function toUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
