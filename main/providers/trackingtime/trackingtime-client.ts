/**
 * TrackingTime over HTTP: Basic auth (`API_TOKEN:<app password>` or `email:<password>`), the
 * app's User-Agent on every request, one `httpRequest` per call, and the envelope's status read
 * whatever the HTTP status said. Web pages and broken bodies are "unreachable", never a crash;
 * the secret (and its Base64 form) never reaches a message.
 */
import type { z } from 'zod';
import type { AppError } from '../../../preload/contract';
import { httpRequest } from '../http/http-client';
import { ProviderError } from '../provider';
import { envelopeSchema, SERVICE } from './trackingtime-api';
import type { TrackingTimeBudget } from './trackingtime-budget';

export const PROJECT_URL = 'https://github.com/tray-timer/tray-timer';
export const AUTH_MESSAGE =
  'Sign-in needed: TrackingTime refused the password (app password revoked?)';
export const CONFLICT_MESSAGE =
  'A timer is already running on TrackingTime: stop it and start this one?';
export const HTML_MESSAGE = 'TrackingTime is unreachable (it answered with a web page).';
export const GARBLED_MESSAGE = 'TrackingTime is unreachable (its answer was cut off or not data).';

/**
 * POST parameters go as a JSON body; TrackingTime also takes form fields (and the fake accepts
 * both), so switching is this one constant.
 */
export const BODY_ENCODING: 'json' | 'form' = 'json';

export type Credentials = { mode: 'api-token' } | { mode: 'email'; email: string };

export interface TrackingTimeClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  appVersion: string;
  now: () => number;
  getSecret: () => Promise<string>;
  credentials: Credentials;
  /** Absent for connect (no account, no cache folder yet). */
  budget?: TrackingTimeBudget;
  timeoutMs?: number;
}

export interface TtCall<S extends z.ZodType> {
  method: 'GET' | 'POST';
  /** Below the base (and the account segment the caller adds): `/me`, `/123/tasks?…`. */
  path: string;
  schema: S;
  what: string;
  params?: Record<string, string | number | boolean>;
  /** Counted as automatic in the request log (poll, popup, startup, resume). */
  auto?: boolean;
  /** Track calls: an envelope 502 means "a timer is already running". */
  track?: boolean;
}

export function userAgent(appVersion: string): string {
  return `TrayTimer/${appVersion} (${PROJECT_URL})`;
}

export class TrackingTimeClient {
  constructor(private readonly o: TrackingTimeClientOptions) {}

  async call<S extends z.ZodType>(req: TtCall<S>): Promise<z.output<S>> {
    const secret = await this.o.getSecret();
    const user = this.o.credentials.mode === 'email' ? this.o.credentials.email : 'API_TOKEN';
    const basic = Buffer.from(`${user}:${secret}`).toString('base64');
    try {
      return await this.#send(req, basic);
    } catch (err) {
      throw scrub(err, [secret, basic]);
    }
  }

  async #send<S extends z.ZodType>(req: TtCall<S>, basic: string): Promise<z.output<S>> {
    this.o.budget?.record(this.o.now(), req.auto ?? false);
    const headers: Record<string, string> = {
      Authorization: `Basic ${basic}`,
      Accept: 'application/json',
      'User-Agent': userAgent(this.o.appVersion),
    };
    let body: string | undefined;
    if (req.params !== undefined) {
      if (BODY_ENCODING === 'json') {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(req.params);
      } else {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(
          Object.entries(req.params).map(([k, v]) => [k, String(v)]),
        ).toString();
      }
    }
    const res = await httpRequest(this.o.fetch, SERVICE, {
      method: req.method,
      url: `${this.o.baseUrl.replace(/\/+$/, '')}${req.path}`,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
    });
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      if (res.status === 401) throw new ProviderError({ kind: 'auth', message: AUTH_MESSAGE });
      throw new ProviderError({
        kind: 'offline',
        message: /^\s*</.test(res.text) ? HTML_MESSAGE : GARBLED_MESSAGE,
      });
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      if (res.status === 401) throw new ProviderError({ kind: 'auth', message: AUTH_MESSAGE });
      throw new ProviderError({
        kind: 'provider',
        retryable: true,
        message: `${SERVICE} answered with something unexpected (${req.what}: no response status).`,
      });
    }
    const { status, message } = envelope.data.response;
    if (status !== 200) throw new ProviderError(describe(status, message ?? null, req));
    const parsed = req.schema.safeParse(envelope.data.data ?? null);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `data.${issue.path.join('.')}` : 'data';
      throw new ProviderError({
        kind: 'provider',
        retryable: true,
        message: `${SERVICE} answered with something unexpected (${req.what}: ${where} ${issue?.message ?? 'is invalid'}).`,
      });
    }
    return parsed.data;
  }
}

function describe(status: number, said: string | null, req: TtCall<z.ZodType>): AppError {
  const text = said?.replace(/\s+/g, ' ').trim().slice(0, 300) || null;
  if (status === 401) return { kind: 'auth', message: AUTH_MESSAGE };
  if (status === 502 && req.track) return { kind: 'conflict', message: CONFLICT_MESSAGE };
  if (status === 403)
    return {
      kind: 'provider',
      message: `${SERVICE} does not allow this account to do that${text ? `: ${text}` : ''}.`,
    };
  if (status === 404)
    return { kind: 'not-found', message: `${SERVICE} could not find that (${text ?? req.what}).` };
  return {
    kind: 'provider',
    message: text ? `${SERVICE}: ${text}` : `${SERVICE} failed (${req.what}, status ${status}).`,
  };
}

/** Belt and braces: whatever the service echoed back, the secret never reaches a message. */
function scrub(err: unknown, secrets: string[]): unknown {
  if (!(err instanceof ProviderError)) return err;
  let message = err.error.message;
  for (const s of secrets)
    if (s !== '' && message.includes(s)) message = message.split(s).join('•••');
  return message === err.error.message ? err : new ProviderError({ ...err.error, message });
}
