/**
 * Connecting a WebWork account over real HTTP to the fake: the token checked with GET /workspaces,
 * the workspace choice, the user's own id and role found with GET /members?email, and what the
 * user sees when it goes wrong — never the token.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { recordingFetch } from '../trackingtime/trackingtime-test-setup';
import { AUTH_MESSAGE, HTML_MESSAGE } from './webwork-client';
import { WEBWORK_BASE_URL, webworkModule } from './webwork-module';
import { WebWorkProvider } from './webwork-provider';
import { failure, type SentRequest, TOKEN, useWwWorlds, type WwWorld } from './webwork-test-setup';

let w: WwWorld;
const world = useWwWorlds();

async function connect(options: Record<string, string>, secret = TOKEN, sent: SentRequest[] = []) {
  return webworkModule.connect(
    { secret, baseUrl: w.fake.baseUrl, options },
    {
      fetch: recordingFetch(sent),
      clock: w.clock,
      appVersion: '1.2.3',
      onProblem: () => undefined,
    },
  );
}

describe('connect', () => {
  it('checks the token with GET /workspaces, finds me with GET /members?email, keeps my role', async () => {
    w = await world();
    const sent: SentRequest[] = [];
    const r = await connect({ email: ' Ada@Example.com ' }, TOKEN, sent);
    expect(r).toEqual({
      label: 'Ada@Example.com · Acme',
      options: {
        workspaceId: w.workspace.id,
        workspaceName: 'Acme',
        userId: w.ada.id,
        email: 'Ada@Example.com',
        name: 'Ada Lovelace',
        role: 'Owner',
      },
    });
    expect(w.fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /workspaces',
      'GET /members',
    ]);
    expect(w.fake.requests[1]?.query).toEqual({
      workspace_id: String(w.workspace.id),
      email: 'Ada@Example.com',
    });
    for (const s of sent) {
      expect(s.headers['Authorization']).toBe(`Bearer ${TOKEN}`);
      expect(s.headers['User-Agent']).toBe(
        'TrayTimer/1.2.3 (https://github.com/tray-timer/tray-timer)',
      );
    }
    // No secret among what is kept.
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it("a Regular User connects too, and the role says what they can't do", async () => {
    w = await world({ role: 'Regular User' });
    const r = await connect({ email: 'ada@example.com' });
    expect(r.options['role']).toBe('Regular User');
  });

  it('without a usable e-mail: a validation error on the e-mail field, nothing sent', async () => {
    w = await world();
    for (const email of [undefined, '', 'ada', 'ada @example.com']) {
      const err = await failure(connect(email === undefined ? {} : { email }));
      expect(err.error).toEqual({
        kind: 'validation',
        field: 'options.email',
        message:
          'Type the e-mail address of your WebWork login: WebWork has no “who am I” call, so Tray Timer finds you by it.',
      });
    }
    expect(w.fake.requests).toEqual([]);
  });

  it('an e-mail that is not a member of the workspace is said on the e-mail field', async () => {
    w = await world();
    const err = await failure(connect({ email: 'someone@example.com' }));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'options.email',
      message:
        'No member with the e-mail someone@example.com in the WebWork workspace Acme. Type the address you log in to WebWork with.',
    });
  });

  it('several workspaces and none chosen: a validation error on the workspace field listing them', async () => {
    w = await world();
    const beta = w.fake.addWorkspace({ name: 'Beta' });
    w.fake.addMember(beta.id, w.ada.id, 'Executive manager');
    const err = await failure(connect({ email: 'ada@example.com' }));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'options.workspace',
      message: `Choose a workspace: Acme (id ${w.workspace.id}), Beta (id ${beta.id})`,
    });
    const byName = await connect({ email: 'ada@example.com', workspace: 'beta' });
    expect(byName.options).toMatchObject({
      workspaceId: beta.id,
      workspaceName: 'Beta',
      role: 'Executive manager',
    });
    expect(byName.label).toBe('ada@example.com · Beta');
    const byId = await connect({ email: 'ada@example.com', workspace: String(w.workspace.id) });
    expect(byId.options['workspaceId']).toBe(w.workspace.id);
    const unknown = await failure(connect({ email: 'ada@example.com', workspace: 'Gamma' }));
    expect(unknown.error).toEqual({
      kind: 'validation',
      field: 'options.workspace',
      message: `This WebWork token has no workspace “Gamma”. Choose one: Acme (id ${w.workspace.id}), Beta (id ${beta.id})`,
    });
  });

  it('a token of someone in no active workspace is told so', async () => {
    w = await world();
    w.fake.addMember(w.workspace.id, w.ada.id, 'Owner', 'archived');
    const err = await failure(connect({ email: 'ada@example.com' }));
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'options.workspace',
      message: 'This WebWork token belongs to no active workspace.',
    });
  });

  it('a refused token is a sign-in error that never shows the token', async () => {
    w = await world();
    const wrong = 'ww-pat-wrong-0123456789';
    const err = await failure(connect({ email: 'ada@example.com' }, wrong));
    expect(err.error).toEqual({ kind: 'auth', message: AUTH_MESSAGE });
    expect(JSON.stringify(err.error)).not.toContain(wrong);
  });

  it('a gateway page is "unreachable", not a crash', async () => {
    w = await world();
    w.fake.fault('html502', '/workspaces', { times: 1 });
    const err = await failure(connect({ email: 'ada@example.com' }));
    expect(err.error).toEqual({ kind: 'offline', message: HTML_MESSAGE });
  });
});

describe('create and reconnect', () => {
  it('creates a working provider from the saved options; broken options ask to connect again', async () => {
    w = await world();
    const connected = await connect({ email: 'ada@example.com' });
    const config = {
      id: 'webwork',
      provider: 'webwork' as const,
      label: connected.label,
      baseUrl: w.fake.baseUrl,
      options: connected.options,
    };
    expect(webworkModule.defaultBaseUrl).toBe(WEBWORK_BASE_URL);
    expect(WEBWORK_BASE_URL).toBe('https://api.webwork-tracker.com/api/v2');
    expect(webworkModule.reconnectOptions(config)).toEqual({
      workspace: String(w.workspace.id),
      email: 'ada@example.com',
    });
    const created = webworkModule.create(config, w.deps);
    expect(created).toBeInstanceOf(WebWorkProvider);
    expect(created.capabilities.members).toBe(true);
    expect(created.team?.self).toEqual({
      id: String(w.ada.id),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: 'Owner',
    });
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Web', source: 'browser' });
    expect((await created.sync('user', 0)).running).toMatchObject({ description: 'Web' });
    expect(w.fake.requestsBy({ path: '/time-tracking/current-data' })[0]?.query.user_id).toBe(
      String(w.ada.id),
    );

    expect(() =>
      webworkModule.create({ ...config, options: { email: 'ada@example.com' } }, w.deps),
    ).toThrow(
      new ProviderError({
        kind: 'validation',
        message: `The settings of ${connected.label} have no WebWork workspace and user. Remove the account and connect it again.`,
      }),
    );
  });
});
