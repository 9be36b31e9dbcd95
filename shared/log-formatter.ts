/**
 * The log line of every function, Powertools' documented "bring your own formatter" extension.
 * CloudWatch Logs bills every byte ingested, and Powertools' own format repeats on every line keys
 * that the log group (one per function) and Lambda's START / END / REPORT lines already give:
 * service, cold_start (REPORT's "Init Duration"), function_arn, function_name, function_memory_size
 * (REPORT's "Memory Size"), sampling_rate; they were about 260 of a stage's 420 bytes per record.
 *
 * - INFO and DEBUG lines: level, message, timestamp, function_request_id (ties the line to its
 *   invocation's START / REPORT lines and to its X-Ray segment), sampling_rate when debug sampling
 *   is on, then the line's own keys and the logger's persistent ones (correlation_id).
 * - WARN, ERROR and CRITICAL lines: every key Powertools writes, xray_trace_id included: they are
 *   rare, and read by someone who needs all of it.
 */
import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

const LEVELS_IN_FULL: ReadonlySet<string> = new Set(['WARN', 'ERROR', 'CRITICAL']);

export class CompactLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const base: LogAttributes = LEVELS_IN_FULL.has(attributes.logLevel)
      ? {
          level: attributes.logLevel,
          message: attributes.message,
          timestamp: this.formatTimestamp(attributes.timestamp),
          service: attributes.serviceName,
          cold_start: context?.coldStart,
          function_arn: context?.invokedFunctionArn,
          function_memory_size: context?.memoryLimitInMB,
          function_name: context?.functionName,
          function_request_id: context?.awsRequestId,
          sampling_rate: attributes.sampleRateValue,
          xray_trace_id: attributes.xRayTraceId,
        }
      : {
          level: attributes.logLevel,
          message: attributes.message,
          timestamp: this.formatTimestamp(attributes.timestamp),
          function_request_id: context?.awsRequestId,
          // Only when Powertools samples invocations at DEBUG (POWERTOOLS_LOGGER_SAMPLE_RATE): it says why DEBUG lines appear.
          sampling_rate: attributes.sampleRateValue > 0 ? attributes.sampleRateValue : undefined,
        };
    // LogItem drops the keys left undefined when it prints.
    return new LogItem({ attributes: base }).addAttributes(additionalLogAttributes);
  }
}
