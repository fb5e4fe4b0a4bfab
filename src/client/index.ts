// The backend client, for a TypeScript backend: import from src/client (lib/client once built).
export {
  type CardPage,
  connectOptionsSchema,
  type ConnectOptions,
  type ConnectResult,
  FlinksRefreshClient,
  type FlinksRefreshClientOptions,
  listCardsOptionsSchema,
  type ListCardsOptions,
  validLoginId,
} from './flinks-refresh-client';
export {
  CardDisconnectedError,
  CardNotFoundError,
  CardUpdateAbortedError,
  InvalidLoginIdError,
  InvalidRequestError,
  RefreshNowPendingError,
  TemporalUnavailableError,
} from './errors';
export { type CardSummary } from './visibility';
export {
  abortedUpdateReason,
  abortedUpdateRetry,
  type AbortedUpdateRetry,
  executeCardUpdate,
} from './aborted-updates';
export { type CardView, type CardStatus, cardStatuses, type RefreshNowResult } from '../domain/card-messages';
// For a backend receiving our notifications and HTTP data-sink POSTs: verify their signature header.
export {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_MS,
  signatureHeader,
  type SignatureProblem,
  SignatureVerificationError,
  verifySignature,
  type VerifySignatureOptions,
} from '../flinks/sinks/signature';
