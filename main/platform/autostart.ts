/**
 * Launch at login on Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/tray-timer.desktop`
 * (https://specifications.freedesktop.org/autostart-spec/). GNOME, KDE, Xfce, Cinnamon, MATE and
 * LXQt start every entry in that folder at login. Plain Node (no electron) so it is tested with
 * real files.
 *
 * Ownership: the file carries `X-Tray-Timer-Managed=true`. A tray-timer.desktop without that line
 * was written by someone else (the user, a distribution package, another tool): it is never
 * rewritten or removed; turning launch at login off then says where it is instead.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { StorageError, fsyncDir, writeFileAtomic } from '../storage/atomic-file';

export const AUTOSTART_FILE_NAME = 'tray-timer.desktop';
export const MANAGED_MARKER = 'X-Tray-Timer-Managed=true';

export interface AutostartTarget {
  /** The environment the app runs in: XDG_CONFIG_HOME, APPIMAGE. */
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** process.execPath: the installed binary (deb, tarball) or, in an AppImage, its mount. */
  execPath: string;
}

export type AutostartOutcome =
  /** The entry was written (it was missing or different). */
  | { kind: 'written'; path: string }
  /** Nothing to do: the entry already says exactly this, or is already absent. */
  | { kind: 'unchanged'; path: string }
  | { kind: 'removed'; path: string }
  /** A tray-timer.desktop Tray Timer did not write is there; left alone. */
  | { kind: 'foreign'; path: string }
  /** Could not be applied; `message` is for the user. */
  | { kind: 'failed'; path: string; message: string };

/** The autostart folder: $XDG_CONFIG_HOME/autostart, ~/.config/autostart when unset. */
export function autostartDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const configHome = env.XDG_CONFIG_HOME;
  // The Base Directory spec: "If an implementation encounters a relative path in any of these
  // variables it should consider the path invalid and ignore it."
  const base =
    configHome && path.isAbsolute(configHome) ? configHome : path.join(homeDir, '.config');
  return path.join(base, 'autostart');
}

export function autostartPath(env: NodeJS.ProcessEnv, homeDir: string): string {
  return path.join(autostartDir(env, homeDir), AUTOSTART_FILE_NAME);
}

/**
 * The program to start at login. In an AppImage, process.execPath is inside the image's
 * temporary mount (/tmp/.mount_XXXX, a new name each run), so the image file itself (the runtime
 * sets APPIMAGE) is what must be started.
 */
export function loginProgram(env: NodeJS.ProcessEnv, execPath: string): string {
  const appImage = env.APPIMAGE;
  return appImage && path.isAbsolute(appImage) ? appImage : execPath;
}

export class ExecQuotingError extends Error {}

/** Reserved characters of the Desktop Entry spec's Exec key: an argument with any is quoted. */
const RESERVED = /[ \t\n"'\\><~|&;$*?#()`]/;

/**
 * One Exec argument, quoted per the Desktop Entry spec ("The Exec key"): an argument holding a
 * reserved character is put in double quotes, with `"`, `` ` ``, `$` and `\` escaped by a
 * backslash; `%` is doubled so it is not read as a field code. Exec is also a string value,
 * whose own escapes (`\\`, `\n`…) are undone before the quoting is, so each backslash of the
 * quoted form is written twice: a literal backslash in a path ends up as four.
 * https://specifications.freedesktop.org/desktop-entry-spec/latest/exec-variables.html
 *
 * Checked against GLib (GNOME's loader): a path with spaces, quotes, `$`, `` ` `` and `\` parses
 * back to itself (test/shell/autostart.test.ts runs `gio launch` where gio exists). A `%` is
 * written as the spec says, but GLib looks for the program before undoing `%%`, so a GLib-based
 * session skips an entry whose program path holds a `%`: a known limit, not worked around.
 */
export function quoteExecArg(arg: string): string {
  // A line break or other control character cannot be carried through both escaping layers
  // portably (desktop files are line based); such a path is refused instead of mangled.
  if (/\p{Cc}/u.test(arg)) throw new ExecQuotingError('the path contains a control character');
  const percent = arg.replace(/%/g, '%%');
  const quoted = RESERVED.test(arg) ? `"${percent.replace(/(["`$\\])/g, '\\$1')}"` : percent;
  return quoted.replace(/\\/g, '\\\\');
}

/** A Desktop Entry string value (TryExec is one, not a command line): only `\` is escaped. */
function stringValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/** The whole entry. Pure, so tests can assert it byte for byte. */
export function desktopEntry(program: string): string {
  if (!path.isAbsolute(program))
    throw new ExecQuotingError(`the program path is not absolute (${program})`);
  // "The name or path of the executable program may not contain the equal sign."
  if (program.includes('=')) throw new ExecQuotingError('the path contains "="');
  return [
    '[Desktop Entry]',
    'Type=Application',
    // Nothing newer than the spec's 1.0 is used (older validators reject versions they do not know).
    'Version=1.0',
    'Name=Tray Timer',
    'Comment=Track time from the system tray',
    `Exec=${quoteExecArg(program)}`,
    // Where the program is gone (an AppImage deleted or moved), the session skips the entry
    // instead of reporting a failed start at every login.
    `TryExec=${stringValue(program)}`,
    'Terminal=false',
    // No NoDisplay=true: GNOME's Startup Applications (gnome-session-properties) lists such
    // entries only with "show hidden" ticked, and the user should see and be able to switch this
    // one off there. No Hidden=true either: that means "deleted"; turning the setting off
    // removes the file instead.
    'X-GNOME-Autostart-enabled=true',
    MANAGED_MARKER,
    '',
  ].join('\n');
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

const KNOWN = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EEXIST']);

function reason(err: unknown): string {
  switch (code(err)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way of the folder';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** The file as it is, or null when absent. Throws for other read errors. */
function readExisting(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    // ENOTDIR: a file stands where a folder on the way should be, so no entry can be there.
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
    throw err;
  }
}

const isManaged = (content: string): boolean =>
  content.split(/\r?\n/).some((line) => line.trim() === MANAGED_MARKER);

/**
 * Makes the autostart entry match `enabled`: writes it (atomically, and only when the content
 * differs, so a start-up does not touch the disk for nothing) or removes it. Never throws.
 */
export function applyAutostart(enabled: boolean, target: AutostartTarget): AutostartOutcome {
  const file = autostartPath(target.env, target.homeDir);
  const dir = path.dirname(file);
  let existing: string | null;
  try {
    existing = readExisting(file);
  } catch (err) {
    return { kind: 'failed', path: file, message: `Could not read ${file}: ${reason(err)}.` };
  }
  if (existing !== null && !isManaged(existing)) return { kind: 'foreign', path: file };

  if (!enabled) {
    if (existing === null) return { kind: 'unchanged', path: file };
    try {
      unlinkSync(file);
      fsyncDir(dir);
      return { kind: 'removed', path: file };
    } catch (err) {
      if (code(err) === 'ENOENT') return { kind: 'unchanged', path: file };
      return { kind: 'failed', path: file, message: `Could not remove ${file}: ${reason(err)}.` };
    }
  }

  let content: string;
  try {
    content = desktopEntry(loginProgram(target.env, target.execPath));
  } catch (err) {
    if (!(err instanceof ExecQuotingError)) throw err;
    return {
      kind: 'failed',
      path: file,
      message: `Could not set up launch at login: ${err.message}.`,
    };
  }
  if (existing === content) return { kind: 'unchanged', path: file };
  try {
    writeFileAtomic(file, content);
    return { kind: 'written', path: file };
  } catch (err) {
    // writeFileAtomic's StorageError keeps the errno code; an unknown one keeps its sentence.
    const known = err instanceof StorageError && err.code !== undefined && KNOWN.has(err.code);
    return {
      kind: 'failed',
      path: file,
      message: known
        ? `Could not save ${AUTOSTART_FILE_NAME} in ${dir}: ${reason(err)}.`
        : err instanceof Error
          ? err.message
          : String(err),
    };
  }
}
