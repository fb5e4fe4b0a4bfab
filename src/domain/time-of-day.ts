// 'HH:MM' in UTC, as operators write the daily routine's time (ROUTINE_SCHEDULE_TIME).

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export class InvalidTimeOfDayError extends Error {
  override readonly name = 'InvalidTimeOfDayError';
}

export function parseTimeOfDay(text: string): TimeOfDay {
  const match = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    throw new InvalidTimeOfDayError(`not a UTC time of day: '${text}' (expected HH:MM, e.g. '08:30')`);
  }
  return { hour, minute };
}

export function formatTimeOfDay({ hour, minute }: TimeOfDay): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
