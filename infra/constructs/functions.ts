/**
 * The Lambda functions of `shared/resources.ts` `functions`, each made by `createFunction` of
 * `infra/function-factory.ts` with its role, log group, grants, queue event sources and schedules.
 * HTTP routes are added by `http-routes.ts`, in the routes' nested stack.
 *
 * Stateless: the functions, roles, log groups, rules and event source mappings live in this
 * construct (logical IDs `Functions<Name>Function…`, `Functions<Name>Role…`, ...). `infra/stack.ts`
 * creates one per group of `infra/function-groups.ts`, each in a nested stack of its own; the
 * dead-letter queues of schedules are created in the parent (`statefulStack`).
 */
import { Construct } from 'constructs';
import { type CreatedFunction, createFunction, type FunctionFactoryContext } from '#infra/function-factory.ts';
import type { FunctionDefinition } from '#shared/resources.ts';

export interface FunctionsProps extends FunctionFactoryContext {
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
}

export class Functions extends Construct {
  /** By function name of `shared/resources.ts`. */
  readonly functions: Readonly<Record<string, CreatedFunction>>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const created: Record<string, CreatedFunction> = {};
    for (const [name, definition] of Object.entries(props.functions)) {
      created[name] = createFunction(this, name, definition, props);
    }
    this.functions = created;
  }
}
