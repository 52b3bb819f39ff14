import type { HotkeyAction, SettingsView } from '../preload/contract';
import { HOTKEY_ACTIONS } from './constants';

/**
 * Checks the `data` of a settings.get reply. Main already validated it with zod; this only
 * guards the popup against a main/renderer version mismatch without shipping zod to the renderer.
 */
export function asSettingsView(data: unknown): SettingsView | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Partial<Record<keyof SettingsView, unknown>>;
  const hotkeys = d.hotkeys as Partial<Record<HotkeyAction, unknown>> | undefined;
  const ok =
    typeof d.defaultAccountId === 'string' &&
    (d.theme === 'system' || d.theme === 'light' || d.theme === 'dark') &&
    Array.isArray(d.accounts) &&
    typeof hotkeys === 'object' &&
    hotkeys !== null &&
    HOTKEY_ACTIONS.every((a) => typeof hotkeys[a] === 'string') &&
    // Presence settings (schema 2): groups as objects, switches as booleans.
    [d.idle, d.reminders, d.pomodoro].every((g) => typeof g === 'object' && g !== null) &&
    typeof d.launchAtLogin === 'boolean' &&
    typeof d.notifications === 'boolean';
  return ok ? (data as SettingsView) : null;
}
