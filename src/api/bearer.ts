// `Authorization: Bearer <API_TOKEN>`, compared in constant time.
import { type IncomingMessage } from 'node:http';
import { bearerToken, secretMatches } from '../security/bearer-token';
import { UnauthorizedError } from './http-errors';

/** Throws 401 unless the request carries `Authorization: Bearer <token>`. */
export function requireBearer(req: IncomingMessage, token: string): void {
  if (!secretMatches(bearerToken(req.headers.authorization), token)) {
    throw new UnauthorizedError('Missing or wrong Authorization: Bearer token');
  }
}
