/**
 * A fake WebWork Time Tracker REST API v2 server for provider tests and the workday benchmark,
 * faithful to providers.md §3 (../shared/docs) and the seed pages for
 * GET /time-tracking/current-data (../shared/seeds/000_…) and POST /time-tracking/start
 * (../shared/seeds/002_…). It speaks real HTTP on 127.0.0.1 so the provider's own HTTP client is
 * tested.
 *
 *   const fake = await startFakeWebWork({ now: () => clock.now() });
 *   const ws = fake.addWorkspace({ name: 'ACME' });
 *   const ann = fake.addUser({ email: 'ann@example.com', token: 'tok-ann' });
 *   fake.addMember(ws.id, ann.id, 'Owner');
 *   const site = fake.addProject({ workspaceId: ws.id, name: 'Site' });
 *   const c = fake.addContract({ userId: ann.id, projectId: site.id });
 *   const t = fake.addTask({ projectId: site.id, title: 'Design' });
 *   // provider under test uses fake.baseUrl ("http://127.0.0.1:PORT/api/v2") and
 *   // Authorization: Bearer tok-ann
 *   fake.remoteStart(bob.id, ws.id, { source: 'desktop' }); // "another app": not logged
 *   await fake.close();
 *
 * Routes (below /api/v2): GET /workspaces; GET /members?workspace_id&email&status&role&page&
 * per_page; GET /members/:id?workspace_id; GET /projects?workspace_id&name&status&page&per_page;
 * GET /contracts?workspace_id&project_id&user_id&status&page&per_page; GET /tasks?workspace_id&
 * project_id&status&priority&page&per_page; GET /time-tracking/current-data?workspace_id&user_id;
 * POST /time-tracking/start; POST /time-tracking/stop.
 *
 * Every answer is the envelope `{success, data?, message?, errors?|error?, meta:{api_version:
 * "2.0.0", timestamp}}` with `Content-Type: application/json`; errors are `{success:false,
 * message, error:null, meta}` (422: `{success:false, message:"Validation failed", errors:{field:
 * [msg]}, meta}`). Lists carry `meta.pagination:{total, per_page, current_page, last_page}`,
 * except contracts, which put `pagination:{current_page, per_page, total, last_page}` at the top
 * level (as providers.md §3.1 says they do).
 *
 * Order of checks: faults (slow, reset, html502, status500) → auth (401) → rate limit (429) →
 * route (404/405) → body JSON (400) → the route's own checks.
 *
 * Chosen where the docs are silent (UNCONFIRMED, each changeable in one place):
 * - 401 body `{success:false, message:"Unauthenticated.", error:null, meta}` for a missing,
 *   unknown or revoked Bearer token (Laravel's wording). `addUser` without `token` gets a
 *   generated one (`ww-<id>-<n>`), so every user can call.
 * - Rate limit: `ratePerMinute` (60) per authenticated user in a sliding 60 s window of the
 *   virtual clock. Over it → 429 `{success:false, message:"Too Many Attempts.", error:null, meta}`
 *   with `Retry-After` (whole seconds until the oldest counted request leaves the window, ≥ 1),
 *   `X-RateLimit-Limit` and `X-RateLimit-Remaining: 0`. Refused (429) requests do not count, nor
 *   do requests that a gateway fault (reset, html502, status500) answered; 401s are not counted
 *   (no user). `X-RateLimit-Limit`/`-Remaining` are on every answer that passed the check.
 * - "Manager" = Owner or Executive manager of the workspace. Team manager, Project manager,
 *   Regular User and Project viewer are treated alike: /members shows only themselves,
 *   /projects only projects they hold a contract in (any contract status), /contracts only their
 *   own (asking for another `user_id` → 403), /tasks only for a project they hold a contract in
 *   (else 403).
 * - A caller without an active membership in `workspace_id` (or an unknown workspace) → 403
 *   "You do not have access to this workspace." on every workspace-scoped route.
 * - `page` ≥ 1 (default 1), `per_page` 1…100 (default 20); out of range or not an integer →
 *   422 with `errors.page`/`errors.per_page`. A page past the end is an empty list;
 *   `last_page` is at least 1. Lists are ordered by id.
 * - Filters: members `email` exact, case-insensitive; `status` active|archived and `role` (one
 *   of the six role names, case-insensitive) else 422. Projects `name` is a case-insensitive
 *   substring; `status` active|archived. Contracts `status` active|paused else 422. Tasks
 *   `status` 0|10|20|30 and `priority` 10|20|30|40 else 422; `project_id` must be a project of
 *   the workspace (else 404 "Project not found").
 * - current-data: managers may ask for anyone; anyone may ask for themselves; else 403 "Only
 *   workspace owners and executive managers can view tracker data of other members.". A target
 *   that is not a member (any status) → 404 "User is not a member of this workspace.". The idle
 *   answer follows `idleForm` (see the config). `message` "Current tracker data retrieved
 *   successfully". `date` is today in `timeZone` (the owner's zone). Timeline minutes are a
 *   plain per (user, workspace) counter: they do not roll over at midnight, and a stopped
 *   tracker adds its whole seconds to it (so `total_minutes` after stop = floor(all/60)).
 * - One tracker per user across all workspaces: starting in another workspace while one runs is
 *   "already tracking"; `tracker(u, ws)` shows it only for its own workspace. A desktop tracker
 *   is invisible to current-data but still blocks a start (400) and can be stopped by the API.
 * - Start checks, in order: body fields (422: workspace_id/user_id required integers,
 *   task_id only with contract_id, contract_id required in variant B, activity_description a
 *   string ≤ 255 chars) → caller's access to the workspace (403) → acting for another user
 *   without being a manager (403 "Only workspace owners and executive managers can start or stop
 *   tracking for other members.") → target not a member (404) → contract (422 errors.contract_id:
 *   unknown or in another workspace "The selected contract id is invalid.", another user's "The
 *   contract does not belong to this user.", paused "The contract is paused.", archived project
 *   "The project of this contract is archived.") → task (422 errors.task_id: unknown "The
 *   selected task id is invalid.", other project "The task must belong to the project of the
 *   contract.") → already tracking (400). Integers may come as numbers or digit strings; body
 *   only (the query string is ignored on POST).
 * - Start 200 `data` carries the later revision's extra fields (`user_id, user_name,
 *   user_email, project_name`); `start_time` is now in whole seconds, `+00:00` form. `user_name`
 *   is "firstname lastname".
 * - Stop: a body with neither `workspace_id` nor `user_id` (empty, `{}`, or no body) stops the
 *   caller's own tracker wherever it runs; a body with either needs both (422) and follows the
 *   start's access rules. Both forms work in both variants. 200 `data:{message:"Time tracking
 *   stopped successfully", stopped_at}` plus the same top-level `message` (covers both doc
 *   variants); `stopped_at` in the `+00:00` form.
 * - Unknown route → 404 "Not found"; known path, other method → 405 "Method not allowed." (JSON
 *   envelope). A body that is not a JSON object → 400 "The request body is not valid JSON.".
 * - `meta.timestamp` is the request's virtual-clock time as `toISOString()` (`…T10:30:00.000Z`).
 * - Not modelled: variant B's "forwarded to the background service" lag (start/stop take effect
 *   at once), webhooks, /time-entries, /reports/daily-timeline, OAuth, token expiry by age.
 * - Faults (`fault(kind, pattern)`, patterns match the path below /api/v2): slow (ms, then
 *   normal), reset, html502 (HTML gateway page, 502), status500 (envelope 500 "Server Error"),
 *   truncatedJson, wrongShape (`{"oops":1}` unless `body`). The log's `callerId` is filled even
 *   for faulted requests when the token is valid.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FaultBoard,
  RequestLog,
  SlidingWindow,
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
export type WwRole =
  | 'Owner'
  | 'Executive manager'
  | 'Team manager'
  | 'Project manager'
  | 'Regular User'
  | 'Project viewer';
export type Variant = 'A' | 'B'; // providers.md §3.3
export type IdleForm = 'error-404' | 'error-400' | 'empty-200';

export interface FakeWebWorkConfig {
  /** Epoch ms (tests inject a virtual clock). */
  now: () => number;
  /** Default 'A'. Variant B requires `contract_id` on start. */
  variant: Variant;
  /** How current-data answers when nothing runs; default 'error-404'. */
  idleForm: IdleForm;
  /** Default 60, per authenticated user, sliding 60 s window; over → 429. */
  ratePerMinute: number;
  /** Workspace owner's zone for `date` fields; default 'UTC'. */
  timeZone: string;
}

export interface FakeWorkspace {
  id: number;
  name: string;
}
export interface FakeUser {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  tokens: Set<string>;
}
export interface FakeMembership {
  workspaceId: number;
  userId: number;
  role: WwRole;
  status: 'active' | 'archived';
}
export interface FakeProject {
  id: number;
  workspaceId: number;
  name: string;
  status: 'active' | 'archived';
}
export interface FakeContract {
  id: number;
  userId: number;
  projectId: number;
  workspaceId: number;
  status: 'active' | 'paused';
}
export interface FakeTask {
  id: number;
  projectId: number;
  title: string;
  status: 0 | 10 | 20 | 30;
  /** Addition: 10 Urgent … 40 Low; default 30. */
  priority: 10 | 20 | 30 | 40;
}
export interface FakeTracker {
  userId: number;
  workspaceId: number;
  contractId: number | null;
  taskId: number | null;
  description: string | null;
  /** Epoch ms, whole seconds. */
  start: number;
  source: 'api' | 'browser' | 'desktop';
}

export interface LoggedRequest {
  method: string;
  /** Below /api/v2, no query. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body or null; never contains the token. */
  body: unknown;
  bodyKeys: string[];
  /** HTTP status; 0 = reset. */
  status: number;
  /** `success` from the envelope sent; null for non-JSON answers (HTML, truncated, reset). */
  success: boolean | null;
  at: number;
  callerId: number | null;
  /** Fault kinds applied. */
  notes: string[];
}

export interface RequestFilter extends RequestFilterBase {
  status?: number;
  callerId?: number;
}

export interface FakeWebWork {
  /** `http://127.0.0.1:PORT/api/v2` */
  readonly baseUrl: string;
  readonly origin: string;
  readonly config: FakeWebWorkConfig;
  configure(patch: Partial<FakeWebWorkConfig>): void;
  close(): Promise<void>;

  addWorkspace(input: { name: string; id?: number }): FakeWorkspace;
  addUser(input: {
    email: string;
    token?: string;
    firstname?: string;
    lastname?: string;
    id?: number;
  }): FakeUser;
  /** Adds or updates the membership. */
  addMember(
    workspaceId: number,
    userId: number,
    role: WwRole,
    status?: 'active' | 'archived',
  ): FakeMembership;
  addProject(input: {
    workspaceId: number;
    name: string;
    id?: number;
    status?: 'active' | 'archived';
  }): FakeProject;
  addContract(input: {
    userId: number;
    projectId: number;
    id?: number;
    status?: 'active' | 'paused';
  }): FakeContract;
  addTask(input: {
    projectId: number;
    title: string;
    id?: number;
    status?: 0 | 10 | 20 | 30;
    /** Addition. */
    priority?: 10 | 20 | 30 | 40;
  }): FakeTask;
  /** Minutes already on today's Timeline for the user (added to total_minutes). */
  setTimelineMinutes(userId: number, workspaceId: number, minutes: number): void;
  /** Addition: whole minutes on the Timeline (stopped trackers included, running one not). */
  timelineMinutes(userId: number, workspaceId: number): number;
  /** Then 401. */
  revokeToken(token: string): void;
  tracker(userId: number, workspaceId: number): FakeTracker | null;
  /**
   * Someone starts/stops in the browser or desktop app: not logged, no rate limit. A 'desktop'
   * tracker is invisible to current-data (providers.md §3.3). A tracker already running for the
   * user (in any workspace) is stopped first and its time goes to the Timeline.
   */
  remoteStart(
    userId: number,
    workspaceId: number,
    input?: {
      contractId?: number;
      taskId?: number;
      description?: string;
      source?: 'browser' | 'desktop';
      start?: number;
    },
  ): FakeTracker;
  remoteStop(userId: number, workspaceId: number): FakeTracker | null;

  fault(kind: FaultKind, pattern?: PathPattern, options?: FaultOptions): void;
  clearFaults(kind?: FaultKind): void;

  readonly requests: readonly LoggedRequest[];
  requestsBy(filter?: RequestFilter): LoggedRequest[];
  /** Most requests matching `filter` in any `windowMs` (default 60 000 ms). */
  maxRequestsInWindow(filter?: RequestFilter & { windowMs?: number }): number;
  clearRequests(): void;
}

// ---------------------------------------------------------------------------------------------
// Constants and helpers
// ---------------------------------------------------------------------------------------------
const API_ROOT = '/api/v2';
const API_VERSION = '2.0.0';
const RATE_WINDOW_MS = 60_000;
const ROLES: readonly WwRole[] = [
  'Owner',
  'Executive manager',
  'Team manager',
  'Project manager',
  'Regular User',
  'Project viewer',
];
const MAX_DESCRIPTION = 255;

export const MESSAGES = {
  unauthenticated: 'Unauthenticated.',
  tooMany: 'Too Many Attempts.',
  serverError: 'Server Error',
  notFound: 'Not found',
  methodNotAllowed: 'Method not allowed.',
  invalidJson: 'The request body is not valid JSON.',
  validation: 'Validation failed',
  noWorkspaceAccess: 'You do not have access to this workspace.',
  notAMember: 'User is not a member of this workspace.',
  currentDataForbidden:
    'Only workspace owners and executive managers can view tracker data of other members.',
  actForOthersForbidden:
    'Only workspace owners and executive managers can start or stop tracking for other members.',
  othersContractsForbidden:
    "Only workspace owners and executive managers can view other members' contracts.",
  othersMemberForbidden: 'Only workspace owners and executive managers can view other members.',
  projectTasksForbidden: 'You do not have a contract in this project.',
  noActiveTracker: 'No active tracker found for this user',
  alreadyTracking: 'User is already tracking time. Stop the current tracker first.',
  notTracking: 'User does not have an active tracker.',
  started: 'Time tracking started successfully',
  stopped: 'Time tracking stopped successfully',
  currentData: 'Current tracker data retrieved successfully',
  taskWithoutContract: 'The task id can only be provided together with a contract id.',
} as const;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string[]> | null = null,
  ) {
    super(message);
  }
}

function fail(status: number, message: string): never {
  throw new ApiError(status, message);
}

function invalid(errors: Record<string, string[]>): never {
  throw new ApiError(422, MESSAGES.validation, errors);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer given as a JSON number or a digit string (Laravel's `integer` rule); else null. */
function intValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const label = (field: string): string => field.replace(/_/g, ' ');

/** `2024-01-15T10:30:00+00:00`, whole seconds. */
export function isoOffset(epoch: number): string {
  return new Date(Math.floor(epoch / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `yyyy-mm-dd` of `epoch` in the IANA zone `tz`; throws for an unknown zone. */
export function localDay(epoch: number, tz: string): string {
  let dtf = dayFormats.get(tz);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(tz, dtf);
  }
  const parts: Record<string, string> = {};
  for (const p of dtf.formatToParts(new Date(epoch))) parts[p.type] = p.value;
  return `${parts.year ?? '1970'}-${parts.month ?? '01'}-${parts.day ?? '01'}`;
}

interface Pagination {
  total: number;
  per_page: number;
  current_page: number;
  last_page: number;
}

interface Ok {
  data: unknown;
  message: string;
  pagination?: Pagination;
  /** Contracts put `pagination` at the top level instead of in `meta`. */
  paginationAtTop?: boolean;
}

interface RouteContext {
  caller: FakeUser;
  q: Record<string, string>;
  /** The parsed JSON body, or null when none was sent. */
  body: Record<string, unknown> | null;
  params: string[];
  now: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  handler: (ctx: RouteContext) => Ok;
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------
export async function startFakeWebWork(
  options: Partial<FakeWebWorkConfig> = {},
): Promise<FakeWebWork> {
  const config: FakeWebWorkConfig = {
    now: Date.now,
    variant: 'A',
    idleForm: 'error-404',
    ratePerMinute: 60,
    timeZone: 'UTC',
  };
  const configure = (patch: Partial<FakeWebWorkConfig>): void => {
    if (patch.timeZone !== undefined) localDay(0, patch.timeZone); // throws for a bad zone
    if (patch.ratePerMinute !== undefined && !(patch.ratePerMinute >= 0))
      throw new Error('fake WebWork: ratePerMinute must be ≥ 0');
    if (patch.now) config.now = patch.now;
    if (patch.variant) config.variant = patch.variant;
    if (patch.idleForm) config.idleForm = patch.idleForm;
    if (patch.ratePerMinute !== undefined) config.ratePerMinute = patch.ratePerMinute;
    if (patch.timeZone !== undefined) config.timeZone = patch.timeZone;
  };
  configure(options);
  const now = (): number => config.now();

  // ---- state ----
  let nextId = 1;
  const ids = {
    workspace: () => 1_000 + nextId++,
    user: () => 45_000 + nextId++,
    project: () => 10_000 + nextId++,
    contract: () => 598_000 + nextId++,
    task: () => 3_917_000 + nextId++,
  };
  const workspaces = new Map<number, FakeWorkspace>();
  const users = new Map<number, FakeUser>();
  const memberships = new Map<string, FakeMembership>();
  const projects = new Map<number, FakeProject>();
  const contracts = new Map<number, FakeContract>();
  const tasks = new Map<number, FakeTask>();
  /** One tracker per user, across workspaces. */
  const trackers = new Map<number, FakeTracker>();
  /** Timeline seconds per `${userId}:${workspaceId}`. */
  const timeline = new Map<string, number>();
  const windows = new Map<number, SlidingWindow>();
  const faults = new FaultBoard();
  const log = new RequestLog<LoggedRequest, RequestFilter>(['status', 'callerId'], RATE_WINDOW_MS);

  const key = (userId: number, workspaceId: number): string => `${userId}:${workspaceId}`;
  const membership = (workspaceId: number, userId: number): FakeMembership | undefined =>
    memberships.get(key(userId, workspaceId));
  const mustUser = (id: number): FakeUser => mustGet(users, id, `fake WebWork: no user ${id}`);
  const mustWorkspace = (id: number): FakeWorkspace =>
    mustGet(workspaces, id, `fake WebWork: no workspace ${id}`);
  const isManager = (role: WwRole | undefined): boolean =>
    role === 'Owner' || role === 'Executive manager';

  const addWorkspace: FakeWebWork['addWorkspace'] = (input) => {
    const ws = { id: input.id ?? ids.workspace(), name: input.name };
    workspaces.set(ws.id, ws);
    return ws;
  };

  const addUser: FakeWebWork['addUser'] = (input) => {
    const id = input.id ?? ids.user();
    const local = input.email.split('@')[0] ?? 'user';
    const user: FakeUser = {
      id,
      email: input.email,
      firstname: input.firstname ?? local.charAt(0).toUpperCase() + local.slice(1),
      lastname: input.lastname ?? '',
      tokens: new Set([input.token ?? `ww-${id}-${nextId++}`]),
    };
    users.set(id, user);
    return user;
  };

  const addMember: FakeWebWork['addMember'] = (workspaceId, userId, role, status = 'active') => {
    mustWorkspace(workspaceId);
    mustUser(userId);
    const m: FakeMembership = { workspaceId, userId, role, status };
    memberships.set(key(userId, workspaceId), m);
    return m;
  };

  const addProject: FakeWebWork['addProject'] = (input) => {
    mustWorkspace(input.workspaceId);
    const p: FakeProject = {
      id: input.id ?? ids.project(),
      workspaceId: input.workspaceId,
      name: input.name,
      status: input.status ?? 'active',
    };
    projects.set(p.id, p);
    return p;
  };

  const addContract: FakeWebWork['addContract'] = (input) => {
    mustUser(input.userId);
    const project = projects.get(input.projectId);
    if (!project) throw new Error(`fake WebWork: no project ${input.projectId}`);
    const c: FakeContract = {
      id: input.id ?? ids.contract(),
      userId: input.userId,
      projectId: project.id,
      workspaceId: project.workspaceId,
      status: input.status ?? 'active',
    };
    contracts.set(c.id, c);
    return c;
  };

  const addTask: FakeWebWork['addTask'] = (input) => {
    if (!projects.has(input.projectId))
      throw new Error(`fake WebWork: no project ${input.projectId}`);
    const t: FakeTask = {
      id: input.id ?? ids.task(),
      projectId: input.projectId,
      title: input.title,
      status: input.status ?? 0,
      priority: input.priority ?? 30,
    };
    tasks.set(t.id, t);
    return t;
  };

  const elapsedSeconds = (t: FakeTracker, at: number): number =>
    Math.max(0, Math.floor((at - t.start) / 1000));

  /** Ends the user's tracker (wherever it runs) and books its time on that workspace's Timeline. */
  const stopTracker = (userId: number, at: number): FakeTracker | null => {
    const t = trackers.get(userId);
    if (!t) return null;
    trackers.delete(userId);
    const k = key(userId, t.workspaceId);
    timeline.set(k, (timeline.get(k) ?? 0) + elapsedSeconds(t, at));
    return t;
  };

  const startTracker = (t: Omit<FakeTracker, 'start'>, start: number): FakeTracker => {
    const tracker: FakeTracker = { ...t, start: Math.floor(start / 1000) * 1000 };
    trackers.set(t.userId, tracker);
    return tracker;
  };

  const trackerIn = (userId: number, workspaceId: number): FakeTracker | null => {
    const t = trackers.get(userId);
    return t && t.workspaceId === workspaceId ? t : null;
  };

  // ---- wire shapes ----
  const userName = (u: FakeUser): string => `${u.firstname} ${u.lastname}`.trim();

  const memberWire = (m: FakeMembership): Record<string, unknown> => {
    const u = mustUser(m.userId);
    return {
      id: u.id,
      email: u.email,
      firstname: u.firstname,
      lastname: u.lastname,
      role: m.role,
      status: m.status,
    };
  };

  const projectWire = (p: FakeProject): Record<string, unknown> => ({
    id: p.id,
    name: p.name,
    status: p.status,
    workspace_id: p.workspaceId,
  });

  const contractWire = (c: FakeContract): Record<string, unknown> => ({
    id: c.id,
    user_id: c.userId,
    project_id: c.projectId,
    rate: null,
    weekly_hours_limit: null,
    screenshots: true,
    status: c.status,
  });

  const taskWire = (t: FakeTask): Record<string, unknown> => ({
    id: t.id,
    title: t.title,
    description: null,
    project_id: t.projectId,
    status: t.status,
    priority: t.priority,
    assignees: [],
  });

  // ---- parameter checks ----
  const requireInts = (
    source: Record<string, unknown>,
    fields: readonly string[],
  ): Record<string, number> => {
    const errors: Record<string, string[]> = {};
    const out: Record<string, number> = {};
    for (const f of fields) {
      const raw = source[f];
      if (isBlank(raw)) errors[f] = [`The ${label(f)} field is required.`];
      else {
        const n = intValue(raw);
        if (n === null) errors[f] = [`The ${label(f)} must be an integer.`];
        else out[f] = n;
      }
    }
    if (Object.keys(errors).length > 0) invalid(errors);
    return out;
  };

  const optionalInt = (q: Record<string, string>, field: string): number | null => {
    const raw = q[field];
    if (isBlank(raw)) return null;
    const n = intValue(raw);
    if (n === null) invalid({ [field]: [`The ${label(field)} must be an integer.`] });
    return n;
  };

  const oneOf = <T extends string | number>(
    q: Record<string, string>,
    field: string,
    allowed: readonly T[],
    parse: (raw: string) => T | undefined,
  ): T | null => {
    const raw = q[field];
    if (isBlank(raw) || raw === undefined) return null;
    const value = parse(raw.trim());
    if (value === undefined || !allowed.includes(value))
      invalid({ [field]: [`The selected ${label(field)} is invalid.`] });
    return value;
  };

  /** The caller's active membership in the workspace, or 403. */
  const access = (caller: FakeUser, workspaceId: number): FakeMembership => {
    const m = workspaces.has(workspaceId) ? membership(workspaceId, caller.id) : undefined;
    if (!m || m.status !== 'active') fail(403, MESSAGES.noWorkspaceAccess);
    return m;
  };

  const paginate = <T>(
    items: readonly T[],
    q: Record<string, string>,
  ): { page: T[]; pagination: Pagination } => {
    const errors: Record<string, string[]> = {};
    const page = isBlank(q.page) ? 1 : intValue(q.page);
    const perPage = isBlank(q.per_page) ? 20 : intValue(q.per_page);
    if (page === null || page < 1) errors.page = ['The page must be at least 1.'];
    if (perPage === null || perPage < 1) errors.per_page = ['The per page must be at least 1.'];
    else if (perPage > 100) errors.per_page = ['The per page may not be greater than 100.'];
    if (Object.keys(errors).length > 0 || page === null || perPage === null) invalid(errors);
    return {
      page: items.slice((page - 1) * perPage, page * perPage),
      pagination: {
        total: items.length,
        per_page: perPage,
        current_page: page,
        last_page: Math.max(1, Math.ceil(items.length / perPage)),
      },
    };
  };

  const list = <T>(
    items: T[],
    q: Record<string, string>,
    wire: (item: T) => unknown,
    message: string,
  ): Ok => {
    const { page, pagination } = paginate(items, q);
    return { data: page.map(wire), message, pagination };
  };

  // ---- routes ----
  const routes: Route[] = [];
  const route = (method: string, path: string, handler: Route['handler']): void => {
    const source = path
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg))
      .join('/');
    routes.push({ method, pattern: new RegExp(`^${source}/?$`), handler });
  };

  route('GET', '/workspaces', (ctx) => ({
    data: [...memberships.values()]
      .filter((m) => m.userId === ctx.caller.id && m.status === 'active')
      .map((m) => ({ m, w: workspaces.get(m.workspaceId) }))
      .filter((x): x is { m: FakeMembership; w: FakeWorkspace } => x.w !== undefined)
      .sort((a, b) => a.w.id - b.w.id)
      .map(({ m, w }) => ({ id: w.id, name: w.name, role: m.role })),
    message: 'Workspaces retrieved successfully',
  }));

  route('GET', '/members', (ctx) => {
    const { workspace_id: wsId = 0 } = requireInts(ctx.q, ['workspace_id']);
    const email = ctx.q.email?.trim().toLowerCase();
    const status = oneOf(ctx.q, 'status', ['active', 'archived'] as const, (s) =>
      s === 'active' || s === 'archived' ? s : undefined,
    );
    const role = oneOf(ctx.q, 'role', ROLES, (s) =>
      ROLES.find((r) => r.toLowerCase() === s.toLowerCase()),
    );
    const mine = access(ctx.caller, wsId);
    const items = [...memberships.values()]
      .filter((m) => m.workspaceId === wsId)
      .filter((m) => isManager(mine.role) || m.userId === ctx.caller.id)
      .filter((m) => !email || mustUser(m.userId).email.toLowerCase() === email)
      .filter((m) => status === null || m.status === status)
      .filter((m) => role === null || m.role === role)
      .sort((a, b) => a.userId - b.userId);
    return list(items, ctx.q, memberWire, 'Members retrieved successfully');
  });

  route('GET', '/members/:id', (ctx) => {
    const { workspace_id: wsId = 0 } = requireInts(ctx.q, ['workspace_id']);
    const mine = access(ctx.caller, wsId);
    const id = intValue(ctx.params[0]);
    if (id !== ctx.caller.id && !isManager(mine.role)) fail(403, MESSAGES.othersMemberForbidden);
    const m = id === null ? undefined : membership(wsId, id);
    if (!m) fail(404, 'Member not found');
    return { data: memberWire(m), message: 'Member retrieved successfully' };
  });

  /** Project ids the user holds a contract in (any contract status). */
  const contractedProjects = (userId: number): Set<number> =>
    new Set([...contracts.values()].filter((c) => c.userId === userId).map((c) => c.projectId));

  route('GET', '/projects', (ctx) => {
    const { workspace_id: wsId = 0 } = requireInts(ctx.q, ['workspace_id']);
    const status = oneOf(ctx.q, 'status', ['active', 'archived'] as const, (s) =>
      s === 'active' || s === 'archived' ? s : undefined,
    );
    const mine = access(ctx.caller, wsId);
    const name = ctx.q.name?.trim().toLowerCase();
    const visible = isManager(mine.role) ? null : contractedProjects(ctx.caller.id);
    const items = [...projects.values()]
      .filter((p) => p.workspaceId === wsId)
      .filter((p) => visible === null || visible.has(p.id))
      .filter((p) => !name || p.name.toLowerCase().includes(name))
      .filter((p) => status === null || p.status === status)
      .sort((a, b) => a.id - b.id);
    return list(items, ctx.q, projectWire, 'Projects retrieved successfully');
  });

  route('GET', '/contracts', (ctx) => {
    const { workspace_id: wsId = 0 } = requireInts(ctx.q, ['workspace_id']);
    const projectId = optionalInt(ctx.q, 'project_id');
    const userId = optionalInt(ctx.q, 'user_id');
    const status = oneOf(ctx.q, 'status', ['active', 'paused'] as const, (s) =>
      s === 'active' || s === 'paused' ? s : undefined,
    );
    const mine = access(ctx.caller, wsId);
    const manager = isManager(mine.role);
    if (!manager && userId !== null && userId !== ctx.caller.id)
      fail(403, MESSAGES.othersContractsForbidden);
    const items = [...contracts.values()]
      .filter((c) => c.workspaceId === wsId)
      .filter((c) => manager || c.userId === ctx.caller.id)
      .filter((c) => projectId === null || c.projectId === projectId)
      .filter((c) => userId === null || c.userId === userId)
      .filter((c) => status === null || c.status === status)
      .sort((a, b) => a.id - b.id);
    const { page, pagination } = paginate(items, ctx.q);
    return {
      data: page.map(contractWire),
      message: 'Contracts retrieved successfully',
      pagination,
      paginationAtTop: true,
    };
  });

  route('GET', '/tasks', (ctx) => {
    const { workspace_id: wsId = 0, project_id: projectId = 0 } = requireInts(ctx.q, [
      'workspace_id',
      'project_id',
    ]);
    const status = oneOf(ctx.q, 'status', [0, 10, 20, 30] as const, (s) => {
      const n = intValue(s);
      return n === 0 || n === 10 || n === 20 || n === 30 ? n : undefined;
    });
    const priority = oneOf(ctx.q, 'priority', [10, 20, 30, 40] as const, (s) => {
      const n = intValue(s);
      return n === 10 || n === 20 || n === 30 || n === 40 ? n : undefined;
    });
    const mine = access(ctx.caller, wsId);
    const project = projects.get(projectId);
    if (!project || project.workspaceId !== wsId) fail(404, 'Project not found');
    if (!isManager(mine.role) && !contractedProjects(ctx.caller.id).has(project.id))
      fail(403, MESSAGES.projectTasksForbidden);
    const items = [...tasks.values()]
      .filter((t) => t.projectId === project.id)
      .filter((t) => status === null || t.status === status)
      .filter((t) => priority === null || t.priority === priority)
      .sort((a, b) => a.id - b.id);
    return list(items, ctx.q, taskWire, 'Tasks retrieved successfully');
  });

  route('GET', '/time-tracking/current-data', (ctx) => {
    const { workspace_id: wsId = 0, user_id: userId = 0 } = requireInts(ctx.q, [
      'workspace_id',
      'user_id',
    ]);
    const mine = access(ctx.caller, wsId);
    if (userId !== ctx.caller.id && !isManager(mine.role)) fail(403, MESSAGES.currentDataForbidden);
    if (!membership(wsId, userId)) fail(404, MESSAGES.notAMember);
    const date = localDay(ctx.now, config.timeZone);
    const booked = timeline.get(key(userId, wsId)) ?? 0;
    const t = trackerIn(userId, wsId);
    if (!t || t.source === 'desktop') {
      if (config.idleForm === 'error-404') fail(404, MESSAGES.noActiveTracker);
      if (config.idleForm === 'error-400') fail(400, MESSAGES.noActiveTracker);
      return {
        data: {
          contract_id: null,
          user_id: userId,
          activity_description: null,
          task_id: null,
          task_title: null,
          total_seconds: 0,
          total_minutes: Math.floor(booked / 60),
          date,
        },
        message: MESSAGES.currentData,
      };
    }
    const all = booked + elapsedSeconds(t, ctx.now);
    return {
      data: {
        contract_id: t.contractId,
        user_id: userId,
        activity_description: t.description,
        task_id: t.taskId,
        task_title: t.taskId === null ? null : (tasks.get(t.taskId)?.title ?? null),
        total_seconds: all % 60,
        total_minutes: Math.floor(all / 60),
        date,
      },
      message: MESSAGES.currentData,
    };
  });

  /** Access for start/stop on behalf of `userId`: 403 / 404 as documented in the header. */
  const actFor = (caller: FakeUser, wsId: number, userId: number): FakeUser => {
    const mine = access(caller, wsId);
    if (userId !== caller.id && !isManager(mine.role)) fail(403, MESSAGES.actForOthersForbidden);
    const target = users.get(userId);
    if (!target || !membership(wsId, userId)) fail(404, MESSAGES.notAMember);
    return target;
  };

  route('POST', '/time-tracking/start', (ctx) => {
    const body = ctx.body ?? {};
    const errors: Record<string, string[]> = {};
    const ints: Record<string, number | null> = {};
    for (const f of ['workspace_id', 'user_id', 'contract_id', 'task_id']) {
      const raw = body[f];
      if (isBlank(raw)) {
        ints[f] = null;
        if (f === 'workspace_id' || f === 'user_id')
          errors[f] = [`The ${label(f)} field is required.`];
      } else {
        ints[f] = intValue(raw);
        if (ints[f] === null) errors[f] = [`The ${label(f)} must be an integer.`];
      }
    }
    const contractId = ints.contract_id ?? null;
    const taskId = ints.task_id ?? null;
    if (config.variant === 'B' && isBlank(body.contract_id))
      errors.contract_id = ['The contract id field is required.'];
    if (!isBlank(body.task_id) && isBlank(body.contract_id))
      errors.task_id = [MESSAGES.taskWithoutContract];
    const rawDescription = body.activity_description;
    let description: string | null = null;
    if (rawDescription !== undefined && rawDescription !== null) {
      if (typeof rawDescription !== 'string')
        errors.activity_description = ['The activity description must be a string.'];
      else if (rawDescription.length > MAX_DESCRIPTION)
        errors.activity_description = [
          `The activity description may not be greater than ${MAX_DESCRIPTION} characters.`,
        ];
      else description = rawDescription === '' ? null : rawDescription;
    }
    if (Object.keys(errors).length > 0) invalid(errors);
    const wsId = ints.workspace_id ?? 0;
    const target = actFor(ctx.caller, wsId, ints.user_id ?? 0);

    let contract: FakeContract | undefined;
    let project: FakeProject | undefined;
    if (contractId !== null) {
      contract = contracts.get(contractId);
      if (!contract || contract.workspaceId !== wsId)
        invalid({ contract_id: ['The selected contract id is invalid.'] });
      if (contract.userId !== target.id)
        invalid({ contract_id: ['The contract does not belong to this user.'] });
      if (contract.status === 'paused') invalid({ contract_id: ['The contract is paused.'] });
      project = projects.get(contract.projectId);
      if (!project || project.status === 'archived')
        invalid({ contract_id: ['The project of this contract is archived.'] });
    }
    if (taskId !== null) {
      const task = tasks.get(taskId);
      if (!task) invalid({ task_id: ['The selected task id is invalid.'] });
      if (task.projectId !== project?.id)
        invalid({ task_id: ['The task must belong to the project of the contract.'] });
    }
    if (trackers.has(target.id)) fail(400, MESSAGES.alreadyTracking);

    const t = startTracker(
      {
        userId: target.id,
        workspaceId: wsId,
        contractId,
        taskId,
        description,
        source: 'api',
      },
      ctx.now,
    );
    return {
      data: {
        message: MESSAGES.started,
        start_time: isoOffset(t.start),
        contract_id: contractId,
        project_id: project?.id ?? null,
        task_id: taskId,
        activity_description: description,
        user_id: target.id,
        user_name: userName(target),
        user_email: target.email,
        project_name: project?.name ?? null,
      },
      message: MESSAGES.started,
    };
  });

  route('POST', '/time-tracking/stop', (ctx) => {
    const body = ctx.body ?? {};
    let userId = ctx.caller.id;
    if (!isBlank(body.workspace_id) || !isBlank(body.user_id)) {
      const { workspace_id: wsId = 0, user_id: uid = 0 } = requireInts(body, [
        'workspace_id',
        'user_id',
      ]);
      userId = actFor(ctx.caller, wsId, uid).id;
      if (!trackerIn(userId, wsId)) fail(400, MESSAGES.notTracking);
    }
    const stopped = stopTracker(userId, ctx.now);
    if (!stopped) fail(400, MESSAGES.notTracking);
    return {
      data: { message: MESSAGES.stopped, stopped_at: isoOffset(ctx.now) },
      message: MESSAGES.stopped,
    };
  });

  // ---- request handling ----
  const metaOf = (at: number, pagination?: Pagination): Record<string, unknown> => ({
    api_version: API_VERSION,
    timestamp: new Date(at).toISOString(),
    ...(pagination ? { pagination } : {}),
  });

  const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
    status,
    body: JSON.stringify(value),
    contentType: 'application/json',
    headers,
  });

  const errorReply = (
    status: number,
    message: string,
    at: number,
    errors: Record<string, string[]> | null = null,
  ): Reply =>
    json(
      status,
      errors
        ? { success: false, message, errors, meta: metaOf(at) }
        : { success: false, message, error: null, meta: metaOf(at) },
    );

  const callerOf = (header: string | undefined): FakeUser | null => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const token = match?.[1];
    if (!token) return null;
    for (const u of users.values()) if (u.tokens.has(token)) return u;
    return null;
  };

  const successOf = (body: string): boolean | null => {
    try {
      const value: unknown = JSON.parse(body);
      return isRecord(value) && typeof value.success === 'boolean' ? value.success : null;
    } catch {
      return null;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = now();
    const { method, url, underRoot, path } = requestTarget(req, API_ROOT);
    const caller = callerOf(req.headers.authorization);
    const record: LoggedRequest = {
      method,
      path,
      query: queryObject(url),
      body: null,
      bodyKeys: [],
      status: 0,
      success: null,
      at,
      callerId: caller?.id ?? null,
      notes: [],
    };
    log.push(record);
    const raw = await readBody(req);
    let parsed: Record<string, unknown> | null = null;
    let badJson = false;
    if (raw.trim() !== '') {
      try {
        const value: unknown = JSON.parse(raw);
        record.body = value;
        if (isRecord(value)) {
          parsed = value;
          record.bodyKeys = Object.keys(value);
        } else badJson = true;
      } catch {
        badJson = true;
      }
    }

    const send = (reply: Reply): void => {
      record.status = reply.status;
      record.success = reply.contentType === 'application/json' ? successOf(reply.body) : null;
      res.writeHead(reply.status, {
        ...reply.headers,
        'Content-Type': reply.contentType,
        'Content-Length': String(Buffer.byteLength(reply.body)),
        'Cache-Control': 'no-cache, private',
      });
      res.end(reply.body);
    };

    // Gateway level: infrastructure faults come before anything the API itself checks.
    const taken = await playGatewayFaults(faults, record, req, res, (html) =>
      send({ status: 502, body: html, contentType: 'text/html', headers: {} }),
    );
    if (!taken) return;
    if (taken.has('status500')) {
      send(errorReply(500, MESSAGES.serverError, at));
      return;
    }

    const reply = caller
      ? rateLimited(caller, at, () =>
          underRoot
            ? dispatch(caller, method, path, record.query, parsed, badJson, at)
            : errorReply(404, MESSAGES.notFound, at),
        )
      : errorReply(401, MESSAGES.unauthenticated, at);

    reply.body = spoilBody(taken, reply.body);
    send(reply);
  };

  const rateLimited = (caller: FakeUser, at: number, next: () => Reply): Reply => {
    let window = windows.get(caller.id);
    if (!window) {
      window = new SlidingWindow(RATE_WINDOW_MS);
      windows.set(caller.id, window);
    }
    const limit = config.ratePerMinute;
    if (window.count(at) >= limit) {
      const reply = errorReply(429, MESSAGES.tooMany, at);
      reply.headers = {
        'Retry-After': String(Math.max(1, Math.ceil(window.resetsInMs(at) / 1000))),
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
      };
      return reply;
    }
    window.hit(at);
    const reply = next();
    reply.headers = {
      ...reply.headers,
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - window.count(at))),
    };
    return reply;
  };

  const dispatch = (
    caller: FakeUser,
    method: string,
    path: string,
    q: Record<string, string>,
    body: Record<string, unknown> | null,
    badJson: boolean,
    at: number,
  ): Reply => {
    let methodMismatch = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        methodMismatch = true;
        continue;
      }
      if (badJson) return errorReply(400, MESSAGES.invalidJson, at);
      try {
        const ok = r.handler({ caller, q, body, params: m.slice(1), now: at });
        const envelope: Record<string, unknown> = {
          success: true,
          data: ok.data,
          message: ok.message,
          ...(ok.pagination && ok.paginationAtTop ? { pagination: ok.pagination } : {}),
          meta: metaOf(at, ok.paginationAtTop ? undefined : ok.pagination),
        };
        return json(200, envelope);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return errorReply(error.status, error.message, at, error.errors);
      }
    }
    if (methodMismatch) return errorReply(405, MESSAGES.methodNotAllowed, at);
    return errorReply(404, MESSAGES.notFound, at);
  };

  const server = await startLoopbackServer(handle);

  return {
    baseUrl: `${server.origin}${API_ROOT}`,
    origin: server.origin,
    config,
    configure,
    close: () => server.close(),

    addWorkspace,
    addUser,
    addMember,
    addProject,
    addContract,
    addTask,
    setTimelineMinutes: (userId, workspaceId, minutes) => {
      timeline.set(key(userId, workspaceId), Math.max(0, Math.round(minutes * 60)));
    },
    timelineMinutes: (userId, workspaceId) =>
      Math.floor((timeline.get(key(userId, workspaceId)) ?? 0) / 60),
    revokeToken: (token) => {
      for (const u of users.values()) u.tokens.delete(token);
    },
    tracker: trackerIn,
    remoteStart: (userId, workspaceId, input = {}) => {
      mustUser(userId);
      mustWorkspace(workspaceId);
      const contract = input.contractId === undefined ? undefined : contracts.get(input.contractId);
      // A seeding mistake should fail the test loudly, not produce a tracker the API never could.
      if (input.contractId !== undefined && !contract)
        throw new Error(`fake WebWork: no contract ${input.contractId}`);
      if (contract && (contract.userId !== userId || contract.workspaceId !== workspaceId))
        throw new Error(`fake WebWork: contract ${contract.id} is not user ${userId}'s here`);
      const task = input.taskId === undefined ? undefined : tasks.get(input.taskId);
      if (input.taskId !== undefined && (!task || task.projectId !== contract?.projectId))
        throw new Error(`fake WebWork: task ${input.taskId} is not in the contract's project`);
      const start = input.start ?? now();
      stopTracker(userId, start);
      return startTracker(
        {
          userId,
          workspaceId,
          contractId: contract?.id ?? null,
          taskId: input.taskId ?? null,
          description: input.description ?? null,
          source: input.source ?? 'browser',
        },
        start,
      );
    },
    remoteStop: (userId, workspaceId) =>
      trackerIn(userId, workspaceId) ? stopTracker(userId, now()) : null,

    fault: (kind, pattern, opts) => faults.add(kind, pattern, opts),
    clearFaults: (kind) => faults.clear(kind),

    get requests() {
      return log.entries;
    },
    requestsBy: (filter = {}) => log.by(filter),
    maxRequestsInWindow: (filter = {}) => log.maxInWindow(filter),
    clearRequests: () => log.clear(),
  };
}
