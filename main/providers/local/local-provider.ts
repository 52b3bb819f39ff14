/**
 * The Local provider: no account, no network. Entries and projects live in
 * <data>/local/entries.json, written atomically on every change and re-read on every call, so
 * the app and an in-process CLI always see the same truth and a restart loses nothing: a timer
 * started before quitting is still running, with its original start, after restart.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { Capabilities } from '../../../preload/contract';
import { readFileSync } from 'node:fs';
import { readJsonFile, writeJsonAtomic } from '../../storage/atomic-file';
import type {
  EntryPatch,
  Project,
  Provider,
  RemoteEntry,
  StartRequest,
  StartResult,
  SyncResult,
} from '../provider';
import { ProviderError } from '../provider';

// Only what this file writes (toISOString): loose forms such as "100" parse as odd years.
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'not an ISO date')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');

const localEntrySchema = z.object({
  id: z.string().min(1),
  description: z.string().nullable(),
  projectId: z.string().nullable(),
  start: isoDate,
  stop: isoDate.nullable(),
});

const localProjectSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  color: z.string().nullable(),
});

export const localFileSchema = z
  .object({
    version: z.literal(1),
    entries: z.array(localEntrySchema),
    projects: z.array(localProjectSchema),
  })
  .refine(
    (f) => f.entries.filter((e) => e.stop === null).length <= 1,
    'more than one running entry',
  );

type LocalFile = z.infer<typeof localFileSchema>;
type LocalEntry = z.infer<typeof localEntrySchema>;

// A small, readable palette; a new project takes the next colour.
const PROJECT_COLORS = [
  '#2da44e',
  '#0969da',
  '#bf3989',
  '#d4a72c',
  '#8250df',
  '#cf222e',
  '#1b7c83',
  '#bc4c00',
];

export class LocalProvider implements Provider {
  readonly kind = 'local' as const;
  readonly capabilities: Capabilities = {
    projects: true,
    tasks: false,
    backdate: true,
    editStart: true,
    // The running entry is a record in entries.json: any field can be rewritten in place.
    editEntry: true,
    tags: false,
    billable: false,
    members: false,
  };
  /** Nothing changes behind our back: no background polling, nothing to refresh on opening. */
  readonly popupStaleMs = null;
  readonly path: string;

  constructor(
    dataDir: string,
    /** Told when the file was damaged and moved aside. */
    private readonly onProblem: (message: string) => void = () => {},
  ) {
    this.path = join(dataDir, 'local', 'entries.json');
  }

  nextRefreshIn(): null {
    return null;
  }

  allowAutoRefresh(): boolean {
    return true;
  }

  /** One read of the file gives everything: running entry, recent window, projects. */
  async sync(_reason: unknown, since: number): Promise<SyncResult> {
    const file = this.#read();
    const running = file.entries.find((e) => e.stop === null);
    return {
      running: running ? this.#toRemote(running, file) : null,
      entries: file.entries
        .filter((e) => e.stop === null || Date.parse(e.stop) >= since)
        .map((e) => this.#toRemote(e, file)),
      projects: file.projects.map((p) => ({ ...p, clientName: null, tasks: [] })),
    };
  }

  async start(request: StartRequest): Promise<StartResult> {
    const file = this.#read();
    if (request.projectId !== null && !file.projects.some((p) => p.id === request.projectId)) {
      throw new ProviderError({
        kind: 'validation',
        field: 'project',
        message: 'That project no longer exists in Local; choose another one.',
      });
    }
    const at = new Date(request.at).toISOString();
    const running = file.entries.find((e) => e.stop === null);
    if (running)
      running.stop = new Date(Math.max(request.at, Date.parse(running.start))).toISOString();
    const entry: LocalEntry = {
      id: randomUUID(),
      description: request.description,
      projectId: request.projectId,
      start: at,
      stop: null,
    };
    file.entries.push(entry);
    this.#write(file);
    return {
      entry: this.#toRemote(entry, file),
      replaced: running ? this.#toRemote(running, file) : null,
    };
  }

  async stop(at: number): Promise<RemoteEntry | null> {
    const file = this.#read();
    const running = file.entries.find((e) => e.stop === null);
    if (!running) return null;
    // Never end before the start (clock changes, backdated stops).
    running.stop = new Date(Math.max(at, Date.parse(running.start))).toISOString();
    this.#write(file);
    return this.#toRemote(running, file);
  }

  /** Rewrites the entry in entries.json (read, change, atomic write), like start and stop. */
  async update(entryId: string, patch: EntryPatch): Promise<RemoteEntry> {
    const file = this.#read();
    const entry = file.entries.find((e) => e.id === entryId);
    if (!entry)
      throw new ProviderError({
        kind: 'not-found',
        message: 'That entry is no longer in Local; it may have been stopped or removed.',
      });
    if (
      patch.projectId !== undefined &&
      patch.projectId !== null &&
      !file.projects.some((p) => p.id === patch.projectId)
    ) {
      throw new ProviderError({
        kind: 'validation',
        field: 'project',
        message: 'That project no longer exists in Local; choose another one.',
      });
    }
    if (patch.taskId !== undefined && patch.taskId !== null)
      throw new ProviderError({
        kind: 'validation',
        field: 'task',
        message: 'Local entries have no tasks.',
      });
    if (patch.start !== undefined) {
      // A stopped entry keeps start <= stop; the core only moves the running one's start.
      if (entry.stop !== null && patch.start > Date.parse(entry.stop))
        throw new ProviderError({
          kind: 'validation',
          field: 'startedAt',
          message: 'The start must be before the entry ended.',
        });
      entry.start = new Date(patch.start).toISOString();
    }
    if (patch.description !== undefined) entry.description = patch.description;
    if (patch.projectId !== undefined) entry.projectId = patch.projectId;
    this.#write(file);
    return this.#toRemote(entry, file);
  }

  async projects(): Promise<Project[]> {
    return this.#read().projects.map((p) => ({ ...p, clientName: null, tasks: [] }));
  }

  async createProject(name: string): Promise<Project> {
    const file = this.#read();
    const trimmed = name.trim();
    const existing = file.projects.find((p) => p.name.toLowerCase() === trimmed.toLowerCase());
    if (existing) return { ...existing, clientName: null, tasks: [] };
    const project = {
      id: randomUUID(),
      name: trimmed,
      color: PROJECT_COLORS[file.projects.length % PROJECT_COLORS.length] ?? null,
    };
    file.projects.push(project);
    this.#write(file);
    return { ...project, clientName: null, tasks: [] };
  }

  #read(): LocalFile {
    const result = readJsonFile(this.path, localFileSchema);
    switch (result.kind) {
      case 'ok':
        return result.value;
      case 'missing':
        return { version: 1, entries: [], projects: [] };
      case 'corrupt': {
        const salvaged = salvageLocalFile(result.movedTo);
        this.#write(salvaged.file);
        this.onProblem(
          `Local entries file was damaged (${result.problem}). ${salvaged.summary} The original was moved to ${result.movedTo}.`,
        );
        return salvaged.file;
      }
    }
  }

  #write(file: LocalFile): void {
    writeJsonAtomic(this.path, file);
  }

  #toRemote(e: LocalEntry, file: LocalFile): RemoteEntry {
    const project =
      e.projectId === null ? undefined : file.projects.find((p) => p.id === e.projectId);
    return {
      id: e.id,
      description: e.description,
      projectId: e.projectId,
      projectName: project?.name ?? null,
      projectColor: project?.color ?? null,
      taskId: null,
      taskName: null,
      start: Date.parse(e.start),
      stop: e.stop === null ? null : Date.parse(e.stop),
    };
  }
}

/**
 * Keeps every entry and project of a damaged file that is still valid on its own, so one bad
 * record (or a hand edit gone wrong) never costs the rest of the user's history.
 */
export function salvageLocalFile(path: string): { file: LocalFile; summary: string } {
  const file: LocalFile = { version: 1, entries: [], projects: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { file, summary: 'Nothing in it could be read; Local starts empty.' };
  }
  const record = z
    .object({ entries: z.array(z.unknown()), projects: z.array(z.unknown()) })
    .partial()
    .safeParse(raw);
  const entries = record.success ? (record.data.entries ?? []) : [];
  const projects = record.success ? (record.data.projects ?? []) : [];
  for (const p of projects) {
    const parsed = localProjectSchema.safeParse(p);
    if (parsed.success) file.projects.push(parsed.data);
  }
  for (const e of entries) {
    const parsed = localEntrySchema.safeParse(e);
    if (parsed.success) file.entries.push(parsed.data);
  }
  // At most one running entry: an older "running" one ends where the next one starts.
  const running = file.entries
    .filter((e) => e.stop === null)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (let i = 0; i < running.length - 1; i++) {
    const entry = running[i];
    const next = running[i + 1];
    if (entry && next) entry.stop = next.start;
  }
  const lost = entries.length - file.entries.length + (projects.length - file.projects.length);
  const summary =
    lost === 0
      ? `All ${file.entries.length} entries were kept.`
      : `${file.entries.length} entries were kept; ${lost} damaged record${lost === 1 ? ' was' : 's were'} left out.`;
  return { file, summary };
}
