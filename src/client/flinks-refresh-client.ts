// The typed door for backends: every card operation, validated with zod before anything reaches Temporal, using
// the same signal, update and query definitions as the workflows.
import {
  type Client,
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { type TemporalConfig } from '../config';
import {
  cardInputSchema,
  type CardStatus,
  cardStatusSchema,
  type CardView,
  describeZodError,
  loginIdSchema,
  type RefreshNowResult,
  webhookRefreshSchema,
} from '../domain/card-messages';
import { cardPolicyOverridesSchema } from '../domain/card-policy';
import { cardQuery } from '../domain/routine-shards';
import { connectClient } from '../temporal/connection';
import { type CardWorkflowInput, type cardLifecycle } from '../workflows/card-lifecycle';
import {
  CARD_WORKFLOW_ID_PREFIX,
  CARD_WORKFLOW_TYPE,
  cardWorkflowId,
  connectUpdate,
  disconnectSignal,
  reconnectedSignal,
  REFRESH_NOW_PENDING_ERROR,
  refreshNowUpdate,
  setScheduledRefreshSignal,
  stateQuery,
  webhookRefreshSignal,
} from '../workflows/definitions';
import { FlinksCardStatus, FlinksLoginId } from '../workflows/search-attributes';
import {
  CardDisconnectedError,
  CardNotFoundError,
  InvalidLoginIdError,
  InvalidRequestError,
  RefreshNowPendingError,
  TemporalUnavailableError,
} from './errors';
import { cardSummary, type CardSummary } from './visibility';
import { executeCardUpdate } from './aborted-updates';

export const connectOptionsSchema = cardInputSchema
  .omit({ loginId: true })
  .extend({ policy: cardPolicyOverridesSchema.optional() })
  .strict();
export type ConnectOptions = z.infer<typeof connectOptionsSchema>;

const requestIdSchema = z.string().min(1).max(200);
const webhookRefreshInputSchema = webhookRefreshSchema.strict();
const disconnectOptionsSchema = z.object({ deleteData: z.boolean().optional() }).strict();
export const listCardsOptionsSchema = z
  .object({
    status: cardStatusSchema.optional(),
    pageSize: z.number().int().min(1).max(1_000).optional(),
    nextPageToken: z
      .string()
      .base64({ message: 'nextPageToken must be a token from a previous page' })
      .optional(),
  })
  .strict();
export type ListCardsOptions = z.infer<typeof listCardsOptionsSchema>;

export interface ConnectResult {
  loginId: string;
  workflowId: string;
  runId: string;
  /**
   * False when the card was already connected: connecting is idempotent. True for a new card, and for one that was
   * closing (it continues as a new card, `runId` being the closing run's, once its disconnect has finished).
   */
  started: boolean;
}

export interface CardPage {
  cards: CardSummary[];
  /** Pass to the next listCards call; null on the last page. */
  nextPageToken: string | null;
}

export interface FlinksRefreshClientOptions {
  /** A connected Temporal client; `close()` leaves it open. */
  client: Client;
  /** The workflows' task queue (TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** The Flinks activities' task queue (FLINKS_TASK_QUEUE), handed to every card it starts. */
  flinksTaskQueue: string;
}

/** A card closing while it is connected again: look, update, and (closed meanwhile) start, at most this often. */
const CONNECT_ATTEMPTS = 3;

/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the server could not be reached or did not answer. */
const UNAVAILABLE_CODES = new Set<number>([14, 4]);

export class FlinksRefreshClient {
  readonly temporal: Client;
  private readonly taskQueue: string;
  private readonly flinksTaskQueue: string;
  private ownsConnection = false;

  constructor(options: FlinksRefreshClientOptions) {
    this.temporal = options.client;
    this.taskQueue = options.taskQueue;
    this.flinksTaskQueue = options.flinksTaskQueue;
  }

  /** Connects to Temporal with the product's configuration; `close()` closes that connection. */
  static async fromConfig(config: {
    temporal: TemporalConfig;
    flinks: { taskQueue: string };
  }): Promise<FlinksRefreshClient> {
    let client: Client;
    try {
      client = await connectClient(config.temporal);
    } catch (error) {
      // Whatever stops the first connection (refused, TLS, deadline) means there is no Temporal to talk to.
      const reason = error instanceof Error ? error.message : String(error);
      throw new TemporalUnavailableError(`Temporal at ${config.temporal.address} is unavailable: ${reason}`);
    }
    const refresh = new FlinksRefreshClient({
      client,
      taskQueue: config.temporal.taskQueue,
      flinksTaskQueue: config.flinks.taskQueue,
    });
    refresh.ownsConnection = true;
    return refresh;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.temporal.connection.close();
  }

  /**
   * Starts the card's workflow, or finds the one already running (idempotent). A card that was disconnected starts
   * afresh: if its workflow is still closing (its disconnect done or waiting its turn), the `connect` update makes it
   * continue as a new card once closed, so the connect is never lost.
   */
  async connect(loginId: string, options: ConnectOptions = {}): Promise<ConnectResult> {
    const id = validLoginId(loginId);
    const parsed = validRequest(connectOptionsSchema, options, 'connect options');
    const input = { ...parsed, loginId: id, flinksTaskQueue: this.flinksTaskQueue };
    return this.call(id, async () => {
      for (let attempt = 1; ; attempt += 1) {
        const before = await this.runningCard(id);
        if (before === null) {
          const handle = await this.temporal.workflow.start<typeof cardLifecycle>(CARD_WORKFLOW_TYPE, {
            ...this.startOptions(id, parsed),
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
          });
          return {
            loginId: id,
            workflowId: handle.workflowId,
            runId: handle.firstExecutionRunId,
            started: true,
          };
        }
        try {
          const answer = await executeCardUpdate(this.temporal, id, connectUpdate, [input]);
          return {
            loginId: id,
            workflowId: cardWorkflowId(id),
            runId: before.runId,
            started: answer.outcome === 'restarting',
          };
        } catch (error) {
          // The card finished closing between the look and the update: start it afresh.
          if (error instanceof WorkflowNotFoundError && attempt < CONNECT_ATTEMPTS) continue;
          throw error;
        }
      }
    });
  }

  /**
   * The user finished a reconnect in Flinks Connect. Never lost: a card whose workflow is not running is started
   * with this signal (signal-with-start), and one that is closing starts again with it.
   */
  async reconnected(loginId: string, requestId: string): Promise<{ loginId: string; workflowId: string }> {
    const id = validLoginId(loginId);
    const request = validRequest(requestIdSchema, requestId, 'requestId');
    return this.call(id, async () => {
      // A card that is closing takes it too: it continues as a new card with this reconnect's data.
      const input: CardWorkflowInput = { loginId: id, flinksTaskQueue: this.flinksTaskQueue };
      const handle = await this.temporal.workflow.signalWithStart<
        typeof cardLifecycle,
        [{ requestId: string }]
      >(CARD_WORKFLOW_TYPE, {
        ...this.startOptions(id, {}),
        args: [input],
        signal: reconnectedSignal,
        signalArgs: [{ requestId: request }],
      });
      return { loginId: id, workflowId: handle.workflowId };
    });
  }

  /**
   * A live refresh with the user present (the app's Refresh button); waits for its outcome. Sent again when Temporal
   * aborts it (CardUpdateAbortedError if it keeps doing so): safe, since concurrent presses share one live refresh
   * and an open MFA session is answered rather than logged into again.
   */
  async refreshNow(loginId: string): Promise<RefreshNowResult> {
    const id = validLoginId(loginId);
    return this.call(id, async () => {
      try {
        return await executeCardUpdate(this.temporal, id, refreshNowUpdate, [{}]);
      } catch (error) {
        const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
        // The card's update validator refuses a disconnected card.
        if (cause instanceof ApplicationFailure && cause.type === 'CardDisconnectedError') {
          throw new CardDisconnectedError(id, 'connect it again before refreshing');
        }
        if (cause instanceof ApplicationFailure && cause.type === REFRESH_NOW_PENDING_ERROR) {
          const details = cause.details?.[0] as { flinksTaskQueue?: string } | undefined;
          throw new RefreshNowPendingError(id, details?.flinksTaskQueue ?? null, cause.message);
        }
        throw error;
      }
    });
  }

  async setScheduledRefresh(loginId: string, enabled: boolean): Promise<void> {
    const id = validLoginId(loginId);
    const parsed = validRequest(
      z.boolean({ invalid_type_error: 'enabled must be a boolean' }),
      enabled,
      'enabled',
    );
    await this.call(id, () =>
      this.temporal.workflow
        .getHandle(cardWorkflowId(id))
        .signal(setScheduledRefreshSignal, { enabled: parsed }),
    );
  }

  /**
   * Flinks delivered a refresh by webhook and its data is stored: the card renews its success window. Redeliveries
   * (the same LastRefresh) change nothing in the card.
   */
  async webhookRefresh(loginId: string, requestId: string, lastRefresh: string | null): Promise<void> {
    const id = validLoginId(loginId);
    const parsed = validRequest(webhookRefreshInputSchema, { requestId, lastRefresh }, 'webhook refresh');
    await this.call(id, () =>
      this.temporal.workflow.getHandle(cardWorkflowId(id)).signal(webhookRefreshSignal, parsed),
    );
  }

  /** Resolves when Temporal answers within `timeoutMs`; TemporalUnavailableError otherwise (health checks). */
  async ping(timeoutMs = 5_000): Promise<void> {
    await unavailableAsNamed(() =>
      this.temporal.connection.withDeadline(Date.now() + timeoutMs, () =>
        this.temporal.workflowService.getSystemInfo({}),
      ),
    );
  }

  /** Disconnects the card (final); `deleteData` also deletes it at Flinks. A disconnected card is left as is. */
  async disconnect(
    loginId: string,
    options: { deleteData?: boolean } = {},
  ): Promise<{ alreadyDisconnected: boolean }> {
    const id = validLoginId(loginId);
    const parsed = validRequest(disconnectOptionsSchema, options, 'disconnect options');
    try {
      const handle = this.temporal.workflow.getHandle(cardWorkflowId(id));
      // A disconnected card stays running a while to tell the backend (its final notification): it is already
      // disconnected, and a second disconnect would be ignored by it, deleteData included.
      const closing = await this.call(
        id,
        async () => (await handle.describe()).typedSearchAttributes.get(FlinksCardStatus) === 'disconnected',
      );
      if (closing) return { alreadyDisconnected: true };
      await this.call(id, () => handle.signal(disconnectSignal, parsed));
      return { alreadyDisconnected: false };
    } catch (error) {
      if (error instanceof CardDisconnectedError) return { alreadyDisconnected: true };
      throw error;
    }
  }

  /** The card as it sees itself (the `state` query); a disconnected card's final view. */
  async getCard(loginId: string): Promise<CardView> {
    const id = validLoginId(loginId);
    return this.call(id, async () => {
      const handle = this.temporal.workflow.getHandle<typeof cardLifecycle>(cardWorkflowId(id));
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') return handle.query(stateQuery);
      if (status.name === 'COMPLETED') return handle.result();
      throw new CardNotFoundError(id, `its workflow is ${status.name.toLowerCase()}; connect it again`);
    });
  }

  /** One page of cards from visibility: the live ones, or those with one status. */
  async listCards(options: ListCardsOptions = {}): Promise<CardPage> {
    const parsed = validRequest(listCardsOptionsSchema, options, 'list options');
    return unavailableAsNamed(async () => {
      const response = await this.temporal.workflowService.listWorkflowExecutions({
        namespace: this.temporal.options.namespace,
        query: cardQuery({
          workflowType: CARD_WORKFLOW_TYPE,
          taskQueue: this.taskQueue,
          idPrefix: CARD_WORKFLOW_ID_PREFIX,
          status: parsed.status,
        }),
        pageSize: parsed.pageSize ?? 100,
        nextPageToken: parsed.nextPageToken ? Buffer.from(parsed.nextPageToken, 'base64') : undefined,
      });
      const token = response.nextPageToken;
      return {
        cards: (response.executions ?? []).map(cardSummary),
        nextPageToken: token && token.length > 0 ? Buffer.from(token).toString('base64') : null,
      };
    });
  }

  // ---------- helpers ----------

  private startOptions(loginId: string, options: ConnectOptions) {
    const status: CardStatus = options.scheduledRefresh === false ? 'unscheduled' : 'scheduled';
    return {
      workflowId: cardWorkflowId(loginId),
      taskQueue: this.taskQueue,
      typedSearchAttributes: [
        { key: FlinksLoginId, value: loginId },
        { key: FlinksCardStatus, value: status },
      ],
      staticSummary: `Flinks login ${loginId} at ${options.institution ?? 'an unknown institution'}`,
    };
  }

  /** The card's running workflow, with its status from visibility's point of view (describe), or null. */
  private async runningCard(loginId: string): Promise<{ status: string | null; runId: string } | null> {
    try {
      const description = await this.temporal.workflow.getHandle(cardWorkflowId(loginId)).describe();
      if (description.status.name !== 'RUNNING') return null;
      const status = description.typedSearchAttributes.get(FlinksCardStatus);
      return { status: status ?? null, runId: description.runId };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  /** Runs a card operation, turning "no such workflow" into the card's own error. */
  private async call<T>(loginId: string, run: () => Promise<T>): Promise<T> {
    return unavailableAsNamed(async () => {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        throw await this.notRunning(loginId);
      }
    });
  }

  /** Why a card's workflow is not running: never started, or closed after a disconnect. */
  private async notRunning(loginId: string): Promise<Error> {
    try {
      const { status } = await this.temporal.workflow.getHandle(cardWorkflowId(loginId)).describe();
      if (status.name === 'COMPLETED') return new CardDisconnectedError(loginId);
      return new CardNotFoundError(loginId, `its workflow is ${status.name.toLowerCase()}; connect it again`);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return new CardNotFoundError(loginId);
      throw error;
    }
  }
}

/** A loginId as cards are keyed (lower-case UUID), or InvalidLoginIdError. */
export function validLoginId(loginId: unknown): string {
  const parsed = loginIdSchema.safeParse(loginId);
  if (!parsed.success) throw new InvalidLoginIdError(loginId);
  return parsed.data.toLowerCase();
}

function validRequest<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidRequestError(`Invalid ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data as z.infer<S>;
}

/** Connection failures become TemporalUnavailableError (the HTTP API answers 503); the rest pass through. */
async function unavailableAsNamed<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const grpc = error instanceof ServiceError ? error.cause : error;
    if (isGrpcServiceError(grpc) && UNAVAILABLE_CODES.has(grpc.code)) {
      throw new TemporalUnavailableError(`Temporal is unavailable: ${grpc.details || grpc.message}`);
    }
    throw error;
  }
}
