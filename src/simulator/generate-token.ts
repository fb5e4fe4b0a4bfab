import { checkSecretKey } from './auth';
import { type HandlerContext } from './handler';
import { errorReply, type JsonReply, tokenReply } from './responses';

/** POST /GenerateAuthorizeToken: the secret in flinks-auth-key buys one single-use token. */
export function handleGenerateToken(ctx: HandlerContext): JsonReply {
  ctx.world.counters.kind(ctx.entry, 'token');
  const refused = checkSecretKey(ctx.req, ctx.world);
  if (refused) return errorReply(refused);
  return tokenReply(ctx.world.tokens.issue(ctx.now));
}
