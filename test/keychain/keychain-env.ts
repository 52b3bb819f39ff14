/**
 * Whether this test process runs inside the private D-Bus session with an unlocked gnome-keyring
 * that test/run-tests.sh sets up. Keychain tests never run against a developer's own keyring.
 */
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

export const inTestKeyring = process.env.TRAY_TIMER_TEST_KEYRING === '1';
export const onCi = process.env.CI === 'true' || process.env.CI === '1';

export const keyringMissingReason = inTestKeyring
  ? ''
  : (process.env.TRAY_TIMER_TEST_KEYRING_MISSING ??
    'not started through test/run-tests.sh (use `npm test`, or `sh test/run-tests.sh vitest run`)');

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Outside the private keyring the keychain suites skip, saying why in the test name; on CI a
 * skipped keychain test would hide a broken set-up, so there it is a failing test instead.
 */
export function requireTestKeyring(): void {
  if (inTestKeyring) return;
  if (onCi) {
    it('has a private Secret Service (required on CI)', () => {
      throw new Error(`No test keyring on CI: ${keyringMissingReason}`);
    });
  } else {
    console.warn(`keychain tests skipped: ${keyringMissingReason}`);
  }
}
