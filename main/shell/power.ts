/**
 * Feeds the core what only Electron knows: sleep/wake, screen lock, and whether the popup is on
 * screen. The core uses them to stop background work while nobody can look, and to refresh
 * stale data the moment someone can.
 */
import { powerMonitor } from 'electron';
import type { BrowserWindow } from 'electron';
import type { Core, PowerEvent } from '../core/core';

/** Returns a function that stops listening. */
export function watchPower(core: Pick<Core, 'power'>): () => void {
  const on = (event: PowerEvent) => () => core.power(event);
  const suspend = on('suspend');
  const resume = on('resume');
  const lock = on('lock-screen');
  const unlock = on('unlock-screen');
  powerMonitor.on('suspend', suspend);
  powerMonitor.on('resume', resume);
  powerMonitor.on('lock-screen', lock);
  powerMonitor.on('unlock-screen', unlock);
  return () => {
    powerMonitor.removeListener('suspend', suspend);
    powerMonitor.removeListener('resume', resume);
    powerMonitor.removeListener('lock-screen', lock);
    powerMonitor.removeListener('unlock-screen', unlock);
  };
}

/** Tells the core when the popup shows and hides. Returns a function that stops listening. */
export function watchPopupVisibility(
  window: BrowserWindow,
  core: Pick<Core, 'setPopupVisible'>,
): () => void {
  const shown = () => core.setPopupVisible(true);
  const hidden = () => core.setPopupVisible(false);
  window.on('show', shown);
  window.on('hide', hidden);
  return () => {
    window.removeListener('show', shown);
    window.removeListener('hide', hidden);
  };
}
