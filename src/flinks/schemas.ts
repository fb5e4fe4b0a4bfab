// zod schemas of every Flinks response body this client reads. Objects are passthrough: Flinks adds
// fields over time (InstitutionName, AccountType…) and unknown extras must never fail a call. Only what
// the product relies on is required, so a violation names a field that actually matters.
import { z } from 'zod';
import { normalizeFlinksDateTime } from './flinks-datetime';

const DATETIME_MESSAGE = 'not an ISO-8601 date-time';

/** A Flinks timestamp, normalised to ISO UTC ('Z', milliseconds). */
export const flinksDateTimeSchema = z.string().transform((value, ctx) => {
  const normalized = normalizeFlinksDateTime(value);
  if (normalized === null) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: DATETIME_MESSAGE });
    return z.NEVER;
  }
  return normalized;
});

/** A Flinks timestamp checked but kept as sent (inside data bodies handed to sinks verbatim). */
const rawFlinksDateTimeSchema = z
  .string()
  .refine((value) => normalizeFlinksDateTime(value) !== null, { message: DATETIME_MESSAGE });

/** What every error (and many success) bodies carry; all optional so any JSON object parses. */
export const errorBodySchema = z
  .object({
    HttpStatusCode: z.number().nullish(),
    FlinksCode: z.string().nullish(),
    Message: z.string().nullish(),
    RequestId: z.string().nullish(),
  })
  .passthrough();

export const tokenResponseSchema = z.object({ Token: z.string().min(1) }).passthrough();

export const loginSchema = z
  .object({
    Id: z.string().min(1),
    LastRefresh: flinksDateTimeSchema.nullish(),
    IsScheduledRefresh: z.boolean().nullish(),
    Type: z.string().nullish(),
  })
  .passthrough();

export const authorizeSuccessSchema = z
  .object({
    RequestId: z.string().min(1),
    Institution: z.string().nullish(),
    InstitutionName: z.string().nullish(),
    Login: loginSchema,
  })
  .passthrough();

export const securityChallengeSchema = z
  .object({
    Type: z.string(),
    // Only QuestionAndAnswer with a Prompt is documented; other types may come without one.
    Prompt: z.string().nullish(),
  })
  .passthrough();

export const authorizeMfaSchema = z
  .object({
    RequestId: z.string().min(1),
    Institution: z.string().nullish(),
    InstitutionName: z.string().nullish(),
    SecurityChallenges: z.array(securityChallengeSchema),
  })
  .passthrough();

export const pendingSchema = z
  .object({
    FlinksCode: z.string().nullish(),
    RequestId: z.string().nullish(),
  })
  .passthrough();

const dataLoginSchema = z
  .object({
    Id: z.string().min(1),
    LastRefresh: rawFlinksDateTimeSchema.nullish(),
    IsScheduledRefresh: z.boolean().nullish(),
  })
  .passthrough();

const transactionSchema = z.object({ Id: z.string().nullish() }).passthrough();

const detailAccountSchema = z
  .object({
    Id: z.string().nullish(),
    Transactions: z.array(transactionSchema).nullish(),
  })
  .passthrough();

export const accountsDetailSchema = z
  .object({
    RequestId: z.string().min(1),
    Institution: z.string().nullish(),
    Login: dataLoginSchema,
    Accounts: z.array(detailAccountSchema),
  })
  .passthrough();
export type AccountsDetail = z.infer<typeof accountsDetailSchema>;

const summaryAccountSchema = z.object({ Id: z.string().nullish() }).passthrough();

export const accountsSummarySchema = z
  .object({
    RequestId: z.string().min(1),
    Institution: z.string().nullish(),
    Login: dataLoginSchema,
    Accounts: z.array(summaryAccountSchema),
  })
  .passthrough();
export type AccountsSummary = z.infer<typeof accountsSummarySchema>;

export const nightlyRefreshStatusSchema = z
  .object({
    // Missing, null and [] all mean "no ineligible card".
    IneligibleCards: z
      .array(
        z
          .object({
            LoginId: z.string().min(1),
            LastRefreshDate: flinksDateTimeSchema.nullish(),
            LastRefreshState: z.string().nullish(),
            LastRefreshErrorCode: z.string().nullish(),
          })
          .passthrough(),
      )
      .nullish(),
    FlinksCode: z.string().nullish(),
    Message: z.string().nullish(),
  })
  .passthrough();

/** SetScheduledRefresh 200: documented as a bare JSON string; an object with a Message is accepted too. */
export const scheduledRefreshObjectSchema = z
  .object({ Message: z.string().nullish(), message: z.string().nullish(), FlinksCode: z.string().nullish() })
  .passthrough();
