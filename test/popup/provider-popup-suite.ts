/**
 * What the provider popup suites (toggl, trackingtime) share: one Chromium and one static server
 * for the file, every popup and fake server closed after each test, and each test failing on any
 * console error or failed request its popups saw.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemClock } from '../../main/core/clock';
import type { Clock } from '../../main/core/clock';
import { launchChromium, openPopup } from './popup-harness';
import type { Popup, PopupOptions } from './popup-harness';
import { ensureRendererBuilt, RENDERER_OUT } from './renderer-build';
import { serveDirectory } from './static-server';
import type { StaticServer } from './static-server';

/** Real time, plus a shift the test can add to make data look old (both core and fake). */
export class ShiftedClock implements Clock {
  shift = 0;
  now = () => Date.now() + this.shift;
  setTimer = systemClock.setTimer;
}

export interface ProviderPopupSuite<F> {
  /** Closes `fake` after the current test. */
  track(fake: F): F;
  /** Opens a popup on the built renderer, closed (and checked for problems) after the test. */
  open(options: PopupOptions): Promise<Popup>;
}

/** Registers the file's hooks; call once at the top level of a test file. */
export function providerPopupSuite<F extends { close(): Promise<void> }>(): ProviderPopupSuite<F> {
  let browser: Browser;
  let server: StaticServer;
  const open: Popup[] = [];
  const fakes: F[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await serveDirectory(RENDERER_OUT);
    browser = await launchChromium();
  });

  afterEach(async () => {
    const problems = open.flatMap((p) => p.problems);
    for (const popup of open.splice(0)) await popup.close();
    for (const fake of fakes.splice(0)) await fake.close();
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    track(fake) {
      fakes.push(fake);
      return fake;
    },
    async open(options) {
      const p = await openPopup(browser, server.url, options);
      open.push(p);
      return p;
    },
  };
}
