/**
 * Presence (issue 8): what idle detection, reminders and pomodoro cost a running app. The real
 * core in 'app' mode with a Local timer on a virtual clock that counts fired timers, one
 * simulated hour per scenario, with an idle source that reports an active user (idle 0–40 s).
 * Counted: timer wake-ups, presence.json writes (the last-alive time, for the shutdown question).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SettingsPatch } from '../preload/contract';
import type { PresenceSource } from '../main/core/core';
import { openCore } from '../main/core/open-core';
import { MemorySecretStore } from '../main/secrets/memory-secret-store';
import { VirtualClock } from '../test/support/virtual-clock';

export interface PresenceScenario {
  name: string;
  wakeUps: number;
  aliveWrites: number;
  notifications: number;
}

async function scenario(
  name: string,
  patch: SettingsPatch,
  tracking: boolean,
): Promise<PresenceScenario> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-presence-'));
  // A weekday morning, 20 s past a minute, so minute ticks are not trivially aligned.
  const clock = new VirtualClock(new Date(2026, 10, 25, 9, 0, 20).getTime());
  let samples = 0;
  const source: PresenceSource = {
    idleSeconds: () => (samples++ * 7) % 41, // an active user: never near the threshold
    session: 'x11',
  };
  let notifications = 0;
  const core = await openCore({
    dataDir,
    secrets: new MemorySecretStore(),
    mode: 'app',
    clock,
    presence: source,
    notify: () => (notifications += 1),
  });
  try {
    await core.execute({ type: 'settings.update', input: patch });
    if (tracking) await core.execute({ type: 'start', input: { description: 'Benchmark' } });
    const file = path.join(dataDir, 'presence.json');
    const read = () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    let writes = 0;
    let last = read();
    const before = clock.fired;
    // Step minute by minute so each write of the last-alive time is seen.
    for (let m = 0; m < 60; m++) {
      await clock.advance(60_000);
      const now = read();
      if (now !== last) writes += 1;
      last = now;
    }
    return { name, wakeUps: clock.fired - before, aliveWrites: writes, notifications };
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runPresenceBench(): Promise<PresenceScenario[]> {
  const reminders = { reminders: { enabled: true, afterMinutes: 15 } };
  const pomodoro = { pomodoro: { enabled: true } };
  return [
    await scenario('defaults (idle detection on), timer running', {}, true),
    await scenario('defaults, no timer', {}, false),
    await scenario('pomodoro + reminders on, timer running', { ...reminders, ...pomodoro }, true),
    await scenario('reminders on, no timer (weekday 09:00–10:00)', reminders, false),
  ];
}

export function presenceTable(rows: readonly PresenceScenario[]): string[][] {
  return [
    ['presence, one hour', 'wake-ups', 'presence.json writes', 'notifications'],
    ...rows.map((r) => [r.name, String(r.wakeUps), String(r.aliveWrites), String(r.notifications)]),
  ];
}
