/**
 * The control socket: how `tray-timer` talks to the running app. A Unix socket in the data
 * folder (Linux, macOS) or a named pipe (Windows), answering newline-delimited JSON (protocol.ts)
 * by handing each command to the core.
 *
 * Who may connect:
 * - Unix: the socket's directory is 0700 and the socket itself 0600, so only the user (and root)
 *   can connect. The directory is the real barrier (connect(2) needs search permission on every
 *   directory of the path); the socket mode is defence in depth.
 * - Windows: Node creates named pipes with the default security descriptor (the default DACL
 *   grants Everyone/anonymous read), and `net` cannot pass a SECURITY_ATTRIBUTES that restricts
 *   the pipe to the current user. So the app also writes a control token to the user's data
 *   folder (control-token.ts) and refuses every request that does not carry it: only a process
 *   that can read the user's files can drive the app. On Unix the token is a second lock.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Command, CommandResult } from '../../preload/contract';
import type { Core } from '../core/core';
import { createControlToken, removeControlToken, tokenMatches } from './control-token';
import {
  encodeLine,
  errorResult,
  isNamedPipePath,
  LineSplitter,
  MAX_REQUEST_BYTES,
  maxUnixSocketPathBytes,
  parseRequestLine,
  UNKNOWN_REQUEST_ID,
  unixSocketPathTooLong,
  validationError,
} from './protocol';

const TOKEN_REFUSED = {
  kind: 'auth' as const,
  message:
    'Tray Timer refused the command: it did not carry the control token from your data folder (run tray-timer as the user who runs the app, with the same TRAY_TIMER_HOME).',
};

/** How long a connection may stay silent. Long enough for a paused debugger, short for a leak. */
export const IDLE_TIMEOUT_MS = 60_000;

export interface ControlServer {
  readonly socketPath: string;
  /** Stops accepting, ends open connections, removes the socket file. */
  close(): Promise<void>;
}

export interface ControlServerOptions {
  core: Pick<Core, 'execute' | 'snapshot'>;
  socketPath: string;
  /**
   * Where to write the control token; every request must then carry it. The app always gives
   * one (main/index.ts); tests of the transport alone may leave it out.
   */
  tokenFile?: string;
}

/** Thrown when the socket cannot be served; the message is for the user. */
export class ControlServerError extends Error {
  constructor(
    message: string,
    readonly reason: 'already-running' | 'unsafe-path' | 'failed',
  ) {
    super(message);
    this.name = 'ControlServerError';
  }
}

export { isNamedPipePath };

/**
 * `status` answers from the snapshot the core already has: no provider request, ever. A member's
 * status (`status --member`) is a read of that member's tracker, so it goes to the core.
 */
async function answer(
  core: ControlServerOptions['core'],
  command: Command,
): Promise<CommandResult> {
  if (command.type === 'status' && command.input?.member === undefined)
    return { ok: true, snapshot: core.snapshot() };
  return core.execute(command);
}

async function internalError(err: unknown): Promise<CommandResult> {
  const why = err instanceof Error ? err.message : String(err);
  return errorResult({
    kind: 'internal',
    message: `Tray Timer failed to run the command (${why}). Please report this.`,
  });
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/**
 * The socket directory must be private. Create it 0700; if it exists and is ours, tighten it
 * to 0700; if it belongs to someone else, refuse: another user could swap our socket.
 */
async function preparePrivateDirectory(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fs.stat(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid && uid !== 0) {
    throw new ControlServerError(
      `The folder for the control socket (${dir}) belongs to another user. Set TRAY_TIMER_HOME to a folder of your own.`,
      'unsafe-path',
    );
  }
  if ((st.mode & 0o777) !== 0o700) await fs.chmod(dir, 0o700);
}

/** Does a server answer on this path? (connect only; nothing is sent.) */
function probe(socketPath: string): Promise<'live' | 'refused' | 'absent'> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (err) => {
      const code = errnoCode(err);
      if (code === 'ECONNREFUSED') resolve('refused');
      else if (code === 'ENOENT') resolve('absent');
      else reject(err);
    });
  });
}

function alreadyRunning(socketPath: string): ControlServerError {
  return new ControlServerError(
    `Tray Timer is already running (another instance answers on ${socketPath}).`,
    'already-running',
  );
}

/**
 * Removes a socket file left behind by a crashed app, and only that: the file must be a socket
 * and nobody must answer on it. A live server means another instance is running.
 */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let st;
  try {
    st = await fs.lstat(socketPath);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!st.isSocket()) {
    throw new ControlServerError(
      `${socketPath} exists and is not a socket; Tray Timer will not delete it. Move it away and start again.`,
      'unsafe-path',
    );
  }
  const state = await probe(socketPath);
  if (state === 'live') throw alreadyRunning(socketPath);
  if (state === 'refused') await fs.rm(socketPath, { force: true });
}

function listen(server: net.Server, socketPath: string, restrictUmask: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Why a umask and not only chmod afterwards: bind(2) creates the socket file with
    // 0777 & ~umask, and between bind and chmod a process could connect. With umask 0o177 the
    // file is born 0600. The bind happens synchronously inside listen() for a path, so the
    // process-wide umask is changed only for that synchronous stretch (no other JavaScript
    // runs in between; a file written meanwhile by the thread pool would only come out
    // stricter). Workers cannot set the umask; there we rely on the 0700 directory and the
    // chmod below.
    let previous: number | undefined;
    if (restrictUmask) {
      try {
        previous = process.umask(0o177);
      } catch {
        previous = undefined;
      }
    }
    try {
      server.listen(socketPath);
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { core, socketPath } = options;
  const pipe = isNamedPipePath(socketPath);
  const sockets = new Set<net.Socket>();
  // Written before listening, so no client can ever find the socket without its token.
  const token = options.tokenFile ? createControlToken(options.tokenFile) : null;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that vanishes mid-answer must not crash the app.
    socket.on('error', () => socket.destroy());
    // The CLI sends its line at once; a connection that sits silent is a stuck or stray client,
    // and each one holds a file descriptor in a process meant to run for weeks.
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    const splitter = new LineSplitter(MAX_REQUEST_BYTES);
    // One request at a time per connection, answered in order.
    let queue = Promise.resolve();
    let closing = false;

    const reply = (id: number, result: CommandResult) => {
      if (!socket.destroyed && socket.writable) socket.write(encodeLine({ id, result }));
    };

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      const { lines, overflow } = splitter.push(chunk);
      for (const line of lines) {
        queue = queue
          .then(async () => {
            const parsed = parseRequestLine(line);
            if (!parsed.ok) return reply(parsed.id, errorResult(parsed.error));
            if (token !== null && !tokenMatches(token, parsed.request.token)) {
              closing = true;
              reply(parsed.request.id, errorResult(TOKEN_REFUSED));
              socket.end();
              return;
            }
            const result = await answer(core, parsed.request.command).catch(internalError);
            reply(parsed.request.id, result);
          })
          .catch(() => undefined);
      }
      if (overflow) {
        closing = true;
        socket.pause();
        void queue.then(() => {
          reply(
            UNKNOWN_REQUEST_ID,
            errorResult(
              validationError(
                `The request is larger than ${MAX_REQUEST_BYTES / 1024} KiB; the connection is closed.`,
              ),
            ),
          );
          socket.end();
        });
      }
    });
  });
  // Errors after listening (rare: EMFILE on accept) are not fatal for the app.
  server.on('error', () => undefined);

  if (pipe) {
    try {
      await listen(server, socketPath, false);
    } catch (err) {
      if (errnoCode(err) === 'EADDRINUSE') throw alreadyRunning(socketPath);
      throw err;
    }
  } else {
    if (unixSocketPathTooLong(socketPath)) {
      throw new ControlServerError(
        `The control socket path is longer than ${maxUnixSocketPathBytes()} bytes (${socketPath}); the tray-timer command cannot reach the app. Use a shorter TRAY_TIMER_HOME.`,
        'unsafe-path',
      );
    }
    await preparePrivateDirectory(path.dirname(socketPath));
    await removeStaleSocket(socketPath);
    try {
      await listen(server, socketPath, true);
    } catch (err) {
      if (errnoCode(err) !== 'EADDRINUSE') throw err;
      // Another instance won the race between our check and our bind.
      const state = await probe(socketPath);
      if (state === 'live') throw alreadyRunning(socketPath);
      throw new ControlServerError(
        `Could not create the control socket ${socketPath} (address in use).`,
        'failed',
      );
    }
    // Belt and braces: whatever umask applied, the socket ends up 0600.
    await fs.chmod(socketPath, 0o600);
  }

  let closed: Promise<void> | undefined;
  return {
    socketPath,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(async () => {
        // net.Server removes its Unix socket file on close; make sure, without failing if gone.
        if (!pipe) await fs.rm(socketPath, { force: true }).catch(() => undefined);
        if (options.tokenFile) removeControlToken(options.tokenFile);
      });
      return closed;
    },
  };
}
