// The codec server's wire format, what the Temporal Web UI and CLI send and expect: payloads as protobuf JSON,
// `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`.
import { type Payload } from '@temporalio/common';
import { z } from 'zod';

// Protobuf JSON writes standard base64 and accepts URL-safe base64 too, padded or not.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

const jsonPayloadSchema = z.object({
  metadata: z.record(base64).nullish(),
  data: base64.nullish(),
});

export const payloadsBodySchema = z.object({ payloads: z.array(jsonPayloadSchema) });

export type JsonPayload = z.infer<typeof jsonPayloadSchema>;

export function fromJsonPayload({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

export function toJsonPayload({ metadata, data }: Payload): {
  metadata: Record<string, string>;
  data: string;
} {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  };
}
