/**
 * Every IPC handler, registered through one guard: the message must come from the main frame of
 * our popup, on our origin, and its payload must parse with the contract's zod schema. Anything
 * else is answered with an error and never reaches the core.
 */
import { ipcMain } from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import { commandSchema, IPC } from '../../preload/contract';
import type { AppError, CommandResult } from '../../preload/contract';
import type { Core } from '../core/core';
import { isAppUrl } from './security';

export interface IpcOptions {
  core: Core;
  /** The popup's web contents: the only sender answered. Null before it exists or after it is gone. */
  popupContents: () => WebContents | null;
  /** app://tray-timer, plus the dev server's origin in `npm run dev`. */
  allowedOrigins: readonly string[];
  hidePopup: () => void;
}

type Checked<T> = { ok: true; payload: T } | { ok: false; error: AppError };

/** Why a sender is refused, or null when it is our popup's main frame on our origin. */
export function senderProblem(
  event: IpcMainEvent | IpcMainInvokeEvent,
  options: Pick<IpcOptions, 'popupContents' | 'allowedOrigins'>,
): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame no longer exists';
  const popup = options.popupContents();
  if (!popup || popup.isDestroyed() || event.sender !== popup)
    return 'it did not come from the Tray Timer window';
  if (frame !== event.sender.mainFrame) return 'it came from a frame inside the page';
  if (
    !options.allowedOrigins.includes(frame.origin) ||
    !isAppUrl(frame.url, options.allowedOrigins)
  ) {
    return `it came from ${frame.origin || 'an unknown origin'}`;
  }
  return null;
}

function describeIssues(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0];
  if (!issue) return { message: 'The request was not understood.' };
  // Drop the argument index: users and the popup care about "input.description", not "0.input.description".
  const field = issue.path.slice(1).map(String).join('.');
  return field
    ? { message: `The request was not understood: ${field}: ${issue.message}`, field }
    : { message: `The request was not understood: ${issue.message}` };
}

/** The one guard every handler goes through. */
function check<S extends z.ZodType>(
  channel: string,
  event: IpcMainEvent | IpcMainInvokeEvent,
  args: unknown[],
  schema: S,
  options: IpcOptions,
): Checked<z.infer<S>> {
  const problem = senderProblem(event, options);
  if (problem) {
    // Never log the payload: it may carry an account secret.
    console.warn(`Tray Timer: refused IPC on ${channel}: ${problem}`);
    return { ok: false, error: { kind: 'unsupported', message: `Refused: ${problem}.` } };
  }
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    console.warn(`Tray Timer: refused malformed IPC on ${channel}`);
    return { ok: false, error: { kind: 'validation', ...describeIssues(parsed.error) } };
  }
  return { ok: true, payload: parsed.data };
}

/** Registers the handlers and the snapshot push; returns a function that removes them all. */
export function registerIpc(options: IpcOptions): () => void {
  const { core } = options;

  const handle = <S extends z.ZodType>(
    channel: string,
    schema: S,
    run: (payload: z.infer<S>) => Promise<CommandResult>,
  ) => {
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<CommandResult> => {
      const checked = check(channel, event, args, schema, options);
      if (!checked.ok) return { ok: false, error: checked.error };
      return run(checked.payload);
    });
    return () => ipcMain.removeHandler(channel);
  };

  const on = <S extends z.ZodType>(
    channel: string,
    schema: S,
    run: (payload: z.infer<S>) => void,
  ) => {
    const listener = (event: IpcMainEvent, ...args: unknown[]) => {
      const checked = check(channel, event, args, schema, options);
      if (checked.ok) run(checked.payload);
    };
    ipcMain.on(channel, listener);
    return () => void ipcMain.removeListener(channel, listener);
  };

  const disposers = [
    handle(IPC.command, z.tuple([commandSchema]), async ([command]) => {
      try {
        return await core.execute(command);
      } catch (error) {
        console.error('Tray Timer: a command failed unexpectedly:', error);
        return {
          ok: false,
          error: {
            kind: 'internal',
            message: 'Something went wrong inside Tray Timer. Please report this.',
          },
        };
      }
    }),
    on(IPC.hidePopup, z.tuple([]), () => options.hidePopup()),
    core.subscribe((snapshot) => {
      const contents = options.popupContents();
      if (contents && !contents.isDestroyed()) contents.send(IPC.snapshot, snapshot);
    }),
  ];
  return () => {
    for (const dispose of disposers) dispose();
  };
}
