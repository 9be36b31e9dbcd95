/**
 * Form validation with the platform's own request schemas: a form's values are turned into the
 * request the API takes (empty optional fields left out, numbers from selects), then checked with
 * the operation's zod schema through @hookform/resolvers. Field names follow the request, so the
 * schema's messages land on the fields they are about.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldValues, Resolver } from 'react-hook-form';
import type { z } from 'zod';

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
