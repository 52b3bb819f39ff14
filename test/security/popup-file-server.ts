/**
 * Serves the built popup (out/renderer) on 127.0.0.1 with a choice of CSP delivery, so a test
 * can prove what the shipped index.html's meta CSP does on its own, and what it does together
 * with the header the app:// protocol adds (main/shell/protocol.ts). Also a plain "another
 * origin" server that only counts what reaches it: a blocked request must never arrive.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface LocalServer {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

async function listen(server: Server, requests: string[]): Promise<LocalServer> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The renderer build; `cspHeader` undefined means the page's meta CSP is the only policy. */
export function servePopupFiles(root: string, cspHeader?: string): Promise<LocalServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(pathname);
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': 'no-store',
          ...(cspHeader ? { 'Content-Security-Policy': cspHeader } : {}),
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  return listen(server, requests);
}

/**
 * "Somewhere else": a different origin (other port) that would happily answer anything, with
 * CORS wide open, so only the popup's CSP can stop a request from reaching it.
 */
export function serveOtherOrigin(): Promise<LocalServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? '/'}`);
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': req.url?.endsWith('.js') ? 'text/javascript' : 'text/plain',
    });
    res.end(req.url?.endsWith('.js') ? 'window.__remoteScriptRan = true;' : 'exfiltrated');
  });
  return listen(server, requests);
}
