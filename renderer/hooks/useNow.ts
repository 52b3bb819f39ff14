import { useEffect, useState } from 'react';

/**
 * The wall clock, re-read once per second while `active` and the popup is visible. A hidden
 * popup schedules nothing: a tray app must not wake the CPU every second for nobody.
 */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!active) return;
    let timer: number | undefined;
    const tick = () => {
      const t = Date.now();
      setNow(t);
      // Land just after the next whole second so the display flips in step with the wall clock.
      timer = window.setTimeout(tick, 1000 - (t % 1000) + 15);
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
  }, [active]);

  return now;
}
