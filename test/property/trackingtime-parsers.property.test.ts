/**
 * Property tests of everything that reads a TrackingTime answer: the envelope and data schemas
 * through the client, the provider's mapping (wall-clock times in the user's zone, the
 * signed-in user's own timer among a task's users, events with or without an end), and the
 * whole path from an HTTP answer to the core's snapshot. Random and mutated answers (realistic
 * ones read from the fake TrackingTime) never throw anything but a ProviderError with a
 * readable error value, and whatever is accepted makes a sound snapshot.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  eventsSchema,
  meSchema,
  taskSchema,
  tasksSchema,
  trackablesSchema,
} from '../../main/providers/trackingtime/trackingtime-api';
import {
  TrackingTimeClient,
  userAgent,
} from '../../main/providers/trackingtime/trackingtime-client';
import { TrackingTimeProvider } from '../../main/providers/trackingtime/trackingtime-provider';
import { startFakeTrackingTime } from '../fakes/trackingtime-server';
import { VirtualClock } from '../support/virtual-clock';
import { assertThroughCore, T0, type Scenario, type SeededFake } from './support/core-run';
import {
  E2E_RUNS,
  hostileNumber,
  hostileString,
  mutate,
  mutationArb,
  PROPERTY_TIMEOUT_MS,
  RUNS,
  plausibleDate,
  scratchDir,
} from './support/hostile-json';
import { startMutatingProxy, type MutatingProxy } from './support/mutating-proxy';
import {
  fetchSamples,
  routeChangesArb,
  routedFetch,
  scriptedFetch,
  snapshotOf,
  type RouteSample,
} from './support/samples';
import { parseOrProviderError, snapshotProblem } from './support/sound-snapshot';

const APP_PASSWORD = 'tt-prop-app-password-5e1f';
const ZONE = 'Europe/Madrid';

interface SeededTt extends SeededFake {
  accountId: number;
  userId: number;
  siteId: number;
}

/** A TrackingTime with a project and tasks, past events and a timer running since 9:40. */
async function seedTrackingTime(clock: VirtualClock): Promise<SeededTt> {
  const fake = await startFakeTrackingTime({ now: () => clock.now() });
  const account = fake.addAccount({ company: 'Acme' });
  const user = fake.addUser({
    email: 'ada@example.com',
    password: 'pw',
    appPassword: APP_PASSWORD,
    timezone: ZONE,
    accountId: account.id,
  });
  const site = fake.addProject({ accountId: account.id, name: 'Site', customer: 'Globex' });
  const design = fake.addTask({ name: 'Design', projectId: site.id, userIds: [user.id] });
  const docs = fake.addTask({ name: 'Docs', projectId: site.id, userIds: [user.id] });
  fake.addEvent(user.id, { taskId: design.id, start: T0 - 3 * 3600_000, end: T0 - 2 * 3600_000 });
  fake.addEvent(user.id, { taskId: docs.id, start: T0 - 26 * 3600_000, end: T0 - 25 * 3600_000 });
  fake.addEvent(user.id, { taskId: docs.id, start: T0 - 20 * 60_000 });
  return {
    origin: fake.origin,
    apiPath: '/api/v4',
    add: { provider: 'trackingtime', secret: APP_PASSWORD, options: {} },
    accountId: account.id,
    userId: user.id,
    siteId: site.id,
    close: () => fake.close(),
  };
}

let seeded: SeededTt;
let routes: RouteSample[] = [];
let samples: Record<string, unknown> = {};
let proxy: MutatingProxy;

const CALLS: Record<string, { schema: z.ZodType; key: string }> = {
  'tracking tasks': { schema: tasksSchema, key: 'tracking' },
  'recent entries': { schema: eventsSchema, key: 'events' },
  projects: { schema: trackablesSchema, key: 'trackables' },
  profile: { schema: meSchema, key: 'me' },
  'started task': { schema: taskSchema, key: 'started' },
};
const CALL_NAMES = Object.keys(CALLS);

beforeAll(async () => {
  const clock = new VirtualClock(T0);
  const s = await seedTrackingTime(clock);
  const base = `${s.origin}/api/v4`;
  const headers = {
    Authorization: `Basic ${Buffer.from(`API_TOKEN:${APP_PASSWORD}`).toString('base64')}`,
    'User-Agent': userAgent('prop'),
  };
  const a = s.accountId;
  const paths = {
    me: '/me',
    tracking: `/${a}/tasks?filter=TRACKING`,
    events: `/${a}/events?filter=USER&id=${s.userId}&from=2026-11-20&to=2026-11-27&page_size=50&order=desc`,
    trackables: `/${a}/users/${s.userId}/trackables?include_tasks=true`,
  };
  const bodies = await fetchSamples(base, headers, Object.values(paths));
  const got = (p: string) => bodies[p] as { response: unknown; data: unknown[] };
  const tracking = got(paths.tracking);
  // The start answer is a task like the tracking ones (return_task=true).
  const started = { response: tracking.response, data: tracking.data[0] };
  samples = {
    me: got(paths.me),
    tracking,
    events: got(paths.events),
    trackables: got(paths.trackables),
    started,
  };
  expect(tracking.data).toHaveLength(1);
  routes = [
    { method: 'GET', pattern: /\/tasks\?filter=TRACKING/, status: 200, body: tracking },
    { method: 'GET', pattern: /\/trackables/, status: 200, body: samples['trackables'] },
    { method: 'GET', pattern: /\/events\?/, status: 200, body: samples['events'] },
    { method: 'POST', pattern: /\/tasks\/track/, status: 200, body: started },
    { method: 'POST', pattern: /\/tasks\/stop\//, status: 200, body: started },
  ];
  seeded = s;
  await s.close();
  proxy = await startMutatingProxy();
});

afterAll(async () => {
  await proxy.close();
});

/** One call through the real client (envelope, status, schema) answering `text`. */
async function callWith(name: string, text: string, status = 200): Promise<void> {
  const spec = CALLS[name];
  if (!spec) throw new Error(name);
  const client = new TrackingTimeClient({
    baseUrl: 'http://127.0.0.1:9/api/v4/1',
    fetch: scriptedFetch(() => ({ status, text })),
    appVersion: 'prop',
    now: () => T0,
    getSecret: async () => APP_PASSWORD,
    credentials: { mode: 'api-token' },
  });
  await parseOrProviderError(
    () => client.call({ method: 'GET', path: '/x', schema: spec.schema, what: name }),
    text,
  );
}

/**
 * A provider reading these routes: sync, start and stop each either fail with a ProviderError
 * or leave a state (as its cache restores it) that makes a sound snapshot.
 */
async function providerStaysSound(answer: typeof fetch, said: string[]): Promise<void> {
  const cacheDir = scratchDir('tray-timer-prop-tt-');
  try {
    const provider = new TrackingTimeProvider(
      {
        accountId: seeded.accountId,
        userId: seeded.userId,
        timezone: ZONE,
        credentials: { mode: 'api-token' },
      },
      'http://127.0.0.1:9/api/v4',
      {
        cacheDir,
        getSecret: async () => APP_PASSWORD,
        fetch: answer,
        clock: { now: () => T0, setTimer: () => ({ cancel: () => {} }) },
        onProblem: () => {},
        appVersion: 'prop',
      },
    );
    const steps: [string, () => Promise<unknown>][] = [
      ['sync', () => provider.sync('user', T0 - 7 * 86_400_000)],
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
      const problem = snapshotProblem(
        snapshotOf('trackingtime', state, T0 + 120_000),
        said.join('\n'),
      );
      if (problem) throw new Error(`after ${what}: ${problem}`);
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

describe('TrackingTime parsers, property-based', () => {
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
            // A valid envelope around random data reaches the data schemas.
            fc
              .jsonValue()
              .map((data) => JSON.stringify({ response: { status: 200, message: 'ok' }, data })),
            fc.anything().map((data) => JSON.stringify({ response: { status: 200 }, data }) ?? ''),
          ),
          fc.constantFrom(200, 200, 401, 404, 500),
          async (name, text, status) => callWith(name, text, status),
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
          async (name, mutations) => {
            let value = samples[CALLS[name]?.key ?? ''];
            for (const m of mutations) value = mutate(value, m);
            await callWith(name, JSON.stringify(value) ?? '');
          },
        ),
        { numRuns: RUNS * 2 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'the provider reading mutated answers (sync, start, stop) keeps a sound snapshot',
    async () => {
      await fc.assert(
        fc.asyncProperty(routeChangesArb, async (changes) => {
          const said: string[] = [];
          await providerStaysSound(routedFetch(routes, changes, said), said);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'events and timers with hostile times, durations and zones keep a sound snapshot',
    async () => {
      const events = samples['events'] as { response: unknown; data: Record<string, unknown>[] };
      const tracking = samples['tracking'] as {
        response: unknown;
        data: Record<string, unknown>[];
      };
      const localTime = plausibleDate.map((d) => d.toISOString().slice(0, 19).replace('T', ' '));
      const time = fc.oneof(localTime, hostileString);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            start: time,
            end: fc.oneof(fc.constant(null), time),
            duration: fc.oneof(hostileNumber, hostileString),
          }),
          time,
          async (event, timerStart) => {
            const said: string[] = [JSON.stringify(event), timerStart];
            const firstTask = tracking.data[0] ?? {};
            const users = (firstTask['users'] as Record<string, unknown>[] | undefined) ?? [];
            const hostileTracking = {
              ...tracking,
              data: [
                {
                  ...firstTask,
                  users: users.map((u) => ({
                    ...u,
                    event: { ...(u['event'] as object), start: timerStart },
                  })),
                },
              ],
            };
            const hostileEvents = { ...events, data: events.data.map((e) => ({ ...e, ...event })) };
            const script = routes.map((r) =>
              r.pattern.source.includes('events')
                ? { ...r, body: hostileEvents }
                : r.pattern.source.includes('TRACKING')
                  ? { ...r, body: hostileTracking }
                  : r,
            );
            await providerStaysSound(routedFetch(script, [], said), said);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'through HTTP, the provider and the core: every result and snapshot stays sound',
    async () => {
      const scenario: Scenario = {
        seed: seedTrackingTime,
        commands: [
          { type: 'refresh', input: { accountId: 'trackingtime' } },
          // A timer runs (seeded): TrackingTime refuses a second one, so stop it first.
          { type: 'stop', input: { accountId: 'trackingtime' } },
          {
            type: 'start',
            input: { accountId: 'trackingtime', description: 'Write', project: 'Site' },
          },
          { type: 'status' },
          { type: 'stop', input: { accountId: 'trackingtime' } },
          { type: 'continue', input: { accountId: 'trackingtime' } },
          { type: 'refresh', input: { accountId: 'trackingtime' } },
        ],
      };
      const succeeded = await assertThroughCore(proxy, scenario, E2E_RUNS);
      expect(succeeded['accounts.add'] ?? 0).toBeGreaterThan(E2E_RUNS / 2);
      expect(succeeded['start'] ?? 0).toBeGreaterThan(E2E_RUNS / 3);
      expect(succeeded['restart'] ?? 0).toBeGreaterThan(E2E_RUNS / 2);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
