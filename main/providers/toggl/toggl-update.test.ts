/**
 * Editing the running Toggl entry (provider.update) over real HTTP against the fake Toggl: the
 * exact request (method, path, auth header, a body with only the changed fields), the answer as
 * the new truth, and every refusal as an error value with the field it is about.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { TogglProvider } from './toggl-provider';
import { T0, TOKEN, togglWorld, type TogglWorld } from './toggl-test-setup';

let world: TogglWorld;

afterEach(async () => {
  await world?.close();
});

interface Wire {
  method: string;
  url: string;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
}

/** A provider whose every request is recorded with its headers (the auth header included). */
function recordingProvider(w: TogglWorld): { provider: TogglProvider; wire: Wire[] } {
  const wire: Wire[] = [];
  const fetchAndRecord: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    wire.push({
      method: init?.method ?? 'GET',
      url: String(input),
      authorization: headers.get('authorization'),
      contentType: headers.get('content-type'),
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    });
    return fetch(input, init);
  };
  const provider = new TogglProvider({ workspaceId: w.user.workspaceId }, w.fake.baseUrl, {
    ...w.deps,
    fetch: fetchAndRecord,
  });
  return { provider, wire };
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

const BASIC = `Basic ${Buffer.from(`${TOKEN}:api_token`).toString('base64')}`;
const MIN = 60_000;

/** A running entry started through the provider 30 minutes ago; the clock is at T0 + 30 min. */
async function running(p: TogglProvider, extra: { projectId?: string; taskId?: string } = {}) {
  const { entry } = await p.start({
    description: 'Docs',
    projectId: extra.projectId ?? null,
    taskId: extra.taskId ?? null,
    at: T0,
  });
  await world.clock.advance(30 * MIN);
  return entry;
}

describe('Toggl update: the request', () => {
  it('sends one PUT with only the changed field, with the auth header', async () => {
    world = await togglWorld();
    const { provider, wire } = recordingProvider(world);
    const entry = await running(provider);
    const from = wire.length;

    const updated = await provider.update(entry.id, { description: 'Wireframes' });

    expect(wire.slice(from)).toEqual([
      {
        method: 'PUT',
        url: `${world.fake.baseUrl}/workspaces/${world.user.workspaceId}/time_entries/${entry.id}`,
        authorization: BASIC,
        contentType: 'application/json',
        body: { description: 'Wireframes' },
      },
    ]);
    expect(updated).toMatchObject({ id: entry.id, description: 'Wireframes', start: T0 });
    expect(updated.stop).toBeNull();
    expect(world.fake.runningEntry(world.user.id)).toMatchObject({
      description: 'Wireframes',
      start: T0,
    });
  });

  it('moves the start: RFC3339 UTC whole seconds with duration -1; the entry keeps running', async () => {
    world = await togglWorld();
    const { provider, wire } = recordingProvider(world);
    const entry = await running(provider);
    const from = wire.length;
    const earlier = T0 - 20 * MIN + 999; // milliseconds are dropped

    const updated = await provider.update(entry.id, { start: earlier });

    expect(wire.slice(from).map((w) => [w.method, w.body])).toEqual([
      ['PUT', { start: '2026-11-27T08:40:00Z', duration: -1 }],
    ]);
    expect(updated).toMatchObject({ start: T0 - 20 * MIN, stop: null, description: 'Docs' });
    expect(world.fake.runningEntry(world.user.id)).toMatchObject({
      id: Number(entry.id),
      start: T0 - 20 * MIN,
      stop: null,
    });
    // The cache holds the answer: `tray-timer status` without the app shows the new start.
    const fresh = world.provider().restore();
    expect(fresh?.running).toMatchObject({ id: entry.id, start: T0 - 20 * MIN });
  });

  it('sets project and task as numbers, and clears them (and the description) with null/""', async () => {
    world = await togglWorld();
    const site = world.fake.addProject({ workspaceId: world.user.workspaceId, name: 'Site' });
    const design = world.fake.addTask({ projectId: site.id, name: 'Design' });
    const { provider, wire } = recordingProvider(world);
    await provider.projects();
    const entry = await running(provider);

    let from = wire.length;
    const moved = await provider.update(entry.id, {
      projectId: String(site.id),
      taskId: String(design.id),
    });
    expect(wire.slice(from).map((w) => w.body)).toEqual([
      { project_id: site.id, task_id: design.id },
    ]);
    expect(moved).toMatchObject({ projectName: 'Site', taskName: 'Design' });

    from = wire.length;
    const cleared = await provider.update(entry.id, {
      description: null,
      projectId: null,
      taskId: null,
    });
    expect(wire.slice(from).map((w) => w.body)).toEqual([
      { description: '', project_id: null, task_id: null },
    ]);
    expect(cleared).toMatchObject({
      description: null,
      projectId: null,
      taskId: null,
      projectName: null,
    });
    expect(world.fake.runningEntry(world.user.id)).toMatchObject({
      projectId: null,
      taskId: null,
    });
  });
});

describe('Toggl update: refusals are error values', () => {
  it('a start in the future: validation on startedAt, in Toggl’s words; nothing changed', async () => {
    world = await togglWorld();
    const p = world.provider();
    const entry = await running(p);
    const err = await failure(p.update(entry.id, { start: world.clock.now() + 5 * MIN }));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'startedAt',
      message:
        'Toggl Track refused the change: Start time of a running time entry cannot be in the future.',
    });
    expect(world.fake.runningEntry(world.user.id)).toMatchObject({ start: T0 });
  });

  it('a project of another workspace: validation on project', async () => {
    world = await togglWorld();
    const other = world.fake.addWorkspace({ userId: world.user.id, name: 'Other' });
    const foreign = world.fake.addProject({ workspaceId: other.id, name: 'Elsewhere' });
    const p = world.provider();
    const entry = await running(p);
    const err = await failure(p.update(entry.id, { projectId: String(foreign.id) }));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'project',
      message: 'Toggl Track refused the change: Invalid project_id.',
    });
  });

  it('an entry deleted elsewhere: not-found', async () => {
    world = await togglWorld();
    const p = world.provider();
    const entry = await running(p);
    world.fake.remoteDelete(Number(entry.id));
    const err = await failure(p.update(entry.id, { description: 'x' }));
    expect(err.error).toMatchObject({
      kind: 'not-found',
      message: 'Toggl Track could not find that (Time entry not found).',
    });
  });

  it('a gateway page is a passing service problem (retryable); a revoked token needs sign-in', async () => {
    world = await togglWorld();
    const p = world.provider();
    const entry = await running(p);
    world.fake.fault('html502', `/workspaces/*/time_entries/${entry.id}`, { times: 1 });
    const gateway = await failure(p.update(entry.id, { description: 'x' }));
    expect(gateway.error).toEqual({
      kind: 'provider',
      message: 'Toggl Track is having problems (HTTP 502).',
      retryable: true,
    });

    const revoked = new TogglProvider({ workspaceId: world.user.workspaceId }, world.fake.baseUrl, {
      ...world.deps,
      getSecret: async () => 'not-the-token',
    });
    const auth = await failure(revoked.update(entry.id, { description: 'x' }));
    expect(auth.error).toEqual({
      kind: 'auth',
      message: 'Sign-in needed: Toggl rejected the API token.',
    });
    expect(world.fake.runningEntry(world.user.id)).toMatchObject({ description: 'Docs' });
  });

  it('an id that is not Toggl’s is refused before any request', async () => {
    world = await togglWorld();
    const p = world.provider();
    const before = world.fake.requests.length;
    const err = await failure(p.update('action:3f2a', { description: 'x' }));
    expect(err.error.kind).toBe('not-found');
    expect(world.fake.requests.length).toBe(before);
  });
});
