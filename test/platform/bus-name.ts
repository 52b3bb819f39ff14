/**
 * Owns a well-known name on a D-Bus bus, the way a screen locker owns org.gnome.ScreenSaver,
 * until released (the bus then announces NameOwnerChanged with no new owner). None of the D-Bus
 * tools can hold a name (dbus-send exits at once, gdbus and busctl only call), and the pure-JS
 * client on npm (dbus-next) brings event-stream and a native optional dependency for a test
 * helper, so this speaks the few messages it needs itself: SASL EXTERNAL, Hello, RequestName
 * (D-Bus specification, "Message Protocol", little-endian marshalling).
 */
import { connect, type Socket } from 'node:net';

export interface BusName {
  /** Closes the connection: the bus drops the name. */
  release(): Promise<void>;
}

/** `unix:path=/tmp/dbus-x,guid=…` or `unix:abstract=…` → a socket path for net.connect. */
function socketPath(address: string): string {
  const first = address.split(';')[0] ?? '';
  const params = new Map(
    first
      .replace(/^unix:/, '')
      .split(',')
      .map((kv) => kv.split('=') as [string, string]),
  );
  const path = params.get('path');
  if (path) return path;
  const abstract = params.get('abstract');
  if (abstract) return `\0${abstract}`;
  throw new Error(`unsupported bus address: ${address}`);
}

/** Appends little-endian D-Bus values with the alignment the protocol asks for. */
class Writer {
  bytes: number[] = [];
  align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  byte(v: number): void {
    this.bytes.push(v & 0xff);
  }
  uint32(v: number): void {
    this.align(4);
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.uint32(b.length);
    this.bytes.push(...b, 0);
  }
  signature(s: string): void {
    this.byte(s.length);
    this.bytes.push(...Buffer.from(s, 'ascii'), 0);
  }
}

/** A method call to the bus itself (org.freedesktop.DBus), with a body of strings and uint32s. */
function busCall(serial: number, member: string, args: (string | number)[]): Buffer {
  const body = new Writer();
  let sig = '';
  for (const arg of args) {
    if (typeof arg === 'string') {
      body.string(arg);
      sig += 's';
    } else {
      body.uint32(arg);
      sig += 'u';
    }
  }
  const fields = new Writer();
  const field = (code: number, type: 'o' | 's' | 'g', value: string) => {
    fields.align(8);
    fields.byte(code);
    fields.signature(type);
    if (type === 'g') fields.signature(value);
    else fields.string(value);
  };
  field(1, 'o', '/org/freedesktop/DBus');
  field(2, 's', 'org.freedesktop.DBus');
  field(3, 's', member);
  field(6, 's', 'org.freedesktop.DBus');
  if (sig) field(8, 'g', sig);

  const head = new Writer();
  head.byte(0x6c); // 'l': little-endian
  head.byte(1); // METHOD_CALL
  head.byte(0);
  head.byte(1); // protocol version
  head.uint32(body.bytes.length);
  head.uint32(serial);
  head.uint32(fields.bytes.length);
  // The header-field array starts 8-aligned (offset 16), so its bytes copy over as they are.
  head.bytes.push(...fields.bytes);
  head.align(8);
  return Buffer.from([...head.bytes, ...body.bytes]);
}

/** Connects to the bus at `address` and takes `name` (DBUS_NAME_FLAG_DO_NOT_QUEUE). */
export async function ownBusName(address: string, name: string): Promise<BusName> {
  const socket: Socket = connect(socketPath(address));
  let received = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    for (const wake of waiters.splice(0)) wake();
  });
  const until = (test: (data: Buffer) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} from the bus in 5 s`)), 5000);
      const check = () => {
        if (test(received)) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  const uid = String(process.getuid?.() ?? 0);
  socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid, 'ascii').toString('hex')}\r\n`);
  await until((d) => d.includes('\r\n'), 'answer to AUTH');
  if (!received.toString('latin1').startsWith('OK ')) {
    socket.destroy();
    throw new Error(`the bus refused EXTERNAL auth: ${received.toString('latin1').trim()}`);
  }
  received = Buffer.alloc(0);
  socket.write('BEGIN\r\n');
  socket.write(busCall(1, 'Hello', []));
  socket.write(busCall(2, 'RequestName', [name, 4]));
  // The bus sends NameAcquired(name) to its new owner once the name is ours.
  await until(
    (d) => d.includes('NameAcquired') && d.includes(Buffer.from(name, 'utf8')),
    `NameAcquired for ${name}`,
  );

  return {
    release: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
      }),
  };
}
