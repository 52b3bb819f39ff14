/**
 * Shared set-up for the WebWork provider tests: the fake WebWork over real HTTP on loopback, a
 * virtual clock, a temp cache folder, an owner (Ada) with a member (Bob) in one workspace, a
 * project with a task and both people's contracts, and a fetch that remembers what went over
 * the wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  startFakeWebWork,
  type FakeContract,
  type FakeProject,
  type FakeTask,
  type FakeUser,
  type FakeWebWork,
  type FakeWebWorkConfig,
  type FakeWorkspace,
  type WwRole,
} from '../../../test/fakes/webwork-server';
import { VirtualClock } from '../../../test/support/virtual-clock';
import { ProviderError } from '../provider';
import type { ProviderDeps } from '../provider-module';
import { recordingFetch, type SentRequest } from '../trackingtime/trackingtime-test-setup';
import { WebWorkProvider, type WebWorkTuning } from './webwork-provider';

export { allFileText } from '../../../test/support/file-text';
export type { SentRequest };

export const TOKEN = 'ww-pat-3b9f0c2d7e61a8554f10';
export const BOB_TOKEN = 'ww-pat-bob-000111222333';
export const T0 = Date.parse('2026-11-27T09:00:00Z');

export interface WwWorld {
  fake: FakeWebWork;
  workspace: FakeWorkspace;
  ada: FakeUser;
  bob: FakeUser;
  site: FakeProject;
  design: FakeTask;
  adaContract: FakeContract;
  bobContract: FakeContract;
  clock: VirtualClock;
  cacheDir: string;
  problems: string[];
  sent: SentRequest[];
  deps: ProviderDeps;
  provider(options?: { role?: WwRole; tuning?: WebWorkTuning }): WebWorkProvider;
  close(): Promise<void>;
}

/** What seedAcme adds to a fake WebWork. */
export type AcmeTeam = Pick<
  WwWorld,
  'workspace' | 'ada' | 'bob' | 'site' | 'design' | 'adaContract' | 'bobContract'
>;

/**
 * The team every WebWork test starts from: workspace Acme with Ada (`role`, Owner unless said)
 * and Bob (Regular User), each holding their token, and project Website with task Design and a
 * contract for each of them. The CLI tests pass their own tokens, unique per run, because those
 * land in a real keyring.
 */
export function seedAcme(
  fake: FakeWebWork,
  { role = 'Owner', adaToken = TOKEN, bobToken = BOB_TOKEN }: SeedOptions = {},
): AcmeTeam {
  const workspace = fake.addWorkspace({ name: 'Acme' });
  const ada = fake.addUser({
    email: 'ada@example.com',
    token: adaToken,
    firstname: 'Ada',
    lastname: 'Lovelace',
  });
  const bob = fake.addUser({
    email: 'bob@example.com',
    token: bobToken,
    firstname: 'Bob',
    lastname: 'Builder',
  });
  fake.addMember(workspace.id, ada.id, role);
  fake.addMember(workspace.id, bob.id, 'Regular User');
  const site = fake.addProject({ workspaceId: workspace.id, name: 'Website' });
  const design = fake.addTask({ projectId: site.id, title: 'Design' });
  const adaContract = fake.addContract({ userId: ada.id, projectId: site.id });
  const bobContract = fake.addContract({ userId: bob.id, projectId: site.id });
  return { workspace, ada, bob, site, design, adaContract, bobContract };
}

interface SeedOptions {
  role?: WwRole;
  adaToken?: string;
  bobToken?: string;
}

export interface WwWorldOptions {
  role?: WwRole;
  fake?: Partial<FakeWebWorkConfig>;
}

export async function wwWorld(options: WwWorldOptions = {}): Promise<WwWorld> {
  const clock = new VirtualClock(T0);
  const fake = await startFakeWebWork({ now: () => clock.now(), ...options.fake });
  const role = options.role ?? 'Owner';
  const { workspace, ada, bob, site, design, adaContract, bobContract } = seedAcme(fake, { role });
  const cacheDir = mkdtempSync(join(tmpdir(), 'tray-timer-ww-'));
  const problems: string[] = [];
  const sent: SentRequest[] = [];
  const deps: ProviderDeps = {
    cacheDir,
    getSecret: async () => TOKEN,
    fetch: recordingFetch(sent),
    clock,
    onProblem: (m) => problems.push(m),
    appVersion: '0.1.0-test',
  };
  return {
    fake,
    workspace,
    ada,
    bob,
    site,
    design,
    adaContract,
    bobContract,
    clock,
    cacheDir,
    problems,
    sent,
    deps,
    provider: ({ role: asRole = role, tuning = { random: () => 0 } } = {}) =>
      new WebWorkProvider(
        {
          workspaceId: workspace.id,
          workspaceName: workspace.name,
          userId: ada.id,
          email: ada.email,
          name: 'Ada Lovelace',
          role: asRole,
        },
        fake.baseUrl,
        deps,
        tuning,
      ),
    close: async () => {
      await fake.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: registers an afterEach that closes every world opened during the test (its
 * fake server and cache folder), and returns the function that opens one.
 */
export function useWwWorlds(): (options?: WwWorldOptions) => Promise<WwWorld> {
  const opened: WwWorld[] = [];
  afterEach(async () => {
    for (const x of opened.splice(0)) await x.close();
  });
  return async (options) => {
    const x = await wwWorld(options);
    opened.push(x);
    return x;
  };
}

/** The ProviderError `p` rejects with; anything else (success or another error) fails the test. */
export async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ProviderError');
}
