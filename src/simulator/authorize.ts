import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseFields } from './api-request';
import { consumeAuthorizeToken } from './auth';
import { type CardState, recordCachedCall, recordRefreshError } from './cards';
import { defaultMessages, failure } from './codes';
import { type CallKind } from './counters';
import { type HandlerContext } from './handler';
import { authorizedReply, errorReply, type JsonReply, mfaReply } from './responses';
import { sandboxQuestions } from './sandbox';
import { liveAuthorizeOutcome } from './scenarios';
import { type Session } from './sessions';
import { utcDate } from './time';

const securityResponsesSchema = z.record(z.union([z.array(z.string()), z.string()]));

const authorizeSchema = z.object({
  loginid: z.string().min(1, 'LoginId is required').optional(),
  mostrecentcached: z.boolean({ invalid_type_error: 'MostRecentCached must be a boolean' }).optional(),
  save: z.boolean({ invalid_type_error: 'Save must be a boolean' }).optional(),
  requestid: z.string().min(1).optional(),
  securityresponses: securityResponsesSchema.optional(),
});
type AuthorizeBody = z.infer<typeof authorizeSchema>;

function kindOf(body: AuthorizeBody): CallKind | null {
  if (body.securityresponses !== undefined) return 'authorize-mfa-answer';
  if (body.loginid === undefined) return body.requestid === undefined ? null : 'authorize-mfa-answer';
  return body.mostrecentcached === true ? 'authorize-cached' : 'authorize-live';
}

/** POST /Authorize: cached, live, or the answer to a 203 (by RequestId + SecurityResponses). */
export function handleAuthorize(ctx: HandlerContext): JsonReply {
  const parsed = parseFields(ctx.req, authorizeSchema);
  const kind = parsed.ok ? kindOf(parsed.value) : null;
  if (parsed.ok && kind !== null) ctx.world.counters.kind(ctx.entry, kind, parsed.value.loginid);
  const tokenRefused = consumeAuthorizeToken(ctx.req, ctx.world, ctx.now);
  if (tokenRefused) return errorReply(tokenRefused);
  if (!parsed.ok) return errorReply(parsed.failure, { requestId: randomUUID() });
  const body = parsed.value;
  if (kind === 'authorize-mfa-answer') return answerChallenge(ctx, body);
  if (kind === null || body.loginid === undefined) {
    return errorReply(failure('INVALID_REQUEST', 'Invalid request. LoginId is required.'), { requestId: randomUUID() });
  }
  const card = ctx.world.cards.get(body.loginid);
  if (card === undefined) {
    return errorReply(failure('INVALID_LOGIN', `The login '${body.loginid}' is invalid.`), { requestId: randomUUID() });
  }
  const busy = ctx.world.sessions.inProgress(card.loginId, ctx.now);
  if (busy !== undefined) {
    return errorReply(failure('CONCURRENT_SESSION', 'Another session is already opened with this LoginId.'), {
      requestId: randomUUID(),
      institution: card.institution,
    });
  }
  return kind === 'authorize-cached' ? authorizeCached(ctx, card) : authorizeLive(ctx, card);
}

function newSession(ctx: HandlerContext, card: CardState, init: Pick<Session, 'mode' | 'state' | 'challenge'>): Session {
  return ctx.world.sessions.create(
    {
      ...init,
      loginId: card.loginId,
      pollsBeforeReady: ctx.world.pollsBeforeReady(card),
      dispatchOnFirstCall: card.scenario === 'slow',
    },
    ctx.now,
  );
}

/** Cached mode never reaches the bank: it replays the last refresh's error, with a usable RequestId. */
function authorizeCached(ctx: HandlerContext, card: CardState): JsonReply {
  recordCachedCall(card, ctx.now);
  const session = newSession(ctx, card, { mode: 'cached', state: 'authorized', challenge: null });
  if (card.lastError !== null) {
    return errorReply(
      { code: card.lastError.code, message: card.lastError.message },
      { requestId: session.requestId, institution: card.institution },
    );
  }
  return authorizedReply(card, session.requestId, card.lastSuccessfulRefreshAt);
}

function authorizeLive(ctx: HandlerContext, card: CardState): JsonReply {
  const { world, now } = ctx;
  world.counters.liveRefresh(card.loginId, utcDate(now));
  const outcome = liveAuthorizeOutcome(card.scenario, world.flakyRate(card), world.flakyPrng);
  if (outcome.kind === 'authorized') {
    const session = newSession(ctx, card, { mode: 'live', state: 'authorized', challenge: null });
    return authorizedReply(card, session.requestId, card.lastSuccessfulRefreshAt);
  }
  if (outcome.kind === 'mfa-required') {
    const challenge = world.challengePrng.pick(sandboxQuestions);
    const session = newSession(ctx, card, { mode: 'live', state: 'awaiting-mfa', challenge });
    // Until someone answers, the card's last refresh is stuck on the question (what a cached call replays later).
    recordRefreshError(
      card,
      { code: 'QUESTION_NOT_FOUND', message: defaultMessages.QUESTION_NOT_FOUND ?? '', state: 'AnsweringSecurityChallenge' },
      now,
    );
    return mfaReply(card, session.requestId, challenge);
  }
  const session = newSession(ctx, card, { mode: 'live', state: 'ended', challenge: null });
  const message = defaultMessages[outcome.code] ?? outcome.code;
  recordRefreshError(card, { code: outcome.code, message, state: outcome.state }, now);
  return errorReply({ code: outcome.code, message }, { requestId: session.requestId, institution: card.institution });
}

function answersFor(responses: Record<string, string | string[]>, prompt: string): string[] | undefined {
  const key = Object.keys(responses).find((k) => k.trim().toLowerCase() === prompt.toLowerCase());
  if (key === undefined) return undefined;
  const value = responses[key];
  return typeof value === 'string' ? [value] : value;
}

function answerChallenge(ctx: HandlerContext, body: AuthorizeBody): JsonReply {
  const { world, now } = ctx;
  const requestId = body.requestid;
  const responses = body.securityresponses;
  if (requestId === undefined || responses === undefined) {
    return errorReply(failure('INVALID_REQUEST', 'Invalid request. RequestId and SecurityResponses go together.'), {
      requestId: requestId ?? randomUUID(),
    });
  }
  const session = world.sessions.find(requestId, now);
  const card = session && world.cards.get(session.loginId);
  if (session === undefined || card === undefined) {
    return errorReply(failure('SESSION_NONEXISTENT', 'The RequestId is expired or does not exist.'), { requestId });
  }
  world.counters.card(ctx.entry, card.loginId);
  world.sessions.touch(session, now);
  const context = { requestId: session.requestId, institution: card.institution };
  if (session.state === 'authorized') {
    return errorReply(failure('ALREADY_AUTHORIZED', 'This session is already authorized.'), context);
  }
  if (session.state === 'ended' || session.challenge === null) {
    return errorReply(failure('UNAUTHORIZED', 'This session is closed; open a new one with /Authorize.'), context);
  }
  if (Object.keys(responses).length === 0) {
    return errorReply(failure('SECURITYRESPONSES_INCOMPLETE', 'Every security challenge must be answered.'), context);
  }
  const answers = answersFor(responses, session.challenge.prompt);
  if (answers === undefined) {
    return errorReply(failure('UNKNOWN_CHALLENGE_KEY', 'The security responses do not match the challenge prompts.'), context);
  }
  const expected = session.challenge.answer.toLowerCase();
  if (answers.some((answer) => answer.trim().toLowerCase() === expected)) {
    session.state = 'authorized';
    return authorizedReply(card, session.requestId, card.lastSuccessfulRefreshAt);
  }
  session.state = 'ended';
  const message = defaultMessages.INVALID_SECURITY_RESPONSE ?? '';
  recordRefreshError(card, { code: 'INVALID_SECURITY_RESPONSE', message, state: 'AnsweringSecurityChallenge' }, now);
  return errorReply({ code: 'INVALID_SECURITY_RESPONSE', message }, context);
}
