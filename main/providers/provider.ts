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
  /**
   * Seconds tracked today as of `trackedAt`, for providers that report a day's total instead of
   * a start time (WebWork's current tracker when Tray Timer did not start it).
   */
  trackedSeconds?: number;
  /** When `trackedSeconds` was read (epoch ms); a running entry's total grows from there. */
  trackedAt?: number;
  /** Toggl's tags and billable flag, carried so Continue repeats them. */
  tags?: string[];
  billable?: boolean;
  /** Shown from the action journal: the service has not confirmed this start/stop yet. */
  pending?: boolean;
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
  /** Kept when continuing an entry of a provider that has them (Toggl). */
  tags?: string[];
  billable?: boolean;
  /**
   * Stop whatever runs and start this (TrackingTime's `stop_running_task`, after it answered
   * 'conflict'). Providers that always replace (Local, Toggl) ignore it.
   */
  replaceRunning?: boolean;
  /** When the entry starts, epoch ms (now, or earlier when replaying an offline action). */
  at: number;
}

export interface StartResult {
  entry: RemoteEntry;
  /** The entry that was running before and has been stopped to make room, if any. */
  replaced: RemoteEntry | null;
}

/**
 * A change to an entry (entry.update): only the fields that change are present. `null` clears
 * description, project or task; `start` is epoch ms.
 */
export interface EntryPatch {
  description?: string | null;
  projectId?: string | null;
  taskId?: string | null;
  start?: number;
}

/** Why the core asks for fresh data; providers spend their request budget accordingly. */
export type RefreshReason = 'startup' | 'poll' | 'popup' | 'resume' | 'user';

export interface SyncResult {
  running: RemoteEntry | null;
  /** When this state was read from the provider (epoch ms); set by `restore`. */
  syncedAt?: number;
  /** The recent window's entries, when the provider re-read them in this sync (else unchanged). */
  entries?: RemoteEntry[];
  /** All projects with their tasks, when re-read in this sync (else unchanged). */
  projects?: Project[];
}

export interface Provider {
  readonly kind: ProviderKind;
  readonly capabilities: Capabilities;
  /** Data older than this is refreshed when the popup opens; null: never (Local). */
  readonly popupStaleMs: number | null;
  /**
   * Milliseconds until the next background refresh, or null for none. Asked after every change
   * (at least once a minute while a timer runs): answer from the provider's own last request
   * time so the answer is stable, and follow the quota (Toggl).
   */
  nextRefreshIn(state: { running: boolean; now: number }): number | null;
  /**
   * May an automatic refresh (poll, popup opening, resume) spend requests now? User actions
   * and explicit refreshes are never gated here; quota-exhausted providers say no until reset.
   */
  allowAutoRefresh(reason: RefreshReason, now: number): boolean;
  /**
   * Reads the running entry and whatever else is due (recent entries, projects), spending as
   * few requests as the provider can. `since` is the start of the recent window (epoch ms).
   */
  sync(reason: RefreshReason, since: number): Promise<SyncResult>;
  /**
   * The last state this provider saved to its disk cache, if any: shown at start-up before (or,
   * when the budget says no, instead of) a refresh, so `tray-timer status` without the app does
   * not spend a request on every call.
   */
  restore?(): SyncResult | null;
  start(request: StartRequest): Promise<StartResult>;
  /** Stops the running entry at `at`; returns it stopped, or null when nothing was running. */
  stop(at: number): Promise<RemoteEntry | null>;
  /**
   * Changes the entry `entryId` (the running one, from the popup or `tray-timer edit`) with one
   * update request; returns the entry as the service now has it. Absent where the service has
   * no update for it (capabilities.editEntry / editStart say which fields may change).
   */
  update?(entryId: string, patch: EntryPatch): Promise<RemoteEntry>;
  /** Projects with tasks (may answer from a cache the provider keeps fresh). */
  projects(): Promise<Project[]>;
  /** Providers where a project is just a name (Local) create one on first use. */
  createProject?(name: string): Promise<Project>;
  /**
   * One project's tasks read now, for providers whose project list may not carry every
   * project's tasks yet (WebWork reads them within its rate budget): a named task is looked up
   * in its own project before it is called unknown.
   */
  projectTasks?(projectId: string): Promise<Task[]>;
  /**
   * Today's total as the service counts it (WebWork's current-data), for providers whose entry
   * list cannot tell; undefined/null: the core sums the recent entries.
   */
  todaySeconds?(now: number): number | null;
  /** Team workspaces (WebWork): members, acting for one of them, the team glance. */
  readonly team?: TeamOps;
}

/** A member of a team workspace. */
export interface Member {
  id: string;
  name: string;
  email: string | null;
  role: string | null;
}

export interface MemberTracker {
  member: Member;
  running: RemoteEntry | null;
  todaySeconds: number;
  /** Epoch ms of the read; null: not read yet. */
  checkedAt: number | null;
  error: AppError | null;
}

export interface TeamGlanceResult {
  /** Every member, read or waiting to be read. */
  members: MemberTracker[];
  /** Members in the workspace. */
  total: number;
  /** Members not read yet. */
  unchecked: number;
  /** Epoch ms when the rate budget allows the next reads; null when nothing waits. */
  nextCheckAt: number | null;
}

/**
 * What a team workspace adds. `sync`, `start` and `stop` act on `actingFor` (the signed-in user
 * when null); the `…For` methods act once for a given member without changing that choice.
 */
export interface TeamOps {
  /** The signed-in user's role in the workspace. */
  readonly role: string | null;
  /** The signed-in user as a member (null when the service did not say). */
  readonly self: Member | null;
  readonly actingFor: Member | null;
  setActingFor(member: Member | null): void;
  /** Your own day total as last known (while the account shows a member's tracker). */
  selfTodaySeconds(now: number): number | null;
  /** A member by e-mail (case-insensitive) or user id; throws ProviderError 'not-found'. */
  findMember(ref: string): Promise<Member>;
  searchMembers(query: string): Promise<Member[]>;
  trackerOf(member: Member): Promise<MemberTracker>;
  /** The projects a member can track time in (WebWork: their active contracts). */
  projectsFor(member: Member): Promise<Project[]>;
  startFor(member: Member, request: StartRequest): Promise<StartResult>;
  stopFor(member: Member, at: number): Promise<RemoteEntry | null>;
  /** 'watch': re-read what is due within the background budget; 'refresh': the user asked. */
  glance(mode: 'watch' | 'refresh'): Promise<TeamGlanceResult>;
}

/** A failure a provider reports; carries the user-facing error value. */
export class ProviderError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'ProviderError';
  }
}
