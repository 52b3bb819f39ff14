/**
 * Reads back everything a test's temp folder holds, so provider tests can prove that no token,
 * password or other secret was ever written to disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, as text. */
export function allFileText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out += statSync(path).isDirectory() ? allFileText(path) : readFileSync(path, 'utf8');
  }
  return out;
}
