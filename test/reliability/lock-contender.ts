/**
 * A child for lock-contention.test.ts: takes one lock (the async replay lock or the short
 * synchronous journal lock) `rounds` times and writes "in"/"out" lines around each hold, so
 * the test can tell whether two processes ever held it at once.
 * argv: <lock path> <log path> <rounds> <replay|file>
 */
import { appendFileSync } from 'node:fs';
import { withFileLockSync, withReplayLock } from '../../main/journal/replay-lock';

const [lock, log, rounds, kind] = process.argv.slice(2) as [string, string, string, string];
const mark = (what: string) => appendFileSync(log, `${what} ${process.pid}\n`);

async function main(): Promise<void> {
  for (let i = 0; i < Number(rounds); i++) {
    if (kind === 'replay') {
      await withReplayLock(
        lock,
        async () => {
          mark('in');
          await new Promise((resolve) => setTimeout(resolve, 1));
          mark('out');
        },
        { waitMs: 60_000, pollMs: 1 },
      );
    } else {
      withFileLockSync(
        lock,
        () => {
          mark('in');
          mark('out');
        },
        60_000,
      );
    }
  }
}

void main();
