/**
 * Runs the real core with the real secret store (createSecretStore, as the app does) in a child
 * process, inside whatever keychain condition the parent set up (its own D-Bus session and
 * gnome-keyring, no bus at all…), and plays a list of steps: open, execute a command, run a
 * shell command in the same session (secret-tool, a D-Bus Lock call, kill the daemon), close.
 * Prints one JSON line with what each step gave. A crash (even a segfault in keytar) shows as a
 * missing line and a non-zero exit, which the parent reports.
 *
 * The secret comes from TEST_SECRET and is put into commands where they say "$SECRET", so it
 * never appears in argv or in the printed report.
 */
import { execSync } from 'node:child_process';
import type { Command, CommandResult, Snapshot } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { createSecretStore } from '../../main/secrets/create-secret-store';
import type { SecretStore, SecretStoreStatus } from '../../main/secrets/secret-store';

export type Step =
  | { do: 'open' }
  | { do: 'exec'; command: Command }
  | { do: 'sh'; cmd: string }
  | { do: 'status' }
  | { do: 'close' };

export interface AccountSeen {
  id: string;
  running: string | null;
  error: { kind: string; message: string } | null;
  /** Journal actions waiting for this account: their summary and state. */
  pending: string[];
}

export type StepReport =
  | { do: 'open'; selection: SecretStoreStatus; storeKind: string; snapshot: SnapshotSeen }
  | {
      do: 'exec';
      type: string;
      ok: boolean;
      error: { kind: string; message: string } | null;
      message: string | null;
      snapshot: SnapshotSeen | null;
    }
  | { do: 'sh'; code: number; out: string }
  | { do: 'status'; status: SecretStoreStatus }
  | { do: 'close' };

export interface SnapshotSeen {
  accounts: AccountSeen[];
  notices: string[];
}

function seenOf(snapshot: Snapshot): SnapshotSeen {
  return {
    accounts: snapshot.accounts.map((a) => ({
      id: a.id,
      running: a.running ? (a.entry?.description ?? '') : null,
      error: a.error ? { kind: a.error.kind, message: a.error.message } : null,
      pending: a.pending.map((p) => `${p.state}: ${p.summary}`),
    })),
    notices: snapshot.notices.map((n) => n.message),
  };
}

const secret = process.env.TEST_SECRET ?? '';
const dataDir = process.env.TT_DATA_DIR ?? '';
const steps = JSON.parse(process.env.TT_STEPS ?? '[]') as Step[];

const withSecret = (command: Command): Command =>
  JSON.parse(JSON.stringify(command).split('$SECRET').join(secret)) as Command;

const scrub = (text: string): string => (secret ? text.split(secret).join('[secret]') : text);

let core: Core | null = null;
let store: SecretStore | null = null;
const reports: StepReport[] = [];

for (const step of steps) {
  switch (step.do) {
    case 'open': {
      const selection = await createSecretStore({ probeTimeoutMs: 10_000 });
      store = selection.store;
      core = await openCore({ dataDir, secrets: selection.store, mode: 'oneshot' });
      reports.push({
        do: 'open',
        selection: selection.status,
        storeKind: selection.store.kind,
        snapshot: seenOf(core.snapshot()),
      });
      break;
    }
    case 'exec': {
      if (!core) throw new Error('exec before open');
      const result: CommandResult = await core.execute(withSecret(step.command));
      const snapshot = result.snapshot ?? core.snapshot();
      reports.push({
        do: 'exec',
        type: step.command.type,
        ok: result.ok,
        error: result.ok ? null : { kind: result.error.kind, message: result.error.message },
        message: result.ok ? (result.message ?? null) : null,
        snapshot: seenOf(snapshot),
      });
      break;
    }
    case 'sh': {
      let code = 0;
      let out = '';
      try {
        out = execSync(step.cmd, {
          encoding: 'utf8',
          stdio: ['pipe', 'pipe', 'pipe'],
          input: secret,
          timeout: 30_000,
        });
      } catch (err) {
        const e = err as { status?: number; stdout?: string; stderr?: string };
        code = e.status ?? -1;
        out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
      }
      reports.push({ do: 'sh', code, out: scrub(out.trim()) });
      break;
    }
    case 'status': {
      if (!store) throw new Error('status before open');
      reports.push({ do: 'status', status: await store.status() });
      break;
    }
    case 'close':
      await core?.close();
      core = null;
      reports.push({ do: 'close' });
      break;
  }
}
await core?.close();
// Not scrubbed: the parent checks that the secret appears nowhere in this report.
process.stdout.write(`${JSON.stringify(reports)}\n`);
// keytar keeps a D-Bus connection open; the report is out, nothing else is pending.
process.exit(0);
