import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

/**
 * electron-store lives in node_modules, which Vitest runs natively (no vi.mock) unless it is
 * inlined: then its `import electron from 'electron'` reaches the real package, which tries to
 * download a binary and throws. vitest.config.ts must list it under test.server.deps.inline.
 */
const inlined = /inline:\s*\[[^\]]*electron-store/.test(readFileSync('vitest.config.ts', 'utf8'));
if (!inlined) {
  console.warn(
    "electron-store-backend.test.ts skipped: add server: { deps: { inline: ['electron-store'] } } to vitest.config.ts's test options",
  );
}

const { ipcMain, resetFake } = await import('../fakes/electron');
const { electronStoreBackend } = inlined
  ? await import('../../main/shell/electron-store-backend')
  : { electronStoreBackend: null };
const { openTestCore, run } = await import('./harness');

let dataDir: string;
beforeEach(() => {
  resetFake();
  dataDir = mkdtempSync(path.join(tmpdir(), 'tray-timer-estore-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe.runIf(inlined && electronStoreBackend)('electronStoreBackend', () => {
  if (!electronStoreBackend) return;
  it('is what the real core reads and writes settings.json through', async () => {
    const first = await openTestCore({ dataDir, settingsBackend: electronStoreBackend });
    await run(first.core, { type: 'settings.update', input: { theme: 'dark' } });
    await first.close();
    const file = path.join(dataDir, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      theme: 'dark',
      schemaVersion: 2,
    });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);

    const second = await openTestCore({ dataDir, settingsBackend: electronStoreBackend });
    expect(second.core.settings().theme).toBe('dark');
    await second.close();
  });

  it('a damaged file makes read() throw (so the core moves it aside) instead of being wiped', async () => {
    writeFileSync(path.join(dataDir, 'settings.json'), '{ not json');
    const backend = electronStoreBackend(dataDir);
    expect(() => backend.read()).toThrow();
    expect(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).toBe('{ not json');

    const t = await openTestCore({ dataDir, settingsBackend: electronStoreBackend });
    expect(t.core.settings().theme).toBe('system');
    expect(
      readdirSync(dataDir).some((f) => f.startsWith('settings.json') && f !== 'settings.json'),
    ).toBe(true);
    await t.close();
  });

  it("removes electron-store's unchecked IPC listener", () => {
    electronStoreBackend(dataDir).read();
    expect(ipcMain.listenerCount('electron-store-get-data')).toBe(0);
    expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(false);
  });
});
