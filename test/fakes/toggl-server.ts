/**
 * A fake Toggl Track API v9 server for provider tests and the workday benchmark, faithful to
 * providers.md §1 (../shared/docs: what real traffic showed; the UNCONFIRMED parts are chosen as
 * noted below). It speaks real HTTP on 127.0.0.1 so the provider's own HTTP client is tested.
 *
 * Endpoints: GET /me (?with_related_data=true), /me/workspaces, /me/organizations, /me/quota,
 * /me/time_entries/current, /me/time_entries (since | before, start_date, end_date, meta),
 * /me/time_entries/{id}, /me/projects (since, include_archived), /me/tasks (since,
 * include_not_active, offset, per_page), /me/clients, /me/tags, /workspaces/{wid}/projects
 * (active, page, per_page, name/search, since), /workspaces/{wid}/tasks (paginated object),
 * /workspaces/{wid}/clients; POST /workspaces/{wid}/time_entries; PATCH …/time_entries/{id}/stop;
 * PUT and DELETE /workspaces/{wid}/time_entries/{id}. Anything else: 404.
 *
 *   const fake = await startFakeToggl({ now: () => clock.now() });
 *   const user = fake.addUser({ token: 'tok' });          // + a workspace in its own Free org
 *   const p = fake.addProject({ workspaceId: user.workspaceId, name: 'Site', clientName: 'ACME' });
 *   fake.addTask({ projectId: p.id, name: 'Design' });
 *   // provider under test uses fake.baseUrl ("http://127.0.0.1:PORT/api/v9") and token 'tok'
 *   fake.remoteStart(user.id, { description: 'from phone' });   // "another device": not logged
 *   //   also remoteStop(userId), remoteEdit(entryId, patch), remoteDelete(id), remoteEditProject
 *   fake.requestsBy({ bucket: 'user' }); fake.maxRequestsInWindow({ bucket: 'user' });
 *   await fake.close();
 *
 * Options (all changeable later with `fake.configure(…)`):
 * - `now`: epoch ms for entry times, `at`, quota windows and bursts (default Date.now).
 * - `quota: { user = 30, org = 30, windowMs = 3 600 000, quotaEndpointCounts = true }`:
 *   user-level bucket (any path not under /workspaces/ or /organizations/) per user; org bucket
 *   per (user, organization) for /workspaces/{wid}/… (org of that workspace) and
 *   /organizations/{oid}/…. An organization can override `org` (`addWorkspace({ orgQuota })`).
 *   Over the limit → 402 text, not counted. Every counted response carries
 *   X-Toggl-Quota-Remaining / X-Toggl-Quota-Resets-In (seconds until the oldest request expires).
 * - `runningDuration`: 'minus-one' (-1 everywhere), 'minus-epoch' (-start_epoch everywhere) or
 *   'recorded' (default: POST/PUT echo -1, GETs show -start_epoch, as in the Dec 2024 traffic).
 * - `burst: { perSecond, retryAfter? }`: more than `perSecond` requests of one user within one
 *   second (by `now`) → 429 (not counted in the quota), with `Retry-After: 1` if `retryAfter`.
 * - `errorBodies`: 'json-string' (default; 400/403/404/409 bodies are JSON strings such as
 *   `"Time entry already stopped"`) or 'text' (the same words, text/plain).
 * - `projectClientName`: add `client_name` to project objects (default false: the v9 Project
 *   shapes published in docs and clients show only `client_id`; clients come from /me/clients).
 *
 * Runtime switches: `fault(kind, pattern?, { times?, ms?, body? })` (kinds in http-fake-kit:
 * slow, reset, html502, status500, truncatedJson, wrongShape), `clearFaults(kind?)`,
 * `redirect(pattern, toUrl, { times? })` (307 + Location, before auth), `planFeature402(pattern,
 * { times? })` (402 "Premium functionality" with quota remaining > 0), `clearSwitches()`.
 * Faults html502 / status500 / reset answer before auth and are not counted in the quota (a
 * gateway failure); slow delays in real time then answers normally; truncatedJson / wrongShape
 * spoil a normal (counted) answer.
 *
 * Request log: `fake.requests` (every request that reached the server, in arrival order, with
 * `authorized: boolean`, never the header), `requestsBy(filter)`, `counts` (402/429 answers),
 * `maxRequestsInWindow(filter)` (most requests sent in any 60-minute window; `counted: true` for
 * quota units only).
 *
 * Chosen where the docs are silent (UNCONFIRMED): validation messages for POST/PUT (a PUT that
 * moves a running entry's start past now → 400); start/stop
 * stored at whole seconds; a running entry is auto-stopped when another one starts (stop = new
 * start); GET /me/quota counts in the user bucket; 401/403 carry no quota headers and are not
 * counted; unknown routes answer Go's "404 page not found" text and are counted;
 * /workspaces/{wid}/projects defaults to active=true; /me/time_entries
 * with no filter returns non-deleted entries started in the last 9 days.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FaultBoard,
  RequestLog,
  SlidingWindow,
  matchesPattern,
  mustGet,
  playGatewayFaults,
  queryObject,
  readBody,
  requestTarget,
  spoilBody,
  startLoopbackServer,
} from './http-fake-kit';
import type { FaultKind, FaultOptions, PathPattern, RequestFilterBase } from './http-fake-kit';

export type { FaultKind, FaultOptions, PathPattern } from './http-fake-kit';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------
export type RunningDuration = 'minus-one' | 'minus-epoch' | 'recorded';

export interface FakeTogglConfig {
  now: () => number;
  quota: { user: number; org: number; windowMs: number; quotaEndpointCounts: boolean };
  runningDuration: RunningDuration;
  burst: { perSecond: number; retryAfter?: boolean } | null;
  errorBodies: 'json-string' | 'text';
  /** Add `client_name` to project objects (UNCONFIRMED that real Toggl does; default false). */
  projectClientName: boolean;
}

export interface FakeTogglOptions {
  now?: () => number;
  quota?: Partial<FakeTogglConfig['quota']>;
  runningDuration?: RunningDuration;
  burst?: FakeTogglConfig['burst'];
  errorBodies?: FakeTogglConfig['errorBodies'];
  projectClientName?: boolean;
}

export type Bucket = 'user' | 'org';

export interface LoggedRequest {
  method: string;
  /** Below the API root, e.g. `/me/time_entries/current`. */
  path: string;
  query: Record<string, string>;
  /** The quota bucket the request was checked against; null before auth or for redirects. */
  bucket: Bucket | null;
  /** 0 when the socket was reset. */
  status: number;
  /** `now()` when the request arrived. */
  at: number;
  /** Whether an Authorization header came with it (the header itself is never stored). */
  authorized: boolean;
  userId: number | null;
  organizationId: number | null;
  /** Whether it used one unit of a quota bucket. */
  counted: boolean;
  /** 'quota' | 'plan' for a 402, the fault kinds applied otherwise. */
  notes: string[];
}

export interface RequestFilter extends RequestFilterBase {
  bucket?: Bucket | null;
  status?: number;
  userId?: number;
  organizationId?: number;
  counted?: boolean;
}

export interface FakeUser {
  id: number;
  token: string;
  email: string;
  fullname: string;
  timezone: string;
  password: string | null;
  /** The default workspace. */
  workspaceId: number;
  organizationId: number;
}

export interface FakeWorkspace {
  id: number;
  name: string;
  organizationId: number;
  premium: boolean;
  memberIds: Set<number>;
}

export interface FakeOrganization {
  id: number;
  name: string;
  pricingPlanName: string;
  /** Overrides `quota.org` for this organization (240 Starter, 600 Premium). */
  quota: number | null;
}

export interface FakeClient {
  id: number;
  workspaceId: number;
  name: string;
  archived: boolean;
  at: number;
}

export interface FakeProject {
  id: number;
  workspaceId: number;
  clientId: number | null;
  name: string;
  color: string;
  active: boolean;
  billable: boolean;
  isPrivate: boolean;
  createdAt: number;
  at: number;
}

export interface FakeTask {
  id: number;
  name: string;
  projectId: number;
  workspaceId: number;
  active: boolean;
  at: number;
}

export interface FakeTag {
  id: number;
  workspaceId: number;
  name: string;
  at: number;
  creatorId: number;
}

export interface FakeEntry {
  id: number;
  workspaceId: number;
  projectId: number | null;
  taskId: number | null;
  userId: number;
  description: string | null;
  /** Epoch ms (whole seconds). */
  start: number;
  stop: number | null;
  billable: boolean;
  tags: string[] | null;
  at: number;
  deletedAt: number | null;
  createdWith: string;
}

export interface EntryInput {
  workspaceId?: number;
  description?: string | null;
  projectId?: number | null;
  taskId?: number | null;
  tags?: string[] | null;
  billable?: boolean;
  /** Epoch ms or RFC3339; default now. */
  start?: number | string;
  /** Epoch ms or RFC3339; null/absent = running (for addEntry: absent = running). */
  stop?: number | string | null;
}

export interface FakeToggl {
  /** `http://127.0.0.1:PORT/api/v9` */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly config: FakeTogglConfig;
  configure(patch: FakeTogglOptions): void;
  close(): Promise<void>;

  addUser(input: {
    token: string;
    id?: number;
    email?: string;
    fullname?: string;
    timezone?: string;
    password?: string;
    /** Join this existing workspace instead of creating one. */
    workspaceId?: number;
    workspaceName?: string;
    orgQuota?: number;
  }): FakeUser;
  addWorkspace(input: {
    userId?: number;
    id?: number;
    name?: string;
    /** Existing or new organization id; default a new one. */
    organizationId?: number;
    orgQuota?: number;
    pricingPlanName?: string;
    premium?: boolean;
  }): FakeWorkspace;
  addClient(input: {
    workspaceId: number;
    name: string;
    id?: number;
    archived?: boolean;
  }): FakeClient;
  addProject(input: {
    workspaceId: number;
    name: string;
    id?: number;
    color?: string;
    active?: boolean;
    billable?: boolean;
    clientId?: number | null;
    /** Finds or creates the client by name in the workspace. */
    clientName?: string;
  }): FakeProject;
  addTask(input: { projectId: number; name: string; id?: number; active?: boolean }): FakeTask;
  addEntry(userId: number, input?: EntryInput): FakeEntry;

  runningEntry(userId: number): FakeEntry | null;
  /** Non-deleted entries of the user, newest start first. */
  entries(userId: number): FakeEntry[];
  entry(id: number): FakeEntry | undefined;
  project(id: number): FakeProject | undefined;
  task(id: number): FakeTask | undefined;
  workspace(id: number): FakeWorkspace | undefined;
  /** The wire form (as GET /me/time_entries would show it). */
  wireEntry(id: number): Record<string, unknown>;

  /** Another device (web, phone) changes data: not logged, not counted, `at` moves. */
  remoteStart(userId: number, input?: EntryInput): FakeEntry;
  remoteStop(userId: number): FakeEntry | null;
  remoteEdit(entryId: number, patch: EntryInput): FakeEntry;
  remoteDelete(entryId: number): void;
  remoteEditProject(projectId: number, patch: Partial<Omit<FakeProject, 'id'>>): FakeProject;

  fault(kind: FaultKind, pattern?: PathPattern, options?: FaultOptions): void;
  clearFaults(kind?: FaultKind): void;
  redirect(pattern: PathPattern, toUrl: string, options?: { times?: number }): void;
  planFeature402(pattern: PathPattern, options?: { times?: number }): void;
  clearSwitches(): void;

  readonly requests: readonly LoggedRequest[];
  requestsBy(filter?: RequestFilter): LoggedRequest[];
  readonly counts: { status402: number; quota402: number; plan402: number; status429: number };
  /**
   * Largest number of requests matching `filter` in any `windowMs` (default 1 h), rejected ones
   * included; add `counted: true` for quota units only.
   */
  maxRequestsInWindow(filter?: RequestFilter & { windowMs?: number }): number;
  clearRequests(): void;
  /** The bucket as GET /me/quota reports it (organizationId null = user-level). */
  quota(
    userId: number,
    organizationId?: number | null,
  ): { remaining: number; resetsInSecs: number; total: number };
  resetQuotas(): void;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------
const API_ROOT = '/api/v9';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const COLORS = ['#0b83d9', '#9e5bd9', '#d94182', '#e36a00', '#bf7000', '#2da608', '#06a893'];

/** `2024-12-12T20:38:54+00:00`, the form recorded for start/stop. */
function wireTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

/** `2024-12-12T20:40:28.056Z`, the form recorded for `at`. */
function wireAt(ms: number): string {
  return new Date(ms).toISOString();
}

function toMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${value}`);
  return ms;
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function parseApiTime(value: unknown): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? wholeSeconds(ms) : null;
}

function parseDateOrTime(value: string): number | null {
  if (DATE_ONLY.test(value)) return Date.parse(`${value}T00:00:00Z`);
  return parseApiTime(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Reply {
  status: number;
  body: string;
  contentType: string | null;
  headers?: Record<string, string>;
  /** JSON answers can be spoiled by truncatedJson / wrongShape. */
  json: boolean;
}

interface RouteContext {
  user: FakeUser;
  method: string;
  params: string[];
  query: Record<string, string>;
  body: string;
  now: number;
}

type RouteHandler = (ctx: RouteContext) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------
export async function startFakeToggl(options: FakeTogglOptions = {}): Promise<FakeToggl> {
  const config: FakeTogglConfig = {
    now: Date.now,
    quota: { user: 30, org: 30, windowMs: 3_600_000, quotaEndpointCounts: true },
    runningDuration: 'recorded',
    burst: null,
    errorBodies: 'json-string',
    projectClientName: false,
  };
  const configure = (patch: FakeTogglOptions): void => {
    if (patch.now) config.now = patch.now;
    if (patch.quota) config.quota = { ...config.quota, ...patch.quota };
    if (patch.runningDuration) config.runningDuration = patch.runningDuration;
    if (patch.burst !== undefined) config.burst = patch.burst;
    if (patch.errorBodies) config.errorBodies = patch.errorBodies;
    if (patch.projectClientName !== undefined) config.projectClientName = patch.projectClientName;
  };
  configure(options);
  const now = (): number => config.now();

  // ---- state ----
  let nextId = 1;
  const ids = {
    user: () => 2_000_000 + nextId++,
    workspace: () => 3_000_000 + nextId++,
    org: () => 4_000_000 + nextId++,
    client: () => 5_000_000 + nextId++,
    project: () => 6_000_000 + nextId++,
    task: () => 7_000_000 + nextId++,
    tag: () => 8_000_000 + nextId++,
    entry: () => 3_700_000_000 + nextId++,
  };
  const users = new Map<number, FakeUser & { createdAt: number; at: number }>();
  const workspaces = new Map<number, FakeWorkspace>();
  const orgs = new Map<number, FakeOrganization>();
  const clients = new Map<number, FakeClient>();
  const projects = new Map<number, FakeProject>();
  const tasks = new Map<number, FakeTask>();
  const tags = new Map<number, FakeTag>();
  const entries = new Map<number, FakeEntry>();

  const windows = new Map<string, SlidingWindow>();
  const bursts = new Map<number, SlidingWindow>();
  const faults = new FaultBoard();
  const redirects: { pattern: PathPattern; to: string; remaining: number }[] = [];
  const plan402: { pattern: PathPattern; remaining: number }[] = [];
  const log = new RequestLog<LoggedRequest, RequestFilter>(
    ['bucket', 'status', 'userId', 'organizationId', 'counted'],
    3_600_000,
  );
  const counts = { status402: 0, quota402: 0, plan402: 0, status429: 0 };

  // ---- state helpers ----
  const mustUser = (id: number): FakeUser => mustGet(users, id, `fake Toggl: no user ${id}`);
  const mustEntry = (id: number): FakeEntry =>
    mustGet(entries, id, `fake Toggl: no time entry ${id}`);
  const runningOf = (userId: number): FakeEntry | null => {
    for (const e of entries.values())
      if (e.userId === userId && e.stop === null && e.deletedAt === null) return e;
    return null;
  };
  const entriesOf = (userId: number): FakeEntry[] =>
    [...entries.values()]
      .filter((e) => e.userId === userId && e.deletedAt === null)
      .sort((a, b) => b.start - a.start || b.id - a.id);

  const ensureTags = (workspaceId: number, names: string[], creatorId: number): void => {
    for (const name of names) {
      const exists = [...tags.values()].some(
        (t) => t.workspaceId === workspaceId && t.name === name,
      );
      if (!exists) {
        const id = ids.tag();
        tags.set(id, { id, workspaceId, name, at: now(), creatorId });
      }
    }
  };

  /** Stops whatever else runs for this user when `entry` is running (stop = its start). */
  const autoStopOthers = (entry: FakeEntry): void => {
    if (entry.stop !== null) return;
    for (const other of entries.values()) {
      if (other === entry || other.userId !== entry.userId) continue;
      if (other.stop !== null || other.deletedAt !== null) continue;
      other.stop = Math.max(other.start, entry.start);
      other.at = now();
    }
  };

  const addWorkspace: FakeToggl['addWorkspace'] = (input) => {
    const organizationId = input.organizationId ?? ids.org();
    let org = orgs.get(organizationId);
    if (!org) {
      org = {
        id: organizationId,
        name: `Organization ${organizationId}`,
        pricingPlanName: input.pricingPlanName ?? 'Free',
        quota: input.orgQuota ?? null,
      };
      orgs.set(organizationId, org);
    } else if (input.orgQuota !== undefined) {
      org.quota = input.orgQuota;
    }
    const id = input.id ?? ids.workspace();
    const ws: FakeWorkspace = {
      id,
      name: input.name ?? `Workspace ${id}`,
      organizationId,
      premium: input.premium ?? false,
      memberIds: new Set(input.userId === undefined ? [] : [input.userId]),
    };
    workspaces.set(id, ws);
    return ws;
  };

  const addUser: FakeToggl['addUser'] = (input) => {
    const id = input.id ?? ids.user();
    let ws = input.workspaceId === undefined ? undefined : workspaces.get(input.workspaceId);
    if (input.workspaceId !== undefined && !ws)
      throw new Error(`fake Toggl: no workspace ${input.workspaceId}`);
    if (!ws) {
      ws = addWorkspace({
        userId: id,
        name: input.workspaceName ?? `${input.fullname ?? 'User'}'s workspace`,
        orgQuota: input.orgQuota,
      });
    }
    ws.memberIds.add(id);
    const t = now();
    const user = {
      id,
      token: input.token,
      email: input.email ?? `user${id}@example.com`,
      fullname: input.fullname ?? `User ${id}`,
      timezone: input.timezone ?? 'Europe/Berlin',
      password: input.password ?? null,
      workspaceId: ws.id,
      organizationId: ws.organizationId,
      createdAt: t,
      at: t,
    };
    users.set(id, user);
    return user;
  };

  const addClient: FakeToggl['addClient'] = (input) => {
    const id = input.id ?? ids.client();
    const client = {
      id,
      workspaceId: input.workspaceId,
      name: input.name,
      archived: input.archived ?? false,
      at: now(),
    };
    clients.set(id, client);
    return client;
  };

  const addProject: FakeToggl['addProject'] = (input) => {
    if (!workspaces.has(input.workspaceId))
      throw new Error(`fake Toggl: no workspace ${input.workspaceId}`);
    let clientId = input.clientId ?? null;
    if (input.clientName !== undefined) {
      const found = [...clients.values()].find(
        (c) => c.workspaceId === input.workspaceId && c.name === input.clientName,
      );
      clientId = (found ?? addClient({ workspaceId: input.workspaceId, name: input.clientName }))
        .id;
    }
    const id = input.id ?? ids.project();
    const t = now();
    const project: FakeProject = {
      id,
      workspaceId: input.workspaceId,
      clientId,
      name: input.name,
      color: input.color ?? COLORS[projects.size % COLORS.length] ?? '#0b83d9',
      active: input.active ?? true,
      billable: input.billable ?? false,
      isPrivate: false,
      createdAt: t,
      at: t,
    };
    projects.set(id, project);
    return project;
  };

  const addTask: FakeToggl['addTask'] = (input) => {
    const project = mustGet(projects, input.projectId, `fake Toggl: no project ${input.projectId}`);
    const id = input.id ?? ids.task();
    const task = {
      id,
      name: input.name,
      projectId: project.id,
      workspaceId: project.workspaceId,
      active: input.active ?? true,
      at: now(),
    };
    tasks.set(id, task);
    return task;
  };

  const createEntry = (userId: number, input: EntryInput, createdWith: string): FakeEntry => {
    const user = mustUser(userId);
    const start = wholeSeconds(input.start === undefined ? now() : toMs(input.start));
    const stop =
      input.stop === undefined || input.stop === null ? null : wholeSeconds(toMs(input.stop));
    const entry: FakeEntry = {
      id: ids.entry(),
      workspaceId: input.workspaceId ?? user.workspaceId,
      projectId: input.projectId ?? null,
      taskId: input.taskId ?? null,
      userId,
      description: input.description ?? null,
      start,
      stop,
      billable: input.billable ?? false,
      tags: input.tags ?? null,
      at: now(),
      deletedAt: null,
      createdWith,
    };
    if (entry.tags) ensureTags(entry.workspaceId, entry.tags, userId);
    autoStopOthers(entry);
    entries.set(entry.id, entry);
    return entry;
  };

  const applyPatch = (entry: FakeEntry, patch: EntryInput): FakeEntry => {
    if (patch.description !== undefined) entry.description = patch.description;
    if (patch.projectId !== undefined) entry.projectId = patch.projectId;
    if (patch.taskId !== undefined) entry.taskId = patch.taskId;
    if (patch.billable !== undefined) entry.billable = patch.billable;
    if (patch.tags !== undefined) {
      entry.tags = patch.tags;
      if (patch.tags) ensureTags(entry.workspaceId, patch.tags, entry.userId);
    }
    if (patch.start !== undefined) entry.start = wholeSeconds(toMs(patch.start));
    if (patch.stop !== undefined)
      entry.stop = patch.stop === null ? null : wholeSeconds(toMs(patch.stop));
    entry.at = now();
    autoStopOthers(entry);
    return entry;
  };

  // ---- wire shapes ----
  const runningDuration = (e: FakeEntry, echo: boolean): number => {
    const mode = config.runningDuration;
    if (mode === 'minus-one' || (mode === 'recorded' && echo)) return -1;
    return -Math.floor(e.start / 1000);
  };

  const tagIdsOf = (e: FakeEntry): number[] | null =>
    e.tags === null
      ? null
      : e.tags.flatMap((name) => {
          const tag = [...tags.values()].find(
            (t) => t.workspaceId === e.workspaceId && t.name === name,
          );
          return tag ? [tag.id] : [];
        });

  const entryWire = (e: FakeEntry, echo = false, meta = false): Record<string, unknown> => {
    const wire: Record<string, unknown> = {
      id: e.id,
      workspace_id: e.workspaceId,
      project_id: e.projectId,
      task_id: e.taskId,
      billable: e.billable,
      start: wireTime(e.start),
      stop: e.stop === null ? null : wireTime(e.stop),
      duration:
        e.stop === null
          ? runningDuration(e, echo)
          : Math.floor(e.stop / 1000) - Math.floor(e.start / 1000),
      description: e.description,
      tags: e.tags,
      tag_ids: tagIdsOf(e),
      duronly: true,
      at: wireAt(e.at),
      server_deleted_at: e.deletedAt === null ? null : wireAt(e.deletedAt),
      user_id: e.userId,
      uid: e.userId,
      wid: e.workspaceId,
      ...(e.projectId === null ? {} : { pid: e.projectId }),
      ...(e.taskId === null ? {} : { tid: e.taskId }),
      permissions: null,
    };
    if (meta) {
      const project = e.projectId === null ? undefined : projects.get(e.projectId);
      const client = project?.clientId == null ? undefined : clients.get(project.clientId);
      const task = e.taskId === null ? undefined : tasks.get(e.taskId);
      const user = users.get(e.userId);
      Object.assign(wire, {
        ...(project
          ? {
              project_name: project.name,
              project_color: project.color,
              project_active: project.active,
              project_billable: project.billable,
            }
          : {}),
        ...(client ? { client_name: client.name } : {}),
        ...(task ? { task_name: task.name } : {}),
        ...(user ? { user_name: user.fullname, user_avatar_url: '' } : {}),
      });
    }
    return wire;
  };

  const projectWire = (p: FakeProject): Record<string, unknown> => ({
    id: p.id,
    workspace_id: p.workspaceId,
    client_id: p.clientId,
    name: p.name,
    is_private: p.isPrivate,
    active: p.active,
    at: wireAt(p.at),
    created_at: wireAt(p.createdAt),
    server_deleted_at: null,
    color: p.color,
    billable: p.billable,
    template: false,
    auto_estimates: null,
    estimated_hours: null,
    estimated_seconds: null,
    rate: null,
    rate_last_updated: null,
    currency: null,
    recurring: false,
    recurring_parameters: null,
    fixed_fee: null,
    actual_hours: 0,
    actual_seconds: 0,
    start_date: wireTime(p.createdAt).slice(0, 10),
    status: p.active ? 'active' : 'archived',
    pinned: false,
    wid: p.workspaceId,
    cid: p.clientId,
    permissions: null,
    ...(config.projectClientName
      ? { client_name: p.clientId === null ? null : (clients.get(p.clientId)?.name ?? null) }
      : {}),
  });

  const taskWire = (t: FakeTask): Record<string, unknown> => ({
    id: t.id,
    name: t.name,
    workspace_id: t.workspaceId,
    project_id: t.projectId,
    user_id: null,
    recurring: false,
    active: t.active,
    at: wireAt(t.at),
    server_deleted_at: null,
    estimated_seconds: null,
    tracked_seconds: 0,
    project_name: projects.get(t.projectId)?.name,
    project_color: projects.get(t.projectId)?.color,
    project_billable: projects.get(t.projectId)?.billable,
    project_is_private: false,
    permissions: null,
  });

  const clientWire = (c: FakeClient): Record<string, unknown> => ({
    id: c.id,
    wid: c.workspaceId,
    archived: c.archived,
    name: c.name,
    at: wireAt(c.at),
    creator_id: null,
  });

  const tagWire = (t: FakeTag): Record<string, unknown> => ({
    id: t.id,
    workspace_id: t.workspaceId,
    name: t.name,
    at: wireAt(t.at),
    creator_id: t.creatorId,
  });

  const workspaceWire = (w: FakeWorkspace, userId: number): Record<string, unknown> => ({
    id: w.id,
    organization_id: w.organizationId,
    name: w.name,
    premium: w.premium,
    business_ws: false,
    admin: w.memberIds.has(userId),
    role: 'admin',
    suspended_at: null,
    server_deleted_at: null,
    default_hourly_rate: null,
    rate_last_updated: null,
    default_currency: 'USD',
    only_admins_may_create_projects: false,
    only_admins_may_create_tags: false,
    only_admins_see_billable_rates: false,
    only_admins_see_team_dashboard: false,
    projects_billable_by_default: true,
    projects_private_by_default: true,
    reports_collapse: true,
    rounding: 1,
    rounding_minutes: 0,
    at: wireAt(now()),
    logo_url: 'https://assets.track.toggl.com/images/workspace.jpg',
    ical_url: '',
    ical_enabled: false,
    csv_upload: null,
    subscription: null,
    permissions: null,
  });

  const workspacesOf = (userId: number): FakeWorkspace[] =>
    [...workspaces.values()].filter((w) => w.memberIds.has(userId));
  const memberWorkspaceIds = (userId: number): Set<number> =>
    new Set(workspacesOf(userId).map((w) => w.id));

  const meWire = (u: FakeUser & { createdAt: number; at: number }): Record<string, unknown> => ({
    id: u.id,
    api_token: u.token,
    email: u.email,
    fullname: u.fullname,
    timezone: u.timezone,
    toggl_accounts_id: `acc${u.id}`,
    default_workspace_id: u.workspaceId,
    beginning_of_week: 1,
    image_url: 'https://assets.track.toggl.com/images/profile.png',
    created_at: wireAt(u.createdAt),
    updated_at: wireAt(u.at),
    openid_email: null,
    openid_enabled: false,
    country_id: null,
    has_password: true,
    at: wireAt(u.at),
    intercom_hash: 'fake',
    oauth_providers: [],
  });

  const quotaLimit = (userId: number, organizationId: number | null): number => {
    if (organizationId === null) return config.quota.user;
    return orgs.get(organizationId)?.quota ?? config.quota.org;
  };
  const windowFor = (userId: number, organizationId: number | null): SlidingWindow => {
    const key = `${userId}:${organizationId ?? 'user'}`;
    let w = windows.get(key);
    if (!w || w.windowMs !== config.quota.windowMs) {
      w = new SlidingWindow(config.quota.windowMs);
      windows.set(key, w);
    }
    return w;
  };
  const quotaView = (
    userId: number,
    organizationId: number | null,
  ): { remaining: number; resetsInSecs: number; total: number } => {
    const w = windowFor(userId, organizationId);
    const t = now();
    const total = quotaLimit(userId, organizationId);
    return {
      remaining: total - w.count(t),
      resetsInSecs: Math.ceil(w.resetsInMs(t) / 1000),
      total,
    };
  };

  // ---- error bodies ----
  const fail = (status: number, message: string): never => {
    throw new HttpError(status, message);
  };
  const errorReply = (status: number, message: string): Reply =>
    config.errorBodies === 'text'
      ? { status, body: message, contentType: 'text/plain; charset=utf-8', json: false }
      : {
          status,
          body: JSON.stringify(message),
          contentType: 'application/json; charset=utf-8',
          json: false,
        };

  // ---- request body parsing ----
  const parseJsonBody = (text: string): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail(400, 'JSON is not valid');
    }
    if (!isRecord(value)) return fail(400, 'JSON is not valid');
    return value;
  };

  const optionalId = (body: Record<string, unknown>, key: string): number | null | undefined => {
    const v = body[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
    return fail(400, `Invalid ${key}`);
  };

  /** Validates the fields POST and PUT share; returns an EntryInput for them. */
  const entryFields = (
    body: Record<string, unknown>,
    workspaceId: number,
    userId: number,
  ): EntryInput => {
    const out: EntryInput = {};
    if (body.description !== undefined) {
      if (body.description !== null && typeof body.description !== 'string')
        fail(400, 'Invalid description');
      out.description = body.description as string | null;
    }
    // `project_id: null` clears the project, so only fall back to the legacy key when absent.
    const projectId =
      body.project_id !== undefined ? optionalId(body, 'project_id') : optionalId(body, 'pid');
    if (projectId !== undefined) {
      if (projectId !== null) {
        const project = projects.get(projectId);
        if (!project || project.workspaceId !== workspaceId) fail(400, 'Invalid project_id');
      }
      out.projectId = projectId;
    }
    const taskId =
      body.task_id !== undefined ? optionalId(body, 'task_id') : optionalId(body, 'tid');
    if (taskId !== undefined) {
      if (taskId !== null) {
        const task = tasks.get(taskId);
        if (!task || task.workspaceId !== workspaceId) fail(400, 'Invalid task_id');
        if (task && projectId != null && task.projectId !== projectId)
          fail(400, 'Task does not belong to the project');
      }
      out.taskId = taskId;
    }
    if (body.tags !== undefined) {
      if (
        body.tags !== null &&
        !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))
      )
        fail(400, 'Invalid tags');
      out.tags = body.tags as string[] | null;
    }
    if (body.billable !== undefined) {
      if (typeof body.billable !== 'boolean') fail(400, 'Invalid billable');
      out.billable = body.billable as boolean;
    }
    void userId;
    return out;
  };

  const workspaceOf = (ctx: RouteContext, raw: string | undefined): FakeWorkspace => {
    const id = Number(raw);
    const ws = workspaces.get(id);
    if (!ws || !ws.memberIds.has(ctx.user.id))
      return fail(403, 'User does not have access to this resource.');
    return ws;
  };

  const flag = (value: string | undefined): boolean => value === 'true';

  const sinceParam = (query: Record<string, string>): number | null => {
    const raw = query.since;
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw)) return fail(400, "Invalid 'since'");
    return Number(raw) * 1000;
  };

  const ownEntry = (ctx: RouteContext, ws: FakeWorkspace, raw: string | undefined): FakeEntry => {
    const entry = entries.get(Number(raw));
    if (
      !entry ||
      entry.deletedAt !== null ||
      entry.workspaceId !== ws.id ||
      entry.userId !== ctx.user.id
    )
      return fail(404, 'Time entry not found');
    return entry;
  };

  // ---- routes ----
  const routes: Route[] = [];
  const route = (method: string, path: string, handler: RouteHandler): void => {
    const source = path.replace(/\{[a-z_]+\}/g, '([^/]+)');
    routes.push({ method, pattern: new RegExp(`^${source}$`), handler });
  };

  route('GET', '/me', (ctx) => {
    const me = meWire(mustUser(ctx.user.id) as FakeUser & { createdAt: number; at: number });
    if (!flag(ctx.query.with_related_data)) return me;
    const wsIds = memberWorkspaceIds(ctx.user.id);
    return {
      ...me,
      clients: [...clients.values()].filter((c) => wsIds.has(c.workspaceId)).map(clientWire),
      projects: [...projects.values()].filter((p) => wsIds.has(p.workspaceId)).map(projectWire),
      tags: [...tags.values()].filter((t) => wsIds.has(t.workspaceId)).map(tagWire),
      tasks: [...tasks.values()].filter((t) => wsIds.has(t.workspaceId)).map(taskWire),
      time_entries: entriesOf(ctx.user.id).map((e) => entryWire(e)),
      workspaces: workspacesOf(ctx.user.id).map((w) => workspaceWire(w, ctx.user.id)),
    };
  });

  route('GET', '/me/workspaces', (ctx) =>
    workspacesOf(ctx.user.id).map((w) => workspaceWire(w, ctx.user.id)),
  );

  route('GET', '/me/organizations', (ctx) => {
    const orgIds = new Set(workspacesOf(ctx.user.id).map((w) => w.organizationId));
    return [...orgIds].flatMap((id) => {
      const org = orgs.get(id);
      return org
        ? [
            {
              id: org.id,
              name: org.name,
              pricing_plan_id: 0,
              pricing_plan_name: org.pricingPlanName,
              pricing_plan_enterprise: false,
              created_at: wireAt(0),
              at: wireAt(0),
              server_deleted_at: null,
              is_multi_workspace_enabled: false,
              suspended_at: null,
              user_count: 1,
              trial_info: null,
              is_chargify: false,
              max_workspaces: 1,
              admin: true,
              owner: true,
              permissions: null,
            },
          ]
        : [];
    });
  });

  route('GET', '/me/quota', (ctx) => {
    const orgIds = [...new Set(workspacesOf(ctx.user.id).map((w) => w.organizationId))];
    return [null, ...orgIds].map((organizationId) => {
      const q = quotaView(ctx.user.id, organizationId);
      return {
        organization_id: organizationId,
        remaining: q.remaining,
        resets_in_secs: q.resetsInSecs,
        total: q.total,
      };
    });
  });

  route('GET', '/me/time_entries/current', (ctx) => {
    const running = runningOf(ctx.user.id);
    return running ? entryWire(running, false, flag(ctx.query.meta)) : null;
  });

  route('GET', '/me/time_entries/{id}', (ctx) => {
    const entry = entries.get(Number(ctx.params[0]));
    if (!entry || entry.userId !== ctx.user.id || entry.deletedAt !== null)
      fail(404, 'Time entry not found');
    return entryWire(entry as FakeEntry, false, flag(ctx.query.meta));
  });

  route('GET', '/me/time_entries', (ctx) => {
    const q = ctx.query;
    if (q.since !== undefined && q.before !== undefined)
      fail(400, "'since' and 'before' can not be present simultaneously");
    const since = sinceParam(q);
    let list = [...entries.values()].filter((e) => e.userId === ctx.user.id);
    if (since !== null) {
      list = list.filter((e) => e.at >= since);
    } else {
      list = list.filter((e) => e.deletedAt === null);
      if (q.before === undefined && q.start_date === undefined && q.end_date === undefined)
        list = list.filter((e) => e.start >= ctx.now - 9 * 86_400_000);
    }
    if (q.before !== undefined) {
      const before = parseDateOrTime(q.before);
      if (before === null) fail(400, "Invalid 'before'");
      list = list.filter((e) => e.start < (before as number));
    }
    if (q.start_date !== undefined) {
      const from = parseDateOrTime(q.start_date);
      if (from === null) fail(400, 'Invalid start_date');
      list = list.filter((e) => e.start >= (from as number));
    }
    if (q.end_date !== undefined) {
      const to = parseDateOrTime(q.end_date);
      if (to === null) fail(400, 'Invalid end_date');
      list = list.filter((e) => e.start < (to as number));
    }
    return list
      .sort((a, b) => b.start - a.start || b.id - a.id)
      .map((e) => entryWire(e, false, flag(q.meta)));
  });

  route('POST', '/workspaces/{wid}/time_entries', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    const body = parseJsonBody(ctx.body);
    if (typeof body.created_with !== 'string' || body.created_with.trim() === '')
      fail(400, 'created_with needs to be provided a valid value');
    const bodyWid = body.workspace_id ?? body.wid;
    if (bodyWid !== ws.id) fail(400, 'Workspace ID in the path and in the body do not match');
    if (body.start === undefined) fail(400, 'Start time must be provided');
    const start = parseApiTime(body.start);
    if (start === null) fail(400, 'Invalid start time, expected RFC3339');
    const fields = entryFields(body, ws.id, ctx.user.id);
    if (fields.taskId && fields.projectId == null)
      fields.projectId = tasks.get(fields.taskId)?.projectId;
    let stop: number | null = null;
    if (body.stop !== undefined && body.stop !== null) {
      stop = parseApiTime(body.stop);
      if (stop === null) fail(400, 'Invalid stop time, expected RFC3339');
    } else if (body.duration !== undefined) {
      if (typeof body.duration !== 'number' || !Number.isInteger(body.duration))
        fail(400, 'Invalid duration');
      const duration = body.duration as number;
      if (duration >= 0) stop = (start as number) + duration * 1000;
    }
    if (stop !== null && stop < (start as number)) fail(400, 'Stop time must be after start time');
    const entry = createEntry(
      ctx.user.id,
      { ...fields, workspaceId: ws.id, start: start as number, stop },
      body.created_with as string,
    );
    return entryWire(entry, true, flag(ctx.query.meta));
  });

  route('PATCH', '/workspaces/{wid}/time_entries/{id}/stop', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    if (!/^\d+$/.test(ctx.params[1] ?? '')) fail(400, 'Invalid time entry ID');
    const entry = ownEntry(ctx, ws, ctx.params[1]);
    if (entry.stop !== null) fail(409, 'Time entry already stopped');
    entry.stop = Math.max(entry.start, wholeSeconds(ctx.now));
    entry.at = ctx.now;
    return entryWire(entry, true);
  });

  route('PUT', '/workspaces/{wid}/time_entries/{id}', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    if (!/^\d+$/.test(ctx.params[1] ?? '')) fail(400, 'Invalid time entry ID');
    const entry = ownEntry(ctx, ws, ctx.params[1]);
    const body = parseJsonBody(ctx.body);
    const patch = entryFields(body, ws.id, ctx.user.id);
    if (body.start !== undefined) {
      const start = parseApiTime(body.start);
      if (start === null) fail(400, 'Invalid start time, expected RFC3339');
      patch.start = start as number;
    }
    if (body.stop !== undefined) {
      if (body.stop === null) patch.stop = null;
      else {
        const stop = parseApiTime(body.stop);
        if (stop === null) fail(400, 'Invalid stop time, expected RFC3339');
        patch.stop = stop as number;
      }
    } else if (typeof body.duration === 'number') {
      const startMs = patch.start === undefined ? entry.start : toMs(patch.start);
      patch.stop = body.duration < 0 ? null : startMs + body.duration * 1000;
    }
    const startMs = patch.start === undefined ? entry.start : toMs(patch.start);
    const stopMs =
      patch.stop === undefined ? entry.stop : patch.stop === null ? null : toMs(patch.stop);
    if (stopMs !== null && stopMs < startMs) fail(400, 'Stop time must be after start time');
    // A running entry that would start later than now (UNCONFIRMED wording; Toggl's own apps
    // never let a running entry start in the future).
    if (stopMs === null && startMs > wholeSeconds(ctx.now))
      fail(400, 'Start time of a running time entry cannot be in the future');
    const taskId = patch.taskId === undefined ? entry.taskId : patch.taskId;
    const projectId = patch.projectId === undefined ? entry.projectId : patch.projectId;
    if (taskId !== null && tasks.get(taskId)?.projectId !== projectId)
      fail(400, 'Task does not belong to the project');
    applyPatch(entry, patch);
    return entryWire(entry, true, flag(ctx.query.meta));
  });

  route('DELETE', '/workspaces/{wid}/time_entries/{id}', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    const entry = ownEntry(ctx, ws, ctx.params[1]);
    entry.deletedAt = ctx.now;
    entry.at = ctx.now;
    return undefined;
  });

  route('GET', '/me/projects', (ctx) => {
    const since = sinceParam(ctx.query);
    const wsIds = memberWorkspaceIds(ctx.user.id);
    return [...projects.values()]
      .filter((p) => wsIds.has(p.workspaceId))
      .filter((p) => (since === null ? true : p.at >= since))
      .filter((p) => since !== null || p.active || flag(ctx.query.include_archived))
      .map(projectWire);
  });

  route('GET', '/workspaces/{wid}/projects', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    const q = ctx.query;
    const since = sinceParam(q);
    const active = q.active ?? 'true';
    const perPage = Math.min(200, Math.max(1, Number(q.per_page ?? 151) || 151));
    const page = Math.max(1, Number(q.page ?? 1) || 1);
    const needle = (q.name ?? q.search ?? '').toLowerCase();
    return [...projects.values()]
      .filter((p) => p.workspaceId === ws.id)
      .filter((p) => (since === null ? true : p.at >= since))
      .filter((p) => (active === 'both' ? true : p.active === (active === 'true')))
      .filter((p) => needle === '' || p.name.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice((page - 1) * perPage, page * perPage)
      .map(projectWire);
  });

  route('GET', '/me/clients', (ctx) => {
    const wsIds = memberWorkspaceIds(ctx.user.id);
    const since = sinceParam(ctx.query);
    return [...clients.values()]
      .filter((c) => wsIds.has(c.workspaceId) && (since === null || c.at >= since))
      .map(clientWire);
  });

  route('GET', '/workspaces/{wid}/clients', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    return [...clients.values()].filter((c) => c.workspaceId === ws.id).map(clientWire);
  });

  route('GET', '/me/tags', (ctx) => {
    const wsIds = memberWorkspaceIds(ctx.user.id);
    const since = sinceParam(ctx.query);
    return [...tags.values()]
      .filter((t) => wsIds.has(t.workspaceId) && (since === null || t.at >= since))
      .map(tagWire);
  });

  route('GET', '/me/tasks', (ctx) => {
    const q = ctx.query;
    const since = sinceParam(q);
    const wsIds = memberWorkspaceIds(ctx.user.id);
    const perPage = Math.max(1, Number(q.per_page ?? 1000) || 1000);
    const offset = Math.max(0, Number(q.offset ?? 0) || 0);
    return [...tasks.values()]
      .filter((t) => wsIds.has(t.workspaceId))
      .filter((t) => (since === null ? true : t.at >= since))
      .filter((t) => since !== null || t.active || flag(q.include_not_active))
      .sort((a, b) => a.id - b.id)
      .slice(offset, offset + perPage)
      .map(taskWire);
  });

  route('GET', '/workspaces/{wid}/tasks', (ctx) => {
    const ws = workspaceOf(ctx, ctx.params[0]);
    const q = ctx.query;
    const since = sinceParam(q);
    const active = q.active ?? 'true';
    const perPage = Math.min(200, Math.max(1, Number(q.per_page ?? 50) || 50));
    const page = Math.max(1, Number(q.page ?? 1) || 1);
    const pid = q.pid === undefined ? null : Number(q.pid);
    const needle = (q.search ?? '').toLowerCase();
    const all = [...tasks.values()]
      .filter((t) => t.workspaceId === ws.id)
      .filter((t) => (since === null ? true : t.at >= since))
      .filter((t) => (active === 'both' ? true : t.active === (active === 'true')))
      .filter((t) => pid === null || t.projectId === pid)
      .filter((t) => needle === '' || t.name.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      data: all.slice((page - 1) * perPage, page * perPage).map(taskWire),
      page,
      per_page: perPage,
      sort_field: 'name',
      sort_order: 'ASC',
      total_count: all.length,
    };
  });

  // ---- request handling ----
  const baseHeaders = (): Record<string, string> => ({
    'X-Toggl-Request-Id': randomBytes(16).toString('hex'),
    'Cache-Control': 'no-cache, private, no-store',
  });

  const send = (res: ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = { ...baseHeaders(), ...reply.headers };
    if (reply.contentType) headers['Content-Type'] = reply.contentType;
    headers['Content-Length'] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const authenticate = (header: string): FakeUser | null => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const name = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    for (const u of users.values()) {
      if (secret === 'api_token' && u.token === name) return u;
      if (u.password !== null && u.email === name && u.password === secret) return u;
    }
    return null;
  };

  const bucketOf = (
    path: string,
    user: FakeUser,
  ): { bucket: Bucket; organizationId: number | null } | 'forbidden' => {
    const ws = /^\/workspaces\/([^/]+)/.exec(path);
    if (ws) {
      const workspace = workspaces.get(Number(ws[1]));
      if (!workspace || !workspace.memberIds.has(user.id)) return 'forbidden';
      return { bucket: 'org', organizationId: workspace.organizationId };
    }
    const org = /^\/organizations\/([^/]+)/.exec(path);
    if (org) {
      const id = Number(org[1]);
      if (!orgs.has(id) || !workspacesOf(user.id).some((w) => w.organizationId === id))
        return 'forbidden';
      return { bucket: 'org', organizationId: id };
    }
    return { bucket: 'user', organizationId: null };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = now();
    const { method, url, underRoot, path } = requestTarget(req, API_ROOT);
    const record: LoggedRequest = {
      method,
      path,
      query: queryObject(url),
      bucket: null,
      status: 0,
      at: arrivedAt,
      authorized: req.headers.authorization !== undefined,
      userId: null,
      organizationId: null,
      counted: false,
      notes: [],
    };
    log.push(record);
    const body = await readBody(req);
    const finish = (reply: Reply): void => {
      record.status = reply.status;
      if (reply.status === 429) counts.status429 += 1;
      if (reply.status === 402) counts.status402 += 1;
      send(res, reply);
    };

    // Gateway level: redirects and infrastructure faults come before auth and quotas.
    const redirect = redirects.find(
      (r) => r.remaining > 0 && matchesPattern(r.pattern, method, path),
    );
    if (redirect) {
      redirect.remaining -= 1;
      record.notes.push('redirect');
      finish({
        status: 307,
        body: '',
        contentType: null,
        json: false,
        headers: { Location: redirect.to },
      });
      return;
    }
    const taken = await playGatewayFaults(faults, record, req, res, (html) =>
      finish({ status: 502, body: html, contentType: 'text/html', json: false }),
    );
    if (!taken) return;
    if (taken.has('status500')) {
      finish({
        status: 500,
        body: JSON.stringify('Internal Server Error'),
        contentType: 'application/json; charset=utf-8',
        json: false,
      });
      return;
    }

    if (!underRoot) {
      finish({
        status: 404,
        body: '404 page not found\n',
        contentType: 'text/plain; charset=utf-8',
        json: false,
      });
      return;
    }

    // Auth.
    const authHeader = req.headers.authorization;
    if (authHeader === undefined) {
      finish({
        status: 401,
        body: '',
        contentType: null,
        json: false,
        headers: { 'X-Authorization-Missing': 'true' },
      });
      return;
    }
    const user = authenticate(authHeader);
    if (!user) {
      finish(errorReply(403, 'Incorrect username and/or password'));
      return;
    }
    record.userId = user.id;

    const target = bucketOf(path, user);
    if (target === 'forbidden') {
      finish(errorReply(403, 'User does not have access to this resource.'));
      return;
    }
    record.bucket = target.bucket;
    record.organizationId = target.organizationId;

    // Burst limit (leaky bucket ≈ N per second), before the hourly quota.
    if (config.burst) {
      let w = bursts.get(user.id);
      if (!w) {
        w = new SlidingWindow(1000);
        bursts.set(user.id, w);
      }
      if (w.count(arrivedAt) >= config.burst.perSecond) {
        finish({
          status: 429,
          body: 'Too Many Requests',
          contentType: 'text/plain; charset=utf-8',
          json: false,
          headers: config.burst.retryAfter ? { 'Retry-After': '1' } : {},
        });
        return;
      }
      w.hit(arrivedAt);
    }

    // Hourly quota.
    const isQuotaCall = method === 'GET' && path === '/me/quota';
    const counts402 = !isQuotaCall || config.quota.quotaEndpointCounts;
    const window = windowFor(user.id, target.organizationId);
    const limit = quotaLimit(user.id, target.organizationId);
    if (counts402 && window.count(arrivedAt) >= limit) {
      const resetsIn = Math.ceil(window.resetsInMs(arrivedAt) / 1000);
      record.notes.push('quota');
      counts.quota402 += 1;
      finish({
        status: 402,
        body: `You have hit your hourly limit for API calls. The quota will reset in ${resetsIn} seconds.`,
        contentType: 'text/plain; charset=utf-8',
        json: false,
        headers: {
          'X-Toggl-Quota-Remaining': String(Math.min(0, limit - window.count(arrivedAt))),
          'X-Toggl-Quota-Resets-In': String(resetsIn),
        },
      });
      return;
    }
    if (counts402) {
      window.hit(arrivedAt);
      record.counted = true;
    }
    const quotaHeaders = {
      'X-Toggl-Quota-Remaining': String(limit - window.count(arrivedAt)),
      'X-Toggl-Quota-Resets-In': String(Math.ceil(window.resetsInMs(arrivedAt) / 1000)),
    };

    const plan = plan402.find((p) => p.remaining > 0 && matchesPattern(p.pattern, method, path));
    if (plan) {
      plan.remaining -= 1;
      record.notes.push('plan');
      counts.plan402 += 1;
      finish({
        status: 402,
        body: JSON.stringify(
          'Request tried to utilized Premium functionality on workspace which is not Premium!',
        ),
        contentType: 'application/json; charset=utf-8',
        json: false,
        headers: quotaHeaders,
      });
      return;
    }

    // Route.
    let reply: Reply | null = null;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        reply = reply ?? errorReply(405, 'Method Not Allowed');
        continue;
      }
      try {
        const value = r.handler({
          user,
          method,
          params: m.slice(1),
          query: record.query,
          body,
          now: arrivedAt,
        });
        reply =
          value === undefined
            ? { status: 200, body: '', contentType: null, json: false }
            : {
                status: 200,
                body: JSON.stringify(value),
                contentType: 'application/json; charset=utf-8',
                json: true,
              };
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        reply = errorReply(error.status, error.message);
      }
      break;
    }
    reply = reply ?? {
      status: 404,
      body: '404 page not found\n',
      contentType: 'text/plain; charset=utf-8',
      json: false,
    };
    reply.headers = { ...reply.headers, ...quotaHeaders };

    const shapeApplies = reply.status < 300;
    if (shapeApplies && taken.has('wrongShape'))
      reply.contentType = 'application/json; charset=utf-8';
    reply.body = spoilBody(taken, reply.body, shapeApplies);
    finish(reply);
  };

  const server = await startLoopbackServer(handle);

  return {
    baseUrl: `${server.origin}${API_ROOT}`,
    origin: server.origin,
    config,
    configure,
    close: () => server.close(),

    addUser,
    addWorkspace,
    addClient,
    addProject,
    addTask,
    addEntry: (userId, input = {}) => createEntry(userId, input, 'fake-seed'),

    runningEntry: runningOf,
    entries: entriesOf,
    entry: (id) => entries.get(id),
    project: (id) => projects.get(id),
    task: (id) => tasks.get(id),
    workspace: (id) => workspaces.get(id),
    wireEntry: (id) => entryWire(mustEntry(id)),

    remoteStart: (userId, input = {}) => createEntry(userId, input, 'Toggl Track web'),
    remoteStop: (userId) => {
      const running = runningOf(userId);
      if (!running) return null;
      running.stop = Math.max(running.start, wholeSeconds(now()));
      running.at = now();
      return running;
    },
    remoteEdit: (entryId, patch) => applyPatch(mustEntry(entryId), patch),
    remoteDelete: (entryId) => {
      const entry = mustEntry(entryId);
      entry.deletedAt = now();
      entry.at = now();
    },
    remoteEditProject: (projectId, patch) => {
      const project = mustGet(projects, projectId, `fake Toggl: no project ${projectId}`);
      Object.assign(project, patch, { at: now() });
      return project;
    },

    fault: (kind, pattern, opts) => faults.add(kind, pattern, opts),
    clearFaults: (kind) => faults.clear(kind),
    redirect: (pattern, to, opts = {}) =>
      void redirects.push({ pattern, to, remaining: opts.times ?? Number.POSITIVE_INFINITY }),
    planFeature402: (pattern, opts = {}) =>
      void plan402.push({ pattern, remaining: opts.times ?? Number.POSITIVE_INFINITY }),
    clearSwitches: () => {
      faults.clear();
      redirects.length = 0;
      plan402.length = 0;
    },

    get requests() {
      return log.entries;
    },
    requestsBy: (filter = {}) => log.by(filter),
    get counts() {
      return { ...counts };
    },
    maxRequestsInWindow: (filter = {}) => log.maxInWindow(filter),
    clearRequests: () => {
      log.clear();
      counts.status402 = counts.quota402 = counts.plan402 = counts.status429 = 0;
    },
    quota: (userId, organizationId = null) => quotaView(userId, organizationId),
    resetQuotas: () => {
      windows.clear();
      bursts.clear();
    },
  };
}
