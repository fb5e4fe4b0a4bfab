import {
  defaultRoutineId,
  InvalidRoutineInputError,
  resolveRoutineInput,
  routineDefaults,
} from '../../src/domain/routine-input';

const run = {
  scheduledStartTime: null,
  startedAtMs: Date.parse('2026-03-04T11:12:13Z'),
  taskQueue: 'flinks-refresh',
};

describe('defaultRoutineId', () => {
  test('is the UTC date of the schedule’s nominal time, so every run of that day shares it', () => {
    const scheduled = new Date('2026-03-04T08:30:00Z');
    expect(
      defaultRoutineId({ scheduledStartTime: scheduled, startedAtMs: Date.parse('2026-03-04T11:59:00Z') }),
    ).toBe('nightly-2026-03-04');
    // A catch-up run that starts after midnight still belongs to the day it was scheduled for.
    expect(
      defaultRoutineId({
        scheduledStartTime: new Date('2026-03-04T23:50:00Z'),
        startedAtMs: Date.parse('2026-03-05T00:10:00Z'),
      }),
    ).toBe('nightly-2026-03-04');
  });

  test('falls back to the start date for a run no schedule started', () => {
    expect(defaultRoutineId(run)).toBe('nightly-2026-03-04');
  });
});

describe('resolveRoutineInput', () => {
  test('applies the defaults to the contract’s empty input', () => {
    expect(resolveRoutineInput({}, run)).toEqual({
      routineId: 'nightly-2026-03-04',
      maxDataAgeMs: null,
      cardTaskQueue: 'flinks-refresh',
      flinksTaskQueue: 'flinks-refresh-flinks',
      ...routineDefaults,
    });
    expect(resolveRoutineInput(undefined, run).routineId).toBe('nightly-2026-03-04');
  });

  test('keeps an explicit routineId and parses maxDataAge', () => {
    const resolved = resolveRoutineInput(
      { routineId: 'manual-1', maxDataAge: '12 hours', cardsPerShard: 50 },
      run,
    );
    expect(resolved).toMatchObject({
      routineId: 'manual-1',
      maxDataAgeMs: 12 * 3_600_000,
      cardsPerShard: 50,
    });
  });

  test.each([
    [{ maxDataAge: '24' }, "maxDataAge: not a duration: '24'"],
    [{ maxDataAge: '0ms' }, "maxDataAge must be at least 1 ms (got '0ms')"],
    [{ routineId: '' }, 'routineId: String must contain at least 1 character(s)'],
    [{ cardTaskQueue: "x' OR 1=1" }, 'cardTaskQueue: must not contain quotes'],
    [{ pageSize: 5000 }, 'pageSize: Number must be less than or equal to 1000'],
    [{ extra: true }, "Unrecognized key(s) in object: 'extra'"],
  ])('refuses %j, naming the field and the value', (input, message) => {
    expect(() => resolveRoutineInput(input, run)).toThrow(InvalidRoutineInputError);
    expect(() => resolveRoutineInput(input, run)).toThrow(message);
  });
});
