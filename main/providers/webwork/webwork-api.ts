/**
 * What WebWork API v2 sends, as zod schemas (providers.md §3). Every answer is the envelope
 * `{success, data, message?, errors?|error?, meta:{api_version, timestamp, pagination?}}`;
 * `success` decides, and lists carry their pagination in `meta` (or, for contracts, at the top
 * level). Ids are read leniently (numbers or numeric strings), names strictly enough that a wrong
 * value never shows a wrong timer.
 */
import { z } from 'zod';

export const SERVICE = 'WebWork';

const id = z.coerce.number().int();
const optionalText = z.string().nullable().optional();

export const paginationSchema = z
  .object({
    current_page: z.coerce.number().int().optional(),
    last_page: z.coerce.number().int().optional(),
    per_page: z.coerce.number().int().optional(),
    total: z.coerce.number().int().optional(),
  })
  .passthrough();

export const envelopeSchema = z
  .object({
    success: z.boolean(),
    data: z.unknown().optional(),
    message: z.string().nullable().optional(),
    error: z.unknown().optional(),
    errors: z
      .record(z.string(), z.union([z.array(z.string()), z.string()]))
      .nullable()
      .optional(),
    meta: z
      .object({ pagination: paginationSchema.nullable().optional() })
      .passthrough()
      .nullable()
      .optional(),
    pagination: paginationSchema.nullable().optional(),
  })
  .passthrough();
export type Envelope = z.infer<typeof envelopeSchema>;

export const workspaceSchema = z.object({ id, name: z.string(), role: optionalText }).passthrough();
export const workspacesSchema = z.array(workspaceSchema);

/** A member; `id` is the user id (`user_id` wins where both are sent — UNCONFIRMED field names). */
export const memberSchema = z
  .object({
    id,
    user_id: id.nullable().optional(),
    email: optionalText,
    firstname: optionalText,
    lastname: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    name: optionalText,
    full_name: optionalText,
    role: optionalText,
    status: optionalText,
  })
  .passthrough();
export type WwMember = z.infer<typeof memberSchema>;
export const membersSchema = z.array(memberSchema);

export const projectSchema = z
  .object({ id, name: z.string(), status: z.union([z.string(), z.number()]).nullable().optional() })
  .passthrough();
export const projectsSchema = z.array(projectSchema);

export const contractSchema = z
  .object({
    id,
    user_id: id,
    project_id: id,
    status: z.union([z.string(), z.number()]).nullable().optional(),
  })
  .passthrough();
export const contractsSchema = z.array(contractSchema);

export const taskSchema = z
  .object({
    id,
    title: z.string().nullable().optional(),
    name: optionalText,
    project_id: id.nullable().optional(),
    status: z.coerce.number().int().nullable().optional(),
  })
  .passthrough();
export const tasksSchema = z.array(taskSchema);

/** `GET /time-tracking/current-data` data (seed 000). Nullable where "nothing runs" may empty it. */
export const currentDataSchema = z
  .object({
    contract_id: id.nullable().optional(),
    user_id: id.nullable().optional(),
    activity_description: optionalText,
    task_id: id.nullable().optional(),
    task_title: optionalText,
    total_seconds: z.coerce.number().max(1e9).nullable().optional(),
    total_minutes: z.coerce.number().max(1e9).nullable().optional(),
    date: optionalText,
    // Not documented; honoured if a later revision says so outright.
    is_tracking: z.boolean().nullable().optional(),
    tracking: z.boolean().nullable().optional(),
  })
  .passthrough();
export type CurrentData = z.infer<typeof currentDataSchema>;

/** `POST /time-tracking/start` data (seed 002). */
export const startDataSchema = z
  .object({
    start_time: z.string().transform((s) => (/^\s*[1-9]\d{3}-\d\d-\d\d/.test(s) ? s : '')),
    contract_id: id.nullable().optional(),
    project_id: id.nullable().optional(),
    task_id: id.nullable().optional(),
    activity_description: optionalText,
    project_name: optionalText,
  })
  .passthrough();

/** `POST /time-tracking/stop` data (both doc variants carry `stopped_at`). */
export const stopDataSchema = z
  .object({
    stopped_at: z
      .string()
      .nullable()
      .optional()
      .transform((s) => (s && /^\s*[1-9]\d{3}-\d\d-\d\d/.test(s) ? s : null)),
  })
  .passthrough()
  .nullable()
  .optional();

/** A member's name as WebWork spells it, whichever fields this revision sends. */
export function memberName(m: WwMember): string {
  const first = m.firstname ?? m.first_name ?? '';
  const last = m.lastname ?? m.last_name ?? '';
  const joined = `${first} ${last}`.trim();
  return joined || m.full_name?.trim() || m.name?.trim() || m.email?.trim() || `User ${m.id}`;
}

export function memberUserId(m: WwMember): number {
  return m.user_id ?? m.id;
}
