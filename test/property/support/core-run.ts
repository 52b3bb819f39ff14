/**
 * One end-to-end run of a property: a freshly seeded fake provider behind the mutating proxy, a
 * real core (openCore) in a fresh data folder that connects the account and does what a user
 * does (refresh, start, status, stop, continue), then a restart that reads back the cache those
 * hostile answers left. Every command's result must be contract-valid with a sound snapshot, and
 * every error a user-readable value (never 'internal': that is an exception that escaped).
 */
import { rmSync } from 'node:fs';
import {
  commandResultSchema,
  memberStatusSchema,
  teamGlanceSchema,
  type AddAccountInput,
  type Command,
  type CommandResult,
} from '../../../preload/contract';
import { openCore } from '../../../main/core/open-core';
import type { Core } from '../../../main/core/core';
import { MemorySecretStore } from '../../../main/secrets/memory-secret-store';
import fc from 'fast-check';
import { VirtualClock } from '../../support/virtual-clock';
import { planArb, type AnswerChange, type MutatingProxy } from './mutating-proxy';
import { scratchDir } from './hostile-json';
import { entryProblem, errorProblem, snapshotProblem } from './sound-snapshot';

/** 10:00 in Madrid on a Friday: the fakes' usual morning. */
export const T0 = Date.parse('2026-11-27T09:00:00Z');

export interface SeededFake {
  /** The fake's origin (`http://127.0.0.1:PORT`). */
  origin: string;
  /** The API root below the origin (`/api/v9`). */
  apiPath: string;
  /** How to connect the account (the base URL is the proxy's). */
  add: Omit<AddAccountInput, 'baseUrl'>;
  close(): Promise<void>;
}

export interface Scenario {
  seed(clock: VirtualClock): Promise<SeededFake>;
  /** What the user does once connected. */
  commands: Command[];
}

/** What a member's tracker shows (team glance, status --member): contract-valid and sound. */
function memberStatusProblem(raw: unknown, said: string): string | null {
  const parsed = memberStatusSchema.safeParse(raw);
  if (!parsed.success) return `member status: ${parsed.error.issues[0]?.message}`;
  const m = parsed.data;
  if (!Number.isFinite(m.todaySeconds) || m.todaySeconds < 0)
    return `member todaySeconds ${m.todaySeconds}`;
  if (m.checkedAt !== null && Number.isNaN(Date.parse(m.checkedAt)))
    return `checkedAt ${m.checkedAt}`;
  const e = m.entry && entryProblem('member entry', m.entry);
  if (e) return e;
  return m.error && errorProblem(m.error, said);
}

/** The data a command answers with, where the contract describes it. */
function dataProblem(command: Command['type'], data: unknown, said: string): string | null {
  if (command === 'team') {
    const parsed = teamGlanceSchema.safeParse(data);
    if (!parsed.success) return `team glance: ${parsed.error.issues[0]?.message}`;
    const next = parsed.data.nextCheckAt;
    if (next !== null && Number.isNaN(Date.parse(next))) return `nextCheckAt ${next}`;
    for (const m of parsed.data.members) {
      const p = memberStatusProblem(m, said);
      if (p) return p;
    }
  }
  if (command === 'status' && data !== undefined) return memberStatusProblem(data, said);
  return null;
}

/** Why a result is not sound, or null. */
function resultProblem(
  result: CommandResult,
  said: string,
  command: Command['type'],
): string | null {
  const parsed = commandResultSchema.safeParse(result);
  if (!parsed.success) return `result not contract-valid: ${parsed.error.issues[0]?.message}`;
  if (result.ok) {
    const p = dataProblem(command, result.data, said);
    if (p) return p;
  }
  if (!result.ok) {
    const p = errorProblem(result.error, said);
    if (p) return `error: ${p}`;
  }
  if (result.snapshot) {
    const p = snapshotProblem(result.snapshot, said);
    if (p) return p;
    for (const a of result.snapshot.accounts) {
      const e = a.error && errorProblem(a.error, said);
      if (e) return `account ${a.id} error: ${e}`;
    }
  }
  return null;
}

export interface RunOutcome {
  /** The first problem (with the steps and what the proxy changed), or null. */
  problem: string | null;
  /** The commands that succeeded: shows the runs reach past the connect. */
  succeeded: string[];
}

/** Runs the scenario with the proxy changing answers as `plan` says. */
export async function runThroughCore(
  proxy: MutatingProxy,
  scenario: Scenario,
  plan: readonly AnswerChange[],
): Promise<RunOutcome> {
  const clock = new VirtualClock(T0);
  const fake = await scenario.seed(clock);
  const dataDir = scratchDir('tray-timer-prop-');
  const secrets = new MemorySecretStore();
  proxy.plan(plan, fake.origin);
  let core: Core | null = null;
  const steps: string[] = [];
  const succeeded: string[] = [];
  const check = (
    what: string,
    result: CommandResult,
    type: Command['type'] = 'status',
  ): string | null => {
    if (result.ok) succeeded.push(what);
    steps.push(`${what}: ${result.ok ? 'ok' : `${result.error.kind} ${result.error.message}`}`);
    const p = resultProblem(result, proxy.said, type);
    return (
      p && `${what}: ${p}\n  steps: ${steps.join(' | ')}\n  changed: ${proxy.log.join('\n    ')}`
    );
  };
  try {
    core = await openCore({ dataDir, secrets, clock, mode: 'oneshot' });
    const added = await core.execute({
      type: 'accounts.add',
      input: { ...fake.add, baseUrl: proxy.url(fake.apiPath) },
    });
    let problem = check('accounts.add', added, 'accounts.add');
    if (problem) return { problem, succeeded };
    for (const command of scenario.commands) {
      await clock.advance(90_000);
      problem = check(command.type, await core.execute(command), command.type);
      if (problem) return { problem, succeeded };
    }
    // A restart reads back what those answers left in the cache.
    await core.close();
    await clock.advance(60_000);
    core = await openCore({ dataDir, secrets, clock, mode: 'oneshot' });
    return { problem: check('restart', await core.execute({ type: 'status' })), succeeded };
  } finally {
    await core?.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The end-to-end property: `runs` plans, each through a fresh fake, proxy and core. Fails with
 * the smallest plan fast-check finds. Returns how often each command succeeded, so a test can
 * show the runs got past the connect (a property that only ever met a refused connect would
 * prove little).
 */
export async function assertThroughCore(
  proxy: MutatingProxy,
  scenario: Scenario,
  runs: number,
): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(planArb, async (plan) => {
      const { problem, succeeded } = await runThroughCore(proxy, scenario, plan);
      for (const s of succeeded) tally[s] = (tally[s] ?? 0) + 1;
      if (problem) throw new Error(problem);
    }),
    { numRuns: runs },
  );
  return tally;
}
