import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Snapshot, TrayTimerApi } from '../../preload/contract';

vi.mock('electron', () => import('../fakes/electron'));

const electron = await import('../fakes/electron');
const { contextBridge, fake, forgeIpcEvent, ipcMain, ipcRenderer } = electron;
const { TRAY_TIMER_API_KEYS, IPC, commandSchema } = await import('../../preload/contract');
const { registerIpc } = await import('../../main/shell/ipc');
const { createPopup } = await import('../../main/shell/popup-window');
const { APP_ORIGIN, POPUP_URL } = await import('../../main/shell/app-url');
const { openTestCore, local } = await import('./harness');

// Importing the preload runs it, as Electron does before the page loads.
await import('../../preload/index');
const exposed = contextBridge.exposed.get('trayTimer') as TrayTimerApi;

const t = await openTestCore();
afterAll(() => t.close());

describe('window.trayTimer', () => {
  it('is the only thing exposed, with exactly the contract keys, all functions', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['trayTimer']);
    expect(Object.keys(exposed).sort()).toEqual([...TRAY_TIMER_API_KEYS].sort());
    for (const key of TRAY_TIMER_API_KEYS) expect(typeof exposed[key]).toBe('function');
  });

  it('every verb sends one contract-valid command on the command channel', async () => {
    ipcRenderer.invoked.length = 0;
    await exposed.getState();
    await exposed.start({ description: 'Docs', project: 'Website' });
    await exposed.stop({});
    await exposed.toggle({ accountId: 'local' });
    await exposed.continueEntry({ entryId: 'abc' });
    await exposed.refresh({});
    await exposed.searchProjects({ query: 'web' });
    await exposed.getSettings();
    await exposed.updateSettings({ theme: 'dark' });
    await exposed.listAccounts();
    await exposed.addAccount({ provider: 'toggl', secret: 's3cret', options: {} });
    await exposed.removeAccount('toggl-1');
    expect(ipcRenderer.invoked.every((m) => m.channel === IPC.command && m.args.length === 1)).toBe(
      true,
    );
    const commands = ipcRenderer.invoked.map((m) => commandSchema.parse(m.args[0]));
    expect(commands.map((c) => c.type)).toEqual([
      'status',
      'start',
      'stop',
      'toggle',
      'continue',
      'refresh',
      'projects.search',
      'settings.get',
      'settings.update',
      'accounts.list',
      'accounts.add',
      'accounts.remove',
    ]);
    expect(commands.at(-1)).toEqual({ type: 'accounts.remove', input: { accountId: 'toggl-1' } });
  });

  it('hidePopup sends on its own channel, with no payload', () => {
    ipcRenderer.sent.length = 0;
    exposed.hidePopup();
    expect(ipcRenderer.sent).toEqual([{ channel: IPC.hidePopup, args: [] }]);
  });

  it('onState and onShown hand the listener the value only, never the IpcRendererEvent', () => {
    const states: unknown[][] = [];
    const views: unknown[][] = [];
    const stopState = exposed.onState((...args: unknown[]) => void states.push(args));
    const stopShown = exposed.onShown((...args: unknown[]) => void views.push(args));
    const event = { sender: ipcRenderer, senderId: 0, ports: [] };
    const snapshot = t.core.snapshot();
    ipcRenderer.emit(IPC.snapshot, event, snapshot);
    ipcRenderer.emit(IPC.shown, event, 'preferences');
    expect(states).toEqual([[snapshot]]);
    expect(views).toEqual([['preferences']]);

    stopState();
    stopShown();
    ipcRenderer.emit(IPC.snapshot, event, snapshot);
    ipcRenderer.emit(IPC.shown, event, 'timer');
    expect(states).toHaveLength(1);
    expect(views).toHaveLength(1);
    expect(ipcRenderer.listenerCount(IPC.snapshot)).toBe(0);
  });

  it('end to end: preload → guarded IPC → real core → pushed snapshot', async () => {
    const popup = createPopup({
      preloadPath: '/p.cjs',
      url: POPUP_URL,
      trayBounds: () => null,
      platform: 'linux',
    });
    await Promise.resolve();
    const contents = fake.window.webContents;
    const dispose = registerIpc({
      core: t.core,
      popupContents: () => popup.window.webContents,
      allowedOrigins: [APP_ORIGIN],
      hidePopup: () => popup.hide(),
    });
    // Main's sends to the popup arrive at the preload's ipcRenderer.
    ipcRenderer.answer = (channel, ...args) =>
      ipcMain.invoke(channel, forgeIpcEvent(contents, contents.mainFrame), ...args);
    const pushed: Snapshot[] = [];
    const stop = exposed.onState((s) => void pushed.push(s));
    const originalSend = contents.send.bind(contents);
    contents.send = (channel: string, ...args: unknown[]) => {
      originalSend(channel, ...args);
      ipcRenderer.emit(channel, { sender: ipcRenderer }, ...args);
    };

    const result = await exposed.start({ description: 'Through the bridge' });
    expect(result.ok).toBe(true);
    expect(local(t.core.snapshot()).entry?.description).toBe('Through the bridge');
    expect(pushed.length).toBeGreaterThan(0);
    expect(local(pushed.at(-1) as Snapshot).running).toBe(true);

    const refused = await exposed.start({ description: 7 as unknown as string });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'validation' } });
    stop();
    dispose();
  });
});

describe('the preload bundle', () => {
  it('is one CommonJS file that requires only electron and runs in a sandbox-like context', async () => {
    const { build } = await import('vite');
    const { runInNewContext } = await import('node:vm');
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: 'preload/index.ts', formats: ['cjs'], fileName: 'index' },
        rollupOptions: { external: ['electron'], output: { inlineDynamicImports: true } },
      },
    });
    const result = Array.isArray(output) ? output[0] : output;
    if (!result || !('output' in result)) throw new Error('vite returned no bundle');
    const chunks = result.output.filter((o) => o.type === 'chunk');
    expect(chunks).toHaveLength(1);
    const code = chunks[0]?.type === 'chunk' ? chunks[0].code : '';
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual([
      'electron',
    ]);
    // Small: no zod, no contract schemas.
    expect(code.length).toBeLessThan(8_000);

    const exposedHere = new Map<string, unknown>();
    const sandboxElectron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => exposedHere.set(key, api),
      },
      ipcRenderer,
    };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (id: string) => {
        if (id === 'electron') return sandboxElectron;
        throw new Error(`a sandboxed preload cannot require ${id}`);
      },
    });
    expect(Object.keys(exposedHere.get('trayTimer') as object).sort()).toEqual(
      [...TRAY_TIMER_API_KEYS].sort(),
    );
  });
});

describe('the shipped preload (out/preload/index.cjs, built by `npm test` before Vitest runs)', () => {
  const built = 'out/preload/index.cjs';
  const fresh =
    existsSync(built) && statSync(built).mtimeMs >= statSync('preload/index.ts').mtimeMs;
  it.skipIf(!fresh)(
    'requires nothing but electron (electron-vite externalises dependencies by default)',
    () => {
      const code = readFileSync(built, 'utf8');
      expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual([
        'electron',
      ]);
    },
  );
});
