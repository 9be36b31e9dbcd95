/**
 * CDK app: one `Customs-<stage>-<region>` stack per invocation.
 *
 *   npx cdk synth  -c region=eu-west-2 -c stage=dev
 *   npx cdk deploy -c region=eu-west-2 -c stage=prod
 *
 * The AWS Solutions rule pack of cdk-nag runs as a CDK policy-validation plugin: any finding that is
 * not acknowledged (with a reason, via `Validations.of(...).acknowledge`) fails the synth.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import { defaultRegion, regionConfig } from './config/regions.ts';
import { CustomsStack, type DeployStage, type ResourceDefinitions } from './stack.ts';

/**
 * Feature flags the stack relies on, pinned here (rather than taken from `cdk.json` or the moving
 * "recommended" set) so that tests, `cdk synth` and upgrades of aws-cdk-lib produce the same template.
 */
export const featureFlags = {
  // Server access logs are delivered via a bucket policy for logging.s3.amazonaws.com, not ACLs.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages': true,
  '@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard': true,
} as const;

export const deployStages: readonly DeployStage[] = ['dev', 'prod'];

export interface BuildAppOptions {
  /** Region key of `infra/config/regions.ts`; default: context `region`, then the default region. */
  readonly region?: string;
  /** `dev` or `prod`; default: context `stage`, then `dev`. */
  readonly stage?: string;
  /** Extra App context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in tests. */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly directory; default: the CLI's, or a temporary directory. */
  readonly outdir?: string;
  /** Register the cdk-nag AwsSolutions pack (default true). */
  readonly nag?: boolean;
  /** Resource definitions; default `shared/resources.ts`. */
  readonly definitions?: ResourceDefinitions;
}

export interface BuiltApp {
  readonly app: App;
  readonly stack: CustomsStack;
  readonly regionName: string;
  readonly stage: DeployStage;
}

export function stackName(stage: DeployStage, regionName: string): string {
  return `Customs-${stage}-${regionName}`;
}

export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const app = new App({
    context: { ...featureFlags, ...options.context },
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
  const regionName = options.region ?? contextString(app, 'region') ?? defaultRegion;
  const region = regionConfig(regionName);
  const stage = parseStage(options.stage ?? contextString(app, 'stage') ?? 'dev');

  const stack = new CustomsStack(app, stackName(stage, regionName), {
    env: { region: region.awsRegion },
    description: `Customs clearance platform (${stage}, ${regionName})`,
    regionName,
    region,
    stage,
    ...(options.definitions ? { definitions: options.definitions } : {}),
  });
  Tags.of(stack).add('project', 'customs-clearance');
  Tags.of(stack).add('stage', stage);

  if (options.nag ?? true) {
    // writeSuppressionsToCloudFormation copies every acknowledgment (rule id + reason) into the
    // Metadata of the resources it covers, so the deployed template carries its own audit trail.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  }
  return { app, stack, regionName, stage };
}

export function parseStage(stage: string): DeployStage {
  if (!(deployStages as readonly string[]).includes(stage)) {
    throw new Error(`Unknown stage '${stage}'. Deployable stages: ${deployStages.join(', ')}`);
  }
  return stage as DeployStage;
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// Run by the CDK CLI (`"app": "npx tsx infra/app.ts"`): the App synthesizes itself on exit. The
// console is built first when `console/dist` is missing or older than its sources, so that a
// deployment ships the console of the checked-out sources.
const entryPoint = process.argv[1];
if (entryPoint !== undefined && resolve(entryPoint) === fileURLToPath(import.meta.url)) {
  await ensureConsoleBuilt({ onOutput: (line) => process.stderr.write(`console build: ${line}\n`) });
  buildApp();
}
