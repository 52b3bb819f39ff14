/**
 * README screenshots with a Toggl Track account (360×520 at 2×): Preferences → Accounts right
 * after connecting, the timer with Local and Toggl both running, and Toggl's quota banner in
 * dark. Real core, real Toggl provider, the fake Toggl server; the core's, the fake's and the
 * page's clocks are pinned so the pictures only change when the popup does.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../main/core/clock';
import { systemClock } from '../../main/core/clock';
import type { SecretStore } from '../../main/secrets/secret-store';
import type { Command } from '../../preload/contract';
import { startFakeToggl } from '../fakes/toggl-server';
import type { FakeToggl } from '../fakes/toggl-server';
import { launchChromium, openPopup } from './popup-harness';
import type { Popup } from './popup-harness';
import { ensureRendererBuilt, RENDERER_OUT, REPO } from './renderer-build';
import { serveDirectory } from './static-server';
import type { StaticServer } from './static-server';

process.env.TZ = 'UTC';
const OUT = join(REPO, 'docs', 'screenshots');
const at = (hhmmss: string) => Date.parse(`2026-11-27T${hhmmss}Z`);
const SHOWN_AT = at('15:42:00');
const TOKEN = '0c0ffee0c0ffee0c0ffee0c0ffee0c0f';

class PinnedClock implements Clock {
  constructor(public time: number) {}
  now = () => this.time;
  setTimer = systemClock.setTimer;
}

/**
 * Stands in for the OS keychain (same interface, memory inside), so the pictures show what a
 * user with a working keychain reads after connecting, not the session-only warning.
 */
class PictureKeychain implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly #secrets = new Map<string, string>();
  status = async () => ({ kind: this.kind, available: true });
  get = async (id: string) => this.#secrets.get(id) ?? null;
  set = async (id: string, secret: string) => void this.#secrets.set(id, secret);
  delete = async (id: string) => this.#secrets.delete(id);
}

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  await ensureRendererBuilt();
  server = await serveDirectory(RENDERER_OUT);
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

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

  const p = await openPopup(browser, server.url, {
    colorScheme,
    clock,
    fixedTimeMs: SHOWN_AT,
    timezoneId: 'UTC',
    secrets: new PictureKeychain(),
  });
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
  const run = async (time: string, command: Command) => {
    clock.time = at(time);
    const result = await p.core.execute(command);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  };
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

async function shot(page: Page, name: string) {
  const path = join(OUT, `${name}.png`);
  await page.mouse.move(4, 516); // the footer: no hover effect in the picture
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  expect(statSync(path).size).toBeGreaterThan(10_000);
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
