/**
 * Property tests of the control socket's wire format (main/control/protocol.ts), the parser
 * every CLI request and every answer goes through: random lines, mutated real requests and
 * answers never throw, a refusal is a readable validation error that answers the request's own
 * id when it has a usable one, and the line splitter gives the same lines however the bytes are
 * cut into chunks (multi-byte characters included) and never buffers past its limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeLine,
  LineSplitter,
  parseRequestLine,
  parseResponseLine,
  requestIdSchema,
  UNKNOWN_REQUEST_ID,
  type ControlRequest,
} from '../../main/control/protocol';
import { appErrorSchema, commandSchema, type Command } from '../../preload/contract';
import { T0 } from './support/core-run';
import { hostileString, hostileValue, mutate, mutationArb, RUNS } from './support/hostile-json';
import { snapshotOf } from './support/samples';

/** Requests a real CLI sends. */
const REQUESTS: Command[] = [
  { type: 'status' },
  { type: 'status', input: { accountId: 'webwork', member: 'bob@example.com' } },
  {
    type: 'start',
    input: { accountId: 'toggl', description: 'Docs ▶ café', project: 'Site', tags: ['a'] },
  },
  { type: 'stop', input: { queueIfOffline: true } },
  { type: 'toggle', input: {} },
  { type: 'continue', input: { entryId: '42' } },
  { type: 'accounts.add', input: { provider: 'toggl', secret: 's3cret', options: {} } },
  { type: 'settings.update', input: { theme: 'dark', hotkeys: { toggleTimer: '' } } },
  { type: 'team', input: { accountId: 'webwork', refresh: true } },
  { type: 'queue.retry', input: { actionId: 'a1', override: true } },
];

const requestLine = fc
  .tuple(fc.constantFrom(...REQUESTS), fc.nat(), fc.option(fc.string({ maxLength: 40 })))
  .map(([command, id, token]): ControlRequest => ({
    id,
    command,
    ...(token !== null ? { token } : {}),
  }));

/** A refusal: a validation error a person can read, for the request's id when it had one. */
function checkRefusal(line: string, parsed: ReturnType<typeof parseRequestLine>): void {
  if (parsed.ok) {
    expect(commandSchema.safeParse(parsed.request.command).success).toBe(true);
    return;
  }
  expect(appErrorSchema.parse(parsed.error)).toMatchObject({ kind: 'validation' });
  expect(parsed.error.message.length).toBeGreaterThan(0);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    expect(parsed.id).toBe(UNKNOWN_REQUEST_ID);
    return;
  }
  const id =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? requestIdSchema.safeParse((raw as Record<string, unknown>)['id'])
      : null;
  expect(parsed.id).toBe(id?.success ? id.data : UNKNOWN_REQUEST_ID);
}

describe('control protocol, property-based', () => {
  it('any line: a parsed request or a validation error for the right id, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          hostileString,
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .record({ id: hostileValue, command: hostileValue, token: hostileValue })
            .map((v) => JSON.stringify(v)),
        ),
        (line) => checkRefusal(line, parseRequestLine(line)),
      ),
      { numRuns: RUNS },
    );
  });

  it('real requests, mutated: a parsed request or a validation error, never a throw', () => {
    fc.assert(
      fc.property(
        requestLine,
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (request, mutations) => {
          let value: unknown = request;
          for (const m of mutations) value = mutate(value, m);
          const line = JSON.stringify(value) ?? '';
          checkRefusal(line, parseRequestLine(line));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('real answers, mutated or cut: parsed or refused with a message, never a throw', () => {
    const snapshot = snapshotOf('toggl', {}, T0);
    const answer = { id: 7, result: { ok: true as const, snapshot, message: 'Started' } };
    expect(parseResponseLine(JSON.stringify(answer))).toMatchObject({ ok: true });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(mutationArb, { minLength: 1, maxLength: 4 }).map((ms) => {
            let value: unknown = answer;
            for (const m of ms) value = mutate(value, m);
            return JSON.stringify(value) ?? '';
          }),
          fc
            .double({ min: 0, max: 1, noNaN: true })
            .map((at) => JSON.stringify(answer).slice(0, Math.floor(at * 2000))),
          fc.string(),
        ),
        (line) => {
          const parsed = parseResponseLine(line);
          if (!parsed.ok) expect(parsed.message).toMatch(/^the control socket/);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('lines come out the same however the bytes are chunked, and the limit holds', () => {
    fc.assert(
      fc.property(
        fc.array(requestLine, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 16, max: 400 }),
        (requests, cuts, maxBytes) => {
          const bytes = Buffer.from(requests.map((r) => encodeLine(r)).join(''), 'utf8');
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const splitter = new LineSplitter(maxBytes);
          const lines: string[] = [];
          let overflow = false;
          let from = 0;
          for (const to of [...points, bytes.length]) {
            const out = splitter.push(bytes.subarray(from, to));
            lines.push(...out.lines);
            from = to;
            if (out.overflow) {
              overflow = true;
              break;
            }
          }
          const expected = requests.map((r) => encodeLine(r).slice(0, -1));
          const tooLong = expected.some((l) => Buffer.byteLength(l) > maxBytes);
          // Every line within the limit comes out whole; an oversized one stops the stream.
          expect(overflow).toBe(tooLong);
          const firstTooLong = expected.findIndex((l) => Buffer.byteLength(l) > maxBytes);
          expect(lines).toEqual(tooLong ? expected.slice(0, firstTooLong) : expected);
          for (const l of lines) expect(parseRequestLine(l)).toMatchObject({ ok: true });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
