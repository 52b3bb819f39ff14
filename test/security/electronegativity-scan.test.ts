/**
 * `npm run audit:electron` for real, inside `npm test`: Electronegativity scans the shipped
 * sources and the gate must pass (about 10 s, most of it the scanner's start-up). A control scan
 * of a planted insecure window proves the scanner is not blind: the same gate fails on it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audit,
  findingsFromSarif,
  gate,
  scanDirectory,
  summary,
} from '../../scripts/audit-electron';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-eneg-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('audit:electron', () => {
  it('the shipped sources pass: every finding is listed with a reason, none is stale', async () => {
    const result = await audit(path.join(tmp, 'sources.sarif'));
    expect(result.unsuppressed, summary(result)).toEqual([]);
    expect(result.unused, summary(result)).toEqual([]);
    expect(result.unscanned, summary(result)).toEqual([]);
    expect(result.ok).toBe(true);
  }, 120_000);

  it('control: a planted window without isolation and sandbox fails the gate', async () => {
    const planted = path.join(tmp, 'planted');
    mkdirSync(path.join(planted, 'main'), { recursive: true });
    writeFileSync(
      path.join(planted, 'main', 'window.ts'),
      [
        "import { BrowserWindow } from 'electron';",
        'export const w = new BrowserWindow({',
        '  webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false },',
        '});',
        '',
      ].join('\n'),
    );
    const sarif = path.join(tmp, 'planted.sarif');
    const unscanned = await scanDirectory(planted, sarif);
    const findings = findingsFromSarif(readFileSync(sarif, 'utf8'));
    const inFile = findings.filter((f) => f.file === 'main/window.ts').map((f) => f.rule);
    expect(inFile).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']),
    );
    expect(gate(findings, [], unscanned).ok).toBe(false);
  }, 120_000);
});
