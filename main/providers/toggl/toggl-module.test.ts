/** Connecting a Toggl account against the fake Toggl over real HTTP. */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { CONNECT_AUTH_MESSAGE, togglModule } from './toggl-module';
import { togglWorld, TOKEN, type TogglWorld } from './toggl-test-setup';

let world: TogglWorld;

afterEach(async () => {
  await world?.close();
});

const connect = (w: TogglWorld, secret: string, options: Record<string, string> = {}) =>
  togglModule.connect(
    { secret, baseUrl: w.fake.baseUrl, options },
    { fetch: w.deps.fetch, clock: w.clock, onProblem: w.deps.onProblem, appVersion: '0.1.0' },
  );

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('togglModule.connect', () => {
  it('checks the token with GET /me and picks the default workspace', async () => {
    world = await togglWorld();
    const result = await connect(world, TOKEN);
    expect(result).toEqual({
      label: 'ada@example.com · Acme',
      options: {
        workspaceId: world.user.workspaceId,
        userId: world.user.id,
        email: 'ada@example.com',
        fullname: 'Ada Lovelace',
        workspaceName: 'Acme',
        connectedAt: world.clock.now(),
      },
    });
    expect(world.fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /me 200',
    ]);
    expect(world.sent.map((r) => r.url)).toEqual([
      `${world.fake.baseUrl}/me?with_related_data=true`,
    ]);
  });

  it('takes another workspace by name or id, and lists the real ones for a typo', async () => {
    world = await togglWorld();
    const side = world.fake.addWorkspace({ userId: world.user.id, name: 'Side Project' });
    expect((await connect(world, TOKEN, { workspace: 'side project' })).options).toMatchObject({
      workspaceId: side.id,
      workspaceName: 'Side Project',
    });
    expect((await connect(world, TOKEN, { workspace: String(side.id) })).label).toBe(
      'ada@example.com · Side Project',
    );
    const err = await failure(connect(world, TOKEN, { workspace: 'Nope' }));
    expect(err.error).toMatchObject({ kind: 'validation', field: 'options.workspace' });
    expect(err.error.message).toContain(`Side Project (${side.id})`);
  });

  it('says a wrong token is wrong (403), without echoing it', async () => {
    world = await togglWorld();
    const err = await failure(connect(world, 'not-the-token-0000'));
    expect(err.error).toEqual({ kind: 'auth', message: CONNECT_AUTH_MESSAGE });
    expect(world.fake.requests.map((r) => r.status)).toEqual([403]);
  });

  it('refuses saved settings without a workspace instead of crashing', () => {
    expect(() =>
      togglModule.create(
        { id: 'toggl', provider: 'toggl', label: 'Toggl', options: {} },
        {
          cacheDir: '/nonexistent',
          getSecret: async () => TOKEN,
          fetch,
          clock: { now: () => 0, setTimer: () => ({ cancel() {} }) },
          onProblem: () => {},
          appVersion: '0',
        },
      ),
    ).toThrow(/no Toggl workspace/);
  });
});
