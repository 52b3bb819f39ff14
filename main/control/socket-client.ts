/**
 * The CLI's side of the control socket: send one command to the running app and wait for its
 * answer. "Nobody is listening" is an ordinary outcome (the CLI then works in-process), not an
 * error; anything else going wrong is.
 */
import net from 'node:net';
import type { Command, CommandResult } from '../../preload/contract';
import { readControlToken } from './control-token';
import {
  encodeLine,
  isNamedPipePath,
  LineSplitter,
  MAX_RESPONSE_BYTES,
  parseResponseLine,
  unixSocketPathTooLong,
} from './protocol';

export type ControlAnswer = { kind: 'answered'; result: CommandResult } | { kind: 'not-running' };

export interface SendOptions {
  /** How long to wait for the whole exchange (connect + answer). */
  timeoutMs: number;
  /** The app's control token file (control-token.ts); its token goes with the request. */
  tokenFile?: string;
}

/** The app is running but the exchange failed; the message is for the user. */
export class ControlClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlClientError';
  }
}

const REQUEST_ID = 1;

export function sendControlCommand(
  socketPath: string,
  command: Command,
  options: SendOptions,
): Promise<ControlAnswer> {
  // The app refuses to serve such a path (see protocol.ts), so nothing can be listening on it;
  // connecting would reach whatever file the truncated path names.
  if (!isNamedPipePath(socketPath) && unixSocketPathTooLong(socketPath)) {
    return Promise.resolve({ kind: 'not-running' });
  }
  return new Promise<ControlAnswer>((resolve, reject) => {
    let settled = false;
    let connected = false;
    const socket = net.createConnection(socketPath);
    const splitter = new LineSplitter(MAX_RESPONSE_BYTES);

    const finish = (outcome: { answer: ControlAnswer } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(outcome.error);
    };

    const timer = setTimeout(() => {
      finish({
        error: new ControlClientError(
          connected
            ? `Tray Timer did not answer within ${options.timeoutMs / 1000} s. It may be busy or stuck; try again, or restart it.`
            : `Could not connect to Tray Timer within ${options.timeoutMs / 1000} s (${socketPath}).`,
        ),
      });
    }, options.timeoutMs);

    socket.once('connect', () => {
      connected = true;
      const token = options.tokenFile ? readControlToken(options.tokenFile) : null;
      socket.write(encodeLine({ id: REQUEST_ID, command, ...(token ? { token } : {}) }));
    });

    socket.on('data', (chunk: Buffer) => {
      const { lines, overflow } = splitter.push(chunk);
      for (const line of lines) {
        const parsed = parseResponseLine(line);
        if (!parsed.ok)
          return finish({
            error: new ControlClientError(
              `Tray Timer's answer could not be read: ${parsed.message}.`,
            ),
          });
        // Id 0 is the server saying it could not read our request at all.
        if (parsed.response.id === REQUEST_ID || parsed.response.id === 0) {
          return finish({ answer: { kind: 'answered', result: parsed.response.result } });
        }
      }
      if (overflow)
        finish({ error: new ControlClientError("Tray Timer's answer is too large to read.") });
    });

    socket.once('end', () => {
      finish({
        error: new ControlClientError(
          'Tray Timer closed the connection without answering. Try again.',
        ),
      });
    });

    socket.once('error', (err: NodeJS.ErrnoException) => {
      // ENOENT: no socket file (or pipe); ECONNREFUSED: a stale file, nobody listening.
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')) {
        return finish({ answer: { kind: 'not-running' } });
      }
      finish({
        error: new ControlClientError(
          `Could not talk to Tray Timer over ${socketPath}: ${err.message}`,
        ),
      });
    });
  });
}
