/**
 * `--base-url` checks: a replacement API root must be https, except on the loopback interface
 * where a local proxy or a test server cannot reasonably have a certificate. Anything else would
 * send an account's token in clear text over the network.
 */

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; message: string };

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  // WHATWG URL has already normalised IPv4 forms ("127.1" → "127.0.0.1").
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function checkBaseUrl(value: string): BaseUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      ok: false,
      message: `--base-url "${value}" is not a URL (example: https://api.example.com/api/v9)`,
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message:
        '--base-url must not contain a user name or password; secrets go through --secret-stdin',
    };
  }
  if (url.protocol === 'https:') return { ok: true, url: url.href };
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return { ok: true, url: url.href };
  if (url.protocol === 'http:') {
    return {
      ok: false,
      message: `--base-url must use https: (http: is allowed only for localhost, 127.0.0.0/8 and ::1, not ${url.hostname})`,
    };
  }
  return { ok: false, message: `--base-url must be an https: URL, not ${url.protocol}` };
}
