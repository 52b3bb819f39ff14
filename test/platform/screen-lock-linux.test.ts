/**
 * The Linux screen lock watcher against a real D-Bus session bus (a dbus-daemon of this file's
 * own): a real dbus-monitor child, real signals sent with dbus-send the way GNOME Shell, KDE,
 * Cinnamon and MATE send them.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMonitorParser,
  screensaverOwners,
  watchLinuxScreenLock,
} from '../../main/platform/screen-lock-linux';
import type {
  MonitorEvent,
  ScreenLockWatcher,
  ScreenLockWatchOptions,
} from '../../main/platform/screen-lock-linux';
import { ownBusName } from './bus-name';
import { dbusToolsInstalled, startPrivateBus } from './private-bus';
import type { PrivateBus } from './private-bus';

const onCi = process.env.CI === 'true' || process.env.CI === '1';
// Without the D-Bus tools the bus tests skip, saying so; on CI (which installs them) they run.
const tools = await dbusToolsInstalled();
const WAIT = { timeout: 5000, interval: 20 };

let bus: PrivateBus | undefined;
beforeAll(async () => {
  if (tools || onCi) bus = await startPrivateBus();
});
afterAll(() => bus?.close());

async function signal(objectPath: string, member: string, ...args: string[]): Promise<void> {
  if (!bus) throw new Error('no private bus');
  await bus.signal(objectPath, member, ...args);
}

const watchers: ScreenLockWatcher[] = [];
afterEach(() => {
  for (const watcher of watchers.splice(0)) watcher.dispose();
});

function watch(options: Partial<ScreenLockWatchOptions> = {}) {
  const events: string[] = [];
  const unavailable: string[] = [];
  const watcher = watchLinuxScreenLock({
    onLock: () => events.push('lock'),
    onUnlock: () => events.push('unlock'),
    onUnavailable: (reason) => unavailable.push(reason),
    ...(bus ? { env: bus.env } : {}),
    ...options,
  });
  watchers.push(watcher);
  return { watcher, events, unavailable };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('dbus-monitor output parsing', () => {
  it('a screensaver ActiveChanged header and its boolean are a lock or an unlock; the rest is nothing', () => {
    const parse = createMonitorParser();
    const header = (iface: string, member = 'ActiveChanged') =>
      `signal time=1534260664.904563 sender=:1.12 -> destination=(null destination) serial=1124 path=/ScreenSaver; interface=${iface}; member=${member}`;
    const lock = { kind: 'lock' } as const;
    const unlock = { kind: 'unlock' } as const;
    const lines: [string, MonitorEvent | null][] = [
      [header('org.freedesktop.ScreenSaver'), null],
      ['   boolean true', lock],
      ['   boolean false', null], // a second line is not a second signal
      [header('org.gnome.ScreenSaver'), null],
      ['   boolean false', unlock],
      [header('org.example.Other'), null],
      ['   boolean true', null],
      [header('org.gnome.ScreenSaver', 'WakeUpScreen'), null],
      ['   boolean true', null],
      [header('org.mate.ScreenSaver'), null],
      ['   string "true"', null],
      [header('org.cinnamon.ScreenSaver'), null],
      ['garbage', null],
      ['   boolean true', null],
      ['signal time=1 sender=:1.1 -> destination=(null destination) serial=2 path=/Scr', null],
      ['', null],
    ];
    expect(lines.map(([line]) => parse(line))).toEqual(lines.map(([, want]) => want));
  });

  it("the bus's NameOwnerChanged for a screensaver name is a locker coming or going; other names are nothing", () => {
    const parse = createMonitorParser();
    const header =
      'signal time=1764241200.1 sender=org.freedesktop.DBus -> destination=(null destination) serial=7 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameOwnerChanged';
    const lines: [string, MonitorEvent | null][] = [
      [header, null],
      ['   string "org.gnome.ScreenSaver"', null],
      ['   string ""', null],
      ['   string ":1.42"', { kind: 'owner', name: 'org.gnome.ScreenSaver', owned: true }],
      [header, null],
      ['   string "org.gnome.ScreenSaver"', null],
      ['   string ":1.42"', null],
      ['   string ""', { kind: 'owner', name: 'org.gnome.ScreenSaver', owned: false }],
      [header, null],
      ['   string "org.example.Other"', null],
      ['   string ""', null],
      ['   string ":1.43"', null],
      // Cut short: the next header starts over.
      [header, null],
      ['   string "org.freedesktop.ScreenSaver"', null],
      [header, null],
      ['   string "org.freedesktop.ScreenSaver"', null],
      ['   string ""', null],
      ['   string ":1.9"', { kind: 'owner', name: 'org.freedesktop.ScreenSaver', owned: true }],
      ['   string ":1.10"', null],
    ];
    expect(lines.map(([line]) => parse(line))).toEqual(lines.map(([, want]) => want));
  });

  it("ListNames as dbus-send prints it: the screensaver names among the bus's names", () => {
    const reply = [
      'method return time=1764241200.2 sender=org.freedesktop.DBus -> destination=:1.7 serial=3 reply_serial=2',
      '   array [',
      '      string "org.freedesktop.DBus"',
      '      string ":1.7"',
      '      string "org.freedesktop.ScreenSaver"',
      '      string "org.gnome.ScreenSaver.Extra"',
      '      string ":1.3"',
      '      string "org.gnome.ScreenSaver"',
      '   ]',
    ].join('\n');
    expect(screensaverOwners(reply)).toEqual([
      'org.gnome.ScreenSaver',
      'org.freedesktop.ScreenSaver',
    ]);
    expect(screensaverOwners(reply.replace(/ScreenSaver"/g, 'Other"'))).toEqual([]);
  });
});

describe.skipIf(!tools && !onCi)(
  'screen lock from a real session bus (a private dbus-daemon)',
  () => {
    it('locks and unlocks from GNOME, KDE (both paths), Cinnamon and MATE arrive in order', async () => {
      const { watcher, events, unavailable } = watch();
      await expect(watcher.ready).resolves.toBe(true);
      expect(watcher.state).toBe('watching');

      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
      await signal('/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:false');
      await signal(
        '/org/freedesktop/ScreenSaver',
        'org.freedesktop.ScreenSaver.ActiveChanged',
        'boolean:true',
      );
      await signal(
        '/org/cinnamon/ScreenSaver',
        'org.cinnamon.ScreenSaver.ActiveChanged',
        'boolean:false',
      );
      await signal('/org/mate/ScreenSaver', 'org.mate.ScreenSaver.ActiveChanged', 'boolean:true');
      // Not locks: another interface, another member, a string argument, no argument.
      await signal('/org/example/Thing', 'org.example.Thing.ActiveChanged', 'boolean:true');
      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.WakeUpScreen');
      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'string:false');
      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged');
      await signal(
        '/org/gnome/ScreenSaver',
        'org.gnome.ScreenSaver.ActiveChanged',
        'boolean:false',
      );

      await expect.poll(() => events.length, WAIT).toBe(6);
      expect(events).toEqual(['lock', 'unlock', 'lock', 'unlock', 'lock', 'unlock']);
      expect(unavailable).toEqual([]);
    });

    it('no screen locker on the bus (sway, i3): lockers is empty; a GNOME Shell taking its name later is seen, and its going away', async () => {
      if (!bus) throw new Error('no private bus');
      const { watcher } = watch();
      await watcher.ready;
      await watcher.lockersKnown;
      expect(watcher.lockers).toEqual([]);
      const shell = await ownBusName(
        bus.env.DBUS_SESSION_BUS_ADDRESS ?? '',
        'org.gnome.ScreenSaver',
      );
      await expect.poll(() => watcher.lockers, WAIT).toEqual(['org.gnome.ScreenSaver']);
      await shell.release();
      await expect.poll(() => watcher.lockers, WAIT).toEqual([]);
    });

    it('a locker already running when the watcher starts is found (KDE: org.freedesktop.ScreenSaver)', async () => {
      if (!bus) throw new Error('no private bus');
      const kde = await ownBusName(
        bus.env.DBUS_SESSION_BUS_ADDRESS ?? '',
        'org.freedesktop.ScreenSaver',
      );
      try {
        const { watcher } = watch();
        await watcher.lockersKnown;
        expect(watcher.lockers).toEqual(['org.freedesktop.ScreenSaver']);
      } finally {
        await kde.release();
      }
    });

    it('a locker that appears while the answer to ListNames is on its way is not lost to that older answer', async () => {
      if (!bus) throw new Error('no private bus');
      // A dbus-send that asks at once but answers late, saying when it has asked.
      const dir = mkdtempSync(path.join(tmpdir(), 'tray-timer-slow-send-'));
      const asked = path.join(dir, 'asked');
      const script = path.join(dir, 'slow-dbus-send');
      writeFileSync(
        script,
        `#!/bin/sh\nout=$(dbus-send "$@")\ntouch '${asked}'\nsleep 1\nprintf '%s\\n' "$out"\n`,
        { mode: 0o755 },
      );
      try {
        const { watcher } = watch({ sendCommand: script });
        await watcher.ready;
        await expect.poll(() => existsSync(asked), WAIT).toBe(true);
        const shell = await ownBusName(
          bus.env.DBUS_SESSION_BUS_ADDRESS ?? '',
          'org.gnome.ScreenSaver',
        );
        try {
          await watcher.lockersKnown;
          expect(watcher.lockers).toEqual(['org.gnome.ScreenSaver']);
        } finally {
          await shell.release();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('without dbus-send to ask, whether a locker is there stays unknown (null), and locks are still heard', async () => {
      const { watcher, events } = watch({ sendCommand: '/nonexistent/dbus-send' });
      await watcher.ready;
      await watcher.lockersKnown;
      expect(watcher.lockers).toBeNull();
      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
      await expect.poll(() => events, WAIT).toEqual(['lock']);
    });

    it('dbus-monitor killed → started again, and locks still arrive', async () => {
      const { watcher, events } = watch({ restartDelayMs: 20 });
      await watcher.ready;
      const first = watcher.pid;
      expect(first).toBeTypeOf('number');
      process.kill(first ?? 0, 'SIGKILL');
      await expect
        .poll(
          () => watcher.state === 'watching' && watcher.pid !== undefined && watcher.pid !== first,
          WAIT,
        )
        .toBe(true);
      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
      await expect.poll(() => events, WAIT).toEqual(['lock']);
    });

    it('dispose kills dbus-monitor and nothing restarts it', async () => {
      const { watcher, events } = watch({ restartDelayMs: 10 });
      await watcher.ready;
      const pid = watcher.pid ?? 0;
      expect(alive(pid)).toBe(true);
      watcher.dispose();
      await expect.poll(() => alive(pid), WAIT).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(watcher.pid).toBeUndefined();
      expect(watcher.state).toBe('stopped');
      await signal('/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events).toEqual([]);
    });
  },
);

describe('when screen lock cannot be watched', () => {
  it('dbus-monitor not on PATH → unavailable, said once, no throw, no restart', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'tray-timer-nopath-'));
    try {
      const { watcher, unavailable } = watch({
        env: { ...process.env, PATH: empty },
        restartDelayMs: 10,
      });
      await expect(watcher.ready).resolves.toBe(false);
      expect(watcher.state).toBe('unavailable');
      expect(watcher.reason).toBe('dbus-monitor is not installed');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unavailable).toEqual(['dbus-monitor is not installed']);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("no session bus to connect to → unavailable at once, with dbus-monitor's reason", async () => {
    // No X display either: dbus-monitor would otherwise try to autolaunch a bus through X11.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => key !== 'DISPLAY' && key !== 'WAYLAND_DISPLAY'),
    );
    const { watcher, unavailable } = watch({
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tray-timer-bus' },
      restartDelayMs: 10,
    });
    await expect(watcher.ready).resolves.toBe(false);
    expect(watcher.state).toBe('unavailable');
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]).toMatch(/Failed to open connection to session bus/);
  });

  it('a monitor that keeps exiting is restarted with back-off a few times, then given up', async () => {
    // `false` exits at once with status 1 and says nothing, like a monitor that dies early.
    const started = Date.now();
    const { watcher, unavailable } = watch({
      command: 'false',
      maxRestarts: 2,
      restartDelayMs: 40,
    });
    await expect(watcher.ready).resolves.toBe(false);
    // Two restarts: 40 ms, then 80 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(unavailable).toEqual(['false exited (code 1) (gave up after 2 restarts)']);
  });
});
