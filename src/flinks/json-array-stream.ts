// Reads one JSON document as it arrives and hands out the items of one array member of its root object one at a
// time, so a list of any length is read in memory bounded by its largest item. The rest of the document (its other
// members, with that array left empty) is parsed at the end and returned.

export type JsonStreamProblem = 'empty' | 'not-json' | 'item-too-large' | 'too-large';

/** The stream was not one JSON document, or a part of it was over its bound. Never quotes the body. */
export class JsonStreamError extends Error {
  constructor(
    readonly problem: JsonStreamProblem,
    message: string,
  ) {
    super(message);
    this.name = 'JsonStreamError';
  }
}

export interface ArrayMemberOptions {
  /** The root object's member whose items are streamed (exact key). */
  key: string;
  /** Largest item, in characters. */
  maxItemChars: number;
  /** Largest rest of the document (everything but the streamed items), in characters. */
  maxRestChars: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A member's key just before its value: `"key" :` at the end of `text`. */
const KEY_BEFORE_VALUE = /"((?:[^"\\]|\\.)*)"\s*:\s*$/;

/**
 * Calls `onItem` with each item of `options.key`'s array, in order, awaiting it before reading on (back-pressure),
 * with the item's index. Resolves with the document parsed without those items (the array left as `[]`).
 */
export async function readArrayMember(
  chunks: AsyncIterable<Uint8Array | string>,
  options: ArrayMemberOptions,
  onItem: (item: unknown, index: number) => void | Promise<void>,
): Promise<unknown> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let mode: 'rest' | 'between' | 'item' = 'rest';
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The current item's text from earlier chunks. */
  let carry = '';
  let scalarItem = false;
  let index = 0;
  let sawText = false;

  const emit = async (text: string): Promise<void> => {
    if (text.length > options.maxItemChars) throw itemTooLarge(index, text.length, options.maxItemChars);
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch {
      throw new JsonStreamError('not-json', `item ${index} of ${options.key} is not valid JSON`);
    }
    await onItem(item, index);
    index += 1;
  };

  const read = async (s: string): Promise<void> => {
    if (!sawText && s.trim() !== '') sawText = true;
    let segmentStart = 0;
    let itemStart = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (mode === 'between') {
        if (c === COMMA || isSpace(c)) continue;
        if (c === CLOSE_BRACKET) {
          mode = 'rest';
          segmentStart = i;
        } else {
          mode = 'item';
          itemStart = i;
          scalarItem = c !== OPEN_BRACE && c !== OPEN_BRACKET;
        }
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        continue;
      }
      if (
        mode === 'item' &&
        scalarItem &&
        depth === 2 &&
        (c === COMMA || c === CLOSE_BRACKET || isSpace(c))
      ) {
        await emit(carry + s.slice(itemStart, i));
        carry = '';
        mode = 'between';
        i -= 1; // the terminator is read again, between items
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (
          mode === 'rest' &&
          c === OPEN_BRACKET &&
          depth === 1 &&
          keyBefore(rest, s, segmentStart, i) === options.key
        ) {
          rest += s.slice(segmentStart, i + 1);
          depth = 2;
          mode = 'between';
          continue;
        }
        depth += 1;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth -= 1;
        if (mode === 'item' && depth === 2) {
          await emit(carry + s.slice(itemStart, i + 1));
          carry = '';
          mode = 'between';
        }
      }
    }
    if (mode === 'rest') rest += s.slice(segmentStart);
    else if (mode === 'item') {
      carry += s.slice(itemStart);
      if (carry.length > options.maxItemChars) throw itemTooLarge(index, carry.length, options.maxItemChars);
    }
    if (rest.length > options.maxRestChars) {
      throw new JsonStreamError(
        'too-large',
        `the document outside ${options.key} is over ${options.maxRestChars} characters`,
      );
    }
  };

  for await (const chunk of chunks)
    await read(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  await read(decoder.decode());
  if (!sawText) throw new JsonStreamError('empty', 'empty body');
  if (mode !== 'rest' || inString || depth !== 0) {
    throw new JsonStreamError(
      'not-json',
      `the document ends inside ${mode === 'rest' ? 'a value' : options.key}`,
    );
  }
  try {
    return JSON.parse(rest) as unknown;
  } catch {
    throw new JsonStreamError('not-json', 'not valid JSON');
  }
}

function keyBefore(rest: string, s: string, segmentStart: number, at: number): string | null {
  const tail = (rest.slice(-512) + s.slice(Math.max(segmentStart, at - 512), at)).slice(-512);
  const match = KEY_BEFORE_VALUE.exec(tail);
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return null;
  }
}

function itemTooLarge(index: number, chars: number, max: number): JsonStreamError {
  return new JsonStreamError('item-too-large', `item ${index} is over ${max} characters (${chars} read)`);
}
