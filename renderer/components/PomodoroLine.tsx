import type { PomodoroPhase, PomodoroView } from '../../preload/contract';
import { formatDurationWords } from '../../preload/format';
import { CupIcon, TomatoIcon } from './icons';

/** The same words as the tray's tooltip line (main/core/snapshot.ts pomodoroLine). */
const PHASE_NAMES: Record<PomodoroPhase, string> = {
  work: 'Focus',
  'short-break': 'Short break',
  'long-break': 'Long break',
};

/**
 * "Focus · 12 min left", "Short break · less than a minute left": the tooltip's words; its 🍅/☕
 * are drawn here as icons (an emoji font is not on every desktop).
 */
export function pomodoroText(phase: PomodoroPhase, remainingSeconds: number): string {
  const left = Math.max(0, remainingSeconds);
  const inWords = left < 60 ? 'less than a minute' : formatDurationWords(Math.ceil(left / 60) * 60);
  return `${PHASE_NAMES[phase]} · ${inWords} left`;
}

/**
 * Seconds left in the phase as of `now`: counted down to `endsAt`, or, if that cannot be read,
 * on from the snapshot's own count.
 */
export function remainingAt(p: PomodoroView, snapshotAt: string, now: number): number {
  const end = Date.parse(p.endsAt);
  if (!Number.isNaN(end)) return Math.max(0, Math.floor((end - now) / 1000));
  const at = Date.parse(snapshotAt);
  const gone = Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now - at) / 1000));
  return Math.max(0, p.remainingSeconds - gone);
}

export function PomodoroLine(props: { pomodoro: PomodoroView; snapshotAt: string; now: number }) {
  const { pomodoro, snapshotAt, now } = props;
  return (
    <p className={`pomodoro ${pomodoro.phase}`} data-testid="pomodoro">
      {pomodoro.phase === 'work' ? <TomatoIcon /> : <CupIcon />}
      <span className="visually-hidden">Pomodoro: </span>
      <span>{pomodoroText(pomodoro.phase, remainingAt(pomodoro, snapshotAt, now))}</span>
    </p>
  );
}
