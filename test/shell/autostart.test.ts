/**
 * The Linux autostart entry (main/platform/autostart.ts) with real files in a temp
 * XDG_CONFIG_HOME: the exact bytes written, the Exec quoting of awkward paths, ownership of the
 * file, and failures as values.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyAutostart,
  autostartDir,
  desktopEntry,
  loginProgram,
  quoteExecArg,
} from '../../main/platform/autostart';
import type { AutostartTarget } from '../../main/platform/autostart';

let root: string;
let config: string;
let target: AutostartTarget;
const entry = () => path.join(config, 'autostart', 'tray-timer.desktop');

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tray-timer-autostart-'));
  config = path.join(root, 'config');
  target = {
    env: { XDG_CONFIG_HOME: config },
    homeDir: path.join(root, 'home'),
    execPath: '/opt/Tray Timer/tray-timer',
  };
});
afterEach(() => {
  chmodSync(root, 0o700);
  for (const dir of [config, path.join(config, 'autostart')])
    if (existsSync(dir) && statSync(dir).isDirectory()) chmodSync(dir, 0o700);
  rmSync(root, { recursive: true, force: true });
});

describe('the autostart entry on disk', () => {
  it('on: writes exactly this entry, the installed path with its space quoted', () => {
    expect(applyAutostart(true, target)).toEqual({ kind: 'written', path: entry() });
    expect(readFileSync(entry(), 'utf8')).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Tray Timer',
        'Comment=Track time from the system tray',
        'Exec="/opt/Tray Timer/tray-timer"',
        'TryExec=/opt/Tray Timer/tray-timer',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        'X-Tray-Timer-Managed=true',
        '',
      ].join('\n'),
    );
    // Nothing else left in the folder (the atomic write's temp file is gone).
    expect(readdirSync(path.dirname(entry()))).toEqual(['tray-timer.desktop']);
  });

  it('an AppImage: the image file (APPIMAGE), not its temporary mount', () => {
    target.env.APPIMAGE = '/home/ana/Applications/Tray Timer-0.1.0.AppImage';
    target.execPath = '/tmp/.mount_TrayTiXXXX/tray-timer';
    applyAutostart(true, target);
    const text = readFileSync(entry(), 'utf8');
    expect(text).toContain('\nExec="/home/ana/Applications/Tray Timer-0.1.0.AppImage"\n');
    expect(text).not.toContain('.mount_');
  });

  it('on again with the same content: the file is not rewritten', () => {
    applyAutostart(true, target);
    const before = statSync(entry());
    // Make any rewrite visible: a rewrite would replace the inode (rename) and reset the mode.
    chmodSync(entry(), 0o644);
    expect(applyAutostart(true, target)).toEqual({ kind: 'unchanged', path: entry() });
    const after = statSync(entry());
    expect(after.ino).toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o644);
  });

  it('a moved app: the entry is rewritten with the new path', () => {
    applyAutostart(true, target);
    target.execPath = '/usr/lib/tray-timer/tray-timer';
    expect(applyAutostart(true, target).kind).toBe('written');
    expect(readFileSync(entry(), 'utf8')).toContain('\nExec=/usr/lib/tray-timer/tray-timer\n');
  });

  it('off: removes the entry it wrote; off again: nothing to do', () => {
    applyAutostart(true, target);
    expect(applyAutostart(false, target)).toEqual({ kind: 'removed', path: entry() });
    expect(existsSync(entry())).toBe(false);
    expect(applyAutostart(false, target)).toEqual({ kind: 'unchanged', path: entry() });
  });

  it('never rewrites or removes a tray-timer.desktop it did not write', () => {
    mkdirSync(path.dirname(entry()), { recursive: true });
    const mine = '[Desktop Entry]\nType=Application\nName=My timer\nExec=/usr/bin/tray-timer --x\n';
    writeFileSync(entry(), mine);
    expect(applyAutostart(true, target)).toEqual({ kind: 'foreign', path: entry() });
    expect(applyAutostart(false, target)).toEqual({ kind: 'foreign', path: entry() });
    expect(readFileSync(entry(), 'utf8')).toBe(mine);
  });

  it('no XDG_CONFIG_HOME (or a relative one): ~/.config/autostart', () => {
    expect(autostartDir({}, '/home/ana')).toBe('/home/ana/.config/autostart');
    expect(autostartDir({ XDG_CONFIG_HOME: 'rel/config' }, '/home/ana')).toBe(
      '/home/ana/.config/autostart',
    );
    delete target.env.XDG_CONFIG_HOME;
    applyAutostart(true, target);
    expect(existsSync(path.join(root, 'home', '.config', 'autostart', 'tray-timer.desktop'))).toBe(
      true,
    );
  });

  it.skipIf(process.getuid?.() === 0)(
    'a read-only autostart folder: a failure with a sentence, nothing thrown',
    () => {
      mkdirSync(path.dirname(entry()), { recursive: true });
      chmodSync(path.dirname(entry()), 0o500);
      expect(applyAutostart(true, target)).toEqual({
        kind: 'failed',
        path: entry(),
        message: `Could not save tray-timer.desktop in ${path.dirname(entry())}: permission denied.`,
      });
    },
  );

  it('a file where the config folder should be: a failure with a sentence (works as root too)', () => {
    writeFileSync(config, 'not a folder');
    const outcome = applyAutostart(true, target);
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.message).toMatch(
      /^Could not (save|read) tray-timer\.desktop|a file is in the way/,
    );
    expect(outcome.kind === 'failed' && outcome.message).toContain(config);
  });
});

describe('Exec quoting (Desktop Entry spec)', () => {
  it.each([
    ['/usr/bin/tray-timer', '/usr/bin/tray-timer'],
    ['/opt/Tray Timer/tray-timer', '"/opt/Tray Timer/tray-timer"'],
    // Inside quotes: " ` $ \ get a backslash; then Exec's string escaping doubles every backslash.
    ['/home/o"neil/t', '"/home/o\\\\"neil/t"'],
    ['/home/a$b/t', '"/home/a\\\\$b/t"'],
    ['/home/a`b`/t', '"/home/a\\\\`b\\\\`/t"'],
    ['/home/back\\slash/t', '"/home/back\\\\\\\\slash/t"'],
    ["/home/it's/t", `"/home/it's/t"`],
    ['/home/a&b;c/t', '"/home/a&b;c/t"'],
    // % starts a field code (%f, %u…): a literal one is doubled, quoted or not.
    ['/home/100%/t', '/home/100%%/t'],
    ['/home/100% sure/t', '"/home/100%% sure/t"'],
  ])('%s → %s', (input, expected) => {
    expect(quoteExecArg(input)).toBe(expected);
  });

  it('a path with a line break is refused, not mangled', () => {
    expect(() => quoteExecArg('/tmp/a\nb')).toThrow(/control character/);
    target.execPath = '/tmp/a\nb/tray-timer';
    const outcome = applyAutostart(true, target);
    expect(outcome).toEqual({
      kind: 'failed',
      path: entry(),
      message: 'Could not set up launch at login: the path contains a control character.',
    });
    expect(existsSync(entry())).toBe(false);
  });

  it('the program must be an absolute path without "="', () => {
    expect(() => desktopEntry('tray-timer')).toThrow(/not absolute/);
    expect(() => desktopEntry('/opt/a=b/tray-timer')).toThrow(/"="/);
  });

  it('APPIMAGE counts only when absolute', () => {
    expect(loginProgram({ APPIMAGE: 'Tray.AppImage' }, '/usr/bin/tray-timer')).toBe(
      '/usr/bin/tray-timer',
    );
    expect(loginProgram({ APPIMAGE: '/a/Tray.AppImage' }, '/usr/bin/tray-timer')).toBe(
      '/a/Tray.AppImage',
    );
  });
});

// GLib's own parser (what GNOME's session uses to start autostart entries): the Exec line must
// give back the exact path. Runs where `gio` is installed.
const gio = spawnSync('gio', ['version']).status === 0;
describe.skipIf(!gio)('GLib reads the Exec line back to the same program', () => {
  it('a path with a space, quotes, $, ` and a backslash starts that very program', () => {
    const dir = path.join(root, `Tray Timer's "odd" $HOME \`x\` back\\slash`);
    mkdirSync(dir, { recursive: true });
    const program = path.join(dir, 'tray-timer');
    const out = path.join(root, 'argv0.txt');
    writeFileSync(program, `#!/bin/sh\nprintf '%s' "$0" > '${out}'\n`, { mode: 0o755 });
    const file = path.join(root, 'check.desktop');
    writeFileSync(file, desktopEntry(program));
    const launched = spawnSync('gio', ['launch', file], { encoding: 'utf8', timeout: 10_000 });
    expect(launched.status, launched.stderr).toBe(0);
    return expect.poll(() => (existsSync(out) ? readFileSync(out, 'utf8') : null)).toBe(program);
  });
});
