/**
 * Credentials written into a model URL (`http://user:password@host/...`): they are taken out of the URL
 * and sent as an `Authorization: Basic` header (RFC 7617), which is what the URL meant and what `fetch`
 * accepts (it refuses URLs with credentials), and every URL shown in a message, log line or health body
 * is first redacted to `user:***@`, so that the password never leaves the process.
 */

/** `scheme://userinfo@`: the part of a URL that holds credentials (RFC 3986 §3.2.1). */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;

/** `url` with its password (or a lone user name, which may be a token) replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : '***'}@`;
  });
}

/** Every URL with credentials in `text` (a message that quotes one), redacted as {@link redactUrl} does. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^/?#@\s"']*@/gi, (m) => redactUrl(m));
}

/**
 * `url` without its credentials, and the `Authorization` header value that carries them (undefined when
 * the URL has none). A URL that does not parse is returned as it is (redacted), for the caller's error.
 */
export function splitUrlCredentials(url: string): { url: string; authorization: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url: redactUrl(url), authorization: undefined };
  }
  if (parsed.username === '' && parsed.password === '') return { url, authorization: undefined };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

/**
 * `headers` with the URL's credentials as `Authorization`, unless the headers already have one (an
 * explicit header wins over the URL).
 */
export function withUrlCredentials(headers: Record<string, string>, authorization: string | undefined): Record<string, string> {
  if (authorization === undefined || Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) return headers;
  return { ...headers, Authorization: authorization };
}
