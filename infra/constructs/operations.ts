/**
 * The operations channel: the alarm topic every alarm sends to, its e-mail subscription (the
 * region's `alarmEmail`), and the KMS key of operational messages (the topic, and the dead-letter
 * queues of scheduled rules, `createFunction`).
 *
 * A key of its own rather than the data key: CloudWatch and EventBridge must be allowed to use the
 * key of what they write to, and neither needs the key of the declarations and the archive. The
 * AWS-managed `alias/aws/sns` key is not an option: its policy cannot grant CloudWatch, so alarm
 * notifications would be dropped.
 *
 * The key, topic and subscription are created with the stack as scope, like the stateful resources
 * (`statefulScope`): a replaced subscription must be confirmed again by its recipient.
 */
import { Duration, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { statefulScope } from './stateful-resources.ts';

export interface OperationsProps {
  readonly stage: string;
  /** Where alarm notifications go (`alarmEmail` of the region config). */
  readonly alarmEmail: string;
  /** Removal policy of stage-scoped resources: the key outlives nothing that needs it. */
  readonly removalPolicy: RemovalPolicy;
}

export class Operations extends Construct {
  /** Encrypts the alarm topic and the dead-letter queues of scheduled rules. */
  readonly key: Key;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
      throw new Error(`alarmEmail '${props.alarmEmail}' of the region config is not an e-mail address`);
    }
    const stack = statefulScope(this);

    this.key = new Key(stack, 'OperationsKey', {
      description: `Customs clearance ${props.stage} operations key: the alarm topic and the dead-letter queues of schedules`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch encrypts the notifications it publishes to the topic, for alarms of this account
    // and region only. EventBridge writes undeliverable scheduled events to the dead-letter queues:
    // its KMS requests carry no source conditions, hence none here (this key protects no data).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': alarmArnPattern(stack) },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeSendsToEncryptedDeadLetterQueues',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );

    this.alarmTopic = new Topic(stack, 'AlarmTopic', {
      displayName: `Customs clearance ${props.stage} alarms`,
      masterKey: this.key,
      // Denies sns:Publish without TLS (AwsSolutions-SNS3).
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch must be allowed explicitly.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': alarmArnPattern(stack) },
        },
      }),
    );
    // A fixed id, not one derived from the address: the subscription's logical ID stays the same.
    new Subscription(this.alarmTopic, 'OnCallEmail', {
      topic: this.alarmTopic,
      protocol: SubscriptionProtocol.EMAIL,
      endpoint: props.alarmEmail,
    });
  }
}

function alarmArnPattern(stack: Stack): string {
  return `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`;
}
