/**
 * README screenshots of the action journal (360×520 at 2×): a Toggl start and stop made while
 * Toggl was unreachable, shown as pending; a start that met a timer started on the web meanwhile
 * (both sides, Apply mine / Keep theirs); WebWork asking before it queues a start. Real core,
 * real providers, fake servers; clocks pinned so the pictures only change when the popup does.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeToggl } from '../fakes/toggl-server';
import type { FakeToggl, FakeUser } from '../fakes/toggl-server';
import { startFakeWebWork } from '../fakes/webwork-server';
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
const WW_TOKEN = 'ww-pat-0c0ffee0c0ffee0c0ffee0c0';

const popups = useScreenshotPopups();

interface Scene {
  p: Popup;
  page: Page;
  fake: FakeToggl;
  user: FakeUser;
  clock: PinnedClock;
  run: ReturnType<typeof commandsAt>;
  close(): Promise<void>;
}

/** A workday at Toggl (history, a running entry), connected and made the default. */
async function togglScene(colorScheme: 'light' | 'dark'): Promise<Scene> {
  const clock = new PinnedClock(at('08:55:00'));
  const fake = await startFakeToggl({ now: () => clock.time, projectClientName: true });
  const user = fake.addUser({ token: TOKEN, email: 'ada@example.com', workspaceName: 'Acme' });
  const ws = user.workspaceId;
  const website = fake.addProject({ workspaceId: ws, name: 'Website', color: '#e36a00' });
  fake.addTask({ projectId: website.id, name: 'Copywriting' });
  fake.addProject({ workspaceId: ws, name: 'Tray Timer', color: '#2da608' });
  const internal = fake.addProject({ workspaceId: ws, name: 'Internal', color: '#0b83d9' });
  fake.addEntry(user.id, {
    description: 'Sprint planning',
    projectId: internal.id,
    start: at('09:00:00'),
    stop: at('09:40:00'),
  });
  const p = await popups.open(colorScheme, clock, { secrets: new PictureKeychain() });
  const run = commandsAt(p, clock);
  await run('14:20:00', {
    type: 'accounts.add',
    input: {
      provider: 'toggl',
      secret: TOKEN,
      label: 'Acme (work)',
      baseUrl: fake.baseUrl,
      options: {},
    },
  });
  await run('14:20:05', { type: 'settings.update', input: { defaultAccountId: 'toggl' } });
  await run('14:29:37', {
    type: 'start',
    input: { description: 'Landing page copy', project: 'Website', task: 'Copywriting' },
  });
  return {
    p,
    page: p.page,
    fake,
    user,
    clock,
    run,
    close: async () => {
      await p.close();
      await fake.close();
    },
  };
}

describe('README screenshots of the offline action journal', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`Toggl unreachable: a stop and a start wait, shown as pending (${scheme})`, async () => {
      const s = await togglScene(scheme);
      try {
        const { page, p, fake, run } = s;
        // The train goes into a tunnel: every request to Toggl is cut off.
        fake.fault('reset', '**');
        await run('15:31:20', { type: 'stop', input: {} });
        await run('15:32:05', {
          type: 'start',
          input: { description: 'Write release notes', project: 'Tray Timer' },
        });
        s.clock.time = SHOWN_AT;
        await p.push(p.core.snapshot());
        const card = page.getByRole('region', { name: 'Write release notes' });
        await expect(card.getByTestId('pending-note').textContent()).resolves.toBe(
          'Started 15:32 — will sync when online',
        );
        // Both wait: the stop failed, the start queued behind it was not even tried.
        const rows = page.getByRole('region', { name: 'Not synced yet' }).getByRole('listitem');
        await expect(rows.allTextContents()).resolves.toEqual([
          expect.stringMatching(
            /^WaitingStop “Landing page copy — Website \/ Copywriting” at 15:31/,
          ),
          'WaitingStart “Write release notes — Tray Timer” at 15:32Will sync when online',
        ]);
        await page.locator('.recent .pending-mark').waitFor();
        await shot(page, `journal-pending-${scheme}`);
      } finally {
        await s.close();
      }
    });

    it(`a start that meets a timer started on the web meanwhile: both sides, Apply mine / Keep theirs (${scheme})`, async () => {
      const s = await togglScene(scheme);
      try {
        const { page, p, fake, user, run } = s;
        await run('15:10:00', { type: 'stop', input: {} });
        fake.fault('reset', '**');
        await run('15:12:40', {
          type: 'start',
          input: { description: 'Write release notes', project: 'Tray Timer' },
        });
        // Meanwhile, on the phone: a call.
        s.clock.time = at('15:20:00');
        fake.remoteStart(user.id, { description: 'Call with a client', start: at('15:20:00') });
        fake.clearFaults();
        await run('15:41:00', { type: 'refresh', input: { accountId: 'toggl' } });
        s.clock.time = SHOWN_AT;
        await p.push(p.core.snapshot());
        const list = page.getByRole('region', { name: 'Not synced yet' });
        await list.getByRole('button', { name: /^Keep theirs/ }).waitFor();
        await expect(list.locator('dl.sides').innerText()).resolves.toMatch(
          /“Call with a client” since 15:20/,
        );
        await shot(page, `journal-conflict-${scheme}`);
      } finally {
        await s.close();
      }
    });
  }

  it('WebWork unreachable: asked before a start is queued (light)', async () => {
    const clock = new PinnedClock(at('08:55:00'));
    const fake = await startFakeWebWork({ now: () => clock.time });
    const acme = fake.addWorkspace({ name: 'Acme' });
    const ada = fake.addUser({
      email: 'ada@example.com',
      token: WW_TOKEN,
      firstname: 'Ada',
      lastname: 'Lovelace',
    });
    fake.addMember(acme.id, ada.id, 'Regular User');
    const site = fake.addProject({ workspaceId: acme.id, name: 'Website' });
    fake.addTask({ projectId: site.id, title: 'Design' });
    fake.addContract({ userId: ada.id, projectId: site.id });
    const p = await popups.open('light', clock, { secrets: new PictureKeychain() });
    try {
      const run = commandsAt(p, clock);
      await run('09:00:00', {
        type: 'accounts.add',
        input: {
          provider: 'webwork',
          secret: WW_TOKEN,
          label: 'Studio',
          baseUrl: fake.baseUrl,
          options: { email: 'ada@example.com', workspace: String(acme.id) },
        },
      });
      await run('09:00:10', { type: 'settings.update', input: { defaultAccountId: 'webwork' } });
      fake.fault('reset', '**');
      clock.time = at('15:41:40');
      const { page } = p;
      await expect
        .poll(() => p.core.snapshot().accounts.find((a) => a.id === 'webwork')?.projects.length)
        .toBe(1);
      await page.getByLabel('What are you working on?').fill('Homepage hero');
      await page.getByRole('combobox', { name: 'Project' }).fill('Website');
      await page.getByLabel('Task').selectOption({ label: 'Design' });
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.getByRole('group', { name: 'Start “Homepage hero” was not queued' }).waitFor();
      clock.time = SHOWN_AT;
      await shot(page, 'journal-webwork-queue-light');
    } finally {
      await p.close();
      await fake.close();
    }
  });
});
