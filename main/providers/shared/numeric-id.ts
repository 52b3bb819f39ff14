/**
 * Services with numeric ids (TrackingTime, WebWork) get ids from the core as strings (the
 * contract's ids are strings for every provider). A non-numeric one is the user's input that
 * matched nothing, reported next to its field rather than sent.
 */
import { ProviderError } from '../provider';

export function numericId(
  id: string | null,
  service: string,
  what: 'project' | 'task' | 'user',
  field: string = what,
): number | null {
  if (id === null) return null;
  if (!/^\d+$/.test(id))
    throw new ProviderError({
      kind: 'validation',
      field,
      message: `That is not a ${service} ${what} id: ${id}`,
    });
  return Number(id);
}
