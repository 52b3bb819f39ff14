/**
 * entry.update: changes to the running entry (description, project/task, start time), sent to
 * the service as one update where its API has one (capabilities.editEntry / editStart).
 * OWNED BY THE PROVIDER-UPDATE HELPER: this stub only fixes the signature open-core calls.
 */
import type { EntryUpdateInput } from '../../preload/contract';
import type { AccountRuntime } from './account-runtime';
import { fail } from './errors';

export async function updateEntry(
  rt: AccountRuntime,
  input: EntryUpdateInput,
  now: number,
): Promise<string> {
  await Promise.resolve();
  void rt;
  void input;
  void now;
  return fail('unsupported', 'Editing the running entry is not built yet.');
}
