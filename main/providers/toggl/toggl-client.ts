/**
 * Toggl Track over HTTP: Basic auth with the API token, one `httpRequest` per call, the quota
 * headers of every answer recorded, and every status turned into an error value a person
 * understands. The token never appears in a message: Toggl's own texts are scrubbed of it too.
 */
import type { z } from 'zod';
import type { AppError } from '../../../preload/contract';
import { httpRequest, type HttpResponse } from '../http/http-client';
import { ProviderError } from '../provider';
import { parseBody, SERVICE } from './toggl-api';
import { bucketOf, type RequestBudget } from './request-budget';

export interface TogglClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  appVersion: string;
  now: () => number;
  getToken: () => Promise<string>;
  /** Absent for `connect`, which has no account (and no cache folder) yet. */
  budget?: RequestBudget;
  /** The message for a 401/403 (connect explains where to copy the token from). */
  authMessage?: string;
  /** Per request; http-client's 10 s by default (tests shorten it). */
  timeoutMs?: number;
}

export interface TogglCall<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  schema: S;
  /** Names the call in "answered with something unexpected (…)". */
  what: string;
  body?: unknown;
  /** Poll, popup, startup, resume: counted as automatic in the request log. */
  auto?: boolean;
  /**
   * The error for a 400, from Toggl's own text (an update names the field it refused); without
   * it a 400 is the generic "refused the request".
   */
  refusal?: (said: string | null) => AppError;
}

export const AUTH_MESSAGE = 'Sign-in needed: Toggl rejected the API token.';
export const QUOTA_MESSAGE = 'Toggl hourly limit reached';

export class TogglClient {
  constructor(private readonly o: TogglClientOptions) {}

  async call<S extends z.ZodType>(req: TogglCall<S>): Promise<z.output<S>> {
    const res = await this.send(req);
    return parseBody(res.text, req.schema, req.what);
  }

  /** Sends and maps error statuses; returns the raw 2xx answer (or throws ProviderError). */
  async send(req: Omit<TogglCall<z.ZodType>, 'schema'>): Promise<HttpResponse> {
    const bucket = bucketOf(req.path);
    const budget = this.o.budget;
    const now = this.o.now();
    const blocked = budget?.blockedUntil(bucket, now) ?? null;
    // A request into a spent bucket would only earn another 402: answer without sending it.
    if (blocked !== null) throw quotaError(blocked);
    const token = await this.o.getToken();
    const key = budget?.record(bucket, now, req.auto ?? false);
    const res = await httpRequest(this.o.fetch, SERVICE, {
      method: req.method,
      url: `${this.o.baseUrl.replace(/\/+$/, '')}${req.path}`,
      headers: {
        Authorization: `Basic ${Buffer.from(`${token}:api_token`).toString('base64')}`,
        Accept: 'application/json',
        'User-Agent': `TrayTimer/${this.o.appVersion}`,
        ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
    }).catch((err: unknown) => {
      throw scrub(err, token);
    });
    const at = this.o.now();
    if (budget && key) budget.observe(bucket, key, res.headers, at);
    if (res.status >= 200 && res.status < 300) {
      budget?.succeeded(bucket, at);
      return res;
    }
    const refused = res.status === 400 && req.refusal ? req.refusal(togglMessage(res.text)) : null;
    throw scrub(new ProviderError(refused ?? this.#describe(res, bucket, at)), token);
  }

  #describe(res: HttpResponse, bucket: 'user' | 'org', now: number): AppError {
    const status = res.status;
    const said = togglMessage(res.text);
    if (status === 401 || status === 403)
      return { kind: 'auth', message: this.o.authMessage ?? AUTH_MESSAGE };
    if (status === 402) {
      const remaining = res.headers.get('x-toggl-quota-remaining');
      const feature =
        (remaining !== null && Number(remaining) > 0) ||
        (remaining === null && /premium|functionality|plan|subscription/i.test(said ?? ''));
      if (feature) {
        return {
          kind: 'unsupported',
          message: `${SERVICE} says this needs a paid plan: ${said ?? 'feature not available'}`,
        };
      }
      const resetAt = now + resetSeconds(res, said) * 1000;
      this.o.budget?.block(bucket, resetAt, now);
      return quotaError(resetAt).error;
    }
    if (status === 429) {
      const retryAfter = retryAfterMs(res.headers.get('retry-after'), now);
      const until = this.o.budget?.backOff(now, retryAfter) ?? now + (retryAfter ?? 30_000);
      const secs = Math.max(1, Math.ceil((until - now) / 1000));
      return {
        kind: 'rate-limited',
        message: `${SERVICE} asked Tray Timer to slow down (too many requests at once); background refreshes pause for ${secs} s.`,
      };
    }
    if (status === 404)
      return {
        kind: 'not-found',
        message: `${SERVICE} could not find that (${said ?? 'HTTP 404'}).`,
      };
    if (status === 409)
      return { kind: 'conflict', message: `${SERVICE} refused: ${said ?? 'conflict (HTTP 409)'}.` };
    if (status >= 500)
      return {
        kind: 'provider',
        message: `${SERVICE} is having problems (HTTP ${status}).`,
        retryable: true,
      };
    return {
      kind: 'provider',
      message: `${SERVICE} refused the request (HTTP ${status}${said ? `: ${said}` : ''}).`,
    };
  }
}

export function quotaError(resetAt: number): ProviderError {
  return new ProviderError({
    kind: 'quota',
    message: QUOTA_MESSAGE,
    resetAt: new Date(resetAt).toISOString(),
  });
}

/** Toggl's error bodies are plain text or a JSON string; HTML pages say nothing useful. */
function togglMessage(text: string): string | null {
  let said = text.trim();
  if (said === '' || said.startsWith('<')) return null;
  try {
    const parsed: unknown = JSON.parse(said);
    if (typeof parsed === 'string') said = parsed;
    else if (parsed && typeof parsed === 'object' && 'message' in parsed)
      said = String((parsed as { message: unknown }).message);
  } catch {
    // plain text
  }
  said = said.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return said === '' ? null : said.slice(0, 200);
}

/** X-Toggl-Quota-Resets-In, else "…reset in 133 seconds" in the text, else a full window. */
function resetSeconds(res: HttpResponse, said: string | null): number {
  const header = Number(res.headers.get('x-toggl-quota-resets-in'));
  if (res.headers.get('x-toggl-quota-resets-in') !== null && Number.isFinite(header) && header >= 0)
    return Math.min(header, MAX_WAIT_S);
  const inText = /reset[^0-9]*(\d+)\s*s/i.exec(said ?? '');
  if (inText?.[1]) return Math.min(Number(inText[1]), MAX_WAIT_S);
  return 3600;
}

/** A reset or retry time beyond a week is a broken header, not a plan: wait a week at most. */
const MAX_WAIT_S = 7 * 24 * 3600;

function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.min(Math.max(0, secs), MAX_WAIT_S) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - now), MAX_WAIT_S * 1000);
}

/** Belt and braces: whatever the path, the token itself never reaches a message. */
function scrub(err: unknown, token: string): unknown {
  if (!(err instanceof ProviderError) || token === '' || !err.error.message.includes(token))
    return err;
  return new ProviderError({ ...err.error, message: err.error.message.split(token).join('•••') });
}
