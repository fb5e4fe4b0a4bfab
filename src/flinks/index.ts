// Public API of the Flinks client. No Temporal imports anywhere under src/flinks.
export { FlinksClient } from './client';
export { FlinksApiError, type FlinksApiErrorInit } from './flinks-api-error';
export { FlinksResponseError, type MalformedReason } from './flinks-response-error';
export { FLINKS_ENDPOINTS, type FlinksEndpoint } from './endpoints';
export { normalizeFlinksDateTime } from './flinks-datetime';
export { silentLogger, type FlinksLogger, type LogFields } from './logger';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter';
export { Redactor } from './redactor';
export { summarizeAccountsDetail, summarizeAccountsDetailOf, type AccountsDetailSummary } from './summarize';
export { REQUEST_ID_LOGIN_MISMATCH, RequestLoginMismatchError } from './request-login-mismatch-error';
export type {
  AccountsDetail,
  AccountsDetailOptions,
  AccountsSummary,
  AccountsSummaryOptions,
  AuthorizedLogin,
  AuthorizeRequest,
  AuthorizeResult,
  CallOptions,
  DataResult,
  FlinksClientOptions,
  NightlyRefreshStatusEntry,
  PendingInfo,
  PollOptions,
  SecurityChallenge,
} from './types';
export { type DataRecord, type DataSink, type DataSinkWriteOptions } from './sinks/data-sink';
export { DataSinkError } from './sinks/data-sink-error';
export { DirectorySink } from './sinks/directory-sink';
export { HttpSink, type HttpSinkOptions } from './sinks/http-sink';
export {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_MS,
  signatureHeader,
  SignatureVerificationError,
  type SigningSecrets,
  verifySignature,
} from './sinks/signature';
export { deliverAccountsDetail } from './sinks/deliver';
export { closeDataSink, createDataSink, type DataSinkSettings } from './sinks/create-data-sink';
export {
  classifyFlinksError,
  ELIGIBILITY_KEEPING_CODES,
  FLINKS_CODES,
  isEligibilityKeeping,
  lookupFlinksCode,
  normalizeFlinksCode,
  type FlinksCodeInfo,
  type FlinksErrorClass,
  type KnownFlinksCode,
} from '../domain/flinks-codes';
