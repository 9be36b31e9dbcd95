/**
 * What a pipeline stage writes to its log group (shared/workers/stage-worker.ts, the formatter in
 * shared/log-formatter.ts, the metrics middleware in shared/observability.ts), at the stack's level
 * (INFO) with metrics on: CloudWatch Logs bills every byte of it (docs/cost.md, "Log bytes per
 * declaration"). A record's outcome is one INFO line that must carry the declaration, the message
 * and the outcome; a failure is logged in full; an invocation without failures writes no metrics.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import type { StageOutcome } from '#shared/usecases/pipeline-stage.ts';
import event from '#tests/fixtures/sqs/duty-stage-event.json' with { type: 'json' };

const context = {
  functionName: 'assessDuty',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:assessDuty',
  memoryLimitInMB: '1024',
  awsRequestId: 'ea94e376-9f9e-4680-bac9-ff45e4ed6f71',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The handler as a function would build it, and the lines it writes to stdout / stderr. */
async function dutyStage(runStage: () => Promise<StageOutcome>) {
  const { stageWorker } = await import('#shared/workers/stage-worker.ts');
  const handler = stageWorker('duty', { repository: new InMemoryDeclarationRepository(), clock: new ManualClock() }, runStage);
  /** `failed`: the messageIds reported as batch item failures, or the error's name when the invocation failed. */
  return async (): Promise<{ failed: string[]; lines: Record<string, unknown>[] }> => {
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    try {
      const response = await handler(structuredClone(event) as SQSEvent, context).catch((error: Error) => error);
      return {
        failed: response instanceof Error ? [response.name] : response.batchItemFailures.map((failure) => failure.itemIdentifier),
        lines: written
          .flatMap((text) => text.split('\n'))
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      };
    } finally {
      vi.restoreAllMocks();
    }
  };
}

/** Powertools' keys that the log group and Lambda's START / END / REPORT lines already give. */
const CONTEXT_KEYS = ['service', 'cold_start', 'function_arn', 'function_name', 'function_memory_size', 'sampling_rate', 'xray_trace_id'];

describe('a stage worker at the stack log level, metrics on', () => {
  beforeAll(async () => {
    // The logger and metrics are built when shared/observability.ts is first imported: as in the stack.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-6760c0de-1b2c3d4e5f60718293a4b5c6;Parent=53995c3f42cd8ad8;Sampled=1');
    vi.resetModules();
    // The execution environment's first invocation also writes the ColdStart metric; the tests are about the others.
    await (await dutyStage(async () => ({ outcome: 'moved', to: 'ASSESSED' })))();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("writes one INFO line per record with the stage, declaration, version, messageId and outcome, and Powertools' context keys left out", async () => {
    // Prepare
    const invoke = await dutyStage(async () => ({ outcome: 'moved', to: 'ASSESSED' }));

    // Act
    const { failed, lines } = await invoke();

    // Assess
    expect(failed).toEqual([]);
    expect(lines).toHaveLength(1); // no EMF line: nothing failed
    const line = lines[0] ?? {};
    expect(line).toMatchObject({
      level: 'INFO',
      function_request_id: context.awsRequestId,
      stage: 'duty',
      declarationId: '01M8GMZEDM793D694S0ARY8QAS',
      version: 3,
      messageId: '2f8f292b-3db5-4e55-b188-af8d852e290e',
      outcome: 'moved',
      status: 'ASSESSED',
    });
    expect(Object.keys(line).filter((key) => CONTEXT_KEYS.includes(key))).toEqual([]);
    expect(line).not.toHaveProperty('result');
  });

  it('names the status a declaration already had when the stage finds nothing to do', async () => {
    // Prepare
    const invoke = await dutyStage(async () => ({ outcome: 'skipped', status: 'RELEASED' }));

    // Act
    const { lines } = await invoke();

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({ level: 'INFO', outcome: 'skipped', status: 'RELEASED', declarationId: '01M8GMZEDM793D694S0ARY8QAS' }),
    ]);
  });

  it('logs a failed record in full, with the context keys, and counts it in one EMF line when it fails the invocation', async () => {
    // Prepare
    const invoke = await dutyStage(async () => {
      throw new Error('tariff pack unreadable');
    });

    // Act
    const { failed, lines } = await invoke();

    // Assess
    expect(failed).toEqual(['FullBatchFailureError']); // its only record failed: SQS delivers it again
    const errors = lines.filter((line) => line.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      messageId: '2f8f292b-3db5-4e55-b188-af8d852e290e',
      function_name: 'assessDuty',
      function_request_id: context.awsRequestId,
      cold_start: false,
      xray_trace_id: '1-6760c0de-1b2c3d4e5f60718293a4b5c6',
      error: expect.objectContaining({ message: 'tariff pack unreadable' }),
    });
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toEqual([expect.objectContaining({ RecordsFailed: 1 })]);
    expect(emf[0]).not.toHaveProperty('RecordsReceived');
  });
});
