/**
 * The one way providers talk HTTP. It turns transport failures into error values, enforces a
 * timeout, never follows a redirect to another origin with the Authorization header, and never
 * puts a header or a URL's credentials into a message.
 */
import { ProviderError } from '../provider';

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty). Parse it with a zod schema, never trust it. */
  text: string;
  url: string;
}

/** `service` names the provider in messages: "Toggl Track did not answer within 10 s." */
export async function httpRequest(
  fetchFn: typeof fetch,
  service: string,
  req: HttpRequest,
): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let url = req.url;
  let headers: Record<string, string> = { ...req.headers };
  for (let hop = 0; ; hop++) {
    let res: Response;
    let text: string;
    try {
      res = await fetchFn(url, {
        method: req.method,
        headers,
        body: req.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new ProviderError({
        kind: 'offline',
        message: describeTransportError(service, err, timeoutMs),
      });
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && hop < MAX_REDIRECTS) {
      const next = new URL(location, url);
      // Credentials go to the origin they were meant for, never to a host we were sent to.
      if (next.origin !== new URL(url).origin) headers = withoutAuthorization(headers);
      url = next.toString();
      continue;
    }
    return { status: res.status, headers: res.headers, text, url };
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
  );
}

function describeTransportError(service: string, err: unknown, timeoutMs: number): string {
  const name = (err as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `${service} did not answer within ${Math.ceil(timeoutMs / 1000)} s.`;
  }
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause;
  const code = cause?.code;
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'its address could not be resolved (offline?)'
      : code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'the connection was reset'
          : code
            ? `network error ${code}`
            : 'network error';
  return `${service} is unreachable: ${why}.`;
}
