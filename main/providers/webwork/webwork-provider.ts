/**
 * A WebWork account (API v2). The tracker is read with `current-data` for one person at a time:
 * the signed-in user, or — for owners and executive managers — the member chosen in "Track for".
 * WebWork gives no start time and no entry id, so Tray Timer keeps its own record (webwork-cache):
 * the start time when it started the tracker itself, otherwise today's total stands in.
 *
 * Requests: the tracker is polled every 2 minutes; contracts, projects and tasks at most every 30
 * minutes and members every hour, from the disk cache in between; automatic requests (the team
 * glance while watched included) stay under 20 a minute, a third of WebWork's 60.
 */
import type { AppError, Capabilities } from '../../../preload/contract';
import { describeEntry } from '../../../preload/format';
import { startOfLocalDay } from '../../core/today';
import type { ProviderDeps } from '../provider-module';
import {
  ProviderError,
  type Member,
  type MemberTracker,
  type Project,
  type Provider,
  type RefreshReason,
  type RemoteEntry,
  type StartRequest,
  type StartResult,
  type SyncResult,
  type Task,
  type TeamGlanceResult,
  type TeamOps,
} from '../provider';
import { numericId } from '../shared/numeric-id';
import { allowsAutoRefresh, nextPollIn, type PollPolicy } from '../shared/refresh-schedule';
import { isAlreadyTrackingError, isNoTrackerError, readCurrentData } from './current-data';
import {
  contractsSchema,
  currentDataSchema,
  memberName,
  membersSchema,
  memberUserId,
  projectsSchema,
  startDataSchema,
  stopDataSchema,
  tasksSchema,
} from './webwork-api';
import { AUTO_CAP, USER_CAP, WebWorkBudget } from './webwork-budget';
import {
  emptyPerson,
  WebWorkCache,
  type CacheFile,
  type KeptMember,
  type KeptTracker,
  type Person,
} from './webwork-cache';
import { WebWorkClient } from './webwork-client';
import type { z } from 'zod';

export const POLL_MS = 2 * 60_000;
const POLL_POLICY: PollPolicy = { pollMs: POLL_MS, autoCap: AUTO_CAP, backgroundCap: AUTO_CAP - 4 };
export const LISTS_REFRESH_MS = 30 * 60_000;
export const MEMBERS_REFRESH_MS = 60 * 60_000;
/** A user's refresh re-reads lists older than this (a repeated click costs nothing more). */
export const USER_LISTS_MIN_MS = 60_000;
/** The team glance re-reads a member's tracker when it is older than this… */
export const TEAM_WATCH_STALE_MS = 2 * 60_000;
/** …or, when the user pressed refresh, older than this. */
export const TEAM_REFRESH_STALE_MS = 30_000;
/** Automatic requests the team glance leaves for the user's own tracker. */
const TEAM_RESERVE = 4;
/** Trackers read at once (the glance of a 50-member team stays a few seconds). */
const PARALLEL_READS = 5;
/** Task lists read per sync at most; the rest on the next ones. */
const TASK_LISTS_PER_SYNC = 5;
const HISTORY_LIMIT = 30;
const RECENT_MS = 7 * 24 * 3600_000;
const MAX_PAGES = 20;
const PER_PAGE = 100;

export interface WebWorkSettings {
  workspaceId: number;
  workspaceName: string;
  userId: number;
  email: string;
  name: string;
  role: string | null;
}

export interface WebWorkTuning {
  timeoutMs?: number;
  random?: () => number;
}

/** Owners and executive managers may read and drive other members' trackers (§3.1). */
export function isManagerRole(role: string | null): boolean {
  return role !== null && /owner|executive/i.test(role);
}

export class WebWorkProvider implements Provider, TeamOps {
  readonly kind = 'webwork' as const;
  readonly popupStaleMs = 30_000;
  readonly budget: WebWorkBudget;
  readonly #client: WebWorkClient;
  readonly #cache: WebWorkCache;
  #state: CacheFile;
  #learnedAt: number | null = null;
  #actingFor: Member | null = null;
  #role: string | null;
  /** Contracts/projects asked for once because a tracker named one the cache did not know. */
  readonly #askedFor = new Set<string>();

  constructor(
    private readonly settings: WebWorkSettings,
    baseUrl: string,
    private readonly deps: ProviderDeps,
    tuning: WebWorkTuning = {},
  ) {
    this.#role = settings.role;
    this.budget = new WebWorkBudget(deps.cacheDir, deps.onProblem, tuning.random);
    this.#cache = new WebWorkCache(
      deps.cacheDir,
      settings.workspaceId,
      settings.userId,
      deps.onProblem,
    );
    this.#state = this.#cache.load();
    this.#client = new WebWorkClient({
      baseUrl,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      now: () => deps.clock.now(),
      getSecret: deps.getSecret,
      budget: this.budget,
      ...(tuning.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
    });
  }

  get capabilities(): Capabilities {
    return {
      projects: true,
      tasks: true,
      // start/stop take no time: an offline action cannot be replayed at its own time.
      backdate: false,
      // No update: the v2 API (providers.md §3.2-3.3) has start, stop and current-data for a
      // tracker, nothing that changes a running one's contract, task, description or start
      // (start takes no time at all). The popup hides the edit controls.
      editStart: false,
      editEntry: false,
      tags: false,
      billable: false,
      members: isManagerRole(this.#role),
    };
  }

  get team(): TeamOps {
    return this;
  }

  get role(): string | null {
    return this.#role;
  }

  get self(): Member {
    return {
      id: String(this.settings.userId),
      name: this.settings.name,
      email: this.settings.email,
      role: this.#role,
    };
  }

  get actingFor(): Member | null {
    return this.#actingFor;
  }

  setActingFor(member: Member | null): void {
    this.#actingFor = member && member.id !== String(this.settings.userId) ? member : null;
    this.#learnedAt = null;
  }

  /** Whose tracker sync/start/stop act on. */
  get #target(): number {
    return this.#actingFor ? Number(this.#actingFor.id) : this.settings.userId;
  }

  #person(userId: number): Person {
    const key = String(userId);
    let p = this.#state.people[key];
    if (!p) {
      p = emptyPerson(userId);
      this.#state.people[key] = p;
    }
    return p;
  }

  #memberOf(userId: number): Member {
    if (userId === this.settings.userId) return this.self;
    const m = this.#state.members.find((k) => k.id === userId);
    return m
      ? toMember(m)
      : { id: String(userId), name: `User ${userId}`, email: null, role: null };
  }

  // -------------------------------------------------------------------------------------------
  // Schedule
  // -------------------------------------------------------------------------------------------

  nextRefreshIn(state: { running: boolean; now: number }): number | null {
    return nextPollIn(this.#learnedAt, state.now, this.budget, POLL_POLICY);
  }

  allowAutoRefresh(reason: RefreshReason, now: number): boolean {
    const checked = this.#person(this.#target).checkedAt;
    return allowsAutoRefresh(reason, now, checked, this.budget, POLL_POLICY);
  }

  // -------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------

  restore(): SyncResult | null {
    this.#state = this.#cache.load();
    const p = this.#state.people[String(this.#target)];
    if (!p || p.checkedAt === null) return null;
    this.#learnedAt = p.checkedAt;
    return {
      running: p.running ? this.#toRemote(p.running, p) : null,
      syncedAt: p.checkedAt,
      entries: this.#entriesOf(p),
      projects: this.#projectsOf(p),
    };
  }

  async sync(reason: RefreshReason): Promise<SyncResult> {
    const auto = reason !== 'user';
    const userId = this.#target;
    await this.#readTracker(userId, auto);
    const now = this.deps.clock.now();
    const p = this.#person(userId);
    const older = (at: number | null, than: number) => at === null || now - at >= than;
    const listAge = auto ? LISTS_REFRESH_MS : USER_LISTS_MIN_MS;
    const canSpend = () =>
      !auto || this.budget.autoAllowedAt(now, 1, POLL_POLICY.backgroundCap) <= now;
    // A tracker on a contract or project the cache does not know: re-read once, not every poll.
    if ((older(p.contractsSyncedAt, listAge) || this.#unknownRef(p) === 'contract') && canSpend())
      await this.#listStep(() => this.#readContracts(userId, auto));
    // Asked again: the contracts just read may name a project the cache does not have yet.
    if (
      (older(this.#state.projectsSyncedAt, listAge) || this.#unknownRef(p) === 'project') &&
      canSpend()
    )
      await this.#listStep(() => this.#readProjects(auto));
    const due = p.contracts
      .map((c) => c.projectId)
      .filter((id) => older(this.#state.tasks[String(id)]?.syncedAt ?? null, listAge))
      .slice(0, TASK_LISTS_PER_SYNC);
    for (const projectId of due) {
      if (!canSpend()) break;
      await this.#listStep(() => this.#readTasks(projectId, auto));
    }
    this.#state.syncedAt = now;
    this.#cache.save(this.#state);
    return {
      running: p.running ? this.#toRemote(p.running, p) : null,
      syncedAt: p.checkedAt ?? now,
      entries: this.#entriesOf(p),
      projects: this.#projectsOf(p),
    };
  }

  #unknownRef(p: Person): 'contract' | 'project' | null {
    const r = p.running;
    if (!r || r.contractId === null) return null;
    const contract = p.contracts.find((c) => c.id === r.contractId);
    const key = contract ? `project:${contract.projectId}` : `contract:${r.contractId}`;
    if (this.#askedFor.has(key)) return null;
    if (!contract) {
      this.#askedFor.add(key);
      return 'contract';
    }
    if (!this.#state.projects.some((x) => x.id === contract.projectId)) {
      this.#askedFor.add(key);
      return 'project';
    }
    return null;
  }

  /** A list that could not be read stays as cached; only sign-in failures are passed on. */
  async #listStep(read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (err) {
      if (err instanceof ProviderError && err.error.kind === 'auth') {
        this.#cache.save(this.#state);
        throw err;
      }
    }
  }

  /** Reads one person's tracker and learns it. */
  async #readTracker(userId: number, auto: boolean): Promise<Person> {
    const p = this.#person(userId);
    const untitledExpected =
      p.running !== null &&
      p.running.start !== null &&
      p.running.contractId === null &&
      p.running.taskId === null &&
      p.running.description === null;
    let reading;
    try {
      const answer = await this.#client.call({
        method: 'GET',
        path: '/time-tracking/current-data',
        query: { workspace_id: this.settings.workspaceId, user_id: userId },
        schema: currentDataSchema.nullable(),
        what: 'current tracker',
        auto,
      });
      reading = readCurrentData(answer.data, untitledExpected);
    } catch (err) {
      if (!isNoTrackerError(err)) throw err;
      reading = null; // "no active tracker": idle, today's total not told
    }
    const now = this.deps.clock.now();
    const total = reading ? reading.totalSeconds : this.#todayOf(p, now);
    if (reading === null || reading.kind === 'idle') {
      this.#close(p, now);
    } else {
      const r = p.running;
      const same =
        r !== null &&
        r.contractId === reading.contractId &&
        r.taskId === reading.taskId &&
        (r.description ?? null) === reading.description;
      if (!same) {
        this.#close(p, now);
        p.running = {
          id: `ww-${userId}-seen-${now}`,
          userId,
          contractId: reading.contractId,
          projectId: this.#projectOfContract(p, reading.contractId),
          taskId: reading.taskId,
          taskTitle: reading.taskTitle,
          description: reading.description,
          start: null,
          firstSeen: now,
          stop: null,
        };
      } else if (r && reading.taskTitle) {
        r.taskTitle = reading.taskTitle;
      }
    }
    p.totalSeconds = total;
    p.totalAt = now;
    p.checkedAt = now;
    if (userId === this.#target) this.#learnedAt = now;
    return p;
  }

  /** The running tracker (if any) ended at `at`: it goes to the history. */
  #close(p: Person, at: number): KeptTracker | null {
    const r = p.running;
    if (!r) return null;
    const stopped = { ...r, stop: Math.max(r.start ?? r.firstSeen, at) };
    p.history = [...p.history.filter((h) => h.id !== r.id), stopped]
      .filter((h) => (h.stop ?? 0) > at - RECENT_MS)
      .slice(-HISTORY_LIMIT);
    p.running = null;
    return stopped;
  }

  #projectOfContract(p: Person, contractId: number | null): number | null {
    if (contractId === null) return null;
    return (
      p.contracts.find((c) => c.id === contractId)?.projectId ??
      this.#state.contractProjects[String(contractId)] ??
      null
    );
  }

  /** Every active contract of the workspace (managers only): the glance's project names. */
  async #readWorkspaceContracts(auto: boolean): Promise<void> {
    const at = this.deps.clock.now();
    const list = await this.#pages(
      contractsSchema,
      '/contracts',
      { workspace_id: this.settings.workspaceId, status: 'active' },
      'contracts',
      auto,
    );
    this.#state.contractProjects = Object.fromEntries(
      list.map((c) => [String(c.id), c.project_id]),
    );
    this.#state.contractProjectsSyncedAt = at;
  }

  async #pages<S extends z.ZodType<unknown[]>>(
    schema: S,
    path: string,
    query: Record<string, string | number>,
    what: string,
    auto: boolean,
  ): Promise<z.output<S>> {
    const all: unknown[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await this.#client.call({
        method: 'GET',
        path,
        query: { ...query, page, per_page: PER_PAGE },
        schema,
        what,
        auto,
      });
      all.push(...answer.data);
      if (page >= answer.lastPage || answer.data.length === 0) break;
    }
    return all as z.output<S>;
  }

  async #readContracts(userId: number, auto: boolean): Promise<void> {
    const at = this.deps.clock.now();
    const list = await this.#pages(
      contractsSchema,
      '/contracts',
      { workspace_id: this.settings.workspaceId, user_id: userId, status: 'active' },
      'contracts',
      auto,
    );
    const p = this.#person(userId);
    p.contracts = list
      .filter((c) => c.user_id === userId && (c.status == null || String(c.status) === 'active'))
      .map((c) => ({ id: c.id, projectId: c.project_id }));
    p.contractsSyncedAt = at;
    if (p.running) p.running.projectId = this.#projectOfContract(p, p.running.contractId);
  }

  async #readProjects(auto: boolean): Promise<void> {
    const at = this.deps.clock.now();
    const list = await this.#pages(
      projectsSchema,
      '/projects',
      { workspace_id: this.settings.workspaceId },
      'projects',
      auto,
    );
    this.#state.projects = list
      .filter((p) => p.status == null || !/archiv|deleted/i.test(String(p.status)))
      .map((p) => ({ id: p.id, name: p.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
    this.#state.projectsSyncedAt = at;
  }

  async #readTasks(projectId: number, auto: boolean): Promise<void> {
    const at = this.deps.clock.now();
    const list = await this.#pages(
      tasksSchema,
      '/tasks',
      { workspace_id: this.settings.workspaceId, project_id: projectId },
      'tasks',
      auto,
    );
    this.#state.tasks[String(projectId)] = {
      syncedAt: at,
      // Done (20) and Completed (30) tasks are not offered for new time.
      list: list
        .filter((t) => t.status == null || t.status < 20)
        .map((t) => ({ id: t.id, name: t.title?.trim() || t.name?.trim() || `Task ${t.id}` })),
    };
  }

  async #readMembers(auto: boolean): Promise<void> {
    const at = this.deps.clock.now();
    const list = await this.#pages(
      membersSchema,
      '/members',
      { workspace_id: this.settings.workspaceId, status: 'active' },
      'members',
      auto,
    );
    this.#state.members = list
      .map((m) => ({
        id: memberUserId(m),
        name: memberName(m),
        email: m.email?.trim() || null,
        role: m.role ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    this.#state.membersSyncedAt = at;
    // The role may have changed since connecting (promoted, demoted).
    const me = this.#state.members.find((m) => m.id === this.settings.userId);
    if (me?.role) this.#role = me.role;
  }

  async projects(): Promise<Project[]> {
    return this.projectsFor(this.#memberOf(this.#target));
  }

  async projectsFor(member: Member): Promise<Project[]> {
    const userId = toUserId(member.id);
    const p = this.#person(userId);
    if (p.contractsSyncedAt === null) await this.#readContracts(userId, false);
    if (this.#state.projectsSyncedAt === null) await this.#readProjects(false);
    // Task lists within the budget (a member with 70 projects must not cost 70 requests at
    // once); the rest come with later syncs, and a named task is looked up in its own
    // project (projectTasks).
    const missing = p.contracts.filter((c) => !this.#state.tasks[String(c.projectId)]);
    const room = Math.min(TASK_LISTS_PER_SYNC, this.budget.room(this.deps.clock.now()));
    for (const c of missing.slice(0, room))
      await this.#listStep(() => this.#readTasks(c.projectId, false));
    this.#cache.save(this.#state);
    return this.#projectsOf(p);
  }

  async projectTasks(projectId: string): Promise<Task[]> {
    const id = toId(projectId, 'project');
    if (id === null) return [];
    const kept = this.#state.tasks[String(id)];
    if (!kept || this.deps.clock.now() - kept.syncedAt >= USER_LISTS_MIN_MS) {
      await this.#readTasks(id, false);
      this.#cache.save(this.#state);
    }
    return (this.#state.tasks[String(id)]?.list ?? []).map((t) => ({
      id: String(t.id),
      name: t.name,
      projectId: String(id),
    }));
  }

  todaySeconds(now: number): number | null {
    const p = this.#state.people[String(this.#target)];
    return p ? this.#todayOf(p, now) : null;
  }

  selfTodaySeconds(now: number): number | null {
    const p = this.#state.people[String(this.settings.userId)];
    return p ? this.#todayOf(p, now) : null;
  }

  /** Today's total at `now`: the last read total, grown while running, from 0 on a new day. */
  #todayOf(p: Person, now: number): number {
    if (p.totalAt === null) return 0;
    const dayStart = startOfLocalDay(now);
    if (p.totalAt < dayStart) {
      const from = Math.max(dayStart, p.running?.start ?? dayStart);
      return p.running ? Math.floor(Math.max(0, now - from) / 1000) : 0;
    }
    const grown = p.running ? Math.max(0, now - p.totalAt) / 1000 : 0;
    return Math.floor(p.totalSeconds + grown);
  }

  // -------------------------------------------------------------------------------------------
  // Actions (for the target, or once for a member)
  // -------------------------------------------------------------------------------------------

  start(request: StartRequest): Promise<StartResult> {
    return this.#startFor(this.#target, request);
  }

  stop(at: number): Promise<RemoteEntry | null> {
    return this.#stopFor(this.#target, at);
  }

  startFor(member: Member, request: StartRequest): Promise<StartResult> {
    return this.#startFor(toUserId(member.id), request);
  }

  stopFor(member: Member, at: number): Promise<RemoteEntry | null> {
    return this.#stopFor(toUserId(member.id), at);
  }

  async #startFor(userId: number, request: StartRequest): Promise<StartResult> {
    const p = this.#person(userId);
    const who = this.#whose(userId);
    const projectId = toId(request.projectId, 'project');
    const taskId = toId(request.taskId, 'task');
    // WebWork takes a task only together with a contract (seed 002): refused before sending.
    if (taskId !== null && projectId === null)
      throw new ProviderError({
        kind: 'validation',
        field: 'task',
        message: 'Choose a project for the task: WebWork takes a task only with its project.',
      });
    let contractId: number | null = null;
    if (projectId !== null) {
      if (!p.contracts.some((c) => c.projectId === projectId))
        await this.#readContracts(userId, false);
      const contract = p.contracts.find((c) => c.projectId === projectId);
      if (!contract) {
        const name = this.#state.projects.find((x) => x.id === projectId)?.name ?? `#${projectId}`;
        throw new ProviderError({
          kind: 'validation',
          field: 'project',
          message: `${who.sentence} no active contract in project ${name} on WebWork.`,
        });
      }
      contractId = contract.id;
    }
    const description = request.description?.trim() || null;
    const body: Record<string, unknown> = {
      workspace_id: this.settings.workspaceId,
      user_id: userId,
      ...(contractId !== null ? { contract_id: contractId } : {}),
      ...(taskId !== null ? { task_id: taskId } : {}),
      ...(description !== null ? { activity_description: description } : {}),
    };
    const elsewhere = () =>
      new ProviderError({
        kind: 'conflict',
        message: `${who.subject} tracking in another WebWork workspace; stop it there first.`,
      });
    let replaced: KeptTracker | null = null;
    let todayBefore: number | null = null;
    let answer;
    try {
      answer = await this.#postStart(body);
    } catch (err) {
      if (!isAlreadyTrackingError(err)) throw err;
      if (!request.replaceRunning) {
        // Started on the web or by a manager meanwhile: learn what runs (one request, only here).
        await this.#readTracker(userId, false).catch(() => null);
        this.#cache.save(this.#state);
        const running = p.running
          ? ` (“${describeEntry({ description: p.running.description ?? p.running.taskTitle, projectName: this.#projectName(p.running) })}”)`
          : '';
        throw new ProviderError({
          kind: 'conflict',
          message: `${who.subject} already tracking on WebWork${running}: stop it and start this one?`,
        });
      }
      // WebWork refuses a start while tracking: stop, then start.
      const before = p.running;
      try {
        await this.#postStop(userId);
      } catch (stopErr) {
        if (!isNoTrackerError(stopErr)) throw stopErr;
        // Either it stopped elsewhere just now, or — one tracker per person across workspaces —
        // it runs in another workspace, where this workspace's stop cannot reach. Your own
        // stops with no body (WebWork stops the caller's tracker wherever it runs); for a
        // member, one read tells which.
        if (userId === this.settings.userId) {
          await this.#postStop(null).catch((again: unknown) => {
            if (!isNoTrackerError(again)) throw again; // nothing left to stop: start anyway
          });
        } else {
          await this.#readTracker(userId, false);
          if (p.running) throw elsewhere();
        }
      }
      const stoppedAt = this.deps.clock.now();
      todayBefore = this.#todayOf(p, stoppedAt);
      replaced = this.#close(p, stoppedAt) ?? (before ? { ...before, stop: stoppedAt } : null);
      try {
        answer = await this.#postStart(body);
      } catch (again) {
        // Still "already tracking" with nothing here to stop: it runs in another workspace.
        if (isAlreadyTrackingError(again)) throw elsewhere();
        throw again;
      }
    }
    const now = this.deps.clock.now();
    const parsedStart = Date.parse(answer.start_time);
    const start = Number.isNaN(parsedStart) ? Math.floor(request.at / 1000) * 1000 : parsedStart;
    // WebWork accepted the start, so nothing ran: a tracker still on record was stopped
    // elsewhere since it was last seen. It ends then, and Tray Timer does not claim to have
    // stopped it (nor count time after it was seen).
    const today = todayBefore ?? (p.running ? p.totalSeconds : this.#todayOf(p, now));
    if (p.running) this.#close(p, p.checkedAt ?? now);
    p.running = {
      id: `ww-${userId}-${start}`,
      userId,
      contractId: answer.contract_id ?? contractId,
      projectId: answer.project_id ?? projectId,
      taskId: answer.task_id ?? taskId,
      taskTitle: this.#taskName(answer.project_id ?? projectId, answer.task_id ?? taskId),
      description: answer.activity_description?.trim() || description,
      start,
      firstSeen: now,
      stop: null,
    };
    p.totalSeconds = today;
    p.totalAt = now;
    p.checkedAt = now;
    if (userId === this.#target) this.#learnedAt = now;
    this.#cache.save(this.#state);
    return {
      entry: this.#toRemote(p.running, p),
      replaced: replaced ? this.#toRemote(replaced, p) : null,
    };
  }

  async #postStart(body: Record<string, unknown>) {
    const answer = await this.#client.call({
      method: 'POST',
      path: '/time-tracking/start',
      body,
      schema: startDataSchema,
      what: 'start',
    });
    return answer.data;
  }

  /** Stops `userId`'s tracker in this workspace; null: the caller's own, wherever it runs. */
  async #postStop(userId: number | null): Promise<number | null> {
    const answer = await this.#client.call({
      method: 'POST',
      path: '/time-tracking/stop',
      ...(userId !== null
        ? { body: { workspace_id: this.settings.workspaceId, user_id: userId } }
        : {}),
      schema: stopDataSchema,
      what: 'stop',
    });
    const at = answer.data?.stopped_at ? Date.parse(answer.data.stopped_at) : NaN;
    return Number.isNaN(at) ? null : at;
  }

  async #stopFor(userId: number, at: number): Promise<RemoteEntry | null> {
    const p = this.#person(userId);
    if (!p.running) {
      // Nothing known to run: it may have been started on the web meanwhile (one read).
      await this.#readTracker(userId, false);
      if (!p.running) {
        this.#cache.save(this.#state);
        return null;
      }
    }
    let stoppedAt: number | null;
    try {
      stoppedAt = await this.#postStop(userId);
    } catch (err) {
      if (!isNoTrackerError(err)) throw err;
      // Stopped elsewhere meanwhile: not an error for the user. The refusal itself proves the
      // tracker is gone (even an untitled one an empty-200 answer could not tell), so it is
      // closed before re-reading the truth (today's total, or a tracker started since).
      const closed = this.#close(p, this.deps.clock.now());
      await this.#readTracker(userId, false).catch(() => null);
      this.#cache.save(this.#state);
      return closed ? this.#toRemote(closed, p) : null;
    }
    const now = this.deps.clock.now();
    const today = this.#todayOf(p, now);
    const stopped = this.#close(p, stoppedAt ?? Math.floor(at / 1000) * 1000);
    p.totalSeconds = today;
    p.totalAt = now;
    p.checkedAt = now;
    if (userId === this.#target) this.#learnedAt = now;
    this.#cache.save(this.#state);
    return stopped ? this.#toRemote(stopped, p) : null;
  }

  // -------------------------------------------------------------------------------------------
  // Members and the team glance
  // -------------------------------------------------------------------------------------------

  async #ensureMembers(maxAge: number, auto: boolean): Promise<void> {
    const at = this.#state.membersSyncedAt;
    if (at !== null && this.deps.clock.now() - at < maxAge) return;
    await this.#readMembers(auto);
    this.#cache.save(this.#state);
  }

  async findMember(ref: string): Promise<Member> {
    const needle = ref.trim().toLowerCase();
    if (needle === String(this.settings.userId) || needle === this.settings.email.toLowerCase())
      return this.self;
    const match = () =>
      this.#state.members.find((m) => String(m.id) === needle) ??
      this.#state.members.find((m) => m.email?.toLowerCase() === needle) ??
      this.#state.members.find((m) => m.name.toLowerCase() === needle);
    await this.#ensureMembers(MEMBERS_REFRESH_MS, false);
    let found = match();
    if (!found) {
      // Perhaps added since the list was read: read it again once.
      await this.#ensureMembers(USER_LISTS_MIN_MS, false);
      found = match();
    }
    if (!found)
      throw new ProviderError({
        kind: 'not-found',
        field: 'member',
        message: `No active member “${ref.trim()}” in the WebWork workspace ${this.settings.workspaceName} (give an e-mail address or a user id).`,
      });
    return toMember(found);
  }

  async searchMembers(query: string): Promise<Member[]> {
    await this.#ensureMembers(MEMBERS_REFRESH_MS, false);
    const q = query.trim().toLowerCase();
    return this.#state.members
      .filter(
        (m) =>
          q === '' || m.name.toLowerCase().includes(q) || (m.email ?? '').toLowerCase().includes(q),
      )
      .map(toMember);
  }

  async trackerOf(member: Member): Promise<MemberTracker> {
    const p = await this.#readTracker(toUserId(member.id), false);
    this.#cache.save(this.#state);
    return this.#trackerView(member, p, null);
  }

  async glance(mode: 'watch' | 'refresh'): Promise<TeamGlanceResult> {
    const watch = mode === 'watch';
    await this.#ensureMembers(watch ? MEMBERS_REFRESH_MS : 5 * 60_000, watch);
    const now = this.deps.clock.now();
    const staleMs = watch ? TEAM_WATCH_STALE_MS : TEAM_REFRESH_STALE_MS;
    const members = this.#state.members;
    const personOf = (m: KeptMember): Person | undefined => this.#state.people[String(m.id)];
    const checkedAt = (m: KeptMember) => personOf(m)?.checkedAt ?? null;
    const stale = (m: KeptMember, at: number) => {
      const checked = checkedAt(m);
      return checked === null || at - checked >= staleMs;
    };
    // The oldest readings first (never read counts as oldest).
    const due = members
      .filter((m) => stale(m, now))
      .sort((a, b) => (checkedAt(a) ?? 0) - (checkedAt(b) ?? 0));
    // Watching leaves TEAM_RESERVE below the timed polls' cap, so your own tracker's poll
    // always fits next to a glance watched every minute.
    // A refresh keeps 2 for the contracts and projects lists that name members' projects.
    const room = watch
      ? Math.max(0, this.budget.autoRoom(now, POLL_POLICY.backgroundCap) - TEAM_RESERVE)
      : Math.max(0, this.budget.room(now, USER_CAP) - 2);
    const batch = due.slice(0, room);
    const errors = new Map<number, AppError>();
    let stopped = false;
    for (let i = 0; i < batch.length && !stopped; i += PARALLEL_READS) {
      await Promise.all(
        batch.slice(i, i + PARALLEL_READS).map(async (m) => {
          try {
            await this.#readTracker(m.id, watch);
          } catch (err) {
            if (!(err instanceof ProviderError)) throw err;
            if (err.error.kind === 'auth') throw err;
            if (err.error.kind === 'rate-limited' || err.error.kind === 'offline') stopped = true;
            errors.set(m.id, err.error);
          }
        }),
      );
    }
    // Members' trackers name contracts: one workspace-wide list (cached) gives their projects.
    const unknownContract = members.some((m) => {
      const p = personOf(m);
      const contractId = p?.running?.contractId ?? null;
      return (
        p !== undefined && contractId !== null && this.#projectOfContract(p, contractId) === null
      );
    });
    const listAge = watch ? LISTS_REFRESH_MS : USER_LISTS_MIN_MS;
    const mapAt = this.#state.contractProjectsSyncedAt;
    const mapStale = mapAt === null || this.deps.clock.now() - mapAt >= listAge;
    if (unknownContract && (mapStale || !this.#askedFor.has('workspace-contracts')) && !stopped) {
      this.#askedFor.add('workspace-contracts');
      await this.#listStep(() => this.#readWorkspaceContracts(watch));
      if (this.#state.projectsSyncedAt === null)
        await this.#listStep(() => this.#readProjects(watch));
    }
    this.#cache.save(this.#state);
    const after = this.deps.clock.now();
    const waiting = members.filter((m) => stale(m, after)).length;
    return {
      members: members.map((m) =>
        this.#trackerView(toMember(m), personOf(m) ?? emptyPerson(m.id), errors.get(m.id) ?? null),
      ),
      total: members.length,
      unchecked: members.filter((m) => checkedAt(m) === null).length,
      nextCheckAt: waiting > 0 ? this.budget.nextRoomAt(after, watch) : null,
    };
  }

  #trackerView(member: Member, p: Person, error: AppError | null): MemberTracker {
    const now = this.deps.clock.now();
    return {
      member,
      running: p.running ? this.#toRemote(p.running, p) : null,
      todaySeconds: this.#todayOf(p, now),
      checkedAt: p.checkedAt,
      error,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Mapping
  // -------------------------------------------------------------------------------------------

  #whose(userId: number): { subject: string; sentence: string } {
    if (userId === this.settings.userId) return { subject: 'You are', sentence: 'You have' };
    const name = this.#memberOf(userId).name;
    return { subject: `${name} is`, sentence: `${name} has` };
  }

  #projectName(t: KeptTracker): string | null {
    if (t.projectId === null) return null;
    return this.#state.projects.find((x) => x.id === t.projectId)?.name ?? null;
  }

  #taskName(projectId: number | null, taskId: number | null): string | null {
    if (projectId === null || taskId === null) return null;
    return this.#state.tasks[String(projectId)]?.list.find((t) => t.id === taskId)?.name ?? null;
  }

  #entriesOf(p: Person): RemoteEntry[] {
    const all = [...p.history, ...(p.running ? [p.running] : [])];
    return all.map((t) => this.#toRemote(t, p));
  }

  #projectsOf(p: Person): Project[] {
    const out: Project[] = [];
    for (const c of p.contracts) {
      const project = this.#state.projects.find((x) => x.id === c.projectId);
      if (!project || out.some((o) => o.id === String(project.id))) continue;
      out.push({
        id: String(project.id),
        name: project.name,
        color: null,
        clientName: null,
        tasks: (this.#state.tasks[String(project.id)]?.list ?? []).map((t) => ({
          id: String(t.id),
          name: t.name,
          projectId: String(project.id),
        })),
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  #toRemote(t: KeptTracker, p: Person): RemoteEntry {
    const projectId = t.projectId ?? this.#projectOfContract(p, t.contractId);
    const start = t.start ?? (t.stop !== null ? t.firstSeen : null);
    return {
      id: t.id,
      description: t.description,
      projectId: projectId === null ? null : String(projectId),
      projectName: this.#projectName({ ...t, projectId }),
      projectColor: null,
      taskId: t.taskId === null ? null : String(t.taskId),
      taskName: t.taskTitle ?? this.#taskName(projectId, t.taskId),
      start,
      stop: t.stop,
      // Started outside Tray Timer: today's total stands in for the unknown session time.
      ...(start === null && t.stop === null
        ? { trackedSeconds: p.totalSeconds, trackedAt: p.totalAt ?? this.deps.clock.now() }
        : {}),
    };
  }
}

function toMember(m: KeptMember): Member {
  return { id: String(m.id), name: m.name, email: m.email, role: m.role };
}

function toUserId(id: string): number {
  return numericId(id, 'WebWork', 'user', 'member') ?? 0;
}

function toId(id: string | null, what: 'project' | 'task'): number | null {
  return numericId(id, 'WebWork', what);
}
