/**
 * What Toggl Track v9 sends, as zod schemas, and the small records Tray Timer keeps of it.
 * Every body is parsed here before anything reads it: a proxy's HTML page, a truncated body or a
 * changed shape becomes an error value, never a crash or a wrong timer.
 */
import { z } from 'zod';
import { ProviderError } from '../provider';

export const SERVICE = 'Toggl Track';

const isoTime = z
  .string()
  .refine((s) => /^[1-9]\d{3}-\d\d-\d\dT/.test(s) && !Number.isNaN(Date.parse(s)), 'not a date')
  .transform((s) => Date.parse(s));

const optionalText = z.string().nullable().optional();
const optionalId = z.number().int().nullable().optional();

export const timeEntrySchema = z.object({
  id: z.number().int(),
  workspace_id: z.number().int(),
  project_id: optionalId,
  task_id: optionalId,
  description: optionalText,
  start: isoTime,
  stop: isoTime.nullable().optional(),
  /** Never used for elapsed time: -1 or -start_epoch while running (providers.md §1.3). */
  duration: z.number().max(1e9),
  tags: z.array(z.string()).nullable().optional(),
  billable: z.boolean().optional(),
  server_deleted_at: optionalText,
  // Present only with ?meta=true; used when the project is not in our cache (another workspace).
  project_name: optionalText,
  project_color: optionalText,
  task_name: optionalText,
});
export type TogglTimeEntry = z.infer<typeof timeEntrySchema>;

/** `GET /me/time_entries/current`: an entry, or the literal body `null` when nothing runs. */
export const currentEntrySchema = timeEntrySchema.nullable();
export const timeEntriesSchema = z.array(timeEntrySchema);

export const meSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  fullname: z.string().nullable().optional(),
  default_workspace_id: z.number().int().nullable().optional(),
});

export const workspacesSchema = z.array(
  z.object({ id: z.number().int(), name: z.string(), premium: z.boolean().optional() }),
);

export const projectsSchema = z
  .array(
    z.object({
      id: z.number().int(),
      workspace_id: z.number().int(),
      name: z.string(),
      color: z.string().nullable().optional(),
      active: z.boolean().optional(),
      client_id: optionalId,
      client_name: optionalText,
      server_deleted_at: optionalText,
    }),
  )
  .nullable()
  .transform((list) => list ?? []);

export const clientsSchema = z
  .array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      wid: z.number().int().optional(),
      archived: z.boolean().optional(),
      server_deleted_at: optionalText,
    }),
  )
  .nullable()
  .transform((list) => list ?? []);

export const tasksSchema = z
  .array(
    z.object({
      id: z.number().int(),
      workspace_id: z.number().int(),
      project_id: z.number().int(),
      name: z.string(),
      active: z.boolean().optional(),
      server_deleted_at: optionalText,
    }),
  )
  .nullable()
  .transform((list) => list ?? []);

/**
 * `GET /me?with_related_data=true`: the profile with workspaces, projects, clients, tasks and
 * recent time entries in ONE request, where the separate lists cost four. Used to connect and
 * for full reads (first load, the user's own refresh); automatic refreshes use `since=`.
 */
export const meWithRelatedSchema = meSchema.extend({
  workspaces: workspacesSchema.nullable().optional(),
  projects: projectsSchema.optional(),
  clients: clientsSchema.optional(),
  tasks: tasksSchema.optional(),
  time_entries: timeEntriesSchema.nullable().optional(),
});
export type MeWithRelated = z.infer<typeof meWithRelatedSchema>;

// ---------------------------------------------------------------------------------------------
// What we keep (memory and disk cache): ids as Toggl numbers, times as epoch ms.
// ---------------------------------------------------------------------------------------------
export const keptEntrySchema = z.object({
  id: z.number().int(),
  workspaceId: z.number().int(),
  projectId: z.number().int().nullable(),
  taskId: z.number().int().nullable(),
  description: z.string().nullable(),
  start: z.number(),
  stop: z.number().nullable(),
  tags: z.array(z.string()),
  billable: z.boolean().optional(),
  projectName: z.string().nullable(),
  projectColor: z.string().nullable(),
  taskName: z.string().nullable(),
});
export type KeptEntry = z.infer<typeof keptEntrySchema>;

export const keptProjectSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  color: z.string().nullable(),
  clientId: z.number().int().nullable(),
  /** As Toggl named it on the project itself (some endpoints do); else from `clients`. */
  clientName: z.string().nullable(),
});
export type KeptProject = z.infer<typeof keptProjectSchema>;

export const keptClientSchema = z.object({ id: z.number().int(), name: z.string() });
export type KeptClient = z.infer<typeof keptClientSchema>;

export const keptTaskSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  projectId: z.number().int(),
});
export type KeptTask = z.infer<typeof keptTaskSchema>;

export function keepEntry(e: TogglTimeEntry): KeptEntry {
  // A stopped entry may come without `stop` (created with duration only): derive it, and never
  // treat it as running. Only stop === null with a negative duration means "running".
  const running = (e.stop === null || e.stop === undefined) && e.duration < 0;
  const stop = running ? null : (e.stop ?? e.start + Math.max(0, e.duration) * 1000);
  const description = e.description?.trim() ? e.description : null;
  return {
    id: e.id,
    workspaceId: e.workspace_id,
    projectId: e.project_id ?? null,
    taskId: e.task_id ?? null,
    description,
    start: e.start,
    stop,
    tags: e.tags ?? [],
    ...(e.billable !== undefined ? { billable: e.billable } : {}),
    projectName: e.project_name ?? null,
    projectColor: e.project_color ?? null,
    taskName: e.task_name ?? null,
  };
}

/**
 * Parses a body with a schema. Not JSON, an HTML page or the wrong shape all become
 * "answered with something unexpected": an HTML page on a 200 is usually a proxy or captive
 * portal (offline), anything else is Toggl misbehaving (provider).
 */
export function parseBody<S extends z.ZodType>(text: string, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const html = /^\s*</.test(text);
    throw new ProviderError({
      kind: html ? 'offline' : 'provider',
      // A garbled answer may hide a request that worked: try again after reading the state.
      retryable: true,
      message: `${SERVICE} answered with something unexpected (${what}: ${
        html
          ? 'a web page instead of data; a proxy or captive portal?'
          : 'incomplete or invalid JSON'
      }).`,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new ProviderError({
      kind: 'provider',
      retryable: true,
      message: `${SERVICE} answered with something unexpected (${what}: ${where} ${issue?.message ?? 'is invalid'}).`,
    });
  }
  return parsed.data;
}
