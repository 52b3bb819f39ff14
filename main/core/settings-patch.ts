/**
 * settings.update: a validated patch merged into the current settings. Groups (hotkeys, idle,
 * reminders, pomodoro) merge field by field, so Preferences can save one control at a time.
 */
import type { Settings, SettingsPatch } from '../../preload/contract';
import { fail } from './errors';

export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const next: Settings = {
    ...current,
    ...(patch.defaultAccountId !== undefined ? { defaultAccountId: patch.defaultAccountId } : {}),
    ...(patch.theme !== undefined ? { theme: patch.theme } : {}),
    ...(patch.launchAtLogin !== undefined ? { launchAtLogin: patch.launchAtLogin } : {}),
    ...(patch.notifications !== undefined ? { notifications: patch.notifications } : {}),
    hotkeys: { ...current.hotkeys, ...patch.hotkeys },
    idle: { ...current.idle, ...patch.idle },
    reminders: { ...current.reminders, ...patch.reminders },
    pomodoro: { ...current.pomodoro, ...patch.pomodoro },
  };
  // Checked here rather than in the schema: a stored file with from ≥ to still loads (and the
  // reminders simply never fire) instead of costing the user every other setting.
  if (patch.reminders && next.reminders.from >= next.reminders.to) {
    fail(
      'validation',
      `Reminders: “from” (${next.reminders.from}) must be earlier than “to” (${next.reminders.to}).`,
      { field: patch.reminders.to !== undefined ? 'reminders.to' : 'reminders.from' },
    );
  }
  if (patch.reminders?.weekdays !== undefined) {
    next.reminders.weekdays = [...new Set(next.reminders.weekdays)].sort((a, b) => a - b);
  }
  return next;
}
