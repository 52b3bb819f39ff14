/**
 * README screenshots of the popup (360×520 at 2×), light and dark, from the real core with a
 * realistic day of entries. Both clocks are pinned, so a re-run on the same machine produces the
 * same pixels and the PNGs only change when the popup does.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../preload/contract';
import { at, commandsAt, PinnedClock, shot, SHOWN_AT, useScreenshotPopups } from './screenshot-kit';

const DAY: [string, Command][] = [
  [
    '09:02:10',
    { type: 'start', input: { description: 'Triage new issues', project: 'Tray Timer' } },
  ],
  ['09:48:40', { type: 'stop', input: {} }],
  [
    '10:05:00',
    { type: 'start', input: { description: 'Write release notes', project: 'Website' } },
  ],
  ['11:20:30', { type: 'stop', input: {} }],
  ['11:30:00', { type: 'start', input: { description: 'Team standup' } }],
  ['11:45:00', { type: 'stop', input: {} }],
  [
    '13:10:00',
    { type: 'start', input: { description: 'Review pull request #42', project: 'Tray Timer' } },
  ],
  ['14:05:20', { type: 'stop', input: {} }],
];

const popups = useScreenshotPopups();

describe('README screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`timer idle, running and preferences (${scheme})`, async () => {
      const clock = new PinnedClock(at('09:00:00'));
      const p = await popups.open(scheme, clock);
      try {
        const run = commandsAt(p, clock);
        for (const [time, command] of DAY) await run(time, command);
        clock.time = SHOWN_AT;
        const { page } = p;
        await page.getByRole('button', { name: /^Continue Review pull request #42/ }).waitFor();
        await expect(page.getByTestId('today').textContent()).resolves.toBe('3:12');
        await shot(page, `timer-idle-${scheme}`);

        // Started from the form like a user would, 1 h 12 min before the popup is looked at.
        clock.time = at('14:29:37');
        await page.getByLabel('What are you working on?').fill('Design the preferences view');
        await page.getByLabel('Project').fill('Tray Timer');
        await page.getByLabel('What are you working on?').press('Enter');
        await page.getByRole('heading', { name: 'Design the preferences view' }).waitFor();
        clock.time = SHOWN_AT;
        await expect(page.getByTestId('clock').textContent()).resolves.toBe('1:12:23');
        await expect(page.getByTestId('today').textContent()).resolves.toBe('4:24');
        await shot(page, `timer-running-${scheme}`);

        await page.getByRole('button', { name: 'Preferences', exact: true }).click();
        await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
        await shot(page, `preferences-${scheme}`);
      } finally {
        await p.close();
      }
    });
  }
});
