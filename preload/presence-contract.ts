/**
 * The presence part of the contract: idle and sleep handling, reminders, pomodoro, editing the
 * running entry, launch at login and notifications. Kept apart from contract.ts (which
 * re-exports it) so each half stays readable; zod only, no electron, no Node.
 */
import { z } from 'zod';
import { AWAY_CHOICES, nearestChoice, type AwayChoice } from './away-choices';

// ---------------------------------------------------------------------------------------------
// Settings (schema version 2 added these; see main/storage/settings-migrations.ts).
// ---------------------------------------------------------------------------------------------

/** "09:00": a local wall-clock time, 24-hour. */
export const clockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use a 24-hour time such as 09:00');

/** 0 = Sunday … 6 = Saturday (JavaScript's getDay()). */
export const weekdaySchema = z.number().int().min(0).max(6);

export const idleSettingsSchema = z.object({
  /** Ask what to do with time away from the computer while a timer ran. */
  enabled: z.boolean(),
  /** Away at least this long before anything is asked. */
  thresholdMinutes: z
    .number()
    .int('minutes must be a whole number')
    .min(1, 'at least 1 minute')
    .max(240, 'at most 240 minutes'),
});
export type IdleSettings = z.infer<typeof idleSettingsSchema>;

export const reminderSettingsSchema = z.object({
  /** "You're not tracking" while the user is active and no timer runs. */
  enabled: z.boolean(),
  afterMinutes: z
    .number()
    .int('minutes must be a whole number')
    .min(1, 'at least 1 minute')
    .max(480, 'at most 480 minutes'),
  weekdays: z.array(weekdaySchema).max(7),
  /** Reminders only between these local times (from < to; same day). */
  from: clockTimeSchema,
  to: clockTimeSchema,
});
export type ReminderSettings = z.infer<typeof reminderSettingsSchema>;

const minutes = (max: number) =>
  z
    .number()
    .int('minutes must be a whole number')
    .min(1, 'at least 1 minute')
    .max(max, `at most ${max} minutes`);

export const pomodoroSettingsSchema = z.object({
  enabled: z.boolean(),
  workMinutes: minutes(180),
  shortBreakMinutes: minutes(60),
  longBreakMinutes: minutes(120),
  /** A long break after this many work rounds. */
  longBreakEvery: z.number().int().min(2, 'at least 2 rounds').max(12, 'at most 12 rounds'),
  /** Stop the running timer when a break begins. */
  stopDuringBreaks: z.boolean(),
});
export type PomodoroSettings = z.infer<typeof pomodoroSettingsSchema>;

export const DEFAULT_IDLE: IdleSettings = { enabled: true, thresholdMinutes: 5 };
export const DEFAULT_REMINDERS: ReminderSettings = {
  enabled: false,
  afterMinutes: 15,
  weekdays: [1, 2, 3, 4, 5],
  from: '09:00',
  to: '18:00',
};
export const DEFAULT_POMODORO: PomodoroSettings = {
  enabled: false,
  workMinutes: 25,
  shortBreakMinutes: 5,
  longBreakMinutes: 15,
  longBreakEvery: 4,
  stopDuringBreaks: false,
};

/** What settings.update may change of the presence settings (each group partially). */
export const presenceSettingsPatchShape = {
  idle: idleSettingsSchema.partial().strict(),
  reminders: reminderSettingsSchema.partial().strict(),
  pomodoro: pomodoroSettingsSchema.partial().strict(),
  launchAtLogin: z.boolean(),
  notifications: z.boolean(),
};

// ---------------------------------------------------------------------------------------------
// Snapshot: the away prompt, pomodoro phase and how idle time is measured here.
// ---------------------------------------------------------------------------------------------

/**
 * keep: the away time stays in the entry.
 * discard: the entry stops when the user went away.
 * discard-continue: stops then, and the same work starts again now.
 * split: stops then; the away time becomes its own entry (the user's description); the work
 *   starts again now.
 * stop-now: a service that cannot change past time (WebWork) can only stop now.
 */
export const awayChoiceSchema = z.enum(AWAY_CHOICES);
export { AWAY_CHOICES, nearestChoice, type AwayChoice };

export const awayReasonSchema = z.enum(['idle', 'lock', 'sleep', 'shutdown']);
export type AwayReason = z.infer<typeof awayReasonSchema>;

export const awayAccountSchema = z.object({
  accountId: z.string(),
  label: z.string(),
  /** The entry that ran through the away time (its id is checked when the choice is applied). */
  entryId: z.string(),
  entryLabel: z.string(),
  /** What this account's service can do with past time; the popup offers only these. */
  choices: z.array(awayChoiceSchema),
  /** Why some choices are missing ("WebWork can't change time already recorded"), if so. */
  note: z.string().nullable(),
});
export type AwayAccount = z.infer<typeof awayAccountSchema>;

export const awayPromptSchema = z.object({
  id: z.string(),
  /** ISO 8601 with offset. */
  from: z.string(),
  to: z.string(),
  seconds: z.number(),
  reason: awayReasonSchema,
  /** "You were away 10:42–11:57 (1 h 15 min)". */
  message: z.string(),
  accounts: z.array(awayAccountSchema).min(1),
});
export type AwayPrompt = z.infer<typeof awayPromptSchema>;

export const pomodoroPhaseSchema = z.enum(['work', 'short-break', 'long-break']);
export type PomodoroPhase = z.infer<typeof pomodoroPhaseSchema>;

export const pomodoroViewSchema = z.object({
  phase: pomodoroPhaseSchema,
  /** ISO 8601 with offset. */
  endsAt: z.string(),
  remainingSeconds: z.number(),
  /** Work rounds finished in this cycle (resets after a long break). */
  round: z.number().int(),
});
export type PomodoroView = z.infer<typeof pomodoroViewSchema>;

export const idleSourceSchema = z.object({
  /**
   * system: the OS's idle time, plus lock and sleep events;
   * lock-only: idle time is not available here (Wayland reports 0), so lock and sleep only;
   * off: idle detection is turned off.
   */
  source: z.enum(['system', 'lock-only', 'off']),
  /** Said in Preferences when the source is not `system`. */
  note: z.string().nullable(),
});
export type IdleSource = z.infer<typeof idleSourceSchema>;

export const presenceViewSchema = z.object({
  away: awayPromptSchema.nullable(),
  pomodoro: pomodoroViewSchema.nullable(),
  idle: idleSourceSchema,
});
export type PresenceView = z.infer<typeof presenceViewSchema>;

export const NO_PRESENCE: PresenceView = {
  away: null,
  pomodoro: null,
  idle: { source: 'system', note: null },
};

// ---------------------------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------------------------

export const awayResolveInputSchema = z
  .object({
    promptId: z.string().min(1).max(100),
    choice: awayChoiceSchema,
    /** split: what the away time was ("Lunch"). */
    description: z.string().max(3000, 'description is longer than 3000 characters').optional(),
  })
  .strict();
export type AwayResolveInput = z.infer<typeof awayResolveInputSchema>;

/**
 * Changes to the running entry. Omitted fields stay; `project: ''`/`task: ''` clear them.
 * `startedAt` is ISO 8601 with offset and must be in the past.
 */
export const entryUpdateInputSchema = z
  .object({
    accountId: z.string().optional(),
    description: z.string().max(3000, 'description is longer than 3000 characters').optional(),
    project: z.string().max(255, 'project is longer than 255 characters').optional(),
    task: z.string().max(255, 'task is longer than 255 characters').optional(),
    startedAt: z.iso
      .datetime({ offset: true, message: 'start time must be a date and time' })
      .optional(),
  })
  .strict();
export type EntryUpdateInput = z.infer<typeof entryUpdateInputSchema>;

/** A desktop notification the core asks the shell to show (clicking opens the popup). */
export interface DesktopNotification {
  /** The same id replaces an earlier notification of that id. */
  id: string;
  title: string;
  body: string;
}
