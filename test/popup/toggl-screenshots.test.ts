/**
 * README screenshots with a Toggl Track account (360×520 at 2×): Preferences → Accounts right
 * after connecting, the timer with Local and Toggl both running, and Toggl's quota banner in
 * dark. Real core, real Toggl provider, the fake Toggl server; the core's, the fake's and the
 * page's clocks are pinned so the pictures only change when the popup does.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeToggl } from '../fakes/toggl-server';
import type { FakeToggl } from '../fakes/toggl-server';
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

const TOKEN = '0c0ffee0c0ffee0c0ffee0c0ffee0c0f';

const popups = useScreenshotPopups();

interface Scene {
  p: Popup;
  page: Page;
  fake: FakeToggl;
  clock: PinnedClock;
  close(): Promise<void>;
}

/** A workday: Toggl history at the fake, Local history in the core, then connect in the UI. */
async function scene(colorScheme: 'light' | 'dark', onConnected?: (s: Scene) => Promise<void>) {
  const clock = new PinnedClock(at('08:55:00'));
  const fake = await startFakeToggl({ now: () => clock.time, projectClientName: true });
  const user = fake.addUser({
    token: TOKEN,
    email: 'ada@example.com',
    fullname: 'Ada Lovelace',
    workspaceName: 'Acme',
  });
  const ws = user.workspaceId;
  const website = fake.addProject({
    workspaceId: ws,
    name: 'Website',
    clientName: 'Acme Corp',
    color: '#e36a00',
  });
  const mobile = fake.addProject({
    workspaceId: ws,
    name: 'Mobile app',
    clientName: 'Globex',
    color: '#9e5bd9',
  });
  const internal = fake.addProject({ workspaceId: ws, name: 'Internal', color: '#0b83d9' });
  fake.addTask({ projectId: website.id, name: 'Copywriting' });
  fake.addTask({ projectId: website.id, name: 'Design' });
  fake.addEntry(user.id, {
    description: 'Sprint planning',
    projectId: internal.id,
    start: at('09:00:00'),
    stop: at('09:40:00'),
  });
  fake.addEntry(user.id, {
    description: 'Fix the login crash',
    projectId: mobile.id,
    start: at('09:45:00'),
    stop: at('11:32:10'),
  });

  const p = await popups.open(colorScheme, clock, { secrets: new PictureKeychain() });
  const s: Scene = {
    p,
    page: p.page,
    fake,
    clock,
    close: async () => {
      await p.close();
      await fake.close();
    },
  };
  const run = commandsAt(p, clock);
  await run('11:40:00', {
    type: 'start',
    input: { description: 'Write release notes', project: 'Tray Timer' },
  });
  await run('12:25:30', { type: 'stop', input: {} });

  // Connect like a user: Preferences, token, label, Advanced → base URL.
  clock.time = at('14:20:00');
  const { page } = p;
  await page.getByRole('button', { name: 'Preferences', exact: true }).click();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByLabel('Label (optional)').fill('Acme (work)');
  await page.getByText('Advanced', { exact: true }).click();
  await page.getByLabel('API base URL').fill(fake.baseUrl);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('.success').waitFor();
  await onConnected?.(s);
  await page.getByRole('button', { name: 'Back to the timer' }).click();

  await run('14:29:37', {
    type: 'start',
    input: {
      accountId: 'toggl',
      description: 'Landing page copy',
      project: 'Website',
      task: 'Copywriting',
    },
  });
  // Local from the form, as a user would; the status line then says what happened.
  clock.time = at('15:20:00');
  await page.getByLabel('What are you working on?').fill('Review pull request #42');
  await page.getByLabel('Project').fill('Tray Timer');
  await page.getByLabel('What are you working on?').press('Enter');
  await page.getByRole('heading', { name: 'Review pull request #42' }).waitFor();
  // A look at Toggl a little later (this request is in the quota's window at SHOWN_AT).
  await run('15:30:00', { type: 'refresh', input: { accountId: 'toggl' } });
  clock.time = SHOWN_AT;
  return s;
}

describe('README screenshots with Toggl', () => {
  it('preferences with a Toggl account, and the timer with two accounts running (light)', async () => {
    const s = await scene('light', async ({ page }) => {
      await page
        .getByRole('region', { name: 'Accounts' })
        .getByRole('listitem', { name: 'Acme (work)' })
        .waitFor();
      await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
      await shot(page, 'preferences-accounts-light');
    });
    try {
      const { page } = s;
      await page.getByRole('heading', { name: 'Review pull request #42' }).waitFor();
      await page.getByRole('heading', { name: 'Landing page copy' }).waitFor();
      const clocks = await page.getByTestId('clock').allTextContents();
      expect(clocks).toEqual(['0:22:00', '1:12:23']);
      await shot(page, 'timer-two-accounts-light');
    } finally {
      await s.close();
    }
  });

  it('the quota banner above the last known Toggl entry (dark)', async () => {
    const s = await scene('dark');
    try {
      const { page, p, fake } = s;
      await page.getByRole('heading', { name: 'Landing page copy' }).waitFor();
      // The one request in the last hour was the limit: the next refresh gets a 402.
      fake.configure({ quota: { user: 1 } });
      await p.core.execute({ type: 'refresh', input: { accountId: 'toggl' } });
      await page.locator('.banner.quota').waitFor();
      // The last known state stays on screen under the banner.
      await expect(
        page.getByRole('heading', { name: 'Landing page copy' }).isVisible(),
      ).resolves.toBe(true);
      await shot(page, 'timer-quota-dark');
    } finally {
      await s.close();
    }
  });
});
