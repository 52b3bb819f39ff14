/**
 * Processes contending for one lock on one data folder never hold it at once. Real child
 * processes, started together, each taking the lock many times with no pause in between (the
 * app and a CLI run replaying the same journal; two CLI runs changing journal.json). The first
 * version of the lock failed both cases in every run (up to 3 holders at once): a contender
 * that read the lock file between its creation and the owner's pid being written took it over.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let child: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-contention-'));
  child = join(dir, 'contender.cjs');
  await build({
    entryPoints: [join(__dirname, 'lock-contender.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: child,
    logLevel: 'silent',
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contend(lock: string, log: string, rounds: number, kind: 'replay' | 'file') {
  return new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, [child, lock, log, String(rounds), kind], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.on('error', reject);
    proc.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`contender exited ${code}: ${stderr}`)),
    );
  });
}

/** The most holders at once, and how many holds there were, from the in/out lines. */
function holds(log: string): { most: number; count: number } {
  let depth = 0;
  let most = 0;
  let count = 0;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (line.startsWith('in ')) {
      depth += 1;
      count += 1;
      most = Math.max(most, depth);
    } else if (line.startsWith('out ')) depth -= 1;
  }
  return { most, count };
}

describe('a lock contended by several processes', () => {
  for (const kind of ['replay', 'file'] as const) {
    it(`${kind === 'replay' ? 'the replay lock' : 'the journal file lock'}: one holder at a time, every hold taken, no claim left`, async () => {
      const folder = mkdtempSync(join(dir, `${kind}-`));
      const lock = join(folder, '.journal.lock');
      const log = join(folder, 'holds.log');
      const processes = 4;
      const rounds = 60;
      await Promise.all(Array.from({ length: processes }, () => contend(lock, log, rounds, kind)));
      expect(holds(log)).toEqual({ most: 1, count: processes * rounds });
      expect(readdirSync(folder).filter((name) => name.startsWith('.journal.lock'))).toEqual([]);
    }, 60_000);
  }
});
