import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-flinks-refresh-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the value of the signature header. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers: constant-time check of a signature header against the raw body. */
export function verifyBodySignature(
  body: string | Buffer,
  secret: string,
  header: string | null | undefined,
): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(body, secret));
  const received = Buffer.from(header.trim());
  return expected.length === received.length && timingSafeEqual(expected, received);
}
