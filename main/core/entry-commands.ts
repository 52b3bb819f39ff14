/**
 * Start, stop, continue and toggle: what the user asks for most, from every front door. Each
 * returns a sentence saying what happened; failures are thrown as CoreError/ProviderError and
 * turned into error values by the caller.
 */
import type { ContinueInput, StartInput } from '../../preload/contract';
import { describeEntry } from '../../preload/format';
import type {
  Project,
  Provider,
  RemoteEntry,
  StartRequest,
  StartResult,
  Task,
} from '../providers/provider';
import type { AccountRuntime } from './account-runtime';
import { fail } from './errors';
import { accountLabel, recentDistinct } from './snapshot';

export function requireProvider(rt: AccountRuntime) {
  if (!rt.provider)
    fail(
      rt.error?.kind ?? 'unsupported',
      rt.error?.message ?? `${rt.config.label} is not available.`,
    );
  return rt.provider;
}

const quote = (e: {
  description: string | null;
  projectName: string | null;
  taskName?: string | null;
}) => `“${describeEntry(e)}”`;

export function findProject(projects: readonly Project[], ref: string): Project | undefined {
  const needle = ref.trim().toLowerCase();
  return (
    projects.find((p) => p.id === ref) ?? projects.find((p) => p.name.toLowerCase() === needle)
  );
}

/**
 * The project and task a start names, by id or name. `projectsOf` reads another member's
 * projects (WebWork: a member's own contracts) instead of the account's.
 */
export async function resolveProjectAndTask(
  rt: AccountRuntime,
  input: StartInput,
  projectsOf?: () => Promise<Project[]>,
): Promise<{ projectId: string | null; taskId: string | null }> {
  const provider = requireProvider(rt);
  let project: Project | undefined;
  if (input.project !== undefined && input.project.trim() !== '') {
    if (!provider.capabilities.projects) {
      fail('validation', `${accountLabel(rt.config)} has no projects.`, { field: 'project' });
    }
    let projects: Project[];
    if (projectsOf) {
      projects = await projectsOf();
    } else {
      projects = await rt.once('projects', () => provider.projects());
      rt.projects = projects;
    }
    project = findProject(projects, input.project);
    if (!project && provider.createProject && !projectsOf) {
      project = await provider.createProject(input.project);
      rt.addProject(project);
    }
    if (!project) {
      fail('validation', `No project “${input.project}” in ${accountLabel(rt.config)}.`, {
        field: 'project',
      });
    }
  }
  let taskId: string | null = null;
  if (input.task !== undefined && input.task.trim() !== '') {
    if (!provider.capabilities.tasks) {
      fail('validation', `${accountLabel(rt.config)} entries have no tasks.`, { field: 'task' });
    }
    if (!project) fail('validation', 'Choose a project for the task.', { field: 'task' });
    const needle = input.task.trim().toLowerCase();
    const pick = (tasks: readonly Task[]) =>
      tasks.find((t) => t.id === input.task) ?? tasks.find((t) => t.name.toLowerCase() === needle);
    let task = pick(project.tasks);
    if (!task && provider.projectTasks) task = pick(await provider.projectTasks(project.id));
    if (!task)
      fail('validation', `No task “${input.task}” in project ${project.name}.`, { field: 'task' });
    taskId = task.id;
  }
  return { projectId: project?.id ?? null, taskId };
}

/** Trimmed, de-duplicated tag names; undefined when none were given. Checked before any request. */
export function tagsFor(rt: AccountRuntime, input: StartInput): string[] | undefined {
  const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''))];
  if (tags.length === 0) return undefined;
  if (!requireProvider(rt).capabilities.tags) {
    fail('validation', `${accountLabel(rt.config)} entries have no tags.`, { field: 'tags' });
  }
  return tags;
}

/** One start request (shared in flight); its answer is the account's new state. */
async function startOn(
  rt: AccountRuntime,
  provider: Provider,
  request: Omit<StartRequest, 'tags' | 'billable'> & {
    tags?: string[] | undefined;
    billable?: boolean | undefined;
  },
): Promise<StartResult> {
  const { tags, billable, ...rest } = request;
  const result = await rt.once('start', () =>
    provider.start({
      ...rest,
      ...(tags ? { tags } : {}),
      ...(billable !== undefined ? { billable } : {}),
    }),
  );
  rt.applyAction({ running: result.entry, touched: result.replaced ? [result.replaced] : [] });
  return result;
}

export async function startEntry(
  rt: AccountRuntime,
  input: StartInput,
  now: number,
): Promise<string> {
  const provider = requireProvider(rt);
  const tags = tagsFor(rt, input);
  if (input.billable !== undefined && !provider.capabilities.billable) {
    fail('validation', `${accountLabel(rt.config)} entries have no billable flag.`, {
      field: 'billable',
    });
  }
  const { projectId, taskId } = await resolveProjectAndTask(rt, input);
  const description = input.description?.trim() ? input.description.trim() : null;
  const result = await startOn(rt, provider, {
    description,
    projectId,
    taskId,
    tags,
    billable: input.billable,
    ...(input.replaceRunning ? { replaceRunning: true } : {}),
    at: now,
  });
  const replaced = result.replaced ? ` (stopped ${quote(result.replaced)})` : '';
  return `Started ${quote(result.entry)} on ${accountLabel(rt.config)}${replaced}.`;
}

export async function stopEntry(rt: AccountRuntime, now: number): Promise<string> {
  const provider = requireProvider(rt);
  const stopped = await rt.once('stop', () => provider.stop(now));
  rt.applyAction({ running: null, touched: stopped ? [stopped] : [] });
  return stopped
    ? `Stopped ${quote(stopped)} on ${accountLabel(rt.config)}.`
    : `Nothing was running on ${accountLabel(rt.config)}.`;
}

export async function continueEntry(
  rt: AccountRuntime,
  input: ContinueInput,
  now: number,
): Promise<string> {
  const provider = requireProvider(rt);
  let source: RemoteEntry | undefined;
  if (input.entryId !== undefined) {
    source = rt.entries.find((e) => e.id === input.entryId);
    if (!source)
      fail(
        'not-found',
        `That entry is no longer in the recent list of ${accountLabel(rt.config)}.`,
      );
  } else {
    source = recentDistinct(rt.entries, 1)[0];
    if (!source)
      fail('not-found', `There is no recent entry to continue on ${accountLabel(rt.config)}.`);
  }
  // Continue repeats everything that describes the work, tags and billable included.
  const { description, projectId, taskId, tags, billable } = source;
  const result = await startOn(rt, provider, {
    description,
    projectId,
    taskId,
    tags,
    billable,
    at: now,
  });
  return `Continued ${quote(result.entry)} on ${accountLabel(rt.config)}.`;
}

/** Stop if running; else continue the most recent entry; with no history, start a blank one. */
export async function toggleEntry(rt: AccountRuntime, now: number): Promise<string> {
  if (rt.running) return stopEntry(rt, now);
  if (recentDistinct(rt.entries, 1).length > 0) return continueEntry(rt, {}, now);
  return startEntry(rt, {}, now);
}
