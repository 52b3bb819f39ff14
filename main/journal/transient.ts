/**
 * Which failures make a journal action wait (the connection, the quota, a sign-in, a passing
 * server problem: the same request can work later) and which set it aside for the user (the
 * service refused it for good: validation, a deleted project…). A set-aside action never
 * blocks the ones after it; a waiting one keeps its place so the order is kept.
 */
import type { AppError } from '../../preload/contract';

const WAITING_KINDS: ReadonlySet<AppError['kind']> = new Set([
  'offline',
  'rate-limited',
  'quota',
  'auth',
  'keychain',
  'storage',
]);

export function isTransient(error: AppError): boolean {
  return WAITING_KINDS.has(error.kind) || error.retryable === true;
}

/** When to try a waiting action again: 15 s, 30 s, 1 min … at most 5 min; a quota's reset. */
export function retryDelayMs(error: AppError | null, attempts: number, now: number): number {
  if (error?.resetAt) {
    const reset = Date.parse(error.resetAt) - now;
    if (Number.isFinite(reset) && reset > 0) return Math.min(reset + 1000, 3600_000);
  }
  return Math.min(300_000, 15_000 * 2 ** Math.max(0, Math.min(attempts - 1, 10)));
}
