// Sizes written by people ('64kb', '32 MiB', '1mb'): parsed once by the configuration (API body limits).

export class ByteSizeError extends Error {
  override readonly name = 'ByteSizeError';
}

// Binary multiples for every spelling: a body limit is about memory, and '1mb' meaning 1,000,000 bytes surprises.
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  k: 1_024,
  kb: 1_024,
  kib: 1_024,
  m: 1_048_576,
  mb: 1_048_576,
  mib: 1_048_576,
  g: 1_073_741_824,
  gb: 1_073_741_824,
  gib: 1_073_741_824,
};

/** '64kb' | '32 MiB' | '1048576b' → bytes. A bare number is refused, like durations: the unit must be said. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match?.[2] === undefined ? undefined : UNIT_BYTES[match[2].toLowerCase()];
  if (!match || unit === undefined) {
    throw new ByteSizeError(`'${text}' is not a size like '64kb', '32mb' or '1gb'`);
  }
  return Math.floor(Number(match[1]) * unit);
}
