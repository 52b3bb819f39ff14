import { useCallback, useRef, useState } from 'react';
import type { AppError, CommandResult, Snapshot } from '../../preload/contract';
import { unreachable } from './useSnapshot';

/** A failed command and which control asked for it, so the error shows next to that control. */
export interface Failure {
  key: string;
  error: AppError;
}

export interface Commands {
  /** Key of the command in flight ("start", "stop:local", …), or null. */
  pending: string | null;
  failure: Failure | null;
  /** Last outcome in words, for the live region. */
  status: string;
  /**
   * Runs one command. While one is in flight every action button shows as unavailable, so a
   * second click is visibly refused rather than silently lost; resolves to whether it succeeded.
   */
  run(key: string, call: () => Promise<CommandResult>, done?: string): Promise<boolean>;
  dismiss(): void;
}

export function useCommands(accept: (snapshot: Snapshot) => void): Commands {
  const [pending, setPending] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [status, setStatus] = useState('');
  const inFlight = useRef<string | null>(null);

  const run = useCallback(
    async (key: string, call: () => Promise<CommandResult>, done?: string) => {
      if (inFlight.current) return false;
      inFlight.current = key;
      setPending(key);
      setFailure(null);
      try {
        const result = await call();
        if (result.snapshot) accept(result.snapshot);
        if (result.ok) {
          setStatus(result.message ?? done ?? '');
          return true;
        }
        setFailure({ key, error: result.error });
        setStatus(result.error.message);
        return false;
      } catch (error: unknown) {
        const appError = unreachable(error);
        setFailure({ key, error: appError });
        setStatus(appError.message);
        return false;
      } finally {
        inFlight.current = null;
        setPending(null);
      }
    },
    [accept],
  );

  const dismiss = useCallback(() => setFailure(null), []);
  return { pending, failure, status, run, dismiss };
}

/** The failure of `key`, split into the part that names `field` and the part that does not. */
export function failureOf(commands: Commands, key: string): AppError | null {
  return commands.failure?.key === key ? commands.failure.error : null;
}

/** Core fields may come as "description" or "input.description" or "hotkeys.toggleTimer". */
export function isField(error: AppError | null, field: string): boolean {
  const f = error?.field;
  return Boolean(f && (f === field || f.endsWith(`.${field}`)));
}

/**
 * What `error` says about `field`: that field's own message when the core sent several at once
 * (a WebWork 422 names description, project and task separately), else the whole message when
 * the error names that field.
 */
export function fieldMessage(error: AppError | null, field: string): string | null {
  if (!error) return null;
  const own = Object.entries(error.fields ?? {}).find(
    ([name]) => name === field || name.endsWith(`.${field}`),
  );
  if (own) return own[1];
  if (error.fields && Object.keys(error.fields).length > 0) return null;
  return isField(error, field) ? error.message : null;
}
