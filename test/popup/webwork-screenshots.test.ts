/**
 * README screenshots with a WebWork account (360×520 at 2×): a tracker started in the WebWork web
 * app (today's total, marked "today"), a manager tracking for a member, the team glance, and a
 * 422 shown at the description. Real core, real WebWork provider, the fake WebWork; the core's,
 * the fake's and the page's clocks are pinned so the pictures only change when the popup does.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Command } from '../../preload/contract';
import { startFakeWebWork } from '../fakes/webwork-server';
import type {
  FakeContract,
  FakeTask,
  FakeUser,
  FakeWebWork,
  FakeWorkspace,
} from '../fakes/webwork-server';
import type { Popup } from './popup-harness';
import {
  at,
  commandsAt,
  PictureKeychain,
  PinnedClock,
  shot,
  SHOWN_AT,
  useScreenshotPopups,
} from './screenshot-kit';

const TOKEN = 'ww-pat-3b9f0c2d7e61a8554f10';

const popups = useScreenshotPopups();

interface Scene {
  p: Popup;
  page: Page;
  fake: FakeWebWork;
  clock: PinnedClock;
  acme: FakeWorkspace;
  people: Record<'ada' | 'bob' | 'cleo' | 'dan' | 'eve', FakeUser>;
  /** Each person's contract in Mobile app, and that project's task. */
  mobileContract: Map<number, FakeContract>;
  loginScreen: FakeTask;
  run(time: string, command: Command): Promise<void>;
  close(): Promise<void>;
}

/** Ada owns Acme (four members); WebWork is the default account, connected by its command. */
async function scene(colorScheme: 'light' | 'dark'): Promise<Scene> {
  const clock = new PinnedClock(at('08:55:00'));
  const fake = await startFakeWebWork({ now: () => clock.time });
  const acme = fake.addWorkspace({ name: 'Acme' });
  const person = (email: string, firstname: string, lastname: string) =>
    fake.addUser({
      email,
      firstname,
      lastname,
      ...(email.startsWith('ada') ? { token: TOKEN } : {}),
    });
  const people = {
    ada: person('ada@acme.example', 'Ada', 'Lovelace'),
    bob: person('bob@acme.example', 'Bob', 'Builder'),
    cleo: person('cleo@acme.example', 'Cleo', 'Park'),
    dan: person('dan@acme.example', 'Dan', 'Okafor'),
    eve: person('eve@acme.example', 'Eve', 'Martin'),
  };
  fake.addMember(acme.id, people.ada.id, 'Owner');
  for (const u of [people.bob, people.cleo, people.dan, people.eve])
    fake.addMember(acme.id, u.id, 'Regular User');
  const website = fake.addProject({ workspaceId: acme.id, name: 'Website' });
  const mobile = fake.addProject({ workspaceId: acme.id, name: 'Mobile app' });
  fake.addTask({ projectId: website.id, title: 'Design' });
  fake.addTask({ projectId: website.id, title: 'Copywriting' });
  const loginScreen = fake.addTask({ projectId: mobile.id, title: 'Login screen' });
  const mobileContract = new Map<number, FakeContract>();
  for (const u of Object.values(people)) {
    fake.addContract({ userId: u.id, projectId: website.id });
    mobileContract.set(u.id, fake.addContract({ userId: u.id, projectId: mobile.id }));
  }

  const p = await popups.open(colorScheme, clock, { secrets: new PictureKeychain() });
  const run = commandsAt(p, clock);
  await run('09:00:00', {
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: TOKEN,
      label: 'Acme',
      baseUrl: fake.baseUrl,
      options: { email: 'ada@acme.example' },
    },
  });
  await run('09:00:10', { type: 'settings.update', input: { defaultAccountId: 'webwork' } });
  return {
    p,
    page: p.page,
    fake,
    clock,
    acme,
    people,
    mobileContract,
    loginScreen,
    run,
    close: async () => {
      await p.close();
      await fake.close();
    },
  };
}

describe('README screenshots with WebWork', () => {
  it('a tracker started in the WebWork web app: today’s total, marked "today"; a 422 at the description (light)', async () => {
    const s = await scene('light');
    try {
      const { page, fake, acme, people } = s;
      // 2 h 30 min on the Timeline already; the web app's tracker started 42 min ago.
      fake.setTimelineMinutes(people.ada.id, acme.id, 150);
      const contract = fake.addContract({
        userId: people.ada.id,
        projectId: fake.addProject({ workspaceId: acme.id, name: 'Support' }).id,
      });
      fake.remoteStart(people.ada.id, acme.id, {
        contractId: contract.id,
        description: 'Customer call: onboarding',
        source: 'browser',
        start: at('15:00:00'),
      });
      await s.run('15:41:30', { type: 'refresh', input: { accountId: 'webwork' } });
      s.clock.time = SHOWN_AT;
      await page.getByRole('heading', { name: 'Customer call: onboarding' }).waitFor();
      // Read at 15:41:30 (2:30 + 0:41:30); the page's clock, pinned 30 s later, counts on.
      await expect(page.getByTestId('clock').textContent()).resolves.toBe('3:12:00 today');
      await shot(page, 'webwork-running-today-light');

      // A description over WebWork's 255 characters: its 422 message sits under the field.
      await page
        .getByLabel('What are you working on?')
        .fill(`Rewrite the onboarding e-mails: ${'welcome, setup, first week, '.repeat(9)}`);
      await page.getByRole('combobox', { name: 'Project' }).fill('Website');
      await page.getByLabel('Task').selectOption({ label: 'Copywriting' });
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page
        .getByRole('form', { name: 'Start a timer' })
        .getByText('The activity description may not be greater than 255')
        .waitFor();
      await shot(page, 'webwork-422-light');
    } finally {
      await s.close();
    }
  });

  it('tracking for a member, and the team glance (light and dark)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const s = await scene(scheme);
      try {
        const { page, fake, acme, people } = s;
        fake.setTimelineMinutes(people.cleo.id, acme.id, 200);
        fake.setTimelineMinutes(people.dan.id, acme.id, 65);
        fake.remoteStart(people.cleo.id, acme.id, {
          description: 'Release 2.4 QA',
          taskId: s.loginScreen.id,
          contractId: s.mobileContract.get(people.cleo.id)?.id ?? 0,
          source: 'browser',
          start: at('14:10:00'),
        });
        fake.remoteStart(people.dan.id, acme.id, {
          description: 'Sprint planning',
          source: 'browser',
          start: at('15:30:00'),
        });

        if (scheme === 'light') {
          // Ada starts Bob's tracker from the popup.
          s.clock.time = at('15:20:00');
          const trackFor = page.getByRole('combobox', { name: 'Track for' });
          // The members, searched as the user types.
          await trackFor.fill('e');
          await page.getByRole('option', { name: /Eve Martin/ }).waitFor();
          await shot(page, 'webwork-track-for-search-light');
          await trackFor.fill('bob');
          await page.getByRole('option', { name: /Bob Builder/ }).click();
          await page.getByText(/Bob Builder’s tracker is stopped/).waitFor();
          s.clock.time = at('15:21:40');
          await page.getByLabel('What are you working on?').fill('Homepage hero images');
          await page.getByRole('combobox', { name: 'Project' }).fill('Website');
          await page.getByLabel('Task').selectOption({ label: 'Design' });
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await page.getByRole('heading', { name: 'Homepage hero images' }).waitFor();
          s.clock.time = SHOWN_AT;
          await expect(page.getByTestId('clock').textContent()).resolves.toBe('0:20:20');
          await shot(page, 'webwork-track-for-light');
        }

        s.clock.time = at('15:41:20');
        await page.getByRole('button', { name: 'Team', exact: true }).click();
        await page.getByRole('list', { name: 'Members tracking now' }).waitFor();
        s.clock.time = SHOWN_AT;
        await page.getByTestId('team-summary').waitFor();
        await page
          .getByRole('button', { name: 'Refresh', exact: true })
          .evaluate((el) => el.scrollIntoView({ block: 'end' }));
        await shot(page, `webwork-team-${scheme}`);
      } finally {
        await s.close();
      }
    }
  });
});
