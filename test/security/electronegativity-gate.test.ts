/**
 * The gate behind `npm run audit:electron`, on a small SARIF fixture shaped like
 * Electronegativity's own output: a listed finding passes, an unlisted one fails, a stale or
 * badly justified entry fails, a file the scanner could not read fails, a malformed report is an
 * error rather than a pass. The real scan of the sources runs in electronegativity-scan.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findingsFromSarif,
  gate,
  parseSuppressions,
  summary,
  SUPPRESSIONS_FILE,
} from '../../scripts/audit-electron';
import type { Suppression } from '../../scripts/audit-electron';

const fixture = readFileSync(
  path.join(import.meta.dirname, 'fixtures', 'electronegativity.sarif'),
  'utf8',
);

const preloadReviewed: Suppression = {
  rule: 'PRELOAD_JS_CHECK',
  file: 'main/shell/popup-window.ts',
  justification:
    'Reviewed: the preload exposes only the contract verbs (test/shell/preload.test.ts).',
};
const navigationElsewhere: Suppression = {
  rule: 'LIMIT_NAVIGATION_GLOBAL_CHECK',
  file: '(global)',
  justification: 'Navigation is limited in main/shell/security.ts (test/shell/security.test.ts).',
};

describe('reading the SARIF report', () => {
  it('yields rule, repository-relative file, line and message; global findings have no file', () => {
    expect(findingsFromSarif(fixture)).toEqual([
      {
        rule: 'PRELOAD_JS_CHECK',
        file: 'main/shell/popup-window.ts',
        line: 35,
        message: 'Review the use of preload scripts',
      },
      {
        rule: 'NODE_INTEGRATION_JS_CHECK',
        file: 'main/shell/settings-window.ts',
        line: 12,
        message: 'Disable nodeIntegration for untrusted origins',
      },
      {
        rule: 'LIMIT_NAVIGATION_GLOBAL_CHECK',
        file: '(global)',
        line: 1,
        message: 'Missing navigation limits',
      },
    ]);
  });

  it.each([
    ['not JSON', '{"version": "2.1.0", "runs": ['],
    ['no runs', '{"version": "2.1.0", "runs": []}'],
    ['another SARIF version', fixture.replace('"version": "2.1.0"', '"version": "1.0.0"')],
    ['a result without a rule', fixture.replace('"ruleId": "PRELOAD_JS_CHECK",', '')],
  ])('a malformed report (%s) is an error, never a pass', (_name, text) => {
    expect(() => findingsFromSarif(text)).toThrow(/SARIF report/);
  });
});

describe('the gate', () => {
  const findings = findingsFromSarif(fixture);

  it('passes when every finding is listed with a reason', () => {
    const result = gate(
      findings.filter((f) => f.rule !== 'NODE_INTEGRATION_JS_CHECK'),
      [preloadReviewed, navigationElsewhere],
    );
    expect(result.ok).toBe(true);
    expect(result.suppressed.map((s) => s.finding.rule)).toEqual([
      'PRELOAD_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
    ]);
    expect(summary(result)).toMatch(/audit:electron passed\.$/);
  });

  it('fails on a finding that is not listed, and names it with its place', () => {
    const result = gate(findings, [preloadReviewed, navigationElsewhere]);
    expect(result.ok).toBe(false);
    expect(result.unsuppressed).toEqual([
      expect.objectContaining({
        rule: 'NODE_INTEGRATION_JS_CHECK',
        file: 'main/shell/settings-window.ts',
      }),
    ]);
    expect(summary(result)).toContain(
      'FINDING     NODE_INTEGRATION_JS_CHECK main/shell/settings-window.ts:12',
    );
    expect(summary(result)).toContain('audit:electron FAILED');
  });

  it('a suppression covers its rule in its file only', () => {
    const elsewhere = { ...preloadReviewed, file: 'main/shell/other.ts' };
    const result = gate(findings.slice(0, 1), [elsewhere]);
    expect(result.ok).toBe(false);
    expect(result.unsuppressed.map((f) => f.rule)).toEqual(['PRELOAD_JS_CHECK']);
  });

  it('fails on a suppression that matches nothing (the list must describe the code as it is)', () => {
    const result = gate(findings.slice(0, 1), [preloadReviewed, navigationElsewhere]);
    expect(result.ok).toBe(false);
    expect(result.unused).toEqual([navigationElsewhere]);
    expect(summary(result)).toContain('STALE       LIMIT_NAVIGATION_GLOBAL_CHECK (global)');
  });

  it('fails when the scanner could not read a file', () => {
    const result = gate([], [], [{ file: 'main/odd.ts', message: 'Unexpected token' }]);
    expect(result.ok).toBe(false);
    expect(summary(result)).toContain('UNSCANNED   main/odd.ts: Unexpected token');
  });
});

describe('the suppression file', () => {
  const entry = (justification: string) =>
    JSON.stringify({ suppressions: [{ ...preloadReviewed, justification }] });

  it.each([
    ['empty', ''],
    ['too short to say why', 'ok'],
    ['more than one line', 'Reviewed the preload.\nAnd something else entirely.'],
  ])('refuses a justification that is %s', (_name, justification) => {
    expect(() => parseSuppressions(entry(justification))).toThrow(/suppression file is invalid/);
  });

  it('refuses unknown fields (a typo must not silently widen a suppression)', () => {
    const typo = JSON.stringify({ suppressions: [{ ...preloadReviewed, files: 'main/**' }] });
    expect(() => parseSuppressions(typo)).toThrow(/suppression file is invalid/);
  });

  it('the real list parses and every entry names a file that exists', () => {
    const list = parseSuppressions(readFileSync(SUPPRESSIONS_FILE, 'utf8'));
    expect(list.length).toBeGreaterThan(0);
    const root = path.dirname(SUPPRESSIONS_FILE);
    for (const s of list) {
      if (s.file !== '(global)')
        expect(readFileSync(path.join(root, s.file)).length).toBeGreaterThan(0);
    }
  });
});
