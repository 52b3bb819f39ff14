/**
 * The WebWork HTTP client over real HTTP against the fake WebWork (and, where the fake cannot
 * misbehave that way, a hand-written answer): the Bearer token and User-Agent on every request,
 * and every failure turned into an error value a person understands — never a crash, never the
 * token in a message, a problem or the cache.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MESSAGES } from '../../../test/fakes/webwork-server';
import {
  AUTH_MESSAGE,
  GARBLED_MESSAGE,
  HTML_MESSAGE,
  ROLE_MESSAGE,
  WebWorkClient,
  userAgent,
} from './webwork-client';
import {
  allFileText,
  BOB_TOKEN,
  failure,
  T0,
  TOKEN,
  useWwWorlds,
  type WwWorld,
} from './webwork-test-setup';

let w: WwWorld;
const world = useWwWorlds();

/** A client whose fetch answers with `status` and `body` (for answers the fake never gives). */
function cannedClient(status: number, body: string, headers: Record<string, string> = {}) {
  const canned: typeof fetch = async () =>
    new Response(body, { status, headers: { 'Content-Type': 'application/json', ...headers } });
  return new WebWorkClient({
    baseUrl: 'http://127.0.0.1:9/api/v2',
    fetch: canned,
    appVersion: '1.0.0',
    now: () => T0,
    getSecret: async () => TOKEN,
  });
}

/** A client on the current world's fake WebWork, calling with `token`. */
function fakeClient(token: string): WebWorkClient {
  return new WebWorkClient({
    baseUrl: w.fake.baseUrl,
    fetch: w.deps.fetch,
    appVersion: '1',
    now: () => w.clock.now(),
    getSecret: async () => token,
  });
}

const anything = z.unknown();

describe('every request', () => {
  it('carries Authorization: Bearer, the app User-Agent and JSON headers', async () => {
    w = await world();
    const p = w.provider();
    await p.sync('user');
    await p.start({
      description: 'Header check',
      projectId: String(w.site.id),
      taskId: null,
      at: T0,
    });
    await p.stop(T0 + 60_000);
    expect(w.sent.length).toBeGreaterThanOrEqual(5);
    for (const s of w.sent) {
      expect(s.headers['Authorization']).toBe(`Bearer ${TOKEN}`);
      expect(s.headers['User-Agent']).toBe(
        'TrayTimer/0.1.0-test (https://github.com/tray-timer/tray-timer)',
      );
      expect(s.headers['Accept']).toBe('application/json');
      expect(s.url.startsWith(`${w.fake.baseUrl}/`)).toBe(true);
      // The token only ever travels in the header.
      expect(s.url).not.toContain(TOKEN);
      if (s.method === 'POST') expect(s.headers['Content-Type']).toBe('application/json');
      else expect(s.headers['Content-Type']).toBeUndefined();
    }
    // The server saw every request as Ada's (the Bearer token was accepted); the only refusal
    // is the first read's "no active tracker" (idle form 'error-404').
    expect(w.fake.requests.every((r) => r.callerId === w.ada.id)).toBe(true);
    expect(w.fake.requests.filter((r) => r.status !== 200).map((r) => r.path)).toEqual([
      '/time-tracking/current-data',
    ]);
    expect(userAgent('2.3.4')).toBe('TrayTimer/2.3.4 (https://github.com/tray-timer/tray-timer)');
  });
});

describe('failures as values', () => {
  it('a revoked token is a sign-in error asking for a new one, without the token', async () => {
    w = await world();
    const p = w.provider();
    await p.sync('user');
    w.fake.revokeToken(TOKEN);
    const err = await failure(p.sync('poll'));
    expect(err.error).toEqual({ kind: 'auth', message: AUTH_MESSAGE });
    // The words: "token expired or revoked — paste a new one".
    expect(err.error.message).toContain('token expired or revoked — paste a new one');
    expect(w.fake.requests.at(-1)).toMatchObject({ status: 401, success: false });
    const everything = allFileText(w.cacheDir) + JSON.stringify(err.error) + w.problems.join('');
    expect(everything).not.toContain(TOKEN);
    // A start is refused the same way, not dropped silently.
    const start = await failure(
      p.start({ description: 'x', projectId: null, taskId: null, at: T0 }),
    );
    expect(start.error.kind).toBe('auth');
  });

  it('a 401 HTML page (a proxy) is still a sign-in error', async () => {
    const err = await failure(
      cannedClient(401, '<html><body>Unauthorized</body></html>').call({
        method: 'GET',
        path: '/workspaces',
        schema: anything,
        what: 'workspaces',
      }),
    );
    expect(err.error).toEqual({ kind: 'auth', message: AUTH_MESSAGE });
  });

  it("a 403 for another member's tracker names the role needed, on the member field", async () => {
    w = await world({ role: 'Regular User' });
    const p = w.provider();
    const err = await failure(
      p.trackerOf({ id: String(w.bob.id), name: 'Bob Builder', email: null, role: null }),
    );
    expect(err.error).toEqual({
      kind: 'provider',
      field: 'member',
      message: `${ROLE_MESSAGE} (WebWork: ${MESSAGES.currentDataForbidden}).`,
    });
    expect(w.fake.requests.at(-1)).toMatchObject({
      status: 403,
      path: '/time-tracking/current-data',
    });
  });

  it('gateway pages, 500s, cut-off and strange answers are offline/provider errors, never a crash', async () => {
    w = await world();
    const p = w.provider();
    await p.sync('user');
    const tracker = '/time-tracking/current-data';

    w.fake.fault('html502', tracker, { times: 1 });
    expect((await failure(p.sync('user'))).error).toEqual({
      kind: 'offline',
      message: HTML_MESSAGE,
    });

    w.fake.fault('status500', tracker, { times: 1 });
    expect((await failure(p.sync('user'))).error).toEqual({
      kind: 'offline',
      // A full stop is added: the core appends "Last synced …" (O3 in the bug notes).
      message: `WebWork failed: ${MESSAGES.serverError}.`,
    });

    w.fake.fault('truncatedJson', tracker, { times: 1 });
    expect((await failure(p.sync('user'))).error).toEqual({
      kind: 'offline',
      message: GARBLED_MESSAGE,
    });

    w.fake.fault('wrongShape', tracker, { times: 1 });
    expect((await failure(p.sync('user'))).error).toEqual({
      kind: 'provider',
      message: 'WebWork answered with something unexpected (current tracker: no success flag).',
      retryable: true,
    });

    // success:true with data of the wrong type (on a 200: a tracker runs): the field is named,
    // nothing is guessed.
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Web' });
    w.fake.fault('wrongShape', tracker, {
      times: 1,
      body: { success: true, data: { total_minutes: 'lots' }, meta: {} },
    });
    const shape = await failure(p.sync('user'));
    expect(shape.error.kind).toBe('provider');
    expect(shape.error.message).toMatch(
      /^WebWork answered with something unexpected \(current tracker: data\.total_minutes /,
    );

    w.fake.fault('reset', tracker, { times: 1 });
    expect((await failure(p.sync('user'))).error.kind).toBe('offline');

    // All faults used up: the next read works again.
    expect((await p.sync('user')).running).toMatchObject({ description: 'Web' });
  });

  it('a server that does not answer in time is "offline" with the time waited', async () => {
    w = await world();
    const p = w.provider({ tuning: { timeoutMs: 150, random: () => 0 } });
    w.fake.fault('slow', '/time-tracking/current-data', { times: 1, ms: 3_000 });
    const started = Date.now();
    const err = await failure(p.sync('user'));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(err.error).toEqual({ kind: 'offline', message: 'WebWork did not answer within 1 s.' });
  });

  it('an unknown route is not-found with what was asked', async () => {
    w = await world();
    const client = fakeClient(TOKEN);
    const err = await failure(
      client.call({ method: 'GET', path: '/nowhere', schema: anything, what: 'nowhere' }),
    );
    expect(err.error).toEqual({
      kind: 'not-found',
      message: `WebWork could not find that (${MESSAGES.notFound}).`,
    });
  });

  it('a 422 puts each field message on our field names', async () => {
    const err = await failure(
      cannedClient(
        422,
        JSON.stringify({
          success: false,
          message: 'Validation failed',
          errors: { contract_id: ['The contract is paused.'], task_id: 'Bad task.' },
          meta: {},
        }),
      ).call({
        method: 'POST',
        path: '/time-tracking/start',
        body: {},
        schema: anything,
        what: 'start',
      }),
    );
    expect(err.error).toEqual({
      kind: 'validation',
      field: 'project',
      fields: { project: 'The contract is paused.', task: 'Bad task.' },
      message: 'The contract is paused. Bad task.',
    });
  });

  it('never puts the token into a message, even when the service echoes it', async () => {
    const echo = `Token ${TOKEN} is not valid for this workspace`;
    const plain = await failure(
      cannedClient(400, JSON.stringify({ success: false, message: echo, meta: {} })).call({
        method: 'GET',
        path: '/workspaces',
        schema: anything,
        what: 'workspaces',
      }),
    );
    expect(plain.error.message).not.toContain(TOKEN);
    expect(plain.error.message).toContain('is not valid for this workspace');
    const fields = await failure(
      cannedClient(
        422,
        JSON.stringify({ success: false, message: 'x', errors: { email: [echo] }, meta: {} }),
      ).call({ method: 'GET', path: '/members', schema: anything, what: 'members' }),
    );
    expect(JSON.stringify(fields.error)).not.toContain(TOKEN);
    const server = await failure(
      cannedClient(500, JSON.stringify({ success: false, message: echo, meta: {} })).call({
        method: 'GET',
        path: '/workspaces',
        schema: anything,
        what: 'workspaces',
      }),
    );
    expect(server.error.kind).toBe('offline');
    expect(server.error.message).not.toContain(TOKEN);
  });

  it("Bob's own token reads Bob's tracker (the token decides who calls)", async () => {
    w = await world();
    const client = fakeClient(BOB_TOKEN);
    const err = await failure(
      client.call({
        method: 'GET',
        path: '/time-tracking/current-data',
        query: { workspace_id: w.workspace.id, user_id: w.ada.id },
        schema: anything,
        what: 'current tracker',
      }),
    );
    expect(err.error.field).toBe('member');
    expect(w.fake.requests.at(-1)?.callerId).toBe(w.bob.id);
  });
});
