/**
 * The popup tests exercise the BUILT renderer (what the app ships). `npm test` builds first; a
 * lone `vitest run test/popup` builds here when out/renderer is missing or older than renderer/.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const RENDERER_OUT = join(REPO, 'out', 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, t);
  }
  return newest;
}

export function rendererIsStale(): boolean {
  const index = join(RENDERER_OUT, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(
    newestMtime(join(REPO, 'renderer')),
    statSync(join(REPO, 'preload', 'format.ts')).mtimeMs,
    statSync(join(REPO, 'preload', 'contract.ts')).mtimeMs,
  );
  return sources > statSync(index).mtimeMs;
}

export async function ensureRendererBuilt(): Promise<void> {
  if (!rendererIsStale()) return;
  // Same root and output as electron.vite.config.ts's renderer section. JSX needs no plugin:
  // esbuild compiles it with the automatic runtime from tsconfig's "jsx": "react-jsx".
  const { build } = await import('vite');
  await build({
    root: join(REPO, 'renderer'),
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: { outDir: RENDERER_OUT, emptyOutDir: true },
  });
}
