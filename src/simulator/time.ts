import { z } from 'zod';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Flinks writes datetimes like `2026-01-21T20:47:47.1459990`: ISO-8601, no zone (documented as UTC),
 * seven fractional digits. We only have milliseconds, so the last four digits are zeros.
 */
export function formatFlinksDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '0000');
}

/** `YYYY-MM-DD` of the UTC day containing `ms`. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Midnight UTC of the day containing `ms`. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Admin inputs take a time as epoch milliseconds or as an ISO-8601 string with a zone. */
export const timeInputSchema = z.union([
  z.number().int().nonnegative(),
  z.string().datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a zone' }),
]);
export type TimeInput = z.infer<typeof timeInputSchema>;

export function parseTimeInput(input: TimeInput): number {
  return typeof input === 'number' ? input : Date.parse(input);
}
