// The card routes: each one validates its path, query and body with zod, then calls FlinksRefreshClient.
import { z } from 'zod';
import { type FlinksRefreshClient } from '../client';
import {
  cardInputSchema,
  cardStatusSchema,
  isoDateTimeSchema,
  loginIdSchema,
  reconnectedSchema,
  setScheduledRefreshSchema,
} from '../domain/card-messages';
import { type PageTokenSeal } from './page-token';
import { type Reply, type RequestContext, type Route } from './router';
import { validate } from './validation';

// The card refuses times it cannot compute windows from; a connection in the future is a caller's mistake too.
const plausibleTimestamp = isoDateTimeSchema.pipe(
  z.string().refine((value) => Date.parse(value) <= Date.now() + 86_400_000, 'must not be in the future'),
);
const connectBodySchema = cardInputSchema.extend({ connectedAt: plausibleTimestamp.optional() }).strict();
const reconnectedBodySchema = reconnectedSchema.strict();
const scheduledRefreshBodySchema = setScheduledRefreshSchema.strict();
/** The contract's `{}`: nothing to say, but a body that says something is a mistake worth reporting. */
const refreshBodySchema = z.object({}).strict();
const booleanText = z.enum(['true', 'false'], { message: "must be 'true' or 'false'" });
const deleteQuerySchema = z.object({ deleteData: booleanText.optional() }).strict();
const listQuerySchema = z
  .object({
    status: cardStatusSchema.optional(),
    pageToken: z.string().min(1).max(4_096).optional(),
    pageSize: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(1_000))
      .optional(),
  })
  .strict();
const pathSchema = z.object({ loginId: loginIdSchema });

export function cardRoutes(
  cards: FlinksRefreshClient,
  temporalTimeoutMs: number,
  pages: PageTokenSeal,
): Route[] {
  /**
   * Validates first (a wrong request is a 400 whatever Temporal's state), then asks Temporal whether it answers at
   * all: the SDK would otherwise retry an unreachable server for ~20 s before failing.
   */
  const route = <I>(
    method: Route['method'],
    path: string,
    parse: (ctx: RequestContext) => Promise<I>,
    run: (input: I) => Promise<Reply>,
  ): Route => ({
    method,
    path,
    auth: 'token',
    async handle(ctx) {
      const input = await parse(ctx);
      await cards.ping(temporalTimeoutMs);
      return run(input);
    },
  });

  return [
    route(
      'POST',
      '/cards',
      async (ctx) => validate(connectBodySchema, (await ctx.body()) ?? {}, 'body'),
      async ({ loginId, ...options }) => {
        const result = await cards.connect(loginId, options);
        return { status: result.started ? 201 : 200, body: result };
      },
    ),
    route(
      'POST',
      '/cards/:loginId/reconnected',
      async (ctx) => ({
        loginId: loginIdOf(ctx),
        ...validate(reconnectedBodySchema, (await ctx.body()) ?? {}, 'body'),
      }),
      async ({ loginId, requestId }) => ({ status: 202, body: await cards.reconnected(loginId, requestId) }),
    ),
    route(
      'POST',
      '/cards/:loginId/refresh',
      async (ctx) => {
        const loginId = loginIdOf(ctx);
        validate(refreshBodySchema, (await ctx.body()) ?? {}, 'body');
        return loginId;
      },
      // Waits for the live refresh's outcome: seconds, or minutes with a slow bank.
      async (loginId) => ({ status: 200, body: { loginId, ...(await cards.refreshNow(loginId)) } }),
    ),
    route(
      'PUT',
      '/cards/:loginId/scheduled-refresh',
      async (ctx) => ({
        loginId: loginIdOf(ctx),
        ...validate(scheduledRefreshBodySchema, (await ctx.body()) ?? {}, 'body'),
      }),
      async ({ loginId, enabled }) => {
        await cards.setScheduledRefresh(loginId, enabled);
        return { status: 202, body: { loginId, scheduledRefresh: enabled } };
      },
    ),
    route(
      'DELETE',
      '/cards/:loginId',
      async (ctx) => ({
        loginId: loginIdOf(ctx),
        deleteData: validate(deleteQuerySchema, queryOf(ctx), 'query').deleteData === 'true',
      }),
      async ({ loginId, deleteData }) => {
        const { alreadyDisconnected } = await cards.disconnect(loginId, { deleteData });
        return { status: 202, body: { loginId, deleteData, alreadyDisconnected } };
      },
    ),
    route(
      'GET',
      '/cards/:loginId',
      async (ctx) => loginIdOf(ctx),
      async (loginId) => ({ status: 200, body: await cards.getCard(loginId) }),
    ),
    route(
      'GET',
      '/cards',
      async (ctx) => {
        const query = validate(listQuerySchema, queryOf(ctx), 'query');
        return {
          ...query,
          pageToken: query.pageToken === undefined ? undefined : pages.open(query.pageToken),
        };
      },
      async (query) => {
        const page = await cards.listCards({
          status: query.status,
          pageSize: query.pageSize,
          nextPageToken: query.pageToken,
        });
        return { status: 200, body: { ...page, nextPageToken: pages.seal(page.nextPageToken) } };
      },
    ),
  ];
}

function loginIdOf(ctx: RequestContext): string {
  // Lower case, as cards are keyed: the client does the same, and answers then name the card as stored.
  return validate(pathSchema, ctx.params, 'path').loginId.toLowerCase();
}

function queryOf(ctx: RequestContext): Record<string, string> {
  return Object.fromEntries(ctx.url.searchParams);
}
