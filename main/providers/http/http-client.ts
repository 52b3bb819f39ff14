/**
 * The one way providers talk HTTP. It turns transport failures into error values, enforces a
 * timeout that covers the whole answer (a server that trickles its body counts as not
 * answering), reads at most `maxBodyBytes` of a body, never follows a redirect to another
 * origin with the Authorization header, and never puts a header or a URL's credentials into a
 * message.
 */
import { ProviderError } from '../provider';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Far above any answer the providers send (a week of entries is a few hundred KB). */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 3;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** For the whole exchange, redirects and body included. */
  timeoutMs?: number;
  /** A larger body is not read: the request fails with an 'offline' error saying so. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty). Parse it with a zod schema, never trust it. */
  text: string;
  url: string;
}

/** The body went over `maxBodyBytes`: reading stopped there. */
class BodyTooLarge extends Error {}

/** `service` names the provider in messages: "Toggl Track did not answer within 10 s." */
export async function httpRequest(
  fetchFn: typeof fetch,
  service: string,
  req: HttpRequest,
): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // One deadline for the whole exchange: a fresh timeout per hop or per chunk would let a
  // redirect loop or a drip of one byte a second hold the app for ever.
  const signal = AbortSignal.timeout(timeoutMs);
  let url = req.url;
  let headers: Record<string, string> = { ...req.headers };
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetchFn(url, {
        method: req.method,
        headers,
        body: req.body,
        redirect: 'manual',
        signal,
      });
    } catch (err) {
      throw offline(describeTransportError(service, err, timeoutMs, 'headers'));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && hop < MAX_REDIRECTS) {
      // The redirect's own body is never used: not reading it frees the connection sooner.
      await res.body?.cancel().catch(() => {});
      const next = new URL(location, url);
      // Credentials go to the origin they were meant for, never to a host we were sent to.
      if (next.origin !== new URL(url).origin) headers = withoutAuthorization(headers);
      url = next.toString();
      continue;
    }
    let text: string;
    try {
      text = await readCapped(res, maxBodyBytes, signal);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        throw offline(
          `${service} sent an answer larger than ${formatBytes(maxBodyBytes)}; it was not read.`,
        );
      }
      throw offline(describeTransportError(service, err, timeoutMs, 'body'));
    }
    return { status: res.status, headers: res.headers, text, url };
  }
}

function offline(message: string): ProviderError {
  return new ProviderError({ kind: 'offline', message });
}

/**
 * The body as text, read chunk by chunk so that a huge answer is dropped at `limit` bytes
 * (counted after any gzip was undone: a small compressed bomb is caught too) instead of being
 * held in memory whole. Each read also races the deadline, so a fetch that ignores its signal
 * once the headers are in still cannot stall us.
 */
async function readCapped(res: Response, limit: number, signal: AbortSignal): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    throw new BodyTooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // Only ever observed through the race below; never an unhandled rejection.
  aborted.catch(() => {});
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), aborted]);
      if (chunk.done) return text + decoder.decode();
      size += chunk.value.byteLength;
      if (size > limit) throw new BodyTooLarge();
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch (err) {
    // Tells the server we are gone instead of letting the rest of the body pile up.
    reader.cancel().catch(() => {});
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  const kb = bytes / 1024;
  return kb >= 1 ? `${Number(kb.toFixed(1))} KB` : `${bytes} bytes`;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
  );
}

function describeTransportError(
  service: string,
  err: unknown,
  timeoutMs: number,
  stage: 'headers' | 'body',
): string {
  const name = (err as Error | undefined)?.name;
  const within = `within ${Math.ceil(timeoutMs / 1000)} s`;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return stage === 'headers'
      ? `${service} did not answer ${within}.`
      : `${service} started answering but did not finish ${within}.`;
  }
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause;
  const code = cause?.code;
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'its address could not be resolved (offline?)'
      : code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? stage === 'headers'
            ? 'the connection was reset'
            : 'the connection was reset in the middle of its answer'
          : code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT'
            ? 'the connection timed out'
            : code === 'ENETUNREACH' || code === 'EHOSTUNREACH'
              ? 'no route to it (offline?)'
              : code
                ? `network error ${code}`
                : 'network error';
  return `${service} is unreachable: ${why}.`;
}
