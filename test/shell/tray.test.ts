import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { fake, resetFake, Notification } = await import('../fakes/electron');
const { createTray, trayIconFile } = await import('../../main/shell/tray');
const { createPopup } = await import('../../main/shell/popup-window');
const { createActionRunner, ACTION_NOTICE_ID } = await import('../../main/shell/run-action');
const { IPC } = await import('../../preload/contract');
const { openTestCore, run, local, until } = await import('./harness');

const ICONS = '/app/assets/tray';
let t: TestCore;
let quit: ReturnType<typeof vi.fn<() => void>>;

async function setUp(platform: NodeJS.Platform = 'linux') {
  t = await openTestCore();
  const popup = createPopup({
    preloadPath: '/app/out/preload/index.cjs',
    url: 'app://tray-timer/index.html',
    trayBounds: () => null,
    platform,
  });
  quit = vi.fn<() => void>();
  const handle = createTray({
    core: t.core,
    popup,
    run: createActionRunner({ core: t.core, showPopup: () => popup.show() }),
    iconPath: (file) => path.join(ICONS, file),
    platform,
    quit,
  });
  return { popup, handle, tray: fake.tray };
}

beforeEach(() => resetFake());
afterEach(async () => t?.close());

describe('tray on Linux (menu attached, no title)', () => {
  it('idle: idle icon, "Not tracking" tooltip, Start and a disabled Continue', async () => {
    const { tray } = await setUp();
    expect(tray.image).toBe(path.join(ICONS, 'tray-idle.png'));
    expect(tray.tooltip).toMatch(/^Not tracking · today 0:00/);
    expect(tray.menuLabels).toEqual([
      'Start timer',
      'Continue last entry',
      '---',
      'Open Tray Timer',
      'Preferences…',
      '---',
      'Quit',
    ]);
    expect(tray.menuItem('continue').enabled).toBe(false);
    expect(tray.contextMenu).not.toBeNull();
    expect(tray.titleCalls).toBe(0);
  });

  it('follows the core: running icon, ▶ tooltip, Stop “…”; back to idle after stop', async () => {
    const { tray } = await setUp();
    await run(t.core, { type: 'start', input: { description: 'Writing docs' } });
    expect(tray.image).toBe(path.join(ICONS, 'tray-running.png'));
    expect(tray.tooltip).toMatch(/^▶ 0:00 Writing docs/);
    expect(tray.menuItem('toggle').label).toBe('Stop “Writing docs”');

    await run(t.core, { type: 'stop', input: {} });
    expect(tray.image).toBe(path.join(ICONS, 'tray-idle.png'));
    expect(tray.tooltip).toMatch(/^Not tracking/);
    expect(tray.menuItem('toggle').label).toBe('Start timer');
    expect(tray.menuItem('continue')).toMatchObject({
      label: 'Continue “Writing docs”',
      enabled: true,
    });
    expect(titleNeverSet(tray)).toBe(true);
  });

  it('menu Start/Stop and Continue change the core state', async () => {
    const { tray } = await setUp();
    tray.clickMenuItem('Start timer');
    // The menu follows the snapshot emitted once the action is done.
    await until(() => expect(tray.menuItem('toggle').label).toBe('Stop timer'));
    expect(local(t.core.snapshot()).running).toBe(true);

    tray.clickMenuItem('toggle');
    await until(() => expect(tray.menuItem('toggle').label).toBe('Start timer'));
    expect(local(t.core.snapshot()).running).toBe(false);

    await t.clock.advance(60_000);
    await run(t.core, { type: 'start', input: { description: 'Review' } });
    await t.clock.advance(60_000);
    await run(t.core, { type: 'stop', input: {} });
    tray.clickMenuItem('Continue “Review”');
    await until(() => expect(tray.menuItem('toggle').label).toBe('Stop “Review”'));
    expect(local(t.core.snapshot()).entry?.description).toBe('Review');
  });

  it('the menu is rebuilt when its content changes, not on every tooltip tick', async () => {
    const { tray } = await setUp();
    await run(t.core, { type: 'start', input: { description: 'Long task' } });
    const built = fake.menusBuilt;
    const attached = tray.contextMenuCalls;
    // Ticks are aligned to the minute; half a minute of slack keeps this independent of that.
    await t.clock.advance(3.5 * 60_000);
    expect(tray.tooltip).toMatch(/^▶ 0:03 Long task/);
    expect(fake.menusBuilt).toBe(built);
    expect(tray.contextMenuCalls).toBe(attached);
    await run(t.core, { type: 'stop', input: {} });
    expect(fake.menusBuilt).toBe(built + 1);
    expect(tray.contextMenuCalls).toBe(attached + 1);
  });

  it('Open and Preferences show the popup on the right view; a click toggles it; Quit quits', async () => {
    const { tray } = await setUp();
    const window = fake.window;
    tray.clickMenuItem('Preferences…');
    expect(window.visible).toBe(true);
    expect(window.webContents.sent.at(-1)).toEqual({ channel: IPC.shown, args: ['preferences'] });
    tray.click();
    expect(window.visible).toBe(false);
    tray.clickMenuItem('Open Tray Timer');
    expect(window.visible).toBe(true);
    expect(window.webContents.sent.at(-1)).toEqual({ channel: IPC.shown, args: ['timer'] });
    tray.clickMenuItem('Quit');
    expect(quit).toHaveBeenCalledOnce();
  });

  it('a needs-attention notice turns the icon to attention', async () => {
    const { tray } = await setUp();
    t.core.setNotice({ id: 'x', level: 'error', message: 'Sign-in needed' });
    expect(tray.image).toBe(path.join(ICONS, 'tray-attention.png'));
  });

  it('long descriptions are shortened in the menu', async () => {
    const { tray } = await setUp();
    await run(t.core, { type: 'start', input: { description: 'x'.repeat(200) } });
    const label = tray.menuItem('toggle').label ?? '';
    expect(label.length).toBeLessThan(50);
    expect(label).toMatch(/^Stop “x+…”$/);
  });
});

function titleNeverSet(tray: { titleCalls: number }): boolean {
  return tray.titleCalls === 0;
}

describe('tray on macOS', () => {
  it('template icons, elapsed time as the title, menu on right click (left click opens the popup)', async () => {
    const { tray } = await setUp('darwin');
    expect(tray.image).toBe(path.join(ICONS, 'trayTemplate.png'));
    expect(tray.contextMenu).toBeNull();
    await run(t.core, { type: 'start', input: { description: 'Design' } });
    expect(tray.image).toBe(path.join(ICONS, 'trayRunningTemplate.png'));
    expect(tray.title).toBe('0:00');
    await t.clock.advance(65.5 * 60_000);
    expect(tray.title).toBe('1:05');
    tray.rightClick();
    expect(tray.menuItem('toggle').label).toBe('Stop “Design”');
    tray.click();
    expect(fake.window.visible).toBe(true);
  });

  it('icon file names for every state and platform', () => {
    expect(
      ['idle', 'running', 'attention'].map((s) => trayIconFile(s as 'idle', 'darwin')),
    ).toEqual(['trayTemplate.png', 'trayRunningTemplate.png', 'trayAttentionTemplate.png']);
    expect(['idle', 'running', 'attention'].map((s) => trayIconFile(s as 'idle', 'win32'))).toEqual(
      ['tray-idle.png', 'tray-running.png', 'tray-attention.png'],
    );
  });
});

describe('a failed tray or hotkey action is never dropped', () => {
  it('shows a notification and a notice; the next success clears the notice', async () => {
    await setUp();
    const runAction = createActionRunner({ core: t.core, showPopup: () => undefined });
    const result = await runAction({ type: 'stop', input: { accountId: 'no-such-account' } });
    expect(result.ok).toBe(false);
    const shown = fake.notifications.at(-1);
    expect(shown?.shown).toBe(true);
    expect(shown?.body).toMatch(/no-such-account|not found|does not exist/i);
    // Silent, and normal urgency: a banner where the desktop allows one, never past do-not-disturb.
    expect(shown?.options).toMatchObject({ silent: true, urgency: 'normal' });
    const notice = t.core.snapshot().notices.find((n) => n.id === ACTION_NOTICE_ID);
    expect(notice?.message).toBe(shown?.body);

    await runAction({ type: 'start', input: {} });
    expect(t.core.snapshot().notices.find((n) => n.id === ACTION_NOTICE_ID)).toBeUndefined();
  });

  it('without notifications, the popup opens to show it', async () => {
    const { popup } = await setUp();
    Notification.supported = false;
    const runAction = createActionRunner({ core: t.core, showPopup: () => popup.show() });
    await runAction({ type: 'continue', input: {} });
    expect(fake.notifications).toHaveLength(0);
    expect(popup.isVisible()).toBe(true);
    expect(t.core.snapshot().notices.some((n) => n.id === ACTION_NOTICE_ID)).toBe(true);
  });
});

describe('tray icon files', () => {
  it('every icon the tray can ask for exists in assets/tray, at 1x and 2x', async () => {
    const { existsSync } = await import('node:fs');
    for (const platform of ['linux', 'win32', 'darwin'] as const)
      for (const state of ['idle', 'running', 'attention'] as const) {
        const file = trayIconFile(state, platform);
        expect(existsSync(path.join('assets/tray', file)), file).toBe(true);
        expect(existsSync(path.join('assets/tray', file.replace(/\.png$/, '@2x.png'))), file).toBe(
          true,
        );
      }
  });
});

describe('acting for a member (WebWork "Track for")', () => {
  it('the Stop item says whose timer it stops', async () => {
    const { trayMenuModel } = await import('../../main/shell/tray');
    t = await openTestCore();
    await run(t.core, { type: 'start', input: { description: 'Bricks & mortar' } });
    const snapshot = t.core.snapshot();
    const bob = { id: '7', name: 'Bob & Co', email: 'bob@example.com', role: 'Regular User' };
    const acting = {
      ...snapshot,
      accounts: snapshot.accounts.map((a) => ({ ...a, actingFor: bob })),
    };
    expect(trayMenuModel(snapshot, 'linux').toggle.label).toBe('Stop “Bricks & mortar”');
    expect(trayMenuModel(acting, 'linux').toggle.label).toBe('Stop “Bricks & mortar” for Bob & Co');
    expect(trayMenuModel(acting, 'win32').toggle.label).toBe(
      'Stop “Bricks && mortar” for Bob && Co',
    );
  });
});

describe('journal actions in the tray menu', () => {
  it('an action the service refused, read from the journal at start-up: "needs you…" opens the popup', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tray-timer-shell-journal-'));
    const refused = {
      id: 'a1',
      accountId: 'local',
      kind: 'start',
      at: Date.parse('2026-11-27T08:04:00Z'),
      queuedAt: Date.parse('2026-11-27T08:04:00Z'),
      work: {
        description: 'Offline work',
        projectId: 'gone',
        projectName: 'Gone',
        projectColor: null,
        taskId: null,
        taskName: null,
      },
      expectRunning: null,
      label: 'Start “Offline work — Gone”',
      lateOk: true,
      attempts: 1,
      state: 'rejected',
      error: { kind: 'not-found', message: 'Unknown local project gone' },
    };
    writeFileSync(
      path.join(dataDir, 'journal.json'),
      JSON.stringify({ version: 1, actions: [refused] }),
    );
    t = await openTestCore({ dataDir });
    const popup = createPopup({
      preloadPath: '/app/out/preload/index.cjs',
      url: 'app://tray-timer/index.html',
      trayBounds: () => null,
      platform: 'linux',
    });
    createTray({
      core: t.core,
      popup,
      run: createActionRunner({ core: t.core, showPopup: () => popup.show() }),
      iconPath: (file) => path.join(ICONS, file),
      platform: 'linux',
      quit: vi.fn<() => void>(),
    });
    const tray = fake.tray;
    expect(tray.menuLabels).toEqual([
      'Start timer',
      'Continue last entry',
      '1 action needs you…',
      '---',
      'Open Tray Timer',
      'Preferences…',
      '---',
      'Quit',
    ]);
    expect(tray.image).toBe(path.join(ICONS, 'tray-attention.png'));
    expect(tray.tooltip).toContain('⚠ 1 action needs you (Local) — open Tray Timer');
    expect(popup.window.isVisible()).toBe(false);
    tray.clickMenuItem('1 action needs you…');
    expect(popup.window.isVisible()).toBe(true);
  });

  it('waiting actions: "Sync now (N waiting)" asks for a refresh', async () => {
    const { trayMenuModel } = await import('../../main/shell/tray');
    t = await openTestCore();
    const snapshot = t.core.snapshot();
    expect(trayMenuModel(snapshot, 'linux').sync).toBeNull();
    const waiting = {
      ...snapshot,
      accounts: snapshot.accounts.map((a) => ({
        ...a,
        pending: [
          {
            id: 'a1',
            kind: 'start' as const,
            summary: 'Start “Docs” at 10:04',
            at: '2026-11-27T10:04:00.000+00:00',
            state: 'waiting' as const,
            error: null,
            theirs: null,
          },
        ],
      })),
    };
    expect(trayMenuModel(waiting, 'linux').sync).toEqual({
      label: 'Sync now (1 waiting)',
      command: { type: 'refresh', input: {} },
    });
  });
});

describe('the away prompt in the menu', () => {
  it('leads the menu while it waits, and opens the popup where it is answered', async () => {
    const { popup, tray } = await setUp();
    await run(t.core, { type: 'start', input: { description: 'Docs' } });
    const open = t.core.snapshot();
    const away = {
      ...open,
      presence: {
        ...open.presence,
        away: {
          id: 'p1',
          from: '2026-11-27T10:42:00.000+01:00',
          to: '2026-11-27T11:57:00.000+01:00',
          seconds: 4500,
          reason: 'lock' as const,
          message: 'You were away 10:42–11:57 (1 h 15 min)',
          accounts: [
            {
              accountId: 'local',
              label: 'Local',
              entryId: 'e1',
              entryLabel: '“Docs”',
              choices: ['keep' as const],
              note: null,
            },
          ],
        },
      },
    };
    const { trayMenuModel } = await import('../../main/shell/tray');
    expect(trayMenuModel(open, 'linux').away).toBeNull();
    expect(trayMenuModel(away, 'linux').away).toEqual({
      label: 'You were away 10:42–11:57 (1 h 15 min) — decide…',
    });
    // Through the real core: a lunch lock.
    t.core.power('lock-screen');
    await t.clock.advance(75 * 60_000);
    t.core.power('unlock-screen');
    await until(() => tray.menuLabels[0]?.startsWith('You were away') === true);
    expect(tray.menuLabels.slice(0, 3)).toEqual([
      expect.stringMatching(/^You were away \d\d:\d\d–\d\d:\d\d \(1 h 15 min\) — decide…$/),
      '---',
      'Stop “Docs”',
    ]);
    expect(popup.window.isVisible()).toBe(false);
    tray.clickMenuItem(tray.menuLabels[0] ?? '');
    expect(popup.window.isVisible()).toBe(true);
  });
});
