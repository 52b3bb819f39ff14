/**
 * README screenshots of presence (360×520 at 2×, light and dark): the away prompt after a lunch
 * with the screen locked (its "Add as a separate entry…" field open), the running entry being
 * edited (description, project, the start-time field), the pomodoro line, and the presence
 * sections of Preferences on a Wayland session. Real core on Local, clocks pinned, so the
 * pictures only change when the popup does.
 */
import { describe, expect, it } from 'vitest';
import type { PresenceSource } from '../../main/core/core';
import type { Popup } from './popup-harness';
import { at, commandsAt, PinnedClock, shot, SHOWN_AT, useScreenshotPopups } from './screenshot-kit';

const popups = useScreenshotPopups();

const WAYLAND: PresenceSource = { idleSeconds: () => 0, session: 'wayland' };
const ACTIVE: PresenceSource = { idleSeconds: () => 0, session: 'x11' };

interface Scene {
  p: Popup;
  clock: PinnedClock;
  run: ReturnType<typeof commandsAt>;
}

/** A day on Local: two finished entries, then whatever the scene starts. */
async function localDay(
  colorScheme: 'light' | 'dark',
  presence: PresenceSource = ACTIVE,
): Promise<Scene> {
  const clock = new PinnedClock(at('08:55:00'));
  const p = await popups.open(colorScheme, clock, { presence });
  const run = commandsAt(p, clock);
  await run('09:00:00', {
    type: 'start',
    input: { description: 'Sprint planning', project: 'Internal' },
  });
  await run('09:40:00', { type: 'stop', input: {} });
  await run('10:05:00', {
    type: 'start',
    input: { description: 'Code review', project: 'Tray Timer' },
  });
  await run('11:20:00', { type: 'stop', input: {} });
  return { p, clock, run };
}

/** Shows the popup at SHOWN_AT with what the core holds then. */
async function settle(s: Scene) {
  s.clock.time = SHOWN_AT;
  await s.p.push(s.p.core.snapshot());
}

describe('README screenshots of presence', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`the away prompt after a locked lunch, “Add as a separate entry…” open (${scheme})`, async () => {
      const s = await localDay(scheme);
      try {
        const { p, clock, run } = s;
        const { page } = p;
        await run('13:05:00', {
          type: 'start',
          input: { description: 'Landing page copy', project: 'Website' },
        });
        clock.time = at('14:26:00');
        p.core.power('lock-screen');
        clock.time = at('15:41:00');
        p.core.power('unlock-screen');
        await settle(s);
        const prompt = page.getByRole('region', {
          name: 'You were away 14:26–15:41 (1 h 15 min)',
        });
        await prompt.waitFor();
        await prompt.getByRole('button', { name: /^Add as a separate entry/ }).click();
        await prompt.getByPlaceholder('What were you doing? (Lunch, Meeting…)').fill('Lunch');
        await expect(
          prompt.getByRole('button', { name: /^Discard it/ }).innerText(),
        ).resolves.toMatch(/stops at 14:26/);
        // Focusing the field may have scrolled the popup: picture the prompt from its top.
        await page.locator('main.content').evaluate((el) => el.scrollTo(0, 0));
        await shot(page, `presence-away-split-${scheme}`);
      } finally {
        await s.p.close();
      }
    });

    it(`the running entry being edited, with its start-time field (${scheme})`, async () => {
      const s = await localDay(scheme);
      try {
        const { p, run } = s;
        const { page } = p;
        await run('15:17:00', {
          type: 'start',
          input: { description: 'Landing page copy', project: 'Website' },
        });
        await settle(s);
        const card = page.getByRole('region', { name: 'Landing page copy' });
        await expect(card.getByTestId('start-line').innerText()).resolves.toMatch(
          /^Started\s+·\s+25 min ago$/,
        );
        await expect(card.getByLabel('Started').inputValue()).resolves.toBe('15:17');
        await card.getByRole('button', { name: 'Edit Landing page copy' }).click();
        const form = page.getByRole('form', { name: 'Edit the running entry' });
        await form.getByLabel('Description').fill('Landing page copy, second draft');
        await shot(page, `presence-edit-running-${scheme}`);
      } finally {
        await s.p.close();
      }
    });

    it(`the pomodoro line during a focus round (${scheme})`, async () => {
      const s = await localDay(scheme);
      try {
        const { p, run } = s;
        const { page } = p;
        await run('15:20:00', { type: 'settings.update', input: { pomodoro: { enabled: true } } });
        await run('15:20:00', {
          type: 'start',
          input: { description: 'Release notes', project: 'Tray Timer' },
        });
        await settle(s);
        await expect
          .poll(() => page.getByTestId('pomodoro').textContent())
          .toBe('Pomodoro: Focus · 3 min left');
        await shot(page, `presence-pomodoro-${scheme}`);
      } finally {
        await s.p.close();
      }
    });

    it(`Preferences: idle detection on Wayland, reminders, pomodoro, startup (${scheme})`, async () => {
      const s = await localDay(scheme, WAYLAND);
      try {
        const { p, run } = s;
        const { page } = p;
        await run('15:30:00', { type: 'settings.update', input: { reminders: { enabled: true } } });
        await settle(s);
        await page.getByRole('button', { name: 'Preferences', exact: true }).click();
        const idle = page.getByRole('region', { name: 'Idle detection' });
        await idle.getByTestId('idle-note').waitFor();
        await idle.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await shot(page, `presence-preferences-idle-reminders-${scheme}`);
        const pomodoro = page.getByRole('region', { name: 'Pomodoro' });
        await pomodoro.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await shot(page, `presence-preferences-pomodoro-startup-${scheme}`);
      } finally {
        await s.p.close();
      }
    });
  }
});
