/**
 * The popup with a Toggl Track account, in real Chromium, against the REAL core and the REAL
 * Toggl provider talking HTTP to the fake Toggl server on 127.0.0.1. The user connects in
 * Preferences like anyone would (with the Advanced base URL pointing at the fake); assertions
 * are about what the user sees and what reached "Toggl".
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AccountState, Snapshot } from '../../preload/contract';
import { startFakeToggl } from '../fakes/toggl-server';
import type { FakeToggl, FakeUser } from '../fakes/toggl-server';
import type { Popup, PopupOptions } from './popup-harness';
import { providerPopupSuite, ShiftedClock } from './provider-popup-suite';

const suite = providerPopupSuite<FakeToggl>();

const TOKEN = 'f3a1c0ffee5eed0000000000000000aa';

interface World {
  p: Popup;
  page: Page;
  fake: FakeToggl;
  user: FakeUser;
  clock: ShiftedClock;
}

async function world(options: PopupOptions = {}): Promise<World> {
  const clock = new ShiftedClock();
  const fake = await startFakeToggl({ now: clock.now, projectClientName: true });
  suite.track(fake);
  const user = fake.addUser({
    token: TOKEN,
    email: 'ada@example.com',
    fullname: 'Ada Lovelace',
    workspaceName: 'Acme',
  });
  const p = await suite.open({ clock, ...options });
  return { p, page: p.page, fake, user, clock };
}

const toggl = (s: Snapshot): AccountState | undefined => s.accounts.find((a) => a.id === 'toggl');

async function openPreferences(page: Page) {
  await page.getByRole('button', { name: 'Preferences', exact: true }).click();
  await page.getByRole('heading', { name: 'Connect an account' }).waitFor();
}

async function fillConnectForm(page: Page, fake: FakeToggl, token: string, label = '') {
  await page.getByLabel('API token').fill(token);
  if (label) await page.getByLabel('Label (optional)').fill(label);
  const baseUrl = page.getByLabel('API base URL');
  if (!(await baseUrl.isVisible())) await page.getByText('Advanced', { exact: true }).click();
  await baseUrl.fill(fake.baseUrl);
}

/**
 * Connects through the core with exactly the command the Preferences form sends (the form itself
 * is exercised by the tests above): keeps the suite quick where connecting is not the subject.
 */
async function connectByCommand(w: World, label = 'Work') {
  const result = await w.p.core.execute({
    type: 'accounts.add',
    input: { provider: 'toggl', secret: TOKEN, label, baseUrl: w.fake.baseUrl, options: {} },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  await w.page.getByLabel('Account').waitFor();
}

/** Connects in Preferences and goes back to the timer. */
async function connect(w: World, label = 'Work') {
  await openPreferences(w.page);
  await fillConnectForm(w.page, w.fake, TOKEN, label);
  await w.page.getByRole('button', { name: 'Connect', exact: true }).click();
  await w.page.getByText(`Connected Toggl Track: ${label} (id toggl)`).first().waitFor();
  await w.page.getByRole('button', { name: 'Back to the timer' }).click();
  await w.page.getByLabel('Account').waitFor();
}

describe('popup with a Toggl Track account (real core, real provider, fake Toggl)', () => {
  it('connect: a wrong token is refused next to the field and nothing is saved; the right one is listed; the token never reaches the DOM', async () => {
    const { p, page, fake } = await world();
    await openPreferences(page);
    // Advanced is collapsed by default: a proxy URL is not something most people need.
    await expect(page.getByLabel('API base URL').isVisible()).resolves.toBe(false);
    const tokenField = page.getByLabel('API token');
    await expect(tokenField.getAttribute('type')).resolves.toBe('password');
    await expect(tokenField.getAttribute('autocomplete')).resolves.toBe('off');

    const wrong = 'wrong-token-0123456789abcdef';
    await fillConnectForm(page, fake, wrong);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => tokenField.getAttribute('aria-invalid')).toBe('true');
    const described = ((await tokenField.getAttribute('aria-describedby')) ?? '').split(' ');
    const texts = await Promise.all(
      described.map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    expect(texts.join(' ')).toContain('Toggl rejected this API token');
    expect(p.core.settings().accounts).toEqual([]);
    expect(toggl(p.core.snapshot())).toBeUndefined();
    // The token was checked with GET /me (refused) and nothing else was asked of Toggl.
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      expect.stringMatching(/^GET \/me 40[13]$/),
    ]);
    expect(await page.content()).not.toContain(wrong);

    await tokenField.fill(TOKEN);
    await page.getByLabel('Label (optional)').fill('Work');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Connected Toggl Track: Work (id toggl)' })
      .first()
      .waitFor();
    // The token field is gone with the form; the token is nowhere in the page.
    await expect(tokenField.count()).resolves.toBe(0);
    expect(await page.content()).not.toContain(TOKEN);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(TOKEN);

    const accounts = page.getByRole('region', { name: 'Accounts' });
    const item = accounts.getByRole('listitem', { name: 'Work' });
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('Toggl Track');
    expect(p.core.settings().accounts).toEqual([
      expect.objectContaining({
        id: 'toggl',
        provider: 'toggl',
        label: 'Work',
        baseUrl: fake.baseUrl,
      }),
    ]);

    // Make default, then remove with a confirm step (Cancel first: nothing happens).
    await item.getByRole('button', { name: 'Make Work the default' }).click();
    await expect.poll(() => p.core.settings().defaultAccountId).toBe('toggl');
    await item.getByText('Default', { exact: true }).waitFor();
    await item.getByRole('button', { name: 'Remove Work' }).click();
    await item.getByRole('button', { name: 'Cancel' }).click();
    expect(p.core.settings().accounts).toHaveLength(1);
    await item.getByRole('button', { name: 'Remove Work' }).click();
    await item.getByRole('button', { name: 'Remove account' }).click();
    await expect.poll(() => p.core.settings().accounts).toEqual([]);
    await accounts.getByRole('listitem', { name: 'Work' }).waitFor({ state: 'detached' });
    expect(p.core.settings().defaultAccountId).toBe('local');
  });

  it('a base URL that is not https (and not loopback) is refused next to its field', async () => {
    const { p, page } = await world();
    await openPreferences(page);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByText('Advanced', { exact: true }).click();
    const field = page.getByLabel('API base URL');
    await field.fill('http://toggl.example.com/api/v9');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
    const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(texts.join(' ')).toMatch(/must use https/);
    expect(p.core.settings().accounts).toEqual([]);
  });

  it('picks a project and a task, starts on Toggl, ticks, stops, and continues from Recent', async () => {
    const w = await world();
    const { p, page, fake, user } = w;
    const website = fake.addProject({
      workspaceId: user.workspaceId,
      name: 'Website',
      clientName: 'Acme Corp',
      color: '#e36a00',
    });
    fake.addProject({ workspaceId: user.workspaceId, name: 'Internal', color: '#0b83d9' });
    const copy = fake.addTask({ projectId: website.id, name: 'Copywriting' });
    fake.addTask({ projectId: website.id, name: 'Design' });
    await connect(w);

    // Several accounts: an account picker, the default (Local) preselected.
    const account = page.getByLabel('Account');
    await expect(account.inputValue()).resolves.toBe('local');
    await account.selectOption('toggl');
    await page.getByLabel('What are you working on?').fill('Landing page copy');

    // The project field filters as you type and shows client and colour.
    const projectField = page.getByRole('combobox', { name: 'Project' });
    await projectField.fill('web');
    const option = page.getByRole('option', { name: /Website/ });
    await option.waitFor();
    await expect(option.textContent()).resolves.toBe('WebsiteAcme Corp');
    await expect(page.getByRole('option', { name: /Internal/ }).count()).resolves.toBe(0);
    const dot = await option.locator('.dot').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(dot).toBe('rgb(227, 106, 0)');
    // Esc closes the list, not the popup.
    await projectField.press('Escape');
    await expect(option.isVisible()).resolves.toBe(false);
    expect(p.hideCalls()).toBe(0);
    await projectField.press('ArrowDown');
    await expect(projectField.getAttribute('aria-activedescendant')).resolves.toBeTruthy();
    await projectField.press('Enter');
    await expect(projectField.inputValue()).resolves.toBe('Website');

    // Tasks appear for a project that has them.
    const taskField = page.getByLabel('Task');
    await taskField.selectOption({ label: 'Copywriting' });
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    await page.getByRole('heading', { name: 'Landing page copy' }).waitFor();
    const running = fake.runningEntry(user.id);
    expect(running).toMatchObject({
      description: 'Landing page copy',
      projectId: website.id,
      taskId: copy.id,
      createdWith: 'Tray Timer',
      workspaceId: user.workspaceId,
    });
    expect(p.commands.filter((c) => c.type === 'start').at(-1)).toEqual({
      type: 'start',
      input: {
        accountId: 'toggl',
        description: 'Landing page copy',
        project: String(website.id),
        task: String(copy.id),
      },
    });
    const card = page.getByRole('region', { name: 'Landing page copy' });
    await expect(card.textContent()).resolves.toContain('Website / Copywriting');
    await expect(card.textContent()).resolves.toContain('Work · Toggl Track');
    const clock = card.getByTestId('clock');
    const first = await clock.textContent();
    expect(first).toMatch(/^0:00:0\d$/);
    await expect.poll(() => clock.textContent(), { timeout: 3000 }).not.toBe(first);

    // Stop: the entry is stopped at Toggl.
    await page.getByRole('button', { name: 'Stop Landing page copy on Work' }).click();
    await page.getByText('Not tracking').waitFor();
    expect(fake.runningEntry(user.id)).toBeNull();
    expect(fake.entry(running?.id ?? -1)?.stop).not.toBeNull();

    // Continue from Recent: a new entry at Toggl, same description, project and task.
    const cont = page.getByRole('button', {
      name: 'Continue Landing page copy (Website / Copywriting)',
    });
    await cont.click();
    await page.getByRole('heading', { name: 'Landing page copy' }).waitFor();
    const again = fake.runningEntry(user.id);
    expect(again).toMatchObject({
      description: 'Landing page copy',
      projectId: website.id,
      taskId: copy.id,
      createdWith: 'Tray Timer',
    });
    expect(again?.id).not.toBe(running?.id);
    expect(p.commands.filter((c) => c.type === 'continue').at(-1)).toEqual({
      type: 'continue',
      input: { accountId: 'toggl', entryId: String(running?.id) },
    });
  });

  it('tags and Billable: shown for Toggl only, reachable by keyboard, sent with the start', async () => {
    const w = await world();
    const { p, page, fake, user } = w;
    await connectByCommand(w);

    // Local (the default) has neither; Toggl has both.
    const account = page.getByLabel('Account');
    await expect(account.inputValue()).resolves.toBe('local');
    await expect(page.getByLabel('Tags').count()).resolves.toBe(0);
    await expect(page.getByLabel('Billable').count()).resolves.toBe(0);
    await account.selectOption('toggl');
    await page.getByLabel('What are you working on?').fill('Tagged review');

    // Keyboard only: Tab from the project field reaches Tags, then Billable (Space ticks it).
    await page.getByRole('combobox', { name: 'Project' }).focus();
    await page.keyboard.press('Tab');
    const tags = page.getByLabel('Tags');
    await expect(tags.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type('client, deep work,  ');
    await page.keyboard.press('Tab');
    const billable = page.getByLabel('Billable');
    await expect(billable.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Space');
    await expect(billable.isChecked()).resolves.toBe(true);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Tagged review' }).waitFor();
    expect(fake.runningEntry(user.id)).toMatchObject({
      description: 'Tagged review',
      tags: ['client', 'deep work'],
      billable: true,
    });
    expect(p.commands.filter((c) => c.type === 'start').at(-1)).toEqual({
      type: 'start',
      input: {
        accountId: 'toggl',
        description: 'Tagged review',
        tags: ['client', 'deep work'],
        billable: true,
      },
    });
    const card = page.getByRole('region', { name: 'Tagged review' });
    await expect(card.textContent()).resolves.toContain('client · deep work');
    // The form is ready for the next entry.
    await expect(tags.inputValue()).resolves.toBe('');
    await expect(billable.isChecked()).resolves.toBe(false);
  });

  it('an entry started on another device shows when the popup opens with stale data', async () => {
    const w = await world();
    const { page, fake, user, clock } = w;
    await connectByCommand(w);
    await page.getByText('Not tracking').waitFor();
    fake.remoteStart(user.id, { description: 'Call with a client' });
    // Half a minute later the data is stale; opening the popup refreshes it.
    clock.shift = 31_000;
    await w.p.show('timer');
    const card = page.getByRole('region', { name: 'Call with a client' });
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('Work · Toggl Track');
    // One request for it: the running entry.
    expect(
      fake.requestsBy({ path: '/me/time_entries/current', from: clock.now() - 1000 }).length,
    ).toBe(1);
  });

  it('shows the quota banner when Toggl’s hourly limit is reached', async () => {
    const w = await world({ colorScheme: 'dark' });
    const { p, page, fake, user } = w;
    fake.addProject({ workspaceId: user.workspaceId, name: 'Website', clientName: 'Acme Corp' });
    await connectByCommand(w);
    // Every request from now on is over the limit.
    fake.configure({ quota: { user: 1 } });
    const result = await p.core.execute({ type: 'refresh', input: { accountId: 'toggl' } });
    expect(result.ok).toBe(true);
    const banner = page.locator('.banner.quota');
    await banner.waitFor();
    const error = toggl(p.core.snapshot())?.error;
    expect(error?.kind).toBe('quota');
    expect(error?.message).toMatch(/^Toggl hourly limit reached — resets in \d+ (min|h)/);
    await expect(banner.textContent()).resolves.toBe(`Work ${error?.message}`);
    await expect(banner.getAttribute('role')).resolves.toBe('alert');
    expect(fake.counts.quota402).toBeGreaterThanOrEqual(1);
    // Orange, not the red of a sign-in problem.
    const edge = await banner.evaluate((el) => getComputedStyle(el).boxShadow);
    expect(edge).toContain('rgb(251, 146, 60)');
  });

  it('an unreachable Toggl shows a grey banner with the age of what is on screen', async () => {
    const w = await world();
    const { p, page, fake, user } = w;
    await connectByCommand(w);
    fake.remoteStart(user.id, { description: 'Known before the outage' });
    await p.core.execute({ type: 'refresh', input: { accountId: 'toggl' } });
    await page.getByRole('heading', { name: 'Known before the outage' }).waitFor();
    fake.fault('html502');
    w.clock.shift = 3 * 60_000;
    await p.core.execute({ type: 'refresh', input: { accountId: 'toggl' } });
    const banner = page.locator('.banner.offline');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(/Last synced 3 min ago\.$/);
    // The last known state is kept under the banner.
    await expect(
      page.getByRole('heading', { name: 'Known before the outage' }).isVisible(),
    ).resolves.toBe(true);
  });

  it('a rejected token shows a red banner; Reconnect takes a new token and replaces the account', async () => {
    const w = await world();
    const { p, page, fake, user } = w;
    await connectByCommand(w);
    await p.core.execute({ type: 'settings.update', input: { defaultAccountId: 'toggl' } });
    // The token is revoked on the Toggl side (a new one was generated there).
    user.token = 'a-brand-new-token-0000000000000000';
    await p.core.execute({ type: 'refresh', input: { accountId: 'toggl' } });
    const banner = page.locator('.banner.auth');
    await banner.waitFor();
    await banner.getByRole('button', { name: 'Reconnect Work' }).click();
    await page.getByRole('heading', { name: 'Reconnect Work' }).waitFor();
    await expect(page.getByLabel('Service').inputValue()).resolves.toBe('toggl');
    await expect
      .poll(() => page.getByLabel('API token').evaluate((el) => el === document.activeElement))
      .toBe(true);
    // The failing account is marked in the list, with the same words as the banner.
    const item = page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('listitem', { name: 'Work' });
    await expect(item.textContent()).resolves.toContain(toggl(p.core.snapshot())?.error?.message);
    // What the account had is kept: its label and its API address.
    await expect(page.getByLabel('Label (optional)').inputValue()).resolves.toBe('Work');
    await expect(page.getByLabel('API base URL').inputValue()).resolves.toBe(fake.baseUrl);

    await page.getByLabel('API token').fill(user.token);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page
      .locator('.success')
      .getByText(/Reconnected Toggl Track: Work \(id toggl\)/)
      .waitFor();
    const settings = p.core.settings();
    // The same account, in place: its id (what `--account` scripts use) and default role kept.
    expect(settings.accounts).toEqual([
      expect.objectContaining({
        id: 'toggl',
        provider: 'toggl',
        label: 'Work',
        baseUrl: fake.baseUrl,
      }),
    ]);
    expect(settings.defaultAccountId).toBe('toggl');
    await page.getByRole('button', { name: 'Back to the timer' }).click();
    await page.getByText('Not tracking').waitFor();
    await expect(page.locator('.banner').count()).resolves.toBe(0);
  });
});
