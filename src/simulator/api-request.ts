import { type IncomingHttpHeaders } from 'node:http';
import { type z } from 'zod';
import { failure, type FlinksFailure } from './codes';

export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid'; message: string };

/** A Flinks API request, routed and with its body read (handlers never touch the socket). */
export interface ApiRequest {
  method: string;
  endpoint: string;
  /** The path segment after the endpoint: the requestId of an Async poll, the loginId of DeleteCard. */
  param: string | undefined;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: ParsedBody;
}

export function parseBody(raw: Buffer, contentType: string | undefined, tooLarge: boolean): ParsedBody {
  if (tooLarge) return { kind: 'invalid', message: 'The request body is too large.' };
  if (raw.length === 0 || raw.toString('utf8').trim() === '') return { kind: 'empty' };
  // Flinks requires JSON bodies; a form or text body is a client bug worth surfacing.
  if (!contentType?.toLowerCase().includes('application/json')) {
    return { kind: 'invalid', message: 'The request must be sent with Content-Type: application/json.' };
  }
  try {
    return { kind: 'json', value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { kind: 'invalid', message: 'The request body is not valid JSON.' };
  }
}

export function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Top-level keys lower-cased: the docs show PascalCase, but SetScheduledRefresh is documented in
 * camelCase and clients send both, so field names are matched case-insensitively.
 */
export function lowerKeys(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), v]));
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; failure: FlinksFailure };

/** Validates the JSON body (lower-cased keys) against `schema`; any problem is INVALID_REQUEST. */
export function parseFields<S extends z.ZodTypeAny>(req: ApiRequest, schema: S, allowEmpty = false): Parsed<z.output<S>> {
  if (req.body.kind === 'invalid') return { ok: false, failure: failure('INVALID_REQUEST', req.body.message) };
  const fields = req.body.kind === 'empty' ? (allowEmpty ? {} : null) : lowerKeys(req.body.value);
  if (fields === null) return { ok: false, failure: failure('INVALID_REQUEST', 'The request body must be a JSON object.') };
  const result = schema.safeParse(fields);
  if (result.success) return { ok: true, value: result.data as z.output<S> };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, failure: failure('INVALID_REQUEST', `Invalid request. ${where}${issue?.message ?? 'invalid body'}`) };
}

/** The RequestId of a JSON body, whatever its casing (for error bodies and Async polls by POST). */
export function bodyRequestId(req: ApiRequest): string | undefined {
  if (req.body.kind !== 'json') return undefined;
  const value = lowerKeys(req.body.value)?.requestid;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
