// zod at the API's edge: a refusal names every field at fault, in the body's `fields`.
import { type z } from 'zod';
import { type FieldProblem, ValidationError } from './http-errors';

/** Parses `value` or throws a 400 ValidationError; `what` names the part of the request ('body', 'query'). */
export function validate<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.output<S>;
  const fields = fieldProblems(parsed.error);
  throw new ValidationError(
    `Invalid ${what}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    fields,
  );
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
      return issue.keys.map((key) => ({ field: `${prefix}${key}`, message: 'is not a known field' }));
    }
    return [{ field: issue.path.length > 0 ? issue.path.join('.') : '(whole)', message: issue.message }];
  });
}
