/**
 * "Is this person tracking?" — the one place that reads WebWork's current-data (current-data.ts),
 * first as a function, then over real HTTP in each of the fake's three "nothing running" forms:
 * a running tracker with its description, task, project and today's total; nothing running
 * without an error shown; a desktop tracker, which WebWork does not report, unseen.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGES, type IdleForm } from '../../../test/fakes/webwork-server';
import { isAlreadyTrackingError, isNoTrackerError, readCurrentData } from './current-data';
import { WebWorkError } from './webwork-client';
import { T0, useWwWorlds, type WwWorld } from './webwork-test-setup';

let w: WwWorld;
const world = useWwWorlds();

const IDLE_FORMS: IdleForm[] = ['error-404', 'error-400', 'empty-200'];

const refusal = (status: number, said: string | null) =>
  new WebWorkError({ kind: 'provider', message: 'x' }, status, said);

describe('readCurrentData', () => {
  const base = {
    contract_id: null,
    user_id: 7,
    activity_description: null,
    task_id: null,
    task_title: null,
    total_seconds: 0,
    total_minutes: 95,
    date: '2026-11-27',
  };

  it('a tracker: its fields, and total_minutes (which includes it) plus the remainder', () => {
    expect(
      readCurrentData(
        {
          ...base,
          contract_id: 3,
          task_id: 4,
          task_title: ' Design ',
          activity_description: 'Mockups',
          total_seconds: 12,
        },
        false,
      ),
    ).toEqual({
      kind: 'running',
      contractId: 3,
      taskId: 4,
      taskTitle: 'Design',
      description: 'Mockups',
      totalSeconds: 95 * 60 + 12,
      date: '2026-11-27',
    });
  });

  it('nothing running: null, {}, an explicit flag, or all tracker fields empty', () => {
    expect(readCurrentData(null, false)).toEqual({ kind: 'idle', totalSeconds: 0, date: null });
    expect(readCurrentData({}, false).kind).toBe('idle');
    expect(readCurrentData(base, false)).toEqual({
      kind: 'idle',
      totalSeconds: 95 * 60,
      date: '2026-11-27',
    });
    expect(readCurrentData({ ...base, contract_id: 3, is_tracking: false }, false).kind).toBe(
      'idle',
    );
    // A blank description is no description.
    expect(readCurrentData({ ...base, activity_description: '  ' }, false).kind).toBe('idle');
  });

  it('an untitled tracker Tray Timer started is running, even when it looks empty', () => {
    expect(readCurrentData(base, true).kind).toBe('running');
    // A remainder of seconds means something runs right now.
    expect(readCurrentData({ ...base, total_seconds: 5 }, false).kind).toBe('running');
  });

  it('reads the refusals by what WebWork said, not by the status alone', () => {
    expect(isNoTrackerError(refusal(404, MESSAGES.noActiveTracker))).toBe(true);
    // A third plausible form: HTTP 200 with success:false (O4 in the bug notes).
    expect(isNoTrackerError(refusal(200, MESSAGES.noActiveTracker))).toBe(true);
    expect(isNoTrackerError(refusal(200, 'Something else went wrong'))).toBe(false);
    expect(isNoTrackerError(refusal(400, MESSAGES.notTracking))).toBe(true);
    expect(isNoTrackerError(refusal(404, MESSAGES.notAMember))).toBe(false);
    expect(isNoTrackerError(refusal(404, null))).toBe(false);
    expect(isNoTrackerError(refusal(500, MESSAGES.noActiveTracker))).toBe(false);
    expect(isNoTrackerError(new Error(MESSAGES.noActiveTracker))).toBe(false);
    expect(isAlreadyTrackingError(refusal(400, MESSAGES.alreadyTracking))).toBe(true);
    expect(isAlreadyTrackingError(refusal(422, MESSAGES.alreadyTracking))).toBe(false);
    expect(isAlreadyTrackingError(refusal(400, MESSAGES.notTracking))).toBe(false);
  });
});

describe('over HTTP', () => {
  it('a browser tracker: description, task title, project (via the contract) and the day total', async () => {
    w = await world();
    w.fake.setTimelineMinutes(w.ada.id, w.workspace.id, 90);
    w.fake.remoteStart(w.ada.id, w.workspace.id, {
      contractId: w.adaContract.id,
      taskId: w.design.id,
      description: 'Mockups',
      source: 'browser',
      start: T0 - 10 * 60_000,
    });
    const p = w.provider();
    const r = await p.sync('user');
    expect(r.running).toEqual({
      id: expect.any(String) as string,
      description: 'Mockups',
      projectId: String(w.site.id),
      projectName: 'Website',
      projectColor: null,
      taskId: String(w.design.id),
      taskName: 'Design',
      start: null,
      stop: null,
      trackedSeconds: 100 * 60,
      trackedAt: T0,
    });
    expect(p.todaySeconds(T0)).toBe(100 * 60);
    // Today's total grows while the tracker runs, between reads.
    await w.clock.advance(5 * 60_000 + 30_000);
    expect(p.todaySeconds(w.clock.now())).toBe(105 * 60 + 30);
    expect(w.fake.requestsBy({ path: '/time-tracking/current-data' })[0]?.query).toEqual({
      workspace_id: String(w.workspace.id),
      user_id: String(w.ada.id),
    });
  });

  for (const idleForm of IDLE_FORMS) {
    it(`nothing running, answered as '${idleForm}': not running and no error`, async () => {
      w = await world({ fake: { idleForm } });
      w.fake.setTimelineMinutes(w.ada.id, w.workspace.id, 30);
      const p = w.provider();
      const first = await p.sync('user');
      expect(first.running).toBeNull();
      expect(w.problems).toEqual([]);

      // A tracker starts in the browser and stops there: seen, then seen stopped.
      w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Call', source: 'browser' });
      await w.clock.advance(2 * 60_000);
      expect((await p.sync('poll')).running).toMatchObject({ description: 'Call', start: null });
      await w.clock.advance(3 * 60_000);
      w.fake.remoteStop(w.ada.id, w.workspace.id);
      await w.clock.advance(60_000);
      const after = await p.sync('poll');
      expect(after.running).toBeNull();
      expect(after.entries).toEqual([
        expect.objectContaining({ description: 'Call', stop: w.clock.now() }),
      ]);
      expect(w.problems).toEqual([]);
      const status = w.fake.requestsBy({ path: '/time-tracking/current-data' }).at(-1)?.status;
      expect(status).toBe(idleForm === 'error-404' ? 404 : idleForm === 'error-400' ? 400 : 200);
    });

    it(`a desktop tracker is invisible ('${idleForm}')`, async () => {
      w = await world({ fake: { idleForm } });
      w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Desk', source: 'desktop' });
      const p = w.provider();
      expect((await p.sync('user')).running).toBeNull();
      expect(w.problems).toEqual([]);
    });
  }

  it("a 200 with success:false saying no active tracker is 'not running', not an error", async () => {
    w = await world();
    w.fake.remoteStart(w.ada.id, w.workspace.id, { description: 'Web', source: 'browser' });
    const p = w.provider();
    expect((await p.sync('user')).running).toMatchObject({ description: 'Web' });
    // The tracker's 200 answer, its body replaced by a refusal.
    w.fake.fault('wrongShape', '/time-tracking/current-data', {
      times: 1,
      body: { success: false, message: MESSAGES.noActiveTracker, error: null, meta: {} },
    });
    expect((await p.sync('user')).running).toBeNull();
    expect(w.fake.requestsBy({ path: '/time-tracking/current-data' }).at(-1)).toMatchObject({
      status: 200,
      notes: ['wrongShape'],
    });
    expect(w.problems).toEqual([]);
  });

  it("'empty-200' form: the day's total is still told when nothing runs", async () => {
    w = await world({ fake: { idleForm: 'empty-200' } });
    w.fake.setTimelineMinutes(w.ada.id, w.workspace.id, 42);
    const p = w.provider();
    await p.sync('user');
    expect(p.todaySeconds(T0)).toBe(42 * 60);
  });

  it("'empty-200' form: an untitled tracker Tray Timer started stays running", async () => {
    w = await world({ fake: { idleForm: 'empty-200' } });
    const p = w.provider();
    await p.start({ description: null, projectId: null, taskId: null, at: T0 });
    // 2 minutes later the remainder of seconds is 0: the answer looks like "nothing running".
    await w.clock.advance(2 * 60_000);
    expect((await p.sync('poll')).running).toMatchObject({ start: T0, stop: null });
  });

  // Regression for B1 (/work/notes/webwork-bugs.md): the stop's own "no active tracker" is proof
  // nothing runs, even when an empty-200 answer cannot tell an untitled tracker from none.
  it("'empty-200' form: an untitled tracker stopped on the web stops without an error", async () => {
    w = await world({ fake: { idleForm: 'empty-200' } });
    const p = w.provider();
    await p.start({ description: null, projectId: null, taskId: null, at: T0 });
    await w.clock.advance(2 * 60_000);
    w.fake.remoteStop(w.ada.id, w.workspace.id);
    await w.clock.advance(60_000);
    await p.sync('poll');
    const stopped = await p.stop(w.clock.now());
    expect(stopped).toMatchObject({ start: T0 });
    expect((await p.sync('user')).running).toBeNull();
  });
});
