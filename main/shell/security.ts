/**
 * What no page in this app may do: ask for permissions, navigate away, open windows, embed
 * webviews, or make main open arbitrary URLs. Set up once, before any window exists, so it also
 * covers web contents nobody planned for.
 */
import { app, session, shell } from 'electron';
import { APP_ORIGIN } from './app-url';

/** The only sites `openExternal` opens: the services Tray Timer talks to, and the project's home. */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = [
  'toggl.com',
  'track.toggl.com',
  'trackingtime.co',
  'webwork-tracker.com',
  'github.com',
];

/**
 * True only for `https:` URLs on an allowlisted host with no credentials and the default port.
 * `file:`, UNC paths, `javascript:`, `http:`, look-alike hosts ("toggl.com.evil.io",
 * "toggl.com@evil.io") are all refused.
 */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password || parsed.port) return false;
  return EXTERNAL_HOST_ALLOWLIST.includes(parsed.hostname);
}

/**
 * Opens `url` in the user's browser if it is allowed; the opener is injected (shell.openExternal
 * in the app) so this stays testable. Resolves to whether it opened.
 */
export async function openExternalSafely(
  url: string,
  opener: (url: string) => Promise<void>,
): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false;
  await opener(new URL(url).href);
  return true;
}

/** A navigation stays in the app only when it goes to one of our own origins (a reload). */
export function isAppUrl(url: string, allowedOrigins: readonly string[] = [APP_ORIGIN]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // `URL.origin` is "null" for non-special schemes such as app:, so build it the way Chromium does.
  const origin = `${parsed.protocol}//${parsed.host.toLowerCase()}`;
  return allowedOrigins.includes(origin);
}

export interface SecurityOptions {
  /** Origins the popup may be on: app://tray-timer, plus the dev server's in `npm run dev`. */
  allowedOrigins: readonly string[];
}

/** Call before the first window is created (web-contents-created must see it). Needs app ready. */
export function setUpSecurity(options: SecurityOptions): void {
  const ses = session.defaultSession;
  // The popup needs no camera, notifications, clipboard, geolocation… Deny every request and check.
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isAppUrl(event.url, options.allowedOrigins)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isAppUrl(event.url, options.allowedOrigins)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // A link with target=_blank to an allowlisted site opens in the browser; nothing opens here.
      void openExternalSafely(url, (href) => shell.openExternal(href)).catch(() => undefined);
      return { action: 'deny' };
    });
  });
}
