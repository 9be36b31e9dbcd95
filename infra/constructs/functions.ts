/**
 * The Lambda functions of `shared/resources.ts` `functions`, each made by `createFunction` of
 * `infra/function-factory.ts` with its role, log group, grants, queue event sources and schedules.
 * HTTP routes are added by `http-api.ts`.
 *
 * Stateless: the functions, roles, log groups, rules and event source mappings live in this
 * construct (logical IDs `Functions<Name>Function…`, `Functions<Name>Role…`, ...).
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RegionConfig, StageName } from '#infra/config/regions.ts';
import { type CreatedFunction, createFunction, type FunctionResources } from '#infra/function-factory.ts';
import type { FunctionDefinition, QueueDefinition, TableDefinition } from '#shared/resources.ts';

export interface FunctionsProps {
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
  readonly queueDefinitions: Readonly<Record<string, QueueDefinition>>;
  readonly tableDefinitions: Readonly<Record<string, TableDefinition>>;
  /** The deployed resources the functions are wired to (`StatefulResources`). */
  readonly resources: FunctionResources;
  readonly regionName: string;
  readonly region: RegionConfig;
  readonly stage: StageName;
  readonly logRetentionDays: number;
  /** Removal policy of the functions' log groups. */
  readonly removalPolicy: RemovalPolicy;
  /** Repository root: handler entries are relative to it, and it holds package-lock.json. */
  readonly projectRoot: string;
}

export class Functions extends Construct {
  /** By function name of `shared/resources.ts`. */
  readonly functions: Readonly<Record<string, CreatedFunction>>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const created: Record<string, CreatedFunction> = {};
    for (const [name, definition] of Object.entries(props.functions)) {
      created[name] = createFunction(this, name, definition, {
        regionName: props.regionName,
        region: props.region,
        stage: props.stage,
        logRetentionDays: props.logRetentionDays,
        removalPolicy: props.removalPolicy,
        projectRoot: props.projectRoot,
        resources: props.resources,
        queueDefinitions: props.queueDefinitions,
        tableDefinitions: props.tableDefinitions,
      });
    }
    this.functions = created;
  }
}
