/**
 * The popup: the one place a window is created (so the hardened webPreferences are written once,
 * as literals, and a test can hold them to it), and the small controller that shows it next to
 * the tray and hides it when it loses focus.
 */
import { app, BrowserWindow, nativeTheme, screen } from 'electron';
import { IPC } from '../../preload/contract';
import type { PopupView } from '../../preload/contract';
import { popupPosition } from './popup-position';
import type { Rect } from './popup-position';

export const POPUP_SIZE = { width: 360, height: 520 } as const;

/** The window factory. Everything security-relevant is a literal here, on purpose. */
export function createPopupWindow(options: { preloadPath: string }): BrowserWindow {
  return new BrowserWindow({
    width: POPUP_SIZE.width,
    height: POPUP_SIZE.height,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    title: 'Tray Timer',
    // Avoids a white flash before the page paints in dark mode.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1c1c1f' : '#f5f5f7',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: options.preloadPath,
      spellcheck: false,
    },
  });
}

export interface Popup {
  readonly window: BrowserWindow;
  show(view?: PopupView): void;
  hide(): void;
  toggle(): void;
  isVisible(): boolean;
}

export interface PopupOptions {
  preloadPath: string;
  /** app://tray-timer/index.html (or the dev server in `npm run dev`). */
  url: string;
  /** Where the tray icon is; null or zeros where the OS does not say (Linux). */
  trayBounds: () => Rect | null;
  platform: NodeJS.Platform;
  now?: () => number;
}

/**
 * On Windows and macOS, clicking the tray icon while the popup shows first blurs the popup (which
 * hides it) and then delivers the click (which would show it again). A click this soon after a
 * blur-hide is that same click: leave the popup hidden.
 */
const BLUR_CLICK_WINDOW_MS = 300;

export function createPopup(options: PopupOptions): Popup {
  const now = options.now ?? Date.now;
  const window = createPopupWindow({ preloadPath: options.preloadPath });
  let hiddenByBlurAt = Number.NEGATIVE_INFINITY;
  let quitting = false;

  window.loadURL(options.url).catch((error: unknown) => {
    console.error(`Tray Timer: the popup page could not be loaded from ${options.url}:`, error);
  });

  window.on('blur', () => {
    if (!window.isVisible()) return;
    window.hide();
    hiddenByBlurAt = now();
  });
  // Alt+F4 must not destroy the only window: hide it instead, except when the app is quitting.
  app.on('before-quit', () => {
    quitting = true;
  });
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    window.hide();
  });

  const popup: Popup = {
    window,
    show(view = 'timer') {
      if (window.isDestroyed()) return;
      const [width = POPUP_SIZE.width, height = POPUP_SIZE.height] = window.getSize();
      const { x, y } = popupPosition({
        trayBounds: options.trayBounds(),
        cursor: screen.getCursorScreenPoint(),
        workAreas: screen.getAllDisplays().map((d) => d.workArea),
        windowSize: { width, height },
        platform: options.platform,
      });
      window.setPosition(x, y);
      window.show();
      window.focus();
      window.webContents.send(IPC.shown, view);
    },
    hide() {
      if (!window.isDestroyed()) window.hide();
    },
    toggle() {
      if (window.isDestroyed()) return;
      if (window.isVisible()) popup.hide();
      else if (now() - hiddenByBlurAt >= BLUR_CLICK_WINDOW_MS) popup.show();
    },
    isVisible() {
      return !window.isDestroyed() && window.isVisible();
    },
  };
  return popup;
}
