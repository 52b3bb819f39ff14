import { useEffect, useState } from 'react';

/**
 * The wall clock, re-read once per second while `active` and the popup is visible. A hidden
 * popup schedules nothing: a tray app must not wake the CPU every second for nobody.
 *
 * Ticks land just after each whole second counted from `anchorMs` (the running entry's start),
 * which is when its elapsed seconds change; ticking on wall-clock seconds instead could show a
 * value up to a second stale.
 */
export function useNow(active: boolean, anchorMs = 0): number {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!active) return;
    let timer: number | undefined;
    const tick = () => {
      const t = Date.now();
      setNow(t);
      const phase = (((t - anchorMs) % 1000) + 1000) % 1000;
      timer = window.setTimeout(tick, 1000 - phase + 15);
    };
    const onVisibility = () => {
      window.clearTimeout(timer);
      timer = undefined;
      if (document.visibilityState === 'visible') timer = window.setTimeout(tick, 0);
    };
    onVisibility();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [active, anchorMs]);

  return now;
}
