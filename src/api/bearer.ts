// `Authorization: Bearer <API_TOKEN>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { UnauthorizedError } from './http-errors';

/** Both sides are hashed first, so the comparison takes the same time whatever the lengths. */
export function secretMatches(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of a `Bearer` Authorization header (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Throws 401 unless the request carries `Authorization: Bearer <token>`. */
export function requireBearer(req: IncomingMessage, token: string): void {
  if (!secretMatches(bearerToken(req.headers.authorization), token)) {
    throw new UnauthorizedError('Missing or wrong Authorization: Bearer token');
  }
}
