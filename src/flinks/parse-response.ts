import { type z } from 'zod';
import { type FlinksEndpoint } from './endpoints';
import { FlinksApiError } from './flinks-api-error';
import { FlinksResponseError } from './flinks-response-error';
import { errorBodySchema } from './schemas';
import { type TransportResponse } from './transport';

interface Context {
  endpoint: FlinksEndpoint;
  /** The requestId the call was about, for errors whose body does not carry one. */
  requestId?: string | null;
}

/** The body as JSON; empty, non-JSON (HTML pages) and truncated bodies become FlinksResponseError. */
export function readJson(response: TransportResponse, context: Context): unknown {
  if (response.text.trim() === '') {
    throw new FlinksResponseError({
      endpoint: context.endpoint,
      httpStatus: response.status,
      reason: 'empty',
      detail: 'empty body',
      requestId: context.requestId ?? null,
    });
  }
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    // No `cause`: V8's JSON.parse messages quote the body, and causes travel into Temporal failures.
    const kind = /^\s*</.test(response.text) ? 'an HTML/XML page' : 'not valid JSON';
    throw new FlinksResponseError({
      endpoint: context.endpoint,
      httpStatus: response.status,
      reason: 'not-json',
      // Content type and size only: the body itself may hold bank data.
      detail: `body is ${kind} (content-type ${response.contentType ?? 'none'}, ${response.text.length} chars)`,
      requestId: context.requestId ?? null,
    });
  }
}

/** Validates with zod; a violation names the first bad field and what was wrong with it, never its value. */
export function parseBody<S extends z.ZodTypeAny>(
  schema: S,
  json: unknown,
  status: number,
  context: Context,
): z.output<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  throw new FlinksResponseError({
    endpoint: context.endpoint,
    httpStatus: status,
    reason: 'shape',
    field,
    detail: `field ${field}: ${issue ? describeIssue(issue) : 'invalid'}`,
    requestId: requestIdOf(json) ?? context.requestId ?? null,
  });
}

function describeIssue(issue: z.ZodIssue): string {
  // Built from the issue's kind, not zod's message: some messages quote the received value.
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined'
        ? `required ${issue.expected} is missing`
        : `expected ${issue.expected}, got ${issue.received}`;
    case 'too_small':
      return 'too short or empty';
    case 'custom':
      return issue.message;
    default:
      return issue.code.replace(/_/g, ' ');
  }
}

export function requestIdOf(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const value = (json as Record<string, unknown>)['RequestId'];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * A FlinksApiError from a non-success answer. Flinks' Message is kept (after redaction by the caller)
 * because it is what tells an operator what went wrong; codeless bodies get `HTTP_<status>`.
 */
export function apiErrorFrom(
  response: TransportResponse,
  context: Context,
  sanitize: (text: string) => string,
): FlinksApiError {
  const json = readJson(response, context);
  const body = errorBodySchema.safeParse(json);
  const parsed = body.success ? body.data : null;
  const bareMessage = typeof json === 'string' ? json : null;
  const flinksCode = parsed?.FlinksCode?.trim() || `HTTP_${response.status}`;
  const flinksMessage = parsed?.Message ?? bareMessage;
  const requestId = parsed?.RequestId || context.requestId || null;
  const suffix = flinksMessage ? `: ${truncate(sanitize(flinksMessage), 300)}` : '';
  return new FlinksApiError({
    endpoint: context.endpoint,
    httpStatus: response.status,
    flinksCode,
    message: `Flinks ${context.endpoint} failed with HTTP ${response.status} ${flinksCode}${suffix}`,
    requestId,
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
