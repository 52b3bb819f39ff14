/**
 * Turns a key press into Electron accelerator text ("CommandOrControl+Shift+Alt+T") for the
 * "Record" affordance in Preferences. Pure, so it is tested without a browser.
 */

/** The parts of a KeyboardEvent this needs (a plain object in tests). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

export type RecordResult =
  | { kind: 'done'; accelerator: string }
  /** Only modifiers so far: keep listening, show what is held. */
  | { kind: 'partial'; modifiers: string }
  /** Esc without modifiers: stop recording, keep the old value. */
  | { kind: 'cancel' }
  /** Backspace/Delete without modifiers: "" disables the shortcut. */
  | { kind: 'clear' }
  /** A key that accelerators cannot express. */
  | { kind: 'unsupported'; key: string };

const NAMED_CODES: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Enter: 'Return',
  NumpadEnter: 'Return',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  Escape: 'Escape',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backslash: '\\',
  Backquote: '`',
};

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'AltGraph', 'Meta', 'OS', 'Super']);

/** The physical key (event.code), so Shift+1 records "1", not "!", as accelerators expect. */
export function keyName(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter?.[1]) return letter[1];
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (digit?.[1]) return digit[1];
  const fn = /^F([1-9]|1[0-9]|2[0-4])$/.exec(code);
  if (fn) return code;
  return NAMED_CODES[code] ?? null;
}

export function modifierNames(press: KeyPress, isMac: boolean): string[] {
  const names: string[] = [];
  // "CommandOrControl" is what users expect to carry across platforms: Ctrl here, ⌘ on macOS.
  if (isMac ? press.metaKey : press.ctrlKey) names.push('CommandOrControl');
  if (isMac && press.ctrlKey) names.push('Control');
  if (!isMac && press.metaKey) names.push('Super');
  if (press.altKey) names.push('Alt');
  if (press.shiftKey) names.push('Shift');
  return names;
}

export function recordKey(press: KeyPress, isMac: boolean): RecordResult {
  const modifiers = modifierNames(press, isMac);
  if (MODIFIER_KEYS.has(press.key)) return { kind: 'partial', modifiers: modifiers.join('+') };
  if (modifiers.length === 0) {
    if (press.code === 'Escape') return { kind: 'cancel' };
    if (press.code === 'Backspace' || press.code === 'Delete') return { kind: 'clear' };
  }
  const key = keyName(press.code);
  if (!key) return { kind: 'unsupported', key: press.key };
  // A global shortcut without a modifier would swallow that key in every application.
  if (modifiers.length === 0) return { kind: 'partial', modifiers: '' };
  return { kind: 'done', accelerator: [...modifiers, key].join('+') };
}
