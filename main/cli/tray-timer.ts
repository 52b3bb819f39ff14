/**
 * `tray-timer`: the command-line front door (bundled to out/cli/tray-timer.js by
 * vite.cli.config.ts). The command line itself is a public contract; see run-cli.ts and
 * parse-args.ts for what it does. This file only wires the real process to it.
 */
import os from 'node:os';
import { version } from '../../package.json';
import type { CoreOptions } from '../core/core';
import { runCli } from './run-cli';

// A status bar may close the pipe before we finish writing: that is not an error worth a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(): Promise<void> {
  let code: number;
  try {
    code = await runCli({
      args: process.argv.slice(2),
      env: process.env,
      platform: process.platform,
      homedir: os.homedir(),
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      version,
      now: () => Date.now(),
      // Loaded only when no app answers on the socket: when the app runs, `status` never
      // parses the core, the settings library or its JSON-schema validator at all.
      openCore: async (options: CoreOptions) =>
        (await import('../core/open-core')).openCore(options),
    });
  } catch (err) {
    // A bug, not a user error: say so plainly, first line only (never a secret-bearing dump).
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    process.stderr.write(`tray-timer: unexpected error: ${why}\nPlease report this.\n`);
    code = 1;
  }
  // Let stdout drain (a status bar reading through a pipe) before leaving with the code.
  process.exitCode = code;
}

void main();
