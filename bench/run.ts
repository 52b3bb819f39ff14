/**
 * `npm run bench` (after `npm run build`): the three numbers issue 2 asks for, measured, printed
 * as a table and written to bench/results.json. Targets are reported, not asserted: a slow or
 * busy machine should not fail a build, but the numbers must be visible.
 *
 *  1. Core wake-ups per hour with a Local timer running: the real core in 'app' mode on a
 *     virtual clock that counts fired timers, one simulated hour, popup hidden and visible.
 *  2. Renderer JS size: every out/renderer/**\/*.js, gzip level 9 each, summed.
 *  3. `tray-timer status` wall time: 20 runs of the built CLI as a child process, with no app
 *     running (in-process core) and with the control server running in this process.
 *  4. Toggl workday (issue 3): an 8-hour day on virtual time against the fake Toggl server,
 *     Tray Timer next to two naive pollers (bench/toggl-workday.ts).
 *  5. TrackingTime workday (issue 4): the same day against the fake TrackingTime server, Tray
 *     Timer next to a naive 30 s poller (bench/trackingtime-workday.ts).
 *  6. WebWork workday (issue 5): the same day for a member against the fake WebWork server next
 *     to a naive 10 s poller, and an Owner watching a 50-member team glance for an hour next to
 *     a naive glance (bench/webwork-workday.ts).
 *  7. Offline action journal (issue 6): an offline hour with 10 actions and its replay, starts
 *     whose answers were lost, per provider; the journal's cost on Local start/stop
 *     (bench/journal-replay.ts).
 *  8. Presence (issue 8): wake-ups and last-alive writes per hour with idle detection,
 *     reminders and pomodoro on and off (bench/presence.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startControlServer } from '../main/control/socket-server';
import { openCore } from '../main/core/open-core';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { controlSocketPath } from '../main/storage/data-dir';
import { ensureCliBuilt } from '../test/cli/cli-build';
import { VirtualClock } from '../test/support/virtual-clock';
import { runTogglWorkday, togglTable } from './toggl-workday';
import { runTrackingTimeWorkday, trackingTimeTable } from './trackingtime-workday';
import { runWebWorkWorkday, webworkDayTable, webworkGlanceTable } from './webwork-workday';
import {
  journalVerdictTable,
  lostAnswersTable,
  offlineHourTable,
  runJournalBench,
} from './journal-replay';
import type { Verdict } from './workday-kit';
import { presenceTable, runPresenceBench } from './presence';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'out', 'cli', 'tray-timer.js');
const HOUR = 3600_000;
const RUNS = 20;

const TARGETS = { wakeUpsPerHour: 70, rendererGzipKiB: 100, cliStatusMs: 300 } as const;

interface WakeUps {
  popupHidden: number;
  popupVisible: number;
  snapshotsHidden: number;
}

async function measureWakeUps(): Promise<WakeUps> {
  const one = async (popupVisible: boolean) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-core-'));
    // A weekday morning, 20 s past a minute, so minute ticks are not trivially aligned.
    const clock = new VirtualClock(new Date(2026, 10, 25, 9, 0, 20).getTime());
    const core = await openCore({ dataDir, secrets: new MemorySecretStore(), mode: 'app', clock });
    try {
      const started = await core.execute({ type: 'start', input: { description: 'Benchmark' } });
      if (!started.ok) throw new Error(`could not start a Local timer: ${started.error.message}`);
      let snapshots = 0;
      core.subscribe(() => (snapshots += 1));
      core.setPopupVisible(popupVisible);
      const before = clock.fired;
      await clock.advance(HOUR);
      return { fired: clock.fired - before, snapshots };
    } finally {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const hidden = await one(false);
  const visible = await one(true);
  return {
    popupHidden: hidden.fired,
    popupVisible: visible.fired,
    snapshotsHidden: hidden.snapshots,
  };
}

interface RendererSize {
  files: number;
  rawBytes: number;
  gzipBytes: number;
  /** Unminified output (e.g. left by a test harness build) overstates what ships. */
  looksMinified: boolean;
}

function listJs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listJs(full);
    return e.name.endsWith('.js') ? [full] : [];
  });
}

function measureRenderer(): RendererSize | null {
  const files = listJs(path.join(REPO, 'out', 'renderer'));
  if (files.length === 0) return null;
  let rawBytes = 0;
  let gzipBytes = 0;
  let lines = 0;
  for (const f of files) {
    const content = readFileSync(f);
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
    lines += content.toString('utf8').split('\n').length;
  }
  // Minified bundles are a handful of very long lines; unminified ones average ~40 characters.
  return { files: files.length, rawBytes, gzipBytes, looksMinified: rawBytes / lines > 500 };
}

/** One CLI run, timed from spawn to exit. Async: this process may be serving the socket. */
function timeCli(home: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'status'], {
      env: { ...process.env, TRAY_TIMER_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 || !out.startsWith('▶ '))
        reject(new Error(`tray-timer status failed (${code}): ${out}${err}`));
      else resolve(ms);
    });
  });
}

interface Timing {
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

function summarise(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  const round = (n: number) => Math.round(n * 10) / 10;
  const mid =
    s.length % 2
      ? (s[(s.length - 1) / 2] ?? NaN)
      : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
  return {
    medianMs: round(mid),
    p90Ms: round(at(0.9)),
    minMs: round(s[0] ?? NaN),
    maxMs: round(s.at(-1) ?? NaN),
  };
}

function timeNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

/** A data folder with a running Local entry, so status prints what a bar shows during work. */
async function preparedHome(): Promise<string> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-cli-'));
  const setup = await openCore({
    dataDir: home,
    secrets: new MemorySecretStore(),
    mode: 'oneshot',
  });
  await setup.execute({
    type: 'start',
    input: { description: 'Benchmark', project: 'Tray Timer' },
  });
  await setup.close();
  return home;
}

async function measureCliStatus(): Promise<{
  inProcess: Timing;
  overSocket: Timing;
  nodeBaseline: Timing;
}> {
  await ensureCliBuilt();
  const idleHome = await preparedHome();
  const appHome = await preparedHome();
  const core = await openCore({ dataDir: appHome, secrets: new MemorySecretStore(), mode: 'app' });
  const server = await startControlServer({ core, socketPath: controlSocketPath(appHome) });
  try {
    // Warm the file cache once, as a status bar's second call would find it.
    await timeCli(idleHome);
    await timeCli(appHome);
    // Interleaved, so a burst of load from elsewhere hits all three series alike. The bare
    // `node -e 0` start is the floor under every CLI number on this machine.
    const inProcess: number[] = [];
    const overSocket: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      inProcess.push(await timeCli(idleHome));
      overSocket.push(await timeCli(appHome));
      floor.push(await timeNode());
    }
    return {
      inProcess: summarise(inProcess),
      overSocket: summarise(overSocket),
      nodeBaseline: summarise(floor),
    };
  } finally {
    await server.close();
    await core.close();
    rmSync(idleHome, { recursive: true, force: true });
    rmSync(appHome, { recursive: true, force: true });
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

function row(name: string, value: string, target: string, ok: boolean | null): string[] {
  return [name, value, target, ok === null ? 'n/a' : ok ? 'ok' : 'OVER'];
}

/** Median and p90 of one way `tray-timer status` runs, each against the status target. */
function statusRows(how: string, t: { medianMs: number; p90Ms: number }): string[][] {
  return (['median', 'p90'] as const).map((stat) => {
    const ms = stat === 'median' ? t.medianMs : t.p90Ms;
    return row(
      `tray-timer status, ${how} ${stat}`,
      `${ms} ms`,
      `≤ ${TARGETS.cliStatusMs} ms`,
      ms <= TARGETS.cliStatusMs,
    );
  });
}

/** A workday's `log` option: its timeline printed when the variable is 1. */
function logWhen(variable: string): { log?: (line: string) => void } {
  return process.env[variable] === '1' ? { log: (line: string) => console.log(line) } : {};
}

/** Wall time of a workday, in tenths of a second. */
const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Tray Timer against each target, on the seeded day next to all days pooled. */
function verdictTable(report: {
  moreSeeds: readonly number[];
  verdicts: { thisDay: readonly Verdict[]; allDays: readonly Verdict[] };
}): string[][] {
  return [
    ['measure', 'target', 'this day', '', `all ${1 + report.moreSeeds.length} days`, ''],
    ...report.verdicts.thisDay.map((v, i) => {
      const all = report.verdicts.allDays[i];
      return [
        v.measure.replace(/ \(\d+ changes\)$/, ''),
        v.target,
        v.value,
        mark(v.ok),
        all?.value ?? '',
        all ? mark(all.ok) : '',
      ];
    }),
  ];
}

async function main(): Promise<void> {
  const wakeUps = await measureWakeUps();
  const renderer = measureRenderer();
  const cli = await measureCliStatus();

  const kib = (b: number) => Math.round((b / 1024) * 10) / 10;
  const rows = [
    ['measure', 'value', 'target', ''],
    row(
      'core wake-ups / hour, timer running, popup hidden',
      String(wakeUps.popupHidden),
      `≤ ${TARGETS.wakeUpsPerHour}`,
      wakeUps.popupHidden <= TARGETS.wakeUpsPerHour,
    ),
    row(
      'core wake-ups / hour, timer running, popup visible',
      String(wakeUps.popupVisible),
      'reported',
      null,
    ),
    row(
      'renderer JS, gzip -9 (sum of files)',
      renderer
        ? `${kib(renderer.gzipBytes)} KiB (${renderer.files} files, ${kib(renderer.rawBytes)} KiB raw${renderer.looksMinified ? '' : ', NOT minified: run npm run build'})`
        : 'not built (npm run build)',
      `≤ ${TARGETS.rendererGzipKiB} KiB`,
      renderer ? kib(renderer.gzipBytes) <= TARGETS.rendererGzipKiB : null,
    ),
    ...statusRows('no app (in-process)', cli.inProcess),
    ...statusRows('app running (socket)', cli.overSocket),
    row('node -e 0 (machine floor) median', `${cli.nodeBaseline.medianMs} ms`, 'reported', null),
  ];
  rows.push(
    row(
      'status over node floor, in-process (median)',
      `${Math.round(cli.inProcess.medianMs - cli.nodeBaseline.medianMs)} ms`,
      'reported',
      null,
    ),
    row(
      'status over node floor, socket (median)',
      `${Math.round(cli.overSocket.medianMs - cli.nodeBaseline.medianMs)} ms`,
      'reported',
      null,
    ),
  );
  printTable(rows);

  const t0 = performance.now();
  const toggl = await runTogglWorkday(logWhen('TOGGL_BENCH_LOG'));
  console.log(
    `\nToggl workday (${toggl.day.start}–${toggl.day.end}, locked ${toggl.day.locked}, asleep ${toggl.day.asleep}; ` +
      `${toggl.script.popupOpens} popup openings, ${toggl.script.starts} starts + ${toggl.script.continues} continues, ` +
      `${toggl.script.stops} stops, ${toggl.script.remoteChanges} remote changes; Free plan quotas 30/h; ` +
      `${secondsSince(t0)} s)\n`,
  );
  printTable(togglTable(toggl));
  console.log('\nTray Timer against the issue 3 targets:');
  printTable(verdictTable(toggl));

  const t1 = performance.now();
  const trackingtime = await runTrackingTimeWorkday(logWhen('TRACKINGTIME_BENCH_LOG'));
  console.log(
    `\nTrackingTime workday (the same day; budget: at most ${trackingtime.targets.automaticRequestsPerHour} automatic requests per hour; ` +
      `${secondsSince(t1)} s)\n`,
  );
  printTable(trackingTimeTable(trackingtime));
  console.log('\nTray Timer against the issue 4 targets:');
  printTable(verdictTable(trackingtime));

  const t2 = performance.now();
  const webwork = await runWebWorkWorkday(logWhen('WEBWORK_BENCH_LOG'));
  console.log(
    `\nWebWork workday (the same day for a member; WebWork allows ${webwork.targets.serviceLimitPerMinute} requests a minute per user, ` +
      `budget: at most ${webwork.targets.maxPerMinute} in any 60 s; ${secondsSince(t2)} s with the team glance)\n`,
  );
  printTable(webworkDayTable(webwork));
  console.log(
    `\nWebWork team glance (an Owner, popup open on the glance of ${webwork.glance[0]?.team ?? '?'} members for an hour: ` +
      `asked every minute, Refresh pressed ${webwork.glance[0]?.refreshes ?? '?'} times; ` +
      `${webwork.glance[0]?.trackingAtStart ?? '?'} tracking, ${webwork.glance[0]?.changes.made ?? '?'} start or stop meanwhile)\n`,
  );
  printTable(webworkGlanceTable(webwork));
  console.log('\nTray Timer against the issue 5 targets:');
  printTable([
    ...verdictTable(webwork),
    // One manager's hour: a single run, so no pooled column.
    ...webwork.verdicts.glance.map((v) => [v.measure, v.target, v.value, mark(v.ok), '', '']),
  ]);

  const t3 = performance.now();
  const journal = await runJournalBench(logWhen('JOURNAL_BENCH_LOG'));
  console.log(
    `\nOffline hour (the service unreachable 10:00–11:00, 10 actions meanwhile: 5 start/stop pairs ` +
      `5 min apart, app mode; then until the journal is empty; ${secondsSince(t3)} s for this whole section)\n`,
  );
  printTable(offlineHourTable(journal));
  console.log(
    `\nLost answers (${journal.lostAnswers[0]?.starts ?? '?'} starts 2 min apart, each accepted by the service ` +
      `but its answer lost; one after another, replacing the running one)\n`,
  );
  printTable(lostAnswersTable(journal));
  console.log(
    `\nTray Timer against the issue 6 targets (Local: ${journal.local.runs} starts and stops in ${journal.local.tmpdir}):`,
  );
  printTable(journalVerdictTable(journal));

  const presence = await runPresenceBench();
  console.log(
    '\nPresence (issue 8): one hour each on virtual time, an active user (idle 0–40 s), Local timer',
  );
  printTable(presenceTable(presence));

  const results = {
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: process.platform,
      cpus: os.cpus().length,
      loadavg: os.loadavg(),
    },
    targets: TARGETS,
    wakeUpsPerHour: wakeUps,
    renderer,
    cliStatus: { runs: RUNS, ...cli },
    togglWorkday: toggl,
    trackingtimeWorkday: trackingtime,
    webworkWorkday: webwork,
    journal,
    presence,
  };
  // Formatted as Prettier would, so `npm run lint` (prettier --check .) stays clean after a run.
  const { format } = await import('prettier');
  writeFileSync(
    path.join(REPO, 'bench', 'results.json'),
    await format(JSON.stringify(results), { parser: 'json' }),
  );
  console.log(
    `\nwritten to bench/results.json (load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')})`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
