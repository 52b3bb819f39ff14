/**
 * The `app://` scheme the popup is served from (see app-url.ts for why not `file://`).
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, resolveAppUrl } from './app-url';

/**
 * Must run before `app` is ready. `standard` gives the scheme real origins (so the CSP's 'self'
 * and the IPC origin check mean something), `secure` makes it a secure context like https,
 * `supportFetchAPI` lets the page load its own modules.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const notFound = (): Response =>
  new Response('Not found', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });

/** Serves files of the renderer build (`out/renderer`) and nothing else. Needs app ready. */
export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405 });
    const resolved = resolveAppUrl(request.url, rendererDir);
    if (!resolved.ok) return notFound();
    let body: Buffer;
    try {
      body = await readFile(resolved.filePath);
    } catch {
      // Missing file, a directory, unreadable: all look the same from the page.
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': resolved.contentType,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  });
}
