/**
 * Properties that found bugs outside the parsers (absurd quota reset headers, dates beyond
 * four-digit years, a Local continue of a project that left the file, loose Local dates), kept
 * so they stay fixed.
 */
import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { currentEntrySchema } from '../../main/providers/toggl/toggl-api';
import { TogglClient } from '../../main/providers/toggl/toggl-client';
import { RequestBudget } from '../../main/providers/toggl/request-budget';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { VirtualClock } from '../support/virtual-clock';
import { T0 } from './support/core-run';
import { snapshotOf } from './support/samples';
import { snapshotProblem } from './support/sound-snapshot';
import { hostileNumber, hostileString, RUNS, scratchDir } from './support/hostile-json';
import { parseOrProviderError } from './support/sound-snapshot';

describe('bugs the properties found, kept found (H2)', () => {
  it('B5: a Toggl 402 or 429 with any reset time is a readable ProviderError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(402, 429),
        fc.constantFrom('x-toggl-quota-resets-in', 'retry-after'),
        hostileNumber.map(String),
        fc.oneof(
          hostileString,
          hostileNumber.map((n) => `Quota will reset in ${n} seconds`),
        ),
        async (status, header, value, body) => {
          const cacheDir = scratchDir('tray-timer-prop-budget-');
          const client = new TogglClient({
            baseUrl: 'http://127.0.0.1:9/api/v9',
            fetch: async () => new Response(body, { status, headers: { [header]: value } }),
            appVersion: 'prop',
            now: () => T0,
            getToken: async () => 'token',
            budget: new RequestBudget(
              cacheDir,
              () => {},
              () => 0.5,
            ),
          });
          await parseOrProviderError(
            () =>
              client
                .call({
                  method: 'GET',
                  path: '/me/time_entries/current',
                  schema: currentEntrySchema,
                  what: 'running entry',
                })
                .finally(() => rmSync(cacheDir, { recursive: true, force: true })),
            `${body} ${value}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('B4: an entry at any moment Date can hold makes a snapshot whose times are dates', () => {
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true }),
        fc.integer({ min: 0, max: 1e9 }),
        (start, seconds) => {
          const from = start.getTime();
          const entry = {
            id: '1',
            description: 'Docs',
            projectId: null,
            projectName: null,
            projectColor: null,
            taskId: null,
            taskName: null,
            start: from,
            stop: from + seconds * 1000,
          };
          const problem = snapshotProblem(snapshotOf('toggl', { entries: [entry] }, T0));
          if (problem) throw new Error(problem);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('B6: Continue of a Local entry whose project left the file is a readable error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('gone', 'p9', ''), async (projectId) => {
        const dir = scratchDir('tray-timer-prop-local-');
        try {
          mkdirSync(join(dir, 'local'), { recursive: true });
          writeFileSync(
            join(dir, 'local', 'entries.json'),
            JSON.stringify({
              version: 1,
              entries: [
                {
                  id: 'e1',
                  description: 'Docs',
                  projectId,
                  start: '2026-11-27T08:00:00.000Z',
                  stop: '2026-11-27T08:30:00.000Z',
                },
              ],
              projects: [],
            }),
          );
          const core = await openCore({
            dataDir: dir,
            secrets: new MemorySecretStore(),
            clock: new VirtualClock(T0),
            mode: 'oneshot',
          });
          try {
            const r = await core.execute({ type: 'continue', input: { accountId: 'local' } });
            if (!r.ok && r.error.kind === 'internal') throw new Error(r.error.message);
          } finally {
            await core.close();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 3 },
    );
  });

  it('B7: a Local entry whose start Date.parse reads loosely ("100") makes a sound snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('100', '1', '12345', '+010000-01-01T00:00:00Z'),
        async (start) => {
          const dir = scratchDir('tray-timer-prop-local-');
          try {
            mkdirSync(join(dir, 'local'), { recursive: true });
            writeFileSync(
              join(dir, 'local', 'entries.json'),
              JSON.stringify({
                version: 1,
                entries: [
                  {
                    id: 'e1',
                    description: 'Docs',
                    projectId: null,
                    start,
                    stop: '2026-11-27T08:30:00.000Z',
                  },
                ],
                projects: [],
              }),
            );
            const core = await openCore({
              dataDir: dir,
              secrets: new MemorySecretStore(),
              clock: new VirtualClock(T0),
              mode: 'oneshot',
            });
            try {
              const problem = snapshotProblem(core.snapshot());
              if (problem) throw new Error(problem);
            } finally {
              await core.close();
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 4 },
    );
  });
});
