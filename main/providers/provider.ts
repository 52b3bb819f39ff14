/**
 * What every time-tracking service looks like to the core. Each provider maps its API's quirks
 * into this model; the core, tray, popup and CLI never know which API they talk to beyond the
 * declared capabilities.
 */
import type { AppError, Capabilities, ProviderKind } from '../../preload/contract';

export interface RemoteEntry {
  id: string;
  description: string | null;
  projectId: string | null;
  projectName: string | null;
  projectColor: string | null;
  taskId: string | null;
  taskName: string | null;
  /** Epoch ms; null where the API does not tell (WebWork's current tracker). */
  start: number | null;
  /** Epoch ms; null while running. */
  stop: number | null;
  /** Seconds tracked, for providers that report a total instead of a start time. */
  trackedSeconds?: number;
}

export interface Task {
  id: string;
  name: string;
  projectId: string;
}

export interface Project {
  id: string;
  name: string;
  color: string | null;
  clientName: string | null;
  tasks: Task[];
}

export interface StartRequest {
  description: string | null;
  projectId: string | null;
  taskId: string | null;
  /** When the entry starts, epoch ms (now, or earlier when replaying an offline action). */
  at: number;
}

export interface StartResult {
  entry: RemoteEntry;
  /** The entry that was running before and has been stopped to make room, if any. */
  replaced: RemoteEntry | null;
}

/** How often the background scheduler may ask; null = never (state changes only through us). */
export interface SyncPolicy {
  runningMs: number | null;
  idleMs: number | null;
}

export interface Provider {
  readonly kind: ProviderKind;
  readonly capabilities: Capabilities;
  readonly syncPolicy: SyncPolicy;
  /** The running entry of the signed-in user, or null. */
  current(): Promise<RemoteEntry | null>;
  start(request: StartRequest): Promise<StartResult>;
  /** Stops the running entry at `at`; returns it stopped, or null when nothing was running. */
  stop(at: number): Promise<RemoteEntry | null>;
  /** Entries that started at or after `sinceMs`, running one included, any order. */
  recent(sinceMs: number): Promise<RemoteEntry[]>;
  projects(): Promise<Project[]>;
  /** Providers where a project is just a name (Local) create one on first use. */
  createProject?(name: string): Promise<Project>;
}

/** A failure a provider reports; carries the user-facing error value. */
export class ProviderError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'ProviderError';
  }
}
