// Flinks writes timestamps like `2026-01-21T20:47:47.1459990`: no zone (documented as UTC) and up to
// 7 fractional digits, which Date.parse would read as local time. Callers get ISO UTC with 'Z' instead.
const FLINKS_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `2026-01-21T20:47:47.1459990` → `2026-01-21T20:47:47.145Z`. Fractions are truncated to milliseconds
 * (rounding could carry into the next second); an explicit zone is honoured. Null when not a valid date-time.
 */
export function normalizeFlinksDateTime(value: string): string | null {
  const match = FLINKS_DATETIME.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone] = match;
  const millis = (fraction + '000').slice(0, 3);
  const local = `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}`;
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : normalizeOffset(zone);
  const ms = Date.parse(local + offset);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  // Date.parse rolls over impossible dates (Feb 30 → Mar 2); refuse them instead of inventing a day.
  if (offset === 'Z' && iso.slice(0, 10) !== `${year}-${month}-${day}`) return null;
  return iso;
}

function normalizeOffset(zone: string): string {
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}
