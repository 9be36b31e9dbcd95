/**
 * Problems and domain errors. Every error the platform reports is an RFC 9457 problem document
 * whose `problems` list points (RFC 6901 JSON pointer) at what is wrong, with a stable code
 * and a plain message.
 */
import * as z from 'zod';

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
    /** At most the first 100 problems found (`problemCount` says how many there were in all). */
    problems: z.array(problemSchema).max(100),
    problemCount: z.number().int().optional(),
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
  | 'PRECONDITION_REQUIRED'
  | 'UNPROCESSABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE';

/** Most problems reported (and stored, and logged) for one request or one declaration. */
export const MAX_PROBLEMS = 100;

/**
 * The first MAX_PROBLEMS problems and how many there were: a hostile body cannot make an error
 * response, a stored validation result or a log line grow without bound.
 */
export function capProblems(problems: readonly Problem[], total = problems.length): { problems: Problem[]; problemCount: number } {
  return { problems: problems.slice(0, MAX_PROBLEMS).map(boundedProblem), problemCount: Math.max(total, problems.length) };
}

/** Longest pointer or message kept: they may echo a name from the body, which has no other bound. */
const MAX_PROBLEM_TEXT = 200;
const bounded = (text: string) => (text.length > MAX_PROBLEM_TEXT ? `${text.slice(0, MAX_PROBLEM_TEXT - 1)}…` : text);
const boundedProblem = (found: Problem): Problem => ({
  pointer: bounded(found.pointer),
  code: found.code.slice(0, 64),
  message: bounded(found.message),
});

/** An error a use case raises on purpose; the HTTP middleware maps `kind` to a status code. */
export class DomainError extends Error {
  readonly problems: Problem[];
  /** How many problems were found; `problems` holds the first MAX_PROBLEMS of them. */
  readonly problemCount: number;

  constructor(
    readonly kind: DomainErrorKind,
    readonly title: string,
    problems: readonly Problem[],
    problemCount = problems.length,
  ) {
    const capped = capProblems(problems, problemCount);
    super(
      `${title}: ${capped.problems
        .slice(0, 5)
        .map((p) => `${p.pointer || '/'} ${p.code}`)
        .join(', ')}${capped.problemCount > 5 ? ` and ${capped.problemCount - 5} more` : ''}`,
    );
    this.name = 'DomainError';
    this.problems = capped.problems;
    this.problemCount = capped.problemCount;
  }

  /** A DomainError for a failed zod parse: the first MAX_PROBLEMS issues as problems, with the count. */
  static fromZod(kind: DomainErrorKind, title: string, error: z.ZodError, basePointer = ''): DomainError {
    return new DomainError(kind, title, problemsFromZod(error, basePointer), countZodProblems(error));
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

/** How many problems a zod error makes (one per issue, one per unknown key). */
export const countZodProblems = (error: z.ZodError): number =>
  error.issues.reduce((count, issue) => count + (issue.code === 'unrecognized_keys' ? issue.keys.length : 1), 0);

/** Turns zod issues into problems, one per issue (one per unknown key); at most MAX_PROBLEMS. */
export function problemsFromZod(error: z.ZodError, basePointer = ''): Problem[] {
  return error.issues
    .slice(0, MAX_PROBLEMS)
    .flatMap((issue): Problem[] => {
      const pointer = basePointer + toPointer(issue.path);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) =>
          problem(`${pointer}${toPointer([key])}`, 'UNKNOWN_FIELD', `'${key.slice(0, 64)}' is not a field of this object`),
        );
      }
      // A missing field fails as invalid_type (or invalid_value for enums) with no input.
      if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && 'input' in issue && issue.input === undefined) {
        return [problem(pointer, 'REQUIRED', 'is required')];
      }
      // A refinement names its own stable code in params.code (e.g. CONTROL_CHARACTER).
      const own = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : undefined;
      return [
        problem(pointer, own ?? (Object.hasOwn(zodCodes, issue.code) ? zodCodes[issue.code] : undefined) ?? 'INVALID_VALUE', issue.message),
      ];
    })
    .slice(0, MAX_PROBLEMS);
}
