/**
 * The cache files of TrackingTime and WebWork accounts (cache/<id>/state.json and requests.json;
 * Toggl's are in files-damaged.test.ts) truncated, emptied, filled with garbage or given one
 * wrong value, through the real core against each fake over real HTTP. Each time: the app opens,
 * the file is moved aside byte for byte, a notice names where it went, Local's files are
 * untouched, the account shows its running timer again and start/stop work on it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { seedAcme, TOKEN as WW_TOKEN } from '../../main/providers/webwork/webwork-test-setup';
import { startFakeTrackingTime, type FakeTrackingTime } from '../fakes/trackingtime-server';
import { startFakeWebWork, type FakeWebWork } from '../fakes/webwork-server';
import { VirtualClock } from '../support/virtual-clock';
import { account, corruptFiles, ok, seen, T0 } from './files-world';

const TT_PASSWORD = 'tt-app-password-5d1c';

let dir: string;
let clock: VirtualClock;
let tt: FakeTrackingTime;
let ww: FakeWebWork;
let secrets: MemorySecretStore;
const cores: Core[] = [];

async function open(): Promise<Core> {
  const core = await openCore({ dataDir: dir, secrets, clock, mode: 'oneshot' });
  cores.push(core);
  return core;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-caches-'));
  clock = new VirtualClock(T0);
  secrets = new MemorySecretStore();
  tt = await startFakeTrackingTime({ now: () => clock.now() });
  const company = tt.addAccount({ company: 'Acme' });
  const user = tt.addUser({
    email: 'ada@example.com',
    appPassword: TT_PASSWORD,
    timezone: 'Europe/Madrid',
    accountId: company.id,
  });
  const site = tt.addProject({ accountId: company.id, name: 'Site' });
  tt.addTask({ projectId: site.id, name: 'Review', userIds: [user.id] });
  ww = await startFakeWebWork({ now: () => clock.now() });
  seedAcme(ww);

  const core = await open();
  await ok(core, {
    type: 'accounts.add',
    input: { provider: 'trackingtime', secret: TT_PASSWORD, baseUrl: tt.baseUrl, options: {} },
  });
  await ok(core, {
    type: 'accounts.add',
    input: {
      provider: 'webwork',
      secret: WW_TOKEN,
      baseUrl: ww.baseUrl,
      options: { email: 'ada@example.com' },
    },
  });
  await ok(core, { type: 'start', input: { accountId: 'local', description: 'Review' } });
  await ok(core, {
    type: 'start',
    input: { accountId: 'trackingtime', description: 'Call', project: 'Site' },
  });
  await ok(core, {
    type: 'start',
    input: { accountId: 'webwork', description: 'Wall', project: 'Website', task: 'Design' },
  });
  await core.close();
});

afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
  await tt.close();
  await ww.close();
  rmSync(dir, { recursive: true, force: true });
});

type Damage = 'truncated' | 'zero-byte' | 'garbage' | 'wrong-field';
const DAMAGES: Record<Damage, (original: Buffer) => Buffer> = {
  truncated: (original) => original.subarray(0, Math.floor(original.length / 2)),
  'zero-byte': () => Buffer.alloc(0),
  garbage: () => Buffer.from('\u0000\u00ff{{ not json at all ]]\n'.repeat(20), 'latin1'),
  // Every cache file starts with its format version: one value of the wrong kind.
  'wrong-field': (original) => {
    const file = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
    const first = Object.keys(file)[0] ?? 'version';
    file[first] = { unexpected: true };
    return Buffer.from(JSON.stringify(file, null, 2));
  },
};

const CACHES = [
  { id: 'trackingtime', file: 'state.json', running: 'Call', project: 'Site' },
  { id: 'trackingtime', file: 'requests.json', running: 'Call', project: 'Site' },
  { id: 'webwork', file: 'state.json', running: 'Wall', project: 'Website' },
  { id: 'webwork', file: 'requests.json', running: 'Wall', project: 'Website' },
] as const;

describe('a damaged TrackingTime or WebWork cache file', () => {
  for (const cache of CACHES) {
    for (const damage of Object.keys(DAMAGES) as Damage[]) {
      it(`cache/${cache.id}/${cache.file}: ${damage}`, async () => {
        const path = join(dir, 'cache', cache.id, cache.file);
        const settings = readFileSync(join(dir, 'settings.json'));
        const entries = readFileSync(join(dir, 'local', 'entries.json'));
        const damaged = DAMAGES[damage](readFileSync(path));
        writeFileSync(path, damaged);

        const core = await open();
        // Caches are read when needed (a request log on the first request): refresh reads all.
        const refreshed = await ok(core, { type: 'refresh', input: { accountId: cache.id } });
        const aside = corruptFiles(dir);
        expect(aside).toHaveLength(1);
        const moved = aside[0] ?? '';
        expect(dirname(moved)).toBe(join('cache', cache.id));
        expect(basename(moved).startsWith(`${cache.file}.corrupt-`)).toBe(true);
        expect(readFileSync(join(dir, moved)).equals(damaged)).toBe(true);
        const notice = refreshed.snapshot.notices.find((n) => n.message.includes(join(dir, moved)));
        expect(notice, JSON.stringify(refreshed.snapshot.notices)).toBeDefined();
        expect(notice?.message).toMatch(/damaged/);

        expect(readFileSync(join(dir, 'settings.json')).equals(settings)).toBe(true);
        expect(readFileSync(join(dir, 'local', 'entries.json')).equals(entries)).toBe(true);
        expect(seen(refreshed.snapshot, 'local').running).toBe('Review');
        expect(seen(refreshed.snapshot, cache.id)).toMatchObject({
          running: cache.running,
          error: null,
        });
        for (const other of CACHES.filter((c) => c.id !== cache.id))
          expect(seen(refreshed.snapshot, other.id).running).toBe(other.running);

        const stopped = await ok(core, { type: 'stop', input: { accountId: cache.id } });
        expect(account(stopped.snapshot, cache.id).running).toBe(false);
        const started = await ok(core, {
          type: 'start',
          input: { accountId: cache.id, description: 'After', project: cache.project },
        });
        expect(account(started.snapshot, cache.id).entry?.description).toBe('After');
      });
    }
  }
});
