/**
 * The end-to-end tests run the real bundle (`node out/cli/tray-timer.js`), as a user does. This
 * builds it when it is missing or older than the sources, once, even when several test files ask
 * at the same time (vitest runs files in parallel processes): a lock directory serialises them.
 *
 * A rebuild must not pull the bundle from under a CLI another test file is starting right then
 * (a source edited mid-run makes a later file rebuild): it is built aside and moved in by rename,
 * chunks first and the entry last, so a starting CLI finds either the old entry with its old
 * chunks or the new entry with its new ones, never an empty folder or a half-written file.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI_DIR = path.join(REPO, 'out', 'cli');
export const CLI = path.join(CLI_DIR, 'tray-timer.js');
/** Chunks no longer used by the entry are removed once no CLI started before could need them. */
const STALE_CHUNK_MS = 10 * 60_000;
const LOCK = path.join(REPO, 'out', '.cli-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  if (!existsSync(CLI)) return false;
  const built = statSync(CLI).mtimeMs;
  return (
    built >=
    Math.max(newestSource(path.join(REPO, 'main')), newestSource(path.join(REPO, 'preload')))
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureCliBuilt(): Promise<void> {
  if (isFresh()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Someone else builds; a lock older than two minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      await sleep(250);
      if (isFresh()) return;
    }
  }
  try {
    if (isFresh()) return;
    await buildAside();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

async function buildAside(): Promise<void> {
  const aside = path.join(REPO, 'out', `.cli-build-${process.pid}`);
  rmSync(aside, { recursive: true, force: true });
  try {
    await promisify(execFile)(
      'npx',
      ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', aside],
      { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
    );
    mkdirSync(CLI_DIR, { recursive: true });
    const entry = path.basename(CLI);
    const built = readdirSync(aside);
    for (const f of built) if (f !== entry) renameSync(path.join(aside, f), path.join(CLI_DIR, f));
    renameSync(path.join(aside, entry), CLI);
    // Old chunks: kept for CLIs started from the old entry, removed once surely unused.
    const now = Date.now();
    for (const f of readdirSync(CLI_DIR)) {
      const full = path.join(CLI_DIR, f);
      if (!built.includes(f) && now - statSync(full).mtimeMs > STALE_CHUNK_MS)
        rmSync(full, { force: true });
    }
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the CLI as a child process, asynchronously: a test that also serves the control socket
 * must keep its event loop free while the child talks to it.
 */
export function runCli(
  args: readonly string[],
  options: { home: string; stdin?: string; env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      cwd: REPO,
      env: { ...process.env, ...options.env, TRAY_TIMER_HOME: options.home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    child.stdin.end(options.stdin ?? '');
  });
}
