/**
 * Turns anything thrown below the core into an error value the UI can show. Messages never
 * include secrets: providers build their own messages, and unexpected errors are reduced to
 * their first line.
 */
import { ZodError } from 'zod';
import type { AppError } from '../../preload/contract';
import { ProviderError } from '../providers/provider';
import { SecretStoreError } from '../secrets/secret-store';
import { StorageError } from '../storage/atomic-file';

export class CoreError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'CoreError';
  }
}

export function fail(
  kind: AppError['kind'],
  message: string,
  extra: Partial<AppError> = {},
): never {
  throw new CoreError({ kind, message, ...extra });
}

export function toAppError(err: unknown): AppError {
  if (err instanceof CoreError || err instanceof ProviderError) return err.error;
  if (err instanceof StorageError) return { kind: 'storage', message: err.message };
  if (err instanceof SecretStoreError) {
    return { kind: err.reason === 'unavailable' ? 'keychain' : 'auth', message: err.message };
  }
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    // Commands wrap their payload in `input`; the UI knows fields by their own names.
    const path = issue?.path.map(String) ?? [];
    const field = (path[0] === 'input' ? path.slice(1) : path).join('.') || undefined;
    return {
      kind: 'validation',
      message: issue ? issue.message : 'Invalid input.',
      ...(field ? { field } : {}),
    };
  }
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return { kind: 'internal', message: `Unexpected error: ${first}` };
}
