import type { TrayTimerApi } from '../preload/contract';

declare global {
  interface Window {
    /** Exposed by the preload (contextBridge); the popup's only way to reach main. */
    readonly trayTimer: TrayTimerApi;
  }
}

export {};
