// The target of a request line, read without trusting it. Node's HTTP parser passes targets such as `//x:99999`,
// `//[` or `http://[::1` that the URL parser throws on, and a throw in a synchronous request listener ends the
// process: every server a client can reach reads its target here, inside its guarded path, and answers 400 to null.

/** What an origin-form target is resolved against: servers read only its path and query. */
const BASE = 'http://request-target';

/** What each server says in its 400 (never the target itself: it may carry a secret, as `?token=` does). */
export const BAD_REQUEST_TARGET_MESSAGE =
  'The request target is neither a path (/path?query) nor an http(s) URL with a valid host and port';

/**
 * The URL of an origin-form (`/path?query`) or absolute-form (`http://host/path`) target, as the URL parser reads
 * it; null for authority-form (`host:port`), `*`, other schemes, and anything that does not parse. Never throws.
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  if (target === undefined || !(target.startsWith('/') || /^https?:\/\//i.test(target))) return null;
  try {
    return new URL(target, BASE);
  } catch {
    return null;
  }
}
