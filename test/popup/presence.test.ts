/**
 * Presence in the popup, in real Chromium against the REAL core: the presence sections of
 * Preferences (saved to settings.json), editing the running Local entry (description, start
 * time), the pomodoro line, and the away prompt ("You were away 10:42–11:57") with each of its
 * choices. Assertions are about what the user sees, what goes over the wire to main, and what
 * the core holds afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type {
  AccountState,
  AwayPrompt,
  Command,
  PresenceView,
  Snapshot,
} from '../../preload/contract';
import { VirtualClock } from '../support/virtual-clock';
import type { Popup } from './popup-harness';
import { providerPopupSuite, ShiftedClock } from './provider-popup-suite';
import { startFakeToggl } from '../fakes/toggl-server';

const suite = providerPopupSuite<{ close(): Promise<void> }>();
const MIN = 60_000;

const local = (s: Snapshot): AccountState => {
  const account = s.accounts.find((a) => a.id === 'local');
  if (!account) throw new Error('no Local account');
  return account;
};

/** "HH:MM" of `ms` in UTC, the zone the page runs in here. */
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

const sent = (p: Popup, type: Command['type']) => p.commands.filter((c) => c.type === type);

async function openPreferences(page: Page) {
  await page.getByRole('button', { name: 'Preferences', exact: true }).click();
  await page.getByRole('region', { name: 'Idle detection' }).waitFor();
}

/**
 * A snapshot main could push, with presence (and the Local account) changed: for what the core
 * cannot produce on its own yet in this test (a Wayland machine, a pending entry, a prompt of
 * several services). Its version is one above the core's, so the core's next change wins again.
 */
function pushed(
  s: Snapshot,
  presence: Partial<PresenceView>,
  localPatch: Partial<AccountState> = {},
): Snapshot {
  return {
    ...s,
    version: s.version + 1,
    presence: { ...s.presence, ...presence },
    accounts: s.accounts.map((a) => (a.id === 'local' ? { ...a, ...localPatch } : a)),
  };
}

async function startInPopup(page: Page, description: string) {
  await page.getByLabel('What are you working on?').fill(description);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('region', { name: description }).waitFor();
}

describe('popup: presence preferences (real core, settings.json)', () => {
  it('idle threshold, reminder days and hours, pomodoro lengths, launch at login and notifications are each saved when changed', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await openPreferences(page);

    const idle = page.getByRole('region', { name: 'Idle detection' });
    await expect(
      idle.getByLabel('Ask about time away from the computer').isChecked(),
    ).resolves.toBe(true);
    const threshold = idle.getByLabel('When away for at least');
    await expect(threshold.inputValue()).resolves.toBe('5');
    await threshold.fill('10');
    await threshold.press('Enter');
    await expect.poll(() => p.core.settings().idle.thresholdMinutes).toBe(10);

    const reminders = page.getByRole('region', { name: 'Reminders' });
    await reminders.getByLabel('Remind me when no timer runs').check();
    await expect.poll(() => p.core.settings().reminders.enabled).toBe(true);
    // Monday to Friday by default: Saturday on, Monday off.
    const days = reminders.getByRole('group', { name: 'On' });
    await expect(days.getByRole('button', { pressed: true }).allTextContents()).resolves.toEqual([
      'Mon',
      'Tue',
      'Wed',
      'Thu',
      'Fri',
    ]);
    await days.getByRole('button', { name: 'Saturday' }).click();
    await expect.poll(() => p.core.settings().reminders.weekdays).toEqual([1, 2, 3, 4, 5, 6]);
    await days.getByRole('button', { name: 'Monday' }).click();
    await expect.poll(() => p.core.settings().reminders.weekdays).toEqual([2, 3, 4, 5, 6]);
    await expect
      .poll(() => days.getByRole('button', { name: 'Monday' }).getAttribute('aria-pressed'))
      .toBe('false');
    await reminders.getByLabel('After').fill('30');
    await reminders.getByLabel('After').press('Enter');
    await expect.poll(() => p.core.settings().reminders.afterMinutes).toBe(30);
    // "8:30" is understood and saved as 08:30; leaving the field saves it too.
    await reminders.getByLabel('From').fill('8:30');
    await reminders.getByLabel('To').focus();
    await expect.poll(() => p.core.settings().reminders.from).toBe('08:30');
    await expect.poll(() => reminders.getByLabel('From').inputValue()).toBe('08:30');
    await reminders.getByLabel('To').fill('17:15');
    await reminders.getByLabel('To').press('Enter');
    await expect.poll(() => p.core.settings().reminders.to).toBe('17:15');

    const pomodoro = page.getByRole('region', { name: 'Pomodoro' });
    await pomodoro.getByLabel('Work in focus rounds with breaks').check();
    await expect.poll(() => p.core.settings().pomodoro.enabled).toBe(true);
    for (const [label, value] of [
      ['Focus', '50'],
      ['Short break', '10'],
      ['Long break', '20'],
      ['Long break after', '3'],
    ] as const) {
      const field = pomodoro.getByLabel(label, { exact: true });
      await field.fill(value);
      await field.press('Enter');
      await expect.poll(() => field.inputValue()).toBe(value);
    }
    await pomodoro.getByLabel('Stop the timer during breaks').check();
    await expect
      .poll(() => p.core.settings().pomodoro)
      .toEqual({
        enabled: true,
        workMinutes: 50,
        shortBreakMinutes: 10,
        longBreakMinutes: 20,
        longBreakEvery: 3,
        stopDuringBreaks: true,
      });

    const startup = page.getByRole('region', { name: 'Startup and notifications' });
    await startup.getByLabel('Launch Tray Timer at login').uncheck();
    await expect.poll(() => p.core.settings().launchAtLogin).toBe(false);
    await startup.getByLabel('Show desktop notifications').uncheck();
    await expect.poll(() => p.core.settings().notifications).toBe(false);
    await expect(startup.textContent()).resolves.toContain(
      'Your system’s do-not-disturb still applies.',
    );

    // What went over the wire: one field of one group per change (the core merges the rest).
    const patches = sent(p, 'settings.update').map((c) =>
      c.type === 'settings.update' ? c.input : null,
    );
    expect(patches).toEqual([
      { idle: { thresholdMinutes: 10 } },
      { reminders: { enabled: true } },
      { reminders: { weekdays: [1, 2, 3, 4, 5, 6] } },
      { reminders: { weekdays: [2, 3, 4, 5, 6] } },
      { reminders: { afterMinutes: 30 } },
      { reminders: { from: '08:30' } },
      { reminders: { to: '17:15' } },
      { pomodoro: { enabled: true } },
      { pomodoro: { workMinutes: 50 } },
      { pomodoro: { shortBreakMinutes: 10 } },
      { pomodoro: { longBreakMinutes: 20 } },
      { pomodoro: { longBreakEvery: 3 } },
      { pomodoro: { stopDuringBreaks: true } },
      { launchAtLogin: false },
      { notifications: false },
    ]);
    // And it is in the settings file, where the next start reads it.
    const file = JSON.parse(readFileSync(join(p.dataDir, 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(file).toMatchObject({
      idle: { enabled: true, thresholdMinutes: 10 },
      reminders: {
        enabled: true,
        afterMinutes: 30,
        weekdays: [2, 3, 4, 5, 6],
        from: '08:30',
        to: '17:15',
      },
      pomodoro: { workMinutes: 50, shortBreakMinutes: 10, longBreakMinutes: 20, longBreakEvery: 3 },
      launchAtLogin: false,
      notifications: false,
    });
  });

  it('a reminder window that ends before it starts shows the core’s message next to that field and changes nothing; a number out of range is caught before sending', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await openPreferences(page);
    const reminders = page.getByRole('region', { name: 'Reminders' });
    const from = reminders.getByLabel('From');
    await from.fill('19:00');
    await from.press('Enter');
    const fromError = reminders.locator(`#${await from.getAttribute('aria-describedby')}`);
    // The core's answer (settings.update) comes back after the key press: wait for it.
    await expect
      .poll(() => fromError.textContent())
      .toBe('Reminders: “from” (19:00) must be earlier than “to” (18:00).');
    await expect(from.getAttribute('aria-invalid')).resolves.toBe('true');
    // The field keeps what was typed, so it can be corrected; the settings did not change.
    await expect(from.inputValue()).resolves.toBe('19:00');
    expect(p.core.settings().reminders).toMatchObject({ from: '09:00', to: '18:00' });
    // "To" is not blamed.
    await expect(reminders.getByLabel('To').getAttribute('aria-invalid')).resolves.toBeNull();

    // Fixed: the message goes.
    await from.fill('07:00');
    await from.press('Enter');
    await expect.poll(() => p.core.settings().reminders.from).toBe('07:00');
    await expect(from.getAttribute('aria-invalid')).resolves.toBeNull();

    // Checked in the popup: nothing is sent for 0 minutes or a time that is not one.
    const before = sent(p, 'settings.update').length;
    const threshold = page
      .getByRole('region', { name: 'Idle detection' })
      .getByLabel('When away for at least');
    await threshold.fill('0');
    await threshold.press('Enter');
    await expect(
      page.locator(`#${await threshold.getAttribute('aria-describedby')}`).textContent(),
    ).resolves.toBe('At least 1 minute.');
    await reminders.getByLabel('To').fill('25:00');
    await reminders.getByLabel('To').press('Enter');
    await expect(
      reminders.getByRole('alert').filter({ hasText: '24-hour time' }).textContent(),
    ).resolves.toBe('Use a 24-hour time such as 09:00.');
    expect(sent(p, 'settings.update').length).toBe(before);
    expect(p.core.settings().idle.thresholdMinutes).toBe(5);
  });

  it('says under Idle detection when idle time cannot be measured here (Wayland)', async () => {
    const p = await suite.open({
      timezoneId: 'UTC',
      presence: { idleSeconds: () => 0, session: 'wayland' },
    });
    const { page } = p;
    const note = p.core.snapshot().presence.idle.note;
    expect(note).toMatch(/Wayland/);
    await openPreferences(page);
    await expect(
      page.getByRole('region', { name: 'Idle detection' }).getByTestId('idle-note').textContent(),
    ).resolves.toBe(note);
  });

  it('says nothing there where idle time is measured (X11)', async () => {
    const p = await suite.open({
      timezoneId: 'UTC',
      presence: { idleSeconds: () => 0, session: 'x11' },
    });
    await openPreferences(p.page);
    expect(p.core.snapshot().presence.idle).toEqual({ source: 'system', note: null });
    await expect(p.page.getByTestId('idle-note').count()).resolves.toBe(0);
  });

  it('a problem with the login item is said under “Launch Tray Timer at login”', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    const message = 'Could not save tray-timer.desktop in ~/.config/autostart: permission denied.';
    p.core.setNotice({
      id: 'shell:launch-at-login',
      level: 'warning',
      message,
      topic: 'launchAtLogin',
    });
    await openPreferences(page);
    const login = page.getByLabel('Launch Tray Timer at login');
    await expect(
      page.locator(`#${await login.getAttribute('aria-describedby')}`).textContent(),
    ).resolves.toBe(message);
  });
});

describe('popup: editing the running entry', () => {
  it('Local: typing 9:15-style time in “Started” moves the start (Enter), and the core’s running entry starts then', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await startInPopup(page, 'Write the report');
    const card = page.getByRole('region', { name: 'Write the report' });
    const field = card.getByLabel('Started');
    const startedAt = Date.parse(local(p.core.snapshot()).entry?.startedAt ?? '');
    await expect(field.inputValue()).resolves.toBe(hhmm(startedAt));
    await expect(card.getByTestId('start-line').textContent()).resolves.toMatch(/· just now$/);

    const target = Date.now() - 25 * MIN;
    await field.fill(hhmm(target));
    await field.press('Enter');
    const expected = Math.floor(target / MIN) * MIN;
    await expect
      .poll(() => Date.parse(local(p.core.snapshot()).entry?.startedAt ?? ''))
      .toBe(expected);
    // What the popup shows follows the core's push: wait for it (under load it comes later).
    await expect
      .poll(() => card.getByTestId('start-line').textContent())
      .toMatch(/· 2[45] min ago$/);
    await expect.poll(() => card.getByTestId('clock').textContent()).toMatch(/^0:2[45]:\d\d$/);
    const updates = sent(p, 'entry.update');
    expect(updates).toHaveLength(1);
    const input = updates[0]?.type === 'entry.update' ? updates[0].input : null;
    expect(input).toEqual({ accountId: 'local', startedAt: expect.any(String) });
    // ISO with the local offset, as the contract wants.
    expect(input?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d$/);
    expect(Date.parse(input?.startedAt ?? '')).toBe(expected);
  });

  it('Local: Edit changes the description (and project); Esc in the form cancels without closing the popup', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await startInPopup(page, 'Draft');
    const card = page.getByRole('region', { name: 'Draft' });
    await card.getByRole('button', { name: 'Edit Draft' }).click();
    const form = page.getByRole('form', { name: 'Edit the running entry' });
    const description = form.getByLabel('Description');
    await expect(description.inputValue()).resolves.toBe('Draft');
    // Esc leaves editing, not the popup.
    await description.fill('never sent');
    await description.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(p.hideCalls()).toBe(0);
    // The keyboard goes back to the button that opened the form.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Edit Draft');
    expect(sent(p, 'entry.update')).toEqual([]);

    // By keyboard: Stop, then the start time, then Edit; Enter opens the form.
    await card.getByRole('button', { name: /^Stop Draft/ }).focus();
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('startedAt');
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Edit Draft');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value))
      .toBe('Draft');
    await form.getByLabel('Description').fill('Quarterly report');
    await form.getByRole('combobox', { name: 'Project' }).fill('Reports');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('region', { name: 'Quarterly report' }).waitFor();
    await expect
      .poll(() => local(p.core.snapshot()).entry)
      .toMatchObject({ description: 'Quarterly report', projectName: 'Reports', stoppedAt: null });
    const updates = sent(p, 'entry.update').map((c) =>
      c.type === 'entry.update' ? c.input : null,
    );
    expect(updates).toEqual([
      { accountId: 'local', description: 'Quarterly report', project: 'Reports' },
    ]);
  });

  it('a start that cannot be read is explained next to the field and not sent; one the core refuses (8 days back) shows the core’s message there', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await startInPopup(page, 'Notes');
    const field = page.getByRole('region', { name: 'Notes' }).getByLabel('Started');
    const describedText = async () =>
      page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent();
    await field.fill('half past');
    await field.press('Enter');
    await expect(describedText()).resolves.toBe(
      '“half past” is not a time. Type a time such as 9:15 or 21:40 (or a date and time, 2026-11-27T09:15).',
    );
    expect(sent(p, 'entry.update')).toEqual([]);
    // Esc undoes the typing first; the popup stays.
    await field.press('Escape');
    await expect(field.getAttribute('aria-invalid')).resolves.toBeNull();
    expect(p.hideCalls()).toBe(0);

    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 60 * MIN).toISOString().slice(0, 16);
    await field.fill(eightDaysAgo);
    await field.press('Enter');
    await expect.poll(describedText).toBe("The start can't be more than 7 days ago.");
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(sent(p, 'entry.update')).toHaveLength(1);
    expect(local(p.core.snapshot()).entry?.description).toBe('Notes');
  });

  it('an entry not synced yet cannot be edited (the reason on hover and for screen readers); a service without updates shows no edit controls', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await startInPopup(page, 'Offline work');
    const s = p.core.snapshot();
    const entry = local(s).entry;
    if (!entry) throw new Error('not running');
    const caps = { ...local(s).capabilities, editEntry: true, editStart: true };
    await p.push(pushed(s, {}, { capabilities: caps, entry: { ...entry, pending: true } }));
    const card = page.getByRole('region', { name: 'Offline work' });
    const edit = card.getByRole('button', { name: 'Edit Offline work' });
    await expect(edit.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(edit.getAttribute('title')).resolves.toBe(
      'Not synced yet: it can be edited once the service has it.',
    );
    await expect(
      page.locator(`#${await edit.getAttribute('aria-describedby')}`).textContent(),
    ).resolves.toBe('Not synced yet: it can be edited once the service has it.');
    // aria-disabled keeps it focusable (the reason is read out); a click does nothing.
    await edit.click({ force: true });
    await expect(page.getByRole('form', { name: 'Edit the running entry' }).count()).resolves.toBe(
      0,
    );
    await expect(card.getByLabel('Started').count()).resolves.toBe(0);

    // TrackingTime / WebWork: no update in their API, so nothing to click.
    const s2 = p.core.snapshot();
    const noEdit = { ...local(s2).capabilities, editEntry: false, editStart: false };
    await p.push(
      pushed(
        { ...s2, version: s2.version + 1 },
        {},
        { capabilities: noEdit, entry: { ...entry, pending: false } },
      ),
    );
    await expect(card.getByRole('button', { name: /^Edit/ }).count()).resolves.toBe(0);
    await expect(card.getByRole('textbox').count()).resolves.toBe(0);
    await expect(card.getByTestId('start-line').textContent()).resolves.toMatch(
      /^Started \d\d:\d\d · /,
    );
  });
});

describe('popup: editing the running entry on Toggl (real provider, fake Toggl)', () => {
  it('description, project and task go in one Save, the start in another: one PUT each, and Toggl’s entry has them', async () => {
    const clock = new ShiftedClock();
    const fake = await startFakeToggl({ now: clock.now });
    suite.track(fake);
    const token = 'f3a1c0ffee5eed0000000000000000ab';
    const user = fake.addUser({ token, email: 'ada@example.com', workspaceName: 'Acme' });
    const site = fake.addProject({ workspaceId: user.workspaceId, name: 'Website' });
    const copy = fake.addTask({ projectId: site.id, name: 'Copywriting' });
    const p = await suite.open({ clock, timezoneId: 'UTC' });
    const { page } = p;
    const added = await p.core.execute({
      type: 'accounts.add',
      input: {
        provider: 'toggl',
        secret: token,
        label: 'Work',
        baseUrl: fake.baseUrl,
        options: {},
      },
    });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    await page.getByLabel('Account').selectOption({ label: 'Work' });
    await startInPopup(page, 'Draft');
    const puts = () => fake.requests.filter((r) => r.method === 'PUT');
    const running = () => fake.entries(user.id).find((e) => e.stop === null);

    const card = page.getByRole('region', { name: 'Draft' });
    await card.getByRole('button', { name: 'Edit Draft' }).click();
    const form = page.getByRole('form', { name: 'Edit the running entry' });
    await form.getByLabel('Description').fill('Landing page copy');
    await form.getByRole('combobox', { name: 'Project' }).fill('web');
    await page.getByRole('option', { name: /Website/ }).click();
    await form.getByLabel('Task').selectOption({ label: 'Copywriting' });
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('region', { name: 'Landing page copy' }).waitFor();
    expect(running()).toMatchObject({
      description: 'Landing page copy',
      projectId: site.id,
      taskId: copy.id,
    });
    expect(puts()).toHaveLength(1);

    const field = page.getByRole('region', { name: 'Landing page copy' }).getByLabel('Started');
    const target = Date.now() - 40 * MIN;
    await field.fill(hhmm(target));
    await field.press('Enter');
    await expect.poll(() => running()?.start).toBe(Math.floor(target / MIN) * MIN);
    expect(puts()).toHaveLength(2);
    expect(puts().every((r) => r.status === 200)).toBe(true);
    await expect(
      page
        .getByRole('region', { name: 'Landing page copy' })
        .getByTestId('start-line')
        .textContent(),
    ).resolves.toMatch(/· (39|40) min ago$/);
  });
});

describe('popup: the pomodoro line', () => {
  it('shows the phase and the minutes left, counting down, and the break after the focus round', async () => {
    const clock = new VirtualClock(Date.parse('2026-11-27T10:00:00Z'));
    const p = await suite.open({ timezoneId: 'UTC', clock, fixedTimeMs: clock.now() });
    const { page } = p;
    const line = page.getByTestId('pomodoro');
    await page.getByRole('button', { name: 'Preferences', exact: true }).click();
    await page
      .getByRole('region', { name: 'Pomodoro' })
      .getByLabel('Work in focus rounds with breaks')
      .check();
    await expect.poll(() => p.core.settings().pomodoro.enabled).toBe(true);
    await page.getByRole('button', { name: 'Back to the timer' }).click();
    // Waiting for a timer: no line yet.
    await expect(line.count()).resolves.toBe(0);
    await startInPopup(page, 'Focus work');
    await expect.poll(() => line.textContent()).toBe('Pomodoro: Focus · 25 min left');
    // The page and the core read the same (virtual) time, as they do in the app.
    const moveTo = async (ms: number) => {
      await clock.advance(ms);
      await page.clock.setFixedTime(clock.now());
    };
    await moveTo(13 * MIN);
    await expect.poll(() => line.textContent()).toBe('Pomodoro: Focus · 12 min left');
    await moveTo(12 * MIN);
    await expect.poll(() => line.textContent()).toBe('Pomodoro: Short break · 5 min left');
    await expect(line.getAttribute('class')).resolves.toBe('pomodoro short-break');
    // Breaks do not stop the timer unless asked to.
    expect(local(p.core.snapshot()).running).toBe(true);
  });
});

/** A hand-made prompt: two services, one that cannot change past time. */
function twoServicePrompt(): AwayPrompt {
  return {
    id: 'away-test-1',
    from: '2026-11-27T10:42:00.000+00:00',
    to: '2026-11-27T11:57:00.000+00:00',
    seconds: 75 * 60,
    reason: 'lock',
    message: 'You were away 10:42–11:57 (1 h 15 min)',
    accounts: [
      {
        accountId: 'local',
        label: 'Local',
        entryId: 'e1',
        entryLabel: 'Write the report — Reports',
        choices: ['keep', 'discard', 'discard-continue', 'split'],
        note: null,
      },
      {
        accountId: 'webwork',
        label: 'Studio',
        entryId: 'w1',
        entryLabel: 'Homepage hero — Website',
        choices: ['keep', 'stop-now'],
        note: 'WebWork can’t change time already recorded.',
      },
    ],
  };
}

describe('popup: the away prompt', () => {
  it('offers every choice some listed service can take, saying what the others do instead; takes the keyboard; Esc hides the popup without answering', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await startInPopup(page, 'Write the report');
    await p.push(pushed(p.core.snapshot(), { away: twoServicePrompt() }));
    const prompt = page.getByRole('region', { name: 'You were away 10:42–11:57 (1 h 15 min)' });
    await prompt.waitFor();
    await expect(
      prompt
        .getByRole('group', { name: 'What to do with the time away' })
        .getByRole('button')
        .allInnerTexts(),
    ).resolves.toEqual([
      'Keep it\nstays in the entry',
      'Discard it\nstops at 10:42 · Studio: stops now',
      'Discard and continue\nstops at 10:42, runs again from 11:57 · Studio keeps the time',
      'Add as a separate entry…\nbecomes its own entry; the work runs again from 11:57 · Studio keeps the time',
      'Stop now\nstops now, the time away stays',
    ]);
    await expect(prompt.textContent()).resolves.toContain('Homepage hero — Website');
    await expect(prompt.textContent()).resolves.toContain(
      'WebWork can’t change time already recorded.',
    );
    // The first choice has the keyboard (not the start form below).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toMatch(/^Keep it/);
    await page.keyboard.press('Escape');
    expect(p.hideCalls()).toBe(1);
    await expect(prompt.isVisible()).resolves.toBe(true);
    expect(sent(p, 'away.resolve')).toEqual([]);
  });

  it('“Add as a separate entry…” opens a description field by keyboard; Enter sends the split with it; Esc closes the field, not the prompt', async () => {
    const p = await suite.open({ timezoneId: 'UTC' });
    const { page } = p;
    await startInPopup(page, 'Write the report');
    const first = twoServicePrompt().accounts[0];
    if (!first) throw new Error('no account in the prompt');
    const away: AwayPrompt = { ...twoServicePrompt(), id: 'not-a-real-prompt', accounts: [first] };
    await p.push(pushed(p.core.snapshot(), { away }));
    const prompt = page.getByRole('region', { name: /^You were away/ });
    const labels = await prompt
      .getByRole('group', { name: 'What to do with the time away' })
      .getByRole('button')
      .evaluateAll((bs) => bs.map((b) => b.querySelector('.away-choice-label')?.textContent));
    expect(labels).toEqual([
      'Keep it',
      'Discard it',
      'Discard and continue',
      'Add as a separate entry…',
    ]);
    const split = prompt.getByRole('button', { name: /^Add as a separate entry/ });
    await expect(split.getAttribute('aria-expanded')).resolves.toBe('false');
    // By keyboard: Tab from "Keep it" to the split choice, Enter opens it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toMatch(/^Keep it/);
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(split.getAttribute('aria-expanded')).resolves.toBe('true');
    const field = prompt.getByPlaceholder('What were you doing? (Lunch, Meeting…)');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    // Esc closes the description field and gives the keyboard back to the choice.
    await page.keyboard.press('Escape');
    await expect(split.getAttribute('aria-expanded')).resolves.toBe('false');
    expect(p.hideCalls()).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Lunch');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => sent(p, 'away.resolve').map((c) => (c.type === 'away.resolve' ? c.input : null)))
      .toEqual([{ promptId: 'not-a-real-prompt', choice: 'split', description: 'Lunch' }]);
    // This prompt is unknown to the core: its answer is said in the status line.
    const answer = await p.core.execute({
      type: 'away.resolve',
      input: { promptId: 'not-a-real-prompt', choice: 'split', description: 'Lunch' },
    });
    expect(answer.ok).toBe(false);
    await page
      .getByRole('status')
      .filter({ hasText: answer.ok ? '-' : answer.error.message })
      .waitFor();
  });
});

describe('popup: the away prompt from the core (Local, screen locked over lunch)', () => {
  /**
   * A timer runs on Local, the screen is locked at 12:00 for 75 minutes (virtual clock) and
   * unlocked: the core's presence service asks about 12:00–13:15.
   */
  async function lunch(): Promise<{
    p: Popup;
    clock: VirtualClock;
    lockedAt: number;
    startedAt: number;
  }> {
    const clock = new VirtualClock(Date.now());
    const p = await suite.open({ timezoneId: 'UTC', clock });
    const { page } = p;
    await startInPopup(page, 'Write the report');
    const startedAt = Date.parse(local(p.core.snapshot()).entry?.startedAt ?? '');
    await clock.advance(10 * MIN);
    const lockedAt = clock.now();
    p.core.power('lock-screen');
    await clock.advance(75 * MIN);
    p.core.power('unlock-screen');
    await page.getByRole('region', { name: /^You were away/ }).waitFor();
    return { p, clock, lockedAt, startedAt };
  }

  const choice = (page: Page, label: RegExp) =>
    page.getByRole('region', { name: /^You were away/ }).getByRole('button', { name: label });

  it('Keep it: the prompt goes, the timer runs on from its old start', async () => {
    const { p, startedAt } = await lunch();
    const { page } = p;
    await expect(
      page
        .getByRole('region', { name: /^You were away/ })
        .locator('h2')
        .textContent(),
    ).resolves.toMatch(/^You were away \d\d:\d\d–\d\d:\d\d \(1 h 15 min\)$/);
    await choice(page, /^Keep it/).click();
    await page.getByRole('region', { name: /^You were away/ }).waitFor({ state: 'detached' });
    expect(p.core.snapshot().presence.away).toBeNull();
    const entry = local(p.core.snapshot()).entry;
    expect(entry).toMatchObject({ description: 'Write the report', stoppedAt: null });
    expect(Date.parse(entry?.startedAt ?? '')).toBe(startedAt);
    await page.getByRole('region', { name: 'Write the report' }).waitFor();
  });

  it('Discard it: the timer stops, the entry ends when the screen was locked', async () => {
    const { p, lockedAt } = await lunch();
    const { page } = p;
    await choice(page, /^Discard it/).click();
    await page.getByRole('region', { name: /^You were away/ }).waitFor({ state: 'detached' });
    const s = p.core.snapshot();
    expect(local(s).running).toBe(false);
    const last = local(s).recent[0];
    expect(last).toMatchObject({ description: 'Write the report' });
    expect(Date.parse(last?.stoppedAt ?? '')).toBe(lockedAt);
    await page.getByText('Not tracking').waitFor();
  });

  it('Discard and continue: stopped at the lock, the same work runs again from the return', async () => {
    const { p, clock, lockedAt, startedAt } = await lunch();
    const { page } = p;
    await choice(page, /^Discard and continue/).click();
    await page.getByRole('region', { name: /^You were away/ }).waitFor({ state: 'detached' });
    const s = p.core.snapshot();
    const entry = local(s).entry;
    expect(entry).toMatchObject({ description: 'Write the report', stoppedAt: null });
    expect(Date.parse(entry?.startedAt ?? '')).toBeGreaterThanOrEqual(clock.now() - MIN);
    const stopped = local(s).recent.find((e) => e.description === 'Write the report');
    expect(Date.parse(stopped?.startedAt ?? '')).toBe(startedAt);
    expect(Date.parse(stopped?.stoppedAt ?? '')).toBe(lockedAt);
  });

  it('Add as a separate entry: the away time becomes “Lunch”, the work runs again (a refused description is shown under its field first)', async () => {
    const { p, lockedAt } = await lunch();
    const { page } = p;
    await choice(page, /^Add as a separate entry/).click();
    const field = page.getByPlaceholder('What were you doing? (Lunch, Meeting…)');
    await field.fill('x'.repeat(3001));
    await field.press('Enter');
    // Refused by the core (away.resolve): its answer comes back after the key press.
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    await expect(
      page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent(),
    ).resolves.toMatch(/3000 characters/);
    expect(p.core.snapshot().presence.away).not.toBeNull();
    await page.getByPlaceholder('What were you doing? (Lunch, Meeting…)').fill('Lunch');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('region', { name: /^You were away/ }).waitFor({ state: 'detached' });
    const s = p.core.snapshot();
    const lunchEntry = local(s).recent.find((e) => e.description === 'Lunch');
    expect(lunchEntry).toBeDefined();
    expect(Date.parse(lunchEntry?.startedAt ?? '')).toBe(lockedAt);
    expect(lunchEntry?.elapsedSeconds).toBe(75 * 60);
    expect(local(s).entry).toMatchObject({ description: 'Write the report', stoppedAt: null });
    await page.getByRole('region', { name: 'Write the report' }).waitFor();
  });
});
