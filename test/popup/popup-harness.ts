/**
 * Real Chromium showing the built popup, wired to the REAL core: window.trayTimer is defined
 * the way the preload defines it (one named verb per command) and every call goes to
 * core.execute() in this process; snapshots the core publishes are pushed into the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Command, CommandResult, PopupView, Snapshot } from '../../preload/contract';
import { systemClock } from '../../main/core/clock';
import type { Clock } from '../../main/core/clock';
import type { Core, PresenceSource } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import type { SecretStore } from '../../main/secrets/secret-store';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Mirrors preload/index.ts: each verb builds exactly one Command. Kept as a string so nothing
 * the test transpiler adds can leak into the page.
 */
const BRIDGE = `(() => {
  const stateListeners = new Set();
  const shownListeners = new Set();
  const call = (command) => window.__trayTimerCommand(command);
  const api = {
    getState: () => call({ type: 'status' }),
    onState(listener) { stateListeners.add(listener); return () => { stateListeners.delete(listener); }; },
    onShown(listener) { shownListeners.add(listener); return () => { shownListeners.delete(listener); }; },
    start: (input) => call({ type: 'start', input }),
    stop: (input) => call({ type: 'stop', input }),
    toggle: (input) => call({ type: 'toggle', input }),
    continueEntry: (input) => call({ type: 'continue', input }),
    refresh: (input) => call({ type: 'refresh', input }),
    searchProjects: (input) => call({ type: 'projects.search', input }),
    getSettings: () => call({ type: 'settings.get' }),
    updateSettings: (patch) => call({ type: 'settings.update', input: patch }),
    listAccounts: () => call({ type: 'accounts.list' }),
    addAccount: (input) => call({ type: 'accounts.add', input }),
    removeAccount: (accountId) => call({ type: 'accounts.remove', input: { accountId } }),
    searchMembers: (input) => call({ type: 'members.search', input }),
    trackFor: (input) => call({ type: 'members.trackFor', input }),
    team: (input) => call({ type: 'team', input }),
    retryAction: (input) => call({ type: 'queue.retry', input }),
    discardAction: (input) => call({ type: 'queue.discard', input }),
    resolveAway: (input) => call({ type: 'away.resolve', input }),
    updateEntry: (input) => call({ type: 'entry.update', input }),
    hidePopup: () => { void window.__trayTimerHide(); },
  };
  Object.defineProperty(window, 'trayTimer', { value: Object.freeze(api), enumerable: true });
  Object.defineProperty(window, '__trayTimerPush', {
    value: Object.freeze({
      state: (s) => stateListeners.forEach((l) => l(s)),
      shown: (v) => shownListeners.forEach((l) => l(v)),
    }),
  });
})();`;

export interface PopupOptions {
  colorScheme?: 'light' | 'dark';
  /** Holds every command this long before the core sees it (to observe busy states). */
  commandDelayMs?: number;
  clock?: Clock;
  /** Freezes the page's Date.now() (timers still run): for reproducible screenshots. */
  fixedTimeMs?: number;
  timezoneId?: string;
  /** Where the core keeps account secrets (default: a session-only MemorySecretStore). */
  secrets?: SecretStore;
  /** The machine's idle time and desktop session, as the shell gives them to the core. */
  presence?: PresenceSource;
}

export interface Popup {
  page: Page;
  core: Core;
  dataDir: string;
  /** Every Command the page sent, in order: what went over the wire. */
  commands: Command[];
  /** Console errors, uncaught exceptions and CSP violations in the page: should stay empty. */
  problems: string[];
  /** How many times the page asked to be hidden. */
  hideCalls(): number;
  /** What the shell does when the tray or the hotkey shows the popup. */
  show(view: PopupView): Promise<void>;
  /** Delivers a snapshot as main would (e.g. an outdated one). */
  push(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}

export async function openPopup(
  browser: Browser,
  url: string,
  options: PopupOptions = {},
): Promise<Popup> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tray-timer-popup-'));
  const core = await openCore({
    dataDir,
    secrets: options.secrets ?? new MemorySecretStore(),
    mode: 'app',
    clock: options.clock ?? systemClock,
    ...(options.presence ? { presence: options.presence } : {}),
  });
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 360, height: 520 },
    deviceScaleFactor: 2,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const page = await context.newPage();
  // Fail at the step that is wrong, well inside vitest's 30 s test timeout.
  page.setDefaultTimeout(8000);
  const commands: Command[] = [];
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  let hides = 0;
  let closed = false;

  await page.exposeBinding('__trayTimerCommand', async (_source, command: Command) => {
    commands.push(command);
    if (options.commandDelayMs) await new Promise((r) => setTimeout(r, options.commandDelayMs));
    const result: CommandResult = await core.execute(command);
    return result;
  });
  await page.exposeBinding('__trayTimerHide', () => {
    hides += 1;
  });
  await page.addInitScript(BRIDGE);
  // CSP violations do not always reach the console; the event always fires.
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`);

  const push = async (snapshot: Snapshot) => {
    if (closed) return;
    await page
      .evaluate((s) => (window as unknown as PushTarget).__trayTimerPush.state(s), snapshot)
      .catch(() => undefined); // page navigating or closing: nothing to deliver to
  };
  const unsubscribe = core.subscribe((snapshot) => void push(snapshot));

  if (options.fixedTimeMs !== undefined) await page.clock.setFixedTime(options.fixedTimeMs);
  core.setPopupVisible(true);
  await page.goto(url);
  await page.getByRole('heading', { name: 'Tray Timer' }).waitFor();

  return {
    page,
    core,
    dataDir,
    commands,
    problems,
    hideCalls: () => hides,
    show: async (view) => {
      core.setPopupVisible(true);
      await page.evaluate((v) => (window as unknown as PushTarget).__trayTimerPush.shown(v), view);
    },
    push,
    close: async () => {
      closed = true;
      unsubscribe();
      await context.close();
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface PushTarget {
  __trayTimerPush: { state(s: Snapshot): void; shown(v: PopupView): void };
}
