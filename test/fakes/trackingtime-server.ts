/**
 * A fake TrackingTime API v4 server for provider tests and the workday benchmark, faithful to
 * providers.md §2 (../shared/docs) and the v4 overview seed (../shared/seeds/003_…). It speaks
 * real HTTP on 127.0.0.1 so the provider's own HTTP client is tested.
 *
 *   const fake = await startFakeTrackingTime({ now: () => clock.now() });
 *   const acc = fake.addAccount({ company: 'ACME' });
 *   const ann = fake.addUser({ email: 'ann@example.com', password: 'pw', appPassword: 'app-1',
 *     timezone: 'Europe/Madrid', accountId: acc.id });
 *   const site = fake.addProject({ accountId: acc.id, name: 'Site', customer: 'ACME Corp' });
 *   const design = fake.addTask({ projectId: site.id, name: 'Design', userIds: [ann.id] });
 *   // provider under test uses fake.baseUrl ("http://127.0.0.1:PORT/api/v4"),
 *   // Basic API_TOKEN:app-1 (or ann@example.com:pw) and a User-Agent naming the app
 *   fake.remoteTrack(bob.id, design.id);  // "another user / device": not logged
 *   fake.remoteStop(bob.id);
 *   await fake.close();
 *
 * Routes (below /api/v4, each account-scoped one also as /api/v4/:account_id/…; without the
 * segment the user's default account): GET /me (global), GET /teams?filter=ACTIVE|ALL,
 * GET /users/:uid/trackables?include_tasks&project_id&only_favorites, GET /projects?filter=
 * ALL|ACTIVE|ARCHIVED|FOLLOWING, GET /tasks?filter=ALL|ACTIVE|ARCHIVED|TRACKING&project_id,
 * GET /users/:uid/assigned_tasks?filter=…, GET|POST /tasks/track/:task_id, GET|POST /tasks/track
 * (task_name + project_id | project_name), GET|POST /tasks/stop/:task_id, GET /events?filter=
 * USER|TASK|PROJECT|COMPANY&id&from&to&page&page_size&order. Params come from the query string, a
 * JSON body or an x-www-form-urlencoded body (body wins), optionally `Content-Encoding: gzip`.
 *
 * Every answer is the envelope `{response:{status,version:"4.0",message,note,note_type},data}`.
 * Errors live in `response.status` (500 general, 502 "user exception", 403, 404); the HTTP status
 * is 200 (`transportStatus: 'always-200'`, default) or the envelope's (`'mirror'`).
 *
 * Chosen where the docs are silent (UNCONFIRMED, each changeable in one place):
 * - Bad or missing credentials: HTTP 401 (`authHttpStatus`, default 401) with the envelope
 *   `{response:{status:401,message:"Unauthorized"},data:null}`, whatever `transportStatus` is.
 * - User-Agent (`requireUserAgent`, default on): missing, empty or a library default (node,
 *   undici, node-fetch, axios, got, python-requests, Go-http-client, curl, okhttp, Java, each
 *   with or without /version) → envelope 400 "Please identify your app: send a User-Agent…",
 *   checked before auth.
 * - All dates on the wire are local `yyyy-MM-dd HH:mm:ss` in the *requesting* user's profile
 *   time zone (from /me), also for other people's events on shared tasks.
 * - Track: `date` is the start (required, else 500); `timezone` defaults to the profile zone and
 *   may be IANA (`Europe/Madrid`) or an offset (`GMT+01:00`). One open event per user across
 *   accounts; tracking while one is open (even the same task) → 502 "There is another task
 *   running" unless `stop_running_task=true` (then the old event ends at the new start).
 *   `return_task=true` → data is the task, else the new event. Track without a task id needs
 *   `task_name` (else 500); the task is found by name (case-insensitive) in the project or
 *   created and assigned to the user; an unknown `project_name` creates the project as well.
 * - Stop: needs an open event of this user on that task, else 500 "This task is not being
 *   tracked"; the `timezone` string must equal the one sent at start (absent = profile zone),
 *   else 500 (the documented quirk); an end before the start is clamped to the start.
 * - Events: pages start at 0, `page_size` default 50, `order` default asc by start; `from`/`to`
 *   are inclusive local dates of the start; a missing one → 500. `duration` in seconds (open
 *   events: seconds so far).
 * - Unknown route → envelope 404 "Not found"; a known path with another method → an HTML 405
 *   page (text/html), the "POST sent to a PUT route" case seen in the field.
 * - An account the user is not in → envelope 403.
 * - Trackables list every active task of the account's active projects (not only those assigned
 *   to :uid); `project_id` alone (tracking a bare project) and multipart/form-data bodies are not
 *   modelled (500 "task_name is required" / params ignored).
 * - Order of checks: faults (slow, reset, html502, status500) → User-Agent → auth → route.
 * Fault switches (`fault(kind, pattern)`, patterns match the path below /api/v4 with the account
 * segment removed, e.g. `'POST /tasks/track/*'`): slow (ms, then normal), reset, html502 (HTML
 * gateway page, HTTP 502), status500 (envelope 500 "Internal server error", transport per
 * `transportStatus`), truncatedJson, wrongShape (`{"oops":1}` unless `body`).
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FaultBoard,
  RequestLog,
  mustGet,
  playGatewayFaults,
  queryObject,
  readRawBody,
  requestTarget,
  spoilBody,
  startLoopbackServer,
} from './http-fake-kit';
import type { FaultKind, FaultOptions, PathPattern, RequestFilterBase } from './http-fake-kit';

export type { FaultKind, FaultOptions, PathPattern } from './http-fake-kit';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------
export type TransportStatus = 'always-200' | 'mirror';

export interface FakeTrackingTimeConfig {
  now: () => number;
  transportStatus: TransportStatus;
  /** HTTP status for bad or missing credentials (UNCONFIRMED; 401 by default). */
  authHttpStatus: number;
  requireUserAgent: boolean;
}

export type FakeTrackingTimeOptions = Partial<FakeTrackingTimeConfig>;

export type AuthKind = 'api-token' | 'email' | 'none';

export interface LoggedRequest {
  method: string;
  /** Below /api/v4 with the account segment removed, e.g. `/tasks/track/12`. */
  path: string;
  /** The `:account_id` segment when one was sent. */
  accountSegment: number | null;
  query: Record<string, string>;
  /** Names of the params that came in the body (values are not kept). */
  bodyParams: string[];
  bodyFormat: 'none' | 'json' | 'form' | 'unparsed';
  gzip: boolean;
  /** HTTP status; 0 when the socket was reset. */
  status: number;
  /** `response.status` in the envelope; null for non-envelope answers (HTML, reset). */
  envelopeStatus: number | null;
  at: number;
  hadUserAgent: boolean;
  userAgent: string | null;
  /** How the request authenticated (or tried to); never the secret. */
  authKind: AuthKind;
  userId: number | null;
  /** Fault kinds applied. */
  notes: string[];
}

export interface RequestFilter extends RequestFilterBase {
  status?: number;
  envelopeStatus?: number | null;
  userId?: number;
  authKind?: AuthKind;
}

export interface FakeAccount {
  id: number;
  company: string;
}

export type Role = 'OWNER' | 'ADMIN' | 'COORDINATOR' | 'USER';

export interface FakeUser {
  id: number;
  email: string;
  password: string | null;
  appPasswords: string[];
  firstName: string;
  lastName: string;
  timezone: string;
  /** The default account. */
  accountId: number;
  /** account id → role */
  teams: Map<number, Role>;
}

export interface FakeProject {
  id: number;
  accountId: number;
  name: string;
  color: string;
  customer: string | null;
  status: 'ACTIVE' | 'ARCHIVED';
}

export interface FakeTask {
  id: number;
  name: string;
  projectId: number | null;
  accountId: number;
  status: 'ACTIVE' | 'ARCHIVED';
  userIds: Set<number>;
}

export interface FakeEvent {
  id: number;
  taskId: number;
  projectId: number | null;
  accountId: number;
  userId: number;
  /** Epoch ms, whole seconds. */
  start: number;
  end: number | null;
  /** The `timezone` string sent (or implied) at start; stop must send the same. */
  startTimezone: string;
  notes: string | null;
}

export interface EventInput {
  taskId: number;
  /** Epoch ms, or a local `yyyy-MM-dd HH:mm:ss` in `timezone` (default the user's). */
  start?: number | string;
  end?: number | string | null;
  timezone?: string;
  notes?: string;
}

export interface FakeTrackingTime {
  /** `http://127.0.0.1:PORT/api/v4` */
  readonly baseUrl: string;
  readonly origin: string;
  readonly config: FakeTrackingTimeConfig;
  configure(patch: FakeTrackingTimeOptions): void;
  close(): Promise<void>;

  addAccount(input?: { id?: number; company?: string }): FakeAccount;
  addUser(input: {
    email: string;
    id?: number;
    password?: string;
    appPassword?: string;
    appPasswords?: string[];
    firstName?: string;
    lastName?: string;
    timezone?: string;
    /** Default account; a new one when absent. */
    accountId?: number;
    /** Other accounts the user belongs to. */
    otherAccountIds?: number[];
    role?: Role;
  }): FakeUser;
  joinAccount(userId: number, accountId: number, role?: Role): void;
  addProject(input: {
    accountId: number;
    name: string;
    id?: number;
    color?: string;
    customer?: string | null;
    status?: 'ACTIVE' | 'ARCHIVED';
  }): FakeProject;
  addTask(input: {
    name: string;
    projectId?: number | null;
    /** Needed only without a project. */
    accountId?: number;
    id?: number;
    status?: 'ACTIVE' | 'ARCHIVED';
    userIds?: number[];
  }): FakeTask;
  /** Seeds history (or an open event when `end` is absent/null); does not stop others. */
  addEvent(userId: number, input: EventInput): FakeEvent;

  user(id: number): FakeUser | undefined;
  project(id: number): FakeProject | undefined;
  task(id: number): FakeTask | undefined;
  event(id: number): FakeEvent | undefined;
  runningEvent(userId: number): FakeEvent | null;
  /** The user's events, newest start first. */
  events(userId: number): FakeEvent[];
  /** The wire form of a task as `viewerId` would see it in GET /tasks. */
  wireTask(taskId: number, viewerId: number): Record<string, unknown>;

  /** Another user or device starts a timer: the user's open event (if any) ends; not logged. */
  remoteTrack(
    userId: number,
    taskId: number,
    options?: { start?: number; timezone?: string },
  ): FakeEvent;
  remoteStop(userId: number): FakeEvent | null;

  fault(kind: FaultKind, pattern?: PathPattern, options?: FaultOptions): void;
  clearFaults(kind?: FaultKind): void;

  readonly requests: readonly LoggedRequest[];
  requestsBy(filter?: RequestFilter): LoggedRequest[];
  /** Most requests matching `filter` in any `windowMs` (default 1 h). */
  maxRequestsInWindow(filter?: RequestFilter & { windowMs?: number }): number;
  clearRequests(): void;
}

// ---------------------------------------------------------------------------------------------
// Time zones and local date strings
// ---------------------------------------------------------------------------------------------
const API_ROOT = '/api/v4';
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const OFFSET_RE = /^(?:GMT|UTC)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/i;
const COLORS = ['#ED565A', '#4A90E2', '#7ED321', '#F5A623', '#9013FE', '#50E3C2'];
const GENERIC_UA =
  /^(node|undici|node-fetch|axios|got|python-requests|python-urllib|go-http-client|curl|wget|okhttp|java|electron)(\/\S*)?(\s.*)?$/i;

const dtfCache = new Map<string, Intl.DateTimeFormat>();

/** Offset of `tz` at `epoch` in ms (local = UTC + offset); null for an unknown zone. */
export function timeZoneOffsetMs(tz: string, epoch: number): number | null {
  const fixed = OFFSET_RE.exec(tz.trim());
  if (fixed) {
    if (!fixed[1]) return 0;
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    return (fixed[1] === '-' ? -1 : 1) * minutes * 60_000;
  }
  let dtf = dtfCache.get(tz);
  if (!dtf) {
    try {
      dtf = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return null;
    }
    dtfCache.set(tz, dtf);
  }
  const whole = Math.floor(epoch / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of dtf.formatToParts(new Date(whole)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - whole;
}

/** `yyyy-MM-dd HH:mm:ss` of `epoch` in `tz`. */
export function formatLocal(epoch: number, tz: string): string {
  const offset = timeZoneOffsetMs(tz, epoch) ?? 0;
  const iso = new Date(Math.floor(epoch / 1000) * 1000 + offset).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Epoch ms of a local `yyyy-MM-dd HH:mm[:ss]` in `tz`; null when either is malformed. */
export function parseLocal(text: string, tz: string): number | null {
  const m = LOCAL_RE.exec(text.trim());
  if (!m) return null;
  const naive = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  const first = timeZoneOffsetMs(tz, naive);
  if (first === null) return null;
  const second = timeZoneOffsetMs(tz, naive - first) ?? first;
  return naive - second;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------
class EnvelopeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function fail(status: number, message: string): never {
  throw new EnvelopeError(status, message);
}

function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function idParam(value: unknown): number | null {
  const s = str(value);
  return s !== undefined && /^\d+$/.test(s.trim()) ? Number(s) : null;
}

interface ParsedBody {
  params: Record<string, unknown>;
  format: LoggedRequest['bodyFormat'];
  gzip: boolean;
}

function parseBody(raw: Buffer, contentType: string, encoding: string): ParsedBody {
  let bytes = raw;
  const gzip = /gzip/i.test(encoding);
  if (gzip) bytes = gunzipSync(raw);
  else if (/deflate/i.test(encoding)) bytes = inflateSync(raw);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { params: {}, format: 'none', gzip };
  const tryJson = (): Record<string, unknown> | null => {
    try {
      const value: unknown = JSON.parse(text);
      return isRecord(value) ? value : null;
    } catch {
      return null;
    }
  };
  const form = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    return out;
  };
  if (/json/i.test(contentType)) {
    const json = tryJson();
    return json ? { params: json, format: 'json', gzip } : { params: {}, format: 'unparsed', gzip };
  }
  if (/x-www-form-urlencoded/i.test(contentType)) return { params: form(), format: 'form', gzip };
  const json = tryJson();
  if (json) return { params: json, format: 'json', gzip };
  if (/=/.test(text)) return { params: form(), format: 'form', gzip };
  return { params: {}, format: 'unparsed', gzip };
}

interface RouteContext {
  user: FakeUser;
  accountId: number;
  params: string[];
  p: Record<string, unknown>;
  now: number;
}

interface Route {
  methods: string[];
  pattern: RegExp;
  /** Global routes ignore the account segment. */
  global: boolean;
  handler: (ctx: RouteContext) => unknown;
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
  envelopeStatus: number | null;
}

const htmlPage = (status: number, title: string): string =>
  `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head>` +
  `<body><h1>${title}</h1></body></html>\n`;

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------
export async function startFakeTrackingTime(
  options: FakeTrackingTimeOptions = {},
): Promise<FakeTrackingTime> {
  const config: FakeTrackingTimeConfig = {
    now: Date.now,
    transportStatus: 'always-200',
    authHttpStatus: 401,
    requireUserAgent: true,
  };
  const configure = (patch: FakeTrackingTimeOptions): void => {
    if (patch.now) config.now = patch.now;
    if (patch.transportStatus) config.transportStatus = patch.transportStatus;
    if (patch.authHttpStatus !== undefined) config.authHttpStatus = patch.authHttpStatus;
    if (patch.requireUserAgent !== undefined) config.requireUserAgent = patch.requireUserAgent;
  };
  configure(options);
  const now = (): number => config.now();

  // ---- state ----
  let nextId = 1;
  const ids = {
    account: () => 1_000 + nextId++,
    user: () => 200_000 + nextId++,
    project: () => 300_000 + nextId++,
    task: () => 4_000_000 + nextId++,
    event: () => 90_000_000 + nextId++,
  };
  const accounts = new Map<number, FakeAccount>();
  const users = new Map<number, FakeUser>();
  const projects = new Map<number, FakeProject>();
  const tasks = new Map<number, FakeTask>();
  const events = new Map<number, FakeEvent>();
  const faults = new FaultBoard();
  const log = new RequestLog<LoggedRequest, RequestFilter>(
    ['status', 'envelopeStatus', 'userId', 'authKind'],
    3_600_000,
  );

  const mustUser = (id: number): FakeUser => mustGet(users, id, `fake TrackingTime: no user ${id}`);
  const mustTask = (id: number): FakeTask => mustGet(tasks, id, `fake TrackingTime: no task ${id}`);
  const runningOf = (userId: number): FakeEvent | null => {
    for (const e of events.values()) if (e.userId === userId && e.end === null) return e;
    return null;
  };
  const openEventsOn = (taskId: number): FakeEvent[] =>
    [...events.values()].filter((e) => e.taskId === taskId && e.end === null);

  const toEpoch = (value: number | string, tz: string): number => {
    if (typeof value === 'number') return Math.floor(value / 1000) * 1000;
    const ms = parseLocal(value, tz);
    if (ms === null) throw new Error(`fake TrackingTime: not a local time in ${tz}: ${value}`);
    return ms;
  };

  const addAccount: FakeTrackingTime['addAccount'] = (input = {}) => {
    const id = input.id ?? ids.account();
    const account = { id, company: input.company ?? `Company ${id}` };
    accounts.set(id, account);
    return account;
  };

  const joinAccount: FakeTrackingTime['joinAccount'] = (userId, accountId, role = 'USER') => {
    if (!accounts.has(accountId)) throw new Error(`fake TrackingTime: no account ${accountId}`);
    mustUser(userId).teams.set(accountId, role);
  };

  const addUser: FakeTrackingTime['addUser'] = (input) => {
    const id = input.id ?? ids.user();
    const accountId = input.accountId ?? addAccount({ company: `${input.email}'s company` }).id;
    if (!accounts.has(accountId)) throw new Error(`fake TrackingTime: no account ${accountId}`);
    const timezone = input.timezone ?? 'Europe/Madrid';
    if (timeZoneOffsetMs(timezone, 0) === null)
      throw new Error(`fake TrackingTime: unknown time zone ${timezone}`);
    const user: FakeUser = {
      id,
      email: input.email,
      password: input.password ?? null,
      appPasswords: [
        ...(input.appPasswords ?? []),
        ...(input.appPassword ? [input.appPassword] : []),
      ],
      firstName: input.firstName ?? input.email.split('@')[0] ?? 'User',
      lastName: input.lastName ?? '',
      timezone,
      accountId,
      teams: new Map([[accountId, input.role ?? 'OWNER']]),
    };
    users.set(id, user);
    for (const other of input.otherAccountIds ?? []) joinAccount(id, other, 'USER');
    return user;
  };

  const addProject: FakeTrackingTime['addProject'] = (input) => {
    if (!accounts.has(input.accountId))
      throw new Error(`fake TrackingTime: no account ${input.accountId}`);
    const id = input.id ?? ids.project();
    const project: FakeProject = {
      id,
      accountId: input.accountId,
      name: input.name,
      color: input.color ?? COLORS[projects.size % COLORS.length] ?? '#ED565A',
      customer: input.customer ?? null,
      status: input.status ?? 'ACTIVE',
    };
    projects.set(id, project);
    return project;
  };

  const addTask: FakeTrackingTime['addTask'] = (input) => {
    const project = input.projectId == null ? null : projects.get(input.projectId);
    if (input.projectId != null && !project)
      throw new Error(`fake TrackingTime: no project ${input.projectId}`);
    const accountId = project?.accountId ?? input.accountId;
    if (accountId === undefined)
      throw new Error('fake TrackingTime: a task needs a project or account');
    const id = input.id ?? ids.task();
    const task: FakeTask = {
      id,
      name: input.name,
      projectId: project?.id ?? null,
      accountId,
      status: input.status ?? 'ACTIVE',
      userIds: new Set(input.userIds ?? []),
    };
    tasks.set(id, task);
    return task;
  };

  const createEvent = (
    userId: number,
    taskId: number,
    start: number,
    startTimezone: string,
    end: number | null = null,
    notes: string | null = null,
  ): FakeEvent => {
    const task = mustTask(taskId);
    const event: FakeEvent = {
      id: ids.event(),
      taskId,
      projectId: task.projectId,
      accountId: task.accountId,
      userId,
      start: Math.floor(start / 1000) * 1000,
      end: end === null ? null : Math.max(start, Math.floor(end / 1000) * 1000),
      startTimezone,
      notes,
    };
    task.userIds.add(userId);
    events.set(event.id, event);
    return event;
  };

  const addEvent: FakeTrackingTime['addEvent'] = (userId, input) => {
    const user = mustUser(userId);
    const tz = input.timezone ?? user.timezone;
    const start = input.start === undefined ? now() : toEpoch(input.start, tz);
    const end = input.end === undefined || input.end === null ? null : toEpoch(input.end, tz);
    return createEvent(userId, input.taskId, start, tz, end, input.notes ?? null);
  };

  // ---- wire shapes (dates in the viewer's profile time zone) ----
  const userName = (u: FakeUser | undefined): string =>
    u ? `${u.firstName} ${u.lastName}`.trim() : '';

  const eventWire = (e: FakeEvent, viewer: FakeUser, at: number): Record<string, unknown> => {
    const task = tasks.get(e.taskId);
    const project = e.projectId === null ? undefined : projects.get(e.projectId);
    return {
      id: e.id,
      task_id: e.taskId,
      task: task?.name ?? null,
      project_id: e.projectId,
      project: project?.name ?? null,
      customer: project?.customer ?? null,
      account_id: e.accountId,
      user_id: e.userId,
      user: userName(users.get(e.userId)),
      start: formatLocal(e.start, viewer.timezone),
      end: e.end === null ? null : formatLocal(e.end, viewer.timezone),
      duration: Math.max(0, Math.floor(((e.end ?? at) - e.start) / 1000)),
      notes: e.notes,
      is_running: e.end === null,
    };
  };

  const taskWire = (t: FakeTask, viewer: FakeUser, at: number): Record<string, unknown> => {
    const project = t.projectId === null ? undefined : projects.get(t.projectId);
    const open = openEventsOn(t.id);
    const userIds = new Set([...t.userIds, ...open.map((e) => e.userId)]);
    const accumulated = [...events.values()]
      .filter((e) => e.taskId === t.id)
      .reduce((sum, e) => sum + Math.max(0, Math.floor(((e.end ?? at) - e.start) / 1000)), 0);
    return {
      id: t.id,
      name: t.name,
      account_id: t.accountId,
      project_id: t.projectId,
      project: project?.name ?? null,
      customer: project?.customer ?? null,
      color: project?.color ?? null,
      status: t.status,
      is_archived: t.status === 'ARCHIVED',
      tracking: open.length > 0,
      accumulated_time: accumulated,
      estimated_time: null,
      users: [...userIds].map((uid) => {
        const e = open.find((o) => o.userId === uid);
        return {
          id: uid,
          name: userName(users.get(uid)),
          event: e
            ? {
                id: e.id,
                start: formatLocal(e.start, viewer.timezone),
                end: null,
              }
            : null,
        };
      }),
    };
  };

  const projectWire = (p: FakeProject): Record<string, unknown> => ({
    id: p.id,
    name: p.name,
    account_id: p.accountId,
    color: p.color,
    status: p.status,
    is_archived: p.status === 'ARCHIVED',
    customer: p.customer,
  });

  const teamsWire = (u: FakeUser): Record<string, unknown>[] =>
    [...u.teams].map(([accountId, role]) => ({
      account_id: accountId,
      company: accounts.get(accountId)?.company ?? '',
      role,
      is_default: accountId === u.accountId,
      is_selected: accountId === u.accountId,
      status: 'ACTIVE',
    }));

  const meWire = (u: FakeUser): Record<string, unknown> => ({
    id: u.id,
    account_id: u.accountId,
    email: u.email,
    first_name: u.firstName,
    last_name: u.lastName,
    name: userName(u),
    locale: 'en',
    timezone: u.timezone,
    role: u.teams.get(u.accountId) ?? 'USER',
    teams: teamsWire(u),
  });

  // ---- routes ----
  const routes: Route[] = [];
  const route = (
    methods: string[],
    path: string,
    handler: Route['handler'],
    global = false,
  ): void => {
    const source = path
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg))
      .join('/');
    routes.push({ methods, pattern: new RegExp(`^${source}/?$`), global, handler });
  };

  const taskFilter = (value: unknown): ((t: FakeTask) => boolean) => {
    const f = (str(value) ?? 'ACTIVE').toUpperCase();
    if (f === 'ALL') return () => true;
    if (f === 'ACTIVE') return (t) => t.status === 'ACTIVE';
    if (f === 'ARCHIVED') return (t) => t.status === 'ARCHIVED';
    if (f === 'TRACKING') return (t) => openEventsOn(t.id).length > 0;
    fail(500, `Invalid filter: ${f}`);
  };

  const projectIdFilter = (value: unknown): ((t: FakeTask) => boolean) => {
    if (value === undefined || value === '') return () => true;
    const pid = idParam(value);
    if (pid === null) fail(500, 'Invalid project_id');
    return (t) => t.projectId === pid;
  };

  const accountUser = (ctx: RouteContext, raw: string | undefined): FakeUser => {
    const uid = idParam(raw);
    const u = uid === null ? undefined : users.get(uid);
    if (!u || !u.teams.has(ctx.accountId)) fail(404, 'User not found');
    return u;
  };

  route(['GET'], '/me', (ctx) => meWire(ctx.user), true);

  route(['GET'], '/teams', (ctx) => {
    const f = (str(ctx.p.filter) ?? 'ACTIVE').toUpperCase();
    if (!['ACTIVE', 'ALL'].includes(f)) fail(500, `Invalid filter: ${f}`);
    return teamsWire(ctx.user);
  });

  route(['GET'], '/projects', (ctx) => {
    const f = (str(ctx.p.filter) ?? 'ACTIVE').toUpperCase();
    const keep: (p: FakeProject) => boolean =
      f === 'ALL'
        ? () => true
        : f === 'ACTIVE' || f === 'FOLLOWING'
          ? (p) => p.status === 'ACTIVE'
          : f === 'ARCHIVED'
            ? (p) => p.status === 'ARCHIVED'
            : fail(500, `Invalid filter: ${f}`);
    return [...projects.values()]
      .filter((p) => p.accountId === ctx.accountId && keep(p))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(projectWire);
  });

  route(['GET'], '/tasks', (ctx) => {
    const keep = taskFilter(ctx.p.filter);
    const inProject = projectIdFilter(ctx.p.project_id);
    return [...tasks.values()]
      .filter((t) => t.accountId === ctx.accountId && keep(t) && inProject(t))
      .sort((a, b) => a.id - b.id)
      .map((t) => taskWire(t, ctx.user, ctx.now));
  });

  route(['GET'], '/users/:uid/assigned_tasks', (ctx) => {
    const u = accountUser(ctx, ctx.params[0]);
    const keep = taskFilter(ctx.p.filter);
    const inProject = projectIdFilter(ctx.p.project_id);
    return [...tasks.values()]
      .filter(
        (t) => t.accountId === ctx.accountId && t.userIds.has(u.id) && keep(t) && inProject(t),
      )
      .sort((a, b) => a.id - b.id)
      .map((t) => taskWire(t, ctx.user, ctx.now));
  });

  route(['GET'], '/users/:uid/trackables', (ctx) => {
    // Every active task of the account's active projects (UNCONFIRMED whether the real server
    // narrows to tasks assigned to :uid); :uid must still be a member.
    accountUser(ctx, ctx.params[0]);
    const withTasks = flag(ctx.p.include_tasks);
    const pid = idParam(ctx.p.project_id);
    return [...projects.values()]
      .filter((p) => p.accountId === ctx.accountId && p.status === 'ACTIVE')
      .filter((p) => pid === null || p.id === pid)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({
        ...projectWire(p),
        type: 'PROJECT',
        ...(withTasks
          ? {
              tasks: [...tasks.values()]
                .filter((t) => t.projectId === p.id && t.status === 'ACTIVE')
                .sort((a, b) => a.id - b.id)
                .map((t) => taskWire(t, ctx.user, ctx.now)),
            }
          : {}),
      }));
  });

  /** `timezone` param or the profile zone; 500 for an unknown zone. */
  const zoneParam = (ctx: RouteContext): string => {
    const tz = str(ctx.p.timezone)?.trim();
    if (tz === undefined || tz === '') return ctx.user.timezone;
    if (timeZoneOffsetMs(tz, ctx.now) === null) fail(500, `Invalid timezone: ${tz}`);
    return tz;
  };

  const dateParam = (ctx: RouteContext, tz: string): number => {
    const date = str(ctx.p.date);
    if (date === undefined || date.trim() === '') fail(500, 'The date parameter is required');
    const ms = parseLocal(date, tz);
    if (ms === null) fail(500, 'Invalid date, expected yyyy-MM-dd HH:mm:ss');
    return ms;
  };

  const track = (ctx: RouteContext, task: FakeTask): unknown => {
    if (task.accountId !== ctx.accountId) fail(404, 'Task not found');
    if (task.status === 'ARCHIVED') fail(500, 'The task is archived');
    const tz = zoneParam(ctx);
    const start = dateParam(ctx, tz);
    const running = runningOf(ctx.user.id);
    if (running) {
      if (!flag(ctx.p.stop_running_task)) fail(502, 'There is another task running');
      running.end = Math.max(running.start, start);
    }
    const event = createEvent(ctx.user.id, task.id, start, tz);
    return flag(ctx.p.return_task)
      ? taskWire(task, ctx.user, ctx.now)
      : eventWire(event, ctx.user, ctx.now);
  };

  route(['GET', 'POST'], '/tasks/track/:task_id', (ctx) => {
    const id = idParam(ctx.params[0]);
    const task = id === null ? undefined : tasks.get(id);
    if (!task) fail(404, 'Task not found');
    return track(ctx, task);
  });

  route(['GET', 'POST'], '/tasks/track', (ctx) => {
    const name = str(ctx.p.task_name)?.trim();
    if (!name) fail(500, 'The task_name parameter is required');
    let project: FakeProject | undefined;
    const pid = ctx.p.project_id === undefined ? null : idParam(ctx.p.project_id);
    if (ctx.p.project_id !== undefined && ctx.p.project_id !== '') {
      project = pid === null ? undefined : projects.get(pid);
      if (!project || project.accountId !== ctx.accountId) fail(404, 'Project not found');
    } else {
      const pname = str(ctx.p.project_name)?.trim();
      if (pname) {
        project =
          [...projects.values()].find(
            (p) => p.accountId === ctx.accountId && p.name.toLowerCase() === pname.toLowerCase(),
          ) ?? addProject({ accountId: ctx.accountId, name: pname });
      }
    }
    const projectId = project?.id ?? null;
    const existing = [...tasks.values()].find(
      (t) =>
        t.accountId === ctx.accountId &&
        t.projectId === projectId &&
        t.status === 'ACTIVE' &&
        t.name.toLowerCase() === name.toLowerCase(),
    );
    // Validate before creating so a refused start leaves no stray task behind.
    const tz = zoneParam(ctx);
    dateParam(ctx, tz);
    if (runningOf(ctx.user.id) && !flag(ctx.p.stop_running_task))
      fail(502, 'There is another task running');
    const task =
      existing ?? addTask({ name, projectId, accountId: ctx.accountId, userIds: [ctx.user.id] });
    return track(ctx, task);
  });

  route(['GET', 'POST'], '/tasks/stop/:task_id', (ctx) => {
    const id = idParam(ctx.params[0]);
    const task = id === null ? undefined : tasks.get(id);
    if (!task || task.accountId !== ctx.accountId) fail(404, 'Task not found');
    const running = runningOf(ctx.user.id);
    if (!running || running.taskId !== task.id) fail(500, 'This task is not being tracked');
    const tz = zoneParam(ctx);
    const end = dateParam(ctx, tz);
    if (tz !== running.startTimezone)
      fail(500, 'Internal error: the stop time zone does not match the start time zone');
    running.end = Math.max(running.start, end);
    return flag(ctx.p.return_task)
      ? taskWire(task, ctx.user, ctx.now)
      : eventWire(running, ctx.user, ctx.now);
  });

  route(['GET'], '/events', (ctx) => {
    const f = (str(ctx.p.filter) ?? '').toUpperCase();
    const id = idParam(ctx.p.id);
    const from = str(ctx.p.from);
    const to = str(ctx.p.to);
    if (!from || !DATE_RE.test(from) || !to || !DATE_RE.test(to))
      fail(500, 'The from and to parameters are required (yyyy-MM-dd)');
    let keep: (e: FakeEvent) => boolean;
    if (f === 'USER') keep = (e) => e.userId === (id ?? ctx.user.id);
    else if (f === 'TASK') keep = (e) => e.taskId === id;
    else if (f === 'PROJECT') keep = (e) => e.projectId === id;
    else if (f === 'COMPANY') keep = () => true;
    else fail(500, `Invalid filter: ${f || '(none)'}`);
    const pageSize = Math.min(1000, Math.max(1, Number(str(ctx.p.page_size) ?? 50) || 50));
    const page = Math.max(0, Number(str(ctx.p.page) ?? 0) || 0);
    const desc = (str(ctx.p.order) ?? 'asc').toLowerCase() === 'desc';
    const tz = ctx.user.timezone;
    return [...events.values()]
      .filter((e) => e.accountId === ctx.accountId && keep(e))
      .filter((e) => {
        const day = formatLocal(e.start, tz).slice(0, 10);
        return day >= from && day <= to;
      })
      .sort((a, b) => (desc ? b.start - a.start || b.id - a.id : a.start - b.start || a.id - b.id))
      .slice(page * pageSize, (page + 1) * pageSize)
      .map((e) => eventWire(e, ctx.user, ctx.now));
  });

  // ---- request handling ----
  const envelope = (status: number, message: string, data: unknown): string =>
    JSON.stringify({
      response: { status, version: '4.0', message, note: null, note_type: null },
      data,
    });

  const envelopeReply = (status: number, message: string, data: unknown, http?: number): Reply => ({
    status: http ?? (config.transportStatus === 'mirror' ? status : 200),
    body: envelope(status, message, data),
    contentType: 'application/json; charset=utf-8',
    envelopeStatus: status,
  });

  const authenticate = (header: string | undefined): { kind: AuthKind; user: FakeUser | null } => {
    if (header === undefined) return { kind: 'none', user: null };
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match?.[1]) return { kind: 'none', user: null };
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'none', user: null };
    const name = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (name === 'API_TOKEN') {
      const user = [...users.values()].find((u) => u.appPasswords.includes(secret)) ?? null;
      return { kind: 'api-token', user };
    }
    const user =
      [...users.values()].find(
        (u) =>
          u.email.toLowerCase() === name.toLowerCase() &&
          ((u.password !== null && u.password === secret) || u.appPasswords.includes(secret)),
      ) ?? null;
    return { kind: 'email', user };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = now();
    const { method, url, underRoot, path } = requestTarget(req, API_ROOT);
    let below = path;
    let accountSegment: number | null = null;
    const seg = /^\/(\d+)(\/.*)$/.exec(below);
    if (seg?.[1] && seg[2]) {
      accountSegment = Number(seg[1]);
      below = seg[2];
    }
    const ua = req.headers['user-agent'];
    const record: LoggedRequest = {
      method,
      path: below,
      accountSegment,
      query: queryObject(url),
      bodyParams: [],
      bodyFormat: 'none',
      gzip: false,
      status: 0,
      envelopeStatus: null,
      at: arrivedAt,
      hadUserAgent: typeof ua === 'string' && ua.trim() !== '',
      userAgent: typeof ua === 'string' ? ua : null,
      authKind: 'none',
      userId: null,
      notes: [],
    };
    log.push(record);
    const raw = await readRawBody(req);

    const send = (reply: Reply): void => {
      record.status = reply.status;
      record.envelopeStatus = reply.envelopeStatus;
      res.writeHead(reply.status, {
        'Content-Type': reply.contentType,
        'Content-Length': String(Buffer.byteLength(reply.body)),
        'Cache-Control': 'no-cache',
      });
      res.end(reply.body);
    };

    // Gateway level: infrastructure faults come before anything the API itself checks.
    const taken = await playGatewayFaults(faults, record, req, res, (html) =>
      send({ status: 502, body: html, contentType: 'text/html', envelopeStatus: null }),
    );
    if (!taken) return;

    const auth = authenticate(req.headers.authorization);
    record.authKind = auth.kind;
    record.userId = auth.user?.id ?? null;

    let reply: Reply;
    if (taken.has('status500')) {
      reply = envelopeReply(500, 'Internal server error', null);
    } else if (!underRoot) {
      reply = envelopeReply(404, 'Not found', null);
    } else if (
      config.requireUserAgent &&
      (!record.hadUserAgent || GENERIC_UA.test((record.userAgent ?? '').trim()))
    ) {
      reply = envelopeReply(
        400,
        "Please identify your app: send a User-Agent header with your app's name and a " +
          "contact, e.g. 'MyApp (you@example.com)'",
        null,
      );
    } else if (!auth.user) {
      reply = envelopeReply(401, 'Unauthorized', null, config.authHttpStatus);
    } else {
      reply = dispatch(auth.user, method, below, accountSegment, url, raw, req, record);
    }

    reply.body = spoilBody(taken, reply.body, reply.envelopeStatus !== null);
    send(reply);
  };

  const dispatch = (
    user: FakeUser,
    method: string,
    path: string,
    accountSegment: number | null,
    url: URL,
    raw: Buffer,
    req: IncomingMessage,
    record: LoggedRequest,
  ): Reply => {
    let body: ParsedBody;
    try {
      body = parseBody(
        raw,
        String(req.headers['content-type'] ?? ''),
        String(req.headers['content-encoding'] ?? ''),
      );
    } catch {
      return envelopeReply(500, 'The request body could not be decoded', null);
    }
    record.bodyFormat = body.format;
    record.gzip = body.gzip;
    record.bodyParams = Object.keys(body.params);
    const params: Record<string, unknown> = { ...queryObject(url), ...body.params };

    let methodMismatch = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (!r.methods.includes(method)) {
        methodMismatch = true;
        continue;
      }
      const accountId = r.global ? user.accountId : (accountSegment ?? user.accountId);
      if (!r.global && !user.teams.has(accountId))
        return envelopeReply(403, "You don't have access to this account", null);
      try {
        const data = r.handler({ user, accountId, params: m.slice(1), p: params, now: record.at });
        return envelopeReply(200, 'ok', data);
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        return envelopeReply(error.status, error.message, null);
      }
    }
    if (methodMismatch)
      return {
        status: 405,
        body: htmlPage(405, 'Method Not Allowed'),
        contentType: 'text/html; charset=utf-8',
        envelopeStatus: null,
      };
    return envelopeReply(404, 'Not found', null);
  };

  const server = await startLoopbackServer(handle);

  return {
    baseUrl: `${server.origin}${API_ROOT}`,
    origin: server.origin,
    config,
    configure,
    close: () => server.close(),

    addAccount,
    addUser,
    joinAccount,
    addProject,
    addTask,
    addEvent,

    user: (id) => users.get(id),
    project: (id) => projects.get(id),
    task: (id) => tasks.get(id),
    event: (id) => events.get(id),
    runningEvent: runningOf,
    events: (userId) =>
      [...events.values()]
        .filter((e) => e.userId === userId)
        .sort((a, b) => b.start - a.start || b.id - a.id),
    wireTask: (taskId, viewerId) => taskWire(mustTask(taskId), mustUser(viewerId), now()),

    remoteTrack: (userId, taskId, opts = {}) => {
      const user = mustUser(userId);
      const start = opts.start ?? now();
      const running = runningOf(userId);
      if (running) running.end = Math.max(running.start, Math.floor(start / 1000) * 1000);
      return createEvent(userId, taskId, start, opts.timezone ?? user.timezone);
    },
    remoteStop: (userId) => {
      const running = runningOf(userId);
      if (!running) return null;
      running.end = Math.max(running.start, Math.floor(now() / 1000) * 1000);
      return running;
    },

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
