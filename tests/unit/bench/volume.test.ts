/**
 * The cost model's volume view (bench/cost/volume.ts): what was recorded one message a batch,
 * divided by each trigger's batch size, and one Sign and one archive PUT per full batch for the
 * batch-sealing worker.
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import { volumeModel } from '#bench/cost/volume.ts';

const triggers = [
  { fn: 'validateDeclaration', queue: 'validation', batchSize: 10 },
  { fn: 'issueDocuments', queue: 'documents', batchSize: 10 },
  { fn: 'printDocuments', queue: 'printing', batchSize: 5 },
];

/**
 * Two declarations one at a time: 2 validation messages, 4 documents messages (each its own Sign
 * and its own archive PUT), 4 printing messages; and each declaration's submission PUT (intake).
 */
function recordedOneAtATime(): Ledger {
  const ledger = new Ledger();
  for (let declaration = 0; declaration < 2; declaration += 1) {
    ledger.s3Request('submitDeclaration', 'PutObject', 2048);
    ledger.sqsRequest('function', 'SendMessage', 1);
    ledger.sqsRequest('event-source-mapping', 'ReceiveMessage', 1);
    ledger.mappingReceive('validation', 1, 1, 300);
    ledger.sqsRequest('event-source-mapping', 'DeleteMessageBatch', 1);
    ledger.mappingDelete('validation', 1);
    for (let document = 0; document < 2; document += 1) {
      ledger.sqsRequest('event-source-mapping', 'ReceiveMessage', 1);
      ledger.mappingReceive('documents', 1, 1, 100);
      ledger.sqsRequest('event-source-mapping', 'DeleteMessageBatch', 1);
      ledger.mappingDelete('documents', 1);
      ledger.invocation('issueDocuments', 20);
      ledger.kmsRequest('issueDocuments', 'Sign');
      ledger.s3Request('issueDocuments', 'PutObject', 3000);
      // Printing messages of 20 KB: a full batch of 5 is 100 KB, two 64 KB chunks per receive.
      ledger.sqsRequest('event-source-mapping', 'ReceiveMessage', 1);
      ledger.mappingReceive('printing', 1, 1, 20 * 1024);
      ledger.sqsRequest('event-source-mapping', 'DeleteMessageBatch', 1);
      ledger.mappingDelete('printing', 1);
    }
  }
  return ledger;
}

describe('cost model at volume', () => {
  it('divides each mapping’s recorded receives and deletes by its batch size, and the batch sealer’s Sign and PUT calls by the documents batch size', () => {
    // Prepare
    const ledger = recordedOneAtATime();

    // Act
    const model = volumeModel(ledger, 2, triggers, ['issueDocuments']);

    // Assess: per declaration, validation 1 message (2 requests measured, 2/10 modelled); documents 2 (4, 4/10);
    // printing 2 (4 measured; 2/5 receives x 2 chunks + 2/5 deletes = 1.2)
    expect(model.queues).toEqual([
      { ...triggers[0], messagesPerDeclaration: 1, measuredRequestsPerDeclaration: 2, modelledRequestsPerDeclaration: 0.2 },
      { ...triggers[1], messagesPerDeclaration: 2, measuredRequestsPerDeclaration: 4, modelledRequestsPerDeclaration: 0.4 },
      { ...triggers[2], messagesPerDeclaration: 2, measuredRequestsPerDeclaration: 4, modelledRequestsPerDeclaration: 1.2 },
    ]);
    expect(model.seals).toEqual([
      {
        fn: 'issueDocuments',
        batchSize: 10,
        signsPerInvocation: 1,
        measuredSignsPerDeclaration: 2,
        modelledSignsPerDeclaration: 0.2,
        putsPerInvocation: 1,
        measuredPutsPerDeclaration: 2,
        modelledPutsPerDeclaration: 0.2,
      },
    ]);
    // 22 requests recorded (2 sends + 20 on mappings) become 2 sends + 2 x (0.2 + 0.4 + 1.2); 4 Signs become 0.4
    expect(model.sqsBilledRequests).toBeCloseTo(2 + 2 * 1.8, 10);
    expect(model.kmsRequests).toBeCloseTo(0.4, 10);
    // 6 PUTs recorded (2 submissions + 4 sealed documents) become 2 + 0.4: the intake's stay as measured
    expect(model.s3Tier1Requests).toBeCloseTo(2.4, 10);
    expect(model.assumption).toContain('archives the batch');
  });

  it('receives and deletes a batch above 10 messages ten at a time, but signs and archives it once', () => {
    // Prepare: the documents mapping takes batches of 100 (shared/resources.ts)
    const ledger = recordedOneAtATime();
    const hundred = [triggers[0]!, { fn: 'issueDocuments', queue: 'documents', batchSize: 100 }, triggers[2]!];

    // Act
    const model = volumeModel(ledger, 2, hundred, ['issueDocuments']);

    // Assess: documents 2 messages per declaration: 2/10 receives + 2/10 deletes (not 2/100), 2/100 Sign and PUT
    expect(model.queues[1]).toEqual({
      ...hundred[1],
      messagesPerDeclaration: 2,
      measuredRequestsPerDeclaration: 4,
      modelledRequestsPerDeclaration: 0.4,
    });
    expect(model.seals[0]).toMatchObject({ batchSize: 100, modelledSignsPerDeclaration: 0.02, modelledPutsPerDeclaration: 0.02 });
    expect(model.kmsRequests).toBeCloseTo(0.04, 10);
    expect(model.s3Tier1Requests).toBeCloseTo(2.04, 10);
  });

  it('invokes each queue-triggered function once per full batch, and leaves API invocations as measured', () => {
    // Prepare: each declaration also invoked intake (API) and the validation stage once
    const ledger = recordedOneAtATime();
    for (let declaration = 0; declaration < 2; declaration += 1) {
      ledger.invocation('submitDeclaration', 30);
      ledger.invocation('validateDeclaration', 30);
      // Each invocation flushes one EMF blob of 250 bytes, and the validation stage logs a 300-byte line per record
      ledger.logged('submitDeclaration', 250, true);
      ledger.logged('validateDeclaration', 250, true);
      ledger.logged('validateDeclaration', 300, false);
    }

    // Act
    const model = volumeModel(ledger, 2, triggers, ['issueDocuments']);

    // Assess: 8 invocations recorded (2 intake, 2 validation, 4 documents) become 2 + 2/10 + 4/10;
    // printing received messages but was never invoked here, so it is left out
    expect(model.invocations).toEqual([
      { fn: 'validateDeclaration', batchSize: 10, measuredPerDeclaration: 1, modelledPerDeclaration: 0.1 },
      { fn: 'issueDocuments', batchSize: 10, measuredPerDeclaration: 2, modelledPerDeclaration: 0.2 },
    ]);
    expect(model.lambdaRequests).toBeCloseTo(2 + 0.2 + 0.4, 10);
    // EMF once per invocation: intake's 500 bytes as measured, validation's 500 become 500 x 0.2 / 2; per-record lines are not metrics
    expect(model.metricsBytes).toBeCloseTo(500 + 50, 10);
    expect(model.assumption).toContain('invoked once per full batch');
  });

  it('leaves a worker that does not sign per batch as measured, and a queue nothing received from out', () => {
    // Prepare
    const ledger = recordedOneAtATime();

    // Act
    const model = volumeModel(ledger, 2, [...triggers, { fn: 'scoreRisk', queue: 'risk', batchSize: 10 }], []);

    // Assess
    expect(model.seals).toEqual([]);
    expect(model.kmsRequests).toBe(4);
    expect(model.s3Tier1Requests).toBe(6);
    expect(model.queues.map((queue) => queue.queue)).toEqual(['validation', 'documents', 'printing']);
  });

  it('coalesces a queue-triggered function’s sends per full batch, 10 to a call, and leaves the API’s sends as measured', () => {
    // Prepare: per declaration, intake (API) sends 1 validation message; the validation stage sends
    // 1 notification and 1 risk message, and the issuing worker 3 printing messages per documents message
    const ledger = recordedOneAtATime();
    for (let declaration = 0; declaration < 2; declaration += 1) {
      ledger.functionSend('submitDeclaration', 'validation', 'SendMessage', 1, 1, 120);
      for (const queue of ['notifications', 'risk']) {
        ledger.sqsRequest('function', 'SendMessage', 1);
        ledger.functionSend('validateDeclaration', queue, 'SendMessage', 1, 1, 120);
      }
      for (let send = 0; send < 6; send += 1) {
        ledger.sqsRequest('function', 'SendMessage', 1);
        ledger.functionSend('issueDocuments', 'printing', 'SendMessage', 1, 1, 200);
      }
    }

    // Act
    const model = volumeModel(ledger, 2, triggers, ['issueDocuments']);

    // Assess: validation (batch 10, 1 message per record): (1 / 10) x ceil(10 x 1 / 10) = 0.1 a queue;
    // documents (batch 10, 3 printing messages per record): (2 / 10) x ceil(10 x 3 / 10) = 0.6
    expect(model.sends).toEqual([
      {
        fn: 'validateDeclaration',
        batchSize: 10,
        queue: 'notifications',
        messagesPerRecord: 1,
        messagesPerDeclaration: 1,
        measuredRequestsPerDeclaration: 1,
        modelledRequestsPerDeclaration: 0.1,
      },
      {
        fn: 'validateDeclaration',
        batchSize: 10,
        queue: 'risk',
        messagesPerRecord: 1,
        messagesPerDeclaration: 1,
        measuredRequestsPerDeclaration: 1,
        modelledRequestsPerDeclaration: 0.1,
      },
      {
        fn: 'issueDocuments',
        batchSize: 10,
        queue: 'printing',
        messagesPerRecord: 3,
        messagesPerDeclaration: 6,
        measuredRequestsPerDeclaration: 6,
        modelledRequestsPerDeclaration: 0.6,
      },
    ]);
    // 38 requests recorded (2 intake sends + 16 worker sends + 20 on mappings) become 2 + 2 x (0.1 + 0.1 + 0.6) + 2 x 1.8
    expect(model.sqsBilledRequests).toBeCloseTo(2 + 2 * 0.8 + 2 * 1.8, 10);
    expect(model.assumption).toContain('ceil(B x n / 10) SendMessageBatch calls');
  });

  it("writes a queue-triggered function's lane and release counter additions once per full batch, and leaves the revenue counters and the API's additions as measured", () => {
    // Prepare: two declarations; validation (batch 10) adds each to a day's LANES counter of its own shard
    // and to its ledger's revenue; an officer's release through the API adds to RELEASES
    const ledger = new Ledger();
    for (let declaration = 0; declaration < 2; declaration += 1) {
      ledger.mappingReceive('validation', 1, 1, 300);
      const unit = (partition: string) => [{ partition, units: 1 }];
      ledger.dynamoWrite(
        'validateDeclaration',
        'main UpdateItem',
        unit('main COUNTERS#<day>#3'),
        false,
        `COUNTERS#<date>#${3 + declaration} / LANES`,
      );
      ledger.dynamoWrite(
        'validateDeclaration',
        'main UpdateItem',
        unit('main COUNTERS#<day>#5'),
        false,
        'COUNTERS#<date>#5 / LEDGER#<n>#1',
      );
      ledger.dynamoWrite(
        'decideOnDeclaration',
        'main UpdateItem',
        unit('main COUNTERS#<day>#7'),
        false,
        'COUNTERS#<date>#7 / RELEASES#RED',
      );
    }

    // Act
    const model = volumeModel(ledger, 2, triggers, ['issueDocuments']);

    // Assess: 6 units measured; the 2 LANES units become 2 / 10
    expect(ledger.dynamodb.tableWriteUnits).toBe(6);
    expect(model.counterWrites).toEqual([
      {
        fn: 'validateDeclaration',
        batchSize: 10,
        counter: 'LANES',
        measuredWriteUnitsPerDeclaration: 1,
        modelledWriteUnitsPerDeclaration: 0.1,
      },
    ]);
    expect(model.tableWriteUnits).toBeCloseTo(4.2, 10);
  });

  it('writes a counter only some records add to (a lane of the release counts) once per full batch that holds one of them: 1 - (1 - p)^B of the batches', () => {
    // Prepare: four declarations through validation (batch 10); one of them adds to RELEASES#BLUE
    const ledger = new Ledger();
    for (let declaration = 0; declaration < 4; declaration += 1) ledger.mappingReceive('validation', 1, 1, 300);
    ledger.dynamoWrite(
      'validateDeclaration',
      'main UpdateItem',
      [{ partition: 'main COUNTERS#<day>#2', units: 1 }],
      false,
      'COUNTERS#<date>#2 / RELEASES#BLUE',
    );

    // Act
    const model = volumeModel(ledger, 4, triggers, ['issueDocuments']);

    // Assess: 0.4 full batches, each holding a BLUE release with probability 1 - 0.75^10
    const expected = (0.4 * (1 - 0.75 ** 10)) / 4;
    expect(model.counterWrites).toEqual([
      {
        fn: 'validateDeclaration',
        batchSize: 10,
        counter: 'RELEASES#BLUE',
        measuredWriteUnitsPerDeclaration: 0.25,
        modelledWriteUnitsPerDeclaration: Math.round(expected * 10_000) / 10_000,
      },
    ]);
    expect(model.tableWriteUnits).toBeCloseTo(4 * expected, 10);
  });

  it("reads what every record of an invocation shares (the newest reference document load) once per full batch, and the rest (a charge's account, an API lookup) as measured", () => {
    // Prepare: two declarations through validation (batch 10), each reading the newest permit rules load
    // (1 RRU, consistent), its own moment's load (1 RRU) and the account it charges (0.5 RRU); an API lookup reads the newest load too
    const ledger = new Ledger();
    for (let declaration = 0; declaration < 2; declaration += 1) {
      ledger.mappingReceive('validation', 1, 1, 300);
      ledger.dynamoRead(
        'validateDeclaration',
        'main Query',
        'main REFDOC#permitRules',
        1,
        'main Query REFDOC#permitRules / LOAD# / LOAD#~ consistent',
      );
      ledger.dynamoRead(
        'validateDeclaration',
        'main Query',
        'main REFDOC#permitRules',
        1,
        'main Query REFDOC#permitRules / LOAD# / LOAD#<date>#~ consistent',
      );
      ledger.dynamoRead('validateDeclaration', 'main GetItem', 'main ACCOUNT#1', 0.5, 'main GetItem ACCOUNT#<n> / META');
      ledger.dynamoRead(
        'lookUpCommodity',
        'main Query',
        'main REFDOC#permitRules',
        1,
        'main Query REFDOC#permitRules / LOAD# / LOAD#~ consistent',
      );
    }

    // Act
    const model = volumeModel(ledger, 2, triggers, ['issueDocuments']);

    // Assess: 7 units measured; the 2 of the newest load become 0.2 full batches' worth
    expect(ledger.dynamodb.readUnits).toBe(7);
    expect(model.sharedReads).toEqual([
      {
        fn: 'validateDeclaration',
        batchSize: 10,
        read: 'main Query REFDOC#permitRules / LOAD# / LOAD#~ consistent',
        partition: 'main REFDOC#permitRules',
        measuredReadUnitsPerDeclaration: 1,
        modelledReadUnitsPerDeclaration: 0.1,
      },
    ]);
    expect(model.readUnits).toBeCloseTo(7 - 2 + 0.2, 10);
    // The read heat at volume: the permit rules' partition read 0.2 + 2 (its own moments) + 2 (the API) units, the account's as measured
    expect(model.partitionReads.get('main REFDOC#permitRules')).toBeCloseTo(4.2, 10);
    expect(model.partitionReads.get('main ACCOUNT#1')).toBe(1);
  });
});
