/**
 * entry.update: changes to the running entry (description, project/task, start time), sent to
 * the service as one update where its API has one (capabilities.editEntry / editStart).
 *
 * Decided by the lead: an edit is sent at once and NOT journaled. Offline (or any failure) the
 * error value goes back to the popup or CLI, which shows it; nothing is queued, nothing is
 * silently dropped, and what the account shows stays as the service last said.
 */
import { PROVIDER_NAMES, type EntryUpdateInput } from '../../preload/contract';
import { describeEntry } from '../../preload/format';
import { ACTION_PREFIX } from '../journal/journal-schema';
import { hhmm } from '../journal/pending-view';
import { isTransient } from '../journal/transient';
import type { EntryPatch, RemoteEntry } from '../providers/provider';
import type { AccountRuntime } from './account-runtime';
import { RECENT_WINDOW_MS } from './account-runtime';
import { requireProvider, resolveProjectAndTask } from './entry-commands';
import { CoreError, fail, toAppError } from './errors';
import { accountLabel } from './snapshot';

/**
 * How far back a start may move: the recent window the app shows (7 days). Further back is
 * almost surely a typo (a wrong date), and an entry running for weeks is not what anyone meant.
 */
export const MAX_START_AGE_MS = RECENT_WINDOW_MS;

const quote = (e: Pick<RemoteEntry, 'description' | 'projectName' | 'taskName'>) =>
  `“${describeEntry(e)}”`;

export async function updateEntry(
  rt: AccountRuntime,
  input: EntryUpdateInput,
  now: number,
): Promise<string> {
  const provider = requireProvider(rt);
  const on = accountLabel(rt.config);
  const service = PROVIDER_NAMES[rt.config.provider];
  const changesWork =
    input.description !== undefined || input.project !== undefined || input.task !== undefined;
  const changesStart = input.startedAt !== undefined;
  if (!changesWork && !changesStart)
    fail('validation', 'Nothing to change: give a description, project, task or start time.');

  const update = provider.update?.bind(provider);
  if (changesWork && (!update || !provider.capabilities.editEntry))
    fail('unsupported', `${service} can't change a running entry from Tray Timer.`);
  if (changesStart && (!update || !provider.capabilities.editStart))
    fail('unsupported', `${service} can't change when a running entry started.`, {
      field: 'startedAt',
    });
  if (!update) return fail('unsupported', `${service} can't change a running entry.`);

  const running = rt.running;
  if (!running) fail('not-found', `Nothing is running on ${on}.`);
  if (running.id.startsWith(ACTION_PREFIX))
    fail(
      'conflict',
      `${quote(running)} was started while ${service} could not be reached and is not synced yet; wait until it is synced, then edit it.`,
    );

  const patch: EntryPatch = {};
  if (changesStart) {
    const at = Date.parse(input.startedAt ?? '');
    if (Number.isNaN(at))
      fail('validation', 'The start time must be a date and time.', { field: 'startedAt' });
    if (at > now) fail('validation', "The start can't be in the future.", { field: 'startedAt' });
    if (now - at > MAX_START_AGE_MS)
      fail('validation', "The start can't be more than 7 days ago.", { field: 'startedAt' });
    // Services keep whole seconds: a start within the same second is not a change.
    if (running.start === null || Math.floor(at / 1000) !== Math.floor(running.start / 1000))
      patch.start = at;
  }
  if (input.description !== undefined) {
    const description = input.description.trim() === '' ? null : input.description.trim();
    if (description !== running.description) patch.description = description;
  }
  Object.assign(patch, await projectAndTaskPatch(rt, input, running));

  const changed = Object.keys(patch).length > 0;
  if (!changed) return `${quote(running)} on ${on} already has that; nothing to change.`;

  let updated: RemoteEntry;
  try {
    // Shared only with the very same edit in flight (a double click), never with another one.
    updated = await rt.once(`update:${running.id}:${JSON.stringify(patch)}`, () =>
      update(running.id, patch),
    );
  } catch (err) {
    const error = toAppError(err);
    // A passing problem (no network, a limit, a 5xx): the edit is not journaled (see the top),
    // so say it did not go through and is to be redone. Sending it again is harmless (an
    // update of the same fields) even if the answer, not the request, was lost.
    const passing = isTransient(error) && !['auth', 'keychain', 'storage'].includes(error.kind);
    if (!passing) throw err;
    throw new CoreError({
      ...error,
      message: `${error.message} ${service} did not confirm the change to ${quote(running)}; try again when it can be reached.`,
    });
  }
  rt.applyAction({ running: updated.stop === null ? updated : null, touched: [updated] });
  const started = patch.start !== undefined && updated.start !== null;
  return `Updated ${quote(updated)} on ${on}${started ? ` — started ${hhmm(updated.start ?? 0)}` : ''}.`;
}

/**
 * The project/task part of the patch. `''` clears; a name or id is resolved as a start does
 * (Local creates a project on first use). A task alone is looked up in the running entry's
 * project; a new project without a task drops the old task (it belonged to the old project).
 */
async function projectAndTaskPatch(
  rt: AccountRuntime,
  input: EntryUpdateInput,
  running: RemoteEntry,
): Promise<Pick<EntryPatch, 'projectId' | 'taskId'>> {
  const out: Pick<EntryPatch, 'projectId' | 'taskId'> = {};
  const project = input.project?.trim();
  const task = input.task?.trim();
  if (project === undefined && task === undefined) return out;

  if (project === '') {
    if (task) fail('validation', 'Choose a project for the task.', { field: 'task' });
    if (running.projectId !== null) out.projectId = null;
    if (running.taskId !== null) out.taskId = null;
    return out;
  }
  if (project === undefined && task === '') {
    if (running.taskId !== null) out.taskId = null;
    return out;
  }
  // A task alone belongs to the running entry's project.
  const projectRef = project ?? running.projectId ?? undefined;
  if (projectRef === undefined)
    fail('validation', 'Choose a project for the task.', { field: 'task' });
  const resolved = await resolveProjectAndTask(rt, {
    project: projectRef,
    ...(task ? { task } : {}),
  });
  if (resolved.projectId !== running.projectId) {
    out.projectId = resolved.projectId;
    // The old task was in the old project: keep it only if asked for again.
    if (resolved.taskId !== running.taskId) out.taskId = resolved.taskId;
  } else if (task !== undefined && resolved.taskId !== running.taskId) {
    out.taskId = resolved.taskId;
  }
  return out;
}
