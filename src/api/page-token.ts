// Page tokens handed to API callers are Temporal's, sealed with an HMAC: a made-up or altered token is a 400 at
// once (Temporal answers an unknown token with UNKNOWN, which the SDK retries for ~20 s). The key derives from
// API_TOKEN, so every API replica behind a load balancer accepts the others' tokens.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './http-errors';

const MAC_BYTES = 16;

export interface PageTokenSeal {
  /** Temporal's token (base64, as FlinksRefreshClient returns it) → the caller's. */
  seal(token: string | null): string | null;
  /** The caller's token → Temporal's (base64); ValidationError naming pageToken when it is not ours. */
  open(sealed: string): string;
}

export function pageTokenSeal(apiToken: string): PageTokenSeal {
  const key = createHash('sha256').update('flinks-refresh page tokens\0').update(apiToken).digest();
  const mac = (raw: Buffer) => createHmac('sha256', key).update(raw).digest().subarray(0, MAC_BYTES);
  return {
    seal(token) {
      if (token === null) return null;
      const raw = Buffer.from(token, 'base64');
      return `${raw.toString('base64url')}.${mac(raw).toString('base64url')}`;
    },
    open(sealed) {
      const [body = '', signature = '', ...rest] = sealed.split('.');
      const raw = Buffer.from(body, 'base64url');
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(raw);
      // Node decodes base64url leniently (stray characters skipped, unused bits ignored): only the exact encoding
      // seal() produced is ours.
      const canonical = raw.toString('base64url') === body && given.toString('base64url') === signature;
      if (rest.length > 0 || !canonical || given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) {
        throw new ValidationError('Invalid query: pageToken: is not a token from a previous page', [
          { field: 'pageToken', message: 'is not a token from a previous page' },
        ]);
      }
      return raw.toString('base64');
    },
  };
}
