import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAppUrl } from '../../main/shell/app-url';

const root = path.resolve('/srv/tray-timer/out/renderer');

describe('resolveAppUrl serves files of the renderer folder', () => {
  it.each([
    ['app://tray-timer/index.html', 'index.html'],
    ['app://tray-timer/', 'index.html'],
    ['app://tray-timer', 'index.html'],
    ['app://tray-timer/assets/index-abc123.js', 'assets/index-abc123.js'],
    ['app://tray-timer/assets/index.css?v=2#top', 'assets/index.css'],
    ['app://tray-timer/assets/my%20font.woff2', 'assets/my font.woff2'],
  ])('%s → %s', (url, relative) => {
    expect(resolveAppUrl(url, root)).toEqual({
      ok: true,
      filePath: path.join(root, relative),
      contentType: contentTypeFor(relative),
    });
  });

  it('gives the right content types', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('a.png')).toBe('image/png');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('no-extension')).toBe('application/octet-stream');
  });
});

describe('resolveAppUrl refuses everything that could leave the folder', () => {
  it.each([
    ['dot-dot', 'app://tray-timer/../../etc/passwd'],
    ['dot-dot in the middle', 'app://tray-timer/assets/../../../etc/passwd'],
    ['single dot segment', 'app://tray-timer/./index.html'],
    ['encoded dot-dot', 'app://tray-timer/%2e%2e/%2e%2e/etc/passwd'],
    ['upper-case encoded dots', 'app://tray-timer/%2E%2E/secret'],
    ['mixed encoded dot', 'app://tray-timer/.%2e/secret'],
    ['encoded slash', 'app://tray-timer/..%2f..%2fetc%2fpasswd'],
    ['encoded slash alone', 'app://tray-timer/assets%2Findex.js'],
    ['encoded backslash', 'app://tray-timer/..%5c..%5cwindows%5cwin.ini'],
    ['raw backslash', 'app://tray-timer/..\\..\\windows\\win.ini'],
    ['double-encoded dot', 'app://tray-timer/%252e%252e/etc/passwd'],
    ['absolute path', 'app://tray-timer//etc/passwd'],
    ['drive letter', 'app://tray-timer/C:/Windows/win.ini'],
    ['NUL', 'app://tray-timer/index.html\0.png'],
    ['encoded NUL', 'app://tray-timer/index.html%00.png'],
    ['malformed escape', 'app://tray-timer/%E0%A4%A'],
    ['other host', 'app://evil/index.html'],
    ['host look-alike', 'app://tray-timer.evil.example/index.html'],
    ['credentials', 'app://user:pw@tray-timer/index.html'],
    ['port', 'app://tray-timer:8080/index.html'],
    ['other scheme', 'file:///etc/passwd'],
    ['https', 'https://tray-timer/index.html'],
    ['directory', 'app://tray-timer/assets/'],
    ['not a URL', 'tray-timer/index.html'],
  ])('%s: %s', (_name, url) => {
    const result = resolveAppUrl(url, root);
    expect(result.ok).toBe(false);
  });

  it('never returns a path outside the root, whatever the input', () => {
    const nasty = ['..', '%2e', '%2E%2e', '.', '%2f', '/', '\\', '%5c', 'a', '%00', '%25', ':'];
    for (const a of nasty)
      for (const b of nasty)
        for (const c of nasty) {
          const r = resolveAppUrl(`app://tray-timer/${a}${b}/${c}x`, root);
          if (r.ok) expect(r.filePath.startsWith(root + path.sep)).toBe(true);
        }
  });
});
