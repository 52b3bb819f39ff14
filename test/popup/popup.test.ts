/**
 * The popup in real Chromium, on the built renderer, against the real core with a temp data
 * folder. Assertions are about what a user sees and what goes over the wire to main.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { TRAY_TIMER_API_KEYS } from '../../preload/contract';
import type { AccountState, Snapshot } from '../../preload/contract';
import { launchChromium, openPopup } from './popup-harness';
import type { Popup, PopupOptions } from './popup-harness';
import { ensureRendererBuilt, RENDERER_OUT } from './renderer-build';
import { serveDirectory } from './static-server';
import type { StaticServer } from './static-server';

let browser: Browser;
let server: StaticServer;
const open: Popup[] = [];

beforeAll(async () => {
  await ensureRendererBuilt();
  server = await serveDirectory(RENDERER_OUT);
  browser = await launchChromium();
});

afterEach(async () => {
  const problems = open.flatMap((p) => p.problems);
  for (const popup of open.splice(0)) await popup.close();
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function popup(options: PopupOptions = {}): Promise<Popup> {
  const p = await openPopup(browser, server.url, options);
  open.push(p);
  return p;
}

const description = (page: Page) => page.getByLabel('What are you working on?');
const project = (page: Page) => page.getByLabel('Project');
const startButton = (page: Page) => page.getByRole('button', { name: 'Start', exact: true });
const clock = (page: Page) => page.getByTestId('clock');
const local = (s: Snapshot): AccountState => {
  const account = s.accounts.find((a) => a.id === 'local');
  if (!account) throw new Error('no Local account');
  return account;
};
const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el || el === document.body) return '';
    return (
      el.getAttribute('aria-label') ??
      el.labels?.[0]?.textContent ??
      el.textContent ??
      ''
    ).trim();
  });

async function startFromForm(page: Page, what: string, projectName = '') {
  await description(page).fill(what);
  if (projectName) await project(page).fill(projectName);
  await description(page).press('Enter');
  await page.getByRole('heading', { name: what }).waitFor();
}

async function expectFocusRingVisible(locator: Locator) {
  const outline = await locator.evaluate((el) => {
    const style = getComputedStyle(el);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  expect(outline.style).not.toBe('none');
  expect(outline.width).toBeGreaterThanOrEqual(2);
}

describe('popup against the real core', () => {
  it('exposes exactly the TrayTimerApi verbs, loads over CSP, and focuses the description', async () => {
    const { page } = await popup();
    const keys = await page.evaluate(() => Object.keys(window.trayTimer));
    expect([...keys].sort()).toEqual([...TRAY_TIMER_API_KEYS].sort());
    await expect
      .poll(() => description(page).evaluate((el) => el === document.activeElement))
      .toBe(true);
    await expect(page.getByText('Not tracking').isVisible()).resolves.toBe(true);
    // The popup loaded only its own files: no remote requests, no inline script needed.
    expect(server.requests.every((p) => p === '/' || p.startsWith('/assets/'))).toBe(true);
  });

  it('starts with Enter, shows the entry with a ticking clock and today’s total', async () => {
    const p = await popup();
    const { page } = p;
    await description(page).fill('Writing docs');
    await project(page).fill('Website');
    // Local creates projects on the fly; the form says so before starting.
    await expect(page.getByText('new', { exact: true }).isVisible()).resolves.toBe(true);
    await description(page).press('Enter');

    await page.getByRole('heading', { name: 'Writing docs' }).waitFor();
    await expect(page.locator('.running').getByText('Website').isVisible()).resolves.toBe(true);
    await expect(page.locator('.running').getByText('Local').isVisible()).resolves.toBe(true);
    expect(p.commands).toContainEqual({
      type: 'start',
      input: { accountId: 'local', description: 'Writing docs', project: 'Website' },
    });
    const running = local(p.core.snapshot());
    expect(running.running).toBe(true);
    expect(running.entry?.projectName).toBe('Website');

    // The form is cleared for the next entry and keeps the keyboard focus.
    await expect(description(page).inputValue()).resolves.toBe('');
    const first = await clock(page).textContent();
    expect(first).toMatch(/^0:00:0\d$/);
    await page.waitForTimeout(1200);
    const second = await clock(page).textContent();
    expect(second).not.toBe(first);
    await expect(page.getByTestId('today').textContent()).resolves.toBe('0:00');

    // A hidden popup does not tick (no wake-ups for nobody); shown again, it is current at once.
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    const frozen = await clock(page).textContent();
    await page.waitForTimeout(1300);
    await expect(clock(page).textContent()).resolves.toBe(frozen);
    await setVisibility('visible');
    await expect.poll(() => clock(page).textContent()).not.toBe(frozen);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Writing docs');
  });

  it('stops, lists the entry in Recent, and continues it with one click', async () => {
    const p = await popup();
    const { page } = p;
    await startFromForm(page, 'Code review', 'Tray Timer');
    await page.getByRole('button', { name: /^Stop Code review/ }).click();
    await page.getByText('Not tracking').waitFor();
    expect(local(p.core.snapshot()).running).toBe(false);

    const cont = page.getByRole('button', { name: 'Continue Code review (Tray Timer)' });
    await cont.waitFor();
    const entryId = local(p.core.snapshot()).recent[0]?.id;
    await cont.click();
    await page.getByRole('heading', { name: 'Code review' }).waitFor();
    expect(p.commands.filter((c) => c.type === 'continue').at(-1)).toEqual({
      type: 'continue',
      input: { accountId: 'local', entryId },
    });
    const again = local(p.core.snapshot());
    expect(again.running).toBe(true);
    expect(again.entry?.description).toBe('Code review');
    expect(again.entry?.projectName).toBe('Tray Timer');
  });

  it('suggests recent descriptions and picking one fills its project', async () => {
    const p = await popup();
    const { page } = p;
    await startFromForm(page, 'Inbox zero', 'Admin');
    await page.getByRole('button', { name: /^Stop/ }).click();
    await page.getByText('Not tracking').waitFor();
    const options = await page
      .locator('datalist option')
      .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(options).toContain('Inbox zero');
    await description(page).fill('Inbox zero');
    await expect(project(page).inputValue()).resolves.toBe('Admin');
  });

  it('works from the keyboard alone: Tab reaches Stop, Start and Continue with a visible ring', async () => {
    const p = await popup();
    const { page } = p;
    await startFromForm(page, 'Planning', 'Roadmap');
    await page.getByRole('button', { name: /^Stop Planning/ }).focus();
    await page.keyboard.press('Space');
    await page.getByText('Not tracking').waitFor();
    // Buttons are disabled (so out of the Tab order) while a command is in flight: let it land.
    await expect.poll(() => startButton(page).isEnabled()).toBe(true);

    // Walk the Tab order from where the popup puts focus, back to the top and down again.
    // Focus starts elsewhere, so the wait below waits for the popup's own move on being shown:
    // after Stop the description already had focus, the wait passed at once, and under load the
    // show's focus move came after the Shift+Tab, putting every later Tab one step ahead.
    await startButton(page).focus();
    await p.show('timer');
    await expect.poll(() => focusedLabel(page)).toBe('What are you working on?');
    await page.keyboard.press('Shift+Tab');
    const seen = [await focusedLabel(page)];
    await expectFocusRingVisible(page.locator(':focus'));
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      seen.push(await focusedLabel(page));
      await expectFocusRingVisible(page.locator(':focus'));
    }
    expect(seen).toEqual([
      'Preferences',
      'What are you working on?',
      'Project',
      'Start',
      'Continue Planning (Roadmap)',
    ]);

    // Continue by keyboard, then the running entry's Stop is reachable too.
    await page.getByRole('button', { name: 'Continue Planning (Roadmap)' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Planning' }).waitFor();
    await expect
      .poll(() => page.getByRole('button', { name: /^Stop Planning/ }).isEnabled())
      .toBe(true);
    await page.getByRole('button', { name: 'Preferences', exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await focusedLabel(page)).toBe('Stop Planning on Local');
    await expectFocusRingVisible(page.locator(':focus'));
    await page.keyboard.press('Enter');
    await page.getByText('Not tracking').waitFor();
    expect(local(p.core.snapshot()).running).toBe(false);
    // The Stop button went away; focus went back to the description, not to nowhere.
    await expect.poll(() => focusedLabel(page)).toBe('What are you working on?');
  });

  it('Esc asks main to hide the popup; being shown again puts focus back in the description', async () => {
    const p = await popup();
    const { page } = p;
    await page.keyboard.press('Escape');
    await expect.poll(() => p.hideCalls()).toBe(1);
    await startButton(page).focus();
    await p.show('timer');
    await expect
      .poll(() => description(page).evaluate((el) => el === document.activeElement))
      .toBe(true);
    await p.show('preferences');
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
  });

  it('shows a validation error next to the description field', async () => {
    const p = await popup();
    const { page } = p;
    await description(page).fill('x'.repeat(3001));
    await description(page).press('Enter');
    const field = description(page);
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const errorId = await field.getAttribute('aria-describedby');
    const message = await page.locator(`[id="${errorId}"]`).textContent();
    expect(message).toBe('description is longer than 3000 characters');
    expect(local(p.core.snapshot()).running).toBe(false);
    // The text stays so the user can shorten it.
    await expect(field.inputValue()).resolves.toHaveLength(3001);
  });

  it('shows a busy Start while the command is in flight', async () => {
    const p = await popup({ commandDelayMs: 600 });
    const { page } = p;
    await description(page).fill('Slow network');
    await description(page).press('Enter');
    const busy = page.getByRole('button', { name: 'Starting…' });
    await busy.waitFor();
    await expect(busy.getAttribute('aria-busy')).resolves.toBe('true');
    await page.getByRole('heading', { name: 'Slow network' }).waitFor();
    await expect(startButton(page).getAttribute('aria-busy')).resolves.toBeNull();
  });

  it('ignores a snapshot older than the one shown', async () => {
    const p = await popup();
    const { page } = p;
    const before = p.core.snapshot();
    await startFromForm(page, 'Fresh state');
    await p.push(before); // a late, outdated push
    await page.waitForTimeout(100);
    await expect(page.getByRole('heading', { name: 'Fresh state' }).isVisible()).resolves.toBe(
      true,
    );
  });

  it('preferences: rejects an invalid shortcut next to its field, records and saves a valid one', async () => {
    const p = await popup();
    const { page } = p;
    await page.getByRole('button', { name: 'Preferences', exact: true }).click();
    const toggle = page.getByLabel('Start/stop the timer', { exact: true });
    await expect(toggle.inputValue()).resolves.toBe('CommandOrControl+Shift+Alt+T');

    await toggle.fill('Ctrl+');
    await page.getByRole('button', { name: 'Save shortcuts' }).click();
    await expect.poll(() => toggle.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await toggle.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`[id="${errorId}"]`).textContent()).resolves.toMatch(
      /modifiers plus one key/,
    );
    expect(p.core.settings().hotkeys.toggleTimer).toBe('CommandOrControl+Shift+Alt+T');

    // Record: press the keys, get accelerator text.
    await page.getByRole('button', { name: 'Record: Start/stop the timer' }).click();
    await page.keyboard.press('Control+Alt+KeyK');
    await expect(toggle.inputValue()).resolves.toBe('CommandOrControl+Alt+K');
    await page.getByRole('button', { name: 'Save shortcuts' }).click();
    await expect.poll(() => p.core.settings().hotkeys.toggleTimer).toBe('CommandOrControl+Alt+K');
    // the popup re-reads settings after saving: find the save itself, whatever followed it
    expect(p.commands.filter((c) => c.type === 'settings.update').at(-1)).toEqual({
      type: 'settings.update',
      input: {
        hotkeys: {
          toggleTimer: 'CommandOrControl+Alt+K',
          togglePopup: 'CommandOrControl+Shift+Alt+Space',
        },
      },
    });
    // Esc while recording cancels the recording instead of hiding the popup.
    await page.getByRole('button', { name: 'Record: Show/hide the popup' }).click();
    await page.keyboard.press('Escape');
    expect(p.hideCalls()).toBe(0);
    await expect(
      page.getByLabel('Show/hide the popup', { exact: true }).inputValue(),
    ).resolves.toBe('CommandOrControl+Shift+Alt+Space');
  });

  it('preferences: a shortcut that could not be registered is shown next to it', async () => {
    const p = await popup();
    const { page } = p;
    p.core.setNotice({
      id: 'hotkey:togglePopup',
      level: 'error',
      message:
        'Show/hide the popup: CommandOrControl+Shift+Alt+Space could not be registered: another application uses it.',
      topic: 'hotkey:togglePopup',
    });
    await page.getByRole('listitem').filter({ hasText: 'could not be registered' }).waitFor();
    await p.show('preferences');
    const field = page.getByLabel('Show/hide the popup', { exact: true });
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
    const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(texts.join(' ')).toContain('could not be registered');
    // Accounts: the built-in Local account is listed as the default.
    const accounts = page.getByRole('region', { name: 'Accounts' });
    await expect(accounts.getByText('Local', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(accounts.getByText('Default').isVisible()).resolves.toBe(true);
  });

  it('follows the OS colour scheme unless Preferences force one', async () => {
    const p = await popup({ colorScheme: 'dark' });
    const { page } = p;
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const darkBg = await bg();
    await page.emulateMedia({ colorScheme: 'light' });
    const lightBg = await bg();
    expect(darkBg).not.toBe(lightBg);
    expect(lightBg).toBe('rgb(245, 245, 247)');
    expect(darkBg).toBe('rgb(28, 28, 31)');

    await page.getByRole('button', { name: 'Preferences', exact: true }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => p.core.settings().theme).toBe('dark');
    await expect.poll(bg).toBe(darkBg); // forced dark on a light OS
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
  });
});
