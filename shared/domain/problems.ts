/**
 * Problems and domain errors. Every error the platform reports is an RFC 9457 problem document
 * whose `problems` list points (RFC 6901 JSON pointer) at what is wrong, with a stable code
 * and a plain message.
 */
import { z } from 'zod';

export const problemSchema = z
  .object({
    /** RFC 6901 JSON pointer into the request body (or '' for the whole body / request). */
    pointer: z.string(),
    /** Stable, machine-readable code, UPPER_SNAKE_CASE. */
    code: z.string(),
    /** Plain-language explanation for a person. */
    message: z.string(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

export const problemDocumentSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    problems: z.array(problemSchema),
  })
  .meta({ id: 'ProblemDocument' });
export type ProblemDocument = z.infer<typeof problemDocumentSchema>;

export type DomainErrorKind =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'UNPROCESSABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE';

/** An error a use case raises on purpose; the HTTP middleware maps `kind` to a status code. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly title: string,
    readonly problems: Problem[],
  ) {
    super(`${title}: ${problems.map((p) => `${p.pointer || '/'} ${p.code}`).join(', ')}`);
    this.name = 'DomainError';
  }
}

export const problem = (pointer: string, code: string, message: string): Problem => ({ pointer, code, message });

/** RFC 6901: encode a path of keys and indexes as a JSON pointer. */
export function toPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

const zodCodes: Record<string, string> = {
  invalid_type: 'INVALID_TYPE',
  too_small: 'TOO_SMALL',
  too_big: 'TOO_BIG',
  invalid_format: 'INVALID_FORMAT',
  invalid_value: 'INVALID_VALUE',
  unrecognized_keys: 'UNKNOWN_FIELD',
  invalid_union: 'INVALID_VALUE',
  custom: 'INVALID_VALUE',
};

/** Turns zod issues into problems, one per issue (one per unknown key). */
export function problemsFromZod(error: z.ZodError, basePointer = ''): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const pointer = basePointer + toPointer(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        problem(`${pointer}${toPointer([key])}`, 'UNKNOWN_FIELD', `'${key}' is not a field of this object`),
      );
    }
    // A missing field fails as invalid_type (or invalid_value for enums) with no input.
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && 'input' in issue && issue.input === undefined) {
      return [problem(pointer, 'REQUIRED', 'is required')];
    }
    return [problem(pointer, zodCodes[issue.code] ?? 'INVALID_VALUE', issue.message)];
  });
}
