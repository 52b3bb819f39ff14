/**
 * Servers that misbehave the way real networks and broken gateways do, for the reliability
 * suite. A HostileFront sits on one fixed loopback port in front of a fake provider: the account
 * is connected through it, it passes requests through while healthy, and a test switches it to
 * a fault and back ("the server heals") without the app noticing anything but the fault.
 *
 * Transport faults are real, not simulated by a fetch stub:
 *  - `refuse`: nothing listens on the port (the kernel answers RST: ECONNREFUSED);
 *  - `blackhole`: a socket listens on the port but never accepts, and its accept queue is
 *    already full, so Linux drops our SYN and connect() hangs (see startBlackhole);
 *  - `reset`: the socket is reset (RST) as soon as the request arrived.
 * HTTP faults: a body that stalls, drips, is 50 MB, is cut off or has the wrong shape, 5xx HTML
 * pages, and a redirect to another host.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GATEWAY_502_HTML, readRawBody, truncate } from '../fakes/http-fake-kit';

export type HostileMode =
  | { kind: 'pass' }
  | { kind: 'refuse' }
  | { kind: 'blackhole' }
  /** Status line and headers, the first bytes of the body, then nothing at all. */
  | { kind: 'stall-body' }
  | { kind: 'reset' }
  /** An HTML error page, as a gateway or load balancer sends it. */
  | { kind: 'html-status'; status: 500 | 502 | 503 }
  /** The real answer, cut in half (a complete HTTP response whose JSON ends early). */
  | { kind: 'truncate' }
  /**
   * 200 with `reshape(realJson)` as the body, the real headers otherwise (200 whatever the real
   * status: an error envelope reshaped would still be read as an error).
   */
  | { kind: 'wrong-shape'; reshape: (json: unknown) => unknown }
  /** 200 with a JSON array of `bytes` bytes, chunked (no length to refuse it by). */
  | { kind: 'huge'; bytes: number }
  /** 200, then one byte every `everyMs`, never ending. */
  | { kind: 'drip'; everyMs: number }
  /** 302 to the same path on `toOrigin`. */
  | { kind: 'redirect'; toOrigin: string };

/** What reached a server: enough to prove which credentials went where. */
export interface ArrivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const HTML_PAGES: Record<500 | 502 | 503, string> = {
  500:
    '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n' +
    '<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n',
  502: GATEWAY_502_HTML,
  503:
    '<html><head><title>503 Service Temporarily Unavailable</title></head>\n' +
    '<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>\n',
};

export class HostileFront {
  /** Every request that reached the front while it listened. */
  readonly arrived: ArrivedRequest[] = [];
  /** Bytes of `huge` bodies actually handed to the socket (the client stops reading early). */
  hugeBytesWritten = 0;
  #mode: HostileMode = { kind: 'pass' };
  #server: Server | null = null;
  #blackhole: Blackhole | null = null;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly port: number,
    private readonly upstream: URL,
  ) {}

  /** Starts on a port the OS picks, passing everything through to `upstreamOrigin`. */
  static async start(upstreamOrigin: string): Promise<HostileFront> {
    const probe = createServer();
    await listen(probe, 0);
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const front = new HostileFront(port, new URL(upstreamOrigin));
    await front.#listen();
    return front;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): HostileMode {
    return this.#mode;
  }

  /** `baseUrl` (a fake's API root) as seen through the front: same path, the front's origin. */
  via(baseUrl: string): string {
    const url = new URL(baseUrl);
    return `${this.origin}${url.pathname}`;
  }

  /** Switches behaviour; listening/refusing/blackholing the port changes with it. */
  async set(mode: HostileMode): Promise<void> {
    this.#mode = mode;
    this.#dropConnections();
    const wantsServer = mode.kind !== 'refuse' && mode.kind !== 'blackhole';
    if (this.#blackhole && mode.kind !== 'blackhole') {
      await this.#blackhole.close();
      this.#blackhole = null;
    }
    if (!wantsServer && this.#server) await this.#unlisten();
    if (mode.kind === 'blackhole' && !this.#blackhole)
      this.#blackhole = await startBlackhole(this.port);
    if (wantsServer && !this.#server) await this.#listen();
  }

  async close(): Promise<void> {
    this.#dropConnections();
    await this.#blackhole?.close();
    this.#blackhole = null;
    if (this.#server) await this.#unlisten();
  }

  #dropConnections(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.clear();
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  async #listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        console.error('hostile front failed', err);
        if (!res.headersSent) res.writeHead(599);
        res.end();
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await listen(server, this.port);
    this.#server = server;
  }

  async #unlisten(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readRawBody(req)).toString('utf8');
    const url = req.url ?? '/';
    this.arrived.push({ method: req.method ?? 'GET', url, headers: req.headers, body });
    // No kept-alive connections: a switch of mode closes sockets, and a client that reused one
    // it had not yet seen closed would meet "other side closed" instead of the fault under test.
    res.setHeader('Connection', 'close');
    const mode = this.#mode;
    switch (mode.kind) {
      case 'pass':
      case 'refuse':
      case 'blackhole': {
        const up = await this.#forward(req, body);
        res.writeHead(up.status, up.headers).end(up.body);
        return;
      }
      case 'reset':
        // RST, not FIN: the client sees ECONNRESET, as behind a crashing proxy.
        req.socket.resetAndDestroy();
        return;
      case 'stall-body':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '4096' });
        res.write('{"data":[{"id":');
        return;
      case 'drip': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('[');
        const timer = setInterval(() => res.write(' '), mode.everyMs);
        this.#timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          this.#timers.delete(timer);
        });
        return;
      }
      case 'html-status':
        res
          .writeHead(mode.status, {
            'Content-Type': 'text/html',
            ...(mode.status === 503 ? { 'Retry-After': '30' } : {}),
          })
          .end(HTML_PAGES[mode.status]);
        return;
      case 'truncate': {
        const up = await this.#forward(req, body);
        const cut = truncate(up.body.toString('utf8'));
        res
          .writeHead(up.status, { ...up.headers, 'content-length': String(Buffer.byteLength(cut)) })
          .end(cut);
        return;
      }
      case 'wrong-shape': {
        const up = await this.#forward(req, body);
        const text = JSON.stringify(mode.reshape(JSON.parse(up.body.toString('utf8') || 'null')));
        res
          .writeHead(200, {
            ...up.headers,
            'content-length': String(Buffer.byteLength(text)),
          })
          .end(text);
        return;
      }
      case 'huge':
        this.#sendHuge(res, mode.bytes);
        return;
      case 'redirect':
        res.writeHead(302, { Location: `${mode.toOrigin}${url}` }).end();
        return;
    }
  }

  /** The fake's own answer to this request. */
  async #forward(
    req: IncomingMessage,
    body: string,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const up = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = httpRequest(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.upstream.host, connection: 'close' },
        },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });
    const answer = await readRawBody(up, 50_000_000);
    const headers = { ...up.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.length);
    return { status: up.statusCode ?? 502, headers, body: answer };
  }

  /** Writes `bytes` of a JSON array, respecting backpressure, until done or the client left. */
  #sendHuge(res: ServerResponse, bytes: number): void {
    const item = Buffer.from('{"id":1,"description":"padding padding padding padding"},');
    const chunk = Buffer.concat(Array.from({ length: 1024 }, () => item));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('[');
    let sent = 1;
    const pump = (): void => {
      while (!res.destroyed && sent + chunk.length < bytes) {
        sent += chunk.length;
        this.hugeBytesWritten += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end('{}]');
    };
    pump();
  }
}

/** A server on another host (127.0.0.2) that records what arrives and answers a login page. */
export interface OtherHost {
  origin: string;
  arrived: ArrivedRequest[];
  close(): Promise<void>;
}

export const CAPTIVE_PORTAL_HTML =
  '<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head>' +
  '<body><form method="post" action="/login"><input name="room"><button>Connect</button></form></body></html>';

export async function startOtherHost(host = '127.0.0.2'): Promise<OtherHost> {
  const arrived: ArrivedRequest[] = [];
  const server = createServer((req, res) => {
    readRawBody(req)
      .then((raw) => {
        arrived.push({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body: raw.toString('utf8'),
        });
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(CAPTIVE_PORTAL_HTML);
      })
      .catch(() => res.destroy());
  });
  await listen(server, 0, host);
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    arrived,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A port whose connect() hangs
// ---------------------------------------------------------------------------------------------
interface Blackhole {
  close(): Promise<void>;
}

/**
 * Linux drops an incoming SYN while the listening socket's accept queue is full (the SYN is not
 * answered, the client retransmits it with backoff: connect() hangs for minutes). Node always
 * accepts, so a tiny python3 process holds the socket: listen(0) (a queue of one), one
 * connection of its own to fill it, never accept(). It exits when its stdin closes, so it cannot
 * outlive the test process.
 */
const BLACKHOLE_PY = `
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(0)
fillers = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", int(sys.argv[1])))
    except BlockingIOError:
        pass
    fillers.append(c)
print("ready", flush=True)
sys.stdin.read()
`;

async function startBlackhole(port: number): Promise<Blackhole> {
  const child: ChildProcess = spawn('python3', ['-c', BLACKHOLE_PY, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new Error(`the connect-timeout scenario needs python3 on PATH (${err.message})`)),
    );
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    void exited.then(() => reject(new Error(`blackhole exited early: ${stderr}`)));
  });
  // Give the kernel a moment to complete the filler's handshake into the accept queue.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    close: async () => {
      child.stdin?.end();
      await exited;
    },
  };
}

function listen(server: Server, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
