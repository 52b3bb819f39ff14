/**
 * Secrets reach the CLI only through standard input or a hidden prompt: never from argv, where
 * every other user can read them in `ps` and the shell keeps them in its history.
 */
import type { Readable, Writable } from 'node:stream';

export const MAX_SECRET_BYTES = 4096;

export class SecretInputError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'SecretInputError';
  }
}

/** All of stdin, without the trailing newline `echo` or a password manager adds. */
export async function readSecretFromStream(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_SECRET_BYTES)
      throw new SecretInputError(
        `the secret on standard input is longer than ${MAX_SECRET_BYTES} bytes`,
      );
    chunks.push(buf);
  }
  const secret = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!secret.trim())
    throw new SecretInputError(
      'standard input was empty; pipe the secret in, e.g. `pass show toggl | tray-timer accounts add toggl --secret-stdin`',
    );
  if (/[\r\n]/.test(secret))
    throw new SecretInputError(
      'the secret on standard input spans several lines; give exactly one line',
    );
  return secret;
}

interface TtyInput extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Asks on the terminal without echoing what is typed. Ctrl-C aborts, Ctrl-D/Enter ends. */
export function promptHidden(question: string, input: TtyInput, output: Writable): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!input.isTTY || !input.setRawMode) {
      reject(
        new SecretInputError('no terminal to ask for the secret; pipe it in with --secret-stdin'),
      );
      return;
    }
    output.write(question);
    input.setRawMode(true);
    input.resume();
    let secret = '';
    const done = (err?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(secret);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003') return done(new SecretInputError('cancelled', true));
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u007f' || ch === '\b') secret = secret.slice(0, -1);
        else secret += ch;
        if (Buffer.byteLength(secret) > MAX_SECRET_BYTES)
          return done(new SecretInputError(`the secret is longer than ${MAX_SECRET_BYTES} bytes`));
      }
    };
    input.on('data', onData);
  });
}
