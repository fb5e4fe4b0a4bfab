import { z } from 'zod';
import { parseFields } from './api-request';
import { checkBearerSecret, checkOptionalCredentials } from './auth';
import { eligibility } from './cards';
import { failure } from './codes';
import { type HandlerContext } from './handler';
import { errorReply, ineligibleEntry, type JsonReply, nightlyStatusReply } from './responses';

/** GET /GetNightlyRefreshStatus: the scheduled cards the eligibility rules exclude, and why. */
export function handleNightlyStatus(ctx: HandlerContext): JsonReply {
  ctx.world.counters.kind(ctx.entry, 'nightly-status');
  const refused = checkBearerSecret(ctx.req, ctx.world);
  if (refused) return errorReply(refused);
  const webhooks = ctx.world.options.webhooks;
  const entries = ctx.world.cards
    .list()
    .filter((card) => card.scheduledRefresh && !eligibility(card, ctx.now, { webhooks }).eligible)
    .sort((a, b) => a.loginId.localeCompare(b.loginId))
    .map(ineligibleEntry);
  return nightlyStatusReply(entries);
}

const booleanLike = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  errorMap: () => ({ message: 'isActivated is required and must be a boolean' }),
});

const scheduledRefreshSchema = z.object({
  loginid: z.string({ required_error: 'loginId is required' }).min(1, 'loginId is required'),
  isactivated: booleanLike,
});

/** Body (camelCase per the docs, PascalCase per clients), or query parameters (seen in the Ruby gem). */
function scheduledRefreshFields(ctx: HandlerContext) {
  if (ctx.req.body.kind === 'empty') {
    const lowered = Object.fromEntries([...ctx.req.query].map(([k, v]) => [k.toLowerCase(), v]));
    const result = scheduledRefreshSchema.safeParse(lowered);
    if (result.success) return { ok: true as const, value: result.data };
  }
  return parseFields(ctx.req, scheduledRefreshSchema);
}

/** PATCH /SetScheduledRefresh: 200 with a bare JSON string. */
export function handleSetScheduledRefresh(ctx: HandlerContext): JsonReply {
  const parsed = scheduledRefreshFields(ctx);
  ctx.world.counters.kind(ctx.entry, 'set-scheduled-refresh', parsed.ok ? parsed.value.loginid : undefined);
  const refused = checkOptionalCredentials(ctx.req, ctx.world);
  if (refused) return errorReply(refused);
  if (!parsed.ok) return errorReply(parsed.failure);
  const card = ctx.world.cards.get(parsed.value.loginid);
  if (card === undefined) return errorReply(failure('INVALID_LOGIN', `The login '${parsed.value.loginid}' is invalid.`));
  const activated = parsed.value.isactivated;
  card.scheduledRefresh = activated;
  const verb = activated ? 'activated' : 'deactivated';
  return { status: 200, body: `LoginId ${card.loginId} has now been ${verb} for automatic refresh` };
}

/** DELETE /DeleteCard/{loginId}: forgets the card and its sessions. */
export function handleDeleteCard(ctx: HandlerContext): JsonReply {
  const loginId = ctx.req.param;
  ctx.world.counters.kind(ctx.entry, 'delete-card', loginId || undefined);
  const refused = checkOptionalCredentials(ctx.req, ctx.world);
  if (refused) return errorReply(refused);
  if (loginId === undefined || loginId === '') {
    return errorReply(failure('INVALID_REQUEST', 'Invalid request. The loginId goes in the path: /DeleteCard/{loginId}.'));
  }
  const card = ctx.world.cards.get(loginId);
  if (card === undefined) return errorReply(failure('INVALID_LOGIN', 'Invalid LoginId'));
  if (ctx.world.sessions.inProgress(card.loginId, ctx.now) !== undefined) {
    return errorReply(failure('CARD_IN_USE', 'The card is still processing; retry when its session has ended.'));
  }
  ctx.world.cards.delete(card.loginId);
  ctx.world.sessions.forgetCard(card.loginId);
  return {
    status: 200,
    body: { HttpStatusCode: 200, Message: `All of the information about LoginId ${card.loginId} has been removed` },
  };
}
