import { JsonStreamError, readArrayMember } from '../../src/flinks/json-array-stream';

const options = { key: 'IneligibleCards', maxItemChars: 1_000, maxRestChars: 1_000 };

async function* bytesIn(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string, size = 7, opts = options) {
  const items: unknown[] = [];
  const rest = await readArrayMember(bytesIn(text, size), opts, (item, index) => {
    expect(index).toBe(items.length);
    items.push(item);
  });
  return { items, rest };
}

const doc = {
  HttpStatusCode: 200,
  Message: 'a "quoted" ] } [ { message, é 🏦',
  IneligibleCards: [
    { LoginId: 'a', LastRefreshDate: null, Nested: { x: [1, { y: ']' }] } },
    { LoginId: 'b\\"}', LastRefreshState: 'Failed' },
    'scalar',
    42,
    null,
    [1, 2],
  ],
  Other: { IneligibleCards: ['not the root member'] },
  FlinksCode: null,
};

test('hands out each item of the root member, in order, at any chunk size, and returns the rest', async () => {
  const text = JSON.stringify(doc, null, 1);
  for (const size of [1, 2, 3, 5, 64, 10_000]) {
    const { items, rest } = await read(text, size);
    expect(items).toEqual(doc.IneligibleCards);
    expect(rest).toEqual({ ...doc, IneligibleCards: [] });
  }
});

test('compact, empty and missing arrays', async () => {
  expect(await read(JSON.stringify(doc))).toEqual({
    items: doc.IneligibleCards,
    rest: { ...doc, IneligibleCards: [] },
  });
  expect(await read('{"IneligibleCards":[]}')).toEqual({ items: [], rest: { IneligibleCards: [] } });
  expect(await read('{"IneligibleCards":null,"A":1}')).toEqual({
    items: [],
    rest: { IneligibleCards: null, A: 1 },
  });
  expect(await read(' [1,2] ')).toEqual({ items: [], rest: [1, 2] });
});

test('awaits each item before reading on', async () => {
  const seen: number[] = [];
  let busy = false;
  await readArrayMember(
    bytesIn(JSON.stringify({ IneligibleCards: [1, 2, 3, 4] }), 1),
    options,
    async (item) => {
      expect(busy).toBe(false);
      busy = true;
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(item as number);
      busy = false;
    },
  );
  expect(seen).toEqual([1, 2, 3, 4]);
});

test('names what was wrong, without quoting the body', async () => {
  const problem = async (text: string, opts = options) => {
    const error = await read(text, 3, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonStreamError);
    expect((error as Error).message).not.toContain('secret');
    return (error as JsonStreamError).problem;
  };
  expect(await problem('')).toBe('empty');
  expect(await problem('  \n')).toBe('empty');
  expect(await problem('<html>secret</html>')).toBe('not-json');
  expect(await problem('{"IneligibleCards":[{"LoginId":"secret"}')).toBe('not-json');
  expect(await problem('{"IneligibleCards":[{"LoginId":"secret",}]}')).toBe('not-json');
  expect(await problem('{"Message":"secret')).toBe('not-json');
  const big = JSON.stringify({ IneligibleCards: [{ LoginId: 'secret'.repeat(300) }] });
  expect(await problem(big)).toBe('item-too-large');
  expect(await problem(JSON.stringify({ Message: 'secret'.repeat(300), IneligibleCards: [] }))).toBe(
    'too-large',
  );
});

test('a list of any length in bounded memory: 200,000 items streamed', async () => {
  async function* generated(): AsyncGenerator<string> {
    yield '{"IneligibleCards":[';
    for (let i = 0; i < 200_000; i++)
      yield `${i ? ',' : ''}{"LoginId":"${i.toString(16).padStart(32, '0')}"}`;
    yield '],"HttpStatusCode":200}';
  }
  let count = 0;
  let last = '';
  const rest = await readArrayMember(generated(), options, (item) => {
    count += 1;
    last = (item as { LoginId: string }).LoginId;
  });
  expect(count).toBe(200_000);
  expect(last).toBe((199_999).toString(16).padStart(32, '0'));
  expect(rest).toEqual({ IneligibleCards: [], HttpStatusCode: 200 });
});
