/**
 * A pass-through HTTP proxy between the app and a fake service that can lose one answer: the
 * request reaches the service (which applies it), the service's answer comes back to the proxy,
 * and before one byte of it is forwarded the test kills the app. That is the crash "after the
 * request left": the service did the work, the app never learnt it.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readRawBody, startLoopbackServer, type LoopbackServer } from '../fakes/http-fake-kit';

/** Which request's answer to lose (method and path without the query). */
export type RequestMatch = (method: string, path: string) => boolean;

export interface LosingProxy {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /**
   * The next request matching `match` is forwarded; when its answer arrives, `beforeLoss` runs
   * (the test kills the app there) and the answer is dropped with the connection.
   */
  loseNextAnswer(match: RequestMatch, beforeLoss: () => Promise<void>): void;
  /**
   * Holds the answers of matching requests for `ms` before forwarding them (two processes racing
   * on one journal both get to read the service before either one's action lands).
   */
  delayAnswers(match: RequestMatch, ms: number): void;
  /** Answers lost so far, as `METHOD /path`. */
  readonly lost: readonly string[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function forward(
  target: URL,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: url,
        headers: { ...headers, host: target.host, connection: 'close' },
      },
      (res) => {
        readRawBody(res, 64 * 1024 * 1024).then(
          (buf) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: buf }),
          reject,
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function startLosingProxy(targetOrigin: string): Promise<LosingProxy> {
  const target = new URL(targetOrigin);
  const lost: string[] = [];
  let trap: { match: RequestMatch; beforeLoss: () => Promise<void> } | null = null;
  let hold: { match: RequestMatch; ms: number } | null = null;
  const server: LoopbackServer = await startLoopbackServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? url;
    const body = await readRawBody(req);
    const armed = trap !== null && trap.match(method, path) ? trap : null;
    if (armed) trap = null;
    const answer = await forward(target, method, url, req.headers, body);
    if (armed) {
      lost.push(`${method} ${path}`);
      await armed.beforeLoss();
      res.socket?.destroy();
      return;
    }
    if (hold?.match(method, path)) await new Promise((r) => setTimeout(r, hold?.ms));
    const headers = { ...answer.headers };
    // The body was read whole: it goes back with its length, not in the service's chunks.
    delete headers['transfer-encoding'];
    delete headers['connection'];
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  });
  return {
    origin: server.origin,
    lost,
    loseNextAnswer(match, beforeLoss) {
      trap = { match, beforeLoss };
    },
    delayAnswers(match, ms) {
      hold = { match, ms };
    },
    close: () => server.close(),
  };
}
