/**
 * The control socket refuses another Unix user. The suite runs as root, so the test makes (if
 * absent) a throw-away system user without a home or shell and connects as that user through
 * `setpriv`, a real second process with another uid and no supplementary groups. What the
 * kernel answers (EACCES) is what any other local user would get.
 *
 * Two controls keep the refusal honest: the owner connects and gets a status answer, and the
 * SAME server, after the test loosens its folder and socket modes, answers the other user. So
 * the refusal comes from the modes the app sets, not from a broken probe.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { controlResponseSchema } from '../../main/control/protocol';
import { startControlServer } from '../../main/control/socket-server';
import type { ControlServer } from '../../main/control/socket-server';
import type { Core } from '../../main/core/core';
import { openCore } from '../../main/core/open-core';
import { MemorySecretStore } from '../../main/secrets/memory-secret-store';

const PROBE_USER = 'tray-timer-probe';

function findTool(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const setpriv = findTool('setpriv');
const userExists = () => spawnSync('id', ['-u', PROBE_USER]).status === 0;
const isRoot = process.getuid?.() === 0;
const skipReason =
  process.platform === 'win32'
    ? 'Unix sockets only (the Windows pipe is covered in SECURITY.md, not here)'
    : !isRoot
      ? 'needs root to act as a second user (run the suite as root, as CI does)'
      : !setpriv
        ? 'needs setpriv (util-linux) to run a process as another user'
        : !userExists() && !findTool('useradd')
          ? `needs useradd (passwd) to create the throw-away user ${PROBE_USER}`
          : undefined;

interface Identity {
  uid: number;
  gid: number;
}

/** The throw-away user: created once, reused by later runs (system user, no home, no shell). */
function probeUser(): Identity {
  if (!userExists()) {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PROBE_USER],
      { stdio: 'pipe' },
    );
  }
  const uid = Number(execFileSync('id', ['-u', PROBE_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', PROBE_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Runs in the probe process: connect, send one `status` request, print what happened as JSON.
 * Plain JavaScript (the child is bare node, not the test transpiler).
 */
const CLIENT = `
const net = require('node:net');
const socket = net.createConnection(process.argv[1]);
let buf = '';
const done = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };
socket.on('connect', () => socket.write(JSON.stringify({ id: 7, command: { type: 'status' } }) + '\\n'));
socket.on('data', (d) => { buf += d; const i = buf.indexOf('\\n'); if (i >= 0) done({ connected: true, line: buf.slice(0, i) }); });
socket.on('error', (e) => done({ connected: false, code: e.code }));
setTimeout(() => done({ connected: false, code: 'TIMEOUT' }), 5000);
`;

const outcomeSchema = z.union([
  z.object({ connected: z.literal(true), line: z.string() }),
  z.object({ connected: z.literal(false), code: z.string() }),
]);
type Outcome = z.infer<typeof outcomeSchema>;

/** Async on purpose: the server runs in this process and must keep answering meanwhile. */
function connectAs(who: Identity | 'owner', socketPath: string): Promise<Outcome> {
  const node = process.execPath;
  const [cmd, args] =
    who === 'owner'
      ? [node, ['-e', CLIENT, socketPath]]
      : [
          setpriv as string,
          [
            `--reuid=${who.uid}`,
            `--regid=${who.gid}`,
            '--clear-groups',
            node,
            '-e',
            CLIENT,
            socketPath,
          ],
        ];
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`probe failed: ${err.message} ${stderr}`));
      else resolve(outcomeSchema.parse(JSON.parse(stdout)));
    });
  });
}

function statusAnswer(outcome: Outcome): unknown {
  if (!outcome.connected) throw new Error(`not connected: ${outcome.code}`);
  const response = controlResponseSchema.parse(JSON.parse(outcome.line));
  expect(response.id).toBe(7);
  return response.result;
}

const title = `control socket and another Unix user${skipReason ? ` (skipped: ${skipReason})` : ''}`;

describe.skipIf(skipReason !== undefined)(title, () => {
  let tmp: string;
  let dataDir: string;
  let socketPath: string;
  let core: Core;
  let server: ControlServer;
  let other: Identity;

  beforeAll(async () => {
    other = probeUser();
    // The temp folder itself is opened to everyone (like /tmp or a home folder with 0755), so the
    // only barrier left between the other user and the socket is what the app sets up.
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-sec-'));
    await fs.chmod(tmp, 0o755);
    dataDir = path.join(tmp, 'data');
    socketPath = path.join(dataDir, 'control.sock');
    core = await openCore({ dataDir, secrets: new MemorySecretStore(), mode: 'oneshot' });
    server = await startControlServer({ core, socketPath });
  });

  afterAll(async () => {
    await server?.close();
    await core?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the app sets a private folder (0700) and a private socket (0600)', async () => {
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(socketPath)).mode & 0o777).toBe(0o600);
  });

  it('the owner connects and gets a status answer', async () => {
    expect(statusAnswer(await connectAs('owner', socketPath))).toMatchObject({ ok: true });
  });

  it('another user is refused (EACCES)', async () => {
    expect(other.uid).not.toBe(0);
    expect(await connectAs(other, socketPath)).toEqual({ connected: false, code: 'EACCES' });
  });

  it('another user is refused by the socket mode alone, with the folder opened to search', async () => {
    // Defence in depth: even if the data folder were 0711, the 0600 socket refuses.
    await fs.chmod(dataDir, 0o711);
    try {
      expect(await connectAs(other, socketPath)).toEqual({ connected: false, code: 'EACCES' });
    } finally {
      await fs.chmod(dataDir, 0o700);
    }
  });

  it('control: with both modes loosened, the same server answers the other user', async () => {
    await fs.chmod(dataDir, 0o711);
    await fs.chmod(socketPath, 0o666);
    try {
      expect(statusAnswer(await connectAs(other, socketPath))).toMatchObject({ ok: true });
    } finally {
      await fs.chmod(socketPath, 0o600);
      await fs.chmod(dataDir, 0o700);
    }
    // And tightened again, it refuses again.
    expect(await connectAs(other, socketPath)).toEqual({ connected: false, code: 'EACCES' });
  });
});
