/**
 * Shared parts of the away-prompt end-to-end tests (away-<provider>.test.ts): the real core in
 * app mode (presence runs only there) with a presence source, against a provider's fake over
 * real HTTP (journal-kit's Network: requests recorded with their bodies, the network taken away
 * for real), Local with its real files, and a virtual clock.
 *
 * Every test tells the same morning: work runs from T0 (10:40 in Berlin), the screen locks at
 * AWAY_FROM (10:42), the user comes back at AWAY_TO (11:57, 1 h 15 min later) and answers at
 * ANSWER_AT, three minutes after coming back: the answer must use the away times, not the moment
 * it was given. (Two minutes of work, not a morning: every virtual minute of a running timer is
 * a tooltip tick with file writes and polls over real HTTP, and the suite must stay fast.)
 * In app mode the scheduler polls too, so tests assert on the write requests (anything but GET)
 * sent from the moment of answering.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type {
  AccountState,
  AwayChoice,
  AwayPrompt,
  CommandResult,
  DesktopNotification,
  ProviderKind,
} from '../../preload/contract';
import type { Core, PresenceSource } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import {
  clockTime,
  liveCore,
  MIN,
  Network,
  removeDir,
  tempDataDir,
  type LiveCore,
  type WireRequest,
} from '../reliability/journal-kit';
import { VirtualClock } from '../support/virtual-clock';

export { clockTime, MIN };

/** The screen locks at 10:42 in Berlin (UTC+1 in November). */
export const AWAY_FROM = Date.parse('2026-11-27T09:42:00Z');
/** Work started two minutes before. */
export const T0 = AWAY_FROM - 2 * MIN;
/** The user is back 1 h 15 min later. */
export const AWAY_TO = AWAY_FROM + 75 * MIN;
/** …and answers the prompt three minutes after that. */
export const ANSWER_AT = AWAY_TO + 3 * MIN;

interface Closable {
  close(): Promise<void>;
}

export interface AwayWorld<F> extends LiveCore {
  readonly dir: string;
  readonly clock: VirtualClock;
  readonly net: Network;
  readonly secrets: MemorySecretStore;
  /** The provider's fake (fails the test in a world without one). */
  readonly fake: F;
  /** Desktop notifications the core asked for. */
  readonly notes: DesktopNotification[];
  /** Opens the core in app mode with a presence source (X11, idle time 0) and holds it. */
  open(): Promise<Core>;
  /** Requests the core started and that are not answered yet. */
  readonly inFlight: number;
}

interface State<F> {
  /** Requests the core started that have not been answered (or failed) yet. */
  inFlight: number;
  dir: string;
  clock: VirtualClock;
  net: Network;
  secrets: MemorySecretStore;
  notes: DesktopNotification[];
  fake: F | null;
}

/** The OS as the shell reports it: an X11 session where the user just touched the mouse. */
const PRESENCE: PresenceSource = { idleSeconds: () => 0, session: 'x11' };

/**
 * Registers beforeEach/afterEach for a temp data folder, a clock at T0, a Network, a keychain
 * and (when `startFake` is given) the provider's fake on that clock. The core is closed before
 * the fake after each test, then the folder is removed.
 */
export function useAwayWorld<F extends Closable = Closable>(
  name: string,
  startFake: ((now: () => number) => Promise<F>) | null = null,
): AwayWorld<F> {
  let state: State<F> | null = null;
  const core = liveCore();
  beforeEach(async () => {
    const clock = new VirtualClock(T0);
    state = {
      inFlight: 0,
      dir: tempDataDir(`away-${name}`),
      clock,
      net: await Network.create(),
      secrets: new MemorySecretStore(),
      notes: [],
      fake: startFake ? await startFake(() => clock.now()) : null,
    };
  });
  afterEach(async () => {
    await core.close();
    await state?.fake?.close();
    if (state) removeDir(state.dir);
    state = null;
  });
  const s = (): State<F> => {
    if (!state) throw new Error('away-kit: the world exists only inside a test');
    return state;
  };
  return {
    get dir() {
      return s().dir;
    },
    get clock() {
      return s().clock;
    },
    get net() {
      return s().net;
    },
    get secrets() {
      return s().secrets;
    },
    get notes() {
      return s().notes;
    },
    get inFlight() {
      return s().inFlight;
    },
    get fake() {
      const fake = s().fake;
      if (!fake) throw new Error('away-kit: this world has no fake');
      return fake;
    },
    ...core,
    open: () => {
      const st = s();
      return core.hold(
        openCore({
          dataDir: st.dir,
          secrets: st.secrets,
          clock: st.clock,
          fetch: async (input, init) => {
            st.inFlight += 1;
            try {
              return await st.net.fetch(input, init);
            } finally {
              st.inFlight -= 1;
            }
          },
          mode: 'app',
          presence: PRESENCE,
          notify: (n) => st.notes.push(n),
        }),
      );
    },
  };
}

const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

/**
 * Real HTTP started by virtual timers (polls, the refresh after unlock) finishes in real time:
 * waits until no request has been in flight for a few event-loop turns (2 s at most).
 */
export async function settleHttp(w: Pick<AwayWorld<unknown>, 'inFlight'>): Promise<void> {
  const until = Date.now() + 2_000;
  for (let quiet = 0; quiet < 3 && Date.now() < until;) {
    await turn();
    quiet = w.inFlight === 0 ? quiet + 1 : 0;
  }
}

/**
 * The morning: from now (T0, work just started) to AWAY_FROM, the screen locked until AWAY_TO,
 * then until `answerAt` (ANSWER_AT, three minutes later, unless said). Returns the prompt the
 * user sees.
 */
export async function awayForLunch(
  w: AwayWorld<unknown>,
  answerAt: number = ANSWER_AT,
): Promise<AwayPrompt> {
  const core = w.live();
  await w.clock.advance(AWAY_FROM - w.clock.now());
  await settleHttp(w);
  core.power('lock-screen');
  await w.clock.advance(AWAY_TO - AWAY_FROM);
  core.power('unlock-screen');
  await settleHttp(w);
  await w.clock.advance(answerAt - AWAY_TO);
  await settleHttp(w);
  const away = core.snapshot().presence.away;
  if (!away) throw new Error('away-kit: no away prompt after the lunch lock');
  return away;
}

export function answer(
  core: Core,
  promptId: string,
  choice: AwayChoice,
  description?: string,
): Promise<CommandResult> {
  return core.execute({
    type: 'away.resolve',
    input: { promptId, choice, ...(description !== undefined ? { description } : {}) },
  });
}

/** The write requests (anything but GET) from `mark` on, as "METHOD path". */
export function writeLines(writes: readonly WireRequest[]): string[] {
  return writes.map((r) => `${r.method} ${r.path}`);
}

export function account(core: Core, provider: ProviderKind): AccountState {
  const a = core.snapshot().accounts.find((x) => x.provider === provider);
  if (!a) throw new Error(`no ${provider} account in the snapshot`);
  return a;
}

/** An ISO time from the snapshot as epoch ms (null stays null). */
export const ms = (iso: string | null | undefined): number | null =>
  iso == null ? null : Date.parse(iso);

/** What <data>/local/entries.json holds: the Local account's truth. */
export interface LocalEntryOnDisk {
  description: string | null;
  projectId: string | null;
  start: string;
  stop: string | null;
}

export function localEntriesOnDisk(dir: string): LocalEntryOnDisk[] {
  const file = JSON.parse(readFileSync(join(dir, 'local', 'entries.json'), 'utf8')) as {
    entries: LocalEntryOnDisk[];
  };
  return file.entries;
}

/**
 * Advances the virtual clock in `stepMs` steps, letting the real requests its timers start
 * finish after each, until `done` holds or `maxMs` of virtual time have passed; returns the
 * virtual time it took.
 */
export async function advanceUntil(
  w: Pick<AwayWorld<unknown>, 'clock' | 'inFlight'>,
  done: () => boolean,
  { maxMs, stepMs = 15_000 }: { maxMs: number; stepMs?: number },
): Promise<number> {
  const start = w.clock.now();
  while (!done() && w.clock.now() - start < maxMs) {
    await w.clock.advance(stepMs);
    await settleHttp(w);
  }
  return w.clock.now() - start;
}
