// The benchmark's pure pieces: the card mix, counting billable actions, percentiles, curves and the PNG encoder.
import { inflateSync } from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { BenchUsageError, parseBenchOptions } from '../../bench/src/bench-options';
import { actionsOf, tallyActions } from '../../bench/src/billable-actions';
import { completionCurve } from '../../bench/src/completion-curve';
import { encodePng } from '../../bench/src/chart/png';
import { benchCards, parseMix, scenarioCounts } from '../../bench/src/scenario-mix';
import { percentile, summarize } from '../../bench/src/stats';

const T = temporal.api.enums.v1.EventType;

describe('scenario mix', () => {
  test('counts are exact and keep the proportion at any size', () => {
    const mix = parseMix('healthy=90,slow=7,flaky=3');
    expect(Object.fromEntries(scenarioCounts(2_000, mix))).toEqual({ healthy: 1_800, slow: 140, flaky: 60 });
    const small = scenarioCounts(7, mix);
    expect([...small.values()].reduce((a, b) => a + b, 0)).toBe(7);
  });

  test('shares must name scenarios and add up to 100', () => {
    expect(() => parseMix('healthy=90')).toThrow('add up to 90');
    expect(() => parseMix('healthy=90,sleepy=10')).toThrow("unknown scenario 'sleepy'");
    expect(() => parseMix('healthy=100,slow=0')).toThrow('positive share');
  });

  test('the same seed opens the same cards', () => {
    const mix = { healthy: 50, slow: 50 };
    expect(benchCards(50, mix, 7)).toEqual(benchCards(50, mix, 7));
    expect(benchCards(50, mix, 7)).not.toEqual(benchCards(50, mix, 8));
    expect(new Set(benchCards(500, mix, 7).map((c) => c.loginId)).size).toBe(500);
  });
});

describe('billable actions from history events', () => {
  test('a healthy night: the signal, one activity, one upsert', () => {
    const night = [
      T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    ].map((eventType) => ({ eventType }));
    expect(tallyActions(night)).toEqual({ signal: 1, activity: 1, upsert: 1 });
  });

  test('retries count once each, from the attempt the started event records', () => {
    const started = {
      eventType: T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      activityTaskStartedEventAttributes: { attempt: 3 },
    };
    expect(actionsOf(started)).toEqual({ 'activity-retry': 2 });
  });

  test('a local activity marker counts, a patch marker does not', () => {
    const marker = (markerName: string) => ({
      eventType: T.EVENT_TYPE_MARKER_RECORDED,
      markerRecordedEventAttributes: { markerName },
    });
    expect(actionsOf(marker('core_local_activity'))).toEqual({ 'local-activity': 1 });
    expect(actionsOf(marker('core_patch'))).toEqual({});
  });
});

test('percentiles are observed values (nearest rank)', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 99)).toBe(99);
  expect(summarize([3, 1, 2])).toEqual({ n: 3, mean: 2, p50: 2, p99: 3, max: 3 });
  expect(summarize([])).toMatchObject({ n: 0, p99: 0 });
});

test('a completion curve is thinned but keeps the first and the last card', () => {
  const ends = Array.from({ length: 1_000 }, (_, i) => (1_000 - i) * 10);
  const curve = completionCurve(ends);
  expect(curve.length).toBeLessThanOrEqual(301);
  expect(curve[0]).toEqual([0.01, 1]);
  expect(curve[curve.length - 1]).toEqual([10, 1_000]);
});

test('the PNG encoder writes rows that decode back to the pixels', () => {
  const pixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 10);
  const png = encodePng(3, 2, pixels);
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  const idatStart = png.indexOf('IDAT') + 4;
  const idatLength = png.readUInt32BE(idatStart - 8);
  const raw = inflateSync(png.subarray(idatStart, idatStart + idatLength));
  // Each row: filter byte 0, then the row's pixels as given.
  expect([...raw]).toEqual([0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
  expect(() => encodePng(3, 3, pixels)).toThrow(RangeError);
});

describe('bench options', () => {
  test('--server picks the dev server (default) or the cluster; --store is the dev server only', () => {
    expect(parseBenchOptions([]).server).toBe('dev');
    expect(parseBenchOptions(['--server', 'cluster']).server).toBe('cluster');
    expect(() => parseBenchOptions(['--server', 'cloud'])).toThrow(
      "--server must be 'dev' or 'cluster', not 'cloud'",
    );
    expect(() => parseBenchOptions(['--server', 'cluster', '--store', 'file'])).toThrow(BenchUsageError);
  });
});
