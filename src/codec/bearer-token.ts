// The codec server's authorization: `Authorization: Bearer <CODEC_AUTH_TOKEN>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when the header carries exactly the expected token. */
export function bearerTokenMatches(authorization: string | undefined, expected: string): boolean {
  const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
  if (given === undefined) return false;
  // Equal-length digests: timingSafeEqual needs equal lengths, and the time taken then says nothing about the token.
  const digest = (token: string) => createHash('sha256').update(token).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
