// npm start's small pieces: its options, the card table, the simulator snapshot's refusal of a broken file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator } from '../../src/simulator';
import { renderCardTable } from '../../src/start/card-table';
import { SIMULATOR_SNAPSHOT_FILE, simulatorSnapshot } from '../../src/start/simulator-snapshot';
import { parseStartArgs } from '../../src/start/start-args';

describe('parseStartArgs', () => {
  test('defaults: .data, 7233, 8233, 4010, real time, quiet', () => {
    expect(parseStartArgs([])).toEqual({
      help: false,
      verbose: false,
      demoClockMs: null,
      dataDir: resolve('.data'),
      temporalPort: 7233,
      uiPort: 8233,
      simulatorPort: 4010,
    });
  });

  test('every option', () => {
    expect(
      parseStartArgs([
        '--verbose',
        '--demo-clock',
        '5m',
        '--data-dir',
        '/tmp/x',
        '--temporal-port',
        '0',
        '--ui-port',
        '9000',
      ]),
    ).toMatchObject({
      verbose: true,
      demoClockMs: 300_000,
      dataDir: '/tmp/x',
      temporalPort: 0,
      uiPort: 9000,
    });
  });

  test.each([
    [['--demo-clock', 'often'], "--demo-clock must be a duration like 5m or 90s (got 'often')"],
    [['--demo-clock', '5s'], '--demo-clock must be at least 30s'],
    [['--temporal-port', '70000'], "--temporal-port must be a port number (got '70000')"],
    [['--colour'], "Unknown option '--colour'"],
    [['start'], 'Unexpected argument'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(expect.objectContaining({ name: 'StartUsageError' }));
    expect(() => parseStartArgs(argv)).toThrow(message);
  });
});

test('the card table: one row per card, sorted, counts by status, times in UTC minutes', () => {
  const card = (loginId: string, status: string, errorCode: string | null) => ({
    loginId,
    workflowId: `flinks-card-${loginId}`,
    runId: 'r',
    status,
    lastRefreshAt: '2026-01-21T20:47:47.145Z',
    eligibleUntil: '2026-01-28T20:47:47.145Z',
    errorCode,
    startedAt: null,
    closed: false,
  });
  const text = renderCardTable({
    cards: [card('b', 'errored', 'RETRY_LATER'), card('a', 'scheduled', null)],
    more: false,
    scenarios: new Map([['b', 'retry-later']]),
    footer: 'Demo: seeding',
  });
  expect(text).toBe(
    [
      'Cards (UTC times): 1 errored · 1 scheduled',
      'LOGIN ID  SIMULATED AS  STATUS     ELIGIBLE UNTIL    LAST REFRESH      LAST ERROR',
      'a         -             scheduled  2026-01-28 20:47  2026-01-21 20:47  -',
      'b         retry-later   errored    2026-01-28 20:47  2026-01-21 20:47  RETRY_LATER',
      'Demo: seeding',
    ].join('\n'),
  );
  expect(renderCardTable({ cards: [], more: false })).toBe('Cards (UTC times)\nNo cards yet.');
});

test('a simulator snapshot that is not one is refused by name, and left in place', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-snapshot-'));
  const sim = await startSimulator({ secretKey: 'snapshot-test' });
  try {
    await writeFile(join(dir, SIMULATOR_SNAPSHOT_FILE), '{"version": 1, "cards": [{"scenario": "sleepy"}]}');
    await expect(simulatorSnapshot(sim, dir).restore()).rejects.toThrow(
      expect.objectContaining({
        name: 'SimulatorSnapshotError',
        message: expect.stringContaining('fix or delete it'),
      }),
    );

    // A good round trip keeps loginIds and scenarios.
    const other = await mkdtemp(join(tmpdir(), 'sim-snapshot-'));
    const card = await sim.admin.createCard({ scenario: 'mfa-on-live', scheduledRefresh: false });
    await simulatorSnapshot(sim, other).save();
    const next = await startSimulator({ secretKey: 'snapshot-test' });
    try {
      expect(await simulatorSnapshot(next, other).restore()).toBe(1);
      expect(await next.admin.getCard(card.loginId)).toMatchObject({
        scenario: 'mfa-on-live',
        scheduledRefresh: false,
        lastSuccessfulRefreshAt: card.lastSuccessfulRefreshAt,
      });
    } finally {
      await next.close();
      await rm(other, { recursive: true, force: true });
    }
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});
