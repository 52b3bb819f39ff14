/**
 * A naive poller through the workday: it reads the running timer on a fixed interval while the
 * machine is awake (a locked screen does not stop it), starts and stops with one request each
 * using what it last saw, and shows whatever its last successful answer said. No budget, no
 * back-off. Each provider's bench (bench/*-workday.ts) supplies the requests; this walks the day.
 */
import { actionTally, DAY_END, DAY_START, dayResult, SEC, SLEEP } from './workday-kit';
import type {
  DayResult,
  DayRun,
  EntryShape,
  LoggedAt,
  Observation,
  PopupTally,
  View,
} from './workday-kit';
import type { ProviderDay } from './core-day';

/** One provider's naive client; each call answers whether it succeeded. */
export interface NaiveClient {
  /** What it shows now: its last successful answer, or its own last action. */
  view: () => View;
  /** One read of the running timer; false when the answer cannot be shown (kept what it had). */
  poll: () => Promise<boolean>;
  /** Starts the entry (a continue too: it knows no other way). */
  start: (entry: EntryShape) => Promise<boolean>;
  /** Stops what it last saw running; when it saw nothing, it sends nothing and fails. */
  stop: () => Promise<boolean>;
}

/** The naive poller's day for a provider, measured like Tray Timer's; closes the fake after. */
export async function runNaivePollerDay<R extends LoggedAt, M extends object>(
  day: ProviderDay<R, M> & {
    intervalMs: number;
    /** The virtual time the fake and the client read; moved to each step's time. */
    clock: { now: number };
    client: NaiveClient;
  },
): Promise<DayResult<M>> {
  try {
    const run = await walkTheDay(day);
    return dayResult(
      `naive poller, every ${day.intervalMs / SEC} s`,
      day.measures(run.isAction),
      day.script,
      run,
    );
  } finally {
    await day.fake.close();
  }
}

async function walkTheDay<R extends LoggedAt>(
  day: Omit<ProviderDay<R, unknown>, 'measures'> & {
    intervalMs: number;
    clock: { now: number };
    client: NaiveClient;
  },
): Promise<DayRun<R>> {
  const { clock, fake, client, targets } = day;
  let lastOk: number | null = null;
  const okPolls: number[] = [];
  const observed: Observation[] = [];
  const show = () => observed.push({ t: clock.now, view: client.view() });
  const poll = async () => {
    if (!(await client.poll())) return;
    lastOk = clock.now;
    okPolls.push(clock.now);
    show();
  };

  // Polls on the interval while awake; the scripted events between them.
  const polls: number[] = [];
  for (let t = DAY_START; t <= DAY_END; t += day.intervalMs)
    if (!(t >= SLEEP.from && t < SLEEP.to)) polls.push(t);
  type Step = { t: number; order: number; run: () => Promise<void> };
  const popup: PopupTally = { opens: 0, staleOpens: 0, refreshedWithin2s: 0 };
  const popupOpens: { t: number; stale: boolean }[] = [];
  const perAction: number[] = [];
  const actionRequests = new Set<R>();
  let failed = 0;
  const act = async (fn: () => Promise<boolean>) => {
    const before = fake.requests.length;
    if (await fn()) show();
    else failed += 1;
    const sent = fake.requests.slice(before);
    for (const r of sent) actionRequests.add(r);
    perAction.push(sent.length);
  };
  const steps: Step[] = [
    ...polls.map((t) => ({ t, order: 1, run: poll })),
    ...day.script.map((e): Step => {
      const run = async (): Promise<void> => {
        switch (e.kind) {
          case 'start':
          case 'continue':
            await act(() => client.start(e.entry));
            return;
          case 'stop':
            await act(client.stop);
            return;
          case 'remote':
            day.applyRemote(e.change);
            return;
          case 'popup':
            popup.opens += 1;
            popupOpens.push({
              t: e.t,
              stale: lastOk === null || e.t - lastOk > targets.popupStaleAfterSec * SEC,
            });
            return;
          case 'power':
            return;
        }
      };
      return { t: e.t, order: 0, run };
    }),
  ].sort((a, b) => a.t - b.t || a.order - b.order);

  for (const step of steps) {
    clock.now = step.t;
    await step.run();
  }
  for (const o of popupOpens) {
    if (!o.stale) continue;
    popup.staleOpens += 1;
    if (okPolls.some((t) => t > o.t && t <= o.t + targets.popupRefreshWithinSec * SEC))
      popup.refreshedWithin2s += 1;
  }
  return {
    observed,
    popup,
    actions: actionTally(perAction, failed),
    isAction: (r) => actionRequests.has(r),
  };
}
