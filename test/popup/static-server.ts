/**
 * Serves the built popup on 127.0.0.1 the way the app's app:// protocol does: files from one
 * folder only (no traversal), the same CSP as a header (or none, for the CSP tests), nothing else.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export const POPUP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  url: string;
  /** Every request (for serveDirectory, its path), so a test can assert nothing unexpected came. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * `csp` is the Content-Security-Policy header: POPUP_CSP unless said, `null` for none (so a test
 * can see what the page's own meta CSP does alone).
 */
export function serveDirectory(
  root: string,
  { csp = POPUP_CSP }: { csp?: string | null } = {},
): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
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
          ...(csp === null ? {} : { 'Content-Security-Policy': csp }),
          'Cache-Control': 'no-store',
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  return listenOnLoopback(server, requests);
}

/** Starts `server` on a free 127.0.0.1 port; `requests` is the list its handler fills. */
export async function listenOnLoopback(server: Server, requests: string[]): Promise<StaticServer> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    // A browser that is still open keeps its connections alive: end them, or close() waits.
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
