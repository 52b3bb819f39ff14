/**
 * Shared set-up for the Toggl provider tests: a fake Toggl over real HTTP on loopback, a
 * virtual clock, a temp cache folder, and a fetch that passes every request through unchanged
 * while remembering its bodies (so tests can assert what went over the wire).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeToggl, type FakeToggl, type FakeUser } from '../../../test/fakes/toggl-server';
import { VirtualClock } from '../../../test/support/virtual-clock';
/** Every file under a folder, as text (to prove no token is stored). */
export { allFileText } from '../../../test/support/file-text';
import type { ProviderDeps } from '../provider-module';
import { TogglProvider, type TogglTuning } from './toggl-provider';

export const TOKEN = '1971800d4d82861d8f2c1651fea4d212';
export const T0 = Date.parse('2026-11-27T09:00:00Z');

export interface SentRequest {
  method: string;
  url: string;
  body: unknown;
}

export interface TogglWorld {
  fake: FakeToggl;
  user: FakeUser;
  clock: VirtualClock;
  cacheDir: string;
  problems: string[];
  sent: SentRequest[];
  deps: ProviderDeps;
  provider(tuning?: TogglTuning): TogglProvider;
  close(): Promise<void>;
}

export async function togglWorld(
  options: Parameters<typeof startFakeToggl>[0] = {},
): Promise<TogglWorld> {
  const clock = new VirtualClock(T0);
  const fake = await startFakeToggl({ now: () => clock.now(), ...options });
  const user = fake.addUser({
    token: TOKEN,
    email: 'ada@example.com',
    fullname: 'Ada Lovelace',
    workspaceName: 'Acme',
  });
  const cacheDir = mkdtempSync(join(tmpdir(), 'tray-timer-toggl-'));
  const problems: string[] = [];
  const sent: SentRequest[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    sent.push({ method: init?.method ?? 'GET', url: String(input), body });
    return fetch(input, init);
  };
  const deps: ProviderDeps = {
    cacheDir,
    getSecret: async () => TOKEN,
    fetch: recordingFetch,
    clock,
    onProblem: (m) => problems.push(m),
    appVersion: '0.1.0-test',
  };
  return {
    fake,
    user,
    clock,
    cacheDir,
    problems,
    sent,
    deps,
    provider: (tuning = {}) =>
      new TogglProvider({ workspaceId: user.workspaceId }, fake.baseUrl, deps, tuning),
    close: async () => {
      await fake.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
