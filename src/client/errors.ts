// What the client throws. Stable names: the HTTP API and the CLI map them (404, 400, 409, 503) by `name`.

export class InvalidLoginIdError extends Error {
  override readonly name = 'InvalidLoginIdError';
  constructor(readonly loginId: unknown) {
    super(`Invalid loginId ${JSON.stringify(loginId) ?? String(loginId)}: a Flinks loginId is a UUID`);
  }
}

/** A request refused by its schema before anything reached Temporal. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/** Something about one card: the loginId is kept for the caller (the HTTP API puts it in its answer). */
abstract class CardError extends Error {
  constructor(
    readonly loginId: string,
    message: string,
  ) {
    super(message);
  }
}

export class CardNotFoundError extends CardError {
  override readonly name = 'CardNotFoundError';
  constructor(loginId: string, detail = 'no card workflow was ever started for it') {
    super(loginId, `Card ${loginId} not found: ${detail}`);
  }
}

/** The card is disconnected (or still closing after a disconnect): connect it again first. */
export class CardDisconnectedError extends CardError {
  override readonly name = 'CardDisconnectedError';
  constructor(loginId: string, detail = 'connect it again first') {
    super(loginId, `Card ${loginId} is disconnected: ${detail}`);
  }
}

/** Temporal aborted an update every time it was sent (a workflow task failed under it): nothing changed. */
export class CardUpdateAbortedError extends CardError {
  override readonly name = 'CardUpdateAbortedError';
  constructor(
    loginId: string,
    readonly update: string,
    readonly attempts: number,
    reason: string,
  ) {
    super(
      loginId,
      `Card ${loginId}: Temporal aborted the ${update} update (${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}); nothing was changed, retry in a few seconds`,
    );
  }
}

/**
 * The card could not answer a Refresh press within its bound: the refresh goes on (Flinks is slow or busy, or no
 * worker polls the Flinks queue). Pressing again within a few minutes gets its outcome, never a second live login.
 */
export class RefreshNowPendingError extends CardError {
  override readonly name = 'RefreshNowPendingError';
  constructor(
    loginId: string,
    readonly flinksTaskQueue: string | null,
    detail: string,
  ) {
    super(loginId, detail);
  }
}

/** Temporal could not be reached (connection refused, unavailable, deadline exceeded). */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}
