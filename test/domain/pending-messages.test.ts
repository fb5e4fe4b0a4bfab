import { malformedReason, mergePending, type PendingMessage } from '../../src/domain/pending-messages';

const reconnected = (requestId: string): PendingMessage => ({ kind: 'reconnected', payload: { requestId } });
const webhook = (requestId: string, lastRefresh: string | null): PendingMessage => ({
  kind: 'webhookRefresh',
  payload: { requestId, lastRefresh },
});

describe('malformedReason', () => {
  test('names what is wrong, or null', () => {
    expect(malformedReason(reconnected('r1'))).toBeNull();
    expect(malformedReason({ kind: 'disconnect', payload: undefined })).toBeNull();
    expect(malformedReason({ kind: 'reconnected', payload: { requestId: 42 } })).toMatch(/requestId/);
    expect(malformedReason({ kind: 'setScheduledRefresh', payload: 'yes' })).not.toBeNull();
  });
});

describe('mergePending', () => {
  test('nothing of the kind waits: null, the message is appended', () => {
    expect(mergePending([], reconnected('r1'))).toBeNull();
    expect(
      mergePending([{ kind: 'setScheduledRefresh', payload: { enabled: true } }], reconnected('r1')),
    ).toBeNull();
  });

  test('a malformed message never merges, nor does a well-formed one into a malformed one', () => {
    expect(mergePending([reconnected('r1')], { kind: 'reconnected', payload: {} })).toBeNull();
    expect(mergePending([{ kind: 'reconnected', payload: {} }], reconnected('r1'))).toBeNull();
  });

  test('the later message of a kind wins and moves behind what arrived before it', () => {
    const scheduled: PendingMessage = { kind: 'setScheduledRefresh', payload: { enabled: false } };
    expect(mergePending([reconnected('r1'), scheduled], reconnected('r2'))).toEqual([
      scheduled,
      reconnected('r2'),
    ]);
    expect(mergePending([reconnected('r1')], reconnected('r1'))).toEqual([reconnected('r1')]);
  });

  test('a flood of one kind stays one message', () => {
    let pending: PendingMessage[] = [];
    for (let i = 0; i < 1_000; i += 1)
      pending = mergePending(pending, reconnected('r1')) ?? [...pending, reconnected('r1')];
    expect(pending).toEqual([reconnected('r1')]);
  });

  test('a disconnect keeps its place and deletes the data if either asked to', () => {
    const scheduled: PendingMessage = { kind: 'setScheduledRefresh', payload: { enabled: true } };
    const first: PendingMessage = { kind: 'disconnect', payload: undefined };
    expect(mergePending([first, scheduled], { kind: 'disconnect', payload: { deleteData: true } })).toEqual([
      { kind: 'disconnect', payload: { deleteData: true } },
      scheduled,
    ]);
    expect(mergePending([{ kind: 'disconnect', payload: { deleteData: true } }], first)).toEqual([
      { kind: 'disconnect', payload: { deleteData: true } },
    ]);
  });

  test('webhook refreshes keep the newest LastRefresh, whichever came last', () => {
    const newer = webhook('r2', '2026-12-02T05:00:00Z');
    const older = webhook('r1', '2026-12-01T05:00:00Z');
    expect(mergePending([older], newer)).toEqual([newer]);
    expect(mergePending([newer], older)).toEqual([newer]);
    expect(mergePending([webhook('r0', null)], older)).toEqual([older]);
  });
});
