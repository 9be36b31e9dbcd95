/**
 * Every cdk-nag acknowledgement of the stack, in one place, each with the reason the finding is
 * acceptable. The constructs call these functions on the narrowest construct a finding concerns;
 * nothing else in `infra/` calls `Validations.of(...).acknowledge`.
 *
 * cdk-nag v3 runs as a policy-validation plugin (`infra/app.ts`): an acknowledged finding is
 * recorded (with its reason) in the `cdk_nag` metadata of the resources it covers
 * (`writeSuppressionsToCloudFormation`); any finding not acknowledged here fails the synth.
 */
import { type CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { FunctionDefinition, Trigger } from '#shared/resources.ts';
import type { FunctionFactoryContext } from './function-factory.ts';

/** AwsSolutions-SMG4 (no automatic rotation) on a secret of `shared/resources.ts` `secrets`. */
export function acknowledgeSecretRotation(secret: ISecret, name: string): void {
  acknowledge(secret, {
    id: 'AwsSolutions-SMG4',
    reason: `The ${name} secret keys a deterministic draw that audits must be able to reproduce for past declarations; it is rotated deliberately by an administrator (new version), not on a schedule.`,
  });
}

/** AwsSolutions-COG2 (MFA not required) on the user pool. */
export function acknowledgeOptionalMfa(userPool: UserPool): void {
  acknowledge(userPool, {
    id: 'AwsSolutions-COG2',
    reason:
      'MFA is OPTIONAL (TOTP offered to every user) because Cognito threat protection in FULL_FUNCTION mode (Plus plan) adapts to risk: it challenges risky sign-ins with MFA or blocks them, which requires MFA to be optional rather than required.',
  });
}

/** AwsSolutions-APIG4 (no authorization) on a route whose trigger says `auth: 'none'`, and on no other. */
export function acknowledgePublicRoute(route: HttpRoute, trigger: Extract<Trigger, { kind: 'http' }>): void {
  if (trigger.auth !== 'none') throw new Error(`${trigger.method} ${trigger.path} requires a JWT: nothing to acknowledge`);
  acknowledge(route, {
    id: 'AwsSolutions-APIG4',
    reason: `${trigger.method} ${trigger.path} is public by design (auth: 'none' in shared/resources.ts): it serves the API description, holds no declaration data and its function has no data access.`,
  });
}

/**
 * Acknowledges the cdk-nag AwsSolutions-IAM5 findings that the statements of
 * `infra/function-factory.ts` necessarily produce, each with the reason it is acceptable. cdk-nag
 * v3 acknowledges findings one by one (`AwsSolutions-IAM5[<finding>]`), so this lists exactly the
 * wildcards the statements hold, from the same `access` entries: the object key patterns of the
 * bucket grants, and X-Ray. Table statements name the table or index ARN itself (their keys are a
 * `dynamodb:LeadingKeys` condition) and KMS statements name actions without wildcards: neither
 * produces a finding.
 */
export function acknowledgeGrantWildcards(role: Role, definition: FunctionDefinition, context: FunctionFactoryContext): void {
  const acknowledgeFinding = (finding: string, reason: string): void => acknowledge(role, { id: `AwsSolutions-IAM5[${finding}]`, reason });

  acknowledgeFinding(
    'Resource::*',
    'Added by tracing: ACTIVE. xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so X-Ray requires Resource "*"; the statement holds no other action.',
  );

  for (const [bucket, grants] of entries(definition.access.buckets)) {
    const target = lookup(context.resources.buckets, bucket, 'bucket');
    for (const grant of grants) {
      for (const pattern of grant.keys) {
        acknowledgeFinding(
          `Resource::${arnAsNamedIn(role, target)}/${pattern}`,
          `${grant.actions.map((action) => `s3:${action}`).join(', ')} on the objects of the ${bucket} bucket whose keys match ${pattern}: the keys of one kind of object carry ids and hashes (shared/resources.ts, access).`,
        );
      }
    }
  }
}

/** The findings on the console's CloudFront distribution (`infra/constructs/console-site.ts`). */
export function acknowledgeConsoleDistribution(distribution: Distribution): void {
  acknowledge(distribution, {
    id: 'AwsSolutions-CFR1',
    reason:
      'No geo restriction: traders, their representatives and customs officers use the console from wherever they work; every page and API call past sign-in requires a Cognito token.',
  });
  acknowledge(distribution, {
    id: 'AwsSolutions-CFR2',
    reason:
      'No WAF web ACL yet (a CloudFront web ACL lives in us-east-1, outside this regional stack): the distribution serves static files and the API, whose routes require a Cognito JWT (but GET /openapi.json) and whose stage is throttled per region.',
  });
  acknowledge(distribution, {
    id: 'AwsSolutions-CFR4',
    reason:
      'The console uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer security policy; TLSv1.2_2021 needs a custom domain with an ACM certificate, which the stack does not configure yet. Origins are reached over TLS 1.2 only.',
  });
}

/**
 * The findings on the console's BucketDeployment: the wildcards of the grants BucketDeployment adds
 * to its handler's role, and the runtime aws-cdk-lib chose for its handler.
 */
export function acknowledgeConsoleDeployment(role: Role, bucket: IBucket): void {
  const acknowledgeFinding = (finding: string, reason: string): void => acknowledge(role, { id: `AwsSolutions-IAM5[${finding}]`, reason });
  const stack = Stack.of(role);
  acknowledgeFinding(
    // The default bootstrap qualifier (hnb659fds), as `cdk bootstrap` creates it.
    `Resource::arn:${stack.partition}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*`,
    "Added by BucketDeployment (grantRead on the CDK asset bucket): the handler reads the console's zipped build from the bootstrap asset bucket of this account and region.",
  );
  acknowledgeFinding(
    `Resource::${arnAsNamedIn(role, bucket)}/*`,
    'Added by BucketDeployment (grantReadWrite on the console bucket): it copies and prunes the objects of this single bucket, which holds only the console build.',
  );
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*']) {
    acknowledgeFinding(`Action::${action}`, 'Added by BucketDeployment: reads of the CDK asset bucket and the console bucket only.');
  }
  for (const action of ['s3:Abort*', 's3:DeleteObject*']) {
    acknowledgeFinding(
      `Action::${action}`,
      'Added by BucketDeployment (grantReadWrite on the console bucket): it replaces and prunes the console build, in that bucket only.',
    );
  }
  // The handler is a stack-level singleton, outside the BucketDeployment's subtree.
  for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    acknowledge(handler, {
      id: 'AwsSolutions-L1',
      reason:
        'The BucketDeployment handler runs the Python runtime that aws-cdk-lib builds and tests it for (python3.13 in aws-cdk-lib 2.276); it runs only during deployments and handles no request.',
    });
  }
}

/**
 * AwsSolutions-SQS3 (no DLQ, not used as one) on the dead-letter queue of a scheduled rule's target:
 * cdk-nag recognises queues named as DLQ by other queues and Lambda functions, not by EventBridge targets.
 */
export function acknowledgeEventTargetDeadLetterQueue(queue: IQueue, functionName: string): void {
  acknowledge(queue, {
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of the EventBridge schedule of ${functionName} (the rule target's DeadLetterConfig): cdk-nag only recognises DLQs named by queues and functions.`,
  });
}

/** The one call of `Validations.of(...).acknowledge` in `infra/`. */
function acknowledge(construct: IConstruct, acknowledgement: { id: string; reason: string }): void {
  Validations.of(construct).acknowledge(acknowledgement);
}

/**
 * How cdk-nag names the ARN of `resource` in an IAM5 finding on `user`: by the resource's logical ID
 * in its own stack (`<ArchiveBucket9DECBF5D.Arn>`); in a nested stack (the functions'), by the
 * parameter through which the parent passes the ARN (`<referencetoCustomsdeveuwest2ArchiveBucket9DECBF5DArn>`).
 */
function arnAsNamedIn(user: IConstruct, resource: IBucket): string {
  const cfn = resource.node.defaultChild as CfnElement | undefined;
  if (!cfn) throw new Error(`Resource ${resource.node.path} has no CloudFormation element`);
  if (Stack.of(user) === Stack.of(resource)) return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
  if (Stack.of(user).nestedStackParent !== Stack.of(resource)) {
    throw new Error(`${user.node.path} is neither in the stack of ${resource.node.path} nor in a stack nested directly in it`);
  }
  // aws-cdk-lib names the parameter `reference-to-<unique id of the target><attribute>` (core,
  // private/refs.ts, createNestedStackParameter); its logical ID keeps the alphanumerics only.
  return `<${`referenceto${Names.nodeUniqueId(cfn.node)}Arn`.replace(/[^A-Za-z0-9]/g, '')}>`;
}

function entries<K extends string, V>(record: Partial<Record<K, V>> | undefined): [K, V][] {
  return Object.entries(record ?? {}) as [K, V][];
}

/** The grants ran first and refused unknown names; this only guards the lookups of this module. */
function lookup<T>(record: Readonly<Record<string, T>>, key: string, kind: string): T {
  const value = record[key];
  if (value === undefined) throw new Error(`unknown ${kind} '${key}'`);
  return value;
}
