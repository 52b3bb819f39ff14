import { describe, expect, it } from 'vitest';
import { acceleratorSchema } from '../../preload/contract';
import { recordKey } from '../../renderer/accelerator';
import type { KeyPress } from '../../renderer/accelerator';

const press = (key: string, code: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('recording a shortcut', () => {
  it('turns Ctrl+Shift+Alt+T into the default accelerator text the contract accepts', () => {
    const result = recordKey(
      press('T', 'KeyT', { ctrlKey: true, shiftKey: true, altKey: true }),
      false,
    );
    expect(result).toEqual({ kind: 'done', accelerator: 'CommandOrControl+Alt+Shift+T' });
    if (result.kind === 'done')
      expect(acceleratorSchema.safeParse(result.accelerator).success).toBe(true);
  });

  it('uses ⌘ as CommandOrControl on macOS and keeps Ctrl as Control', () => {
    expect(recordKey(press(' ', 'Space', { metaKey: true, ctrlKey: true }), true)).toEqual({
      kind: 'done',
      accelerator: 'CommandOrControl+Control+Space',
    });
  });

  it('records the physical key, so Shift+1 is "1" and not "!"', () => {
    expect(recordKey(press('!', 'Digit1', { ctrlKey: true, shiftKey: true }), false)).toEqual({
      kind: 'done',
      accelerator: 'CommandOrControl+Shift+1',
    });
  });

  it('keeps listening while only modifiers are held, or a bare key is pressed', () => {
    expect(recordKey(press('Control', 'ControlLeft', { ctrlKey: true }), false)).toEqual({
      kind: 'partial',
      modifiers: 'CommandOrControl',
    });
    expect(recordKey(press('k', 'KeyK'), false)).toEqual({ kind: 'partial', modifiers: '' });
  });

  it('Esc cancels, Backspace clears (disables the shortcut), odd keys are refused', () => {
    expect(recordKey(press('Escape', 'Escape'), false)).toEqual({ kind: 'cancel' });
    expect(recordKey(press('Backspace', 'Backspace'), false)).toEqual({ kind: 'clear' });
    expect(recordKey(press('ä', 'IntlBackslash', { altKey: true }), false)).toEqual({
      kind: 'unsupported',
      key: 'ä',
    });
  });

  it('every key it can produce is valid accelerator text', () => {
    const codes = [
      'KeyA',
      'Digit0',
      'F12',
      'F24',
      'ArrowUp',
      'Enter',
      'Minus',
      'Backquote',
      'Backslash',
      'Quote',
      'PageDown',
      'Tab',
      'Delete',
    ];
    for (const code of codes) {
      const result = recordKey(press('x', code, { altKey: true, shiftKey: true }), false);
      expect(result.kind).toBe('done');
      if (result.kind === 'done') {
        expect(acceleratorSchema.safeParse(result.accelerator).success, result.accelerator).toBe(
          true,
        );
      }
    }
  });
});
