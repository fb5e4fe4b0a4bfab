import { FlinksApiError } from './flinks-api-error';

/** The code a card records for it: stable, and permanent (the same requestId returns the same login's data). */
export const REQUEST_ID_LOGIN_MISMATCH = 'REQUEST_ID_LOGIN_MISMATCH';

/**
 * GetAccountsDetail with a requestId returned the data of another login than the card's: a requestId of login B
 * handed to card A (a backend's mix-up in `reconnected` or the connect input). A FlinksApiError with a code of its
 * own, so every Flinks activity records it as a permanent failure, never retried; the data is not stored.
 */
export class RequestLoginMismatchError extends FlinksApiError {
  readonly expectedLoginId: string;
  readonly actualLoginId: string;

  constructor(init: { requestId: string; expectedLoginId: string; actualLoginId: string }) {
    super({
      endpoint: 'GetAccountsDetail',
      httpStatus: 200,
      flinksCode: REQUEST_ID_LOGIN_MISMATCH,
      message:
        `requestId ${init.requestId} holds the data of loginId ${init.actualLoginId}, not of this card's loginId ` +
        `${init.expectedLoginId}: refused, nothing stored`,
      requestId: init.requestId,
    });
    this.name = 'RequestLoginMismatchError';
    this.expectedLoginId = init.expectedLoginId;
    this.actualLoginId = init.actualLoginId;
  }
}
