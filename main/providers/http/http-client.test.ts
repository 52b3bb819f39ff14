import { createServer, type IncomingMessage, type Server } from 'node:http';
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
  },
): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const answer = handle(req);
    if (answer.hang) return;
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
});
