/**
 * The control socket against the real core in a temp data folder: who may connect (file modes),
 * what happens to a socket left by a crashed app, a second instance, and clients that send
 * garbage. The bytes on the wire are asserted as a client sees them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, promises as fs, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandResult } from '../../preload/contract';
import { snapshotSchema } from '../../preload/contract';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MAX_REQUEST_BYTES, maxUnixSocketPathBytes } from '../../main/control/protocol';
import { startControlServer } from '../../main/control/socket-server';
import type { ControlServer } from '../../main/control/socket-server';
import { ControlClientError, sendControlCommand } from '../../main/control/socket-client';
import { readControlToken } from '../../main/control/control-token';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';

let tmp: string;
let dataDir: string;
let socketPath: string;
let core: Core;
const servers: ControlServer[] = [];

beforeEach(async () => {
  // Short paths: a Unix socket path must fit in ~100 bytes.
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-ctl-'));
  dataDir = path.join(tmp, 'data');
  socketPath = path.join(dataDir, 'control.sock');
  core = await openCore({ dataDir, secrets: new MemorySecretStore(), mode: 'oneshot' });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await core.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The real core, with a log of which of its doors each request used. */
async function serve(log?: string[]): Promise<ControlServer> {
  const server = await startControlServer({
    core: {
      snapshot: () => {
        log?.push('snapshot()');
        return core.snapshot();
      },
      execute: (c: Command) => {
        log?.push(`execute(${c.type})`);
        return core.execute(c);
      },
    },
    socketPath,
  });
  servers.push(server);
  return server;
}

interface RawExchange {
  lines: unknown[];
  closedByServer: boolean;
}

/** Writes raw bytes, collects every line the server sends until it closes or `expect` lines came. */
function rawExchange(
  payload: string | Buffer,
  expectLines: number,
  timeoutMs = 5_000,
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buf = '';
    const lines: unknown[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ lines, closedByServer });
    };
    const timer = setTimeout(
      () => (done ? undefined : reject(new Error(`timeout; got ${JSON.stringify(lines)}`))),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(payload));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        lines.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
      if (lines.length >= expectLines) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', (err) => (done ? undefined : reject(err)));
  });
}

/** Leaves a socket file behind the way a crashed app does (SIGKILL: no cleanup). */
async function leaveStaleSocket(where: string): Promise<void> {
  await fs.mkdir(path.dirname(where), { recursive: true });
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(where)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  await new Promise((r) => child.on('exit', r));
  expect(statSync(where).isSocket()).toBe(true);
}

describe('control socket: who may connect', () => {
  it('creates the folder 0700 and the socket 0600', async () => {
    await serve();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const st = statSync(socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('tightens an existing folder of ours to 0700', async () => {
    await fs.chmod(dataDir, 0o755);
    await serve();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('removes its socket file on close', async () => {
    const server = await serve();
    await server.close();
    await expect(fs.lstat(socketPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('control socket: one instance', () => {
  it('replaces a stale socket left by a crashed app', async () => {
    await leaveStaleSocket(socketPath);
    await serve();
    const answer = await sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 5_000 });
    expect(answer.kind).toBe('answered');
  });

  it('refuses to start a second server while the first answers, and the first keeps serving', async () => {
    await serve();
    await expect(startControlServer({ core, socketPath })).rejects.toThrow(
      /Tray Timer is already running/,
    );
    const answer = await sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 5_000 });
    expect(answer.kind).toBe('answered');
  });

  it('refuses a socket path the kernel would truncate, creating nothing anywhere', async () => {
    const deep = path.join(tmp, 'd'.repeat(60), 'e'.repeat(60));
    const longPath = path.join(deep, 'control.sock');
    const limit = maxUnixSocketPathBytes();
    const truncated = Buffer.from(longPath).subarray(0, limit).toString();
    await expect(startControlServer({ core, socketPath: longPath })).rejects.toThrow(
      `longer than ${limit} bytes`,
    );
    await expect(fs.lstat(truncated)).rejects.toMatchObject({ code: 'ENOENT' });
    // …and the client does not knock on whatever the truncated path would name.
    await expect(
      sendControlCommand(longPath, { type: 'status' }, { timeoutMs: 1_000 }),
    ).resolves.toEqual({
      kind: 'not-running',
    });
  });

  it('never deletes a file that is not a socket', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    writeFileSync(socketPath, 'not a socket');
    await expect(startControlServer({ core, socketPath })).rejects.toThrow(/is not a socket/);
    expect(await fs.readFile(socketPath, 'utf8')).toBe('not a socket');
  });
});

describe('control socket: requests', () => {
  it('answers status from the core snapshot, and executes commands on the core', async () => {
    const seen: string[] = [];
    await serve(seen);
    const started = await sendControlCommand(
      socketPath,
      { type: 'start', input: { description: 'Over the socket' } },
      { timeoutMs: 5_000 },
    );
    expect(started).toMatchObject({ kind: 'answered', result: { ok: true } });
    // The in-process core changed: the command went to it, not to the files behind its back.
    expect(core.snapshot().accounts[0]?.entry?.description).toBe('Over the socket');

    const status = await sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 5_000 });
    if (status.kind !== 'answered' || !status.result.ok) throw new Error('no status');
    expect(snapshotSchema.parse(status.result.snapshot).accounts[0]?.running).toBe(true);
    // status never reaches execute (nor, through it, a provider): it is the current snapshot.
    expect(seen).toEqual(['execute(start)', 'snapshot()']);
  });

  it('relays the core’s error values unchanged', async () => {
    await serve();
    const answer = await sendControlCommand(
      socketPath,
      { type: 'stop', input: { accountId: 'nope' } },
      { timeoutMs: 5_000 },
    );
    expect(answer).toMatchObject({
      kind: 'answered',
      result: { ok: false, error: { kind: 'not-found' } },
    });
  });

  it('answers malformed JSON with a validation error (id 0) and keeps serving the connection', async () => {
    await serve();
    const { lines } = await rawExchange(
      '{"id":1,"command":\n{"id":2,"command":{"type":"status"}}\n',
      2,
    );
    const [bad, good] = lines as [
      { id: number; result: CommandResult },
      { id: number; result: CommandResult },
    ];
    expect(bad.id).toBe(0);
    expect(bad.result).toMatchObject({
      ok: false,
      error: { kind: 'validation', message: expect.stringMatching(/not valid JSON/) },
    });
    expect(good).toMatchObject({ id: 2, result: { ok: true } });
  });

  it('answers an invalid command with a specific validation error under the request id', async () => {
    await serve();
    const { lines } = await rawExchange(
      `${JSON.stringify({ id: 7, command: { type: 'explode' } })}\n${JSON.stringify({ id: 8, command: { type: 'start', input: { accountId: '' } } })}\n`,
      2,
    );
    const [unknownType, emptyAccount] = lines as {
      id: number;
      result: { ok: false; error: { kind: string; message: string } };
    }[];
    expect(unknownType?.id).toBe(7);
    expect(unknownType?.result.error.kind).toBe('validation');
    expect(unknownType?.result.error.message).toMatch(/command\.type/);
    expect(emptyAccount?.id).toBe(8);
    expect(emptyAccount?.result.error.message).toMatch(
      /command\.input\.accountId: account id is empty/,
    );
  });

  it('answers a request with no usable id with id 0', async () => {
    await serve();
    const { lines } = await rawExchange('{"id":-3,"command":{"type":"status"}}\n[1,2]\n', 2);
    expect(lines).toMatchObject([
      { id: 0, result: { ok: false, error: { kind: 'validation' } } },
      { id: 0, result: { ok: false, error: { kind: 'validation' } } },
    ]);
  });

  it('refuses a request over 64 KiB, closes that connection, and serves the next client', async () => {
    await serve();
    const huge = `{"id":1,"command":{"type":"start","input":{"description":"${'x'.repeat(MAX_REQUEST_BYTES + 10)}"}}}\n`;
    const { lines, closedByServer } = await rawExchange(huge, 2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      id: 0,
      result: {
        ok: false,
        error: { kind: 'validation', message: expect.stringMatching(/64 KiB/) },
      },
    });
    expect(closedByServer).toBe(true);
    // Nothing was started by the oversized request.
    expect(core.snapshot().accounts[0]?.running).toBe(false);

    const next = await sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 5_000 });
    expect(next).toMatchObject({ kind: 'answered', result: { ok: true } });
  });

  it('survives a client that disconnects before its answer', async () => {
    await serve();
    const socket = net.createConnection(socketPath);
    await new Promise((r) => socket.on('connect', r));
    socket.write('{"id":1,"command":{"type":"start","input":{"description":"gone"}}}\n');
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const next = await sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 5_000 });
    expect(next).toMatchObject({ kind: 'answered', result: { ok: true } });
  });
});

describe('control client', () => {
  it('reports not-running when there is no socket', async () => {
    await expect(
      sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 2_000 }),
    ).resolves.toEqual({
      kind: 'not-running',
    });
  });

  it('reports not-running for a stale socket (connection refused)', async () => {
    await leaveStaleSocket(socketPath);
    await expect(
      sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 2_000 }),
    ).resolves.toEqual({
      kind: 'not-running',
    });
  });

  it('throws a readable error when something listens but never answers', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(socketPath, r));
    try {
      const attempt = sendControlCommand(socketPath, { type: 'status' }, { timeoutMs: 300 });
      await expect(attempt).rejects.toBeInstanceOf(ControlClientError);
      await expect(attempt).rejects.toThrow(/did not answer within 0.3 s/);
    } finally {
      silent.close();
    }
  });
});

describe('the control token (what keeps a Windows pipe to its user; a second lock on Unix)', () => {
  async function serveWithToken(): Promise<{ server: ControlServer; tokenFile: string }> {
    const tokenFile = path.join(dataDir, 'control.token');
    const server = await startControlServer({ core, socketPath, tokenFile });
    servers.push(server);
    return { server, tokenFile };
  }

  it('is written 0600 before the socket answers, fresh at each start, and removed on close', async () => {
    const { server, tokenFile } = await serveWithToken();
    const first = readControlToken(tokenFile);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    await server.close();
    expect(readControlToken(tokenFile)).toBeNull();
    await serveWithToken();
    expect(readControlToken(tokenFile)).not.toBe(first);
  });

  it('a request without the token, or with a wrong one, is refused and the connection closed', async () => {
    const { tokenFile } = await serveWithToken();
    const token = readControlToken(tokenFile) ?? '';
    const wrong = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    for (const extra of [{}, { token: wrong }, { token: '' }]) {
      const r = await rawExchange(
        `${JSON.stringify({ id: 7, command: { type: 'start', input: { description: 'x' } }, ...extra })}\n`,
        1,
      );
      expect(r.lines).toEqual([
        {
          id: 7,
          result: {
            ok: false,
            error: { kind: 'auth', message: expect.stringMatching(/control token/) as string },
          },
        },
      ]);
    }
    // Nothing was started by any of them.
    expect(core.snapshot().accounts.some((a) => a.running)).toBe(false);
  });

  it('the CLI side reads the token file and is answered', async () => {
    const { tokenFile } = await serveWithToken();
    const answer = await sendControlCommand(
      socketPath,
      { type: 'start', input: { description: 'With token' } },
      { timeoutMs: 5_000, tokenFile },
    );
    expect(answer).toMatchObject({ kind: 'answered', result: { ok: true } });
    expect(core.snapshot().accounts.find((a) => a.running)?.entry?.description).toBe('With token');
    // Without the file (another user cannot read it) the same request is refused.
    const refused = await sendControlCommand(
      socketPath,
      { type: 'stop', input: {} },
      { timeoutMs: 5_000, tokenFile: path.join(tmp, 'nope.token') },
    );
    expect(refused).toMatchObject({
      kind: 'answered',
      result: { ok: false, error: { kind: 'auth' } },
    });
  });
});
