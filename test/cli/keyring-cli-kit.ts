/**
 * What the keyring CLI end-to-end suites (toggl-cli, trackingtime-cli, webwork-cli) share: the JSON shapes
 * the CLI prints, libsecret's own secret-tool as the independent reader of the keyring, a
 * byte-level search of the data folder for leaked secrets, and why a suite skips.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { KEYCHAIN_SERVICE } from '../../main/secrets/secret-store';
import { hasCommand, inTestKeyring, keyringMissingReason, onCi } from '../keychain/keychain-env';

const run = promisify(execFile);

/** `tray-timer accounts --json`. */
export const accountsJson = z.object({
  accounts: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      label: z.string(),
      isDefault: z.boolean(),
      baseUrl: z.string().nullable(),
    }),
  ),
});

/** One account's running entry in `tray-timer status --json`. */
export const statusEntryJson = z
  .object({
    description: z.string().nullable(),
    projectName: z.string().nullable(),
    taskName: z.string().nullable(),
    startedAt: z.string().nullable(),
    elapsedSeconds: z.number(),
  })
  .nullable();

/**
 * The same entry with WebWork's addition, elapsedKind ('today': the figure is the day's total, no
 * start time known). `status`, `status --member` and `team` print this one entry shape.
 */
export const entryWithKindJson = statusEntryJson
  .unwrap()
  .extend({ elapsedKind: z.enum(['session', 'today']) });

/** One account's error in `tray-timer status --json`. */
export const statusErrorJson = z.object({ kind: z.string(), message: z.string() }).nullable();

/** What libsecret finds for an account id, or null (secret-tool exits 1 when nothing matches). */
export async function keyringLookup(accountId: string): Promise<string | null> {
  try {
    const { stdout } = await run('secret-tool', [
      'lookup',
      'service',
      KEYCHAIN_SERVICE,
      'account',
      accountId,
    ]);
    return stdout;
  } catch (err) {
    if ((err as { code?: unknown }).code === 1) return null;
    throw err;
  }
}

export async function keyringClear(accountId: string): Promise<void> {
  await run('secret-tool', ['clear', 'service', KEYCHAIN_SERVICE, 'account', accountId]).catch(
    () => undefined,
  );
}

/** Every file under `dir` whose bytes contain any of `forms` (a secret as a leak may spell it). */
export function filesContainingAny(dir: string, forms: readonly string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() || statSync(full).isFile()) {
        const text = readFileSync(full).toString('latin1');
        if (forms.some((f) => text.includes(f))) hits.push(full);
      }
    }
  };
  walk(dir);
  return hits;
}

/** secret-tool is the independent reader; without it (and not on CI) the suite skips, saying why. */
export const haveSecretTool = hasCommand('secret-tool');
export const skipReason = !inTestKeyring
  ? keyringMissingReason
  : !haveSecretTool && !onCi
    ? 'secret-tool is not installed (apt-get install libsecret-tools)'
    : '';
