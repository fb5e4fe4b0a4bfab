import { z } from 'zod';
import { bodyRequestId, parseFields } from './api-request';
import { checkApiKey } from './auth';
import { recordSuccess } from './cards';
import { failure } from './codes';
import { type CallKind } from './counters';
import { type HandlerContext } from './handler';
import {
  accountsDetailReply,
  accountsSummaryReply,
  errorReply,
  type JsonReply,
  pendingReply,
} from './responses';
import { type AccountsQuery } from './sandbox-data';
import { type DataKind, type Session } from './sessions';

const daysOf = { Days90: 90, Days360: 360, Days365: 365 } as const;

const dataRequestSchema = z.object({
  requestid: z.string({ required_error: 'RequestId is required' }).min(1, 'RequestId is required'),
  withtransactions: z.boolean().optional(),
  withbalance: z.boolean().optional(),
  withaccountidentity: z.boolean().optional(),
  withkyc: z.boolean().optional(),
  daysoftransactions: z.enum(['Days90', 'Days360', 'Days365']).optional(),
  accountsfilter: z.array(z.string()).nullable().optional(),
});
type DataRequest = z.infer<typeof dataRequestSchema>;

function queryOf(request: DataRequest): AccountsQuery {
  return {
    withTransactions: request.withtransactions ?? true,
    withBalance: request.withbalance ?? true,
    days: daysOf[request.daysoftransactions ?? 'Days90'],
    accountsFilter: request.accountsfilter ?? null,
  };
}

const defaultQuery: AccountsQuery = { withTransactions: true, withBalance: true, days: 90, accountsFilter: null };

interface DataCall {
  kind: DataKind;
  async: boolean;
}

const kindNames: Record<DataKind, { sync: CallKind; async: CallKind; asyncHref: string }> = {
  detail: { sync: 'accounts-detail', async: 'accounts-detail-async', asyncHref: '/GetAccountsDetailAsync' },
  summary: { sync: 'accounts-summary', async: 'accounts-summary-async', asyncHref: '/GetAccountsSummaryAsync' },
};

/** The RequestId of an Async poll: the path segment (documented GET), or a POSTed body (seen in clients). */
function asyncRequestId(ctx: HandlerContext): string | undefined {
  if (ctx.req.param !== undefined && ctx.req.param !== '') return ctx.req.param;
  return bodyRequestId(ctx.req);
}

/** GetAccountsDetail / GetAccountsSummary and their Async polls: 202 a few times, then 200. */
export function dataCallHandler(call: DataCall) {
  const names = kindNames[call.kind];
  return (ctx: HandlerContext): JsonReply => {
    const { world, now } = ctx;
    world.counters.kind(ctx.entry, call.async ? names.async : names.sync);
    const refused = checkApiKey(ctx.req, world, true);
    if (refused) return errorReply(refused);

    let query: AccountsQuery | null = null;
    let requestId: string | undefined;
    if (call.async) {
      requestId = asyncRequestId(ctx);
      if (requestId === undefined) return errorReply(failure('INVALID_REQUEST', 'Invalid request. RequestId is required.'));
    } else {
      const parsed = parseFields(ctx.req, dataRequestSchema);
      if (!parsed.ok) {
        const hint = bodyRequestId(ctx.req);
        return errorReply(parsed.failure, hint === undefined ? undefined : { requestId: hint });
      }
      query = queryOf(parsed.value);
      requestId = parsed.value.requestid;
    }

    const session = world.sessions.find(requestId, now);
    const card = session && world.cards.get(session.loginId);
    if (session === undefined || card === undefined) {
      return errorReply(failure('SESSION_NONEXISTENT', 'The RequestId is expired or does not exist.'), { requestId });
    }
    world.counters.card(ctx.entry, card.loginId);
    world.sessions.touch(session, now);
    const context = { requestId: session.requestId, institution: card.institution };
    if (session.state !== 'authorized') {
      return errorReply(failure('UNAUTHORIZED', notAuthorizedMessage(session)), context);
    }

    const progress = session.progress[call.kind];
    if (query !== null) progress.query = query;
    if (progress.pendingAnswered < session.pollsBeforeReady) {
      progress.pendingAnswered += 1;
      const dispatched = !call.async && session.dispatchOnFirstCall && progress.pendingAnswered === 1;
      return pendingReply(dispatched ? 'OPERATION_DISPATCHED' : 'OPERATION_PENDING', session.requestId, names.asyncHref);
    }

    if (session.mode === 'live' && !session.delivered) {
      // The data came back: this is what a successful live refresh is.
      recordSuccess(card, now);
      session.delivered = true;
      session.deliveredAt = now;
    }
    const refreshedAt = session.mode === 'live' ? (session.deliveredAt ?? now) : card.lastSuccessfulRefreshAt;
    const answered = progress.query ?? defaultQuery;
    return call.kind === 'detail'
      ? accountsDetailReply(card, session.requestId, refreshedAt, answered)
      : accountsSummaryReply(card, session.requestId, refreshedAt, answered);
  };
}

function notAuthorizedMessage(session: Session): string {
  return session.state === 'awaiting-mfa'
    ? 'The session is waiting for the answers to its security challenges.'
    : 'The session is closed: its Authorize call failed.';
}
