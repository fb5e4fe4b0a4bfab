// The signature of what we POST to a backend, and the helper a backend verifies it with (exported by src/client).
import { createHmac } from 'node:crypto';
import {
  SIGNATURE_TOLERANCE_MS,
  signatureHeader,
  SignatureVerificationError,
  verifySignature,
} from '../../src/client';

const body = JSON.stringify({ type: 'card.status-changed', idempotencyKey: 'run-1:1' });
const NOW = Date.parse('2026-11-20T08:30:00.000Z');
const T = NOW / 1000;

function refusal(run: () => unknown): SignatureVerificationError {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureVerificationError) return error;
    throw error;
  }
  throw new Error('expected a SignatureVerificationError');
}

describe('signatureHeader', () => {
  test('t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', 'current').update(`${T}.${body}`).digest('hex');
    expect(signatureHeader(body, 'current', NOW)).toBe(`t=${T},v1=${expected}`);
  });

  test('with a previous secret: one v1 per secret, newest first', () => {
    const header = signatureHeader(body, ['current', 'previous'], NOW);
    expect(header.split(',')).toEqual([
      `t=${T}`,
      `v1=${createHmac('sha256', 'current').update(`${T}.${body}`).digest('hex')}`,
      `v1=${createHmac('sha256', 'previous').update(`${T}.${body}`).digest('hex')}`,
    ]);
  });
});

describe('verifySignature', () => {
  test('a valid signature verifies, from a string or the raw bytes, and returns its timestamp', () => {
    const header = signatureHeader(body, 'current', NOW);
    expect(verifySignature(body, header, 'current', { nowMs: NOW })).toEqual({ timestamp: T });
    expect(verifySignature(Buffer.from(body), header, ['current'], { nowMs: NOW + 60_000 })).toEqual({
      timestamp: T,
    });
  });

  test('a wrong secret, or a changed body, is a mismatch that names no secret', () => {
    const header = signatureHeader(body, 'current', NOW);
    const wrong = refusal(() => verifySignature(body, header, 'not-the-secret', { nowMs: NOW }));
    expect(wrong).toMatchObject({ name: 'SignatureVerificationError', problem: 'mismatch' });
    expect(wrong.message).not.toContain('not-the-secret');
    expect(refusal(() => verifySignature(`${body} `, header, 'current', { nowMs: NOW })).problem).toBe(
      'mismatch',
    );
  });

  test('an old timestamp (a replay) is refused, past the 5-minute default tolerance or a given one', () => {
    const header = signatureHeader(body, 'current', NOW);
    expect(SIGNATURE_TOLERANCE_MS).toBe(5 * 60_000);
    const late = refusal(() => verifySignature(body, header, 'current', { nowMs: NOW + 5 * 60_000 + 1_000 }));
    expect(late).toMatchObject({ problem: 'outside-tolerance' });
    expect(late.message).toMatch(/301 s from this clock, more than the 300 s tolerance/);
    // From the future, as far, too: a skewed clock is said as such.
    expect(refusal(() => verifySignature(body, header, 'current', { nowMs: NOW - 6 * 60_000 })).problem).toBe(
      'outside-tolerance',
    );
    expect(
      refusal(() => verifySignature(body, header, 'current', { nowMs: NOW + 11_000, toleranceMs: 10_000 }))
        .problem,
    ).toBe('outside-tolerance');
    // A replay cannot move the timestamp forward: the signature covers it.
    const moved = header.replace(`t=${T}`, `t=${T + 600}`);
    expect(refusal(() => verifySignature(body, moved, 'current', { nowMs: NOW + 600_000 })).problem).toBe(
      'mismatch',
    );
  });

  test('during a rotation: a receiver on either secret verifies what we send', () => {
    // We sign with the new secret and, while BACKEND_SIGNING_SECRET_PREVIOUS is set, with the old one.
    const header = signatureHeader(body, ['new', 'old'], NOW);
    expect(verifySignature(body, header, 'old', { nowMs: NOW })).toEqual({ timestamp: T });
    expect(verifySignature(body, header, 'new', { nowMs: NOW })).toEqual({ timestamp: T });
    // A receiver given both accepts a sender that has not rotated yet, and one that has finished.
    expect(verifySignature(body, signatureHeader(body, 'old', NOW), ['new', 'old'], { nowMs: NOW })).toEqual({
      timestamp: T,
    });
    expect(verifySignature(body, signatureHeader(body, 'new', NOW), ['new', 'old'], { nowMs: NOW })).toEqual({
      timestamp: T,
    });
  });

  test.each([
    ['the old sha256= format', `sha256=${'a'.repeat(64)}`, 'malformed', /has no '='|t is missing/],
    ['no timestamp', `v1=${'a'.repeat(64)}`, 'malformed', /t is missing/],
    ['no signature', `t=${T}`, 'malformed', /no v1 signature/],
    ['a short signature', `t=${T},v1=abc`, 'malformed', /not 64 hex digits/],
    ['a non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`, 'malformed', /whole number/],
    ['two timestamps', `t=${T},t=${T},v1=${'a'.repeat(64)}`, 'malformed', /twice/],
    ['an element without =', `t=${T},garbage`, 'malformed', /no '='/],
    ['an empty header', '  ', 'missing', /missing/],
    ['no header', undefined, 'missing', /missing/],
  ])('%s is refused as %s', (_what, header, problem, message) => {
    const error = refusal(() => verifySignature(body, header, 'current', { nowMs: NOW }));
    expect(error.problem).toBe(problem);
    expect(error.message).toMatch(message);
  });

  test('an unknown scheme next to v1 is ignored', () => {
    const header = `${signatureHeader(body, 'current', NOW)},v9=whatever`;
    expect(verifySignature(body, header, 'current', { nowMs: NOW })).toEqual({ timestamp: T });
  });

  test('no secret at all is a programming error, not a failed request', () => {
    expect(() => verifySignature(body, signatureHeader(body, 'x', NOW), [], { nowMs: NOW })).toThrow(
      TypeError,
    );
  });
});
