/**
 * The control token: a random secret the running app writes to `control.token` in the data
 * folder (mode 0600, in a folder only the user can read) and every control-socket request must
 * carry. It makes "can read the user's files" — i.e. is the user — the condition for driving the
 * app, whatever the transport allows: on Windows Node cannot restrict a named pipe to the current
 * user, and on Unix it is a second lock next to the socket's 0600 mode. A new token is made at
 * every start, so a copy from an earlier run is worthless.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../storage/atomic-file';

const TOKEN_RE = /^[0-9a-f]{64}$/;

/** Makes and saves a new token (32 random bytes, hex); returns it. */
export function createControlToken(file: string): string {
  const token = randomBytes(32).toString('hex');
  writeFileAtomic(file, `${token}\n`);
  return token;
}

/** The saved token, or null when there is none (app not running, or another user's file). */
export function readControlToken(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return TOKEN_RE.test(text) ? text : null;
  } catch {
    return null;
  }
}

export function removeControlToken(file: string): void {
  rmSync(file, { force: true });
}

/** Constant-time comparison, so the answer time says nothing about how much matched. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
