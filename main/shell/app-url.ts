/**
 * The popup is served from `app://tray-timer/…`, never from `file://`: a file URL would give the
 * page the whole disk as its origin. This module maps such a URL to a file inside the renderer
 * build folder and refuses everything else. Pure (no electron import): tested on its own and
 * reusable by anything that serves the renderer the same way.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tray-timer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const POPUP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Sent as a header with every response, in addition to the page's CSP meta (both apply). No
 * inline script, no eval, no remote anything: the popup talks to main only through the preload.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type AppUrlResolution =
  { ok: true; filePath: string; contentType: string } | { ok: false; reason: string };

const refuse = (reason: string): AppUrlResolution => ({ ok: false, reason });

/**
 * Maps `app://tray-timer/<path>` to `<rootDir>/<path>`. Chromium already normalises the URLs it
 * sends, so everything refused here is an attack or a bug: `..` (plain or percent-encoded), encoded
 * slashes and backslashes, NUL, absolute or drive paths, another host or scheme.
 */
export function resolveAppUrl(url: string, rootDir: string): AppUrlResolution {
  if (url.includes('\0') || /%00/i.test(url)) return refuse('NUL in URL');
  // Checked on the raw text: URL parsing would silently resolve "a/../../b" to "/b".
  if (/%2e/i.test(url)) return refuse('encoded dot in URL');
  if (/%2f|%5c/i.test(url)) return refuse('encoded slash in URL');
  if (url.includes('\\')) return refuse('backslash in URL');

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('not a URL');
  }
  if (parsed.protocol !== `${APP_SCHEME}:`)
    return refuse(`scheme ${parsed.protocol} is not served`);
  if (parsed.host.toLowerCase() !== APP_HOST)
    return refuse(`host ${parsed.host || '(none)'} is not served`);
  if (parsed.username || parsed.password || parsed.port)
    return refuse('credentials or port in URL');

  const afterScheme = url.slice(url.indexOf('://') + 3);
  const slash = afterScheme.indexOf('/');
  const rawPath = slash < 0 ? '' : (afterScheme.slice(slash).split(/[?#]/, 1)[0] ?? '');
  if (rawPath.split('/').some((segment) => segment === '..' || segment === '.'))
    return refuse('dot segment in path');

  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return refuse('malformed percent-encoding');
  }
  // A "%" left after decoding means the URL was encoded twice: nothing we serve is named so.
  if (relative.includes('%')) return refuse('double-encoded URL');
  relative = relative.startsWith('/') ? relative.slice(1) : relative;
  if (relative === '') relative = 'index.html';
  // "//etc/passwd", "C:/…", "c:foo", alternate data streams: nothing in a web build needs these.
  if (path.isAbsolute(relative) || relative.startsWith('/') || relative.includes(':'))
    return refuse('absolute path');
  if (relative.endsWith('/')) return refuse('directory listing');
  const segments = relative.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    return refuse('empty or dot segment in path');

  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, ...segments);
  // Belt and braces: whatever the checks above missed, never leave the root.
  if (!filePath.startsWith(root + path.sep)) return refuse('path leaves the renderer folder');
  return { ok: true, filePath, contentType: contentTypeFor(filePath) };
}
