/**
 * entry.update through the real core (openCore, execute) against the fake Toggl over real HTTP
 * and the Local files: what the user reads back, what goes over the wire, and the refusals
 * (nothing to change, a start in the future or too far back, nothing running, a start not
 * synced yet, a service without an update, no network) — each with no request sent and nothing
 * changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../preload/contract';
import { toIsoWithOffset } from '../../preload/start-time';
import { startFakeToggl, type FakeUser } from '../../test/fakes/toggl-server';
import { startFakeTrackingTime } from '../../test/fakes/trackingtime-server';
import { startFakeWebWork } from '../../test/fakes/webwork-server';
import {
  accountOf,
  clockTime,
  MIN,
  refused,
  run,
  startWhileOffline,
  T0,
  useDataWorld,
  useJournalWorld,
  type Ok,
} from '../../test/reliability/journal-kit';
import { seedAcme, TOKEN as WEBWORK_TOKEN } from '../providers/webwork/webwork-test-setup';
import { openCore } from './open-core';
import { MemorySecretStore } from '../secrets/memory-secret-store';

const TOGGL_TOKEN = '1971800d4d82861d8f2c1651fea4d212';
const DAY = 24 * 60 * MIN;
/** The snapshot a result carries (refusals carry one too; a test without it fails). */
const shown = (r: { snapshot?: Ok['snapshot'] | undefined }): Ok['snapshot'] => {
  if (!r.snapshot) throw new Error('the result has no snapshot');
  return r.snapshot;
};
const update = (input: Extract<Command, { type: 'entry.update' }>['input']): Command => ({
  type: 'entry.update',
  input,
});

describe('entry.update on Toggl Track', () => {
  const w = useJournalWorld('edit-toggl', (now) => startFakeToggl({ now }));
  const ON = 'Toggl Track: ada@example.com · Acme';
  let user: FakeUser;
  const entryPath = () =>
    `/api/v9/workspaces/${user.workspaceId}/time_entries/${w.fake.runningEntry(user.id)?.id}`;
  const toggl = (r: { snapshot?: Ok['snapshot'] | undefined }) => accountOf(shown(r), 'toggl');

  beforeEach(() => {
    user = w.fake.addUser({ token: TOGGL_TOKEN, email: 'ada@example.com', workspaceName: 'Acme' });
  });

  /** Connected (oneshot), "Docs" started at T0 through the core, the clock at T0 + 30 min. */
  async function docsRunning() {
    const core = await w.open('oneshot');
    await run(core, {
      type: 'accounts.add',
      input: { provider: 'toggl', secret: TOGGL_TOKEN, baseUrl: w.fake.baseUrl, options: {} },
    });
    await run(core, { type: 'start', input: { accountId: 'toggl', description: 'Docs' } });
    await w.clock.advance(30 * MIN);
    return core;
  }

  it('moves the start: one PUT {start, duration: -1}; the popup shows the new start', async () => {
    const core = await docsRunning();
    const mark = w.net.mark();
    const start = T0 - 15 * MIN;
    const done = await run(core, update({ accountId: 'toggl', startedAt: toIsoWithOffset(start) }));

    expect(done.message).toBe(`Updated “Docs” on ${ON} — started ${clockTime(start)}.`);
    expect(w.net.writesSince(mark).map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', entryPath(), { start: '2026-11-27T08:45:00Z', duration: -1 }],
    ]);
    expect(w.net.sent.length - mark).toBe(1);
    const shown = toggl(done);
    expect(shown.running).toBe(true);
    expect(Date.parse(shown.entry?.startedAt ?? '')).toBe(start);
    expect(shown.entry?.elapsedSeconds).toBe(45 * 60);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ start, stop: null });
  });

  it('description, project and task by name: one PUT with just those fields', async () => {
    const site = w.fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
    const design = w.fake.addTask({ projectId: site.id, name: 'Design' });
    const core = await docsRunning();
    const mark = w.net.mark();
    const done = await run(
      core,
      update({ accountId: 'toggl', description: 'Wireframes', project: 'site', task: 'design' }),
    );
    expect(done.message).toBe(`Updated “Wireframes — Site / Design” on ${ON}.`);
    expect(w.net.writesSince(mark).map((r) => r.body)).toEqual([
      { description: 'Wireframes', project_id: site.id, task_id: design.id },
    ]);
    expect(toggl(done).entry).toMatchObject({
      description: 'Wireframes',
      projectName: 'Site',
      taskName: 'Design',
    });

    // '' clears the project, and the task goes with it.
    const cleared = await run(core, update({ accountId: 'toggl', project: '' }));
    expect(w.net.writesSince(mark).map((r) => r.body)[1]).toEqual({
      project_id: null,
      task_id: null,
    });
    expect(toggl(cleared).entry).toMatchObject({ projectName: null, taskName: null });
  });

  it('what is already so sends nothing', async () => {
    const core = await docsRunning();
    const mark = w.net.mark();
    const same = await run(
      core,
      update({ accountId: 'toggl', description: ' Docs ', startedAt: toIsoWithOffset(T0 + 400) }),
    );
    expect(same.message).toBe(`“Docs” on ${ON} already has that; nothing to change.`);
    expect(w.net.sent.length).toBe(mark);
  });

  it('refuses, without a request: nothing to change, a start in the future or a week back', async () => {
    const core = await docsRunning();
    const mark = w.net.mark();
    const now = w.clock.now();
    expect((await refused(core, update({ accountId: 'toggl' }))).error).toEqual({
      kind: 'validation',
      message: 'Nothing to change: give a description, project, task or start time.',
    });
    const future = await refused(
      core,
      update({ accountId: 'toggl', startedAt: toIsoWithOffset(now + MIN) }),
    );
    expect(future.error).toEqual({
      kind: 'validation',
      field: 'startedAt',
      message: "The start can't be in the future.",
    });
    const tooOld = await refused(
      core,
      update({ accountId: 'toggl', startedAt: toIsoWithOffset(now - 7 * DAY - MIN) }),
    );
    expect(tooOld.error).toEqual({
      kind: 'validation',
      field: 'startedAt',
      message: "The start can't be more than 7 days ago.",
    });
    const noTask = await refused(core, update({ accountId: 'toggl', task: 'Design' }));
    expect(noTask.error).toMatchObject({ kind: 'validation', field: 'task' });
    expect(w.net.sent.length).toBe(mark);
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs', start: T0 });
  });

  it("Toggl's own refusal comes back on the field it names", async () => {
    const site = w.fake.addProject({ workspaceId: user.workspaceId, name: 'Site' });
    const core = await docsRunning();
    // Moved to another workspace on the web; this account's list still has it.
    const other = w.fake.addWorkspace({ userId: user.id, name: 'Other' });
    w.fake.remoteEditProject(site.id, { workspaceId: other.id });
    const r = await refused(core, update({ accountId: 'toggl', project: 'Site' }));
    expect(r.error).toEqual({
      kind: 'validation',
      field: 'project',
      message: 'Toggl Track refused the change: Invalid project_id.',
    });
    expect(toggl(r).entry).toMatchObject({ description: 'Docs', projectName: null });
  });

  it('nothing running: not-found', async () => {
    const core = await docsRunning();
    await run(core, { type: 'stop', input: { accountId: 'toggl' } });
    const mark = w.net.mark();
    const r = await refused(core, update({ accountId: 'toggl', description: 'x' }));
    expect(r.error).toEqual({ kind: 'not-found', message: `Nothing is running on ${ON}.` });
    expect(w.net.sent.length).toBe(mark);
  });

  it('a start made offline and not synced yet: wait until it is synced', async () => {
    const core = await docsRunning();
    await startWhileOffline(w, { accountId: 'toggl', description: 'Review' });
    const mark = w.net.mark();
    const r = await refused(core, update({ accountId: 'toggl', description: 'Review 2' }));
    expect(r.error).toEqual({
      kind: 'conflict',
      message:
        '“Review” was started while Toggl Track could not be reached and is not synced yet; wait until it is synced, then edit it.',
    });
    expect(w.net.sent.length).toBe(mark);
  });

  it('offline: the error says the change was not confirmed; nothing changed anywhere', async () => {
    const core = await docsRunning();
    w.net.offline();
    const r = await refused(core, update({ accountId: 'toggl', description: 'Wireframes' }));
    expect(r.error.kind).toBe('offline');
    expect(r.error.message).toMatch(
      / Toggl Track did not confirm the change to “Docs”; try again when it can be reached\.$/,
    );
    expect(toggl(r).entry).toMatchObject({ description: 'Docs', pending: false });
    expect(toggl(r).pending).toEqual([]);
    w.net.online();
    expect(w.fake.runningEntry(user.id)).toMatchObject({ description: 'Docs' });
    // Not journaled: back online, nothing is sent by itself.
    const mark = w.net.mark();
    await run(core, { type: 'refresh', input: { accountId: 'toggl' } });
    expect(w.net.writesSince(mark)).toEqual([]);
  });
});

describe('entry.update on Local', () => {
  const w = useDataWorld('edit-local');

  it('rewrites the running entry in entries.json; a new project name is created', async () => {
    const core = await w.hold(
      openCore({ dataDir: w.dir, secrets: new MemorySecretStore(), clock: w.clock, mode: 'app' }),
    );
    await run(core, { type: 'start', input: { description: 'Docs' } });
    await w.clock.advance(20 * MIN);
    const start = T0 - 10 * MIN;
    const done = await run(
      core,
      update({ description: 'Write-up', project: 'Blog', startedAt: toIsoWithOffset(start) }),
    );
    expect(done.message).toBe(`Updated “Write-up — Blog” on Local — started ${clockTime(start)}.`);
    const local = accountOf(done.snapshot, 'local');
    expect(local.entry).toMatchObject({ description: 'Write-up', projectName: 'Blog' });
    expect(local.entry?.elapsedSeconds).toBe(30 * 60);
    const file = JSON.parse(readFileSync(join(w.dir, 'local', 'entries.json'), 'utf8')) as {
      entries: { description: string; start: string; stop: null }[];
      projects: { name: string }[];
    };
    expect(file.entries).toMatchObject([
      { description: 'Write-up', start: new Date(start).toISOString(), stop: null },
    ]);
    expect(file.projects.map((p) => p.name)).toEqual(['Blog']);

    const tooLate = await refused(
      core,
      update({ startedAt: toIsoWithOffset(w.clock.now() + MIN) }),
    );
    expect(tooLate.error).toMatchObject({ kind: 'validation', field: 'startedAt' });
  });
});

describe('entry.update where the service has no update', () => {
  describe('TrackingTime', () => {
    const w = useJournalWorld('edit-tt', (now) => startFakeTrackingTime({ now }));
    it('is unsupported, naming the service; nothing is sent', async () => {
      const account = w.fake.addAccount({ company: 'Acme' });
      w.fake.addUser({
        email: 'ada@example.com',
        appPassword: 'tt-app-7f3c9a1e55d2b8040c6e',
        timezone: 'Europe/Madrid',
        accountId: account.id,
      });
      const core = await w.open('oneshot');
      await run(core, {
        type: 'accounts.add',
        input: {
          provider: 'trackingtime',
          secret: 'tt-app-7f3c9a1e55d2b8040c6e',
          baseUrl: w.fake.baseUrl,
          options: {},
        },
      });
      const mark = w.net.mark();
      const r = await refused(core, update({ accountId: 'trackingtime', description: 'x' }));
      expect(r.error).toEqual({
        kind: 'unsupported',
        message: "TrackingTime can't change a running entry from Tray Timer.",
      });
      const s = await refused(
        core,
        update({ accountId: 'trackingtime', startedAt: toIsoWithOffset(T0 - MIN) }),
      );
      expect(s.error).toEqual({
        kind: 'unsupported',
        field: 'startedAt',
        message: "TrackingTime can't change when a running entry started.",
      });
      expect(accountOf(shown(r), 'trackingtime').capabilities).toMatchObject({
        editEntry: false,
        editStart: false,
      });
      expect(w.net.sent.length).toBe(mark);
    });
  });

  describe('WebWork', () => {
    const w = useJournalWorld('edit-ww', (now) => startFakeWebWork({ now }));
    it('is unsupported, naming the service; nothing is sent', async () => {
      seedAcme(w.fake);
      const core = await w.open('oneshot');
      await run(core, {
        type: 'accounts.add',
        input: {
          provider: 'webwork',
          secret: WEBWORK_TOKEN,
          baseUrl: w.fake.baseUrl,
          options: { email: 'ada@example.com' },
        },
      });
      const mark = w.net.mark();
      const r = await refused(core, update({ accountId: 'webwork', project: 'Website' }));
      expect(r.error).toEqual({
        kind: 'unsupported',
        message: "WebWork can't change a running entry from Tray Timer.",
      });
      expect(w.net.sent.length).toBe(mark);
    });
  });
});
