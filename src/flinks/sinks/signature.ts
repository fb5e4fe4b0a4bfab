// The signature of what we POST to a backend (card notifications, HTTP data sink), in the style of Stripe's:
// `x-flinks-refresh-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is signed
// with the body, so a captured request cannot be replayed once it is older than the receiver's tolerance. While a
// previous secret is configured the header carries a second `v1=`, signed with it: a receiver that still holds only
// the old secret keeps verifying during a rotation, in whichever order the two sides are rotated.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-flinks-refresh-signature';

/** How far a signature's timestamp may be from the receiver's clock, either way: 5 minutes. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** Newest first: the first secret signs, and so does each later one while it is still configured. */
export type SigningSecrets = readonly [string, ...string[]];

/** The value of the signature header for `body`, signed now (or at `nowMs`) with every secret given. */
export function signatureHeader(
  body: string | Buffer,
  secrets: string | SigningSecrets,
  nowMs: number = Date.now(),
): string {
  const timestamp = Math.floor(nowMs / 1000);
  const signatures = [secrets].flat().map((secret) => `v1=${hmac(secret, timestamp, body)}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}

export type SignatureProblem = 'missing' | 'malformed' | 'outside-tolerance' | 'mismatch';

/** Why a signature header was refused; the message never contains a secret or the body. */
export class SignatureVerificationError extends Error {
  override readonly name = 'SignatureVerificationError';

  constructor(
    readonly problem: SignatureProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifySignatureOptions {
  /** The receiver's clock; default Date.now(). */
  nowMs?: number;
  /** Default SIGNATURE_TOLERANCE_MS (5 minutes). */
  toleranceMs?: number;
}

/**
 * For receivers: checks a signature header against the RAW body (the exact bytes received, before any JSON parsing)
 * and the secret, or the current and previous secrets during a rotation. Returns the signed timestamp (unix seconds);
 * throws SignatureVerificationError saying what was wrong. A verified request may still be a redelivery within the
 * tolerance: drop duplicates by its `idempotency-key`.
 */
export function verifySignature(
  body: string | Buffer,
  header: string | readonly string[] | null | undefined,
  secrets: string | readonly string[],
  options: VerifySignatureOptions = {},
): { timestamp: number } {
  const keys = [secrets].flat().filter((secret) => secret !== '');
  if (keys.length === 0) throw new TypeError('verifySignature: at least one non-empty secret is required');
  if (typeof header !== 'string' || header.trim() === '') {
    throw new SignatureVerificationError('missing', `The ${SIGNATURE_HEADER} header is missing`);
  }
  const { timestamp, signatures } = parseHeader(header);
  const nowMs = options.nowMs ?? Date.now();
  const toleranceMs = options.toleranceMs ?? SIGNATURE_TOLERANCE_MS;
  const skewMs = Math.abs(nowMs - timestamp * 1000);
  if (skewMs > toleranceMs) {
    throw new SignatureVerificationError(
      'outside-tolerance',
      `The signature's timestamp t=${timestamp} is ${Math.round(skewMs / 1000)} s from this clock, ` +
        `more than the ${Math.round(toleranceMs / 1000)} s tolerance: a replayed or delayed request, or a wrong clock`,
    );
  }
  const matches = keys.some((secret) => {
    const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
    return signatures.some((received) => timingSafeEqual(expected, received));
  });
  if (!matches) {
    throw new SignatureVerificationError(
      'mismatch',
      `No v1 signature in ${SIGNATURE_HEADER} matches the body with the ${keys.length === 1 ? 'secret' : `${keys.length} secrets`} given: ` +
        'a different secret, or a body changed after signing (verify the raw bytes, not re-serialized JSON)',
    );
  }
  return { timestamp };
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } {
  const malformed = (detail: string) =>
    new SignatureVerificationError(
      'malformed',
      `The ${SIGNATURE_HEADER} header is malformed: ${detail} (expected t=<unix seconds>,v1=<64 hex digits>)`,
    );
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, Math.max(at, 0)).trim();
    const value = part.slice(at + 1).trim();
    if (at < 0) throw malformed(`an element has no '='`);
    if (key === 't') {
      if (timestamp !== null) throw malformed('t is given twice');
      if (!/^\d{1,12}$/.test(value)) throw malformed('t is not a whole number of seconds');
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!SHA256_HEX.test(value)) throw malformed('a v1 signature is not 64 hex digits');
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes are ignored, so a later version can be added next to v1.
  }
  if (timestamp === null) throw malformed('t is missing');
  if (signatures.length === 0) throw malformed('no v1 signature');
  return { timestamp, signatures };
}

function hmac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}
