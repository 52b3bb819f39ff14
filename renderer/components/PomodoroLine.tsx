import type { PomodoroView } from '../../preload/contract';
import { pomodoroText } from '../../preload/format';
import { CupIcon, TomatoIcon } from './icons';

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
