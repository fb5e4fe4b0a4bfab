import { type CardState } from './cards';
import { type FlinksFailure, statusOf } from './codes';
import { type SecurityQuestion, sandboxInstitution, sandboxInstitutionId } from './sandbox';
import { detailAccounts, summaryAccounts, type AccountsQuery } from './sandbox-data';
import { hashString } from './random';
import { formatFlinksDate } from './time';

// Body builders for the Flinks wire format: PascalCase keys, HttpStatusCode mirrored in every body.

export interface JsonReply {
  status: number;
  /** Anything JSON.stringify accepts; SetScheduledRefresh answers a bare string. */
  body: unknown;
}

interface Link {
  rel: string;
  href: string;
  example: null;
}

function link(rel: string, href: string): Link {
  return { rel, href, example: null };
}

const dataLinks = [
  link('AccountsDetail', '/GetAccountsDetail'),
  link('AccountsSummary', '/GetAccountsSummary'),
  link('Statements', '/GetStatements'),
];

export function institutionId(institution: string): number {
  return institution === sandboxInstitution ? sandboxInstitutionId : 100 + (hashString(institution) % 900);
}

export function loginBody(card: CardState, lastRefreshAt: number | null): Record<string, unknown> {
  return {
    Username: card.username,
    IsScheduledRefresh: card.scheduledRefresh,
    LastRefresh: lastRefreshAt === null ? null : formatFlinksDate(lastRefreshAt),
    Type: 'Personal',
    Id: card.loginId,
  };
}

export interface SessionContext {
  requestId: string;
  institution?: string;
}

/** `{ HttpStatusCode, FlinksCode, Message }`, plus `RequestId`/`Institution`/`Links` on session calls. */
export function errorReply(fail: FlinksFailure, session?: SessionContext): JsonReply {
  const status = statusOf(fail.code);
  const body: Record<string, unknown> = { HttpStatusCode: status, FlinksCode: fail.code, Message: fail.message };
  if (session !== undefined) {
    body.Links = [link('Authorization', '/Authorize')];
    if (session.institution !== undefined) body.Institution = session.institution;
    body.RequestId = session.requestId;
  }
  return { status, body };
}

export function tokenReply(token: string): JsonReply {
  return { status: 200, body: { HttpStatusCode: 200, Token: token } };
}

export function authorizedReply(card: CardState, requestId: string, lastRefreshAt: number | null): JsonReply {
  return {
    status: 200,
    body: {
      HttpStatusCode: 200,
      Links: dataLinks,
      InstitutionName: card.institution,
      Login: loginBody(card, lastRefreshAt),
      InstitutionId: institutionId(card.institution),
      Institution: card.institution,
      RequestId: requestId,
    },
  };
}

export function mfaReply(card: CardState, requestId: string, challenge: SecurityQuestion): JsonReply {
  return {
    status: 203,
    body: {
      HttpStatusCode: 203,
      Links: [link('Authorization', '/Authorize')],
      SecurityChallenges: [{ Type: 'QuestionAndAnswer', Prompt: challenge.prompt }],
      Institution: card.institution,
      RequestId: requestId,
    },
  };
}

export function pendingReply(
  code: 'OPERATION_PENDING' | 'OPERATION_DISPATCHED',
  requestId: string,
  asyncHref: string,
): JsonReply {
  return {
    status: 202,
    body: {
      HttpStatusCode: 202,
      FlinksCode: code,
      Links: [link('Async', `${asyncHref}/${requestId}`)],
      Message:
        code === 'OPERATION_PENDING'
          ? 'Your operation is still processing'
          : 'Your operation took too long and was dispatched to a background queue',
      RequestId: requestId,
    },
  };
}

export function accountsDetailReply(
  card: CardState,
  requestId: string,
  refreshedAt: number | null,
  query: AccountsQuery,
): JsonReply {
  return {
    status: 200,
    body: {
      HttpStatusCode: 200,
      Accounts: detailAccounts(card.loginId, refreshedAt ?? card.createdAt, query),
      Login: loginBody(card, refreshedAt),
      InstitutionName: card.institution,
      InstitutionId: institutionId(card.institution),
      Institution: card.institution,
      RequestId: requestId,
    },
  };
}

export function accountsSummaryReply(
  card: CardState,
  requestId: string,
  refreshedAt: number | null,
  query: AccountsQuery,
): JsonReply {
  return {
    status: 200,
    body: {
      HttpStatusCode: 200,
      Links: [link('AccountsDetail', '/GetAccountsDetail'), link('Statements', '/GetStatements')],
      Accounts: summaryAccounts(card.loginId, refreshedAt ?? card.createdAt, query),
      Login: loginBody(card, refreshedAt),
      Tag: null,
      InstitutionName: card.institution,
      InstitutionId: institutionId(card.institution),
      Institution: card.institution,
      RequestId: requestId,
    },
  };
}

export interface IneligibleCardEntry {
  LoginId: string;
  LastRefreshDate: string | null;
  LastRefreshState: string | null;
  LastRefreshErrorCode: string | null;
}

export function ineligibleEntry(card: CardState): IneligibleCardEntry {
  const last = card.lastRefreshAttemptAt ?? card.lastSuccessfulRefreshAt;
  return {
    LoginId: card.loginId,
    LastRefreshDate: last === null ? null : formatFlinksDate(last),
    LastRefreshState: card.lastRefreshState,
    LastRefreshErrorCode: card.lastError?.code ?? null,
  };
}

export function nightlyStatusReply(entries: IneligibleCardEntry[]): JsonReply {
  return { status: 200, body: { HttpStatusCode: 200, IneligibleCards: entries } };
}
