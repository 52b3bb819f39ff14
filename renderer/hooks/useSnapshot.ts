import { useCallback, useEffect, useReducer, useState } from 'react';
import type { AppError, Snapshot, TrayTimerApi } from '../../preload/contract';

/** Snapshots can arrive out of order (push vs. command reply): the highest version wins. */
function newest(current: Snapshot | null, next: Snapshot): Snapshot | null {
  return current && current.version >= next.version ? current : next;
}

export interface SnapshotState {
  snapshot: Snapshot | null;
  /** Why the first snapshot could not be loaded (main not answering, core failed to open). */
  loadError: AppError | null;
  /** Offer a snapshot from a command reply; ignored when older than what is shown. */
  accept(snapshot: Snapshot): void;
}

export function useSnapshot(api: TrayTimerApi): SnapshotState {
  const [snapshot, accept] = useReducer(newest, null);
  const [loadError, setLoadError] = useState<AppError | null>(null);

  useEffect(() => {
    // Subscribe first so nothing pushed while getState() is in flight is lost.
    const unsubscribe = api.onState(accept);
    let cancelled = false;
    api.getState().then(
      (result) => {
        if (cancelled) return;
        if (result.snapshot) accept(result.snapshot);
        setLoadError(result.ok ? null : result.error);
      },
      (error: unknown) => {
        if (!cancelled) setLoadError(unreachable(error));
      },
    );
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [api]);

  return { snapshot, loadError, accept: useCallback((s: Snapshot) => accept(s), []) };
}

/** A rejected bridge call is not an AppError from the core: describe it for the user. */
export function unreachable(error: unknown): AppError {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    kind: 'internal',
    message: `Tray Timer's background process did not answer (${detail}). Try again, or restart Tray Timer.`,
  };
}
