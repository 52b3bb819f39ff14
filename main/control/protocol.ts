/**
 * The control socket's wire format: newline-delimited JSON, one request or response per line.
 *
 *   request:  {"id":1,"command":{"type":"status"}}\n
 *   response: {"id":1,"result":{"ok":true,"snapshot":{…}}}\n
 *
 * The command and result schemas are the contract's (the socket speaks exactly what IPC speaks);
 * this file only adds the envelope, the size limit and the line framing. Everything that arrives
 * is parsed here before the core sees it, and every failure becomes an error *response*, never
 * an exception that could take the server down.
 */
import { z } from 'zod';
import { commandResultSchema, commandSchema } from '../../preload/contract';
import type { AppError, Command, CommandResult } from '../../preload/contract';

/**
 * Largest request line the server accepts, newline excluded. A real command is a few hundred
 * bytes (the biggest, accounts.add, is capped by the contract well below this); anything larger
 * is a confused or hostile client, and buffering it would let it grow our memory without bound.
 */
export const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Largest response line the client accepts. Responses carry a whole snapshot (recent entries,
 * project lists), which can legitimately exceed 64 KiB for a big workspace, so the client's
 * limit is generous; it exists only so a wrong process on the socket cannot exhaust memory.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Longest Unix socket path the kernel takes (sizeof(sun_path) minus the NUL: 108 on Linux, 104
 * on macOS and the BSDs). Node 20 does not refuse a longer path: it silently truncates it and
 * binds (or connects to) a *different* file, possibly in a shared directory like /tmp. So both
 * ends check the length themselves and never use such a path.
 */
/** `\\.\pipe\…`: a Windows named pipe rather than a file. */
export function isNamedPipePath(socketPath: string): boolean {
  return /^\\\\[.?]\\pipe\\/i.test(socketPath);
}

export function maxUnixSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' || platform === 'android' ? 107 : 103;
}

export function unixSocketPathTooLong(
  socketPath: string,
  platform: NodeJS.Platform = process.platform,
): boolean {
  return Buffer.byteLength(socketPath) > maxUnixSocketPathBytes(platform);
}

/** Request ids are chosen by the client; 0 is reserved for "the request could not be read". */
export const requestIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const UNKNOWN_REQUEST_ID = 0;

export const controlRequestSchema = z
  .object({
    id: requestIdSchema,
    command: commandSchema,
    /** The running app's control token (control-token.ts), proving the client is the user. */
    token: z.string().max(256).optional(),
  })
  .strict();
export type ControlRequest = z.infer<typeof controlRequestSchema>;

export const controlResponseSchema = z
  .object({ id: requestIdSchema, result: commandResultSchema })
  .strict();
export type ControlResponse = z.infer<typeof controlResponseSchema>;

/** One line on the wire (with its terminating newline). */
export function encodeLine(message: ControlRequest | ControlResponse): string {
  return `${JSON.stringify(message)}\n`;
}

export function errorResult(error: AppError): CommandResult {
  return { ok: false, error };
}

export function validationError(message: string, field?: string): AppError {
  return field === undefined
    ? { kind: 'validation', message }
    : { kind: 'validation', message, field };
}

/** "command.input.accountId: account id is empty": the first problem, named by its path. */
export function describeZodError(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0];
  if (!issue) return { message: 'invalid value' };
  const field = issue.path.map(String).join('.');
  return field ? { message: `${field}: ${issue.message}`, field } : { message: issue.message };
}

export type ParsedRequest =
  { ok: true; request: ControlRequest } | { ok: false; id: number; error: AppError };

/**
 * Parses one request line. Never throws. When the line is JSON with a usable `id` but a bad
 * command, the error answers that id so the client can match it; otherwise it answers id 0.
 */
export function parseRequestLine(line: string): ParsedRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      id: UNKNOWN_REQUEST_ID,
      error: validationError(`The request is not valid JSON (${why}).`),
    };
  }
  const parsed = controlRequestSchema.safeParse(raw);
  if (parsed.success) return { ok: true, request: parsed.data };

  const idCandidate =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['id'] : undefined;
  const id = requestIdSchema.safeParse(idCandidate);
  const { message, field } = describeZodError(parsed.error);
  return {
    ok: false,
    id: id.success ? id.data : UNKNOWN_REQUEST_ID,
    error: validationError(`Invalid request: ${message}`, field),
  };
}

export type ParsedResponse =
  { ok: true; response: ControlResponse } | { ok: false; message: string };

/** Parses one response line (client side). Never throws. */
export function parseResponseLine(line: string): ParsedResponse {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, message: 'the control socket answered something that is not JSON' };
  }
  const parsed = controlResponseSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: `the control socket sent an invalid answer (${describeZodError(parsed.error).message})`,
    };
  }
  return { ok: true, response: parsed.data };
}

/**
 * Splits a byte stream into lines, refusing to buffer more than `maxBytes` without a newline.
 * Bytes are kept as Buffers until a newline arrives so a multi-byte character split across two
 * chunks is decoded whole.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /**
   * The complete lines in this chunk; `overflow` is set once a line exceeds the limit (the lines
   * before it are still returned, and the caller should stop reading).
   */
  push(chunk: Buffer): { lines: string[]; overflow: boolean } {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.#pendingBytes + piece.length > this.#maxBytes) return { lines, overflow: true };
      const whole = this.#pending.length ? Buffer.concat([...this.#pending, piece]) : piece;
      this.#pending = [];
      this.#pendingBytes = 0;
      const text = whole.toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') lines.push(text);
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length) {
      if (this.#pendingBytes + rest.length > this.#maxBytes) return { lines, overflow: true };
      this.#pending.push(Buffer.from(rest));
      this.#pendingBytes += rest.length;
    }
    return { lines, overflow: false };
  }
}

export type { Command, CommandResult };
