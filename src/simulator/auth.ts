import { createHash, timingSafeEqual } from 'node:crypto';
import { type ApiRequest, header } from './api-request';
import { failure, type FlinksFailure } from './codes';
import { type SimWorld } from './world';

// Which credential each endpoint takes (../shared/reference/flinks-api.md §0):
// the secret in flinks-auth-key on GenerateAuthorizeToken, a single-use token in flinks-auth-key on
// Authorize, x-api-key on data endpoints, `Authorization: Bearer <secret>` on GetNightlyRefreshStatus.

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Hashing first makes the comparison constant-time whatever the lengths.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function checkSecretKey(req: ApiRequest, world: SimWorld): FlinksFailure | null {
  return sameSecret(header(req, 'flinks-auth-key'), world.options.secretKey)
    ? null
    : failure('ACCESS_DENIED', 'You must provide a valid auth key in the flinks-auth-key header.');
}

export function checkBearerSecret(req: ApiRequest, world: SimWorld): FlinksFailure | null {
  const match = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  return sameSecret(match?.[1]?.trim(), world.options.secretKey)
    ? null
    : failure('ACCESS_DENIED', 'You must provide a valid secret as Authorization: Bearer.');
}

/** With `required`, a configured apiKey must be sent; without it only a wrong key is refused. */
export function checkApiKey(req: ApiRequest, world: SimWorld, required: boolean): FlinksFailure | null {
  const expected = world.options.apiKey;
  if (expected === undefined) return null;
  const given = header(req, 'x-api-key');
  if (given === undefined && !required) return null;
  return sameSecret(given, expected) ? null : failure('ACCESS_DENIED', 'You must provide a valid x-api-key header.');
}

/** Management endpoints: Flinks documents no credential, so none is required, but a wrong one is refused. */
export function checkOptionalCredentials(req: ApiRequest, world: SimWorld): FlinksFailure | null {
  if (header(req, 'authorization') !== undefined) {
    const refused = checkBearerSecret(req, world);
    if (refused) return refused;
  }
  return checkApiKey(req, world, false);
}

export function consumeAuthorizeToken(req: ApiRequest, world: SimWorld, now: number): FlinksFailure | null {
  const token = header(req, 'flinks-auth-key');
  return token !== undefined && world.tokens.consume(token, now)
    ? null
    : failure('ACCESS_DENIED', 'You must provide a valid authorize token in the flinks-auth-key header.');
}
