/**
 * Editing the running Local entry: rewritten in <data>/local/entries.json (real files in a temp
 * folder), seen by the next process, and refusals as error values.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider';
import { LocalProvider } from './local-provider';

const T0 = Date.parse('2026-11-27T09:00:00Z');
const MIN = 60_000;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tray-timer-local-update-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const onDisk = () =>
  JSON.parse(readFileSync(join(dir, 'local', 'entries.json'), 'utf8')) as {
    entries: { id: string; description: string | null; projectId: string | null; start: string }[];
  };

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('Local update', () => {
  it('rewrites description, project and start of the running entry in entries.json', async () => {
    const local = new LocalProvider(dir);
    const site = await local.createProject('Site');
    const { entry } = await local.start({
      description: 'Docs',
      projectId: null,
      taskId: null,
      at: T0,
    });

    const updated = await local.update(entry.id, {
      description: 'Wireframes',
      projectId: site.id,
      start: T0 - 15 * MIN,
    });

    expect(updated).toMatchObject({
      id: entry.id,
      description: 'Wireframes',
      projectName: 'Site',
      start: T0 - 15 * MIN,
      stop: null,
    });
    expect(onDisk().entries).toEqual([
      {
        id: entry.id,
        description: 'Wireframes',
        projectId: site.id,
        start: '2026-11-27T08:45:00.000Z',
        stop: null,
      },
    ]);
    // The next process (an in-process CLI, the app after a restart) reads the same truth.
    const again = await new LocalProvider(dir).sync('startup', T0 - 7 * 24 * 60 * MIN);
    expect(again.running).toMatchObject({ description: 'Wireframes', start: T0 - 15 * MIN });
  });

  it('changes only what the patch names; null clears', async () => {
    const local = new LocalProvider(dir);
    const site = await local.createProject('Site');
    const { entry } = await local.start({
      description: 'Docs',
      projectId: site.id,
      taskId: null,
      at: T0,
    });
    await local.update(entry.id, { description: null });
    expect(onDisk().entries[0]).toMatchObject({
      description: null,
      projectId: site.id,
      start: new Date(T0).toISOString(),
    });
    await local.update(entry.id, { projectId: null });
    expect(onDisk().entries[0]).toMatchObject({ description: null, projectId: null });
  });

  it('refuses an unknown entry, a project that left the file and a task, writing nothing', async () => {
    const local = new LocalProvider(dir);
    const { entry } = await local.start({
      description: 'Docs',
      projectId: null,
      taskId: null,
      at: T0,
    });
    const before = readFileSync(join(dir, 'local', 'entries.json'), 'utf8');

    expect((await failure(local.update('nope', { description: 'x' }))).error.kind).toBe(
      'not-found',
    );
    expect((await failure(local.update(entry.id, { projectId: 'gone' }))).error).toEqual({
      kind: 'validation',
      field: 'project',
      message: 'That project no longer exists in Local; choose another one.',
    });
    expect((await failure(local.update(entry.id, { taskId: 't1' }))).error).toMatchObject({
      kind: 'validation',
      field: 'task',
    });
    expect(readFileSync(join(dir, 'local', 'entries.json'), 'utf8')).toBe(before);
  });
});
