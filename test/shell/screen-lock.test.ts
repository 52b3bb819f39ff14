/**
 * Screen lock on Linux from the desktop's screensaver, through the shell's wiring, to the real
 * core (Local, virtual clock): a real dbus-monitor on a private session bus, real signals from
 * dbus-send. Electron is the fake (it reports no lock on
 * Linux, as the real one does not).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../main/core/core';
import { ownBusName } from '../platform/bus-name';
import { dbusToolsInstalled, startPrivateBus } from '../platform/private-bus';
import type { PrivateBus } from '../platform/private-bus';
import type { TestCore } from './harness';

vi.mock('electron', () => import('../fakes/electron'));

const { fake, powerMonitor, resetFake } = await import('../fakes/electron');
const { watchPower } = await import('../../main/shell/power');
const { createNotifier } = await import('../../main/shell/notifier');
const { createPresenceSource } = await import('../../main/shell/presence-source');
const { createScreenLockFeed } = await import('../../main/shell/screen-lock');
const { watchLinuxScreenLock } = await import('../../main/platform/screen-lock-linux');
const { openTestCore, run } = await import('./harness');

const onCi = process.env.CI === 'true' || process.env.CI === '1';
const tools = await dbusToolsInstalled();
const MIN = 60_000;
const WAIT = { timeout: 5000, interval: 20 };

// A session bus of this file's own (test/platform/private-bus.ts says why).
let bus: PrivateBus | undefined;
beforeAll(async () => {
  if (tools || onCi) bus = await startPrivateBus();
});
afterAll(() => bus?.close());

async function screensaver(active: boolean, iface = 'org.gnome.ScreenSaver'): Promise<void> {
  if (!bus) throw new Error('no private bus');
  const objectPath = iface === 'org.gnome.ScreenSaver' ? '/org/gnome/ScreenSaver' : '/ScreenSaver';
  await bus.signal(objectPath, `${iface}.ActiveChanged`, `boolean:${active}`);
}

let t: TestCore | undefined;
const stops: (() => void | Promise<void>)[] = [];
beforeEach(() => resetFake());
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await t?.close();
  t = undefined;
});

/** What main/index.ts does on Linux, with the power events the core is told recorded. */
async function linuxShell(env: NodeJS.ProcessEnv = bus?.env ?? process.env) {
  let ready: Promise<boolean> = Promise.resolve(false);
  let lockersKnown: Promise<void> = Promise.resolve();
  const logged: string[] = [];
  const feed = createScreenLockFeed({
    platform: 'linux',
    watch: (handlers) => {
      const watcher = watchLinuxScreenLock({ ...handlers, env });
      ready = watcher.ready;
      lockersKnown = watcher.lockersKnown;
      return watcher;
    },
    log: (message) => logged.push(message),
  });
  stops.push(() => feed.dispose());
  const notifier = createNotifier({ showPopup: () => undefined });
  stops.push(() => notifier.dispose());
  t = await openTestCore({
    presence: (clock) =>
      createPresenceSource({
        platform: 'linux',
        env: { XDG_SESSION_TYPE: 'wayland' },
        locksKnown: () => feed.locksKnown,
        // The machine's uptime follows the virtual clock: nobody sets the clock here.
        uptimeSeconds: () => clock.now() / 1000,
      }),
    notify: (n) => notifier.notify(n),
  });
  const real = t.core;
  const told: string[] = [];
  const core: Pick<Core, 'power'> = {
    power: (event) => {
      told.push(event);
      real.power(event);
    },
  };
  feed.attach(core);
  stops.push(watchPower(core));
  return { t, feed, told, logged, ready: await ready, lockersKnown };
}

/** A screen locker on the bus, as GNOME Shell owns org.gnome.ScreenSaver; released after. */
async function lockerOnBus(name = 'org.gnome.ScreenSaver') {
  if (!bus) throw new Error('no private bus');
  const owner = await ownBusName(bus.env.DBUS_SESSION_BUS_ADDRESS ?? '', name);
  stops.push(() => owner.release());
  return owner;
}

describe.skipIf(!tools && !onCi)('Linux screen lock → the core (a private dbus-daemon)', () => {
  it('Wayland: a 75-minute GNOME lock while a timer runs → the away prompt and notification after unlock', async () => {
    await lockerOnBus('org.gnome.ScreenSaver');
    const { t, feed, told, ready, lockersKnown } = await linuxShell();
    expect(ready).toBe(true);
    await lockersKnown;
    expect(feed.locksKnown).toBe(true);
    const { core, clock } = t;
    // Preferences does not claim that locks go unheard.
    expect(core.snapshot().presence.idle.note).toBe(
      'This Wayland session does not report idle time, so time away is counted from screen lock and sleep only.',
    );
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await clock.advance(30 * MIN);
    await screensaver(true);
    await expect.poll(() => told, WAIT).toEqual(['lock-screen']);
    await clock.advance(75 * MIN);
    expect(core.snapshot().presence.away).toBeNull();
    await screensaver(false);
    await expect.poll(() => core.snapshot().presence.away !== null, WAIT).toBe(true);
    expect(told).toEqual(['lock-screen', 'unlock-screen']);
    expect(core.snapshot().presence.away?.message).toMatch(/^You were away .*\(1 h 15 min\)$/);
    const shown = fake.notifications.filter((n) => n.shown);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toMatch(/away/i);
  });

  it('one lock heard twice (D-Bus and powerMonitor, or two interfaces) reaches the core once', async () => {
    const { told } = await linuxShell();
    await screensaver(true);
    await expect.poll(() => told, WAIT).toEqual(['lock-screen']);
    // powerMonitor is synchronous: told at once if at all.
    powerMonitor.emit('lock-screen');
    expect(told).toEqual(['lock-screen']);
    // One dbus-monitor delivers both in the order sent: a second lock would come before the unlock.
    await screensaver(true, 'org.freedesktop.ScreenSaver');
    await screensaver(false);
    await expect.poll(() => told, WAIT).toEqual(['lock-screen', 'unlock-screen']);
    powerMonitor.emit('unlock-screen');
    expect(told).toEqual(['lock-screen', 'unlock-screen']);
    await screensaver(true, 'org.freedesktop.ScreenSaver');
    await expect.poll(() => told, WAIT).toEqual(['lock-screen', 'unlock-screen', 'lock-screen']);
  });
});

describe.skipIf(!tools && !onCi)(
  'a Linux desktop whose locker sends no signal (sway + swaylock)',
  () => {
    it('Preferences says locks are not reported; once a screensaver service appears (it started after the app) it no longer does', async () => {
      const { t, feed, logged, ready, lockersKnown } = await linuxShell();
      expect(ready).toBe(true);
      await lockersKnown;
      expect(feed.locksKnown).toBe(false);
      expect(t.core.snapshot().presence.idle.note).toBe(
        'This Wayland session does not report idle time, and screen locks are not reported here either, so time away is counted from sleep (and the app not running) only.',
      );
      expect(logged).toEqual([
        'screen lock is not reported on this desktop: no screensaver service on the session bus (lockers such as swaylock or i3lock send no lock signal)',
      ]);
      await lockerOnBus('org.freedesktop.ScreenSaver');
      await expect.poll(() => feed.locksKnown, WAIT).toBe(true);
      expect(t.core.snapshot().presence.idle.note).toBe(
        'This Wayland session does not report idle time, so time away is counted from screen lock and sleep only.',
      );
    });
  },
);

describe('Linux without dbus-monitor', () => {
  it('Preferences says locks are not reported, and nothing throws', async () => {
    const { t, feed, ready } = await linuxShell({ ...process.env, PATH: '/nonexistent' });
    expect(ready).toBe(false);
    expect(feed.locksKnown).toBe(false);
    expect(t.core.snapshot().presence.idle.note).toBe(
      'This Wayland session does not report idle time, and screen locks are not reported here either, so time away is counted from sleep (and the app not running) only.',
    );
  });
});

describe("the PresenceSource's locksKnown", () => {
  it('is read live from the feed on every call; without one, Electron alone: macOS/Windows yes, Linux no', () => {
    let known = true;
    const source = createPresenceSource({ platform: 'linux', env: {}, locksKnown: () => known });
    expect(source.locksKnown).toBe(true);
    known = false;
    expect(source.locksKnown).toBe(false);
    expect(createPresenceSource({ platform: 'linux', env: {} }).locksKnown).toBe(false);
    expect(createPresenceSource({ platform: 'darwin', env: {} }).locksKnown).toBe(true);
    expect(createPresenceSource({ platform: 'win32', env: {} }).locksKnown).toBe(true);
  });
});

describe('macOS and Windows', () => {
  it.each(['darwin', 'win32'] as const)(
    '%s: no watcher, locks known (powerMonitor has them)',
    (platform) => {
      let started = false;
      const feed = createScreenLockFeed({
        platform,
        watch: (handlers) => {
          started = true;
          return watchLinuxScreenLock(handlers);
        },
      });
      expect(started).toBe(false);
      expect(feed.locksKnown).toBe(true);
      feed.dispose();
    },
  );
});
