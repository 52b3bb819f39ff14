/**
 * `npm run audit:electron`: runs Doyensec's Electronegativity on the shipped sources (main/,
 * preload/, renderer/ without their tests), writes its SARIF report to
 * out/security/electronegativity.sarif, and fails on any finding that
 * .electronegativity-suppressions.json does not list with a one-line justification.
 *
 * Why a wrapper: Electronegativity always exits 0, its CLI no longer starts (it calls
 * commander's pre-v7 API and does not declare commander, so it picks up ours), and two of its
 * steps want the network (translations, the Electron release list). So this calls its
 * programmatic runner, skips the one check that cannot work offline, and gates on the SARIF
 * itself, parsed with zod. Files it could not parse fail the gate too: unscanned is not clean.
 *
 * A suppression names the rule and the file (no line number, so edits do not churn the list).
 * One that matches nothing fails as well: the list must describe the code as it is.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUPPRESSIONS_FILE = path.join(REPO, '.electronegativity-suppressions.json');
export const SARIF_OUT = path.join(REPO, 'out', 'security', 'electronegativity.sarif');
/** What ships: the three process folders. Tests and test fakes are not part of the app. */
const SCANNED = ['main', 'preload', 'renderer'];
/**
 * AvailableSecurityFixesGlobalCheck downloads Electron's release list: it cannot run offline and
 * would only report "could not check". Checklist item 16 (a current Electron) is covered in
 * SECURITY.md instead.
 */
const OFFLINE_EXCLUDED = ['availablesecurityfixesglobalcheck'];
/** Findings with no file (global checks) carry this uri. */
const GLOBAL = '(global)';

// --- SARIF (only the parts the gate reads; everything else may vary) ---

const sarifSchema = z.object({
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        tool: z.object({ driver: z.object({ name: z.string(), version: z.string().optional() }) }),
        results: z.array(
          z.object({
            ruleId: z.string().min(1),
            level: z.string().optional(),
            message: z.object({ text: z.string() }),
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({
                    artifactLocation: z.object({ uri: z.string() }),
                    region: z.object({ startLine: z.number().int() }).optional(),
                  }),
                }),
              )
              .default([]),
          }),
        ),
      }),
    )
    .min(1),
});

export interface Finding {
  rule: string;
  /** Path relative to the repository root, or "(global)". */
  file: string;
  line: number;
  message: string;
}

function normaliseUri(uri: string): string {
  if (uri === '' || uri === 'file:///' || uri === 'N/A') return GLOBAL;
  const plain = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
  return plain.split(path.sep).join('/').replace(/^\.\//, '');
}

/** Reads a SARIF document (text) into findings. Throws with a readable message if malformed. */
export function findingsFromSarif(text: string): Finding[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('The SARIF report is not JSON.');
  }
  const parsed = sarifSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`The SARIF report has an unexpected shape: ${parsed.error.message}`);
  return parsed.data.runs.flatMap((run) =>
    run.results.map((r) => {
      const location = r.locations[0]?.physicalLocation;
      return {
        rule: r.ruleId,
        file: normaliseUri(location?.artifactLocation.uri ?? ''),
        line: location?.region?.startLine ?? 0,
        message: r.message.text,
      };
    }),
  );
}

// --- suppressions ---

const suppressionSchema = z
  .object({
    rule: z.string().regex(/^[A-Z0-9_]+$/, 'a rule id such as PRELOAD_JS_CHECK'),
    file: z.string().min(1),
    justification: z
      .string()
      .trim()
      .min(20, 'say why in a sentence')
      .refine((s) => !s.includes('\n'), 'one line'),
  })
  .strict();
export const suppressionsSchema = z
  .object({ $comment: z.string().optional(), suppressions: z.array(suppressionSchema) })
  .strict();
export type Suppression = z.infer<typeof suppressionSchema>;

export function parseSuppressions(text: string): Suppression[] {
  const parsed = suppressionsSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`The suppression file is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.suppressions;
}

export interface GateResult {
  ok: boolean;
  suppressed: { finding: Finding; justification: string }[];
  unsuppressed: Finding[];
  /** Suppressions that matched no finding: stale, they must go. */
  unused: Suppression[];
  /** Files the scanner could not read: not scanned means not proven. */
  unscanned: { file: string; message: string }[];
}

export function gate(
  findings: Finding[],
  suppressions: Suppression[],
  unscanned: GateResult['unscanned'] = [],
): GateResult {
  const used = new Set<Suppression>();
  const suppressed: GateResult['suppressed'] = [];
  const unsuppressed: Finding[] = [];
  for (const finding of findings) {
    const match = suppressions.find((s) => s.rule === finding.rule && s.file === finding.file);
    if (match) {
      used.add(match);
      suppressed.push({ finding, justification: match.justification });
    } else unsuppressed.push(finding);
  }
  const unused = suppressions.filter((s) => !used.has(s));
  return {
    ok: unsuppressed.length === 0 && unused.length === 0 && unscanned.length === 0,
    suppressed,
    unsuppressed,
    unused,
    unscanned,
  };
}

export function summary(result: GateResult): string {
  const where = (f: Finding) => (f.file === GLOBAL ? GLOBAL : `${f.file}:${f.line}`);
  const lines = [
    `Electronegativity: ${result.suppressed.length + result.unsuppressed.length} finding(s), ` +
      `${result.suppressed.length} suppressed with a reason, ${result.unsuppressed.length} not.`,
  ];
  for (const { finding, justification } of result.suppressed)
    lines.push(`  suppressed  ${finding.rule} ${where(finding)}: ${justification}`);
  for (const f of result.unsuppressed)
    lines.push(`  FINDING     ${f.rule} ${where(f)}: ${f.message}`);
  for (const s of result.unused)
    lines.push(`  STALE       ${s.rule} ${s.file}: matches no finding; remove it from the list`);
  for (const u of result.unscanned) lines.push(`  UNSCANNED   ${u.file}: ${u.message}`);
  lines.push(
    result.ok
      ? 'audit:electron passed.'
      : 'audit:electron FAILED: fix the code, or add the finding to .electronegativity-suppressions.json with a one-line reason.',
  );
  return lines.join('\n');
}

// --- the scan ---

const runnerResultSchema = z.object({
  errors: z.array(z.object({ file: z.string(), message: z.string(), tolerable: z.boolean() })),
});

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<unknown>;

/**
 * Electronegativity fetches translations from a public bucket on every run (and release data in
 * the check skipped above) through `got`. This audit must never reach beyond the machine: the
 * copy of `got` it loads is replaced, before it loads, by one that fails at once, as it would
 * offline (the runner then uses its bundled English texts).
 */
function keepOffline(require: NodeJS.Require): void {
  const offline = () => Promise.reject(new Error('audit:electron makes no network requests'));
  const stub = Object.assign(offline, { head: offline, get: offline });
  for (const from of ['dist/locales/i18n.js', 'dist/finder/checks/GlobalChecks/index.js']) {
    const file = require.resolve(`@doyensec/electronegativity/${from}`);
    const gotPath = createRequire(file).resolve('got');
    require.cache[gotPath] = {
      id: gotPath,
      filename: gotPath,
      loaded: true,
      exports: { __esModule: true, default: stub },
    } as unknown as NodeJS.Module;
  }
}

/** Copies what ships into a fresh folder so the scan sees the app and nothing else. */
function stageSources(): string {
  const stage = mkdtempSync(path.join(tmpdir(), 'tray-timer-eneg-'));
  for (const dir of SCANNED) {
    cpSync(path.join(REPO, dir), path.join(stage, dir), {
      recursive: true,
      filter: (src) => !/\.test\.tsx?$/.test(src),
    });
  }
  return stage;
}

/**
 * Electronegativity writes its report with a fire-and-forget fs.writeFile after the runner has
 * resolved: wait until the file holds complete JSON.
 */
async function sarifWritten(sarifPath: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      JSON.parse(readFileSync(sarifPath, 'utf8'));
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`Electronegativity wrote no report to ${sarifPath}.`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Runs Electronegativity on one folder and writes its SARIF report. Returns the files it could
 * not parse (paths relative to the folder).
 */
export async function scanDirectory(
  input: string,
  sarifPath: string,
): Promise<GateResult['unscanned']> {
  const require = createRequire(import.meta.url);
  keepOffline(require);
  const run = require('@doyensec/electronegativity') as Runner;
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  mkdirSync(path.dirname(sarifPath), { recursive: true });
  // A report from an earlier run must not pass for this one.
  rmSync(sarifPath, { force: true });
  const raw = await run(
    {
      input,
      output: sarifPath,
      isSarif: true,
      isRelative: true,
      customScan: [],
      excludeFromScan: OFFLINE_EXCLUDED,
      electronVersionOverride: electronVersion,
    },
    false,
  );
  const { errors } = runnerResultSchema.parse(raw);
  await sarifWritten(sarifPath);
  return errors
    .filter((e) => !e.tolerable)
    .map((e) => ({ file: path.relative(input, e.file), message: e.message }));
}

/** Scans what ships (a staged copy of main/, preload/, renderer/ without tests). */
export async function scan(sarifPath = SARIF_OUT): Promise<GateResult['unscanned']> {
  const stage = stageSources();
  try {
    return await scanDirectory(stage, sarifPath);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The whole audit: scan, read the SARIF back, apply the suppression list. */
export async function audit(sarifPath = SARIF_OUT): Promise<GateResult> {
  const unscanned = await scan(sarifPath);
  const findings = findingsFromSarif(readFileSync(sarifPath, 'utf8'));
  const suppressions = parseSuppressions(readFileSync(SUPPRESSIONS_FILE, 'utf8'));
  return gate(findings, suppressions, unscanned);
}

async function main(): Promise<number> {
  const started = Date.now();
  const result = await audit();
  writeFileSync(SARIF_OUT.replace(/\.sarif$/, '.summary.txt'), `${summary(result)}\n`);
  console.log(summary(result));
  console.log(
    `(${((Date.now() - started) / 1000).toFixed(1)} s; SARIF: ${path.relative(REPO, SARIF_OUT)})`,
  );
  return result.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(
        `audit:electron could not run: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(2);
    },
  );
}
