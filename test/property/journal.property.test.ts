/**
 * Property tests of the offline action journal's file (main/journal/journal-store.ts): random
 * and damaged journal files never make the store throw, a damaged file keeps its bytes on disk
 * (moved aside) and is reported, and the actions that still validate are kept in their order;
 * random sequences of append, update, settle and remove keep the file valid and in the order a
 * simple model predicts, with the file gone exactly when nothing waits.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../../preload/contract';
import {
  ACTION_PREFIX,
  journalActionSchema,
  journalEnvelopeSchema,
  type JournalAction,
} from '../../main/journal/journal-schema';
import { JOURNAL_FILE, JournalStore } from '../../main/journal/journal-store';
import {
  bodyChangeArb,
  changeBody,
  hostileValue,
  mutate,
  mutationArb,
  PROPERTY_TIMEOUT_MS,
  RUNS,
  scratchDir,
  writeText,
} from './support/hostile-json';

const epoch = fc.integer({ min: 0, max: 8.64e15 });
const shortText = (max: number) => fc.string({ maxLength: max });
const ref = fc.option(shortText(20), { nil: null });

const errorArb = fc.record(
  {
    kind: fc.constantFrom(...ERROR_KINDS),
    message: shortText(200),
    field: shortText(20),
    retryable: fc.boolean(),
  },
  { requiredKeys: ['kind', 'message'] },
);

const storedEntryArb = fc.record({
  id: shortText(30),
  description: fc.option(shortText(100), { nil: null }),
  projectId: ref,
  projectName: ref,
  projectColor: fc.option(fc.constantFrom('#2da44e', '#0b83d9'), { nil: null }),
  taskId: ref,
  taskName: ref,
  start: fc.option(epoch, { nil: null }),
  stop: fc.option(epoch, { nil: null }),
});

const workArb = fc.record(
  {
    description: fc.option(fc.string({ maxLength: 200, unit: 'grapheme' }), { nil: null }),
    projectId: ref,
    projectName: ref,
    projectColor: fc.option(fc.constantFrom('#2da44e', '#0b83d9'), { nil: null }),
    taskId: ref,
    taskName: ref,
    tags: fc.array(shortText(20), { maxLength: 5 }),
    billable: fc.boolean(),
    replaceRunning: fc.boolean(),
  },
  {
    requiredKeys: ['description', 'projectId', 'projectName', 'projectColor', 'taskId', 'taskName'],
  },
);

/** A valid action (as the schema outputs it) with the given id. */
function actionArb(id: string): fc.Arbitrary<JournalAction> {
  return fc
    .record({
      accountId: fc.constantFrom('local', 'toggl', 'trackingtime', 'webwork'),
      kind: fc.constantFrom('start' as const, 'stop' as const),
      at: epoch,
      queuedAt: epoch,
      work: workArb,
      expectRunning: fc.oneof(ref, fc.constant(`${ACTION_PREFIX}a0`)),
      label: fc.string({ maxLength: 300, unit: 'grapheme' }),
      lateOk: fc.boolean(),
      attempts: fc.nat({ max: 1e6 }),
      triedAt: fc.option(epoch, { nil: null }),
      state: fc.constantFrom(
        'waiting' as const,
        'rejected' as const,
        'conflict' as const,
        'late' as const,
      ),
      error: fc.option(errorArb, { nil: null }),
      theirs: fc.option(storedEntryArb, { nil: null }),
      override: fc.boolean(),
    })
    .map(({ work, ...a }) =>
      journalActionSchema.parse({ id, ...a, ...(a.kind === 'start' ? { work } : {}) }),
    );
}

const journalArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => actionArb(`a${i}`))))
  .map((actions) => ({ version: 1, actions, landed: { a9: 'entry-9' } }));

/** Every file's text under `dir`. */
function texts(dir: string): string[] {
  return readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** A clock that moves 1 ms per read, as a real one would between two reads. */
function ticking(): () => number {
  let t = Date.parse('2026-11-27T09:00:00Z');
  return () => (t += 1);
}

describe('action journal, property-based', () => {
  it(
    'a damaged journal file: no throw, valid actions kept in order, bytes kept, reported',
    async () => {
      const seen = { intact: 0, salvaged: 0, movedAside: 0 };
      await fc.assert(
        fc.property(
          journalArb,
          fc.oneof(
            // Inside the actions (one damaged record among good ones) …
            {
              weight: 3,
              arbitrary: fc
                .array(mutationArb, { minLength: 1, maxLength: 3 })
                .map((ms) => ({ where: 'actions' as const, ms })),
            },
            // … anywhere in the file …
            {
              weight: 1,
              arbitrary: fc
                .array(mutationArb, { minLength: 1, maxLength: 3 })
                .map((ms) => ({ where: 'file' as const, ms })),
            },
            // … or the text itself cut, replaced, any JSON.
            {
              weight: 1,
              arbitrary: bodyChangeArb.map((change) => ({ where: 'text' as const, change })),
            },
          ),
          (journal, damage) => {
            const dir = scratchDir('tray-timer-prop-journal-');
            try {
              const original = JSON.stringify(journal, null, 2);
              const intended =
                damage.where === 'text'
                  ? changeBody(original, damage.change)
                  : damage.where === 'file'
                    ? (JSON.stringify(damage.ms.reduce<unknown>((v, m) => mutate(v, m), journal)) ??
                      '')
                    : JSON.stringify({
                        ...journal,
                        actions: damage.ms.reduce<unknown>((v, m) => mutate(v, m), journal.actions),
                      });
              const text = writeText(join(dir, JOURNAL_FILE), intended);
              const problems: string[] = [];
              const store = new JournalStore(dir, (m) => problems.push(m), {}, ticking());
              const read = store.read();
              for (const a of read.actions)
                expect(journalActionSchema.safeParse(a).success).toBe(true);
              // What the file says, judged the way the schema judges it.
              let envelope: ReturnType<typeof journalEnvelopeSchema.safeParse> | null = null;
              try {
                envelope = journalEnvelopeSchema.safeParse(JSON.parse(text));
              } catch {
                envelope = null;
              }
              if (envelope?.success) {
                const valid = envelope.data.actions.filter(
                  (a) => journalActionSchema.safeParse(a).success,
                );
                expect(read.actions).toEqual(valid.map((a) => journalActionSchema.parse(a)));
                if (valid.length < envelope.data.actions.length) {
                  seen.salvaged += 1;
                  expect(problems).toHaveLength(1);
                  expect(texts(dir)).toContain(text);
                } else {
                  seen.intact += 1;
                  expect(problems).toEqual([]);
                }
              } else {
                seen.movedAside += 1;
                expect(read.actions).toEqual([]);
                expect(problems).toHaveLength(1);
                expect(texts(dir)).toContain(text);
              }
              // A second read of what is now on disk finds nothing more to complain about.
              const again = store.read();
              expect(again.actions).toEqual(read.actions);
              expect(problems.length).toBeLessThanOrEqual(1);
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: RUNS * 2 },
      );
      // All three outcomes were met: records salvaged, the whole file moved aside, and (rarer:
      // most damage breaks a strict record) a change the schema still accepts.
      expect(seen.salvaged).toBeGreaterThan(RUNS / 10);
      expect(seen.movedAside).toBeGreaterThan(RUNS / 10);
      expect(seen.intact).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'random files of any JSON or text never make the store throw',
    async () => {
      await fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc
              .record({
                version: hostileValue,
                actions: fc.array(hostileValue),
                landed: hostileValue,
              })
              .map((v) => JSON.stringify(v)),
          ),
          (intended) => {
            const dir = scratchDir('tray-timer-prop-journal-');
            try {
              const text = writeText(join(dir, JOURNAL_FILE), intended);
              const store = new JournalStore(dir, () => {}, {}, ticking());
              const read = store.read();
              for (const a of read.actions)
                expect(journalActionSchema.safeParse(a).success).toBe(true);
              expect(texts(dir)).toContain(text);
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  type Op =
    | { op: 'append'; action: JournalAction }
    | { op: 'update'; target: number; patch: Partial<JournalAction> }
    | { op: 'settle'; target: number; created: string | null }
    | { op: 'remove'; targets: number[] };

  const opsArb: fc.Arbitrary<Op[]> = fc
    .array(fc.constantFrom('append', 'append', 'update', 'settle', 'remove'), {
      minLength: 1,
      maxLength: 25,
    })
    .chain((kinds) =>
      fc.tuple(
        ...kinds.map((kind, i): fc.Arbitrary<Op> => {
          if (kind === 'append')
            return actionArb(`a${i}`).map((action) => ({ op: 'append', action }));
          if (kind === 'update')
            return fc
              .record({
                target: fc.nat(),
                patch: fc.record(
                  {
                    state: fc.constantFrom(
                      'waiting' as const,
                      'rejected' as const,
                      'conflict' as const,
                    ),
                    attempts: fc.nat({ max: 1e6 }),
                    triedAt: fc.option(epoch, { nil: null }),
                    error: fc.option(errorArb, { nil: null }),
                    override: fc.boolean(),
                  },
                  { requiredKeys: [] },
                ),
              })
              .map(({ target, patch }) => ({ op: 'update', target, patch }));
          if (kind === 'settle')
            return fc
              .record({ target: fc.nat(), created: fc.option(shortText(30), { nil: null }) })
              .map(({ target, created }) => ({ op: 'settle', target, created }));
          return fc.array(fc.nat(), { maxLength: 3 }).map((targets) => ({ op: 'remove', targets }));
        }),
      ),
    );

  it(
    'append, update, settle and remove keep the file valid and in the order a model predicts',
    async () => {
      await fc.assert(
        fc.property(opsArb, (ops) => {
          const dir = scratchDir('tray-timer-prop-journal-');
          try {
            const store = new JournalStore(dir, (m) => {
              throw new Error(`unexpected problem: ${m}`);
            });
            let model: JournalAction[] = [];
            let landed: Record<string, string> = {};
            const pick = (n: number) => model[n % Math.max(1, model.length)];
            for (const step of ops) {
              if (step.op === 'append') {
                store.append(step.action);
                model.push(step.action);
              } else if (step.op === 'update') {
                const target = pick(step.target);
                if (!target) continue;
                store.update(target.id, step.patch);
                model = model.map((a) =>
                  a.id === target.id ? journalActionSchema.parse({ ...a, ...step.patch }) : a,
                );
              } else if (step.op === 'settle') {
                const target = pick(step.target);
                if (!target) continue;
                store.settle(target, step.created);
                model = model.filter((a) => a.id !== target.id);
                if (step.created !== null) {
                  landed[target.id] = step.created;
                  const r = ACTION_PREFIX + target.id;
                  const created = step.created;
                  model = model.map((a) =>
                    a.expectRunning === r ? { ...a, expectRunning: created } : a,
                  );
                }
              } else {
                const ids = step.targets.map((t) => pick(t)?.id).filter((x): x is string => !!x);
                store.remove(ids);
                model = model.filter((a) => !ids.includes(a.id));
              }
              // The file exists exactly while actions wait, and holds what the model holds.
              const path = join(dir, JOURNAL_FILE);
              if (model.length === 0) landed = {};
              expect(existsSync(path)).toBe(model.length > 0);
              if (model.length > 0) {
                const onDisk = journalEnvelopeSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
                for (const a of onDisk.actions)
                  expect(journalActionSchema.safeParse(a).success).toBe(true);
                expect(onDisk.landed).toEqual(landed);
              }
              expect(store.actions()).toEqual(model);
              expect(readdirSync(dir).filter((n) => n.includes('corrupt'))).toEqual([]);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
