/**
 * What the README screenshot suites (screenshots, toggl-screenshots, webwork-screenshots) share:
 * one pinned day, the browser and popup server, a popup opened at the pinned time, commands run
 * at a given time of that day, and the capture itself. Every picture is 360×520 at 2× and the
 * core's and the page's clocks are pinned, so a re-run produces the same bytes and the PNGs only
 * change when the popup does.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../main/core/clock';
import { systemClock } from '../../main/core/clock';
import type { SecretStore } from '../../main/secrets/secret-store';
import type { Command } from '../../preload/contract';
import { launchChromium, openPopup } from './popup-harness';
import type { Popup, PopupOptions } from './popup-harness';
import { ensureRendererBuilt, RENDERER_OUT, REPO } from './renderer-build';
import { serveDirectory } from './static-server';
import type { StaticServer } from './static-server';

// The pictures show times of day: the same ones wherever they are taken.
process.env.TZ = 'UTC';

const OUT = join(REPO, 'docs', 'screenshots');

/** A time of the pictured day, 2026-11-27 (UTC). */
export const at = (hhmmss: string): number => Date.parse(`2026-11-27T${hhmmss}Z`);

/** When the popup is looked at: the page's clock is pinned here. */
export const SHOWN_AT = at('15:42:00');

/** The core's time, set by each script; timers still run on real time. */
export class PinnedClock implements Clock {
  constructor(public time: number) {}
  now = () => this.time;
  setTimer = systemClock.setTimer;
}

/**
 * Stands in for the OS keychain (same interface, memory inside), so the pictures show what a
 * user with a working keychain reads after connecting, not the session-only warning.
 */
export class PictureKeychain implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly #secrets = new Map<string, string>();
  status = async () => ({ kind: this.kind, available: true });
  get = async (id: string) => this.#secrets.get(id) ?? null;
  set = async (id: string, secret: string) => void this.#secrets.set(id, secret);
  delete = async (id: string) => this.#secrets.delete(id);
}

export interface ScreenshotPopups {
  /**
   * The popup in `colorScheme`, its core on `clock`, the page's clock at SHOWN_AT; a keychain
   * and a presence source when the scene needs them.
   */
  open(
    colorScheme: 'light' | 'dark',
    clock: PinnedClock,
    extra?: Pick<PopupOptions, 'secrets' | 'presence'>,
  ): Promise<Popup>;
}

/** One browser and one popup server for the suite (beforeAll/afterAll of the calling file). */
export function useScreenshotPopups(): ScreenshotPopups {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await serveDirectory(RENDERER_OUT);
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    open: (colorScheme, clock, extra = {}) =>
      openPopup(browser, server.url, {
        colorScheme,
        clock,
        fixedTimeMs: SHOWN_AT,
        timezoneId: 'UTC',
        ...extra,
      }),
  };
}

/** Runs `command` in the popup's core at `time` of the day; it must succeed. */
export function commandsAt(
  p: Popup,
  clock: PinnedClock,
): (time: string, command: Command) => Promise<void> {
  return async (time, command) => {
    clock.time = at(time);
    const result = await p.core.execute(command);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  };
}

/** docs/screenshots/<name>.png, with the pointer in the footer (no hover effect pictured). */
export async function shot(page: Page, name: string): Promise<void> {
  const path = join(OUT, `${name}.png`);
  await page.mouse.move(4, 516);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}
