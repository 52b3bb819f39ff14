/**
 * A TrackingTime account. There is no "current entry" endpoint: the tasks in TRACKING state are
 * read and the one whose `users[]` entry for the signed-in user has an open event is ours (other
 * people's timers on shared tasks are not). Event times are local wall-clock strings in the
 * user's time zone (from /me), converted with that zone, never the machine's.
 *
 * Requests: the tracking tasks are polled every 2 minutes (one request), recent entries come
 * from the events list at most every 15 minutes and the projects (with tasks) at most every 30
 * minutes, all from a disk cache in between; automatic requests stay under 60 an hour.
 */
import { z } from 'zod';
import type { Capabilities } from '../../../preload/contract';
import type { ProviderDeps } from '../provider-module';
import {
  ProviderError,
  type Project,
  type Provider,
  type RefreshReason,
  type RemoteEntry,
  type StartRequest,
  type StartResult,
  type SyncResult,
} from '../provider';
import { numericId } from '../shared/numeric-id';
import { allowsAutoRefresh, nextPollIn, type PollPolicy } from '../shared/refresh-schedule';
import {
  eventsSchema,
  refId,
  refName,
  taskSchema,
  tasksSchema,
  trackablesSchema,
  type KeptEntry,
  type KeptProject,
  type TtEvent,
  type TtTask,
} from './trackingtime-api';
import { AUTO_CAP, POPUP_RESERVE, TrackingTimeBudget } from './trackingtime-budget';
import { TrackingTimeCache, type CacheFile } from './trackingtime-cache';
import { TrackingTimeClient, type Credentials } from './trackingtime-client';
import { epochToLocal, epochToLocalDay, localToEpoch } from './zoned-time';

const BACKGROUND_CAP = AUTO_CAP - POPUP_RESERVE;
export const POLL_MS = 2 * 60_000;
const POLL_POLICY: PollPolicy = {
  pollMs: POLL_MS,
  autoCap: AUTO_CAP,
  backgroundCap: BACKGROUND_CAP,
};
export const ENTRIES_REFRESH_MS = 15 * 60_000;
export const PROJECTS_REFRESH_MS = 30 * 60_000;
/** A user's refresh re-reads lists older than this (a repeated click costs nothing more). */
export const USER_LISTS_MIN_MS = 60_000;
const RECENT_MS = 7 * 24 * 3600_000;

export interface TrackingTimeSettings {
  accountId: number;
  userId: number;
  /** The user's zone from /me: event times are wall-clock times there. */
  timezone: string;
  credentials: Credentials;
}

export interface TrackingTimeTuning {
  timeoutMs?: number;
}

export class TrackingTimeProvider implements Provider {
  readonly kind = 'trackingtime' as const;
  readonly capabilities: Capabilities = {
    projects: true,
    tasks: true,
    // track/stop take a `date`: an offline action can be replayed at its own time.
    backdate: true,
    // No update here: providers.md §2.2 and the v4 seed document track/stop and a "sync"
    // heartbeat (params UNCONFIRMED), no documented call that changes a RUNNING event's start,
    // and the running entry's description IS its task's name (renaming it would rename the task
    // for everyone). So the popup hides the edit controls and entry.update says 'unsupported'.
    editStart: false,
    editEntry: false,
    tags: false,
    billable: false,
    members: false,
  };
  readonly popupStaleMs = 30_000;
  readonly budget: TrackingTimeBudget;
  readonly #client: TrackingTimeClient;
  readonly #cache: TrackingTimeCache;
  #state: CacheFile;
  #learnedAt: number | null = null;
  readonly #askedForProject = new Set<number>();

  constructor(
    private readonly settings: TrackingTimeSettings,
    baseUrl: string,
    private readonly deps: ProviderDeps,
    tuning: TrackingTimeTuning = {},
  ) {
    this.budget = new TrackingTimeBudget(deps.cacheDir, deps.onProblem);
    this.#cache = new TrackingTimeCache(
      deps.cacheDir,
      settings.accountId,
      settings.userId,
      deps.onProblem,
    );
    this.#state = this.#cache.load();
    this.#client = new TrackingTimeClient({
      baseUrl: `${baseUrl.replace(/\/+$/, '')}/${settings.accountId}`,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      now: () => deps.clock.now(),
      getSecret: deps.getSecret,
      credentials: settings.credentials,
      budget: this.budget,
      ...(tuning.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
    });
  }

  get #zone(): string {
    return this.settings.timezone;
  }

  // -------------------------------------------------------------------------------------------
  // Schedule
  // -------------------------------------------------------------------------------------------

  nextRefreshIn(state: { running: boolean; now: number }): number | null {
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
    const running = await this.#readTracking(auto);
    const now = this.deps.clock.now();
    const s = this.#state;
    const older = (at: number | null, than: number) => at === null || now - at >= than;
    const canSpend = () => !auto || this.budget.autoAllowedAt(now, 1, BACKGROUND_CAP) <= now;
    // A timer in a project the picker does not know: re-read the projects, once per project (an
    // archived one must not cost a request on every poll).
    const missing = running?.projectId ?? null;
    const unknownProject =
      missing !== null &&
      !this.#askedForProject.has(missing) &&
      !s.projects.some((p) => p.id === missing);
    if (unknownProject) this.#askedForProject.add(missing);
    let projectsRead = false;
    let entriesRead = false;
    if (
      (auto ? older(s.projectsSyncedAt, PROJECTS_REFRESH_MS) || unknownProject : true) &&
      (auto || older(s.projectsSyncedAt, USER_LISTS_MIN_MS)) &&
      canSpend()
    ) {
      projectsRead = await this.#listStep(() => this.#readProjects(auto));
    }
    if (older(s.entriesSyncedAt, auto ? ENTRIES_REFRESH_MS : USER_LISTS_MIN_MS) && canSpend()) {
      entriesRead = await this.#listStep(() => this.#readEntries(auto, since));
    }
    this.#cache.save(this.#state);
    return {
      running: running ? this.#toRemote(running) : null,
      syncedAt: this.#state.syncedAt ?? now,
      ...(entriesRead ? { entries: this.#recentEntries(since) } : {}),
      ...(projectsRead ? { projects: this.#projects() } : {}),
    };
  }

  /** A list that could not be read stays as cached; only sign-in failures are passed on. */
  async #listStep(read: () => Promise<void>): Promise<boolean> {
    try {
      await read();
      return true;
    } catch (err) {
      if (err instanceof ProviderError && err.error.kind === 'auth') {
        this.#cache.save(this.#state);
        throw err;
      }
      return false;
    }
  }

  async #readTracking(auto: boolean): Promise<KeptEntry | null> {
    const tasks = await this.#client.call({
      method: 'GET',
      path: '/tasks?filter=TRACKING',
      schema: tasksSchema,
      what: 'tracking tasks',
      auto,
    });
    let mine: KeptEntry | null = null;
    for (const task of tasks) {
      const kept = this.#ownTimer(task);
      if (kept && (!mine || kept.start > mine.start)) mine = kept;
    }
    this.#learn(mine);
    return mine;
  }

  /** The signed-in user's open timer on this task, if any (not a colleague's on a shared task). */
  #ownTimer(task: TtTask, fallbackStart?: number): KeptEntry | null {
    const me = task.users?.find((u) => u.id === this.settings.userId);
    const event = me?.event;
    if (event && event.end != null && event.end !== '') return null;
    let start = event ? localToEpoch(event.start, this.#zone) : null;
    if (start === null) {
      if (fallbackStart === undefined) return null;
      start = fallbackStart;
    }
    const known = this.#state.running;
    const eventId = event?.id ?? null;
    const id = eventId !== null ? String(eventId) : `task:${task.id}`;
    return {
      id,
      taskId: task.id,
      taskName: task.name ?? null,
      projectId: task.project_id ?? refId(task.project),
      projectName: task.project_name ?? refName(task.project),
      start,
      stop: null,
      // The zone the timer was started with, when we started it; else the user's.
      timezone: known && known.taskId === task.id ? known.timezone : this.#zone,
    };
  }

  async #readProjects(auto: boolean): Promise<void> {
    const fetchedAt = this.deps.clock.now();
    const list = await this.#client.call({
      method: 'GET',
      path: `/users/${this.settings.userId}/trackables?include_tasks=true`,
      schema: trackablesSchema,
      what: 'projects',
      auto,
    });
    this.#state.projects = list
      .filter((p) => !p.type || p.type.toUpperCase() === 'PROJECT')
      .map((p): KeptProject => ({
        id: p.id,
        name: p.name,
        color: p.color ?? null,
        clientName: p.customer_name ?? refName(p.customer),
        tasks: (p.tasks ?? []).map((t) => ({ id: t.id, name: t.name })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    this.#state.projectsSyncedAt = fetchedAt;
  }

  async #readEntries(auto: boolean, windowStart: number): Promise<void> {
    const fetchedAt = this.deps.clock.now();
    const from = epochToLocalDay(Math.min(windowStart, fetchedAt - RECENT_MS), this.#zone);
    const to = epochToLocalDay(fetchedAt, this.#zone);
    const q = new URLSearchParams({
      filter: 'USER',
      id: String(this.settings.userId),
      from,
      to,
      page_size: '50',
      order: 'desc',
    });
    const events = await this.#client.call({
      method: 'GET',
      path: `/events?${q.toString()}`,
      schema: eventsSchema,
      what: 'recent entries',
      auto,
    });
    const entries: KeptEntry[] = [];
    for (const e of events) {
      const kept = this.#keepEvent(e);
      if (kept) entries.push(kept);
    }
    // The running timer is known from the tracking read: keep it as such.
    const running = this.#state.running;
    this.#state.entries = entries.map((e) =>
      running && e.id === running.id ? { ...e, stop: null } : e,
    );
    this.#state.entriesSyncedAt = fetchedAt;
  }

  #keepEvent(e: TtEvent): KeptEntry | null {
    const start = localToEpoch(e.start, this.#zone);
    if (start === null) return null;
    let stop = e.end ? localToEpoch(e.end, this.#zone) : null;
    if (stop === null && e.end == null && e.duration != null && e.duration >= 0)
      stop = start + e.duration * 1000;
    const taskId = e.task_id ?? refId(e.task);
    return {
      id: String(e.id),
      taskId,
      taskName: e.task_name ?? refName(e.task),
      projectId: e.project_id ?? refId(e.project),
      projectName: e.project_name ?? refName(e.project),
      start,
      stop,
      timezone: null,
    };
  }

  async projects(): Promise<Project[]> {
    if (this.#state.projectsSyncedAt === null) {
      await this.#readProjects(false);
      this.#cache.save(this.#state);
    }
    return this.#projects();
  }

  // -------------------------------------------------------------------------------------------
  // Actions
  // -------------------------------------------------------------------------------------------

  async start(request: StartRequest): Promise<StartResult> {
    const taskId = toId(request.taskId, 'task');
    const projectId = toId(request.projectId, 'project');
    const description = request.description?.trim() || null;
    const zone = this.#zone;
    const params: Record<string, string | number | boolean> = {
      date: epochToLocal(request.at, zone),
      timezone: zone,
      return_task: true,
    };
    if (request.replaceRunning) params['stop_running_task'] = true;
    let path: string;
    if (taskId !== null) {
      path = `/tasks/track/${taskId}`;
    } else if (description !== null) {
      // Finds the task by name in the project or creates it (providers.md §2.2).
      path = '/tasks/track';
      params['task_name'] = description;
      if (projectId !== null) params['project_id'] = projectId;
    } else if (projectId !== null) {
      path = '/tasks/track';
      params['project_id'] = projectId;
    } else {
      throw new ProviderError({
        kind: 'validation',
        field: 'description',
        message: 'TrackingTime tracks a task or a project: type a task name or choose a project.',
      });
    }
    const previous = this.#state.running;
    let task;
    try {
      task = await this.#client.call({
        method: 'POST',
        path,
        schema: taskSchema,
        what: 'started task',
        params,
        track: true,
      });
    } catch (err) {
      if (err instanceof ProviderError && err.error.kind === 'conflict') {
        // Started on the web or phone: learn which timer runs (one request, only here), so the
        // replacing start can report what it stopped.
        await this.#readTracking(false).catch(() => null);
        this.#cache.save(this.#state);
      }
      throw err;
    }
    const at = Math.floor(request.at / 1000) * 1000;
    const started = this.#ownTimer(task, at) ?? {
      id: `task:${task.id}`,
      taskId: task.id,
      taskName: task.name ?? description,
      projectId: task.project_id ?? projectId,
      projectName: null,
      start: at,
      stop: null,
      timezone: zone,
    };
    const project = this.#state.projects.find((p) => p.id === started.projectId);
    const entry: KeptEntry = {
      ...started,
      taskName: started.taskName ?? description,
      projectId: started.projectId ?? projectId,
      projectName: started.projectName ?? project?.name ?? null,
      timezone: zone,
    };
    // A new task created by name: add it to the picker so Continue and the task list know it.
    if (project && entry.taskId !== null && entry.taskName !== null) {
      if (!project.tasks.some((t) => t.id === entry.taskId))
        project.tasks.push({ id: entry.taskId, name: entry.taskName });
    }
    const replaced =
      request.replaceRunning && previous && previous.id !== entry.id
        ? { ...previous, stop: Math.max(previous.start, at) }
        : null;
    this.#upsert(replaced);
    this.#learn(entry);
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
      target = await this.#readTracking(false);
      if (!target) {
        this.#cache.save(this.#state);
        return null;
      }
    }
    try {
      return await this.#stopTask(target, at);
    } catch (err) {
      if (
        !(err instanceof ProviderError) ||
        err.error.kind === 'auth' ||
        err.error.kind === 'offline'
      )
        throw err;
      // Perhaps stopped (or switched) elsewhere meanwhile: learn the truth before failing.
      const now = await this.#readTracking(false);
      const stoppedElsewhere = { ...target, stop: Math.max(target.start, at) };
      if (now === null) {
        this.#upsert(stoppedElsewhere);
        this.#cache.save(this.#state);
        return this.#toRemote(stoppedElsewhere);
      }
      if (now.taskId === target.taskId) {
        this.#cache.save(this.#state);
        throw err;
      }
      // Another timer was started on the web or phone: "stop" means nothing should run.
      this.#upsert(stoppedElsewhere);
      return this.#stopTask(now, at);
    }
  }

  async #stopTask(target: KeptEntry, at: number): Promise<RemoteEntry> {
    if (target.taskId === null)
      throw new ProviderError({
        kind: 'conflict',
        message: 'TrackingTime did not say which task is running. Refresh and try again.',
      });
    const zone = target.timezone ?? this.#zone;
    await this.#client.call({
      method: 'POST',
      path: `/tasks/stop/${target.taskId}`,
      // Only the envelope's status matters here; the body's shape varies (task or event).
      schema: z.unknown(),
      what: 'stopped task',
      params: { date: epochToLocal(at, zone), timezone: zone, return_task: true },
    });
    const stopped: KeptEntry = {
      ...target,
      stop: Math.max(target.start, Math.floor(at / 1000) * 1000),
    };
    this.#learn(null);
    this.#upsert(stopped);
    this.#cache.save(this.#state);
    return this.#toRemote(stopped);
  }

  // -------------------------------------------------------------------------------------------
  // State and mapping
  // -------------------------------------------------------------------------------------------

  #learn(running: KeptEntry | null): void {
    const now = this.deps.clock.now();
    this.#state.running = running;
    this.#state.syncedAt = now;
    this.#learnedAt = now;
    this.#state.entries = this.#state.entries.map((e) =>
      e.stop === null && e.id !== running?.id ? { ...e, stop: Math.max(e.start, now) } : e,
    );
  }

  #upsert(entry: KeptEntry | null): void {
    if (!entry) return;
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
      clientName: p.clientName,
      tasks: p.tasks.map((t) => ({ id: String(t.id), name: t.name, projectId: String(p.id) })),
    }));
  }

  /**
   * In TrackingTime the task IS what the user typed: it becomes the description. `taskName`
   * stays null so the entry does not read "Docs — Site / Docs"; `taskId` carries the task for
   * Continue.
   */
  #toRemote(e: KeptEntry): RemoteEntry {
    const project = this.#state.projects.find((p) => p.id === e.projectId);
    const taskName = e.taskName ?? project?.tasks.find((t) => t.id === e.taskId)?.name ?? null;
    return {
      id: e.id,
      description: taskName,
      projectId: e.projectId === null ? null : String(e.projectId),
      projectName: project?.name ?? e.projectName,
      projectColor: project?.color ?? null,
      taskId: e.taskId === null ? null : String(e.taskId),
      taskName: null,
      start: e.start,
      stop: e.stop,
    };
  }
}

function toId(id: string | null, what: 'project' | 'task'): number | null {
  return numericId(id, 'TrackingTime', what);
}
