// The public shapes of the card workflow (see the contract): its input, signals, update result and query.
// zod schemas double as validators at every boundary: the client, the HTTP API and the workflow's handlers.
import { z } from 'zod';
import { type UndeliverableNotification } from './undeliverable-notifications';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const loginIdSchema = z
  .string({ required_error: 'loginId is required', invalid_type_error: 'loginId must be a string' })
  .regex(uuidPattern, { message: 'loginId must be a UUID' });

// zod's datetime accepts offsets like +99:99 and years like 9999, which no window can be computed from: the
// instant must also parse, and fall in this century.
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

export const isoDateTimeSchema = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp' })
  .pipe(
    z.string().refine((value) => {
      const ms = Date.parse(value);
      return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
    }, 'must be a real time between 2000 and 2100'),
  );

export const cardStatuses = [
  'scheduled',
  'refreshing',
  'errored',
  'awaiting-user-mfa',
  'unscheduled',
  'disconnected',
] as const;
export const cardStatusSchema = z.enum(cardStatuses);
export type CardStatus = z.infer<typeof cardStatusSchema>;

export const cardInputSchema = z.object({
  loginId: loginIdSchema,
  institution: z.string().min(1).max(200).optional(),
  connectedAt: isoDateTimeSchema.optional(),
  requestId: z.string().min(1).max(200).optional(),
  scheduledRefresh: z.boolean().optional(),
});
export type CardInput = z.infer<typeof cardInputSchema>;

export const reconnectedSchema = z.object({ requestId: z.string().min(1).max(200) });
export type ReconnectedSignal = z.infer<typeof reconnectedSchema>;

export const ineligibleEntrySchema = z.object({
  lastRefreshDate: z.string().nullable(),
  lastRefreshState: z.string().nullable(),
  lastRefreshErrorCode: z.string().nullable(),
});
export type IneligibleEntry = z.infer<typeof ineligibleEntrySchema>;

export const nightlyStatusSchema = z.object({
  routineId: z.string().min(1).max(200),
  ineligible: ineligibleEntrySchema.nullable(),
  /** Overrides the routine's default: data older than this many ms gets a manual refresh. */
  maxDataAgeMs: z.number().int().positive().optional(),
});
export type NightlyStatusSignal = z.infer<typeof nightlyStatusSchema>;

/** Flinks pushed a refresh's data by webhook (FLINKS_WEBHOOKS=true): the receiver already stored it. */
export const webhookRefreshSchema = z.object({
  requestId: z.string().min(1).max(200),
  lastRefresh: isoDateTimeSchema.nullable(),
});
export type WebhookRefreshSignal = z.infer<typeof webhookRefreshSchema>;

export const setScheduledRefreshSchema = z.object({ enabled: z.boolean() });
export type SetScheduledRefreshSignal = z.infer<typeof setScheduledRefreshSchema>;

export const disconnectSchema = z.object({ deleteData: z.boolean().optional() });
export type DisconnectSignal = z.infer<typeof disconnectSchema>;

export const refreshNowOutcomes = ['refreshed', 'mfa-required', 'failed'] as const;
export interface RefreshNowResult {
  outcome: (typeof refreshNowOutcomes)[number];
  requestId?: string;
  lastRefreshAt?: string;
  errorCode?: string;
}

export interface CardError {
  code: string;
  message: string;
  at: string;
}

/** What the `state` query returns: a superset of the contract's fields. */
export interface CardView {
  loginId: string;
  institution: string | null;
  status: CardStatus;
  eligible: boolean;
  eligibleUntil: string | null;
  scheduledRefresh: boolean;
  lastSuccessfulRefreshAt: string | null;
  lastCachedCallAt: string | null;
  lastError: CardError | null;
  pendingRequestId: string | null;
  awaitingUserSince: string | null;
  lastRoutineId: string | null;
  malformedMessages: { count: number; lastReason: string | null };
  /**
   * Data Flinks handed over that the data sink refused (not a Flinks failure: status and eligibility do not move
   * for it), and when the card next redelivers it; null when the sink has everything.
   */
  deliveryPending: DeliveryPendingView | null;
  /** Notifications the backend refused for good, newest last (at most 20); absent when there are none. */
  undeliverableNotifications?: UndeliverableNotification[];
}

export interface DeliveryPendingView {
  since: string;
  attempts: number;
  lastAttemptAt: string;
  /** The newest LastRefresh whose data the sink has not taken. */
  lastRefresh: string | null;
  reason: string;
  /** Null while the card waits for the user (the reconnect delivers fresh data). */
  nextAttemptAt: string | null;
}

/** One line per field at fault, for error messages that say what was wrong and with which value. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}
