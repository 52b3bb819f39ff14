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
import type { StartWork } from '../journal/journal-schema';
import { hhmm } from '../journal/pending-view';
import { isTransient } from '../journal/transient';
import type { AccountRuntime } from './account-runtime';
import { fail, toAppError } from './errors';
import { act, waitsFor, type ActionDeps } from './journal-actions';
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
): Promise<{
  projectId: string | null;
  taskId: string | null;
  project: Project | null;
  task: Task | null;
}> {
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
      try {
        projects = await rt.once('projects', () => provider.projects());
        rt.projects = projects;
      } catch (err) {
        // Offline: the projects already on screen are good enough to queue a start.
        if (!isTransient(toAppError(err)) || rt.projects.length === 0) throw err;
        projects = rt.projects;
      }
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
  let chosen: Task | null = null;
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
    chosen = task;
  }
  return {
    projectId: project?.id ?? null,
    taskId: chosen?.id ?? null,
    project: project ?? null,
    task: chosen,
  };
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
  deps: ActionDeps,
): Promise<string> {
  const provider = requireProvider(rt);
  const tags = tagsFor(rt, input);
  if (input.billable !== undefined && !provider.capabilities.billable) {
    fail('validation', `${accountLabel(rt.config)} entries have no billable flag.`, {
      field: 'billable',
    });
  }
  const { project, task } = await resolveProjectAndTask(rt, input);
  const work: StartWork = {
    description: input.description?.trim() ? input.description.trim() : null,
    projectId: project?.id ?? null,
    projectName: project?.name ?? null,
    projectColor: project?.color ?? null,
    taskId: task?.id ?? null,
    taskName: task?.name ?? null,
    ...(tags ? { tags } : {}),
    ...(input.billable !== undefined ? { billable: input.billable } : {}),
    ...(input.replaceRunning ? { replaceRunning: true } : {}),
  };
  return startWork(rt, deps, work, 'Started', input.queueIfOffline ?? false);
}

/**
 * Starts `work` through the journal; a manager acting for a member sends it straight away
 * (someone else's timer is not replayed later, when they may no longer be the one watched).
 */
async function startWork(
  rt: AccountRuntime,
  deps: ActionDeps,
  work: StartWork,
  verb: 'Started' | 'Continued',
  queueIfOffline: boolean,
): Promise<string> {
  const provider = requireProvider(rt);
  const on = accountLabel(rt.config);
  if (provider.team?.actingFor) {
    const result = await startOn(rt, provider, {
      description: work.description,
      projectId: work.projectId,
      taskId: work.taskId,
      tags: work.tags,
      billable: work.billable,
      ...(work.replaceRunning ? { replaceRunning: true } : {}),
      at: deps.now(),
    });
    return `${verb} ${quote(result.entry)} on ${on}${replacedNote(result.replaced)}.`;
  }
  const outcome = await act(rt, deps, {
    kind: 'start',
    work,
    label: `Start ${quote(work)}`,
    queueIfOffline,
  });
  if (outcome.kind === 'queued') {
    const { action } = outcome;
    return `${verb} ${quote(work)} at ${hhmm(action.at)} on ${on} — ${waitsFor(action.error)}.`;
  }
  const settled = outcome.settled;
  if (settled?.kind === 'started')
    return `${verb} ${quote(settled.result.entry)} on ${on}${replacedNote(settled.result.replaced)}.`;
  return `${verb} ${quote(work)} on ${on}.`;
}

const replacedNote = (replaced: RemoteEntry | null) =>
  replaced ? ` (stopped ${quote(replaced)})` : '';

export async function stopEntry(
  rt: AccountRuntime,
  deps: ActionDeps,
  queueIfOffline = false,
): Promise<string> {
  const provider = requireProvider(rt);
  const on = accountLabel(rt.config);
  if (provider.team?.actingFor) {
    const stopped = await rt.once('stop', () => provider.stop(deps.now()));
    rt.applyAction({ running: null, touched: stopped ? [stopped] : [] });
    return stopped ? `Stopped ${quote(stopped)} on ${on}.` : `Nothing was running on ${on}.`;
  }
  const running = rt.running;
  const outcome = await act(rt, deps, {
    kind: 'stop',
    label: running ? `Stop ${quote(running)}` : 'Stop the running timer',
    queueIfOffline,
  });
  if (outcome.kind === 'queued') {
    const what = running ? ` ${quote(running)}` : '';
    return `Stopped${what} at ${hhmm(outcome.action.at)} on ${on} — ${waitsFor(outcome.action.error)}.`;
  }
  const stopped =
    outcome.settled?.kind === 'stopped' || outcome.settled?.kind === 'already'
      ? outcome.settled.entry
      : null;
  if (stopped) return `Stopped ${quote(stopped)} on ${on}.`;
  if (running && outcome.settled?.kind === 'already') return `Stopped ${quote(running)} on ${on}.`;
  return `Nothing was running on ${on}.`;
}

export async function continueEntry(
  rt: AccountRuntime,
  input: ContinueInput,
  deps: ActionDeps,
): Promise<string> {
  requireProvider(rt);
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
  return startWork(rt, deps, workOf(source), 'Continued', input.queueIfOffline ?? false);
}

/** The same work again: everything that describes an entry, tags and billable included. */
export function workOf(source: RemoteEntry): StartWork {
  return {
    description: source.description,
    projectId: source.projectId,
    projectName: source.projectName,
    projectColor: source.projectColor,
    taskId: source.taskId,
    taskName: source.taskName,
    ...(source.tags ? { tags: source.tags } : {}),
    ...(source.billable !== undefined ? { billable: source.billable } : {}),
  };
}

/** Stop if running; else continue the most recent entry; with no history, start a blank one. */
export async function toggleEntry(
  rt: AccountRuntime,
  deps: ActionDeps,
  queueIfOffline = false,
): Promise<string> {
  if (rt.running) return stopEntry(rt, deps, queueIfOffline);
  if (recentDistinct(rt.entries, 1).length > 0) return continueEntry(rt, { queueIfOffline }, deps);
  return startEntry(rt, { queueIfOffline }, deps);
}
