/**
 * The popup with a TrackingTime account, in real Chromium, against the REAL core and the REAL
 * TrackingTime provider talking HTTP to the fake TrackingTime server on 127.0.0.1. The user
 * connects in Preferences (choosing a workspace when the user has several), starts on a task
 * from the picker, stops, continues, and answers "a timer is already running". Assertions are
 * about what the user sees and what the fake TrackingTime ends up with.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AccountState, Snapshot } from '../../preload/contract';
import { startFakeTrackingTime } from '../fakes/trackingtime-server';
import type {
  FakeAccount,
  FakeProject,
  FakeTask,
  FakeTrackingTime,
  FakeUser,
} from '../fakes/trackingtime-server';
import type { Popup } from './popup-harness';
import { providerPopupSuite, ShiftedClock } from './provider-popup-suite';

const suite = providerPopupSuite<FakeTrackingTime>();

const APP_PASSWORD = 'tt-app-password-5f1e0c0ffee0000042';
const PASSWORD = 'correct horse battery staple 42';

interface World {
  p: Popup;
  page: Page;
  fake: FakeTrackingTime;
  user: FakeUser;
  acme: FakeAccount;
  beta: FakeAccount;
  website: FakeProject;
  design: FakeTask;
  copy: FakeTask;
  clock: ShiftedClock;
}

async function world(): Promise<World> {
  const clock = new ShiftedClock();
  const fake = await startFakeTrackingTime({ now: clock.now });
  suite.track(fake);
  const acme = fake.addAccount({ company: 'Acme' });
  const beta = fake.addAccount({ company: 'Beta' });
  const user = fake.addUser({
    email: 'ada@example.com',
    appPassword: APP_PASSWORD,
    password: PASSWORD,
    firstName: 'Ada',
    lastName: 'Lovelace',
    timezone: 'Europe/Madrid',
    accountId: acme.id,
    otherAccountIds: [beta.id],
  });
  const website = fake.addProject({ accountId: acme.id, name: 'Website', customer: 'Acme Corp' });
  fake.addProject({ accountId: acme.id, name: 'Internal' });
  const design = fake.addTask({ projectId: website.id, name: 'Design', userIds: [user.id] });
  const copy = fake.addTask({ projectId: website.id, name: 'Copywriting', userIds: [user.id] });
  // The other team's project must not show: the account is connected to Acme.
  fake.addProject({ accountId: beta.id, name: 'Beta garden' });
  const p = await suite.open({ clock });
  return { p, page: p.page, fake, user, acme, beta, website, design, copy, clock };
}

const tracking = (s: Snapshot): AccountState | undefined =>
  s.accounts.find((a) => a.provider === 'trackingtime');

async function openPreferences(page: Page) {
  await page.getByRole('button', { name: 'Preferences', exact: true }).click();
  await page.getByRole('heading', { name: 'Connect an account' }).waitFor();
}

/** What the fields named in aria-describedby say. */
async function describedText(page: Page, field: ReturnType<Page['getByLabel']>) {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** Connects through the core with exactly the command the form sends (the form has its own test). */
async function connectByCommand(w: World) {
  const result = await w.p.core.execute({
    type: 'accounts.add',
    input: {
      provider: 'trackingtime',
      secret: APP_PASSWORD,
      label: 'Studio',
      baseUrl: w.fake.baseUrl,
      options: { workspace: String(w.acme.id) },
    },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  await w.page.getByLabel('Account').waitFor();
  // The pickers arrive with the first refresh after connecting.
  await expect
    .poll(() =>
      tracking(w.p.core.snapshot())
        ?.projects.map((p) => p.name)
        .sort(),
    )
    .toEqual(['Internal', 'Website']);
}

/** Account TrackingTime, project Website (from the list), task `task` (from the picker). */
async function pickTask(page: Page, task: string) {
  await page.getByLabel('Account').selectOption({ label: 'Studio' });
  const projectField = page.getByRole('combobox', { name: 'Project' });
  await projectField.fill('web');
  await page.getByRole('option', { name: /Website/ }).click();
  await expect(projectField.inputValue()).resolves.toBe('Website');
  await page.getByLabel('Task').selectOption({ label: task });
}

describe('popup with a TrackingTime account (real core, real provider, fake TrackingTime)', () => {
  it('connect: the service asks for an e-mail (optional) and an app password; several teams → choose a workspace → connected; the password never reaches the DOM', async () => {
    const { p, page, fake, acme, beta } = await world();
    await openPreferences(page);
    await page.getByLabel('Service').selectOption('trackingtime');
    const email = page.getByLabel('E-mail (optional — leave empty to use an App Password)');
    await expect(email.inputValue()).resolves.toBe('');
    const secret = page.getByLabel('App password or account password');
    await expect(secret.getAttribute('type')).resolves.toBe('password');
    await expect(describedText(page, secret)).resolves.toContain('App Passwords');
    await secret.fill(APP_PASSWORD);
    await page.getByText('Advanced', { exact: true }).click();
    await page.getByLabel('API base URL').fill(fake.baseUrl);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();

    // Two teams and none chosen: the choices are listed at the Workspace field, which gets the cursor.
    const workspace = page.getByLabel('Workspace (optional)');
    await expect.poll(() => workspace.getAttribute('aria-invalid')).toBe('true');
    await expect(describedText(page, workspace)).resolves.toBe(
      `Choose a workspace: Acme (id ${acme.id}), Beta (id ${beta.id})`,
    );
    await expect.poll(() => workspace.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(p.core.settings().accounts).toEqual([]);
    // The app password was sent as API_TOKEN:<app password> (no e-mail given), once, to GET /me.
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.authKind}`)).toEqual([
      'GET /me api-token',
    ]);

    // The user types one of the choices and connects again: the password is still in its field.
    await workspace.fill(String(beta.id));
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page
      .locator('.success')
      .getByText(/Connected TrackingTime: .*ada@example\.com · Beta.* \(id trackingtime\)/)
      .waitFor();
    expect(await page.content()).not.toContain(APP_PASSWORD);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(APP_PASSWORD);
    expect(p.core.settings().accounts).toEqual([
      expect.objectContaining({
        id: 'trackingtime',
        provider: 'trackingtime',
        baseUrl: fake.baseUrl,
        options: expect.objectContaining({ accountId: beta.id }) as unknown as Record<
          string,
          unknown
        >,
      }),
    ]);
    const item = page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('listitem', { name: /ada@example\.com · Beta/ });
    await expect(item.textContent()).resolves.toContain('TrackingTime');
  });

  it('connect with an e-mail: the secret goes as e-mail:password', async () => {
    const { p, page, fake, acme } = await world();
    await openPreferences(page);
    await page.getByLabel('Service').selectOption('trackingtime');
    await page
      .getByLabel('E-mail (optional — leave empty to use an App Password)')
      .fill('ada@example.com');
    await page.getByLabel('App password or account password').fill(PASSWORD);
    await page.getByLabel('Workspace (optional)').fill('Acme');
    await page.getByText('Advanced', { exact: true }).click();
    await page.getByLabel('API base URL').fill(fake.baseUrl);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page
      .locator('.success')
      .getByText(/Connected TrackingTime: /)
      .waitFor();
    expect(fake.requestsBy({ path: '/me' }).map((r) => r.authKind)).toEqual(['email']);
    expect(p.core.settings().accounts[0]?.options).toMatchObject({ accountId: acme.id });
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it('starts on a task from the picker (the task tracks for the user on TrackingTime), stops, and continues from Recent', async () => {
    const w = await world();
    const { p, page, fake, user, design } = w;
    await connectByCommand(w);
    await pickTask(page, 'Design');
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    await expect.poll(() => fake.runningEvent(user.id)?.taskId).toBe(design.id);
    const started = fake.runningEvent(user.id);
    expect(p.commands.filter((c) => c.type === 'start').at(-1)).toEqual({
      type: 'start',
      input: { accountId: 'trackingtime', project: String(w.website.id), task: String(design.id) },
    });
    const card = page.locator('.card.running');
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('Website');
    await expect(card.textContent()).resolves.toContain('Studio · TrackingTime');
    const clock = card.getByTestId('clock');
    const first = await clock.textContent();
    expect(first).toMatch(/^0:00:0\d$/);
    await expect.poll(() => clock.textContent(), { timeout: 3000 }).not.toBe(first);

    // Stop: the event is closed at TrackingTime.
    await card.getByRole('button', { name: /^Stop / }).click();
    await page.getByText('Not tracking').waitFor();
    expect(fake.runningEvent(user.id)).toBeNull();
    expect(fake.event(started?.id ?? -1)?.end).not.toBeNull();

    // Continue from Recent: the same task tracks again, as a new event.
    await page.getByRole('button', { name: /^Continue .*Design/ }).click();
    await page.locator('.card.running').waitFor();
    const again = fake.runningEvent(user.id);
    expect(again?.taskId).toBe(design.id);
    expect(again?.id).not.toBe(started?.id);
  });

  it('a description that names no task of the project says "new task" and starts a new task of that name there', async () => {
    const w = await world();
    const { page, fake, user, website } = w;
    await connectByCommand(w);
    await page.getByLabel('Account').selectOption({ label: 'Studio' });
    const description = page.getByLabel(/What are you working on\?/);
    const projectField = page.getByRole('combobox', { name: 'Project' });
    await projectField.fill('web');
    await page.getByRole('option', { name: /Website/ }).click();
    // A task's own name is not new; another name is.
    await description.fill('design');
    await expect(page.locator('.start-form .badge').count()).resolves.toBe(0);
    await description.fill('Accessibility audit');
    await page.locator('.start-form .badge', { hasText: 'new task' }).waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('heading', { name: 'Accessibility audit' }).waitFor();
    const running = fake.runningEvent(user.id);
    const task = fake.task(running?.taskId ?? -1);
    expect(task).toMatchObject({ name: 'Accessibility audit', projectId: website.id });
  });

  it('a timer started on another device: Start shows the conflict; "Stop it and start" (keyboard) stops it and tracks the new task; Cancel leaves it alone', async () => {
    const w = await world();
    const { p, page, fake, user, design, copy } = w;
    await connectByCommand(w);
    await pickTask(page, 'Design');
    // Meanwhile, on the phone, the user starts Copywriting.
    const remote = fake.remoteTrack(user.id, copy.id);

    // Cancel first: nothing changes on TrackingTime, the question goes away.
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const question = page.getByRole('group', { name: 'A timer is already running' });
    await question.waitFor();
    await expect(question.getByRole('alert').textContent()).resolves.toMatch(/running/i);
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    expect(fake.runningEvent(user.id)?.id).toBe(remote.id);

    // Again, and this time answer with the keyboard: the focus is on "Stop it and start".
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await question.waitFor();
    const replace = question.getByRole('button', { name: 'Stop it and start' });
    await expect.poll(() => replace.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'detached' });
    await expect.poll(() => fake.runningEvent(user.id)?.taskId).toBe(design.id);
    expect(fake.event(remote.id)?.end).not.toBeNull();
    // The same start, resent with replaceRunning.
    const starts = p.commands.filter((c) => c.type === 'start');
    expect(starts.at(-1)).toEqual({
      type: 'start',
      input: {
        accountId: 'trackingtime',
        project: String(w.website.id),
        task: String(design.id),
        replaceRunning: true,
      },
    });
    expect(starts).toHaveLength(3);
    const card = page.locator('.card.running');
    await expect.poll(() => card.textContent()).toContain('Design');
  });
});
