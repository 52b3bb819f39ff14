/**
 * Where the shell finds its files, dev and packaged alike. Pure, so both layouts are tested.
 *
 * `appRoot` is app.getAppPath(): the repository in development, resources/app.asar when packaged.
 * The tray icons are extraResources (Tray needs real files on disk, not asar entries), so a
 * packaged app finds them under process.resourcesPath.
 */
import path from 'node:path';
import { APP_ORIGIN, POPUP_URL } from './app-url';

export interface AppPathsInput {
  appRoot: string;
  isPackaged: boolean;
  resourcesPath: string;
  /** electron-vite's dev server (`npm run dev`); ignored in a packaged app. */
  devRendererUrl?: string | undefined;
}

export interface AppPaths {
  preload: string;
  rendererDir: string;
  trayIconDir: string;
  /** What the popup loads. */
  popupUrl: string;
  /** Origins the popup's IPC and navigation are accepted from. */
  allowedOrigins: string[];
}

export function appPaths(input: AppPathsInput): AppPaths {
  const out = path.join(input.appRoot, 'out');
  const base = {
    preload: path.join(out, 'preload', 'index.cjs'),
    rendererDir: path.join(out, 'renderer'),
    trayIconDir: input.isPackaged
      ? path.join(input.resourcesPath, 'assets', 'tray')
      : path.join(input.appRoot, 'assets', 'tray'),
  };
  const dev = !input.isPackaged ? devServer(input.devRendererUrl) : null;
  return dev
    ? { ...base, popupUrl: dev.href, allowedOrigins: [APP_ORIGIN, dev.origin] }
    : { ...base, popupUrl: POPUP_URL, allowedOrigins: [APP_ORIGIN] };
}

/** Only a loopback http(s) dev server counts; anything else in the variable is ignored. */
function devServer(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && loopback
      ? parsed
      : null;
  } catch {
    return null;
  }
}
