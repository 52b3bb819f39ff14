/**
 * The action journal on disk: <data>/journal.json, written atomically (temp file, fsync,
 * rename, folder fsync) before anything is sent and after every change, re-read before every
 * change so the app and the CLI see one truth. A damaged file is moved aside with a timestamp;
 * the actions in it that still validate are kept.
 */
import { constants, copyFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  corruptPath,
  fsyncDir,
  readJsonFile,
  StorageError,
  writeJsonAtomic,
} from '../storage/atomic-file';
import { withFileLockSync } from './replay-lock';
import {
  ACTION_PREFIX,
  JOURNAL_VERSION,
  journalActionSchema,
  journalEnvelopeSchema,
  type JournalAction,
  type JournalFile,
} from './journal-schema';

/** The steps of an action's life, in order; crash tests stop the process at each. */
export type JournalStep =
  | 'before-journal-write'
  | 'journal-written'
  | 'response-received'
  | 'before-journal-clear'
  | 'journal-cleared';

export interface JournalHooks {
  /** Called at each step of an action's life (crash tests; a log). */
  onStep?(step: JournalStep, action: JournalAction): void;
}

export const JOURNAL_FILE = 'journal.json';

const empty = (): JournalFile => ({
  version: JOURNAL_VERSION,
  actions: [],
  landed: {},
  landedQueuedAt: {},
});

export class JournalStore {
  readonly path: string;
  readonly #dataDir: string;

  constructor(
    dataDir: string,
    /** Told when the file was damaged and moved aside. */
    private readonly onProblem: (message: string) => void = () => {},
    private readonly hooks: JournalHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    this.path = join(dataDir, JOURNAL_FILE);
    this.#dataDir = dataDir;
  }

  /** Held while a replay sends an account's actions (see replay-lock.ts). */
  replayLockPath(accountId: string): string {
    return join(this.#dataDir, `.journal-${accountId}.lock`);
  }

  /** A read-modify-write of the file, never interleaved with another process's. */
  #change(fn: (file: JournalFile) => boolean): void {
    withFileLockSync(join(this.#dataDir, '.journal.lock'), () => {
      const file = this.read();
      if (fn(file)) this.#write(file);
    });
  }

  step(step: JournalStep, action: JournalAction): void {
    this.hooks.onStep?.(step, action);
  }

  read(): JournalFile {
    const read = readJsonFile(this.path, journalEnvelopeSchema, new Date(this.now()));
    if (read.kind === 'missing') return empty();
    if (read.kind === 'corrupt') {
      this.onProblem(
        `The offline action journal was damaged (${read.problem}); it was moved to ${read.movedTo}. Actions in it were not sent.`,
      );
      return empty();
    }
    const actions: JournalAction[] = [];
    let damaged = 0;
    for (const raw of read.value.actions) {
      const parsed = journalActionSchema.safeParse(raw);
      if (parsed.success) actions.push(parsed.data);
      else damaged += 1;
    }
    const file: JournalFile = {
      version: JOURNAL_VERSION,
      actions,
      landed: read.value.landed,
      landedQueuedAt: read.value.landedQueuedAt,
    };
    if (damaged > 0) {
      // Keep the original for the user to inspect (a copy first: if the disk is full, the
      // original stays where it is and nothing is lost), then go on with what is readable.
      const copy = corruptPath(this.path, new Date(this.now()));
      try {
        copyFileSync(this.path, copy, constants.COPYFILE_EXCL);
        writeJsonAtomic(this.path, file);
        this.onProblem(
          `${damaged} damaged record(s) in the offline action journal were set aside (the file was copied to ${copy}); ${actions.length} action(s) kept.`,
        );
      } catch (err) {
        this.onProblem(
          `${damaged} damaged record(s) in the offline action journal are skipped; the file could not be rewritten (${(err as Error).message}) and was left as it is.`,
        );
      }
    }
    return file;
  }

  /** The file exists only while actions wait: an empty journal is no file at all. */
  #write(file: JournalFile): void {
    if (file.actions.length === 0) removeDurably(this.path);
    else writeJsonAtomic(this.path, file);
  }

  actions(accountId?: string): JournalAction[] {
    const all = this.read().actions;
    return accountId === undefined ? all : all.filter((a) => a.accountId === accountId);
  }

  find(id: string): JournalAction | undefined {
    return this.read().actions.find((a) => a.id === id);
  }

  /** Records a new action durably; throws StorageError (disk full…) if it could not be. */
  append(action: JournalAction): void {
    const valid = journalActionSchema.parse(action);
    this.step('before-journal-write', valid);
    this.#change((file) => {
      file.actions.push(valid);
      return true;
    });
    this.step('journal-written', valid);
  }

  update(id: string, patch: Partial<Omit<JournalAction, 'id' | 'accountId' | 'kind'>>): void {
    this.#change((file) => {
      const at = file.actions.findIndex((a) => a.id === id);
      const current = file.actions[at];
      if (!current) return false;
      file.actions[at] = journalActionSchema.parse({ ...current, ...patch });
      return true;
    });
  }

  /**
   * The service confirmed the action: it leaves the journal. A start's new entry id is kept so
   * later actions that refer to `action:<id>` find it.
   */
  settle(action: JournalAction, createdEntryId: string | null): void {
    this.step('before-journal-clear', action);
    this.#change((file) => {
      file.actions = file.actions.filter((a) => a.id !== action.id);
      if (createdEntryId !== null) {
        file.landed[action.id] = createdEntryId;
        file.landedQueuedAt[createdEntryId] = action.queuedAt;
        const ref = ACTION_PREFIX + action.id;
        file.actions = file.actions.map((a) =>
          a.expectRunning === ref ? { ...a, expectRunning: createdEntryId } : a,
        );
      }
      return true;
    });
    this.step('journal-cleared', action);
  }

  /** Drops actions for good (the user discarded them, or the account was removed). */
  remove(ids: readonly string[]): void {
    this.#change((file) => {
      const before = file.actions.length;
      file.actions = file.actions.filter((a) => !ids.includes(a.id));
      return file.actions.length !== before;
    });
  }

  /**
   * When the journal start that created this entry was queued; null: not created by the
   * journal (started elsewhere, or so long ago the journal has emptied since).
   */
  ownQueuedAt(entryId: string): number | null {
    return this.read().landedQueuedAt[entryId] ?? null;
  }

  /** A reference as the service knows it: `action:<id>` of a confirmed start → its entry id. */
  resolve(ref: string | null): string | null {
    if (ref === null || !ref.startsWith(ACTION_PREFIX)) return ref;
    return this.read().landed[ref.slice(ACTION_PREFIX.length)] ?? ref;
  }
}

/** Deletes a file and makes the deletion durable. */
function removeDurably(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StorageError(`Could not update ${JOURNAL_FILE}: ${(err as Error).message}`, path);
  }
  fsyncDir(dirname(path));
}
