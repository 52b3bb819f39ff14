/**
 * Property tests of everything that reads a WebWork answer: the `{success,data,meta}` envelope
 * and the data schemas through the client (pagination, 422 field errors, 429), the
 * "nothing running" decisions of current-data.ts, and the whole path from an HTTP answer to the
 * core's snapshot (own tracker, the team glance, member search). Random and mutated answers
 * (realistic ones read from the fake WebWork) never throw anything but a ProviderError with a
 * readable error value, and whatever is accepted makes a sound snapshot.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  contractsSchema,
  currentDataSchema,
  membersSchema,
  projectsSchema,
  startDataSchema,
  stopDataSchema,
  tasksSchema,
  workspacesSchema,
} from '../../main/providers/webwork/webwork-api';
import { readCurrentData } from '../../main/providers/webwork/current-data';
import { userAgent, WebWorkClient } from '../../main/providers/webwork/webwork-client';
import { WebWorkProvider } from '../../main/providers/webwork/webwork-provider';
import { startFakeWebWork } from '../fakes/webwork-server';
import { seedAcme } from '../../main/providers/webwork/webwork-test-setup';
import { VirtualClock } from '../support/virtual-clock';
import { assertThroughCore, T0, type Scenario, type SeededFake } from './support/core-run';
import {
  E2E_RUNS,
  hostileNumber,
  hostileString,
  hostileValue,
  mutate,
  mutationArb,
  plausibleDate,
  PROPERTY_TIMEOUT_MS,
  RUNS,
  scratchDir,
} from './support/hostile-json';
import { startMutatingProxy, type MutatingProxy } from './support/mutating-proxy';
import {
  fetchSamples,
  routedFetch,
  scriptedFetch,
  snapshotOf,
  type RouteSample,
} from './support/samples';
import { parseOrProviderError, snapshotProblem } from './support/sound-snapshot';

const TOKEN = 'ww-prop-token-7d0c55e1a2b3';

interface SeededWw extends SeededFake {
  workspaceId: number;
  adaId: number;
  bobId: number;
  siteId: number;
}

/** Acme with Ada (Owner, 90 min on today's Timeline) and Bob, whose browser tracker runs. */
async function seedWebWork(clock: VirtualClock): Promise<SeededWw> {
  const fake = await startFakeWebWork({ now: () => clock.now() });
  const team = seedAcme(fake, { adaToken: TOKEN });
  fake.setTimelineMinutes(team.ada.id, team.workspace.id, 90);
  fake.remoteStart(team.bob.id, team.workspace.id, {
    contractId: team.bobContract.id,
    description: 'Mockups',
    source: 'browser',
    start: T0 - 30 * 60_000,
  });
  return {
    origin: fake.origin,
    apiPath: '/api/v2',
    add: { provider: 'webwork', secret: TOKEN, options: { email: 'ada@example.com' } },
    workspaceId: team.workspace.id,
    adaId: team.ada.id,
    bobId: team.bob.id,
    siteId: team.site.id,
    close: () => fake.close(),
  };
}

const CALLS: Record<string, z.ZodType> = {
  workspaces: workspacesSchema,
  members: membersSchema,
  projects: projectsSchema,
  contracts: contractsSchema,
  tasks: tasksSchema,
  'current tracker': currentDataSchema.nullable(),
  start: startDataSchema,
  stop: stopDataSchema,
};
const CALL_NAMES = Object.keys(CALLS);

let samples: Record<string, unknown> = {};
let seeded: SeededWw;
let proxy: MutatingProxy;

beforeAll(async () => {
  const clock = new VirtualClock(T0);
  const s = await seedWebWork(clock);
  const base = `${s.origin}/api/v2`;
  const headers = {
    Authorization: `Bearer ${TOKEN}`,
    'User-Agent': userAgent('prop'),
    'Content-Type': 'application/json',
  };
  const w = s.workspaceId;
  const paths: Record<string, string> = {
    workspaces: '/workspaces',
    members: `/members?workspace_id=${w}&status=active`,
    projects: `/projects?workspace_id=${w}`,
    contracts: `/contracts?workspace_id=${w}&user_id=${s.adaId}&status=active`,
    tasks: `/tasks?workspace_id=${w}&project_id=${s.siteId}`,
    'current tracker': `/time-tracking/current-data?workspace_id=${w}&user_id=${s.bobId}`,
  };
  const bodies = await fetchSamples(base, headers, Object.values(paths));
  samples = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, bodies[p]]));
  // Start and stop answers: Ada starts and stops once on the sample fake.
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
    ).json()) as unknown;
  const contracts = samples['contracts'] as { data: { id: number }[] };
  samples['start'] = await post('/time-tracking/start', {
    workspace_id: w,
    user_id: s.adaId,
    contract_id: contracts.data[0]?.id,
    activity_description: 'Write',
  });
  samples['stop'] = await post('/time-tracking/stop', {});
  expect(samples['start']).toMatchObject({
    success: true,
    data: { start_time: expect.any(String) },
  });
  expect(samples['current tracker']).toMatchObject({ success: true });
  seeded = s;
  await s.close();
  proxy = await startMutatingProxy();
});

afterAll(async () => {
  await proxy.close();
});

/** One call through the real client answering `text` with `status`. */
async function callWith(name: string, text: string, status = 200): Promise<unknown> {
  const schema = CALLS[name];
  if (!schema) throw new Error(name);
  const client = new WebWorkClient({
    baseUrl: 'http://127.0.0.1:9/api/v2',
    fetch: scriptedFetch(() => ({ status, text })),
    appVersion: 'prop',
    now: () => T0,
    getSecret: async () => TOKEN,
  });
  const result = await parseOrProviderError(
    () => client.call({ method: 'GET', path: '/x', schema, what: name }),
    text,
  );
  if (result.ok) {
    expect(Number.isInteger(result.value.lastPage) && result.value.lastPage >= 1).toBe(true);
    return result.value.data;
  }
  return undefined;
}

describe('WebWork parsers, property-based', () => {
  it(
    'random text and random JSON through the client: only ProviderErrors',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...CALL_NAMES),
          fc.oneof(
            fc.string(),
            hostileString,
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.jsonValue().map((data) => JSON.stringify({ success: true, data })),
            fc
              .record({
                success: fc.boolean(),
                message: hostileValue,
                error: hostileValue,
                errors: hostileValue,
                meta: hostileValue,
              })
              .map((e) => JSON.stringify(e)),
          ),
          fc.constantFrom(200, 200, 400, 401, 403, 404, 422, 429, 500),
          async (name, text, status) => {
            await callWith(name, text, status);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'realistic answers, mutated, through the client: only ProviderErrors',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...CALL_NAMES),
          fc.array(mutationArb, { minLength: 1, maxLength: 5 }),
          fc.constantFrom(200, 200, 200, 400, 404, 422),
          async (name, mutations, status) => {
            let value = samples[name];
            for (const m of mutations) value = mutate(value, m);
            await callWith(name, JSON.stringify(value) ?? '', status);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'any current-data the schema accepts reads as idle or running with a finite day total',
    async () => {
      const sample = (samples['current tracker'] as { data: Record<string, unknown> }).data;
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              total_seconds: fc.oneof(hostileNumber, hostileNumber.map(String), hostileString),
              total_minutes: fc.oneof(hostileNumber, hostileNumber.map(String), hostileString),
              contract_id: fc.oneof(fc.constant(null), fc.nat(), hostileValue),
              activity_description: fc.oneof(fc.constant(null), fc.string(), hostileValue),
              is_tracking: fc.oneof(fc.boolean(), fc.constant(null), hostileValue),
            },
            { requiredKeys: ['total_seconds', 'total_minutes'] },
          ),
          fc.boolean(),
          async (fields, untitled) => {
            const text = JSON.stringify({ success: true, data: { ...sample, ...fields } });
            const data = (await callWith('current tracker', text)) as
              z.output<typeof currentDataSchema> | null | undefined;
            if (data === undefined) return;
            const reading = readCurrentData(data, untitled);
            expect(Number.isFinite(reading.totalSeconds) && reading.totalSeconds >= 0).toBe(true);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'the provider with hostile start and stop times and day totals keeps a sound snapshot',
    async () => {
      let started = 0;
      const start = samples['start'] as { success: boolean; data: Record<string, unknown> };
      const stop = samples['stop'] as { success: boolean; data: Record<string, unknown> | null };
      const current = samples['current tracker'] as {
        success: boolean;
        data: Record<string, unknown>;
      };
      const time = fc.oneof(
        // Texts Date.parse reads as a date though WebWork does not write them so.
        fc.constantFrom('100', '12345', '+010000-01-01T00:00:00Z', '0999-12-31 10:00:00'),
        plausibleDate.map((d) => d.toISOString()),
        plausibleDate.map((d) => d.toISOString().slice(0, 19).replace('T', ' ')),
        hostileString,
      );
      const total = fc.oneof(fc.integer({ min: -10_000, max: 1e9 }), hostileString);
      await fc.assert(
        fc.asyncProperty(
          time,
          time,
          total,
          total,
          async (startTime, stoppedAt, minutes, seconds) => {
            const said = [startTime, stoppedAt, String(minutes), String(seconds)];
            const routes: RouteSample[] = [
              {
                method: 'GET',
                pattern: /\/time-tracking\/current-data/,
                status: 200,
                body: {
                  ...current,
                  data: { ...current.data, total_minutes: minutes, total_seconds: seconds },
                },
              },
              { method: 'GET', pattern: /\/contracts/, status: 200, body: samples['contracts'] },
              { method: 'GET', pattern: /\/projects/, status: 200, body: samples['projects'] },
              { method: 'GET', pattern: /\/tasks/, status: 200, body: samples['tasks'] },
              { method: 'GET', pattern: /\/members/, status: 200, body: samples['members'] },
              {
                method: 'POST',
                pattern: /\/time-tracking\/start/,
                status: 200,
                body: { ...start, data: { ...start.data, start_time: startTime } },
              },
              {
                method: 'POST',
                pattern: /\/time-tracking\/stop/,
                status: 200,
                body: { ...stop, data: { ...(stop.data ?? {}), stopped_at: stoppedAt } },
              },
            ];
            const cacheDir = scratchDir('tray-timer-prop-ww-');
            try {
              const provider = new WebWorkProvider(
                {
                  workspaceId: seeded.workspaceId,
                  workspaceName: 'Acme',
                  userId: seeded.adaId,
                  email: 'ada@example.com',
                  name: 'Ada Lovelace',
                  role: 'Owner',
                },
                'http://127.0.0.1:9/api/v2',
                {
                  cacheDir,
                  getSecret: async () => TOKEN,
                  fetch: routedFetch(routes, [], said),
                  clock: { now: () => T0, setTimer: () => ({ cancel: () => {} }) },
                  onProblem: () => {},
                  appVersion: 'prop',
                },
              );
              const steps: [string, () => Promise<unknown>][] = [
                ['sync', () => provider.sync('user')],
                [
                  'start',
                  () =>
                    provider.start({
                      description: 'Write',
                      projectId: String(seeded.siteId),
                      taskId: null,
                      at: T0,
                    }),
                ],
                ['stop', () => provider.stop(T0 + 60_000)],
              ];
              for (const [what, step] of steps) {
                await parseOrProviderError(step, said.join('\n'));
                const state = provider.restore();
                if (!state) continue;
                if (what === 'start' && state.running) started += 1;
                const snapshot = snapshotOf('webwork', state, T0 + 120_000);
                const problem = snapshotProblem(snapshot, said.join('\n'));
                if (problem) throw new Error(`after ${what}: ${problem}`);
              }
            } finally {
              rmSync(cacheDir, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: RUNS },
      );
      // The hostile times are met by a start that went through, not only by refusals.
      expect(started).toBeGreaterThan(RUNS / 2);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'through HTTP, the provider and the core (own tracker, team, members): results stay sound',
    async () => {
      const scenario: Scenario = {
        seed: seedWebWork,
        commands: [
          { type: 'refresh', input: { accountId: 'webwork' } },
          {
            type: 'start',
            input: { accountId: 'webwork', description: 'Write', project: 'Website' },
          },
          { type: 'status' },
          { type: 'team', input: { accountId: 'webwork', refresh: true } },
          { type: 'stop', input: { accountId: 'webwork' } },
          { type: 'members.search', input: { accountId: 'webwork', query: 'bob' } },
          { type: 'continue', input: { accountId: 'webwork' } },
          { type: 'refresh', input: { accountId: 'webwork' } },
        ],
      };
      const succeeded = await assertThroughCore(proxy, scenario, E2E_RUNS);
      expect(succeeded['accounts.add'] ?? 0).toBeGreaterThan(E2E_RUNS / 2);
      expect(succeeded['start'] ?? 0).toBeGreaterThan(E2E_RUNS / 3);
      expect(succeeded['team'] ?? 0).toBeGreaterThan(E2E_RUNS / 3);
      expect(succeeded['restart'] ?? 0).toBeGreaterThan(E2E_RUNS / 2);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
