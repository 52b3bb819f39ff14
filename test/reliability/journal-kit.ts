/**
 * Shared parts of the journal end-to-end tests (journal-<provider>.test.ts): the real core
 * against a provider's fake over real HTTP, with a network the test can take away.
 *
 * The network is a fetch wrapper, but its failures are real: "offline" sends the request to a
 * loopback port nothing listens on (the kernel refuses it: ECONNREFUSED, as the HTTP client
 * sees it for a dropped Wi-Fi), and "lose the answer" lets the request reach the fake, reads
 * the whole answer, then fails the same real way, so the core cannot tell the request arrived.
 * Every request is recorded with its parsed body, so tests assert what went over the wire.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type {
  AccountState,
  Command,
  CommandResult,
  PendingActionView,
  ProviderKind,
  Snapshot,
} from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import type { JournalHooks } from '../../main/journal/journal-store';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';
import { VirtualClock } from '../support/virtual-clock';

/** One request the core sent, as it went over the wire. */
export interface WireRequest {
  method: string;
  url: string;
  /** The URL's path (no query). */
  path: string;
  /** The query string's parameters. */
  query: Record<string, string>;
  /** A JSON body parsed, a form body as its fields, undefined without a body. */
  body: unknown;
  /**
   * answered: the core got the answer; refused: it never reached the service (offline);
   * lost: it reached the service and the answer was lost on the way back.
   */
  outcome: 'answered' | 'refused' | 'lost';
}

type Matcher = (r: Pick<WireRequest, 'method' | 'path'>) => boolean;

/** A loopback port with nothing listening on it (taken, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/unreachable`;
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return Object.fromEntries(new URLSearchParams(raw));
  }
}

export class Network {
  #offline = false;
  readonly #lose: { match: Matcher; remaining: number }[] = [];
  /** Every request the core tried, in order. */
  readonly sent: WireRequest[] = [];

  private constructor(private readonly deadUrl: string) {}

  static async create(): Promise<Network> {
    return new Network(await closedPortUrl());
  }

  /** Nothing reaches any service until `online()`. */
  offline(): void {
    this.#offline = true;
  }

  online(): void {
    this.#offline = false;
  }

  /** The next `times` requests matching `match` reach the service; their answers are lost. */
  loseAnswer(match: Matcher, times = 1): void {
    this.#lose.push({ match, remaining: times });
  }

  /** Requests sent from now on (index into `sent`). */
  mark(): number {
    return this.sent.length;
  }

  /** Requests since `mark` that changed something (anything but GET). */
  writesSince(mark: number): WireRequest[] {
    return this.sent.slice(mark).filter((r) => r.method !== 'GET');
  }

  /** A real connection failure: the request goes to a port nothing listens on. */
  async #fail(init: RequestInit | undefined): Promise<never> {
    await fetch(this.deadUrl, { ...(init?.signal ? { signal: init.signal } : {}) });
    throw new Error(`journal-kit: ${this.deadUrl} answered; it should be closed`);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const parsed = new URL(url);
    const record: WireRequest = {
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      body: parseBody(init?.body),
      outcome: 'answered',
    };
    this.sent.push(record);
    if (this.#offline) {
      record.outcome = 'refused';
      return this.#fail(init);
    }
    const lose = this.#lose.find((l) => l.remaining > 0 && l.match(record));
    const res = await fetch(input, init);
    if (!lose) return res;
    lose.remaining -= 1;
    // The service did the work and answered; the answer never arrives.
    await res.arrayBuffer();
    record.outcome = 'lost';
    return this.#fail(init);
  };
}

/** A temp data folder, the core's only state on disk. */
export function tempDataDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tray-timer-journal-${name}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const journalPath = (dataDir: string): string => join(dataDir, 'journal.json');

/** The actions in <data>/journal.json as written, or null when there is no file. */
export interface ActionOnDisk {
  id: string;
  kind: string;
  state: string;
  at: number;
  attempts: number;
}

export function journalOnDisk(dataDir: string): ActionOnDisk[] | null {
  const path = journalPath(dataDir);
  if (!existsSync(path)) return null;
  const file = JSON.parse(readFileSync(path, 'utf8')) as { actions: ActionOnDisk[] };
  return file.actions;
}

export interface CoreSetup {
  dataDir: string;
  clock: VirtualClock;
  network: Network;
  mode: 'app' | 'oneshot';
  secrets?: MemorySecretStore;
  /** Journal steps (a crash simulated by throwing at one). */
  journalHooks?: JournalHooks;
}

export function openTestCore(o: CoreSetup): Promise<Core> {
  return openCore({
    dataDir: o.dataDir,
    secrets: o.secrets ?? new MemorySecretStore(),
    clock: o.clock,
    fetch: o.network.fetch,
    mode: o.mode,
    ...(o.journalHooks ? { journalHooks: o.journalHooks } : {}),
  });
}

export type Ok = Extract<CommandResult, { ok: true }>;
export type Refused = Extract<CommandResult, { ok: false }>;

export async function run(core: Core, command: Command): Promise<Ok> {
  const result = await core.execute(command);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result;
}

export async function refused(core: Core, command: Command): Promise<Refused> {
  const result = await core.execute(command);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

export function accountOf(snapshot: Snapshot, provider: ProviderKind): AccountState {
  const a = snapshot.accounts.find((x) => x.provider === provider);
  if (!a) throw new Error(`no ${provider} account in the snapshot`);
  return a;
}

/** The one pending action of an account (fails the test when there is not exactly one). */
export function onlyPending(account: AccountState): PendingActionView {
  const [first, ...rest] = account.pending;
  if (!first || rest.length > 0)
    throw new Error(`expected one pending action, got ${JSON.stringify(account.pending)}`);
  return first;
}

/** "10:04" in local time, as the user reads it. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Real HTTP answers need real time: lets requests a virtual timer started land. */
export const settle = (ms = 25): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Advances the virtual clock and lets real requests finish between its timers, until `done`
 * holds or `maxMs` of virtual time have passed (in `stepMs` steps).
 */
export async function advanceUntil(
  clock: VirtualClock,
  done: () => boolean,
  { maxMs, stepMs = 5_000 }: { maxMs: number; stepMs?: number },
): Promise<number> {
  const start = clock.now();
  while (!done() && clock.now() - start < maxMs) {
    await clock.advance(stepMs);
    await settle();
  }
  // In-flight replays finish in real time.
  for (let i = 0; i < 40 && !done(); i++) await settle();
  return clock.now() - start;
}

/** The moment every journal test starts at, and a minute of virtual time. */
export const T0 = Date.parse('2026-11-27T09:00:00Z');
export const MIN = 60_000;

/** Holds the core a test opened; closed (when open) after each test. */
export interface LiveCore {
  /** The open core (fails the test when there is none). */
  live(): Core;
  /** Keeps `opening` as the open core. */
  hold(opening: Promise<Core>): Promise<Core>;
  /** Closes the open core, as when the app quits; a new one can be opened after. */
  close(): Promise<void>;
}

export function liveCore(): LiveCore {
  let core: Core | null = null;
  const live = (): Core => {
    if (!core) throw new Error('no core');
    return core;
  };
  return {
    live,
    hold: async (opening) => (core = await opening),
    close: async () => {
      const open = core;
      core = null;
      await open?.close();
    },
  };
}

/** A fresh data folder and virtual clock per test, with the core they hold (journal-local). */
export interface DataWorld extends LiveCore {
  readonly dir: string;
  readonly clock: VirtualClock;
}

/** A DataWorld with a provider's fake, the network the core reaches it over, and a keychain. */
export interface JournalWorld<F> extends DataWorld {
  readonly fake: F;
  readonly net: Network;
  readonly secrets: MemorySecretStore;
  /** Opens a core on the world's data folder, network and keychain, and holds it. */
  open(mode: 'app' | 'oneshot', extra?: Pick<CoreSetup, 'journalHooks'>): Promise<Core>;
}

interface Closable {
  close(): Promise<void>;
}

/** The per-test state behind a world; set by its beforeEach. */
interface WorldState<F> {
  dir: string;
  clock: VirtualClock;
  fake?: F;
  net?: Network;
  secrets?: MemorySecretStore;
}

function registerWorld<F extends Closable>(
  name: string,
  startFake: ((now: () => number) => Promise<F>) | null,
): { state: () => WorldState<F>; core: LiveCore } {
  let state: WorldState<F> | null = null;
  const core = liveCore();
  beforeEach(async () => {
    const clock = new VirtualClock(T0);
    const s: WorldState<F> = { dir: tempDataDir(name), clock };
    state = s;
    if (startFake) {
      s.fake = await startFake(() => clock.now());
      s.net = await Network.create();
      s.secrets = new MemorySecretStore();
    }
  });
  afterEach(async () => {
    await core.close();
    await state?.fake?.close();
    if (state) removeDir(state.dir);
    state = null;
  });
  const current = (): WorldState<F> => {
    if (!state) throw new Error('journal-kit: the world exists only inside a test');
    return state;
  };
  return { state: current, core };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`journal-kit: this world has no ${what}`);
  return value;
}

/** Registers beforeEach/afterEach for a temp data folder and a clock at T0 (no network). */
export function useDataWorld(name: string): DataWorld {
  const { state, core } = registerWorld<Closable>(name, null);
  return {
    get dir() {
      return state().dir;
    },
    get clock() {
      return state().clock;
    },
    ...core,
  };
}

/**
 * Registers beforeEach/afterEach for the end-to-end journal tests: a temp data folder, a clock
 * at T0, the provider's fake on that clock (`startFake`), a Network and a memory keychain. After
 * each test the core is closed before the fake, then the folder is removed.
 */
export function useJournalWorld<F extends Closable>(
  name: string,
  startFake: (now: () => number) => Promise<F>,
): JournalWorld<F> {
  const { state, core } = registerWorld(name, startFake);
  return {
    get dir() {
      return state().dir;
    },
    get clock() {
      return state().clock;
    },
    get fake() {
      return need(state().fake, 'fake');
    },
    get net() {
      return need(state().net, 'network');
    },
    get secrets() {
      return need(state().secrets, 'keychain');
    },
    ...core,
    open: (mode, extra = {}) => {
      const s = state();
      return core.hold(
        openTestCore({
          dataDir: s.dir,
          clock: s.clock,
          network: need(s.net, 'network'),
          mode,
          secrets: need(s.secrets, 'keychain'),
          ...extra,
        }),
      );
    },
  };
}

type StartInput = Extract<Command, { type: 'start' }>['input'];

/** Takes the network away, then starts from the popup: the start waits in the journal. */
export function startWhileOffline(
  w: Pick<JournalWorld<unknown>, 'net' | 'live'>,
  input: StartInput,
): Promise<Ok> {
  w.net.offline();
  return run(w.live(), { type: 'start', input });
}
