/**
 * What TrackingTime v4 sends, as zod schemas. Every answer is the envelope
 * `{response:{status,message}, data}` and the status INSIDE it decides, whatever the HTTP status
 * was (providers.md §2.1). Shapes are read leniently where the docs are vague (a project may be
 * a name or an object), strictly where a wrong value would show a wrong timer.
 */
import { z } from 'zod';

export const SERVICE = 'TrackingTime';

export const envelopeSchema = z.object({
  response: z.object({
    status: z.coerce.number().int(),
    message: z.string().nullable().optional(),
  }),
  data: z.unknown().optional(),
});

const id = z.coerce.number().int();
const optionalText = z.string().nullable().optional();

export const teamSchema = z.object({
  account_id: id,
  company: z.string().nullable().optional(),
  role: optionalText,
  is_default: z.boolean().nullable().optional(),
  is_selected: z.boolean().nullable().optional(),
});

export const meSchema = z.object({
  id,
  account_id: id.nullable().optional(),
  email: z.string(),
  first_name: optionalText,
  last_name: optionalText,
  timezone: optionalText,
  company: optionalText,
  teams: z.array(teamSchema).nullable().optional(),
});
export type TtMe = z.infer<typeof meSchema>;

/** A project reference: some answers carry the name, others an object, others only the id. */
const projectRef = z
  .union([z.string(), z.object({ id: id.optional(), name: z.string().optional() }).passthrough()])
  .nullable()
  .optional();

export const eventRefSchema = z
  .object({
    id: id.nullable().optional(),
    start: z.string(),
    end: z.string().nullable().optional(),
  })
  .passthrough();

export const taskSchema = z
  .object({
    id,
    name: z.string().nullable().optional(),
    project_id: id.nullable().optional(),
    project: projectRef,
    project_name: optionalText,
    project_color: optionalText,
    tracking: z.boolean().nullable().optional(),
    users: z
      .array(z.object({ id, event: eventRefSchema.nullable().optional() }).passthrough())
      .nullable()
      .optional(),
  })
  .passthrough();
export type TtTask = z.infer<typeof taskSchema>;

export const tasksSchema = z
  .array(taskSchema)
  .nullable()
  .transform((l) => l ?? []);

/** A time entry ("event") of the user's recent list. */
export const eventSchema = z
  .object({
    id,
    task_id: id.nullable().optional(),
    task: z
      .union([
        z.string(),
        z.object({ id: id.optional(), name: z.string().optional() }).passthrough(),
      ])
      .nullable()
      .optional(),
    task_name: optionalText,
    project_id: id.nullable().optional(),
    project: projectRef,
    project_name: optionalText,
    user_id: id.nullable().optional(),
    start: z.string(),
    end: z.string().nullable().optional(),
    /** Seconds. */
    duration: z.coerce.number().max(1e9).nullable().optional(),
  })
  .passthrough();
export type TtEvent = z.infer<typeof eventSchema>;

export const eventsSchema = z
  .array(eventSchema)
  .nullable()
  .transform((l) => l ?? []);

/** `/users/:uid/trackables?include_tasks=true`: projects, each with its tasks. */
export const trackableSchema = z
  .object({
    id,
    name: z.string(),
    type: optionalText,
    color: optionalText,
    customer: z
      .union([z.string(), z.object({ name: z.string().optional() }).passthrough()])
      .nullable()
      .optional(),
    customer_name: optionalText,
    tasks: z
      .array(z.object({ id, name: z.string() }).passthrough())
      .nullable()
      .optional(),
  })
  .passthrough();
export const trackablesSchema = z
  .array(trackableSchema)
  .nullable()
  .transform((l) => l ?? []);

export function refName(ref: unknown): string | null {
  if (typeof ref === 'string') return ref.trim() === '' ? null : ref;
  if (ref && typeof ref === 'object' && 'name' in ref) {
    const name = (ref as { name: unknown }).name;
    return typeof name === 'string' && name.trim() !== '' ? name : null;
  }
  return null;
}

export function refId(ref: unknown): number | null {
  if (ref && typeof ref === 'object' && 'id' in ref) {
    const v = Number((ref as { id: unknown }).id);
    return Number.isInteger(v) ? v : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// What we keep (memory and disk cache): ids as numbers, times as epoch ms.
// ---------------------------------------------------------------------------------------------
export const keptEntrySchema = z.object({
  /** The event id, or `task:<taskId>` when the answer named no event. */
  id: z.string(),
  taskId: z.number().int().nullable(),
  taskName: z.string().nullable(),
  projectId: z.number().int().nullable(),
  projectName: z.string().nullable(),
  start: z.number(),
  stop: z.number().nullable(),
  /** The time zone the timer was started with: the stop must send the same one. */
  timezone: z.string().nullable(),
});
export type KeptEntry = z.infer<typeof keptEntrySchema>;

export const keptProjectSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  color: z.string().nullable(),
  clientName: z.string().nullable(),
  tasks: z.array(z.object({ id: z.number().int(), name: z.string() })),
});
export type KeptProject = z.infer<typeof keptProjectSchema>;
