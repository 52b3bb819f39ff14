/**
 * The popup with a WebWork account, in real Chromium, against the REAL core and the REAL WebWork
 * provider talking HTTP to the fake WebWork server on 127.0.0.1. The user connects in Preferences
 * (picking one of several workspaces), starts on a project and task, meets a 422 at the field and
 * "already tracking", stops; an owner tracks for a member and glances at the team; a Regular User
 * sees neither control. Assertions are about what the user sees and what the fake WebWork logged.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { AccountState, Snapshot } from '../../preload/contract';
import { startFakeWebWork } from '../fakes/webwork-server';
import type {
  FakeContract,
  FakeProject,
  FakeTask,
  FakeUser,
  FakeWebWork,
  FakeWorkspace,
  WwRole,
} from '../fakes/webwork-server';
import type { Popup } from './popup-harness';
import { providerPopupSuite, ShiftedClock } from './provider-popup-suite';

const suite = providerPopupSuite<FakeWebWork>();

const TOKEN = 'ww-pat-3b9f0c2d7e61a8554f10';

interface World {
  p: Popup;
  page: Page;
  fake: FakeWebWork;
  acme: FakeWorkspace;
  beta: FakeWorkspace;
  ada: FakeUser;
  bob: FakeUser;
  site: FakeProject;
  design: FakeTask;
  adaContract: FakeContract;
  bobContract: FakeContract;
}

/** Ada (role `role` in Acme, Regular User in Beta) and Bob (Regular User in Acme). */
async function world(role: WwRole = 'Owner'): Promise<World> {
  const clock = new ShiftedClock();
  const fake = suite.track(await startFakeWebWork({ now: clock.now }));
  const acme = fake.addWorkspace({ name: 'Acme' });
  const beta = fake.addWorkspace({ name: 'Beta' });
  const ada = fake.addUser({
    email: 'ada@example.com',
    token: TOKEN,
    firstname: 'Ada',
    lastname: 'Lovelace',
  });
  const bob = fake.addUser({ email: 'bob@example.com', firstname: 'Bob', lastname: 'Builder' });
  fake.addMember(acme.id, ada.id, role);
  fake.addMember(beta.id, ada.id, 'Regular User');
  fake.addMember(acme.id, bob.id, 'Regular User');
  const site = fake.addProject({ workspaceId: acme.id, name: 'Website' });
  const design = fake.addTask({ projectId: site.id, title: 'Design' });
  fake.addTask({ projectId: site.id, title: 'Copy' });
  const adaContract = fake.addContract({ userId: ada.id, projectId: site.id });
  const bobContract = fake.addContract({ userId: bob.id, projectId: site.id });
  const p = await suite.open({ clock });
  return { p, page: p.page, fake, acme, beta, ada, bob, site, design, adaContract, bobContract };
}

const webwork = (s: Snapshot): AccountState | undefined =>
  s.accounts.find((a) => a.provider === 'webwork');

/** What the elements named in aria-describedby say. */
async function describedText(page: Page, field: Locator) {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** Connects with exactly the command the form sends (the form has its own test). */
async function connectByCommand(w: World) {
  const result = await w.p.core.execute({
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: TOKEN,
      label: 'Studio',
      baseUrl: w.fake.baseUrl,
      options: { email: 'ada@example.com', workspace: String(w.acme.id) },
    },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  await w.page.getByLabel('Account').waitFor();
  await w.page.getByLabel('Account').selectOption({ label: 'Studio' });
  await expect
    .poll(() => webwork(w.p.core.snapshot())?.projects.map((p) => p.name))
    .toEqual(['Website']);
}

/** Description, project Website from the list, and (optionally) a task from the picker. */
async function fillStart(page: Page, description: string, task?: string) {
  await page.getByLabel(/What are you working on\?/).fill(description);
  const project = page.getByRole('combobox', { name: 'Project' });
  await project.fill('web');
  await page.getByRole('option', { name: /Website/ }).click();
  await expect(project.inputValue()).resolves.toBe('Website');
  if (task) await page.getByLabel('Task').selectOption({ label: task });
}

const starts = (fake: FakeWebWork) =>
  fake.requestsBy({ method: 'POST', path: '/time-tracking/start' });
const stops = (fake: FakeWebWork) =>
  fake.requestsBy({ method: 'POST', path: '/time-tracking/stop' });

describe('popup with a WebWork account (real core, real provider, fake WebWork)', () => {
  it('connect: token (password field) + e-mail; two workspaces → the user clicks one → connected, role shown; the token never reaches the DOM', async () => {
    const { p, page, fake, acme, beta } = await world();
    await page.getByRole('button', { name: 'Preferences', exact: true }).click();
    await page.getByLabel('Service').selectOption('webwork');
    const secret = page.getByLabel('Personal Access Token');
    await expect(secret.getAttribute('type')).resolves.toBe('password');
    await expect(describedText(page, secret)).resolves.toContain(
      'Settings › REST API › Create Token; tokens expire after 6 months',
    );
    await page.getByText('Advanced', { exact: true }).click();
    await page.getByLabel('API base URL').fill(fake.baseUrl);
    await secret.fill(TOKEN);

    // Without the e-mail: refused at the e-mail field, before anything is asked of WebWork.
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const email = page.getByLabel('E-mail of your WebWork login');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    await expect(describedText(page, email)).resolves.toMatch(/e-mail address of your WebWork/);
    expect(fake.requests).toEqual([]);

    await email.fill('ada@example.com');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const workspace = page.getByLabel('Workspace (optional)');
    await expect.poll(() => workspace.getAttribute('aria-invalid')).toBe('true');
    await expect(describedText(page, workspace)).resolves.toBe(
      `Choose a workspace: Acme (id ${acme.id}), Beta (id ${beta.id})`,
    );
    const choices = page.getByRole('group', { name: 'Workspaces to choose from' });
    await expect(choices.getByRole('button').allTextContents()).resolves.toEqual(['Acme', 'Beta']);
    expect(p.core.settings().accounts).toEqual([]);

    // One click on a choice connects to it (the token is still in its field).
    await choices.getByRole('button', { name: `Connect to Acme (id ${acme.id})` }).click();
    await page
      .locator('.success')
      .getByText(/Connected WebWork/)
      .waitFor();
    expect(p.core.settings().accounts).toEqual([
      expect.objectContaining({
        provider: 'webwork',
        baseUrl: fake.baseUrl,
        options: expect.objectContaining({
          workspaceId: acme.id,
          email: 'ada@example.com',
        }) as unknown as Record<string, unknown>,
      }),
    ]);
    const item = page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('listitem', { name: /ada@example\.com · Acme/ });
    await expect(item.locator('.account-meta').textContent()).resolves.toBe('WebWork · Owner');
    expect(await page.content()).not.toContain(TOKEN);
    // Every request carried the token as a Bearer header, none in a URL or body.
    expect(fake.requests.every((r) => !JSON.stringify(r).includes(TOKEN))).toBe(true);
  });

  it('start on project + task (the task picker appears only with a project), 422 at the description, conflict → "Stop it and start", stop', async () => {
    const w = await world();
    const { p, page, fake, acme, ada, design, adaContract } = w;
    await connectByCommand(w);
    // No project, no task picker: WebWork takes a task only with its contract.
    await expect(page.getByLabel('Task').count()).resolves.toBe(0);

    // A description over WebWork's 255 characters: its 422 message lands at the description.
    const long = 'x'.repeat(300);
    await fillStart(page, long, 'Design');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const description = page.getByLabel(/What are you working on\?/);
    await expect.poll(() => description.getAttribute('aria-invalid')).toBe('true');
    await expect(describedText(page, description)).resolves.toBe(
      'The activity description may not be greater than 255 characters.',
    );
    await expect(
      page.getByRole('combobox', { name: 'Project' }).getAttribute('aria-invalid'),
    ).resolves.toBeNull();
    expect(fake.tracker(ada.id, acme.id)).toBeNull();

    await description.fill('Homepage hero');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const card = page.locator('.card.running');
    await card.getByRole('heading', { name: 'Homepage hero' }).waitFor();
    expect(starts(fake).at(-1)?.body).toEqual({
      workspace_id: acme.id,
      user_id: ada.id,
      contract_id: adaContract.id,
      task_id: design.id,
      activity_description: 'Homepage hero',
    });
    await expect(card.textContent()).resolves.toContain('Website / Design');
    // Started here: the session's own time, no "today" label.
    await expect(card.getByTestId('clock').textContent()).resolves.toMatch(/^0:00:0\d$/);

    // Meanwhile Ada starts another tracker in the WebWork web app; the popup's start conflicts.
    fake.remoteStop(ada.id, acme.id);
    fake.remoteStart(ada.id, acme.id, { description: 'Inbox', source: 'browser' });
    await fillStart(page, 'Release notes');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const question = page.getByRole('group', { name: 'A timer is already running' });
    await question.waitFor();
    await expect(question.getByRole('alert').textContent()).resolves.toMatch(
      /already tracking on WebWork.*Inbox.*stop it and start this one\?/,
    );
    const stopsBefore = stops(fake).length;
    await question.getByRole('button', { name: 'Stop it and start' }).click();
    await question.waitFor({ state: 'detached' });
    await card.getByRole('heading', { name: 'Release notes' }).waitFor();
    expect(fake.tracker(ada.id, acme.id)?.description).toBe('Release notes');
    expect(stops(fake)).toHaveLength(stopsBefore + 1);
    expect(p.commands.filter((c) => c.type === 'start').at(-1)).toEqual({
      type: 'start',
      input: {
        accountId: 'webwork',
        description: 'Release notes',
        project: String(w.site.id),
        replaceRunning: true,
      },
    });

    await card.getByRole('button', { name: /^Stop Release notes/ }).click();
    await page.getByText('Not tracking').waitFor();
    expect(fake.tracker(ada.id, acme.id)).toBeNull();
  });

  it('a tracker started outside Tray Timer shows today’s total, marked "today", and keeps counting', async () => {
    const w = await world();
    const { p, page, fake, acme, ada, adaContract } = w;
    await connectByCommand(w);
    fake.setTimelineMinutes(ada.id, acme.id, 3 * 60 + 12);
    fake.remoteStart(ada.id, acme.id, {
      contractId: adaContract.id,
      description: 'Client call',
      source: 'browser',
    });
    const result = await p.core.execute({ type: 'refresh', input: { accountId: 'webwork' } });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const card = page.locator('.card.running');
    await card.getByRole('heading', { name: 'Client call' }).waitFor();
    const clock = card.getByRole('timer', { name: 'Today’s total' });
    const first = (await clock.textContent()) ?? '';
    expect(first).toMatch(/^3:12:\d\d today$/);
    await expect(card.textContent()).resolves.toContain(
      'Started outside Tray Timer — today’s total',
    );
    await expect.poll(() => clock.textContent(), { timeout: 3000 }).not.toBe(first);
  });

  it('Track for Bob: searched as typed, then start and stop act on Bob’s tracker (user_id = Bob at WebWork)', async () => {
    const w = await world();
    const { p, page, fake, acme, ada, bob, bobContract } = w;
    await connectByCommand(w);
    const trackFor = page.getByRole('combobox', { name: 'Track for' });
    await expect(trackFor.inputValue()).resolves.toBe('Me');
    await trackFor.fill('bob');
    await page.getByRole('option', { name: /Bob Builder/ }).click();
    await page.getByText('Bob Builder’s tracker is stopped (Studio).').waitFor();
    await expect(trackFor.inputValue()).resolves.toBe('Bob Builder');
    expect(webwork(p.core.snapshot())?.actingFor?.name).toBe('Bob Builder');
    // Typed as one word: one search, not one per key.
    expect(p.commands.filter((c) => c.type === 'members.search')).toEqual([
      { type: 'members.search', input: { accountId: 'webwork', query: 'bob' } },
    ]);

    await fillStart(page, 'Kitchen plans');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const card = page.locator('.card.running');
    await card.getByRole('heading', { name: 'Kitchen plans' }).waitFor();
    await expect(card.locator('.whose').textContent()).resolves.toBe('Bob Builder’s tracker');
    expect(starts(fake).at(-1)?.body).toEqual({
      workspace_id: acme.id,
      user_id: bob.id,
      contract_id: bobContract.id,
      activity_description: 'Kitchen plans',
    });
    expect(fake.tracker(bob.id, acme.id)?.description).toBe('Kitchen plans');
    expect(fake.tracker(ada.id, acme.id)).toBeNull();

    await card
      .getByRole('button', { name: 'Stop Kitchen plans for Bob Builder on Studio' })
      .click();
    await page.getByText('Bob Builder’s tracker is stopped (Studio).').waitFor();
    expect(stops(fake).at(-1)?.body).toEqual({ workspace_id: acme.id, user_id: bob.id });
    expect(fake.tracker(bob.id, acme.id)).toBeNull();

    // Back to "Me".
    await trackFor.click();
    await page.getByRole('option', { name: 'Me', exact: true }).click();
    await expect.poll(() => webwork(p.core.snapshot())?.actingFor).toBeNull();
    await expect.poll(() => trackFor.inputValue()).toBe('Me');
  });

  it('team glance: opened, it lists Bob tracking (description — project, today’s total) and who is not; Refresh asks again; closed, nothing more is asked', async () => {
    const w = await world();
    const { p, page, fake, acme, bob, bobContract } = w;
    await connectByCommand(w);
    fake.setTimelineMinutes(bob.id, acme.id, 95);
    fake.remoteStart(bob.id, acme.id, {
      contractId: bobContract.id,
      taskId: w.design.id,
      description: 'Kitchen plans',
      source: 'browser',
    });
    const toggle = page.getByRole('button', { name: 'Team', exact: true });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    expect(p.commands.filter((c) => c.type === 'team')).toEqual([]);
    await toggle.click();
    const row = page
      .getByRole('list', { name: 'Members tracking now' })
      .getByRole('listitem', { name: 'Bob Builder' });
    await row.waitFor();
    // The project comes from one workspace-wide contracts list (cached), the task from the
    // tracker's own title.
    await expect(row.locator('.team-what').textContent()).resolves.toBe(
      'Kitchen plans — Website / Design',
    );
    await expect(row.locator('.team-today').textContent()).resolves.toMatch(/^1:3[5-6] today$/);
    await expect
      .poll(() => page.getByTestId('team-summary').textContent())
      .toMatch(/^1 member not tracking · checked \d+ s ago$/);

    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect
      .poll(() => p.commands.filter((c) => c.type === 'team'))
      .toEqual([
        { type: 'team', input: { accountId: 'webwork' } },
        { type: 'team', input: { accountId: 'webwork', refresh: true } },
      ]);
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await new Promise((r) => setTimeout(r, 1200));
    expect(p.commands.filter((c) => c.type === 'team')).toHaveLength(2);
  });

  it('team glance while open: asked again every 60 s, never sooner; closed: not at all', async () => {
    const w = await world();
    const { p, page } = w;
    await connectByCommand(w);
    // The page's timers from here on run on a clock the test moves.
    await page.clock.install();
    const teamCalls = () => p.commands.filter((c) => c.type === 'team').length;
    const toggle = page.getByRole('button', { name: 'Team', exact: true });
    await toggle.click();
    await page.getByTestId('team-summary').waitFor();
    expect(teamCalls()).toBe(1);
    await page.clock.runFor(59_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(teamCalls()).toBe(1);
    await page.clock.runFor(1_000);
    await expect.poll(teamCalls).toBe(2);
    await page.clock.runFor(60_000);
    await expect.poll(teamCalls).toBe(3);
    expect(p.commands.filter((c) => c.type === 'team').map((c) => c.input)).toEqual([
      { accountId: 'webwork' },
      { accountId: 'webwork' },
      { accountId: 'webwork' },
    ]);
    await toggle.click();
    await page.clock.runFor(180_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(teamCalls()).toBe(3);
  });

  it('a 30-member team: the glance shows whom it could read and how many wait for the rate budget, with the next check time', async () => {
    const w = await world();
    const { page, fake, acme } = w;
    for (let i = 1; i <= 28; i++) {
      const u = fake.addUser({ email: `m${i}@example.com`, firstname: 'Member', lastname: `${i}` });
      fake.addMember(acme.id, u.id, 'Regular User');
    }
    await connectByCommand(w);
    await page.getByRole('button', { name: 'Team', exact: true }).click();
    const waiting = page.getByTestId('team-waiting');
    await waiting.waitFor();
    const text = (await waiting.textContent()) ?? '';
    const [, count = '0'] =
      /^(\d+) members waiting for the rate budget — next check at \d\d:\d\d$/.exec(text) ?? [];
    expect(text).toMatch(/^\d+ members waiting for the rate budget — next check at \d\d:\d\d$/);
    // Those read are counted as not tracking; together with the waiting ones: the whole team.
    const summary = (await page.getByTestId('team-summary').textContent()) ?? '';
    const [, idle = '0'] = /^(\d+) members? not tracking/.exec(summary) ?? [];
    expect(Number(idle) + Number(count)).toBe(30);
    expect(Number(count)).toBeGreaterThan(0);
  });

  it('an expired token: red banner in WebWork’s words; Reconnect takes a new token (e-mail and workspace kept) in place', async () => {
    const w = await world();
    const { p, page, fake, ada, acme } = w;
    await connectByCommand(w);
    fake.revokeToken(TOKEN);
    const fresh = 'ww-pat-renewed-77aa00bb11cc';
    ada.tokens.add(fresh);
    await p.core.execute({ type: 'refresh', input: { accountId: 'webwork' } });
    const banner = page.locator('.banner.auth');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(
      /token expired or revoked — paste a new one/,
    );
    await banner.getByRole('button', { name: 'Reconnect Studio' }).click();
    await page.getByRole('heading', { name: 'Reconnect Studio' }).waitFor();
    await expect(page.getByLabel('Service').inputValue()).resolves.toBe('webwork');
    const secret = page.getByLabel('Personal Access Token');
    await expect.poll(() => secret.evaluate((el) => el === document.activeElement)).toBe(true);
    // No e-mail typed: the account's own is kept (the hint says so).
    const email = page.getByLabel('E-mail of your WebWork login');
    await expect(describedText(page, email)).resolves.toBe(
      'Leave empty to keep the one Studio uses.',
    );
    await secret.fill(fresh);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page
      .locator('.success')
      .getByText(/Reconnected WebWork/)
      .waitFor();
    expect(p.core.settings().accounts).toEqual([
      expect.objectContaining({
        id: 'webwork',
        label: 'Studio',
        baseUrl: fake.baseUrl,
        options: expect.objectContaining({
          workspaceId: acme.id,
          email: 'ada@example.com',
        }) as unknown as Record<string, unknown>,
      }),
    ]);
    expect(await page.content()).not.toContain(fresh);
    await page.getByRole('button', { name: 'Back to the timer' }).click();
    await page.getByLabel('Account').selectOption({ label: 'Studio' });
    await page.getByRole('combobox', { name: 'Track for' }).waitFor();
    await expect(page.locator('.banner').count()).resolves.toBe(0);
  });

  it('a Regular User sees neither "Track for" nor the team glance', async () => {
    const w = await world('Regular User');
    const { p, page } = w;
    await connectByCommand(w);
    expect(webwork(p.core.snapshot())?.capabilities.members).toBe(false);
    await page.getByRole('combobox', { name: 'Project' }).waitFor();
    await expect(page.getByRole('combobox', { name: 'Track for' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Team', exact: true }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Preferences', exact: true }).click();
    const item = page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('listitem', { name: 'Studio' });
    await expect(item.locator('.account-meta').textContent()).resolves.toBe(
      'WebWork · Regular User',
    );
  });
});
