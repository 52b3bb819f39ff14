/**
 * Tray Timer through the workday: the real core in 'app' mode (scheduler on, temp data folder,
 * memory secret store) with the account connected through the core (`accounts.add`) as a user
 * would, its timers on a VirtualClock, over real HTTP to a provider's fake server. Every
 * provider's bench (bench/*-workday.ts) drives it the same way; what differs (the fake, the
 * remote changes, what a request costs) comes in from the caller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddAccountInput, ProviderKind, Snapshot } from '../preload/contract';
import { PROVIDER_NAMES } from '../preload/contract';
import type { Core } from '../main/core/core';
import { openCore } from '../main/core/open-core';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { VirtualClock } from '../test/support/virtual-clock';
import {
  actionTally,
  DAY_END,
  DAY_START,
  dayResult,
  HOUR,
  POPUP_SHOWN_MS,
  SEC,
  timeline,
} from './workday-kit';
import type {
  DayResult,
  DayRun,
  LoggedAt,
  EntryShape,
  Observation,
  PopupTally,
  RemoteChange,
  ScriptEvent,
  View,
} from './workday-kit';

/**
 * Counts fetches still in flight (until their body is read), so the driver lets real HTTP
 * finish before virtual time moves on: a request is logged at the virtual time it was sent.
 */
function trackedFetch(): { fetch: typeof fetch; inflight: () => number } {
  let inflight = 0;
  const wrapped: typeof fetch = async (input, init) => {
    inflight += 1;
    try {
      const res = await fetch(input, init);
      const body = await res.arrayBuffer();
      // 204/304 cannot carry a body in the Response constructor.
      return new Response([204, 205, 304].includes(res.status) ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } finally {
      inflight -= 1;
    }
  };
  return { fetch: wrapped, inflight: () => inflight };
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lets real HTTP finish before virtual time moves on, so requests are logged at their time. */
function settler(net: { inflight: () => number }): () => Promise<void> {
  return async () => {
    for (let quiet = 0; quiet < 4;) {
      await immediate();
      if (net.inflight() > 0) {
        quiet = 0;
        await realSleep(1);
      } else quiet += 1;
    }
  };
}

/** What the account shows of its running timer. */
function accountView(snapshot: Snapshot, provider: ProviderKind): View {
  const account = snapshot.accounts.find((a) => a.provider === provider);
  const entry = account?.running ? account.entry : null;
  return {
    running: entry !== null && entry !== undefined,
    description: entry?.description ?? null,
    projectName: entry?.projectName ?? null,
  };
}

function lastSynced(snapshot: Snapshot, provider: ProviderKind): number | null {
  const account = snapshot.accounts.find((a) => a.provider === provider);
  return account?.lastSyncedAt ? Date.parse(account.lastSyncedAt) : null;
}

/** The account was connected the evening before; the app starts with the machine at 09:00. */
export const eveningBeforeClock = () => new VirtualClock(DAY_START - 14 * HOUR);

export interface RunningApp {
  core: Core;
  clock: VirtualClock;
  /** The connected account's id. */
  accountId: string;
  /** Lets the core's HTTP finish at the current virtual time. */
  settle: () => Promise<void>;
  /** Virtual time in steps of at most a second, each settled. */
  advanceTo: (t: number) => Promise<void>;
}

/**
 * Connects `account` on a core at the clock's time (the evening before), closes it, opens the
 * app at 09:00 and hands it to `use`; closes the core and removes its data folder after.
 */
export async function withAppAtNine<T>(
  options: { clock: VirtualClock; account: AddAccountInput; dataDirPrefix: string },
  use: (app: RunningApp) => Promise<T>,
): Promise<T> {
  const { clock, account } = options;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), options.dataDirPrefix));
  const secrets = new MemorySecretStore();
  const net = trackedFetch();
  const settle = settler(net);
  let core: Core | null = null;
  try {
    const setup = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const added = await setup.execute({ type: 'accounts.add', input: account });
    if (!added.ok)
      throw new Error(
        `could not connect the ${PROVIDER_NAMES[account.provider]} account: ${added.error.message}`,
      );
    await settle();
    await setup.close();
    await clock.advance(DAY_START - clock.now());

    core = await openCore({ dataDir, secrets, clock, mode: 'app', fetch: net.fetch });
    const accountId = core.snapshot().accounts.find((a) => a.provider === account.provider)?.id;
    if (!accountId) throw new Error(`the ${account.provider} account is missing from the snapshot`);
    const advanceTo = async (t: number) => {
      while (clock.now() < t) {
        await clock.advance(Math.min(SEC, t - clock.now()));
        await settle();
      }
    };
    return await use({ core, clock, accountId, settle, advanceTo });
  } finally {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** When a popup opening counts as on stale data, and how soon its refresh must land. */
export interface PopupTargets {
  popupStaleAfterSec: number;
  popupRefreshWithinSec: number;
}

/** What a provider's bench hands a driver: its fake, its remote changes, its request measures. */
export interface ProviderDay<R extends LoggedAt, M> {
  script: readonly ScriptEvent[];
  /** Closed when the day is over. */
  fake: { readonly requests: readonly R[]; close(): Promise<void> };
  applyRemote: (change: RemoteChange) => void;
  targets: PopupTargets;
  /** The provider's own request measures; `isAction` tells a user's requests from the rest. */
  measures: (isAction: (r: R) => boolean) => M;
}

/**
 * Tray Timer's day for a provider: connected the evening before, the user's day on the app,
 * measured from the fake's log and from what the user saw.
 */
export async function runTrayTimerDay<R extends LoggedAt, M extends object>(
  day: ProviderDay<R, M> & {
    clock: VirtualClock;
    account: AddAccountInput;
    dataDirPrefix: string;
    /** What shows after a start or continue is the entry the user asked for. */
    shows: (view: View, entry: EntryShape) => boolean;
    /** With `log`, the day's timeline is printed; this is how a request's answer reads there. */
    answer: (r: R) => string;
    log?: (line: string) => void;
  },
): Promise<DayResult<M>> {
  const { clock, account, fake, script } = day;
  try {
    return await withAppAtNine(
      { clock, account, dataDirPrefix: day.dataDirPrefix },
      async (app) => {
        const run = await walkTheDay(app, day);
        if (day.log) for (const line of timeline(script, fake.requests, day.answer)) day.log(line);
        return dayResult('Tray Timer', day.measures(run.isAction), script, run);
      },
    );
  } finally {
    await fake.close();
  }
}

/**
 * The user's day on the running app, event by event: starts, stops and continues from the tray
 * (each one's requests counted), remote changes applied to the fake, power events, and popup
 * openings (stale ones must show a refresh within the target). Every snapshot is observed.
 */
async function walkTheDay<R>(
  app: RunningApp,
  day: {
    script: readonly ScriptEvent[];
    account: AddAccountInput;
    fake: { readonly requests: readonly R[] };
    applyRemote: (change: RemoteChange) => void;
    targets: PopupTargets;
    shows: (view: View, entry: EntryShape) => boolean;
  },
): Promise<DayRun<R>> {
  const { core: live, clock, accountId, settle, advanceTo } = app;
  const { fake, targets } = day;
  const provider = day.account.provider;
  const view = (s: Snapshot) => accountView(s, provider);
  const observed: Observation[] = [{ t: clock.now(), view: view(live.snapshot()) }];
  live.subscribe((s) => observed.push({ t: clock.now(), view: view(s) }));
  await settle();

  const popup: PopupTally = { opens: 0, staleOpens: 0, refreshedWithin2s: 0 };
  const perAction: number[] = [];
  const actionRequests = new Set<R>();
  let failed = 0;
  const act = async (command: Parameters<Core['execute']>[0], expect?: EntryShape) => {
    const before = fake.requests.length;
    const result = await live.execute(command);
    await settle();
    const sent = fake.requests.slice(before);
    for (const r of sent) actionRequests.add(r);
    perAction.push(sent.length);
    // Success that shows something else is a failure the user sees.
    const now = view(live.snapshot());
    const wrong = expect ? !day.shows(now, expect) : now.running;
    if (!result.ok || wrong) failed += 1;
  };

  for (const e of day.script) {
    await advanceTo(e.t);
    switch (e.kind) {
      case 'start':
        await act(
          {
            type: 'start',
            input: { accountId, description: e.entry.description, project: e.entry.project },
          },
          e.entry,
        );
        break;
      case 'continue':
        await act({ type: 'continue', input: { accountId } }, e.entry);
        break;
      case 'stop':
        await act({ type: 'stop', input: { accountId } });
        break;
      case 'remote':
        day.applyRemote(e.change);
        break;
      case 'power':
        live.power(e.event);
        await settle();
        break;
      case 'popup': {
        popup.opens += 1;
        const synced = lastSynced(live.snapshot(), provider);
        const stale = synced === null || e.t - synced > targets.popupStaleAfterSec * SEC;
        live.setPopupVisible(true);
        await settle();
        await advanceTo(e.t + targets.popupRefreshWithinSec * SEC);
        if (stale) {
          popup.staleOpens += 1;
          const after = lastSynced(live.snapshot(), provider);
          if (after !== null && after >= e.t) popup.refreshedWithin2s += 1;
        }
        await advanceTo(e.t + POPUP_SHOWN_MS);
        live.setPopupVisible(false);
        await settle();
        break;
      }
    }
  }
  await advanceTo(DAY_END);
  return {
    observed,
    popup,
    actions: actionTally(perAction, failed),
    isAction: (r) => actionRequests.has(r),
  };
}
