import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

const electron = await import('../fakes/electron');
const { BrowserWindow, resetFake, session, shell } = electron;
const { isAllowedExternalUrl, openExternalSafely, setUpSecurity } =
  await import('../../main/shell/security');
const { APP_ORIGIN } = await import('../../main/shell/app-url');

beforeEach(() => resetFake());

describe('openExternal allowlist', () => {
  it.each([
    'https://toggl.com/',
    'https://track.toggl.com/profile',
    'https://trackingtime.co/pricing',
    'https://webwork-tracker.com/',
    'https://github.com/tray-timer/tray-timer/issues',
    'HTTPS://GitHub.com/tray-timer',
  ])('opens %s', async (url) => {
    const opener = vi.fn(async (_url: string) => undefined);
    expect(isAllowedExternalUrl(url)).toBe(true);
    expect(await openExternalSafely(url, opener)).toBe(true);
    expect(opener).toHaveBeenCalledWith(new URL(url).href);
  });

  it.each([
    ['file URL', 'file:///etc/passwd'],
    ['file URL on Windows', 'file:///C:/Windows/System32/calc.exe'],
    ['UNC path', '\\\\evil-server\\share\\payload.exe'],
    ['UNC as file URL', 'file://evil-server/share/payload.exe'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['plain http', 'http://toggl.com/'],
    ['other host', 'https://evil.example/'],
    ['suffix look-alike', 'https://toggl.com.evil.example/'],
    ['subdomain not listed', 'https://evil.github.com/'],
    ['credentials trick', 'https://toggl.com@evil.example/'],
    ['credentials on allowed host', 'https://user:pw@github.com/'],
    ['non-default port', 'https://github.com:8443/'],
    ['custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['app scheme', 'app://tray-timer/index.html'],
    ['empty', ''],
    ['relative', '/index.html'],
  ])('refuses %s', async (_name, url) => {
    const opener = vi.fn(async (_url: string) => undefined);
    expect(isAllowedExternalUrl(url)).toBe(false);
    expect(await openExternalSafely(url, opener)).toBe(false);
    expect(opener).not.toHaveBeenCalled();
  });
});

describe('setUpSecurity', () => {
  beforeEach(() => setUpSecurity({ allowedOrigins: [APP_ORIGIN] }));

  it('denies every permission request and check', async () => {
    const window = new BrowserWindow();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
    ] as const) {
      expect(await session.defaultSession.requestPermission(permission, window.webContents)).toBe(
        false,
      );
      expect(session.defaultSession.checkPermission(permission, APP_ORIGIN)).toBe(false);
    }
  });

  it('blocks navigation away from the app, allows staying on app://tray-timer', () => {
    const { webContents } = new BrowserWindow();
    expect(webContents.tryNavigate('https://evil.example/')).toBe(false);
    expect(webContents.tryNavigate('file:///etc/passwd')).toBe(false);
    expect(webContents.tryNavigate('app://evil/index.html')).toBe(false);
    expect(webContents.tryNavigate('https://github.com/')).toBe(false);
    expect(webContents.tryNavigate('app://tray-timer/index.html')).toBe(true);
  });

  it('denies every new window; allowlisted links open in the browser instead', async () => {
    const { webContents } = new BrowserWindow();
    expect(webContents.tryOpenWindow('https://evil.example/')).toEqual({ action: 'deny' });
    expect(webContents.tryOpenWindow('https://github.com/tray-timer/tray-timer')).toEqual({
      action: 'deny',
    });
    expect(webContents.tryOpenWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    await new Promise((r) => setImmediate(r));
    expect(shell.opened).toEqual(['https://github.com/tray-timer/tray-timer']);
  });

  it('refuses to attach webviews', () => {
    expect(new BrowserWindow().webContents.tryAttachWebview()).toBe(false);
  });
});
