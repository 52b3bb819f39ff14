/**
 * The presence part of the core: feeds the away detector (idle samples, power events, the
 * previous run's end), holds the away prompt until the user answers it, runs the pomodoro
 * cycle and the "you're not tracking" reminders, and asks the shell for notifications.
 *
 * Wake-ups: idle time is sampled on the tooltip's minute tick while a timer runs (the away
 * span's edges come from the idle time itself, so a minute's sampling loses no precision);
 * without a running timer only reminders need a clock, once a minute while they are on; the
 * pomodoro wakes once per phase. Nothing runs in the CLI ('oneshot').
 */
import { randomUUID } from 'node:crypto';
import {
  PROVIDER_NAMES,
  nearestChoice,
  type AwayChoice,
  type AwayPrompt,
  type AwayResolveInput,
  type DesktopNotification,
  type PresenceView,
  type Settings,
} from '../../preload/contract';
import { describeEntry, formatDurationWords } from '../../preload/format';
import {
  initialDetectorState,
  stepDetector,
  type AwaySpan,
  type DetectorConfig,
  type DetectorState,
  type PresenceEvent,
} from '../presence/away-detector';
import { awayOffer, planAway } from '../presence/away-plan';
import { readLastAlive, writeLastAlive } from '../presence/last-alive';
import {
  nextPomodoroAt,
  pomodoroView,
  POMODORO_IDLE,
  stepPomodoro,
  type PomodoroState,
} from '../presence/pomodoro';
import { reminderDue } from '../presence/reminders';
import { hhmm } from '../journal/pending-view';
import type { AccountRuntime } from './account-runtime';
import type { Clock, TimerHandle } from './clock';
import type { PowerEvent, PresenceSource } from './core';
import { stopEntry, workOf } from './entry-commands';
import { fail } from './errors';
import { actSequence, type ActionDeps } from './journal-actions';
import { accountLabel, toLocalIso } from './snapshot';

/** Idle samples come with the tooltip's minute tick. */
export const SAMPLE_EVERY_MS = 60_000;
/**
 * lastAliveAt is written at most this often while a timer runs: a crash (no shutdown event, no
 * quit) places the start of the time away up to this much too early; 12 small writes an hour.
 */
export const ALIVE_WRITE_EVERY_MS = 5 * 60_000;

export interface PresenceDeps {
  clock: Clock;
  mode: 'app' | 'oneshot';
  dataDir: string;
  source: PresenceSource | undefined;
  settings: () => Settings;
  runtimes: () => readonly AccountRuntime[];
  actionDeps: () => ActionDeps;
  notify: ((n: DesktopNotification) => void) | undefined;
  /** Something visible changed. */
  emit: () => void;
  warn: (id: string, message: string) => void;
}

interface OpenPrompt {
  id: string;
  span: AwaySpan;
  /** account id → the entry that ran through the span. */
  entries: Map<string, string>;
}

export class PresenceService {
  #detector: DetectorState;
  #prompt: OpenPrompt | null = null;
  #pomodoro: PomodoroState = POMODORO_IDLE;
  #pomodoroTimer: TimerHandle | null = null;
  #pomodoroTimerAt: number | null = null;
  #reminderTimer: TimerHandle | null = null;
  #tracking = false;
  /** Since when nothing ran while the user was here (reminders). */
  #idleSince: number;
  #lastReminderAt: number | null = null;
  #lastAliveWritten = 0;
  #sawShutdown = false;
  #sampling = false;
  #closed = false;

  constructor(private readonly d: PresenceDeps) {
    this.#detector = initialDetectorState(this.#config());
    this.#idleSince = d.clock.now();
  }

  #config(): DetectorConfig {
    return {
      thresholdMs: this.d.settings().idle.thresholdMinutes * 60_000,
      sampleEveryMs: SAMPLE_EVERY_MS,
      session: this.d.source?.session ?? 'other',
    };
  }

  get #app(): boolean {
    return this.d.mode === 'app' && !this.#closed;
  }

  /** The app started: the previous run's end may have been time away. */
  start(): void {
    if (!this.#app) return;
    const now = this.d.clock.now();
    this.#tracking = this.#anyRunning();
    const last = readLastAlive(this.d.dataDir);
    if (last.problem) this.d.warn('storage:presence', last.problem);
    const lastAliveAt = last.value && last.value.endedBy !== 'quit' ? last.value.lastAliveAt : null;
    this.#feed({ type: 'launch', at: now, lastAliveAt });
    this.#observe(now);
  }

  /** The tooltip's minute tick (a timer runs): sample the idle time. */
  tick(): void {
    if (!this.#app) return;
    this.#sample();
  }

  power(event: PowerEvent): void {
    if (!this.#app) return;
    const now = this.d.clock.now();
    const type = (
      {
        suspend: 'suspend',
        resume: 'resume',
        'lock-screen': 'lock',
        'unlock-screen': 'unlock',
        shutdown: 'shutdown',
      } as const
    )[event];
    if (event === 'shutdown') this.#sawShutdown = true;
    // The idle time at the moment of locking or sleeping: a lock key pressed after four minutes
    // of reading proves the user was there until now; an auto-lock reads the minutes idle.
    if (event === 'lock-screen' || event === 'suspend' || event === 'shutdown') this.#sample();
    // The last moment known alive, before sleeping or shutting down.
    if ((event === 'suspend' || event === 'shutdown') && this.#tracking)
      this.#writeAlive(now, true);
    this.#feed({ type, at: now });
    if (event === 'resume' || event === 'unlock-screen') this.#sample();
  }

  /** After every change the core emits: a timer started or stopped, settings changed. */
  observe(): void {
    if (!this.#app) return;
    this.#observe(this.d.clock.now());
  }

  #observe(now: number): void {
    const tracking = this.#anyRunning();
    if (tracking !== this.#tracking) {
      this.#tracking = tracking;
      if (!tracking) this.#idleSince = now;
      // The last-alive time is written on the next minute tick, not here: a start stays at the
      // journal's five fsyncs (a crash within that minute asks nothing about a timer that had
      // only just started).
      if (tracking) this.#lastAliveWritten = 0;
    }
    // Samples come with the tooltip tick while a timer runs, and from the reminders' own minute
    // while they are on; without either, silence is expected and is not a clock gap.
    const sampling = tracking || this.d.settings().reminders.enabled;
    if (sampling && !this.#sampling) this.#detector = { ...this.#detector, lastAt: null };
    this.#sampling = sampling;
    this.#stepPomodoro(now);
    this.#scheduleReminder();
  }

  #anyRunning(): boolean {
    return this.d.runtimes().some((rt) => rt.running !== null);
  }

  #sample(): void {
    const now = this.d.clock.now();
    let idleSeconds: number | null = null;
    try {
      idleSeconds = this.d.source ? this.d.source.idleSeconds() : null;
    } catch {
      idleSeconds = null; // A platform that throws is a platform that cannot tell.
    }
    this.#feed({ type: 'sample', at: now, idleSeconds });
    if (this.#tracking) this.#writeAlive(now, false);
    this.#checkReminder(now);
  }

  #feed(event: PresenceEvent): void {
    const uptimeMs = this.#uptimeMs();
    if (uptimeMs !== undefined) event = { ...event, uptimeMs };
    const before = this.#detector.idleTrusted;
    // Nothing samples now (no timer, no reminders): the silence since the last event says
    // nothing about sleep. Lock and suspend still count.
    const current = this.#sampling ? this.#detector : { ...this.#detector, lastAt: null };
    const { state, away } = stepDetector(current, event, this.#config());
    this.#detector = state;
    if (away) this.#onAway(away);
    if (before !== state.idleTrusted) this.d.emit();
  }

  /** The machine's uptime now, when the platform tells it (see PresenceSource). */
  #uptimeMs(): number | undefined {
    try {
      const seconds = this.d.source?.uptimeSeconds?.();
      return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0
        ? seconds * 1000
        : undefined;
    } catch {
      return undefined;
    }
  }

  #writeAlive(now: number, force: boolean): void {
    if (!force && now - this.#lastAliveWritten < ALIVE_WRITE_EVERY_MS) return;
    this.#lastAliveWritten = now;
    try {
      writeLastAlive(this.d.dataDir, {
        lastAliveAt: now,
        endedBy: this.#sawShutdown ? 'shutdown' : null,
      });
    } catch {
      // A full disk costs only the shutdown question at the next start; the journal and
      // settings report the disk themselves.
    }
  }

  // -------------------------------------------------------------------------------------------
  // The away prompt.
  // -------------------------------------------------------------------------------------------

  #onAway(span: AwaySpan): void {
    // The user is back: time away is not "not tracking" time for the reminders.
    this.#idleSince = Math.max(this.#idleSince, span.to);
    if (!this.d.settings().idle.enabled) return;
    // An unanswered prompt widens to cover both spans: the user has not decided about the first.
    // (One whose timer stopped meanwhile is moot and does not widen anything.)
    const open = this.#prompt && this.#promptView(this.#prompt) ? this.#prompt : null;
    const merged: AwaySpan = open
      ? {
          from: Math.min(open.span.from, span.from),
          to: Math.max(open.span.to, span.to),
          reason: open.span.reason,
        }
      : span;
    const entries = new Map<string, string>();
    for (const rt of this.d.runtimes()) {
      const e = rt.running;
      if (!e || rt.provider === null || rt.provider.team?.actingFor) continue;
      // The entry ran through the time away (WebWork may not tell its start: it ran then).
      if (e.start !== null && e.start > merged.from) continue;
      entries.set(rt.config.id, e.id);
    }
    if (entries.size === 0) {
      if (this.#prompt) this.#prompt = null;
      return;
    }
    this.#prompt = { id: randomUUID(), span: merged, entries };
    const view = this.#promptView(this.#prompt);
    this.d.emit();
    if (view) {
      const what = view.accounts.map((a) => a.entryLabel).join(', ');
      this.#notify({
        id: 'away',
        title: view.message,
        body: `${what} kept running. Open Tray Timer to keep or discard that time.`,
      });
    }
  }

  #promptView(p: OpenPrompt): AwayPrompt | null {
    const accounts: AwayPrompt['accounts'] = [];
    for (const rt of this.d.runtimes()) {
      const entryId = p.entries.get(rt.config.id);
      const e = rt.running;
      if (entryId === undefined || !e || e.id !== entryId || !rt.provider) continue;
      const offer = awayOffer(rt.config.provider, rt.provider.capabilities);
      accounts.push({
        accountId: rt.config.id,
        label: accountLabel(rt.config),
        entryId,
        entryLabel: `“${describeEntry(e)}”`,
        choices: offer.choices,
        note: offer.note,
      });
    }
    if (accounts.length === 0) return null;
    const seconds = Math.round((p.span.to - p.span.from) / 1000);
    return {
      id: p.id,
      from: toLocalIso(p.span.from),
      to: toLocalIso(p.span.to),
      seconds,
      reason: p.span.reason,
      message: awayMessage(p.span),
      accounts: accounts as [AwayPrompt['accounts'][number], ...AwayPrompt['accounts']],
    };
  }

  async resolve(input: AwayResolveInput): Promise<string> {
    const p = this.#prompt;
    if (!p || p.id !== input.promptId)
      fail('not-found', 'That question about time away was already answered.');
    const view = this.#promptView(p);
    if (!view) {
      this.#prompt = null;
      fail(
        'not-found',
        'The timer that ran while you were away is no longer running; nothing was changed.',
      );
    }
    if (input.choice === 'split' && !input.description?.trim())
      fail('validation', 'Say what the time away was (for example “Lunch”).', {
        field: 'description',
      });
    // Accounts running at once on services of both kinds (Local and WebWork): each takes the
    // answer as far as its service can — WebWork's tracker stops now for "Discard", and keeps
    // the time for "continue"/"separate entry"; Local stops now for "Stop now". The answer is
    // refused only when no account can take it at all.
    if (!view.accounts.some((a) => a.choices.includes(input.choice)))
      fail(
        'unsupported',
        `${view.accounts.map((a) => a.label).join(', ')}: ${view.accounts[0]?.note ?? 'that choice is not possible here.'}`,
      );
    // Answered: the prompt goes whatever happens next (failures are the journal's to show).
    this.#prompt = null;
    if (input.choice === 'keep')
      return `Kept ${formatDurationWords(view.seconds)} away in ${view.accounts.map((a) => a.entryLabel).join(', ')}.`;
    const said: string[] = [];
    for (const a of view.accounts) {
      const rt = this.d.runtimes().find((r) => r.config.id === a.accountId);
      const entry = rt?.running;
      if (!rt || !entry) continue;
      const choice = nearestChoice(input.choice, a.choices);
      said.push(
        choice === 'keep'
          ? `${a.entryLabel} keeps the time away on ${a.label} (${a.note ?? 'it cannot be changed there'}).`
          : await this.#apply(rt, choice, entry, p.span, input.description),
      );
    }
    return said.join(' ');
  }

  async #apply(
    rt: AccountRuntime,
    choice: Exclude<AwayChoice, 'keep'>,
    entry: NonNullable<AccountRuntime['running']>,
    span: AwaySpan,
    description: string | undefined,
  ): Promise<string> {
    const deps = this.d.actionDeps();
    if (choice === 'stop-now') return stopEntry(rt, deps, true);
    const outcomes = await actSequence(
      rt,
      deps,
      planAway(choice, workOf(entry), span, description),
    );
    const on = accountLabel(rt.config);
    const refused = outcomes.find((o) => o.outcome === 'refused');
    if (refused)
      fail(
        refused.action.error?.kind ?? 'provider',
        `${on}: ${refused.action.label} at ${hhmm(refused.action.at)} was refused: ${refused.action.error?.message ?? 'no reason given'} It is kept in the pending list (Retry or Discard).`,
      );
    const waiting = outcomes.some((o) => o.outcome === 'waiting');
    const done = {
      discard: `Discarded ${hhmm(span.from)}–${hhmm(span.to)}: “${describeEntry(entry)}” stopped at ${hhmm(span.from)}`,
      'discard-continue': `Discarded ${hhmm(span.from)}–${hhmm(span.to)}: “${describeEntry(entry)}” stopped at ${hhmm(span.from)} and continues from ${hhmm(span.to)}`,
      split: `Added “${description?.trim() ?? ''}” ${hhmm(span.from)}–${hhmm(span.to)}; “${describeEntry(entry)}” continues from ${hhmm(span.to)}`,
    }[choice];
    return `${done} on ${on}${waiting ? ` — will sync when ${PROVIDER_NAMES[rt.config.provider]} is reachable` : ''}.`;
  }

  // -------------------------------------------------------------------------------------------
  // Pomodoro and reminders.
  // -------------------------------------------------------------------------------------------

  #stepPomodoro(now: number): void {
    const settings = this.d.settings();
    const { state, events } = stepPomodoro(this.#pomodoro, {
      now,
      tracking: this.#tracking,
      settings: settings.pomodoro,
    });
    this.#pomodoro = state;
    const last = events.at(-1);
    if (last?.type === 'break') {
      this.#notify({
        id: 'pomodoro',
        title: `${last.phase === 'long-break' ? 'Long break' : 'Break'}: ${last.minutes} min`,
        body: last.stopTimer ? 'The timer was stopped for the break.' : 'The timer keeps running.',
      });
      if (last.stopTimer) void this.#stopForBreak();
    } else if (last) {
      this.#notify({
        id: 'pomodoro',
        title: 'Break over',
        body:
          last.type === 'work'
            ? `Focus for ${last.minutes} min.`
            : 'Start a timer to begin the next focus round.',
      });
    }
    // One wake-up per phase: the timer is re-armed only when the phase's end moves.
    const next = nextPomodoroAt(state);
    if (this.#pomodoroTimerAt === next && this.#pomodoroTimer) return;
    this.#pomodoroTimer?.cancel();
    this.#pomodoroTimer = null;
    this.#pomodoroTimerAt = next;
    if (this.#app && next !== null) {
      this.#pomodoroTimer = this.d.clock.setTimer(Math.max(0, next - now), () => {
        this.#pomodoroTimer = null;
        this.#pomodoroTimerAt = null;
        this.#stepPomodoro(this.d.clock.now());
        this.d.emit();
      });
    }
  }

  async #stopForBreak(): Promise<void> {
    const deps = this.d.actionDeps();
    for (const rt of this.d.runtimes()) {
      if (!rt.running || !rt.provider || rt.provider.team?.actingFor) continue;
      try {
        await stopEntry(rt, deps, true);
      } catch (err) {
        this.d.warn(
          `pomodoro:${rt.config.id}`,
          `Pomodoro could not stop the timer on ${accountLabel(rt.config)}: ${(err as Error).message}`,
        );
      }
    }
    this.d.emit();
  }

  #scheduleReminder(): void {
    if (!this.#app || this.#tracking || !this.d.settings().reminders.enabled) {
      this.#reminderTimer?.cancel();
      this.#reminderTimer = null;
      return;
    }
    if (this.#reminderTimer) return; // Already ticking; every emit must not push it back.
    // Without a running timer there is no tooltip tick: reminders keep their own minute.
    this.#reminderTimer = this.d.clock.setTimer(SAMPLE_EVERY_MS, () => {
      this.#reminderTimer = null;
      this.#sample();
      this.#scheduleReminder();
    });
  }

  #checkReminder(now: number): void {
    const settings = this.d.settings().reminders;
    const present =
      this.#detector.awayFrom === null && !this.#detector.locked && !this.#detector.asleep;
    // A pomodoro break is meant to be without a timer.
    const onBreak = this.#pomodoro.phase === 'short-break' || this.#pomodoro.phase === 'long-break';
    if (!present) this.#idleSince = Math.max(this.#idleSince, now);
    const due = reminderDue({
      now,
      settings,
      tracking: this.#tracking || onBreak,
      present,
      idleSince: this.#idleSince,
      lastReminderAt: this.#lastReminderAt,
    });
    if (!due) return;
    this.#lastReminderAt = now;
    this.#notify({
      id: 'reminder',
      title: "You're not tracking",
      body: `No timer has run for ${formatDurationWords(Math.round((now - this.#idleSince) / 1000))}. Click to start one.`,
    });
  }

  #notify(n: DesktopNotification): void {
    if (!this.d.settings().notifications || !this.d.notify) return;
    try {
      this.d.notify(n);
    } catch {
      // A notification that cannot be shown must not break the core; the prompt is in the popup.
    }
  }

  view(now: number): PresenceView {
    const settings = this.d.settings();
    const idle =
      this.d.mode === 'oneshot'
        ? {
            source: 'off' as const,
            note: 'Time away is watched only while the Tray Timer app runs.',
          }
        : settings.idle.enabled
          ? this.#detector.idleTrusted
            ? { source: 'system' as const, note: null }
            : {
                source: 'lock-only' as const,
                note: untrustedNote(this.#detector.untrustedWhy, this.d.source?.locksKnown ?? true),
              }
          : { source: 'off' as const, note: null };
    return {
      away: this.#prompt ? this.#promptView(this.#prompt) : null,
      pomodoro: pomodoroView(this.#pomodoro, now),
      idle,
    };
  }

  close(): void {
    if (this.d.mode === 'app' && !this.#closed) {
      try {
        writeLastAlive(this.d.dataDir, {
          lastAliveAt: this.d.clock.now(),
          endedBy: this.#sawShutdown ? 'shutdown' : 'quit',
        });
      } catch {
        // See #writeAlive.
      }
    }
    this.#closed = true;
    this.#pomodoroTimer?.cancel();
    this.#reminderTimer?.cancel();
  }
}

function untrustedNote(why: DetectorState['untrustedWhy'], locksKnown: boolean): string {
  const counted = locksKnown
    ? 'so time away is counted from screen lock and sleep only.'
    : 'and screen locks are not reported here either, so time away is counted from sleep (and the app not running) only.';
  switch (why) {
    case 'wayland':
      return `This Wayland session does not report idle time, ${counted}`;
    case 'zero-while-locked':
      return `This desktop reported no idle time even while the screen was locked, ${counted}`;
    default:
      return `This desktop reports an idle time of 0 all the time, ${counted}`;
  }
}

/** "You were away 10:42–11:57 (1 h 15 min)"; a span over midnight names the days. */
export function awayMessage(span: { from: number; to: number }): string {
  const a = new Date(span.from);
  const b = new Date(span.to);
  const sameDay = a.toDateString() === b.toDateString();
  const day = (d: Date) => d.toLocaleDateString('en-GB', { weekday: 'short' });
  const range = sameDay
    ? `${hhmm(span.from)}–${hhmm(span.to)}`
    : `${day(a)} ${hhmm(span.from)} – ${day(b)} ${hhmm(span.to)}`;
  // The minutes between the two clock times shown, so "12:00–12:05" never reads "(6 min)".
  const minutes = Math.floor(span.to / 60_000) - Math.floor(span.from / 60_000);
  return `You were away ${range} (${formatDurationWords(minutes * 60)})`;
}
