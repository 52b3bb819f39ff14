/**
 * Electron checklist item 18 (no file://, a custom protocol instead), beyond what
 * test/shell/app-url.test.ts and test/shell/protocol.test.ts prove about app://: the release
 * build turns off the extra privileges Electron grants file:// pages (a fuse the packaging test
 * does not check), and no code in the main process loads a page from the file system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Internal path in app-builder-lib 26.x, as in test/packaging/electron-builder-config.test.ts.
import { getConfig } from 'app-builder-lib/out/util/config/config.js';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [full] : [];
  });
}

describe('file:// is not how the popup is served', () => {
  it('the release build flips grantFileProtocolExtraPrivileges off', async () => {
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
    expect(config.electronFuses?.grantFileProtocolExtraPrivileges).toBe(false);
  });

  it('no main-process code loads a file: page (loadFile, a file: URL given to loadURL)', () => {
    const offenders = sources(join(root, 'main')).filter((file) => {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      return /\.loadFile\(|loadURL\(\s*['"`]file:|pathToFileURL\(/.test(code);
    });
    expect(offenders).toEqual([]);
  });
});
