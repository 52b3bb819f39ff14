/**
 * Copies of the contract's display constants. Importing them from preload/contract.ts at
 * runtime would pull zod (~15 KB gzipped) into the popup; the types keep these complete and a
 * test (test/popup/constants.test.ts) keeps them equal to the contract's.
 */
import type { HotkeyAction, ProviderKind } from '../preload/contract';

export const HOTKEY_ACTIONS = [
  'toggleTimer',
  'togglePopup',
] as const satisfies readonly HotkeyAction[];

export const HOTKEY_LABELS: Record<HotkeyAction, string> = {
  toggleTimer: 'Start/stop the timer',
  togglePopup: 'Show/hide the popup',
};

export const PROVIDER_NAMES: Record<ProviderKind, string> = {
  local: 'Local',
  toggl: 'Toggl Track',
  trackingtime: 'TrackingTime',
  webwork: 'WebWork',
};
