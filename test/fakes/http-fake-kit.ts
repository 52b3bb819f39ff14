/**
 * Parts every fake provider server needs (Toggl, TrackingTime, WebWork): a loopback HTTP server
 * on a random port, path patterns, fault switches a test flips at runtime (and the gateway faults
 * played the same way by all three), sliding request windows for quotas, and a request log that
 * never holds a secret.
 *
 * Path patterns (used by faults, redirects and filters) are matched against the path below the
 * API root, without the query: `'/me/time_entries/current'`. A pattern may start with a method
 * (`'PATCH /workspaces/*\/time_entries/*\/stop'`), `*` matches one path segment, `**` matches
 * anything (including `/`), and a RegExp is tested as is.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Path patterns
// ---------------------------------------------------------------------------------------------
export type PathPattern = string | RegExp;

export function matchesPattern(pattern: PathPattern, method: string, path: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  let glob = pattern.trim();
  const space = glob.indexOf(' ');
  if (space > 0) {
    if (glob.slice(0, space).toUpperCase() !== method.toUpperCase()) return false;
    glob = glob.slice(space + 1).trim();
  }
  const source = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+'),
    )
    .join('.*');
  return new RegExp(`^${source}$`).test(path);
}

// ---------------------------------------------------------------------------------------------
// Fault switches
// ---------------------------------------------------------------------------------------------
/**
 * - `slow`: wait `ms` real milliseconds, then answer normally (a timeout test).
 * - `reset`: destroy the socket without an answer.
 * - `html502`: a gateway's HTML error page with status 502 (not JSON).
 * - `status500`: 500 with the string body "Internal Server Error".
 * - `truncatedJson`: the normal answer, cut in the middle (status and headers kept).
 * - `wrongShape`: the normal status and headers, but valid JSON of the wrong type
 *   (`{"oops":1}` unless `body` is given).
 */
export type FaultKind = 'slow' | 'reset' | 'html502' | 'status500' | 'truncatedJson' | 'wrongShape';

export interface FaultOptions {
  /** Apply to the next N matching requests only (default: until cleared). */
  times?: number;
  /** For `slow`: real milliseconds to wait (default 15 000). */
  ms?: number;
  /** For `wrongShape`: the JSON value to send instead. */
  body?: unknown;
}

export interface Fault {
  kind: FaultKind;
  pattern: PathPattern;
  remaining: number;
  ms: number;
  body: unknown;
}

export class FaultBoard {
  readonly #faults: Fault[] = [];

  add(kind: FaultKind, pattern: PathPattern = '**', options: FaultOptions = {}): void {
    this.#faults.push({
      kind,
      pattern,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      ms: options.ms ?? 15_000,
      body: options.body === undefined ? { oops: 1 } : options.body,
    });
  }

  clear(kind?: FaultKind): void {
    for (let i = this.#faults.length - 1; i >= 0; i--)
      if (kind === undefined || this.#faults[i]?.kind === kind) this.#faults.splice(i, 1);
  }

  /** The faults that apply to this request (one per kind, first added wins); uses one of each. */
  take(method: string, path: string): Map<FaultKind, Fault> {
    const taken = new Map<FaultKind, Fault>();
    for (const fault of this.#faults) {
      if (taken.has(fault.kind) || fault.remaining <= 0) continue;
      if (!matchesPattern(fault.pattern, method, path)) continue;
      fault.remaining -= 1;
      taken.set(fault.kind, fault);
    }
    for (let i = this.#faults.length - 1; i >= 0; i--)
      if ((this.#faults[i]?.remaining ?? 0) <= 0) this.#faults.splice(i, 1);
    return taken;
  }
}

export const GATEWAY_502_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Half of the text, at least one character short, so JSON.parse must fail. */
export function truncate(text: string): string {
  return text.slice(0, Math.max(0, Math.min(text.length - 1, Math.ceil(text.length / 2))));
}

/**
 * The gateway faults every fake plays the same way, before its API looks at the request: takes
 * this request's faults (their kinds go to `notes`), waits out `slow`, drops the socket for
 * `reset`, answers `html502` with the gateway page through `send502`. Returns the taken faults
 * (status500, truncatedJson and wrongShape are each fake's own: they differ in body and in where
 * they apply), or null when the request is already dealt with (client gone, reset, 502 sent).
 */
export async function playGatewayFaults(
  faults: FaultBoard,
  request: { method: string; path: string; notes: string[] },
  req: IncomingMessage,
  res: ServerResponse,
  send502: (html: string) => void,
): Promise<Map<FaultKind, Fault> | null> {
  const taken = faults.take(request.method, request.path);
  for (const kind of taken.keys()) request.notes.push(kind);
  const slow = taken.get('slow');
  if (slow) {
    await sleepUnlessClosed(slow.ms, res);
    if (res.destroyed || res.writableEnded) return null;
  }
  if (taken.has('reset')) {
    req.socket.destroy();
    return null;
  }
  if (taken.has('html502')) {
    send502(GATEWAY_502_HTML);
    return null;
  }
  return taken;
}

/**
 * The body as the taken faults spoil it: `wrongShape` swaps in its JSON where `shapeApplies`
 * (each fake decides which answers it reaches), then `truncatedJson` cuts it.
 */
export function spoilBody(taken: Map<FaultKind, Fault>, body: string, shapeApplies = true): string {
  const wrong = taken.get('wrongShape');
  const shaped = wrong && shapeApplies ? JSON.stringify(wrong.body) : body;
  return taken.has('truncatedJson') ? truncate(shaped) : shaped;
}

// ---------------------------------------------------------------------------------------------
// Sliding windows (quotas)
// ---------------------------------------------------------------------------------------------
/** Counts requests in the last `windowMs`; each request expires `windowMs` after it was made. */
export class SlidingWindow {
  readonly #hits: number[] = [];
  constructor(readonly windowMs: number) {}

  #prune(now: number): void {
    while (this.#hits.length > 0 && (this.#hits[0] ?? 0) + this.windowMs <= now) this.#hits.shift();
  }

  count(now: number): number {
    this.#prune(now);
    return this.#hits.length;
  }

  hit(now: number): void {
    this.#prune(now);
    this.#hits.push(now);
  }

  /** Milliseconds until the oldest request in the window expires (0 when empty). */
  resetsInMs(now: number): number {
    this.#prune(now);
    const oldest = this.#hits[0];
    return oldest === undefined ? 0 : oldest + this.windowMs - now;
  }

  clear(): void {
    this.#hits.length = 0;
  }
}

/** Largest number of records whose `at` falls in any window of `windowMs` (windows start at a record). */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Request log
// ---------------------------------------------------------------------------------------------
/** What every fake logs about a request; each adds its own fields. */
export interface LoggedRequestBase {
  method: string;
  /** Below the API root, without the query. */
  path: string;
  /** `now()` when the request arrived. */
  at: number;
}

/** What every fake's request filter can ask; each adds fields compared with `===`. */
export interface RequestFilterBase {
  method?: string;
  path?: PathPattern;
  /** `at` range, inclusive start, exclusive end. */
  from?: number;
  to?: number;
}

type ExactKey<R, F> = Exclude<keyof F & keyof R, keyof RequestFilterBase>;

/**
 * The requests a fake saw, in arrival order, with the filters tests count them by. A filter
 * field left undefined matches anything; `method` ignores case, `path` is a pattern, the fields
 * named in `exactKeys` must be equal.
 */
export class RequestLog<R extends LoggedRequestBase, F extends RequestFilterBase> {
  readonly entries: R[] = [];

  constructor(
    readonly exactKeys: readonly ExactKey<R, F>[],
    /** For `maxInWindow` without `windowMs`: the provider's own quota window. */
    readonly defaultWindowMs: number,
  ) {}

  push(request: R): void {
    this.entries.push(request);
  }

  matches(r: R, f: F): boolean {
    if (f.method !== undefined && r.method !== f.method.toUpperCase()) return false;
    if (f.path !== undefined && !matchesPattern(f.path, r.method, r.path)) return false;
    if (f.from !== undefined && r.at < f.from) return false;
    if (f.to !== undefined && r.at >= f.to) return false;
    return this.exactKeys.every(
      (key) => f[key] === undefined || (r[key] as unknown) === (f[key] as unknown),
    );
  }

  by(filter: F): R[] {
    return this.entries.filter((r) => this.matches(r, filter));
  }

  /** Most requests matching `filter` in any `windowMs` (default: `defaultWindowMs`). */
  maxInWindow(filter: F & { windowMs?: number }): number {
    return maxInAnyWindow(
      this.by(filter).map((r) => r.at),
      filter.windowMs ?? this.defaultWindowMs,
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Server plumbing
// ---------------------------------------------------------------------------------------------
export interface LoopbackServer {
  port: number;
  origin: string;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Listens on 127.0.0.1 with a port the OS picks; `close()` also ends kept-alive sockets. */
export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      // A bug in the fake must show up in the test output, not as a hanging request.
      console.error('fake server handler failed', error);
      if (!res.headersSent) res.writeHead(599, { 'Content-Type': 'text/plain' });
      res.end('fake server bug');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The body's bytes as sent (a fake that decodes gzip itself needs them undecoded). */
export async function readRawBody(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error('request body too large for the fake');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  return (await readRawBody(req, limit)).toString('utf8');
}

/** Real-time sleep that ends early if the client goes away. */
export function sleepUnlessClosed(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done(): void {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}

export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) out[key] = value;
  return out;
}

export interface RequestTarget {
  /** Upper case; GET when missing. */
  method: string;
  url: URL;
  /** Whether the path is below `apiRoot`. */
  underRoot: boolean;
  /** Below `apiRoot`, or the whole path when it is not under it. */
  path: string;
}

export function requestTarget(req: IncomingMessage, apiRoot: string): RequestTarget {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const underRoot = url.pathname.startsWith(`${apiRoot}/`);
  return {
    method,
    url,
    underRoot,
    path: underRoot ? url.pathname.slice(apiRoot.length) : url.pathname,
  };
}

// ---------------------------------------------------------------------------------------------
// Seeded state
// ---------------------------------------------------------------------------------------------
/** A seeded record, or a loud error: asking for one that was never added is the test's mistake. */
export function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K, message: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(message);
  return value;
}
