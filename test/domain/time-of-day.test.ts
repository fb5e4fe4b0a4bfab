import { formatTimeOfDay, InvalidTimeOfDayError, parseTimeOfDay } from '../../src/domain/time-of-day';

test.each([
  ['08:30', { hour: 8, minute: 30 }],
  ['8:05', { hour: 8, minute: 5 }],
  [' 23:59 ', { hour: 23, minute: 59 }],
  ['00:00', { hour: 0, minute: 0 }],
])('parses %j', (text, time) => {
  expect(parseTimeOfDay(text)).toEqual(time);
});

test.each(['24:00', '08:60', '0830', '8h30', '', '08:3', '-1:00'])('refuses %j, quoting it', (text) => {
  expect(() => parseTimeOfDay(text)).toThrow(InvalidTimeOfDayError);
  expect(() => parseTimeOfDay(text)).toThrow(`not a UTC time of day: '${text}'`);
});

test('formats back to HH:MM', () => {
  expect(formatTimeOfDay({ hour: 8, minute: 5 })).toBe('08:05');
});
