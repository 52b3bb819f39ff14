/**
 * Connecting a TrackingTime account over real HTTP to the fake: both sign-in forms, the
 * workspace choice, and what the user sees when it goes wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { trackingtimeModule } from './trackingtime-module';
import {
  APP_PASSWORD,
  PASSWORD,
  recordingFetch,
  ttWorld,
  type SentRequest,
  type TtWorld,
} from './trackingtime-test-setup';

let world: TtWorld;
afterEach(async () => {
  await world?.close();
});

async function connect(
  options: Record<string, string>,
  secret = APP_PASSWORD,
  sent: SentRequest[] = [],
) {
  return trackingtimeModule.connect(
    { secret, baseUrl: world.fake.baseUrl, options },
    {
      fetch: recordingFetch(sent),
      clock: world.clock,
      appVersion: '1.2.3',
      onProblem: () => undefined,
    },
  );
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

describe('connect', () => {
  it('with an app password: API_TOKEN Basic auth, one GET /me, the only workspace', async () => {
    world = await ttWorld();
    const sent: SentRequest[] = [];
    const r = await connect({}, APP_PASSWORD, sent);
    expect(r).toEqual({
      label: 'ada@example.com · Acme',
      options: {
        accountId: world.account.id,
        userId: world.user.id,
        email: 'ada@example.com',
        timezone: 'Europe/Madrid',
        authMode: 'api-token',
        workspaceName: 'Acme',
      },
    });
    expect(
      world.fake.requests.map((q) => `${q.method} ${q.path} ${q.authKind} ${q.accountSegment}`),
    ).toEqual(['GET /me api-token null']);
    expect(sent[0]?.headers['User-Agent']).toBe(
      'TrayTimer/1.2.3 (https://github.com/tray-timer/tray-timer)',
    );
  });

  it('with the e-mail and account password', async () => {
    world = await ttWorld();
    const r = await connect({ email: 'ada@example.com' }, PASSWORD);
    expect(r.options).toMatchObject({ authMode: 'email', accountId: world.account.id });
    expect(world.fake.requests[0]?.authKind).toBe('email');
  });

  it('several teams and none chosen: a validation error on the workspace field listing them', async () => {
    world = await ttWorld();
    const beta = world.fake.addAccount({ company: 'Beta' });
    world.fake.joinAccount(world.user.id, beta.id);
    const err = await failure(connect({}));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'options.workspace',
      message: `Choose a workspace: Acme (id ${world.account.id}), Beta (id ${beta.id})`,
    });
    const byName = await connect({ workspace: 'beta' });
    expect(byName.options).toMatchObject({ accountId: beta.id, workspaceName: 'Beta' });
    expect(byName.label).toBe('ada@example.com · Beta');
    const byId = await connect({ workspace: String(world.account.id) });
    expect(byId.options['accountId']).toBe(world.account.id);
    const unknown = await failure(connect({ workspace: 'Gamma' }));
    expect(unknown.error.field).toBe('options.workspace');
    expect(unknown.error.message).toContain('Beta (id');
  });

  it('a refused password is a sign-in error that never shows the secret', async () => {
    world = await ttWorld();
    const err = await failure(connect({}, 'wrong-password-123'));
    expect(err.error.kind).toBe('auth');
    expect(err.error.message).toBe(
      'Sign-in needed: TrackingTime refused the password (app password revoked?)',
    );
    expect(err.error.message).not.toContain('wrong-password-123');
  });

  it('a gateway page is "unreachable", not a crash', async () => {
    world = await ttWorld();
    world.fake.fault('html502', '/me', { times: 1 });
    const err = await failure(connect({}));
    expect(err.error).toEqual({
      kind: 'offline',
      message: 'TrackingTime is unreachable (it answered with a web page).',
    });
  });
});
