/**
 * Form validation with the platform's own request schemas: a form's values are turned into the
 * request the API takes (empty optional fields left out, numbers from selects), then checked with
 * the operation's zod schema through @hookform/resolvers. Field names follow the request, so the
 * schema's messages land on the fields they are about.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldValues, Resolver } from 'react-hook-form';
import type { z } from 'zod';
import { ApiError } from './api/client.ts';

export function requestResolver<Form extends FieldValues, Schema extends z.ZodType>(
  schema: Schema,
  toRequest: (form: Form) => unknown,
): Resolver<Form, unknown, z.output<Schema>> {
  const resolve = zodResolver(schema as unknown as z.ZodType<z.output<Schema>, FieldValues>) as unknown as Resolver<
    FieldValues,
    unknown,
    z.output<Schema>
  >;
  return (values, context, options) =>
    resolve(toRequest(values) as FieldValues, context, options as unknown as Parameters<typeof resolve>[2]) as ReturnType<
      Resolver<Form, unknown, z.output<Schema>>
    >;
}

/** An optional text field: left out of the request when empty. */
export const optionalText = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** A JSON pointer ("/items/0/origin") as a form field path ("items.0.origin"). */
export const pointerToPath = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

/** A zod issue path as a JSON pointer ("/criteria/countries/0"), as the API writes problems. */
export const pathToPointer = (path: readonly PropertyKey[]): string =>
  path.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The field a problem is about: the one its pointer names, else the nearest field above it. */
export function fieldAt<Name extends string>(pointer: string, fields: readonly Name[]): Name | undefined {
  let path = pointerToPath(pointer);
  while (path) {
    const found = fields.find((field) => field === path);
    if (found) return found;
    const dot = path.lastIndexOf('.');
    path = dot < 0 ? '' : path.slice(0, dot);
  }
  return undefined;
}

/**
 * Puts a refusal's problems (RFC 9457, JSON pointers into the request) at the fields they point
 * to, as the schema's own messages would be: the same field, the same place on the page.
 */
export function showProblemsAtFields<Name extends string>(
  error: unknown,
  fieldOf: (pointer: string) => Name | undefined,
  setError: (name: Name, error: { type: string; message: string }, pointer: string) => void,
): void {
  if (!(error instanceof ApiError)) return;
  for (const problem of error.problems) {
    const field = fieldOf(problem.pointer);
    if (field) setError(field, { type: problem.code, message: problem.message }, problem.pointer);
  }
}
