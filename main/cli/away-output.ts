/**
 * `tray-timer away`: the question about time away as the terminal shows it, and the words the
 * user answers with. For people whose tray or popup does not work (Wayland, tiling window
 * managers): the same question the popup asks, from the running app's snapshot.
 *
 *   You were away 10:42–11:57 (1 h 15 min)
 *     “Docs” (Local): keep, discard, continue or split
 *
 *   Answer with:
 *     tray-timer away keep                          the time away stays in the entry
 *     tray-timer away discard                       the entry stops at 10:42
 *     …
 */
import { AWAY_CHOICES, nearestChoice } from '../../preload/away-choices';
import type { AwayChoice, AwayPrompt } from '../../preload/contract';
import { formatClockTime } from '../../preload/format';

/** The words `tray-timer away` takes, and the choice each sends ('continue' is shorter to type). */
export const AWAY_WORDS: Readonly<Record<string, AwayChoice>> = {
  keep: 'keep',
  discard: 'discard',
  continue: 'discard-continue',
  split: 'split',
  'stop-now': 'stop-now',
};

/** The word the user types for a choice. */
export function awayWord(choice: AwayChoice): string {
  return Object.entries(AWAY_WORDS).find(([, c]) => c === choice)?.[0] ?? choice;
}

export const NOTHING_AWAY = 'Nothing to decide about time away.';

/** Said when the CLI worked without the app: nothing watches for time away then. */
export const AWAY_NEEDS_APP =
  'The Tray Timer app is not running: the question about time away exists only while it runs.';

/** Every choice some account offers, in the contract's order. */
export function offeredChoices(prompt: AwayPrompt): AwayChoice[] {
  return AWAY_CHOICES.filter((c) => prompt.accounts.some((a) => a.choices.includes(c)));
}

/** "keep, discard, continue or split" */
function wordList(choices: readonly AwayChoice[]): string {
  const words = choices.map(awayWord);
  return words.length < 2
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

/** `status`'s line (after the account lines, so `status | head -1` is unchanged). */
export function awayStatusLine(prompt: AwayPrompt): string {
  return `⚠ ${prompt.message} — answer with: tray-timer away ${offeredChoices(prompt).map(awayWord).join('|')}`;
}

/** What each answer does, with the prompt's own times (local clock of the printing process). */
function effect(choice: AwayChoice, prompt: AwayPrompt): string {
  const from = formatClockTime(prompt.from) ?? 'when you went away';
  const to = formatClockTime(prompt.to) ?? 'when you came back';
  switch (choice) {
    case 'keep':
      return 'the time away stays in the entry';
    case 'discard':
      return `the entry stops at ${from}`;
    case 'discard-continue':
      return `it stops at ${from} and runs again from ${to}`;
    case 'split':
      return `${from}–${to} becomes its own entry; the work continues from ${to}`;
    case 'stop-now':
      return 'the timers stop now';
  }
}

/**
 * One answer goes to every account; an account that cannot take it does the nearest it can (the
 * core's nearestChoice): said next to the answer, so "discard" does not surprise a WebWork user.
 */
function otherwise(choice: AwayChoice, prompt: AwayPrompt): string {
  const said = prompt.accounts
    .filter((a) => !a.choices.includes(choice))
    .map((a) => {
      const instead = nearestChoice(choice, a.choices);
      if (instead === choice) return null;
      return `${a.label} ${instead === 'stop-now' ? 'stops now' : 'keeps the time away'}`;
    })
    .filter((x): x is string => x !== null);
  return said.length > 0 ? ` (${said.join('; ')})` : '';
}

function command(choice: AwayChoice): string {
  const base = `tray-timer away ${awayWord(choice)}`;
  return choice === 'split' ? `${base} --description "Lunch"` : base;
}

/** The question, each account's entry and answers, then the commands to type. */
export function awayText(prompt: AwayPrompt): string {
  const lines = [prompt.message];
  for (const a of prompt.accounts) {
    const note = a.note ? ` — ${a.note}` : '';
    lines.push(`  ${a.entryLabel} (${a.label}): ${wordList(a.choices)}${note}`);
  }
  const choices = offeredChoices(prompt);
  const width = Math.max(...choices.map((c) => command(c).length));
  lines.push('', 'Answer with:');
  for (const c of choices)
    lines.push(`  ${command(c).padEnd(width)}  ${effect(c, prompt)}${otherwise(c, prompt)}`);
  return lines.join('\n');
}
