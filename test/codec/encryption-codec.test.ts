// The AES-256-GCM payload codec: what it writes, what it reads, and what it refuses.
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { dataConverter } from '../../src/codec/data-converter';
import { EncryptionCodec, isEncrypted } from '../../src/codec/encryption-codec';
import {
  PayloadDecryptionError,
  PlaintextPayloadError,
  UnknownEncryptionKeyError,
} from '../../src/codec/errors';
import { failureConverter } from '../../src/codec/failure-converter';
import { fromJsonPayload } from '../../src/codec/payload-json';
import v1Fixture from './fixtures/v1-payload.json';
import { keysVariable, parseKeys } from './keys';

const card = { loginId: '5e7bd9f3-0d2a-4a59-a7a4-1b5d7e0f3c11', institution: 'Banque Secrète' };
const utf8 = new TextDecoder();

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? utf8.decode(value) : undefined;
}

function contains(payload: Payload, text: string): boolean {
  return Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish()).includes(text);
}

async function sealed(codec: EncryptionCodec, value: unknown): Promise<Payload> {
  const [payload] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  if (!payload) throw new Error('encode returned no payload');
  return payload;
}

async function opened(codec: EncryptionCodec, payload: Payload): Promise<unknown> {
  const [plain] = await codec.decode([payload]);
  return defaultPayloadConverter.fromPayload(plain as Payload);
}

function tampered(payload: Payload, at: (length: number) => number): Payload {
  const data = Buffer.from(payload.data ?? []);
  const index = at(data.length);
  data[index] = (data[index] ?? 0) ^ 0x01;
  return { ...payload, data };
}

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(parseKeys(keysVariable('key-2026-11', 'key-2025-01')));

  it('round-trips a payload, metadata included, and shows nothing of it', async () => {
    const plain = defaultPayloadConverter.toPayload(card);
    const [encrypted] = await codec.encode([plain]);
    expect(encrypted?.metadata && Object.keys(encrypted.metadata).sort()).toEqual([
      'encoding',
      'encryption-format',
      'encryption-key-id',
    ]);
    expect(metadataText(encrypted!, 'encoding')).toBe('binary/encrypted');
    expect(metadataText(encrypted!, 'encryption-key-id')).toBe('key-2026-11');
    expect(metadataText(encrypted!, 'encryption-format')).toBe('2');
    for (const text of [card.loginId, 'Banque', 'json/plain']) expect(contains(encrypted!, text)).toBe(false);
    // iv (12) | ciphertext (the serialized inner Payload) | tag (16)
    const inner = temporal.api.common.v1.Payload.encode(plain).finish();
    expect(encrypted?.data?.length).toBe(12 + inner.length + 16);

    const [decrypted] = await codec.decode([encrypted!]);
    expect(metadataText(decrypted!, 'encoding')).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual(card);
  });

  it('uses a fresh iv per payload: equal values do not give equal ciphertexts', async () => {
    const [a, b] = await codec.encode([card, card].map((v) => defaultPayloadConverter.toPayload(v)));
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('handles empty arrays and payloads without data', async () => {
    expect(await codec.encode([])).toEqual([]);
    const empty = defaultPayloadConverter.toPayload(undefined);
    const [decrypted] = await codec.decode(await codec.encode([empty]));
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toBeUndefined();
  });

  it('leaves plain payloads to decode as they are: histories from before encryption still replay', async () => {
    const plain = defaultPayloadConverter.toPayload(card);
    const [decoded] = await codec.decode([plain]);
    expect(decoded).toBe(plain);
    expect(isEncrypted(plain)).toBe(false);
  });

  it('does not encrypt an encrypted payload twice', async () => {
    const once = await sealed(codec, card);
    const [twice] = await codec.encode([once]);
    expect(twice).toBe(once);
  });
});

describe('key rotation', () => {
  const oldKeys = keysVariable('key-2025-01');
  const rotated = `${keysVariable('key-2026-11')},${oldKeys}`;
  const before = new EncryptionCodec(parseKeys(oldKeys));
  const after = new EncryptionCodec(parseKeys(rotated));

  it('encrypts with the newest key and still decrypts what older keys encrypted', async () => {
    const old = await sealed(before, card);
    expect(metadataText(old, 'encryption-key-id')).toBe('key-2025-01');
    expect(await opened(after, old)).toEqual(card);

    const fresh = await sealed(after, card);
    expect(metadataText(fresh, 'encryption-key-id')).toBe('key-2026-11');
    expect(after.encryptingKeyId).toBe('key-2026-11');
    expect(await opened(after, fresh)).toEqual(card);
  });

  it('refuses a payload whose key is not listed, naming the key id and never a key', async () => {
    const fresh = await sealed(after, card);
    const error = await before.decode([fresh]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
    expect(error).toMatchObject({ name: 'UnknownEncryptionKeyError', keyId: 'key-2026-11' });
    const { message } = error as Error;
    expect(message).toContain("'key-2026-11'");
    expect(message).toContain("'key-2025-01'");
    for (const entry of rotated.split(',')) expect(message).not.toContain(entry.split(':')[1]);
  });
});

describe('tampering', () => {
  const keys = keysVariable('key-a');
  const codec = new EncryptionCodec(parseKeys(keys));

  it.each([
    ['the iv', () => 0],
    ['the ciphertext', () => 20],
    ['the tag', (length: number) => length - 1],
  ])('a changed byte in %s fails authentication', async (_where, at) => {
    const payload = tampered(await sealed(codec, card), at);
    const error = await codec.decode([payload]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect(error).toMatchObject({ name: 'PayloadDecryptionError', keyId: 'key-a' });
    expect((error as Error).message).toMatch(/authentication failed/);
  });

  it('a different key under the same id fails authentication', async () => {
    const impostor = new EncryptionCodec(parseKeys(keysVariable('key-a')));
    await expect(impostor.decode([await sealed(codec, card)])).rejects.toThrow(PayloadDecryptionError);
  });

  it('a truncated payload, or one without a key id, is refused by name', async () => {
    const payload = await sealed(codec, card);
    await expect(codec.decode([{ ...payload, data: payload.data!.subarray(0, 20) }])).rejects.toThrow(
      /20 bytes is too short/,
    );
    const { encoding } = payload.metadata!;
    await expect(codec.decode([{ metadata: { encoding: encoding! }, data: payload.data! }])).rejects.toThrow(
      /no 'encryption-key-id'/,
    );
  });
});

describe('the format version and the key id in the authenticated data', () => {
  it('still decodes a payload the codec wrote before the format was versioned (format 1, no authenticated data)', async () => {
    const codec = new EncryptionCodec(parseKeys(`${keysVariable('key-2026-11')},${v1Fixture.keys}`));
    const payload = fromJsonPayload(v1Fixture.payload);
    expect(payload.metadata?.['encryption-format']).toBeUndefined();
    expect(await opened(codec, payload)).toEqual(v1Fixture.value);
  });

  it('binds the key id: a format 2 payload whose key id is swapped fails authentication', async () => {
    // Two ids naming the same key bytes (a key re-labelled by an operator): only the authenticated data tells them apart.
    const key = keysVariable('key-a').split(':')[1];
    const codec = new EncryptionCodec(parseKeys(`key-a:${key},key-b:${key}`));
    const payload = await sealed(codec, card);
    const swapped = {
      ...payload,
      metadata: { ...payload.metadata, 'encryption-key-id': Buffer.from('key-b') },
    };
    const error = await codec.decode([swapped]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PayloadDecryptionError', keyId: 'key-b' });
    expect((error as Error).message).toMatch(/authentication failed: the payload or its key id was altered/);
    // Format 1 had no such binding: the same swap on a format 1 payload decodes (the reason for format 2).
    const v1Keys = `${v1Fixture.keys},key-copy:${v1Fixture.keys.split(':')[1]}`;
    const v1 = fromJsonPayload(v1Fixture.payload);
    const v1Swapped = { ...v1, metadata: { ...v1.metadata, 'encryption-key-id': Buffer.from('key-copy') } };
    expect(await opened(new EncryptionCodec(parseKeys(v1Keys)), v1Swapped)).toEqual(v1Fixture.value);
  });

  it('a format 2 payload passed off as format 1 (its format metadata dropped) fails authentication too', async () => {
    const codec = new EncryptionCodec(parseKeys(keysVariable('key-a')));
    const payload = await sealed(codec, card);
    const { 'encryption-format': _dropped, ...metadata } = payload.metadata ?? {};
    await expect(codec.decode([{ ...payload, metadata }])).rejects.toThrow(/authentication failed/);
  });

  it('an unknown format version is refused by name', async () => {
    const codec = new EncryptionCodec(parseKeys(keysVariable('key-a')));
    const payload = await sealed(codec, card);
    const future = { ...payload, metadata: { ...payload.metadata, 'encryption-format': Buffer.from('9') } };
    await expect(codec.decode([future])).rejects.toThrow(
      new PayloadDecryptionError('key-a', `its 'encryption-format' is "9", not 1 or 2`),
    );
  });
});

describe('requireEncryption (TEMPORAL_ENCRYPTION_REQUIRED)', () => {
  const keys = parseKeys(keysVariable('key-a'));
  const strict = new EncryptionCodec(keys, { requireEncryption: true });

  it('refuses a plaintext payload by name, saying its encoding and never its data', async () => {
    const error = await strict.decode([defaultPayloadConverter.toPayload(card)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaintextPayloadError);
    expect(error).toMatchObject({ name: 'PlaintextPayloadError', encoding: 'json/plain' });
    expect((error as Error).message).toMatch(/^Refused a plaintext payload \(encoding 'json\/plain'\)/);
    expect((error as Error).message).not.toContain(card.loginId);
    await expect(strict.decode([{ data: Buffer.from('x') }])).rejects.toThrow(/encoding none/);
  });

  it('reads encrypted payloads of either format as before, and encodes as before', async () => {
    expect(await opened(strict, await sealed(strict, card))).toEqual(card);
    expect(await strict.decode([])).toEqual([]);
    const withV1 = new EncryptionCodec(parseKeys(v1Fixture.keys), { requireEncryption: true });
    expect(await opened(withV1, fromJsonPayload(v1Fixture.payload))).toEqual(v1Fixture.value);
  });
});

describe('dataConverter', () => {
  it('is the SDK default without keys', () => {
    expect(dataConverter({})).toEqual({});
  });

  it('encrypts payloads and failure messages with keys', () => {
    const converter = dataConverter({ encryptionKeys: parseKeys(keysVariable('key-a')) });
    expect(converter.payloadCodecs).toEqual([expect.any(EncryptionCodec)]);
    expect(converter.failureConverterPath).toBe(require.resolve('../../src/codec/failure-converter'));
  });

  it("moves a failure's message and stack trace into a payload, which the codec then encrypts", () => {
    const failure = failureConverter.errorToFailure(
      ApplicationFailure.create({ message: `Flinks refused login ${card.loginId}` }),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(defaultPayloadConverter.fromPayload(failure.encodedAttributes!)).toMatchObject({
      message: `Flinks refused login ${card.loginId}`,
    });
    const back = failureConverter.failureToError(failure, defaultPayloadConverter);
    expect(back.message).toBe(`Flinks refused login ${card.loginId}`);
  });
});
