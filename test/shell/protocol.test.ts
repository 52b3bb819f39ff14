import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

const { protocol, resetFake } = await import('../fakes/electron');
const { registerAppScheme, serveAppScheme } = await import('../../main/shell/protocol');
const { CONTENT_SECURITY_POLICY } = await import('../../main/shell/app-url');

let dir: string;
let rendererDir: string;

beforeEach(() => {
  resetFake();
  dir = mkdtempSync(path.join(tmpdir(), 'tray-timer-protocol-'));
  rendererDir = path.join(dir, 'out', 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Tray Timer</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  // Things next to the renderer folder that must never be served.
  writeFileSync(path.join(dir, 'out', 'secret.txt'), 'token-123');
  writeFileSync(path.join(dir, 'settings.json'), '{"secret":true}');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// scheme', () => {
  it('is registered as privileged: standard, secure, fetch-capable', () => {
    registerAppScheme();
    expect(protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('serves the page with its type, the CSP and nosniff', async () => {
    serveAppScheme(rendererDir);
    const page = await protocol.request('app://tray-timer/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Tray Timer</title>');

    const script = await protocol.request('app://tray-timer/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('the CSP forbids inline script, eval, remote connections, plugins and framing', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it.each([
    'app://tray-timer/../secret.txt',
    'app://tray-timer/%2e%2e/secret.txt',
    'app://tray-timer/..%2fsecret.txt',
    'app://tray-timer/%2e%2e/%2e%2e/settings.json',
    'app://tray-timer/missing.js',
    'app://tray-timer/assets/',
    'app://other-host/index.html',
  ])('answers 404 to %s', async (url) => {
    serveAppScheme(rendererDir);
    const response = await protocol.request(url);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain('token-123');
    expect(body).not.toContain('secret');
  });

  it('refuses methods other than GET and HEAD', async () => {
    serveAppScheme(rendererDir);
    const handler = protocol.handlers.get('app');
    const response = await handler?.(
      new Request('app://tray-timer/index.html', { method: 'POST', body: 'x' }),
    );
    expect(response?.status).toBe(405);
  });
});
