/**
 * A secret given to Tray Timer goes to the keychain and nowhere else: after a session that stores
 * one, runs commands and tries to add an account with it, nothing under the data folder, no
 * snapshot, no command result and no CLI output contains the secret (raw, Base64, or as the
 * Base64 of a Basic "user:secret" header).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../preload/contract';
import { createSecretStore } from '../../main/secrets/create-secret-store';
import { openCore } from '../../main/core/open-core';
import { ensureCliBuilt, runCli } from '../cli/cli-build';
import { inTestKeyring, keyringMissingReason, requireTestKeyring } from './keychain-env';

const SECRET = `tt-leak-canary-${randomUUID()}`;
const FORMS = [
  SECRET,
  Buffer.from(SECRET).toString('base64'),
  Buffer.from(`someone@example.com:${SECRET}`).toString('base64'),
];

/** Every file under `dir` (recursively) whose bytes contain any form of the secret. */
async function filesContainingSecret(dir: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    if (
      FORMS.some((form) => bytes.includes(form) || bytes.includes(Buffer.from(form, 'utf16le')))
    ) {
      hits.push(path);
    }
  }
  return hits;
}

function expectNoSecret(text: string): void {
  for (const form of FORMS) expect(text).not.toContain(form);
}

requireTestKeyring();

describe.skipIf(!inTestKeyring)(
  `no secret outside the keychain${inTestKeyring ? '' : ` (skipped: ${keyringMissingReason})`}`,
  () => {
    let home = '';
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'tray-timer-leak-'));
    });
    afterAll(async () => {
      await rm(home, { recursive: true, force: true });
    });

    it('a core session with a stored secret writes it nowhere in the data folder', async () => {
      const { store } = await createSecretStore();
      expect(store.kind).toBe('keychain');
      const core = await openCore({ dataDir: home, secrets: store, mode: 'app' });
      const seen: string[] = [];
      core.subscribe((snapshot) => seen.push(JSON.stringify(snapshot)));
      try {
        await store.set('leak-test-account', SECRET);
        const commands: Command[] = [
          { type: 'start', input: { description: 'Leak test' } },
          { type: 'status' },
          { type: 'stop', input: {} },
          { type: 'accounts.list' },
          {
            type: 'accounts.add',
            input: { provider: 'toggl', label: 'Work', secret: SECRET, options: {} },
          },
          { type: 'settings.get' },
        ];
        for (const command of commands) seen.push(JSON.stringify(await core.execute(command)));
        seen.push(JSON.stringify(core.snapshot()));
      } finally {
        await core.close();
      }
      // It is in the keychain, as intended…
      expect(await store.get('leak-test-account')).toBe(SECRET);
      await store.delete('leak-test-account');
      // …and nowhere else. The data folder is not empty, so the search is not vacuous.
      expect((await readdir(home, { recursive: true })).length).toBeGreaterThan(0);
      expect(await filesContainingSecret(home)).toEqual([]);
      for (const text of seen) expectNoSecret(text);
    });

    it('`tray-timer accounts add --secret-stdin` never prints or writes the secret', async () => {
      await ensureCliBuilt();
      const run = await runCli(['accounts', 'add', 'toggl', '--secret-stdin', '--label', 'Work'], {
        home,
        stdin: `${SECRET}\n`,
      });
      expect(run.code).not.toBeNull();
      expectNoSecret(run.stdout);
      expectNoSecret(run.stderr);
      const json = await runCli(['status', '--json'], { home });
      expectNoSecret(json.stdout + json.stderr);
      expect(await filesContainingSecret(home)).toEqual([]);
    });
  },
);
