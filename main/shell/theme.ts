/**
 * settings.theme drives nativeTheme.themeSource, which is what `prefers-color-scheme` reports to
 * the popup: "system" follows the OS, "light"/"dark" force one. The popup's CSS needs nothing else.
 */
import { nativeTheme } from 'electron';
import type { Core } from '../core/core';

/** Returns a function that stops following the setting. */
export function applyTheme(core: Pick<Core, 'settings' | 'subscribe'>): () => void {
  const apply = () => {
    const theme = core.settings().theme;
    if (nativeTheme.themeSource !== theme) nativeTheme.themeSource = theme;
  };
  apply();
  return core.subscribe(apply);
}
