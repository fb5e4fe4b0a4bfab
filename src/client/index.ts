// The backend client: `import { FlinksRefreshClient } from 'flinks-refresh/client'` (or src/client from TypeScript).
export {
  type CardPage,
  connectOptionsSchema,
  type ConnectOptions,
  type ConnectResult,
  FlinksRefreshClient,
  type FlinksRefreshClientOptions,
  listCardsOptionsSchema,
  type ListCardsOptions,
} from './flinks-refresh-client';
export {
  CardDisconnectedError,
  CardNotFoundError,
  InvalidLoginIdError,
  InvalidRequestError,
  TemporalUnavailableError,
} from './errors';
export { type CardSummary } from './visibility';
export { type CardView, type CardStatus, cardStatuses, type RefreshNowResult } from '../domain/card-messages';
