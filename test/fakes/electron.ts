/// <reference types="electron" />
/**
 * A typed fake of the parts of `electron` the shell and the preload use. A plain-Node
 * `require('electron')` tries to download the binary and throws, so shell tests do
 *
 *   vi.mock('electron', () => import('../fakes/electron'));
 *
 * and then drive the shell through this module: it records what the shell did (tray tooltip and
 * menu, registered IPC handlers, taken shortcuts, window options…) and lets a test play the OS
 * (click the tray, press a shortcut, send an IPC message from a forged frame, suspend the machine).
 *
 * Each fake `implements Pick<Electron.X, …>` of the methods the shell calls, so when Electron's
 * types change a signature, tsc fails here instead of the fake silently drifting. Objects that the
 * real API returns as Electron classes (a Menu, a Display) are cast at that one boundary.
 */
import { EventEmitter } from 'node:events';

type Rectangle = Electron.Rectangle;
type Point = Electron.Point;

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------
/** What Electron passes as the first argument of cancellable events. */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent<T extends object>(params: T = {} as T): T & FakeEvent {
  const event = {
    ...params,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** The origin Chromium gives a URL: `app://tray-timer` for our standard scheme. */
function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : 'null';
  } catch {
    return 'null';
  }
}

// ---------------------------------------------------------------------------------------------
// Frames, web contents, windows
// ---------------------------------------------------------------------------------------------
export class FakeWebFrameMain implements Pick<Electron.WebFrameMain, 'url' | 'origin'> {
  url: string;
  origin: string;
  constructor(url = 'about:blank') {
    this.url = url;
    this.origin = originOf(url);
  }
  navigate(url: string): void {
    this.url = url;
    this.origin = originOf(url);
  }
}

let nextWebContentsId = 1;

export class FakeWebContents
  extends EventEmitter
  implements Pick<Electron.WebContents, 'send' | 'isDestroyed' | 'setWindowOpenHandler' | 'id'>
{
  readonly id = nextWebContentsId++;
  readonly mainFrame = new FakeWebFrameMain();
  /** Messages main pushed to this renderer. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler:
    ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | null = null;
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(
    handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse,
  ): void {
    this.windowOpenHandler = handler;
  }
  /** Plays the page trying to navigate; returns whether the shell let it. */
  tryNavigate(url: string): boolean {
    const event = fakeEvent({ url, isSameDocument: false, isMainFrame: true, frame: null });
    this.emit('will-navigate', event, url);
    return !event.defaultPrevented;
  }
  /** Plays `window.open(url)`; returns what the shell's handler answered. */
  tryOpenWindow(url: string): Electron.WindowOpenHandlerResponse | null {
    return (
      this.windowOpenHandler?.({
        url,
        frameName: '',
        features: '',
        disposition: 'new-window',
        referrer: { url: '', policy: 'default' },
        postBody: undefined,
      } as unknown as Electron.HandlerDetails) ?? null
    );
  }
  tryAttachWebview(): boolean {
    const event = fakeEvent();
    this.emit('will-attach-webview', event, {}, {});
    return !event.defaultPrevented;
  }
}

export class BrowserWindow
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      | 'loadURL'
      | 'show'
      | 'hide'
      | 'focus'
      | 'isVisible'
      | 'isDestroyed'
      | 'setPosition'
      | 'getPosition'
      | 'getSize'
      | 'destroy'
    >
{
  readonly options: Electron.BrowserWindowConstructorOptions;
  readonly webContents = new FakeWebContents();
  loadedUrls: string[] = [];
  visible = false;
  focused = false;
  destroyed = false;
  position: [number, number] = [0, 0];

  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    this.options = options;
    fake.windows.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.webContents.mainFrame.navigate(url);
  }
  show(): void {
    const was = this.visible;
    this.visible = true;
    this.focused = true;
    if (!was) this.emit('show');
  }
  hide(): void {
    const was = this.visible;
    this.visible = false;
    this.focused = false;
    if (was) this.emit('hide');
  }
  focus(): void {
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setPosition(x: number, y: number): void {
    if (!Number.isInteger(x) || !Number.isInteger(y))
      throw new TypeError('Error processing argument: position must be integers');
    this.position = [x, y];
  }
  getPosition(): number[] {
    return [...this.position];
  }
  getSize(): number[] {
    return [this.options.width ?? 800, this.options.height ?? 600];
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  /** Plays Windows ending the session (WM_ENDSESSION: shutdown, restart, log off). */
  endSession(): void {
    this.emit('session-end', fakeEvent({ reasons: ['shutdown'] }));
  }
  /** Plays the OS moving focus elsewhere. */
  blur(): void {
    this.focused = false;
    this.emit('blur');
  }
}

// ---------------------------------------------------------------------------------------------
// app
// ---------------------------------------------------------------------------------------------
export class FakeApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'quit'
      | 'exit'
      | 'setPath'
      | 'getPath'
      | 'getAppPath'
      | 'getVersion'
      | 'requestSingleInstanceLock'
      | 'whenReady'
      | 'isReady'
      | 'setLoginItemSettings'
      | 'getLoginItemSettings'
    >
{
  isPackaged = false;
  appPath = '/fake/app';
  singleInstanceLock = true;
  quitCalls = 0;
  exitCode: number | null = null;
  readonly paths = new Map<string, string>();
  readonly dock = { hidden: false, hide: () => void (this.dock.hidden = true) };
  /** Every setLoginItemSettings call, in order. */
  readonly loginItemCalls: Electron.Settings[] = [];
  /** The OS's login item for this app: what getLoginItemSettings reports. */
  loginItem = {
    openAtLogin: false,
    status: 'not-registered' as Electron.LoginItemSettings['status'],
  };
  /** macOS 13+ where the user must approve new login items in System Settings. */
  loginItemNeedsApproval = false;
  /** Makes setLoginItemSettings throw (a policy-locked machine). */
  loginItemError: Error | null = null;
  #ready = false;

  quit(): void {
    this.quitCalls++;
  }
  exit(exitCode?: number): void {
    this.exitCode = exitCode ?? 0;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/fake/${name}`;
  }
  getAppPath(): string {
    return this.appPath;
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  async whenReady(): Promise<void> {
    this.#ready = true;
  }
  isReady(): boolean {
    return this.#ready;
  }
  setLoginItemSettings(settings: Electron.Settings): void {
    if (this.loginItemError) throw this.loginItemError;
    this.loginItemCalls.push(settings);
    const on = settings.openAtLogin ?? false;
    const approved = !on || !this.loginItemNeedsApproval;
    this.loginItem = {
      openAtLogin: on && approved,
      status: !on ? 'not-registered' : approved ? 'enabled' : 'requires-approval',
    };
  }
  getLoginItemSettings(_options?: Electron.LoginItemSettingsOptions): Electron.LoginItemSettings {
    return {
      ...this.loginItem,
      wasOpenedAtLogin: false,
      executableWillLaunchAtLogin: this.loginItem.openAtLogin,
      launchItems: [],
    };
  }
  /** Back to before 'ready' (a new process, as far as the shell can tell). */
  unready(): void {
    this.#ready = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Tray and menus
// ---------------------------------------------------------------------------------------------
export class Menu {
  readonly template: Electron.MenuItemConstructorOptions[];
  constructor(template: Electron.MenuItemConstructorOptions[] = []) {
    this.template = template;
  }
  static buildFromTemplate(template: Electron.MenuItemConstructorOptions[]): Electron.Menu {
    fake.menusBuilt++;
    return new Menu(template) as unknown as Electron.Menu;
  }
  static setApplicationMenu(_menu: Electron.Menu | null): void {}
}

export class Tray
  extends EventEmitter
  implements
    Pick<
      Electron.Tray,
      | 'setImage'
      | 'setToolTip'
      | 'setTitle'
      | 'setContextMenu'
      | 'getBounds'
      | 'destroy'
      | 'isDestroyed'
      | 'popUpContextMenu'
    >
{
  image: string;
  tooltip = '';
  title = '';
  titleCalls = 0;
  contextMenu: Menu | null = null;
  contextMenuCalls = 0;
  poppedUpMenus: Menu[] = [];
  bounds: Rectangle = { x: 0, y: 0, width: 0, height: 0 };
  destroyed = false;

  constructor(image: Electron.NativeImage | string, _guid?: string) {
    super();
    this.image = typeof image === 'string' ? image : '<nativeImage>';
    fake.trays.push(this);
  }
  setImage(image: Electron.NativeImage | string): void {
    this.image = typeof image === 'string' ? image : '<nativeImage>';
  }
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setTitle(title: string): void {
    this.title = title;
    this.titleCalls++;
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.contextMenuCalls++;
    this.contextMenu = menu instanceof Menu ? menu : null;
  }
  popUpContextMenu(menu?: Electron.Menu): void {
    if (menu instanceof Menu) this.poppedUpMenus.push(menu);
  }
  getBounds(): Rectangle {
    return { ...this.bounds };
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** The context menu a user would see now (the attached one, or the last popped up on macOS). */
  get menuTemplate(): Electron.MenuItemConstructorOptions[] {
    const menu = this.contextMenu ?? this.poppedUpMenus.at(-1) ?? null;
    return menu?.template ?? [];
  }
  /** Labels of the visible items, separators as "---". */
  get menuLabels(): string[] {
    return this.menuTemplate.map((item) =>
      item.type === 'separator' ? '---' : (item.label ?? ''),
    );
  }
  menuItem(labelOrId: string | RegExp): Electron.MenuItemConstructorOptions {
    const item = this.menuTemplate.find((i) =>
      typeof labelOrId === 'string'
        ? i.id === labelOrId || i.label === labelOrId
        : labelOrId.test(i.label ?? ''),
    );
    if (!item)
      throw new Error(`no menu item ${String(labelOrId)} in [${this.menuLabels.join(', ')}]`);
    return item;
  }
  /** Plays a click on a menu item, the way Electron calls `click`. */
  clickMenuItem(labelOrId: string | RegExp): void {
    const item = this.menuItem(labelOrId);
    if (item.enabled === false) throw new Error(`menu item ${item.label ?? ''} is disabled`);
    item.click?.({} as Electron.MenuItem, undefined, {} as Electron.KeyboardEvent);
  }
  click(): void {
    this.emit('click', fakeEvent(), this.getBounds(), { x: 0, y: 0 });
  }
  rightClick(): void {
    this.emit('right-click', fakeEvent(), this.getBounds());
  }
}

// ---------------------------------------------------------------------------------------------
// Global shortcuts
// ---------------------------------------------------------------------------------------------
export class FakeGlobalShortcut implements Pick<
  Electron.GlobalShortcut,
  'register' | 'unregister' | 'unregisterAll' | 'isRegistered'
> {
  /** Shortcuts this app holds. */
  readonly registered = new Map<string, () => void>();
  /** Shortcuts other applications hold: `register` returns false for them. */
  readonly takenByOthers = new Set<string>();
  /** Shortcuts Electron cannot parse: `register` throws, as the real one does. */
  readonly invalid = new Set<string>();

  register(accelerator: string, callback: () => void): boolean {
    if (this.invalid.has(accelerator) || accelerator.trim() === '') {
      throw new TypeError(
        `Error processing argument at index 0, conversion failure from ${accelerator}`,
      );
    }
    if (this.takenByOthers.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }
  unregisterAll(): void {
    this.registered.clear();
  }
  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }
  /** Plays the user pressing a shortcut; false when nothing of ours is bound to it. */
  press(accelerator: string): boolean {
    const callback = this.registered.get(accelerator);
    callback?.();
    return callback !== undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// IPC (main side and renderer side)
// ---------------------------------------------------------------------------------------------
type InvokeHandler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;

export class FakeIpcMain
  extends EventEmitter
  implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'>
{
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Plays `ipcRenderer.invoke` arriving from the given (possibly forged) sender. */
  async invoke(
    channel: string,
    event: Electron.IpcMainInvokeEvent,
    ...args: unknown[]
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
  /** Plays `ipcRenderer.send` arriving from the given (possibly forged) sender. */
  deliver(channel: string, event: Electron.IpcMainEvent, ...args: unknown[]): boolean {
    return this.emit(channel, event, ...args);
  }
}

/** An IPC event as Electron builds it: the sending webContents and frame. */
export function forgeIpcEvent(
  sender: FakeWebContents,
  senderFrame: FakeWebFrameMain | null,
): Electron.IpcMainInvokeEvent & Electron.IpcMainEvent {
  return {
    ...fakeEvent(),
    sender,
    senderFrame,
    frameId: 1,
    processId: 1,
    type: 'frame',
    returnValue: undefined,
    ports: [],
    reply: () => undefined,
  } as unknown as Electron.IpcMainInvokeEvent & Electron.IpcMainEvent;
}

export class FakeIpcRenderer
  extends EventEmitter
  implements Pick<Electron.IpcRenderer, 'invoke' | 'send'>
{
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly sent: { channel: string; args: unknown[] }[] = [];
  /** What main answers to `invoke`; tests may bridge it to a real handler. */
  answer: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => undefined;

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, ...args);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}

export class FakeContextBridge implements Pick<Electron.ContextBridge, 'exposeInMainWorld'> {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (this.exposed.has(apiKey))
      throw new Error(
        `Cannot bind an API on top of an existing property on the window object: ${apiKey}`,
      );
    this.exposed.set(apiKey, api);
  }
}

// ---------------------------------------------------------------------------------------------
// Protocol, session, shell, dialogs, notifications, screen, power, theme
// ---------------------------------------------------------------------------------------------
type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export class FakeProtocol implements Pick<
  Electron.Protocol,
  'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'
> {
  readonly privileged: Electron.CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
    if (app.isReady())
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.privileged.push(...customSchemes);
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
  /** Plays the renderer requesting a URL of a handled scheme. */
  async request(url: string): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`scheme ${scheme} is not handled`);
    return handler(new Request(url));
  }
}

type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];

export class FakeSession implements Pick<
  Electron.Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler'
> {
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  /** Plays a page asking for a permission; resolves with what the handler granted (Electron grants when no handler is set). */
  requestPermission(
    permission: Parameters<NonNullable<PermissionRequestHandler>>[1],
    webContents: FakeWebContents,
  ): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) =>
      handler(
        webContents as unknown as Electron.WebContents,
        permission,
        resolve,
        {} as Electron.PermissionRequest,
      ),
    );
  }
  checkPermission(
    permission: Parameters<NonNullable<PermissionCheckHandler>>[1],
    origin: string,
  ): boolean {
    const handler = this.permissionCheckHandler;
    if (!handler) return true;
    return handler(null, permission, origin, {} as Electron.PermissionCheckHandlerHandlerDetails);
  }
}

export class FakeShell implements Pick<Electron.Shell, 'openExternal'> {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

export class FakeDialog implements Pick<Electron.Dialog, 'showErrorBox'> {
  readonly errorBoxes: { title: string; content: string }[] = [];
  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  }
}

export class Notification
  extends EventEmitter
  implements Pick<Electron.Notification, 'show' | 'close' | 'title' | 'body' | 'silent' | 'urgency'>
{
  static supported = true;
  static isSupported(): boolean {
    return Notification.supported;
  }
  /** What the shell passed to the constructor, as given. */
  readonly options: Electron.NotificationConstructorOptions;
  title: string;
  body: string;
  silent: boolean;
  urgency: Electron.Notification['urgency'];
  shown = false;
  /** close() was called (by the shell): gone from the screen and the notification center. */
  closed = false;
  constructor(options: Electron.NotificationConstructorOptions = {}) {
    super();
    this.options = options;
    this.title = options.title ?? '';
    this.body = options.body ?? '';
    this.silent = options.silent ?? false;
    // Electron's documented default on Linux.
    this.urgency = options.urgency ?? 'low';
    fake.notifications.push(this);
  }
  show(): void {
    this.shown = true;
    this.closed = false;
  }
  close(): void {
    this.shown = false;
    this.closed = true;
  }
  /** Plays the user clicking the notification. */
  click(): void {
    this.emit('click', fakeEvent());
  }
  /** Plays the banner timing out (Windows emits 'close'; it stays in the notification center). */
  timeOut(): void {
    this.shown = false;
    this.emit('close', fakeEvent({ reason: 'timedOut' }));
  }
}

export interface FakeDisplay {
  id: number;
  bounds: Rectangle;
  workArea: Rectangle;
  scaleFactor: number;
}

export class FakeScreen
  extends EventEmitter
  implements Pick<Electron.Screen, 'getCursorScreenPoint' | 'getAllDisplays' | 'getPrimaryDisplay'>
{
  displays: FakeDisplay[] = [];
  cursor: Point = { x: 0, y: 0 };
  getCursorScreenPoint(): Point {
    return { ...this.cursor };
  }
  getAllDisplays(): Electron.Display[] {
    return this.displays.map((d) => ({ ...d })) as unknown as Electron.Display[];
  }
  getPrimaryDisplay(): Electron.Display {
    const first = this.displays[0];
    if (!first) throw new Error('no displays');
    return { ...first } as unknown as Electron.Display;
  }
}

export class FakePowerMonitor
  extends EventEmitter
  implements Pick<Electron.PowerMonitor, 'getSystemIdleTime'>
{
  /** Seconds since the last input, as the OS would report it (Wayland: always 0). */
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
}

export class FakeNativeTheme
  extends EventEmitter
  implements Pick<Electron.NativeTheme, 'themeSource' | 'shouldUseDarkColors'>
{
  themeSource: Electron.NativeTheme['themeSource'] = 'system';
  shouldUseDarkColors = false;
}

// ---------------------------------------------------------------------------------------------
// The module's exports, as `electron` has them, and the recorder tests read.
// ---------------------------------------------------------------------------------------------
export const app = new FakeApp();
export const globalShortcut = new FakeGlobalShortcut();
export const ipcMain = new FakeIpcMain();
export const ipcRenderer = new FakeIpcRenderer();
export const contextBridge = new FakeContextBridge();
export const protocol = new FakeProtocol();
export const session = { defaultSession: new FakeSession() };
export const shell = new FakeShell();
export const dialog = new FakeDialog();
export const screen = new FakeScreen();
export const powerMonitor = new FakePowerMonitor();
export const nativeTheme = new FakeNativeTheme();

export const fake = {
  trays: [] as Tray[],
  windows: [] as BrowserWindow[],
  notifications: [] as Notification[],
  menusBuilt: 0,
  /** The one tray the shell made (throws when there is none or several). */
  get tray(): Tray {
    if (fake.trays.length !== 1) throw new Error(`expected one tray, found ${fake.trays.length}`);
    return fake.trays[0] as Tray;
  },
  get window(): BrowserWindow {
    if (fake.windows.length !== 1)
      throw new Error(`expected one window, found ${fake.windows.length}`);
    return fake.windows[0] as BrowserWindow;
  },
};

/** A laptop screen with a top panel (GNOME) unless a test sets its own. */
function defaultDisplays(): FakeDisplay[] {
  return [
    {
      id: 1,
      bounds: { x: 0, y: 0, width: 1920, height: 1080 },
      workArea: { x: 0, y: 32, width: 1920, height: 1048 },
      scaleFactor: 1,
    },
  ];
}

/** Back to a just-started Electron: call in beforeEach. */
export function resetFake(): void {
  fake.trays.length = 0;
  fake.windows.length = 0;
  fake.notifications.length = 0;
  fake.menusBuilt = 0;
  app.removeAllListeners();
  app.unready();
  app.isPackaged = false;
  app.singleInstanceLock = true;
  app.quitCalls = 0;
  app.exitCode = null;
  app.paths.clear();
  app.dock.hidden = false;
  app.loginItemCalls.length = 0;
  app.loginItem = { openAtLogin: false, status: 'not-registered' };
  app.loginItemNeedsApproval = false;
  app.loginItemError = null;
  globalShortcut.registered.clear();
  globalShortcut.takenByOthers.clear();
  globalShortcut.invalid.clear();
  ipcMain.removeAllListeners();
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoked.length = 0;
  ipcRenderer.sent.length = 0;
  ipcRenderer.answer = async () => undefined;
  contextBridge.exposed.clear();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  session.defaultSession = new FakeSession();
  shell.opened.length = 0;
  dialog.errorBoxes.length = 0;
  screen.displays = defaultDisplays();
  screen.cursor = { x: 1800, y: 10 };
  screen.removeAllListeners();
  powerMonitor.removeAllListeners();
  powerMonitor.idleSeconds = 0;
  nativeTheme.removeAllListeners();
  nativeTheme.themeSource = 'system';
  nativeTheme.shouldUseDarkColors = false;
  Notification.supported = true;
}
resetFake();

const electron = {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  globalShortcut,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeTheme,
  Notification,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  Tray,
} satisfies Partial<Record<keyof typeof Electron.CrossProcessExports, unknown>> & {
  // Drift check: every name above is one electron exports (a rename fails here), and the statics
  // the shell calls keep their signatures (instances are checked by `implements` above).
  Menu: Pick<typeof Electron.Menu, 'buildFromTemplate' | 'setApplicationMenu'>;
  Notification: Pick<typeof Electron.Notification, 'isSupported'>;
  session: {
    defaultSession: Pick<
      Electron.Session,
      'setPermissionRequestHandler' | 'setPermissionCheckHandler'
    >;
  };
};
// electron-store does `import electron from 'electron'`.
export default electron;
