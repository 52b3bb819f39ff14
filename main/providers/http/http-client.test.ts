import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { httpRequest } from './http-client';

interface Seen {
  path: string;
  authorization: string | undefined;
}

const servers: Server[] = [];

/** A loopback server that records what arrived and answers with `handle`. */
async function serve(
  handle: (req: IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
    body?: string;
    hang?: boolean;
    /** Writes the answer itself (bodies that stream, stall or break). */
    raw?: (res: ServerResponse) => void;
  },
): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const answer = handle(req);
    if (answer.hang) return;
    if (answer.raw) return answer.raw(res);
    res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const AUTH = { Authorization: 'Basic dG9rZW46YXBpX3Rva2Vu' };

describe('httpRequest', () => {
  it('follows a same-origin redirect with the Authorization header', async () => {
    const a = await serve((req) =>
      req.url === '/old'
        ? { status: 307, headers: { Location: '/new' } }
        : { status: 200, body: 'ok' },
    );
    const res = await httpRequest(fetch, 'Svc', {
      method: 'GET',
      url: `${a.origin}/old`,
      headers: AUTH,
    });
    expect(res.text).toBe('ok');
    expect(a.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/old', AUTH.Authorization],
      ['/new', AUTH.Authorization],
    ]);
  });

  it('never carries Authorization to another origin', async () => {
    const other = await serve(() => ({ status: 200, body: 'elsewhere' }));
    const a = await serve(() => ({ status: 302, headers: { Location: `${other.origin}/steal` } }));
    const res = await httpRequest(fetch, 'Svc', {
      method: 'GET',
      url: `${a.origin}/x`,
      headers: AUTH,
    });
    expect(res.text).toBe('elsewhere');
    expect(other.seen).toEqual([{ path: '/steal', authorization: undefined }]);
  });

  it('stops following after three redirects and returns the redirect itself', async () => {
    const a = await serve(() => ({ status: 307, headers: { Location: '/again' } }));
    const res = await httpRequest(fetch, 'Svc', { method: 'GET', url: `${a.origin}/loop` });
    expect(res.status).toBe(307);
    expect(a.seen).toHaveLength(4);
  });

  it('a server that never answers is an offline error naming the service and the timeout', async () => {
    const a = await serve(() => ({ status: 200, hang: true }));
    const err = await httpRequest(fetch, 'Toggl Track', {
      method: 'GET',
      url: `${a.origin}/`,
      timeoutMs: 200,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).error).toEqual({
      kind: 'offline',
      message: 'Toggl Track did not answer within 1 s.',
    });
  });

  it('a refused connection is an offline error without any header or secret in it', async () => {
    const a = await serve(() => ({ status: 200 }));
    const url = `${a.origin}/`;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const err = await httpRequest(fetch, 'Toggl Track', {
      method: 'GET',
      url,
      headers: AUTH,
    }).catch((e: unknown) => e);
    expect((err as ProviderError).error).toEqual({
      kind: 'offline',
      message: 'Toggl Track is unreachable: the connection was refused.',
    });
  });

  it('reads at most maxBodyBytes of a body and says so, without the server sending it all', async () => {
    let written = 0;
    let closed: Promise<void> = Promise.resolve();
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const total = 50 * 1024 * 1024;
    const a = await serve(() => ({
      status: 200,
      raw: (res) => {
        closed = new Promise((resolve) => res.on('close', () => resolve()));
        res.writeHead(200, { 'Content-Type': 'application/json' }); // chunked: no length to trust
        const pump = (): void => {
          while (written < total && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      },
    }));
    const err = await httpRequest(fetch, 'Toggl Track', {
      method: 'GET',
      url: `${a.origin}/big`,
      maxBodyBytes: 1024 * 1024,
    }).catch((e: unknown) => e);
    expect((err as ProviderError).error).toEqual({
      kind: 'offline',
      message: 'Toggl Track sent an answer larger than 1 MB; it was not read.',
    });
    await closed;
    // The client hung up early: far less than the 50 MB went out (socket buffers hold a few MB).
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared Content-Length above the cap before reading any of it', async () => {
    const a = await serve(() => ({
      status: 200,
      raw: (res) => {
        res.writeHead(200, { 'Content-Length': String(50 * 1024 * 1024) });
        res.write('{"a":');
      },
    }));
    const err = await httpRequest(fetch, 'WebWork', {
      method: 'GET',
      url: `${a.origin}/`,
    }).catch((e: unknown) => e);
    expect((err as ProviderError).error).toEqual({
      kind: 'offline',
      message: 'WebWork sent an answer larger than 5 MB; it was not read.',
    });
  });

  it('a body trickled slower than the timeout fails at the timeout, not when the drip ends', async () => {
    const a = await serve(() => ({
      status: 200,
      raw: (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('[');
        // Each byte comes well within any idle timeout; the whole never does.
        const drip = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(drip));
      },
    }));
    const started = Date.now();
    const err = await httpRequest(fetch, 'TrackingTime', {
      method: 'GET',
      url: `${a.origin}/`,
      timeoutMs: 400,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((err as ProviderError).error).toEqual({
      kind: 'offline',
      message: 'TrackingTime started answering but did not finish within 1 s.',
    });
  });

  it('a connection reset in the middle of a body is an offline error', async () => {
    const a = await serve(() => ({
      status: 200,
      raw: (res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('{"id":', () => res.socket?.resetAndDestroy());
      },
    }));
    const err = await httpRequest(fetch, 'Toggl Track', {
      method: 'GET',
      url: `${a.origin}/`,
    }).catch((e: unknown) => e);
    expect((err as ProviderError).error).toEqual({
      kind: 'offline',
      message: 'Toggl Track is unreachable: the connection was reset in the middle of its answer.',
    });
  });

  it('reads a multi-byte UTF-8 body split across chunks intact, just under the cap', async () => {
    const body = JSON.stringify({ name: 'Café ☕ 日本' });
    const bytes = Buffer.from(body);
    const a = await serve(() => ({
      status: 200,
      raw: (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        // One byte per write: every multi-byte character is split between chunks.
        let i = 0;
        const next = (): void => {
          if (i >= bytes.length) return void res.end();
          res.write(bytes.subarray(i, i + 1), next);
          i += 1;
        };
        next();
      },
    }));
    const res = await httpRequest(fetch, 'Svc', {
      method: 'GET',
      url: `${a.origin}/`,
      maxBodyBytes: bytes.length,
    });
    expect(res.text).toBe(body);
  });
});
