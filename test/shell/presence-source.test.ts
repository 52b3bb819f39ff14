/**
 * The core's PresenceSource from the (fake) powerMonitor and the session's environment.
 */
import { uptime } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

const { powerMonitor, resetFake } = await import('../fakes/electron');
const { createPresenceSource, sessionType } = await import('../../main/shell/presence-source');

beforeEach(() => resetFake());
afterEach(() => vi.unstubAllEnvs());

describe('presence source', () => {
  it("reads the OS's idle time at each call, not once", () => {
    const source = createPresenceSource({ platform: 'linux', env: { XDG_SESSION_TYPE: 'x11' } });
    powerMonitor.idleSeconds = 0;
    expect(source.idleSeconds()).toBe(0);
    powerMonitor.idleSeconds = 312;
    expect(source.idleSeconds()).toBe(312);
  });

  it('a nonsense reading (negative, NaN) is "cannot tell" (a throw, for the core), not "just active"', () => {
    const source = createPresenceSource({ platform: 'darwin', env: {} });
    powerMonitor.idleSeconds = -1;
    expect(() => source.idleSeconds()).toThrow(/idle time of -1/);
    powerMonitor.idleSeconds = Number.NaN;
    expect(() => source.idleSeconds()).toThrow(/idle time of NaN/);
  });

  it("the machine's uptime: os.uptime() on Linux (sleep counted, clock changes not), none on macOS and Windows (untried), unless one is given", () => {
    const source = createPresenceSource({ platform: 'linux', env: {} });
    const before = uptime();
    const read = source.uptimeSeconds?.() ?? -1;
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(uptime());
    expect(createPresenceSource({ platform: 'darwin', env: {} }).uptimeSeconds).toBeUndefined();
    expect(createPresenceSource({ platform: 'win32', env: {} }).uptimeSeconds).toBeUndefined();
    const given = createPresenceSource({ platform: 'win32', env: {}, uptimeSeconds: () => 42 });
    expect(given.uptimeSeconds?.()).toBe(42);
  });

  it('defaults to this process: platform and environment', () => {
    vi.stubEnv('XDG_SESSION_TYPE', 'wayland');
    const expected = process.platform === 'linux' ? 'wayland' : 'other';
    expect(createPresenceSource().session).toBe(expected);
  });
});

describe('session type', () => {
  it.each([
    ['linux', { XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' }, 'wayland'],
    ['linux', { XDG_SESSION_TYPE: 'x11', WAYLAND_DISPLAY: 'wayland-0' }, 'x11'],
    ['linux', { XDG_SESSION_TYPE: 'Wayland' }, 'wayland'],
    // Started by hand (no logind session type): the display variables tell.
    ['linux', { XDG_SESSION_TYPE: 'tty', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, 'wayland'],
    ['linux', { DISPLAY: ':1' }, 'x11'],
    ['linux', {}, 'other'],
    ['darwin', { XDG_SESSION_TYPE: 'wayland' }, 'other'],
    ['win32', { WAYLAND_DISPLAY: 'wayland-0' }, 'other'],
  ] as const)('%s %j → %s', (platform, env, expected) => {
    expect(sessionType(platform, env)).toBe(expected);
  });
});
