/**
 * Bundles crash-child.ts once per test file into a temp folder: a bundled child starts in about
 * a tenth of the time `node --import tsx` takes to compile the core on every spawn, and the
 * suite spawns one child per crash point.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildBundle {
  path: string;
  remove(): void;
}

export async function bundleCrashChild(): Promise<ChildBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'tray-timer-crash-child-'));
  const path = join(dir, 'crash-child.mjs');
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'crash-child.ts')],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __crashRequire } from 'node:module'; const require = __crashRequire(import.meta.url);",
    },
  });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
