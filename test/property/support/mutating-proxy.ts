/**
 * A loopback HTTP server in front of a fake provider: every request goes on to the fake, and the
 * fake's realistic answer comes back changed as the property's plan says (the n-th answer with
 * another status, other headers, a mutated or cut or replaced body). The provider under test
 * talks real HTTP to it, so the whole path — http-client, the provider's client, its parser,
 * the mapping, the core — meets the hostile answer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { bodyChangeArb, changeBody, type BodyChange } from './hostile-json';

export interface AnswerChange {
  /** Which answer of the run (0 = the first); a run has about a dozen. */
  at: number;
  status?: number;
  headers?: Record<string, string>;
  body: BodyChange;
}

const STATUSES = [200, 201, 400, 401, 402, 403, 404, 409, 410, 422, 429, 500, 502, 503];
/** Headers the providers read from answers (quota, rate limits). */
const READ_HEADERS = [
  'retry-after',
  'x-toggl-quota-remaining',
  'x-toggl-quota-resets-in',
  'content-type',
];

export const answerChangeArb: fc.Arbitrary<AnswerChange> = fc.record(
  {
    at: fc.nat({ max: 12 }),
    status: fc.constantFrom(...STATUSES),
    // Reset and retry times up to ~4 months: larger ones hit bug B5 (notes/h2-bugs.md).
    headers: fc.dictionary(
      fc.constantFrom(...READ_HEADERS),
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          '',
          'NaN',
          'soon',
          '1e400',
          '-1',
          'text/html',
          'Fri, 27 Nov 2026 10:00:00 GMT',
        ),
        fc.integer({ min: -100_000, max: 10_000_000 }).map(String),
      ),
      { maxKeys: 2 },
    ),
    body: bodyChangeArb,
  },
  { requiredKeys: ['at', 'body'] },
);

/** A run's plan: mostly one or two hostile answers among realistic ones. */
export const planArb: fc.Arbitrary<AnswerChange[]> = fc.array(answerChangeArb, {
  minLength: 1,
  maxLength: 4,
});

export interface MutatingProxy {
  /** The proxy's base URL for `apiPath` (the fake's API root). */
  url(apiPath: string): string;
  /** Starts a run: the changes to make, counted from the next answer. */
  plan(changes: readonly AnswerChange[], target: string): void;
  /** Every body sent in this run, joined (what "the server said"). */
  readonly said: string;
  /** What was changed in this run, for a counterexample's message. */
  readonly log: string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startMutatingProxy(): Promise<MutatingProxy> {
  let changes: readonly AnswerChange[] = [];
  let target = '';
  let count = 0;
  let said: string[] = [];
  let log: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const n = count++;
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const upstream = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length ? { body: new Uint8Array(body) } : {}),
        redirect: 'manual',
      });
      let status = upstream.status;
      let text = await upstream.text();
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (READ_HEADERS.includes(k) || k === 'location') out[k] = v;
      });
      // Only the first matching change applies, so a plan reads as "answer n is this".
      const change = changes.find((c) => c.at === n);
      if (change) {
        if (change.status !== undefined) status = change.status;
        Object.assign(out, change.headers ?? {});
        text = changeBody(text, change.body);
        log.push(`#${n} ${req.method} ${req.url} → ${status} ${text.slice(0, 300)}`);
      }
      said.push(text, ...Object.values(out));
      res.writeHead(status, { ...out, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })().catch((err: unknown) => {
      res.writeHead(599);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (apiPath) => `${origin}${apiPath}`,
    plan(next, to) {
      changes = next;
      target = to;
      count = 0;
      said = [];
      log = [];
    },
    get said() {
      return said.join('\n');
    },
    get log() {
      return log;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
