import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../preload/contract';
import type {
  Project,
  Provider,
  RemoteEntry,
  StartRequest,
  StartResult,
  SyncResult,
} from '../providers/provider';
import { ProviderError } from '../providers/provider';
import { AccountRuntime } from './account-runtime';

/**
 * A provider whose answers the test releases by hand, to order responses the way a slow
 * network would. It is the runtime's collaborator, not the subject.
 */
class ControlledProvider implements Provider {
  readonly kind = 'toggl' as const;
  readonly capabilities: Capabilities = {
    projects: true,
    tasks: true,
    backdate: true,
    editStart: true,
    editEntry: false,
    tags: true,
    billable: true,
    members: false,
  };
  readonly popupStaleMs = 30_000;
  calls: string[] = [];

  nextRefreshIn(): number {
    return 240_000;
  }
  allowAutoRefresh(): boolean {
    return true;
  }
  async sync(): Promise<SyncResult> {
    return { running: await this.current() };
  }
  #currentWaiters: ((e: RemoteEntry | null) => void)[] = [];
  failWith: ProviderError | null = null;

  private current(): Promise<RemoteEntry | null> {
    this.calls.push('current');
    if (this.failWith) return Promise.reject(this.failWith);
    return new Promise((resolve) => this.#currentWaiters.push(resolve));
  }
  answerCurrent(e: RemoteEntry | null): void {
    for (const w of this.#currentWaiters.splice(0)) w(e);
  }
  async start(r: StartRequest): Promise<StartResult> {
    this.calls.push('start');
    return { entry: entry('new', r.description, r.at), replaced: null };
  }
  async stop(): Promise<RemoteEntry | null> {
    this.calls.push('stop');
    return null;
  }
  async projects(): Promise<Project[]> {
    this.calls.push('projects');
    return [];
  }
}

const entry = (id: string, description: string | null, start: number): RemoteEntry => ({
  id,
  description,
  projectId: null,
  projectName: null,
  projectColor: null,
  taskId: null,
  taskName: null,
  start,
  stop: null,
});

const config = { id: 'work', provider: 'toggl' as const, label: 'Work', options: {} };
const tick = () => new Promise((r) => setImmediate(r));

describe('AccountRuntime', () => {
  it('shares one in-flight request per endpoint', async () => {
    const p = new ControlledProvider();
    const rt = new AccountRuntime(config, p, null, () => 1000);
    const a = rt.refresh();
    const b = rt.refresh();
    await tick();
    expect(p.calls.filter((c) => c === 'current')).toHaveLength(1);
    p.answerCurrent(entry('x', 'remote', 500));
    await Promise.all([a, b]);
    expect(rt.running?.description).toBe('remote');
    // after it settled, a new refresh asks again
    const c = rt.refresh();
    await tick();
    expect(p.calls.filter((x) => x === 'current')).toHaveLength(2);
    p.answerCurrent(null);
    await c;
  });

  it('drops a refresh answer that started before a newer action landed', async () => {
    const p = new ControlledProvider();
    const rt = new AccountRuntime(config, p, null, () => 1000);
    const slowRefresh = rt.refresh(); // asks "what runs?" — the answer will be stale
    await tick();
    const started = await p.start({ description: 'mine', projectId: null, taskId: null, at: 900 });
    rt.applyAction({ running: started.entry, touched: [] });
    p.answerCurrent(null); // the old answer: nothing running
    await slowRefresh;
    expect(rt.running?.description).toBe('mine');
  });

  it('turns provider failures into an error value and keeps the last known state', async () => {
    const p = new ControlledProvider();
    const rt = new AccountRuntime(config, p, null, () => 1000);
    const first = rt.refresh();
    await tick();
    p.answerCurrent(entry('x', 'known', 500));
    await first;
    p.failWith = new ProviderError({ kind: 'offline', message: 'Toggl Track is unreachable.' });
    await rt.refresh();
    expect(rt.error).toEqual({ kind: 'offline', message: 'Toggl Track is unreachable.' });
    expect(rt.running?.description).toBe('known');
  });
});

describe('errors as the user sees them', () => {
  it('a quota error counts down to its reset; an offline error says how old the data is', async () => {
    const { presentError } = await import('./snapshot');
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(
      presentError(
        { kind: 'quota', message: 'Toggl hourly limit reached', resetAt: '2026-11-27T10:11:30Z' },
        null,
        now,
      ).message,
    ).toBe('Toggl hourly limit reached — resets in 12 min');
    expect(
      presentError({ kind: 'quota', message: 'Limit', resetAt: '2026-11-27T10:00:20Z' }, null, now)
        .message,
    ).toBe('Limit — resets in less than a minute');
    expect(
      presentError({ kind: 'offline', message: 'Toggl Track is unreachable.' }, now - 185_000, now)
        .message,
    ).toBe('Toggl Track is unreachable. Last synced 3 min ago.');
    expect(presentError({ kind: 'auth', message: 'Sign-in needed' }, now - 1, now).message).toBe(
      'Sign-in needed',
    );
  });
});
