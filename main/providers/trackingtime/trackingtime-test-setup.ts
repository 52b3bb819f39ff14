/**
 * Shared set-up for the TrackingTime provider tests: the fake TrackingTime over real HTTP on
 * loopback, a virtual clock, a temp cache folder, and a fetch that passes every request through
 * unchanged while remembering its headers and bodies (to assert what went over the wire).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startFakeTrackingTime,
  type FakeAccount,
  type FakeTrackingTime,
  type FakeUser,
} from '../../../test/fakes/trackingtime-server';
import { VirtualClock } from '../../../test/support/virtual-clock';
/** Every file under a folder, as text (to prove no secret is stored). */
export { allFileText } from '../../../test/support/file-text';
import type { ProviderDeps } from '../provider-module';
import { TrackingTimeProvider, type TrackingTimeTuning } from './trackingtime-provider';

export const APP_PASSWORD = 'tt-app-7f3c9a1e55d2b8040c6e';
export const PASSWORD = 'correct horse battery';
/** 10:00 in Madrid (winter, UTC+1). */
export const T0 = Date.parse('2026-11-27T09:00:00Z');

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface TtWorld {
  fake: FakeTrackingTime;
  account: FakeAccount;
  user: FakeUser;
  clock: VirtualClock;
  cacheDir: string;
  problems: string[];
  sent: SentRequest[];
  deps: ProviderDeps;
  provider(options?: { tuning?: TrackingTimeTuning; email?: boolean }): TrackingTimeProvider;
  close(): Promise<void>;
}

export function recordingFetch(sent: SentRequest[]): typeof fetch {
  return async (input, init) => {
    const raw = init?.body;
    let body: unknown;
    if (typeof raw === 'string') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    sent.push({
      method: init?.method ?? 'GET',
      url: String(input),
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      body,
    });
    return fetch(input, init);
  };
}

export async function ttWorld(timezone = 'Europe/Madrid'): Promise<TtWorld> {
  const clock = new VirtualClock(T0);
  const fake = await startFakeTrackingTime({ now: () => clock.now() });
  const account = fake.addAccount({ company: 'Acme' });
  const user = fake.addUser({
    email: 'ada@example.com',
    password: PASSWORD,
    appPassword: APP_PASSWORD,
    timezone,
    accountId: account.id,
  });
  const cacheDir = mkdtempSync(join(tmpdir(), 'tray-timer-tt-'));
  const problems: string[] = [];
  const sent: SentRequest[] = [];
  const deps: ProviderDeps = {
    cacheDir,
    getSecret: async () => APP_PASSWORD,
    fetch: recordingFetch(sent),
    clock,
    onProblem: (m) => problems.push(m),
    appVersion: '0.1.0-test',
  };
  return {
    fake,
    account,
    user,
    clock,
    cacheDir,
    problems,
    sent,
    deps,
    provider: ({ tuning = {}, email = false } = {}) =>
      new TrackingTimeProvider(
        {
          accountId: account.id,
          userId: user.id,
          timezone,
          credentials: email ? { mode: 'email', email: user.email } : { mode: 'api-token' },
        },
        fake.baseUrl,
        email ? { ...deps, getSecret: async () => PASSWORD } : deps,
        tuning,
      ),
    close: async () => {
      await fake.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
