import { expect, it } from 'vitest';
import * as contract from '../../preload/contract';
import * as copies from '../../renderer/constants';

// The renderer keeps its own copies so zod stays out of the popup bundle; they must not drift.
it('the popup shows the same labels as the contract defines', () => {
  expect(copies.HOTKEY_ACTIONS).toEqual(contract.HOTKEY_ACTIONS);
  expect(copies.HOTKEY_LABELS).toEqual(contract.HOTKEY_LABELS);
  expect(copies.PROVIDER_NAMES).toEqual(contract.PROVIDER_NAMES);
});
