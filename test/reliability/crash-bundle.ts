/**
 * Builds the crash child once per test file, in a temp folder, for the fastest start a child can
 * have: the suite spawns one per crash point, and `node --import tsx` would compile the core's
 * TypeScript on every spawn. The bundle is CommonJS, loaded by a small loader through
 * vm.Script with V8's code cache (written once by a warm-up run): compiling the 1 MB bundle was
 * a third of each child's own CPU time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { CrashJob } from './crash-job';

export interface ChildBundle {
  /** What to run: `node <path> <job json>`. */
  path: string;
  remove(): void;
}

const WRITE_CACHE = 'TRAY_TIMER_CRASH_WRITE_CODE_CACHE';

/** Plain CommonJS: runs crash-child.cjs with the code cache beside it when there is one. */
const LOADER = `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { wrap } = require('node:module');
const file = path.join(__dirname, 'crash-child.cjs');
const cacheFile = file + '.v8cache';
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch { cachedData = undefined; }
const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.${WRITE_CACHE} === '1')
  process.on('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, __dirname);
`;

function run(path: string, job: CrashJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path, JSON.stringify(job)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, [WRITE_CACHE]: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`crash child warm-up failed: ${stderr}`)),
    );
  });
}

export async function bundleCrashChild(): Promise<ChildBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'tray-timer-crash-child-'));
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'crash-child.ts')],
    outfile: join(dir, 'crash-child.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  const path = join(dir, 'load.cjs');
  writeFileSync(path, LOADER);
  // One real run (Local, a status) compiles what a crash run needs; its code cache is kept.
  const warmDir = join(dir, 'warm-up-data');
  await run(path, {
    dataDir: warmDir,
    accountId: 'local',
    secret: null,
    at: Date.now(),
    command: { type: 'status' },
    crashAt: null,
  });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
