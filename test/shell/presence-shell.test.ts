/**
 * The shell's presence pieces around the real core (Local, virtual clock): the fake OS locks
 * the screen and reports idle time, the core asks about the time away, and the user sees a
 * silent notification whose click opens the popup. The core's decisions are tested in
 * main/core/presence-service.test.ts; this is the wiring main/index.ts does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { fake, powerMonitor, resetFake } = await import('../fakes/electron');
const { createPopup } = await import('../../main/shell/popup-window');
const { watchPower } = await import('../../main/shell/power');
const { createNotifier } = await import('../../main/shell/notifier');
const { createPresenceSource } = await import('../../main/shell/presence-source');
const { openTestCore, run } = await import('./harness');

const MIN = 60_000;
let t: TestCore | undefined;
const stops: (() => void)[] = [];

beforeEach(() => resetFake());
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await t?.close();
  t = undefined;
});

async function shell(session: 'x11' | 'wayland') {
  const env = session === 'wayland' ? { XDG_SESSION_TYPE: 'wayland' } : { XDG_SESSION_TYPE: 'x11' };
  let showPopup: () => void = () => undefined;
  const notifier = createNotifier({ showPopup: () => showPopup() });
  t = await openTestCore({
    // The machine's uptime follows the virtual clock: nobody sets the clock in these tests.
    presence: (clock) =>
      createPresenceSource({ platform: 'linux', env, uptimeSeconds: () => clock.now() / 1000 }),
    notify: (n) => notifier.notify(n),
  });
  const popup = createPopup({
    preloadPath: '/app/out/preload/index.cjs',
    url: 'app://tray-timer/index.html',
    trayBounds: () => null,
    platform: 'linux',
  });
  showPopup = () => popup.show('timer');
  stops.push(watchPower(t.core, { sessionWindow: popup.window }), () => notifier.dispose());
  return t;
}

describe('away time, from the fake OS to a notification', () => {
  it.each(['x11', 'wayland'] as const)(
    '%s: a 75-minute lock while a timer runs → a silent "away" notification; its click opens the popup',
    async (session) => {
      const { core, clock } = await shell(session);
      await run(core, { type: 'start', input: { description: 'Docs' } });
      await clock.advance(30 * MIN);
      powerMonitor.emit('lock-screen');
      // X11 reports the idle time growing; Wayland's stays 0 (the lock events carry it).
      if (session === 'x11') powerMonitor.idleSeconds = 75 * 60;
      await clock.advance(75 * MIN);
      powerMonitor.idleSeconds = 0;
      powerMonitor.emit('unlock-screen');

      expect(core.snapshot().presence.away).not.toBeNull();
      const away = fake.notifications.filter((n) => n.shown);
      expect(away).toHaveLength(1);
      expect(away[0]?.title).toMatch(/away/i);
      expect(away[0]?.options).toMatchObject({ silent: true, urgency: 'normal' });
      expect(fake.window.visible).toBe(false);
      away[0]?.click();
      expect(fake.window.visible).toBe(true);
    },
  );

  it('a 2-minute lock asks nothing and shows nothing', async () => {
    const { core, clock } = await shell('x11');
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(10 * MIN);
    powerMonitor.emit('lock-screen');
    await clock.advance(2 * MIN);
    powerMonitor.emit('unlock-screen');
    expect(core.snapshot().presence.away).toBeNull();
    expect(fake.notifications).toHaveLength(0);
  });

  it('notifications off in Preferences: the prompt waits in the popup, no notification', async () => {
    const { core, clock } = await shell('x11');
    await run(core, { type: 'settings.update', input: { notifications: false } });
    await run(core, { type: 'start', input: { description: 'Docs' } });
    powerMonitor.emit('lock-screen');
    await clock.advance(60 * MIN);
    powerMonitor.emit('unlock-screen');
    expect(core.snapshot().presence.away).not.toBeNull();
    expect(fake.notifications).toHaveLength(0);
  });

  it("the session the shell reports decides Preferences' idle line: X11 system, Wayland lock-only", async () => {
    const x11 = await shell('x11');
    expect(x11.core.snapshot().presence.idle).toEqual({ source: 'system', note: null });
    await x11.close();
    const wayland = await shell('wayland');
    expect(wayland.core.snapshot().presence.idle.source).toBe('lock-only');
    expect(wayland.core.snapshot().presence.idle.note).toMatch(/Wayland session/);
  });
});
