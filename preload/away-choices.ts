/**
 * The answers to the away prompt and what an account that cannot take one does instead. No zod
 * here: the popup imports this (zod's eval-based parsers are refused by its CSP), and so do the
 * core and the CLI, so all three say the same thing.
 */

/** In the order the popup lists them. See preload/presence-contract.ts for each meaning. */
export const AWAY_CHOICES = ['keep', 'discard', 'discard-continue', 'split', 'stop-now'] as const;
export type AwayChoice = (typeof AWAY_CHOICES)[number];

/**
 * What an account that cannot take `choice` does instead when one answer goes to accounts of
 * both kinds (Local and WebWork): Discard stops a WebWork tracker now; continue and separate
 * entry leave its time as it is. Every service can stop now.
 */
export function nearestChoice(choice: AwayChoice, offered: readonly AwayChoice[]): AwayChoice {
  if (offered.includes(choice)) return choice;
  if (choice === 'discard' && offered.includes('stop-now')) return 'stop-now';
  return choice === 'stop-now' ? 'stop-now' : 'keep';
}
