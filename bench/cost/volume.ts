/**
 * The volume view of a scenario's ledger. The benchmark runs one declaration at a time, so every
 * batch an event source mapping receives (and deletes) carries one message, and the documents
 * worker seals each one-message batch with its own KMS Sign and archives it as its own S3 object.
 * At 1,000 declarations a second every queue holds more than a batch whenever its mapping polls:
 * batches are full (the `batchSize` of each trigger in shared/resources.ts), one ReceiveMessage and
 * one DeleteMessageBatch per batch, and a worker that signs and archives once per invocation signs
 * once and PUTs one archive object per full batch.
 *
 * Nothing here is a total: each figure is what the recorder counted (messages and bytes each
 * mapping received, messages it deleted, Sign calls, S3 PutObject calls and invocations of the
 * batch-sealing worker, invocations of each queue-triggered function) divided by the trigger's batch
 * size. The sends of a queue-triggered function are coalesced per invocation
 * (shared/adapters/sqs-send-coalescer.ts): a full batch of B records whose function sends n messages
 * to a queue per message it receives sends B x n of them in ceil(B x n / 10) SendMessageBatch calls
 * (more if 256 KB or 64 KB chunks say so), so its sends per declaration are
 * (m / B) x ceil(B x n / 10) for m messages received per declaration. Everything else (API and
 * scheduled functions' sends and invocations) stays as measured; Lambda duration comes from a burst
 * of declarations run in batches (bench/cost/duration.ts), or stays as measured without one.
 */
import type { Ledger } from './ledger.ts';

/** SQS bills a request per 64 KB chunk of payload. */
const SQS_CHUNK_BYTES = 64 * 1024;
/** The most messages one ReceiveMessage returns, one DeleteMessageBatch deletes or one SendMessageBatch sends. */
const SQS_MESSAGES_PER_REQUEST = 10;
/** The payload of one SendMessageBatch the coalescer sends at most (shared/adapters/sqs-send-coalescer.ts). */
const SQS_BATCH_SEND_BYTES = 256 * 1024;

export interface QueueTrigger {
  fn: string;
  queue: string;
  batchSize: number;
}

export interface QueueAtVolume extends QueueTrigger {
  messagesPerDeclaration: number;
  /** Receives (billed, non-empty) and deletes per declaration as measured, one message a batch. */
  measuredRequestsPerDeclaration: number;
  /** The same messages in full batches: receives (by the 64 KB chunks of a full batch) and deletes, per declaration. */
  modelledRequestsPerDeclaration: number;
}

/** A queue-triggered function's sends to one queue: as measured (one record an invocation), and coalesced over a full batch. */
export interface SendsAtVolume {
  fn: string;
  batchSize: number;
  queue: string;
  /** Messages it sends to the queue per message it receives. */
  messagesPerRecord: number;
  messagesPerDeclaration: number;
  measuredRequestsPerDeclaration: number;
  modelledRequestsPerDeclaration: number;
}

export interface SealAtVolume {
  fn: string;
  batchSize: number;
  signsPerInvocation: number;
  measuredSignsPerDeclaration: number;
  modelledSignsPerDeclaration: number;
  /** Its S3 PutObject calls (one archive object per sealing batch), likewise. */
  putsPerInvocation: number;
  measuredPutsPerDeclaration: number;
  modelledPutsPerDeclaration: number;
}

/**
 * A queue-triggered function's additions to a clearance counter (shared/adapters/dynamodb-clearance-counters.ts):
 * written one per record as measured, one per full batch at volume (the records of a batch share the day).
 */
export interface CounterWritesAtVolume {
  fn: string;
  batchSize: number;
  counter: string;
  measuredWriteUnitsPerDeclaration: number;
  modelledWriteUnitsPerDeclaration: number;
}

/** The counters whose additions are coalesced per invocation: a day's lane counts and release times (not a ledger's revenue, conditional per entry). */
const COALESCED_COUNTER = /^main UpdateItem COUNTERS#<date>#\d+ \/ (LANES|RELEASES#[A-Z]+)$/;

/**
 * A queue-triggered function's reads that the records of an invocation share
 * (shared/workers/invocation-reads.ts): one per record as measured when local batches hold one record,
 * one per full batch at volume for those that ask.
 */
export interface SharedReadsAtVolume {
  fn: string;
  batchSize: number;
  read: string;
  /** The partition it reads ("main REFDOC#exchangeRates"), for the read heat at volume. */
  partition: string;
  measuredReadUnitsPerDeclaration: number;
  modelledReadUnitsPerDeclaration: number;
}

/**
 * The reads every record of an invocation shares, as the recorder names them: the newest load of a
 * reference document (pattern 112) and the count of risk profile versions saved (pattern 111), the
 * same keys whatever the declaration. The reads shared per trader, office or account (patterns 17,
 * 23, 96a) stay as measured: in the bench one trader, office and account send everything, at
 * national volume a batch mixes them.
 */
const SHARED_READ = /^main (Query REFDOC#\w+ \/ LOAD# \/ LOAD#~ consistent|GetItem RISKPROFILES \/ SAVED)$/;

export interface VolumeModel {
  assumption: string;
  /** The shared reads of the queue-triggered functions, one per full batch. */
  sharedReads: SharedReadsAtVolume[];
  /** The read units (all declarations) with those reads shared. */
  readUnits: number;
  /** The read units per partition (all declarations) with those reads shared: the read heat at volume. */
  partitionReads: Map<string, number>;
  /** The coalesced counter additions of the queue-triggered functions, one write per full batch. */
  counterWrites: CounterWritesAtVolume[];
  /** The table's write units (all declarations) with those additions coalesced. */
  tableWriteUnits: number;
  queues: QueueAtVolume[];
  /** The sends of the queue-triggered functions, coalesced per full batch. */
  sends: SendsAtVolume[];
  seals: SealAtVolume[];
  /** Lambda requests per queue-triggered function: one invocation per full batch (messages received / batch size). */
  invocations: { fn: string; batchSize: number; measuredPerDeclaration: number; modelledPerDeclaration: number }[];
  /** The scenario's billed SQS requests, KMS requests, S3 tier-1 requests and Lambda requests (all declarations) once batches are full. */
  sqsBilledRequests: number;
  lambdaRequests: number;
  kmsRequests: number;
  s3Tier1Requests: number;
  /** EMF metric bytes once invocations are full batches: each queue-triggered function's flushes x modelled / measured invocations. */
  metricsBytes: number;
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/**
 * Full batches for every queue an event source mapping reads, and one Sign and one archive PUT per
 * full batch for the workers that sign and archive once per invocation (`batchSigners`: the
 * documents worker, issueDocumentBatch): their calls per invocation as recorded x the messages
 * received / the batch size.
 */
export function volumeModel(
  ledger: Ledger,
  declarations: number,
  triggers: readonly QueueTrigger[],
  batchSigners: readonly string[],
): VolumeModel {
  let sqsMeasuredOnMappings = 0;
  let sqsModelledOnMappings = 0;
  const queues = triggers.flatMap((trigger): QueueAtVolume[] => {
    const traffic = ledger.mappings[trigger.queue];
    if (!traffic || traffic.receivedMessages === 0) return [];
    const bytesPerMessage = traffic.receivedBytes / traffic.receivedMessages;
    // A ReceiveMessage returns and a DeleteMessageBatch takes at most 10 messages, whatever the
    // mapping's batch size: a batch of 100 is gathered by ten receives and deleted by ten calls.
    const perRequest = Math.min(trigger.batchSize, SQS_MESSAGES_PER_REQUEST);
    const chunksPerReceive = Math.max(1, Math.ceil((bytesPerMessage * perRequest) / SQS_CHUNK_BYTES));
    const measured = traffic.receiveRequests + traffic.deleteRequests;
    const modelled = (traffic.receivedMessages / perRequest) * chunksPerReceive + traffic.deletedMessages / perRequest;
    sqsMeasuredOnMappings += measured;
    sqsModelledOnMappings += modelled;
    return [
      {
        ...trigger,
        messagesPerDeclaration: round(traffic.receivedMessages / declarations),
        measuredRequestsPerDeclaration: round(measured / declarations),
        modelledRequestsPerDeclaration: round(modelled / declarations),
      },
    ];
  });
  // A full batch's records send to a queue at the same barrier: B x n entries, 10 to a call.
  let sendsMeasured = 0;
  let sendsModelled = 0;
  const sends = triggers.flatMap((trigger): SendsAtVolume[] => {
    const received = ledger.mappings[trigger.queue]?.receivedMessages ?? 0;
    if (received === 0) return [];
    return Object.entries(ledger.sends[trigger.fn] ?? {}).map(([queue, byOperation]) => {
      const operations = Object.values(byOperation);
      const messages = operations.reduce((sum, each) => sum + each.messages, 0);
      const bytes = operations.reduce((sum, each) => sum + each.bytes, 0);
      const measured = operations.reduce((sum, each) => sum + each.billedRequests, 0);
      const entriesPerBatch = (trigger.batchSize * messages) / received;
      const bytesPerBatch = (trigger.batchSize * bytes) / received;
      const callsPerBatch = Math.max(
        Math.ceil(entriesPerBatch / SQS_MESSAGES_PER_REQUEST),
        Math.ceil(bytesPerBatch / SQS_BATCH_SEND_BYTES),
        Math.ceil(bytesPerBatch / SQS_CHUNK_BYTES),
      );
      const modelled = (received / trigger.batchSize) * callsPerBatch;
      sendsMeasured += measured;
      sendsModelled += modelled;
      return {
        fn: trigger.fn,
        batchSize: trigger.batchSize,
        queue,
        messagesPerRecord: round(messages / received),
        messagesPerDeclaration: round(messages / declarations),
        measuredRequestsPerDeclaration: round(measured / declarations),
        modelledRequestsPerDeclaration: round(modelled / declarations),
      };
    });
  });
  let signsMeasured = 0;
  let signsModelled = 0;
  let putsMeasured = 0;
  let putsModelled = 0;
  const seals = triggers.flatMap((trigger): SealAtVolume[] => {
    const signs = ledger.kms.byFunction[trigger.fn]?.Sign ?? 0;
    const puts = ledger.s3.byFunction[trigger.fn]?.PutObject ?? 0;
    const invocations = ledger.lambda[trigger.fn]?.invocations ?? 0;
    const messages = ledger.mappings[trigger.queue]?.receivedMessages ?? 0;
    if (!batchSigners.includes(trigger.fn) || signs === 0 || invocations === 0) return [];
    const fullBatches = messages / trigger.batchSize;
    const modelledSigns = (signs / invocations) * fullBatches;
    const modelledPuts = (puts / invocations) * fullBatches;
    signsMeasured += signs;
    signsModelled += modelledSigns;
    putsMeasured += puts;
    putsModelled += modelledPuts;
    return [
      {
        fn: trigger.fn,
        batchSize: trigger.batchSize,
        signsPerInvocation: round(signs / invocations),
        measuredSignsPerDeclaration: round(signs / declarations),
        modelledSignsPerDeclaration: round(modelledSigns / declarations),
        putsPerInvocation: round(puts / invocations),
        measuredPutsPerDeclaration: round(puts / declarations),
        modelledPutsPerDeclaration: round(modelledPuts / declarations),
      },
    ];
  });
  // A mapping invokes its function once per batch it receives: at volume, once per full batch.
  let invocationsMeasuredOnMappings = 0;
  let invocationsModelledOnMappings = 0;
  const invocations = triggers.flatMap((trigger) => {
    const measured = ledger.lambda[trigger.fn]?.invocations ?? 0;
    const messages = ledger.mappings[trigger.queue]?.receivedMessages ?? 0;
    if (measured === 0 || messages === 0) return [];
    const modelled = messages / trigger.batchSize;
    invocationsMeasuredOnMappings += measured;
    invocationsModelledOnMappings += modelled;
    return [
      {
        fn: trigger.fn,
        batchSize: trigger.batchSize,
        measuredPerDeclaration: round(measured / declarations),
        modelledPerDeclaration: round(modelled / declarations),
      },
    ];
  });
  // The logMetrics middleware flushes one EMF blob per invocation: fewer invocations, fewer blobs.
  let metricsBytes = ledger.logs.metricsBytes;
  for (const trigger of triggers) {
    const measured = ledger.lambda[trigger.fn]?.invocations ?? 0;
    const messages = ledger.mappings[trigger.queue]?.receivedMessages ?? 0;
    const emf = ledger.logs.metricsByFunction[trigger.fn] ?? 0;
    if (measured === 0 || messages === 0 || emf === 0) continue;
    metricsBytes -= emf - emf * (messages / trigger.batchSize / measured);
  }
  // The additions of a full batch's records to one counter of the day go as one write (items under 1 KB: 1 WRU).
  let counterUnitsMeasured = 0;
  let counterUnitsModelled = 0;
  const counterUnits = new Map<string, { trigger: QueueTrigger; counter: string; units: number; writes: number }>();
  for (const [shape, entry] of Object.entries(ledger.dynamodb.writesByItem)) {
    const [fn = '', ...rest] = shape.split(' ');
    const counter = COALESCED_COUNTER.exec(rest.join(' '))?.[1];
    const trigger = triggers.find((each) => each.fn === fn);
    if (counter === undefined || trigger === undefined) continue;
    const group = counterUnits.get(`${fn} ${counter}`) ?? { trigger, counter, units: 0, writes: 0 };
    group.units += entry.units;
    group.writes += entry.writes;
    counterUnits.set(`${fn} ${counter}`, group);
  }
  const counterWrites = [...counterUnits.values()].map(({ trigger, counter, units, writes }): CounterWritesAtVolume => {
    // A share p of the records adds to the counter (all of them to LANES; to RELEASES#<lane> those released
    // into that lane): a full batch of B writes it once unless none of its records adds, 1 - (1 - p)^B.
    const received = ledger.mappings[trigger.queue]?.receivedMessages ?? 0;
    const share = received > 0 ? Math.min(1, writes / received) : 1;
    const batches = received > 0 ? received / trigger.batchSize : writes / trigger.batchSize;
    const modelled = Math.min(units, batches * (1 - (1 - share) ** trigger.batchSize) * (units / writes));
    counterUnitsMeasured += units;
    counterUnitsModelled += modelled;
    return {
      fn: trigger.fn,
      batchSize: trigger.batchSize,
      counter,
      measuredWriteUnitsPerDeclaration: round(units / declarations),
      modelledWriteUnitsPerDeclaration: round(modelled / declarations),
    };
  });
  const tableWriteUnits = ledger.dynamodb.tableWriteUnits - counterUnitsMeasured + counterUnitsModelled;
  // A read the records of an invocation share is made once per full batch that holds a record asking
  // it: with a share p of the records asking, (messages received / B) x (1 - (1 - p)^B) reads.
  let sharedUnitsMeasured = 0;
  let sharedUnitsModelled = 0;
  const sharedReads = Object.entries(ledger.dynamodb.readsByCall).flatMap(([shape, entry]): SharedReadsAtVolume[] => {
    const [fn = '', ...rest] = shape.split(' ');
    const read = rest.join(' ');
    const trigger = triggers.find((each) => each.fn === fn);
    const received = trigger ? (ledger.mappings[trigger.queue]?.receivedMessages ?? 0) : 0;
    if (!SHARED_READ.test(read) || trigger === undefined || received === 0) return [];
    const share = Math.min(1, entry.reads / received);
    const modelled = Math.min(
      entry.units,
      (received / trigger.batchSize) * (1 - (1 - share) ** trigger.batchSize) * (entry.units / entry.reads),
    );
    sharedUnitsMeasured += entry.units;
    sharedUnitsModelled += modelled;
    return [
      {
        fn,
        batchSize: trigger.batchSize,
        read,
        partition: entry.partition,
        measuredReadUnitsPerDeclaration: round(entry.units / declarations),
        modelledReadUnitsPerDeclaration: round(modelled / declarations),
      },
    ];
  });
  const readUnits = ledger.dynamodb.readUnits - sharedUnitsMeasured + sharedUnitsModelled;
  const partitionReads = new Map(ledger.dynamodb.partitionReads);
  for (const shared of sharedReads) {
    const change = (shared.modelledReadUnitsPerDeclaration - shared.measuredReadUnitsPerDeclaration) * declarations;
    partitionReads.set(shared.partition, Math.max(0, (partitionReads.get(shared.partition) ?? 0) + change));
  }
  const invocationsMeasured = Object.values(ledger.lambda).reduce((sum, entry) => sum + entry.invocations, 0);
  const lambdaRequests = invocationsMeasured - invocationsMeasuredOnMappings + invocationsModelledOnMappings;
  const sqsMeasured = Object.values(ledger.sqs.requests).reduce((sum, count) => sum + count, 0) - ledger.sqs.emptyReceives;
  const sqsBilledRequests = sqsMeasured - sqsMeasuredOnMappings + sqsModelledOnMappings - sendsMeasured + sendsModelled;
  const kmsRequests = ledger.kms.requests - signsMeasured + signsModelled;
  const s3Tier1Requests = ledger.s3.tier1 - putsMeasured + putsModelled;
  return {
    assumption:
      'at 1,000 declarations/s every event source mapping receives full batches (its trigger batchSize in shared/resources.ts), by ReceiveMessage calls of 10 messages each, and deletes them by DeleteMessageBatch calls of 10; ' +
      `${batchSigners.join(', ')} signs once per full batch (one KMS Sign over a Merkle root) and archives the batch's sealed documents as one S3 object ` +
      '(its PutObject calls per invocation as recorded x messages received / batch size); each queue-triggered function is invoked once per full batch ' +
      '(Lambda requests = messages received / batch size), and so writes its platform log lines and its EMF metrics once per full batch; ' +
      'a queue-triggered function that sends n messages to a queue per message it receives sends the B x n of a full batch of B as ' +
      'ceil(B x n / 10) SendMessageBatch calls (more if 256 KB a call or 64 KB chunks say so; its records reach each send together), ' +
      "so (messages received / B) x ceil(B x n / 10) calls; a queue-triggered function's additions to a day's lane or release counter (COUNTERS#<date>#<shard> LANES, RELEASES#<lane>) are one write per full batch " +
      'that holds a record adding to it (the records of a batch share the day): with a share p of the records adding, (messages received / B) x (1 - (1 - p)^B) writes of the measured units each; ' +
      "a read every record of a queue-triggered function's invocation shares (the newest load of a reference document, the count of risk profile versions saved) is one per full batch that holds a record asking it, likewise (those shared per trader, office or account as measured); API and scheduled functions' sends, invocations and writes, application log lines as measured; Lambda duration from the burst (bench/cost/duration.ts) when one ran, else as measured",
    counterWrites,
    tableWriteUnits,
    sharedReads,
    readUnits,
    partitionReads,
    queues,
    sends,
    seals,
    invocations,
    sqsBilledRequests,
    lambdaRequests,
    kmsRequests,
    s3Tier1Requests,
    metricsBytes,
  };
}
