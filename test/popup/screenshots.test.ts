/**
 * README screenshots of the popup (360×520 at 2×), light and dark, from the real core with a
 * realistic day of entries. Both clocks are pinned, so a re-run on the same machine produces the
 * same pixels and the PNGs only change when the popup does.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Clock } from '../../main/core/clock';
import { systemClock } from '../../main/core/clock';
import type { Command } from '../../preload/contract';
import { launchChromium, openPopup } from './popup-harness';
import { ensureRendererBuilt, RENDERER_OUT, REPO } from './renderer-build';
import { serveDirectory } from './static-server';
import type { StaticServer } from './static-server';

process.env.TZ = 'UTC';
const OUT = join(REPO, 'docs', 'screenshots');
const at = (hhmmss: string) => Date.parse(`2026-11-27T${hhmmss}Z`);
const SHOWN_AT = at('15:42:00');

/** The core's time, set by the script below; timers still run on real time. */
class PinnedClock implements Clock {
  constructor(public time: number) {}
  now = () => this.time;
  setTimer = systemClock.setTimer;
}

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

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  await ensureRendererBuilt();
  server = await serveDirectory(RENDERER_OUT);
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('README screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`timer idle, running and preferences (${scheme})`, async () => {
      const clock = new PinnedClock(at('09:00:00'));
      const p = await openPopup(browser, server.url, {
        colorScheme: scheme,
        clock,
        fixedTimeMs: SHOWN_AT,
        timezoneId: 'UTC',
      });
      try {
        for (const [time, command] of DAY) {
          clock.time = at(time);
          const result = await p.core.execute(command);
          expect(result.ok, JSON.stringify(result)).toBe(true);
        }
        clock.time = SHOWN_AT;
        const { page } = p;
        await page.getByRole('button', { name: /^Continue Review pull request #42/ }).waitFor();
        const shot = async (name: string) => {
          const path = join(OUT, `${name}-${scheme}.png`);
          await page.mouse.move(4, 516); // the footer: no hover effect in the picture
          await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
          expect(statSync(path).size).toBeGreaterThan(10_000);
        };
        await expect(page.getByTestId('today').textContent()).resolves.toBe('3:12');
        await shot('timer-idle');

        // Started from the form like a user would, 1 h 12 min before the popup is looked at.
        clock.time = at('14:29:37');
        await page.getByLabel('What are you working on?').fill('Design the preferences view');
        await page.getByLabel('Project').fill('Tray Timer');
        await page.getByLabel('What are you working on?').press('Enter');
        await page.getByRole('heading', { name: 'Design the preferences view' }).waitFor();
        clock.time = SHOWN_AT;
        await expect(page.getByTestId('clock').textContent()).resolves.toBe('1:12:23');
        await expect(page.getByTestId('today').textContent()).resolves.toBe('4:24');
        await shot('timer-running');

        await page.getByRole('button', { name: 'Preferences', exact: true }).click();
        await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
        await shot('preferences');
      } finally {
        await p.close();
      }
    });
  }
});
