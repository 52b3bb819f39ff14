/**
 * The process the crash tests kill: it opens the real core on a data folder (oneshot, as the
 * CLI does), runs ONE command and, at the journal step it was told, kills itself with SIGKILL —
 * no graceful exit, no `finally`, no flush: exactly what a power cut or `kill -9` leaves behind.
 *
 * It reads its job as JSON from argv[2] and reports on stdout, one line each (stdout to a pipe
 * is synchronous on Linux, so a line written before the kill reaches the parent):
 *   STEP <step>      each journal step reached
 *   CRASH <step>     about to SIGKILL itself there
 *   RESULT <json>    the command's answer (only when nothing killed it first)
 * Secrets come in the job and live in memory only: the keychain is not what is tested here.
 */
import type { Clock } from '../../main/core/clock';
import { openCore } from '../../main/core/open-core';
import type { JournalStep } from '../../main/journal/journal-store';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { crashJobSchema } from './crash-job';

/** Time stands at the asked moment; timers are real (oneshot sets none that matter). */
function frozenClock(at: number): Clock {
  return {
    now: () => at,
    setTimer(ms, fn) {
      const t = setTimeout(fn, ms);
      t.unref();
      return { cancel: () => clearTimeout(t) };
    },
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const job = crashJobSchema.parse(JSON.parse(process.argv[2] ?? 'null'));
  const secrets = new MemorySecretStore();
  if (job.secret !== null) await secrets.set(job.accountId, job.secret);
  const core = await openCore({
    dataDir: job.dataDir,
    secrets,
    clock: frozenClock(job.at),
    mode: 'oneshot',
    journalHooks: {
      onStep(step: JournalStep) {
        say(`STEP ${step}`);
        if (step !== job.crashAt) return;
        say(`CRASH ${step}`);
        process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  const result = await core.execute(job.command);
  say(`RESULT ${JSON.stringify(result)}`);
  await core.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
