/**
 * A TCP relay in front of a fake provider server that keeps every byte the app sends, so a test
 * can search the real wire (request lines, every header, bodies) and not only what a fake chose
 * to log. The app is pointed at the relay's origin; the fake answers as usual.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface WireRecorder {
  /** `http://127.0.0.1:PORT`: use in place of the fake's origin. */
  origin: string;
  /** Everything clients sent, per connection, as latin1 text (bytes preserved one to one). */
  sent(): string[];
  close(): Promise<void>;
}

/** Relays to `target` (an origin such as http://127.0.0.1:1234); `null` records and answers 404. */
export async function recordWire(target: string | null): Promise<WireRecorder> {
  const chunks: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const mine: Buffer[] = [];
    chunks.push(mine);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (target === null) {
      // "Another host": keeps what arrives and answers every request with a bare 404.
      client.on('data', (d: Buffer) => {
        mine.push(d);
        if (d.includes('\r\n\r\n'))
          client.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
      return;
    }
    const { hostname, port } = new URL(target);
    const upstream = net.connect(Number(port), hostname);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.end();
    });
    upstream.on('error', () => client.destroy());
    client.on('data', (d: Buffer) => {
      mine.push(d);
      upstream.write(d);
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    sent: () => chunks.map((c) => Buffer.concat(c).toString('latin1')),
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** The wire text with every Authorization header line cut out (where a credential belongs). */
export function withoutAuthorization(wire: string): string {
  return wire.replace(/^authorization:[^\r\n]*\r\n/gim, '');
}

/** The Authorization header lines found on the wire, as `authorization: <value>`. */
export function authorizationLines(wire: string): string[] {
  return [...wire.matchAll(/^authorization:[ \t]*([^\r\n]*)/gim)].map(
    (m) => `authorization: ${m[1] ?? ''}`,
  );
}
