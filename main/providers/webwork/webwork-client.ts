/**
 * WebWork over HTTP: `Authorization: Bearer <token>`, JSON bodies, the app's User-Agent, one
 * `httpRequest` per call, and the `{success,…}` envelope read whatever the HTTP status said.
 * Turns every failure into an error value a person understands: an expired token, a missing
 * role, a 422 with each field's own message, a 429 with the time it lifts, an HTML page.
 * The token never reaches a message.
 */
import type { z } from 'zod';
import type { AppError } from '../../../preload/contract';
import { httpRequest } from '../http/http-client';
import { ProviderError } from '../provider';
import { envelopeSchema, SERVICE, type Envelope } from './webwork-api';
import type { WebWorkBudget } from './webwork-budget';

export const PROJECT_URL = 'https://github.com/tray-timer/tray-timer';
export const AUTH_MESSAGE =
  'Sign-in needed: WebWork token expired or revoked — paste a new one (WebWork → Settings › REST API › Create Token).';
export const HTML_MESSAGE = 'WebWork is unreachable (it answered with a web page).';
export const GARBLED_MESSAGE = 'WebWork is unreachable (its answer was cut off or not data).';
export const ROLE_MESSAGE = 'WebWork allows this only to workspace owners and executive managers';

/** Our names for WebWork's request fields, so a 422 lands next to the right control. */
export const FIELD_NAMES: Record<string, string> = {
  contract_id: 'project',
  project_id: 'project',
  task_id: 'task',
  activity_description: 'description',
  user_id: 'member',
  workspace_id: 'workspace',
  email: 'email',
};

export interface WebWorkClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  appVersion: string;
  now: () => number;
  getSecret: () => Promise<string>;
  /** Absent for connect (no account, no cache folder yet). */
  budget?: WebWorkBudget;
  timeoutMs?: number;
}

export interface WwCall<S extends z.ZodType> {
  method: 'GET' | 'POST';
  /** Below the base: `/workspaces`, `/time-tracking/current-data`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** A JSON body; undefined sends none. */
  body?: Record<string, unknown>;
  schema: S;
  /** What was asked, for messages ("current tracker", "members"). */
  what: string;
  /** Counted as automatic in the request log (poll, popup, startup, resume, team watch). */
  auto?: boolean;
}

export interface WwAnswer<T> {
  data: T;
  /** The last page number when the list is paged; 1 otherwise. */
  lastPage: number;
}

/** A failure with WebWork's own answer attached, for the callers that read it (idle, busy). */
export class WebWorkError extends ProviderError {
  constructor(
    error: AppError,
    readonly status: number,
    readonly said: string | null,
  ) {
    super(error);
  }
}

export function userAgent(appVersion: string): string {
  return `TrayTimer/${appVersion} (${PROJECT_URL})`;
}

export class WebWorkClient {
  constructor(private readonly o: WebWorkClientOptions) {}

  async call<S extends z.ZodType>(req: WwCall<S>): Promise<WwAnswer<z.output<S>>> {
    const secret = await this.o.getSecret();
    try {
      return await this.#send(req, secret);
    } catch (err) {
      throw scrub(err, secret);
    }
  }

  async #send<S extends z.ZodType>(req: WwCall<S>, secret: string): Promise<WwAnswer<z.output<S>>> {
    const budget = this.o.budget;
    const now = this.o.now();
    const blocked = budget?.blockedUntil(now) ?? null;
    if (blocked !== null) throw rateLimited(blocked, now);
    budget?.record(now, req.auto ?? false);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${secret}`,
      Accept: 'application/json',
      'User-Agent': userAgent(this.o.appVersion),
    };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await httpRequest(this.o.fetch, SERVICE, {
      method: req.method,
      url: `${this.o.baseUrl.replace(/\/+$/, '')}${req.path}${qs ? `?${qs}` : ''}`,
      headers,
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
    });
    if (res.status === 429) {
      const until = budget
        ? budget.onRateLimited(this.o.now(), retryAfterMs(res.headers.get('retry-after')))
        : this.o.now() + (retryAfterMs(res.headers.get('retry-after')) ?? 60_000);
      throw rateLimited(until, this.o.now());
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      if (res.status === 401)
        throw new WebWorkError({ kind: 'auth', message: AUTH_MESSAGE }, 401, null);
      throw new WebWorkError(
        { kind: 'offline', message: /^\s*</.test(res.text) ? HTML_MESSAGE : GARBLED_MESSAGE },
        res.status,
        null,
      );
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      if (res.status === 401)
        throw new WebWorkError({ kind: 'auth', message: AUTH_MESSAGE }, 401, null);
      if (res.status >= 500)
        throw new WebWorkError(
          { kind: 'offline', message: `${SERVICE} failed (${req.what}, status ${res.status}).` },
          res.status,
          null,
        );
      throw new WebWorkError(
        {
          kind: 'provider',
          retryable: true,
          message: `${SERVICE} answered with something unexpected (${req.what}: no success flag).`,
        },
        res.status,
        null,
      );
    }
    const env = envelope.data;
    if (!env.success || res.status >= 400) throw describe(res.status, env, req);
    budget?.onSuccess();
    const parsed = req.schema.safeParse(env.data ?? null);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `data.${issue.path.join('.')}` : 'data';
      throw new WebWorkError(
        {
          kind: 'provider',
          retryable: true,
          message: `${SERVICE} answered with something unexpected (${req.what}: ${where} ${issue?.message ?? 'is invalid'}).`,
        },
        res.status,
        null,
      );
    }
    const pagination = env.meta?.pagination ?? env.pagination ?? null;
    return { data: parsed.data, lastPage: Math.max(1, pagination?.last_page ?? 1) };
  }
}

/** WebWork's own words, cleaned for a sentence. */
function saidOf(env: Envelope): string | null {
  const detail = typeof env.error === 'string' ? env.error : null;
  const text = env.message?.replace(/\s+/g, ' ').trim().slice(0, 300) || detail?.slice(0, 300);
  return text || null;
}

function describe(status: number, env: Envelope, req: WwCall<z.ZodType>): WebWorkError {
  const said = saidOf(env);
  const fail = (error: AppError) => new WebWorkError(error, status, said);
  if (status === 401) return fail({ kind: 'auth', message: AUTH_MESSAGE });
  if (status === 403)
    return fail({
      kind: 'provider',
      field: 'member',
      message: `${ROLE_MESSAGE}${said ? ` (${SERVICE}: ${said})` : ''}.`,
    });
  if (status === 422 && env.errors) {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(env.errors)) {
      const ours = FIELD_NAMES[name] ?? name;
      const text = (Array.isArray(value) ? value.join(' ') : value).trim();
      fields[ours] = fields[ours] ? `${fields[ours]} ${text}` : text;
    }
    const first = Object.keys(fields)[0];
    return fail({
      kind: 'validation',
      message: Object.values(fields).join(' ') || said || `${SERVICE} refused the ${req.what}.`,
      ...(first ? { field: first, fields } : {}),
    });
  }
  if (status === 404)
    return fail({
      kind: 'not-found',
      message: `${SERVICE} could not find that (${said ?? req.what}).`,
    });
  if (status >= 500)
    return fail({
      kind: 'offline',
      message: said
        ? `${SERVICE} failed: ${said}${/[.!?]$/.test(said) ? '' : '.'}`
        : `${SERVICE} failed (${req.what}, status ${status}).`,
    });
  return fail({
    kind: 'provider',
    message: said
      ? `${SERVICE}: ${said}`
      : `${SERVICE} refused the ${req.what} (status ${status}).`,
  });
}

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.min(date - Date.now(), 3600_000));
}

function rateLimited(until: number, now: number): ProviderError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return new ProviderError({
    kind: 'rate-limited',
    message: `WebWork's limit of 60 requests a minute was reached; Tray Timer waits ${seconds} s before asking again.`,
    resetAt: new Date(until).toISOString(),
  });
}

/** Belt and braces: whatever the service echoed back, the token never reaches a message. */
function scrub(err: unknown, secret: string): unknown {
  if (!(err instanceof ProviderError) || secret === '') return err;
  const clean = (t: string) => t.split(secret).join('•••');
  const e = err.error;
  if (!e.message.includes(secret) && !Object.values(e.fields ?? {}).some((v) => v.includes(secret)))
    return err;
  return new ProviderError({
    ...e,
    message: clean(e.message),
    ...(e.fields
      ? { fields: Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k, clean(v)])) }
      : {}),
  });
}
