import { describe, expect, it } from 'vitest';
import { controlSocketPath, resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('TRAY_TIMER_HOME wins everywhere', () => {
    expect(resolveDataDir({ TRAY_TIMER_HOME: '/tmp/tt' }, 'linux', '/home/u')).toBe('/tmp/tt');
    expect(resolveDataDir({ TRAY_TIMER_HOME: '/tmp/tt' }, 'darwin', '/Users/u')).toBe('/tmp/tt');
  });
  it('follows each platform’s convention', () => {
    expect(resolveDataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/tray-timer');
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/tray-timer');
    expect(resolveDataDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/tray-timer',
    );
    expect(
      resolveDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'),
    ).toMatch(/tray-timer$/);
  });
  it('ignores a blank override', () => {
    expect(resolveDataDir({ TRAY_TIMER_HOME: '  ' }, 'linux', '/home/u')).toBe(
      '/home/u/.config/tray-timer',
    );
  });
});

describe('controlSocketPath', () => {
  it('is a socket in the data folder on Unix and a per-folder pipe on Windows', () => {
    expect(controlSocketPath('/home/u/.config/tray-timer', 'linux')).toBe(
      '/home/u/.config/tray-timer/control.sock',
    );
    const a = controlSocketPath('C:\\a', 'win32');
    expect(a).toMatch(/^\\\\\.\\pipe\\tray-timer-[0-9a-f]{16}$/);
    expect(controlSocketPath('C:\\b', 'win32')).not.toBe(a);
  });
});
