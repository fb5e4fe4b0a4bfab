// Durations and instants as plain numbers and ISO strings, so state stays JSON through continue-as-new.
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toMs(iso: string): number {
  return new Date(iso).getTime();
}

/** The later of two optional ISO instants. */
export function laterIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return toMs(a) >= toMs(b) ? a : b;
}

/**
 * An instant someone else's clock reported (Flinks' LastRefresh), no later than ours: a time in the future would
 * pin a window open that Flinks itself will close.
 */
export function notAfter(iso: string | null, nowMs: number): string | null {
  return iso !== null && toMs(iso) > nowMs ? toIso(nowMs) : iso;
}

/** "3d 4h", "5h 12m", "40s": compact and readable in the Web UI. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / DAY_MS);
  rest -= days * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  if (days > 0) return `${sign}${days}d ${hours}h`;
  if (hours > 0) return `${sign}${hours}h ${minutes}m`;
  if (minutes > 0) return `${sign}${minutes}m`;
  return `${sign}${Math.round(rest / SECOND_MS)}s`;
}
