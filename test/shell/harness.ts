/**
 * The real core for shell tests: a temp data folder, session-only secrets, app mode, and a virtual
 * clock so tooltip ticks happen when a test says so. No part of the core is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { AccountState, Command, CommandResult, Snapshot } from '../../preload/contract';
import type { Core, CoreOptions } from '../../main/core/core';
import type { SettingsBackendFactory } from '../../main/storage/settings-backend';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { VirtualClock } from '../support/virtual-clock';

export const T0 = Date.parse('2026-11-27T09:00:00+01:00');

export interface TestCore {
  core: Core;
  clock: VirtualClock;
  dataDir: string;
  close(): Promise<void>;
}

export async function openTestCore(
  options: {
    settingsBackend?: SettingsBackendFactory;
    dataDir?: string;
    /**
     * The shell's presence hooks, as main/index.ts passes them; a function gets the virtual
     * clock (a source whose uptime must follow it, not the real machine's).
     */
    presence?: CoreOptions['presence'] | ((clock: VirtualClock) => CoreOptions['presence']);
    notify?: CoreOptions['notify'];
  } = {},
): Promise<TestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tray-timer-shell-'));
  const clock = new VirtualClock(T0);
  const presence =
    typeof options.presence === 'function' ? options.presence(clock) : options.presence;
  const core = await openCore({
    dataDir,
    secrets: new MemorySecretStore(),
    clock,
    mode: 'app',
    ...(options.settingsBackend ? { settingsBackend: options.settingsBackend } : {}),
    ...(presence ? { presence } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
  });
  return {
    core,
    clock,
    dataDir,
    async close() {
      await core.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function run(
  core: Core,
  command: Command,
): Promise<Extract<CommandResult, { ok: true }>> {
  const result = await core.execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result;
}

export function local(snapshot: Snapshot): AccountState {
  const account = snapshot.accounts.find((a) => a.id === 'local');
  if (!account) throw new Error('no local account');
  return account;
}

/** Waits for fire-and-forget work (a menu click, a shortcut) to reach the core. */
export async function until(check: () => void): Promise<void> {
  await expect
    .poll(() => {
      try {
        check();
        return true;
      } catch {
        return false;
      }
    })
    .toBe(true);
  check();
}
