// Shared secrets (API token, codec token, webhook secret), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Both sides are hashed first, so the comparison takes the same time whatever the lengths. */
export function secretMatches(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Whether `received` is any of `expected` (a secret and the one being rotated out); every one is compared. */
export function secretMatchesAny(received: string | undefined, expected: readonly string[]): boolean {
  return expected.map((secret) => secretMatches(received, secret)).includes(true);
}

/** The token of a `Bearer` Authorization header (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}
