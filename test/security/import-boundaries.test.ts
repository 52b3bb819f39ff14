/**
 * The import boundaries in eslint.config.js are part of the security model (SECURITY.md), and
 * `npm run lint` passing only shows the code obeys them today. This runs the project's own ESLint
 * configuration on small snippets placed where they would live, so a rule that silently stopped
 * matching (a renamed folder, a typo in a glob) fails here.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import boundaries (the project ESLint config, applied to snippets)', () => {
  it.each([
    [
      'renderer/Leak.tsx',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
    ],
    [
      'renderer/leak.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    ],
    ['renderer/leak.ts', "import path from 'path';\nexport const x = path;\n"],
    [
      'renderer/leak.ts',
      "import { openCore } from '../main/core/open-core';\nexport const x = openCore;\n",
    ],
    ['preload/index.ts', "import { z } from 'zod';\nexport const x = z;\n"],
    ['preload/index.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['main/core/leak.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['main/providers/leak.ts', "import { shell } from 'electron';\nexport const x = shell;\n"],
  ])('%s: refuses %s', async (file, code) => {
    expect(await restrictedImports(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'preload/index.ts',
      "import { contextBridge } from 'electron';\nexport const x = contextBridge;\n",
    ],
    ['preload/index.ts', "import type { Command } from './contract';\nexport type X = Command;\n"],
    ['main/shell/ok.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    [
      'renderer/ok.ts',
      "import type { Snapshot } from '../preload/contract';\nexport type X = Snapshot;\n",
    ],
  ])('control: %s allows %s', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
