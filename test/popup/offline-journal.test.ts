/**
 * The action journal as the user meets it in the popup, in real Chromium, against the REAL core
 * and the REAL providers talking HTTP to the fake Toggl and WebWork servers. The service goes
 * away (every request's socket is reset), the user starts a timer anyway, and the popup says
 * what waits and why; when the service is back and the popup is opened again, what waited is
 * sent exactly once with the time the user asked for. Set-aside actions (refused for good, a
 * conflict with something started elsewhere) show both sides and the two ways out; WebWork,
 * which cannot take a start time later, asks before anything is queued.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AccountState, Snapshot } from '../../preload/contract';
import { formatClockTime } from '../../preload/format';
import { startFakeToggl } from '../fakes/toggl-server';
import type { FakeProject, FakeToggl, FakeUser } from '../fakes/toggl-server';
import { startFakeWebWork } from '../fakes/webwork-server';
import type { FakeUser as WwUser, FakeWebWork, FakeWorkspace } from '../fakes/webwork-server';
import type { Popup } from './popup-harness';
import { providerPopupSuite, ShiftedClock } from './provider-popup-suite';

const suite = providerPopupSuite<FakeToggl | FakeWebWork>();

const TOKEN = 'f3a1c0ffee5eed0000000000000000aa';
const WW_TOKEN = 'ww-pat-3b9f0c2d7e61a8554f10';

interface TogglWorld {
  p: Popup;
  page: Page;
  fake: FakeToggl;
  user: FakeUser;
  website: FakeProject;
  clock: ShiftedClock;
}

async function togglWorld(): Promise<TogglWorld> {
  const clock = new ShiftedClock();
  const fake = await startFakeToggl({ now: clock.now });
  suite.track(fake);
  const user = fake.addUser({ token: TOKEN, email: 'ada@example.com', fullname: 'Ada Lovelace' });
  const website = fake.addProject({ workspaceId: user.workspaceId, name: 'Website' });
  const p = await suite.open({ clock });
  const result = await p.core.execute({
    type: 'accounts.add',
    input: { provider: 'toggl', secret: TOKEN, label: 'Work', baseUrl: fake.baseUrl, options: {} },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  await p.page.getByLabel('Account').selectOption({ label: 'Work' });
  return { p, page: p.page, fake, user, website, clock };
}

const account = (s: Snapshot, id: string): AccountState | undefined =>
  s.accounts.find((a) => a.id === id);

/** Every request is dropped at the socket: the service is unreachable. */
const goOffline = (fake: FakeToggl | FakeWebWork) => fake.fault('reset', '**');

/**
 * The service is back and the user opens the popup again: the popup counts as shown and the
 * account's data is older than its 30 s, so the core reads the service and sends what waited.
 */
async function backOnline(w: { fake: FakeToggl | FakeWebWork; clock: ShiftedClock; p: Popup }) {
  w.fake.clearFaults();
  w.clock.shift += 31_000;
  await w.p.show('timer');
}

/** Start from the form: description, optionally a project picked from the list. */
async function startInPopup(page: Page, description: string, project?: string) {
  await page.getByLabel(/What are you working on\?/).fill(description);
  if (project) {
    const field = page.getByRole('combobox', { name: 'Project' });
    await field.fill(project.slice(0, 3).toLowerCase());
    await page.getByRole('option', { name: new RegExp(project) }).click();
  }
  await page.getByRole('button', { name: 'Start', exact: true }).click();
}

const pendingList = (page: Page) => page.getByRole('region', { name: /^Not synced yet/ });

/** Successful POSTs that create a Toggl entry. */
const togglStarts = (fake: FakeToggl) =>
  fake.requests.filter(
    (r) => r.method === 'POST' && /^\/workspaces\/\d+\/time_entries$/.test(r.path),
  );

describe('popup: the offline action journal (real core, real providers, fake services)', () => {
  it('Toggl unreachable: Start shows the entry as pending ("will sync when online", tooltip too); back online, it is sent once with the asked start time and the mark goes', async () => {
    const w = await togglWorld();
    const { p, page, fake, user } = w;
    goOffline(fake);

    await startInPopup(page, 'Offline docs');
    const card = page.getByRole('region', { name: 'Offline docs' });
    const note = card.getByTestId('pending-note');
    await note.waitFor();
    const queued = account(p.core.snapshot(), 'toggl')?.pending ?? [];
    expect(queued).toEqual([
      expect.objectContaining({ kind: 'start', state: 'waiting', summary: expect.any(String) }),
    ]);
    const askedAt = Date.parse(queued[0]?.at ?? '');
    const hhmm = formatClockTime(queued[0]?.at ?? '');
    await expect(note.textContent()).resolves.toBe(`Started ${hhmm} — will sync when online`);
    // The core's answer, in the live region: started, at that time, and that it waits.
    await page
      .getByRole('status')
      .filter({
        hasText: `Started “Offline docs” at ${hhmm} on Toggl Track: Work — will sync when online.`,
      })
      .waitFor();
    // The clock runs from the asked time, like any running entry.
    await expect(card.getByTestId('clock').textContent()).resolves.toMatch(/^0:00:\d\d$/);
    expect(p.core.snapshot().tray.tooltip).toContain('Offline docs');
    expect(p.core.snapshot().tray.tooltip).toContain(' — will sync when online');
    // Listed under "Not synced yet", waiting, without Retry/Discard (nothing to decide).
    const row = pendingList(page).getByRole('listitem', {
      name: `Start “Offline docs” at ${hhmm}`,
    });
    await expect(row.textContent()).resolves.toContain('Will sync when online');
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    // Nothing reached Toggl: the one POST was cut off at the socket.
    expect(togglStarts(fake).map((r) => r.status)).toEqual([0]);
    expect(fake.entries(user.id)).toEqual([]);

    await backOnline(w);
    await note.waitFor({ state: 'detached' });
    await pendingList(page).waitFor({ state: 'detached' });
    await card.waitFor();
    expect(account(p.core.snapshot(), 'toggl')?.pending).toEqual([]);
    expect(p.core.snapshot().tray.tooltip).not.toContain('will sync');
    // Exactly one entry was created, with the start the user asked for (Toggl keeps seconds).
    expect(togglStarts(fake).map((r) => r.status)).toEqual([0, 200]);
    const entries = fake.entries(user.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ description: 'Offline docs', stop: null });
    expect(Math.abs((entries[0]?.start ?? 0) - askedAt)).toBeLessThan(1000);
    expect(w.clock.now() - askedAt).toBeGreaterThan(30_000); // really sent later, backdated
  });

  it('refused for good (the project went away meanwhile): set aside with the error, Retry and Discard; Discard removes it and nothing is created', async () => {
    const w = await togglWorld();
    const { p, page, fake, user, website } = w;
    // Toggl answers 400 "Invalid project_id" for a project not in the workspace any more.
    const other = fake.addWorkspace({ userId: user.id, name: 'Elsewhere' });
    goOffline(fake);
    await startInPopup(page, 'Homepage', 'Website');
    await page.getByRole('region', { name: 'Homepage' }).getByTestId('pending-note').waitFor();
    fake.remoteEditProject(website.id, { workspaceId: other.id });

    await backOnline(w);
    const row = pendingList(page).getByRole('listitem', { name: /^Start “Homepage — Website” at/ });
    await row.and(page.locator('[data-state="rejected"]')).waitFor();
    await expect(row.textContent()).resolves.toMatch(/Refused.*project/i);
    const retry = row.getByRole('button', { name: /^Retry: Start “Homepage — Website”/ });
    const discard = row.getByRole('button', { name: /^Discard: Start “Homepage — Website”/ });
    await retry.waitFor();
    // The set-aside action no longer shows as running.
    await page.getByText('Not tracking').waitFor();

    // Retry sends it again; Toggl still refuses, and says so next to the row.
    await retry.click();
    await row.getByRole('alert').waitFor();
    await expect(row.getByRole('alert').textContent()).resolves.toMatch(/project/i);

    // Keyboard: Discard is reachable and works with Enter.
    await discard.focus();
    await page.keyboard.press('Enter');
    await pendingList(page).waitFor({ state: 'detached' });
    expect(account(p.core.snapshot(), 'toggl')?.pending).toEqual([]);
    expect(fake.entries(user.id)).toEqual([]);
    expect(p.commands.filter((c) => c.type.startsWith('queue.'))).toEqual([
      { type: 'queue.retry', input: { actionId: expect.any(String) } },
      { type: 'queue.discard', input: { actionId: expect.any(String) } },
    ]);
  });

  it('conflict (a timer was started on the web meanwhile): both sides shown; "Keep theirs" drops mine and Toggl keeps theirs', async () => {
    const w = await togglWorld();
    const { p, page, fake, user } = w;
    goOffline(fake);
    await startInPopup(page, 'Write report');
    await page.getByRole('region', { name: 'Write report' }).getByTestId('pending-note').waitFor();
    const theirs = fake.remoteStart(user.id, { description: 'Call with a client' });

    await backOnline(w);
    const row = pendingList(page).getByRole('listitem', { name: /^Start “Write report” at/ });
    const keep = row.getByRole('button', { name: /^Keep theirs: Start “Write report”/ });
    await keep.waitFor();
    await row.getByRole('button', { name: /^Apply mine: Start “Write report”/ }).waitFor();
    const sides = await row.locator('dl.sides').innerText();
    const since = formatClockTime(new Date(theirs.start).toISOString());
    expect(sides).toMatch(/Yours\s+Start “Write report” at \d\d:\d\d/);
    expect(sides).toMatch(new RegExp(`On Toggl Track now\\s+“Call with a client” since ${since}`));
    // The running card is theirs now (what Toggl runs), not pending.
    const card = page.getByRole('region', { name: 'Call with a client' });
    await card.waitFor();
    await expect(card.getByTestId('pending-note').count()).resolves.toBe(0);
    expect(p.core.snapshot().tray.tooltip).toMatch(/action needs you .* open Tray Timer/);

    await keep.click();
    await pendingList(page).waitFor({ state: 'detached' });
    expect(account(p.core.snapshot(), 'toggl')?.pending).toEqual([]);
    // Toggl still runs theirs; mine was never created.
    expect(fake.runningEntry(user.id)?.id).toBe(theirs.id);
    expect(fake.entries(user.id).map((e) => e.description)).toEqual(['Call with a client']);
    expect(togglStarts(fake).filter((r) => r.status === 200)).toEqual([]);
  });

  it('conflict, "Apply mine": mine is started at Toggl (theirs is stopped), once', async () => {
    const w = await togglWorld();
    const { page, fake, user } = w;
    goOffline(fake);
    await startInPopup(page, 'Write report');
    await page.getByRole('region', { name: 'Write report' }).getByTestId('pending-note').waitFor();
    const theirs = fake.remoteStart(user.id, { description: 'Call with a client' });
    await backOnline(w);
    const apply = pendingList(page).getByRole('button', {
      name: /^Apply mine: Start “Write report”/,
    });
    await apply.click();
    await pendingList(page).waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Write report' }).waitFor();
    expect(fake.runningEntry(user.id)?.description).toBe('Write report');
    expect(fake.entry(theirs.id)?.stop).not.toBeNull();
    expect(togglStarts(fake).filter((r) => r.status === 200)).toHaveLength(1);
  });
});

interface WebWorkWorld {
  p: Popup;
  page: Page;
  fake: FakeWebWork;
  ada: WwUser;
  acme: FakeWorkspace;
  clock: ShiftedClock;
}

async function webworkWorld(): Promise<WebWorkWorld> {
  const clock = new ShiftedClock();
  const fake = await startFakeWebWork({ now: clock.now });
  suite.track(fake);
  const acme = fake.addWorkspace({ name: 'Acme' });
  const ada = fake.addUser({
    email: 'ada@example.com',
    token: WW_TOKEN,
    firstname: 'Ada',
    lastname: 'Lovelace',
  });
  fake.addMember(acme.id, ada.id, 'Regular User');
  const site = fake.addProject({ workspaceId: acme.id, name: 'Website' });
  fake.addContract({ userId: ada.id, projectId: site.id });
  const p = await suite.open({ clock });
  const result = await p.core.execute({
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: WW_TOKEN,
      label: 'Studio',
      baseUrl: fake.baseUrl,
      options: { email: 'ada@example.com', workspace: String(acme.id) },
    },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  await p.page.getByLabel('Account').waitFor();
  await p.page.getByLabel('Account').selectOption({ label: 'Studio' });
  await expect
    .poll(() => account(p.core.snapshot(), 'webwork')?.projects.map((x) => x.name))
    .toEqual(['Website']);
  return { p, page: p.page, fake, ada, acme, clock };
}

describe('popup: WebWork asks before queueing (it cannot take a start time later)', () => {
  it('unreachable → Start → the reason and "Queue anyway"/"Cancel" next to Start; Cancel queues nothing; Queue anyway queues it (pending shown) and it starts when WebWork is back', async () => {
    const w = await webworkWorld();
    const { p, page, fake, ada, acme } = w;
    goOffline(fake);

    await startInPopup(page, 'Bricks', 'Website');
    const prompt = page.getByRole('group', { name: 'Start “Bricks” was not queued' });
    await prompt.waitFor();
    await expect(prompt.getByRole('alert').textContent()).resolves.toMatch(
      /WebWork can only start a timer at the moment it is told.*Queue it anyway, or cancel\./,
    );
    // The question gets the keyboard: Enter would queue.
    const queueAnyway = prompt.getByRole('button', { name: 'Queue anyway' });
    await expect(queueAnyway.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    expect(account(p.core.snapshot(), 'webwork')?.pending).toEqual([]);

    // Cancel: the question goes, nothing is queued, nothing runs.
    await prompt.getByRole('button', { name: 'Cancel' }).click();
    await prompt.waitFor({ state: 'detached' });
    expect(account(p.core.snapshot(), 'webwork')?.pending).toEqual([]);
    await page.getByText('Not tracking').waitFor();

    // Ask again, then queue it anyway: the same start, with queueIfOffline.
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await prompt.waitFor();
    await queueAnyway.click();
    const card = page.getByRole('region', { name: 'Bricks' });
    await card.getByTestId('pending-note').waitFor();
    await expect(card.getByTestId('pending-note').textContent()).resolves.toMatch(
      /^Started \d\d:\d\d — will sync when online$/,
    );
    const startsSent = p.commands.filter((c) => c.type === 'start');
    expect(startsSent.map((c) => c.type === 'start' && c.input.queueIfOffline)).toEqual([
      undefined,
      undefined,
      true,
    ]);
    expect(account(p.core.snapshot(), 'webwork')?.pending).toEqual([
      expect.objectContaining({ kind: 'start', state: 'waiting' }),
    ]);
    expect(fake.tracker(ada.id, acme.id)).toBeNull();

    // Back: WebWork starts it (now — it takes no time) and the mark goes.
    await backOnline(w);
    await card.getByTestId('pending-note').waitFor({ state: 'detached' });
    await expect.poll(() => fake.tracker(ada.id, acme.id)).not.toBeNull();
    expect(
      fake
        .requestsBy({ method: 'POST', path: '/time-tracking/start' })
        .filter((r) => r.status === 200),
    ).toHaveLength(1);
  });

  it('Stop while WebWork is unreachable: the question sits in the running card; Queue anyway stops it here at once, Recent marks the entry "not synced yet", and WebWork stops it when back', async () => {
    const w = await webworkWorld();
    const { p, page, fake, ada, acme } = w;
    await startInPopup(page, 'Wiring', 'Website');
    const card = page.getByRole('region', { name: 'Wiring' });
    await card.waitFor();
    expect(fake.tracker(ada.id, acme.id)).not.toBeNull();
    goOffline(fake);

    await card.getByRole('button', { name: /^Stop Wiring on Studio/ }).click();
    const prompt = card.getByRole('group', { name: 'Stop “Wiring” was not queued' });
    await prompt.waitFor();
    await expect(prompt.getByRole('alert').textContent()).resolves.toMatch(
      /WebWork can only stop a timer at the moment it is told/,
    );
    // By keyboard: the question has the focus, Enter queues.
    await page.keyboard.press('Enter');
    await page.getByText('Not tracking').waitFor();
    expect(p.commands.filter((c) => c.type === 'stop')).toEqual([
      { type: 'stop', input: { accountId: 'webwork' } },
      { type: 'stop', input: { accountId: 'webwork', queueIfOffline: true } },
    ]);
    const row = page.locator('.recent-item').filter({ hasText: 'Wiring' });
    await expect(row.locator('.pending-mark').textContent()).resolves.toBe('↻ not synced yet');
    const list = pendingList(page);
    await expect(list.getByRole('listitem').textContent()).resolves.toMatch(
      /^WaitingStop “Wiring — Website” at \d\d:\d\dWill sync when online/,
    );
    // Still running at WebWork: nothing got through.
    expect(fake.tracker(ada.id, acme.id)).not.toBeNull();

    await backOnline(w);
    await list.waitFor({ state: 'detached' });
    await row.locator('.pending-mark').waitFor({ state: 'detached' });
    expect(fake.tracker(ada.id, acme.id)).toBeNull();
    expect(
      fake
        .requestsBy({ method: 'POST', path: '/time-tracking/stop' })
        .filter((r) => r.status === 200),
    ).toHaveLength(1);
  });

  it('late (WebWork could only do it now, e.g. replayed after a crash): "Apply now" retries with override, "Discard" discards — both by keyboard', async () => {
    const w = await webworkWorld();
    const { p, page } = w;
    // A late action only comes from a replay after a crash (the journal says "not queued
    // anyway"); delivered here the way main pushes a snapshot, to see the row and its wiring.
    const snapshot = p.core.snapshot();
    const late = {
      id: 'late-1',
      kind: 'start' as const,
      summary: 'Start “Bricks” at 09:12',
      at: '2026-11-27T09:12:00+00:00',
      state: 'late' as const,
      error: {
        kind: 'unsupported' as const,
        message: 'WebWork can only start it now, not at 09:12.',
      },
      theirs: null,
    };
    // A newer version than anything the page has, as main's next push would be.
    const withLate = {
      ...snapshot,
      version: snapshot.version + 1000,
      accounts: snapshot.accounts.map((a) => (a.id === 'webwork' ? { ...a, pending: [late] } : a)),
    };
    await p.push(withLate);
    const row = pendingList(page).getByRole('listitem', { name: late.summary });
    await expect(row.textContent()).resolves.toBe(
      'Needs your OKStart “Bricks” at 09:12WebWork can only start it now, not at 09:12.DiscardApply now',
    );
    await row.getByRole('button', { name: `Apply now: ${late.summary}` }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => p.commands.filter((c) => c.type.startsWith('queue.')))
      .toEqual([{ type: 'queue.retry', input: { actionId: 'late-1', override: true } }]);

    await p.push({ ...withLate, version: withLate.version + 1000 });
    await row.getByRole('button', { name: `Discard: ${late.summary}` }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => p.commands.filter((c) => c.type.startsWith('queue.')).at(-1))
      .toEqual({ type: 'queue.discard', input: { actionId: 'late-1' } });
  });
});
