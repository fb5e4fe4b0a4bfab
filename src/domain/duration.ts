// Durations written by people ('10s', '5 minutes', '24 hours'): parsed once, used by the configuration and
// by workflow inputs such as the routine's maxDataAge. Pure, so workflow code can import it.

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/**
 * '10s' | '5 minutes' | '2 days' | '250ms' | '1.5h' → milliseconds (the `ms` package's spellings, which Temporal
 * durations also accept). A bare number is refused: '30' could mean seconds or milliseconds.
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const factor = match?.[2] ? UNIT_MS[match[2].toLowerCase()] : undefined;
  if (!match?.[1] || factor === undefined) {
    throw new DurationError(
      `not a duration: '${text}' (expected e.g. '250ms', '10s', '5 minutes', '2 days')`,
    );
  }
  return Math.round(Number(match[1]) * factor);
}
