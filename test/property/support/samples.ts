/**
 * Realistic answers to mutate: read over HTTP from a seeded fake server, so the samples are
 * exactly what the fakes (and, as far as the docs tell, the services) send.
 */
import fc from 'fast-check';
import { buildSnapshot } from '../../../main/core/snapshot';
import { AccountRuntime } from '../../../main/core/account-runtime';
import type { Project, Provider, RemoteEntry } from '../../../main/providers/provider';
import type { AccountConfig, Snapshot } from '../../../preload/contract';
import { bodyChangeArb, changeBody, type BodyChange } from './hostile-json';

/** GETs each path below `baseUrl` with these headers; returns the parsed JSON bodies. */
export async function fetchSamples(
  baseUrl: string,
  headers: Record<string, string>,
  paths: readonly string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await fetch(`${baseUrl}${path}`, { headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`sample ${path}: HTTP ${res.status} ${text}`);
    out[path] = JSON.parse(text) as unknown;
  }
  return out;
}

/**
 * The snapshot the core would build for an account holding this state (the real buildSnapshot,
 * the account's runtime filled as a sync would fill it).
 */
export function snapshotOf(
  provider: AccountConfig['provider'],
  state: { running?: RemoteEntry | null; entries?: RemoteEntry[]; projects?: Project[] },
  now: number,
): Snapshot {
  const config: AccountConfig = { id: provider, provider, label: provider, options: {} };
  // Only what buildSnapshot and restore() read; the state arrives as a provider's cached sync.
  const stub = {
    kind: provider,
    capabilities: {
      projects: true,
      tasks: true,
      backdate: false,
      editStart: false,
      editEntry: false,
      tags: true,
      billable: true,
      members: false,
    },
    restore: () => ({
      running: state.running ?? null,
      syncedAt: now,
      entries: state.entries ?? [],
      projects: state.projects ?? [],
    }),
  } satisfies Partial<Provider>;
  const rt = new AccountRuntime(config, stub as unknown as Provider, null, () => now);
  rt.restore();
  return buildSnapshot({
    version: 1,
    now,
    runtimes: [rt],
    defaultAccountId: provider,
    notices: [],
  });
}

export interface ScriptedAnswer {
  status: number;
  text: string;
  headers?: Record<string, string>;
}

/**
 * A fetch for a provider under test that answers from a script (no server): `answer` gets the
 * method and the URL's path and query and returns the answer. The provider's own http-client,
 * client and parser read it exactly as they read a real answer.
 */
export function scriptedFetch(
  answer: (method: string, pathAndQuery: string) => ScriptedAnswer,
): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const a = answer(init?.method ?? 'GET', `${url.pathname}${url.search}`);
    return new Response(a.text, { status: a.status, headers: a.headers ?? {} });
  };
}

/** A realistic answer of one endpoint, as the fake sent it. */
export interface RouteSample {
  method: string;
  /** Tested against the path and query. */
  pattern: RegExp;
  status: number;
  body: unknown;
}

/** A hostile change to one endpoint's answer (the route's index modulo the number of routes). */
export interface RouteChange {
  route: number;
  status?: number;
  body: BodyChange;
}

export const routeChangesArb: fc.Arbitrary<RouteChange[]> = fc.array(
  fc.record(
    {
      route: fc.nat(),
      status: fc.constantFrom(200, 400, 401, 403, 404, 409, 422, 429, 500, 502),
      body: bodyChangeArb,
    },
    { requiredKeys: ['route', 'body'] },
  ),
  { minLength: 1, maxLength: 3 },
);

/**
 * A scripted fetch that answers each endpoint with its realistic sample, changed where
 * `changes` say; `said` collects every text sent. Unknown endpoints answer 404.
 */
export function routedFetch(
  routes: readonly RouteSample[],
  changes: readonly RouteChange[],
  said: string[],
): typeof fetch {
  return scriptedFetch((method, target) => {
    const index = routes.findIndex((r) => r.method === method && r.pattern.test(target));
    const route = routes[index];
    if (!route) return { status: 404, text: '{"message":"no such route in the script"}' };
    const change = changes.find((c) => c.route % routes.length === index);
    const text = change
      ? changeBody(JSON.stringify(route.body), change.body)
      : JSON.stringify(route.body);
    said.push(text);
    return { status: change?.status ?? route.status, text };
  });
}
