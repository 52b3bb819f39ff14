/**
 * Copies of the contract's display constants. Importing them from preload/contract.ts at
 * runtime would pull zod (~15 KB gzipped) into the popup; the types keep these complete and a
 * test (test/popup/constants.test.ts) keeps them equal to the contract's.
 */
import type { AwayChoice, HotkeyAction, ProviderKind } from '../preload/contract';

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

/** The away prompt's choices in the contract's order (the order the popup lists them in). */
export const AWAY_CHOICES = [
  'keep',
  'discard',
  'discard-continue',
  'split',
  'stop-now',
] as const satisfies readonly AwayChoice[];
