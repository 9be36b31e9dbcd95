/**
 * CloudWatch alarms: one per dead-letter queue, and one on declarations marked PROCESSING_FAILED.
 * They have no actions yet: attach an SNS topic for the on-call channel.
 *
 * Stateless: the alarms live in this construct (logical IDs `Alarms<Queue>DeadLetterAlarm…`,
 * `AlarmsProcessingFailedAlarm…`).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '#infra/config/environment.ts';
import { pascalCase } from '#infra/function-factory.ts';

export interface AlarmsProps {
  /** Dead-letter queues by the name of their source queue. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
}

export class Alarms extends Construct {
  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    // A message in a dead-letter queue is a declaration that stopped moving: someone must look.
    for (const [name, deadLetterQueue] of Object.entries(props.deadLetterQueues)) {
      new Alarm(this, `${pascalCase(name)}DeadLetterAlarm`, {
        alarmDescription: `Messages in the ${name} dead-letter queue: declarations stopped in the pipeline. Fix the cause, then redrive the DLQ (SQS StartMessageMoveTask).`,
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    // A declaration marked PROCESSING_FAILED (its last delivery failed, or redrives gave up) waits
    // for an administrator: shared/workers/stage-worker.ts and the redrive count them.
    new Alarm(this, 'ProcessingFailedAlarm', {
      alarmDescription:
        'Declarations moved to PROCESSING_FAILED: see GET /v1/review/queue?lane=FAILED, fix the cause, then POST /v1/admin/declarations/{id}/retry.',
      metric: new Metric({
        namespace: POWERTOOLS_METRICS_NAMESPACE,
        metricName: 'DeclarationsFailed',
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
