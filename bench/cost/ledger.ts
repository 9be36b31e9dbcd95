/**
 * What one scenario consumed, counted call by call: the raw quantities AWS bills (request units,
 * requests, GB-seconds, log bytes), before any price is applied.
 */

/** Where an SQS request came from: a function, Lambda's event source mapping, or an S3 event notification. */
export type SqsOrigin = 'function' | 'event-source-mapping' | 's3-notification';

export interface MappingTraffic {
  receiveRequests: number;
  receivedMessages: number;
  receivedBytes: number;
  deleteRequests: number;
  deletedMessages: number;
}

export interface FunctionSends {
  calls: number;
  billedRequests: number;
  messages: number;
  bytes: number;
}

export class Ledger {
  readonly dynamodb = {
    readUnits: 0,
    /** Write units on the tables themselves. */
    tableWriteUnits: 0,
    /** Write units per global secondary index ("main GSI1"...). */
    indexWriteUnits: {} as Record<string, number>,
    /** Calls per operation ("main PutItem"...). */
    calls: {} as Record<string, number>,
    conditionFailures: 0,
    /** Write and read units per partition key value ("main PK DECL#01J..." / "main GSI3 DAY#2026-11-27"). */
    partitionWrites: new Map<string, number>(),
    partitionReads: new Map<string, number>(),
    /** Read and write units per function, to see which stage costs what. */
    byFunction: {} as Record<string, { readUnits: number; writeUnits: number }>,
    /** Writes and their units (table and index copies) per function, operation and key shape ("decideRelease main PutItem ACCOUNT#<n> / ENTRY#<n>"). */
    writesByItem: {} as Record<string, { writes: number; units: number; largestItemBytes: number }>,
    /** GetItem and Query reads and their units per function and call as `callsByFunction` names it ("scoreRisk main Query REFDOC#riskSettings / LOAD# / LOAD#~ consistent"). */
    readsByCall: {} as Record<string, { reads: number; units: number; partition: string }>,
  };
  /** SQS billed requests (64 KB chunks) per origin and operation ("event-source-mapping ReceiveMessage"). */
  readonly sqs = { requests: {} as Record<string, number>, emptyReceives: 0 };
  /** S3 requests by pricing class: tier 1 = PUT, COPY, POST, LIST; tier 2 = GET, HEAD and the rest; and by function and operation. */
  readonly s3 = {
    tier1: 0,
    tier2: 0,
    bytesPut: 0,
    calls: {} as Record<string, number>,
    byFunction: {} as Record<string, Record<string, number>>,
  };
  readonly secretsManager = { calls: 0 };
  /** EventBridge custom events put (each 64 KB chunk of an entry is one billed event), by function. */
  readonly eventBridge = { events: 0, byFunction: {} as Record<string, number> };

  eventBridgeEvents(fn: string, billed: number): void {
    this.eventBridge.events += billed;
    add(this.eventBridge.byFunction, fn, billed);
  }
  /**
   * Lambda's event source mappings per queue (logical name): the billed requests of their non-empty
   * receives and of their deletes, and the messages and bytes those carried, to model full batches.
   */
  readonly mappings: Record<string, MappingTraffic> = {};
  /** KMS requests with an asymmetric key (the customs seal), by operation, and by function and operation. */
  readonly kms = { requests: 0, calls: {} as Record<string, number>, byFunction: {} as Record<string, Record<string, number>> };

  kmsRequest(fn: string, operation: string): void {
    this.kms.requests += 1;
    add(this.kms.calls, operation, 1);
    add((this.kms.byFunction[fn] ??= {}), operation, 1);
  }

  /**
   * The functions' own sends, per function, queue (logical name) and operation
   * ("decideRelease" / "documents" / "SendMessageBatch"): calls, billed requests, messages and their bytes.
   */
  readonly sends: Record<string, Record<string, Record<string, FunctionSends>>> = {};

  functionSend(fn: string, queue: string, operation: string, billed: number, messages: number, bytes: number): void {
    const byOperation = ((this.sends[fn] ??= {})[queue] ??= {});
    const sends = (byOperation[operation] ??= { calls: 0, billedRequests: 0, messages: 0, bytes: 0 });
    sends.calls += 1;
    sends.billedRequests += billed;
    sends.messages += messages;
    sends.bytes += bytes;
  }

  mappingReceive(queue: string, billed: number, messages: number, bytes: number): void {
    const traffic = this.#mapping(queue);
    traffic.receiveRequests += billed;
    traffic.receivedMessages += messages;
    traffic.receivedBytes += bytes;
  }

  mappingDelete(queue: string, messages: number): void {
    const traffic = this.#mapping(queue);
    traffic.deleteRequests += 1;
    traffic.deletedMessages += messages;
  }

  #mapping(queue: string): MappingTraffic {
    return (this.mappings[queue] ??= { receiveRequests: 0, receivedMessages: 0, receivedBytes: 0, deleteRequests: 0, deletedMessages: 0 });
  }
  /**
   * Per function: invocations, summed handler milliseconds (each rounded up to 1 ms, as Lambda bills)
   * and the SQS records those invocations received (0 for an API or scheduled invocation).
   */
  readonly lambda: Record<string, { invocations: number; ms: number; records: number }> = {};
  /** Every invocation of each function: its billed milliseconds and its SQS records (the burst's batches, bench/cost/duration.ts). */
  readonly invocationsOf: Record<string, { ms: number; records: number }[]> = {};
  /** Bytes the functions wrote to stdout/stderr (CloudWatch Logs ingestion), application logs and EMF metrics apart. */
  readonly logs = {
    applicationBytes: 0,
    metricsBytes: 0,
    byFunction: {} as Record<string, number>,
    /** EMF bytes per function: flushed once per invocation (the logMetrics middleware), so fewer at volume. */
    metricsByFunction: {} as Record<string, number>,
  };
  readonly api = { requests: 0, billedRequests: 0 };
  /**
   * Every AWS call a function made, by service, operation and key shape ("main GetItem DECL#<ulid> / META
   * consistent", "s3 GetObject", "sqs SendMessageBatch"): to find the calls a stage could do without.
   */
  readonly callsByFunction: Record<string, Record<string, number>> = {};

  call(fn: string, what: string): void {
    add((this.callsByFunction[fn] ??= {}), what, 1);
  }

  dynamoRead(fn: string, call: string, partition: string, units: number, described?: string): void {
    this.dynamodb.readUnits += units;
    add(this.dynamodb.calls, call, 1);
    if (described !== undefined) {
      const entry = (this.dynamodb.readsByCall[`${fn} ${described}`] ??= { reads: 0, units: 0, partition });
      entry.reads += 1;
      entry.units += units;
    }
    this.#byFunction(fn).readUnits += units;
    this.dynamodb.partitionReads.set(partition, (this.dynamodb.partitionReads.get(partition) ?? 0) + units);
  }

  dynamoWrite(
    fn: string,
    call: string,
    partitionUnits: { partition: string; units: number; index?: string }[],
    failed: boolean,
    itemShape?: string,
    itemBytes = 0,
  ): void {
    add(this.dynamodb.calls, call, 1);
    if (itemShape) {
      const entry = (this.dynamodb.writesByItem[`${fn} ${call} ${itemShape}${failed ? ' (condition failed)' : ''}`] ??= {
        writes: 0,
        units: 0,
        largestItemBytes: 0,
      });
      entry.writes += 1;
      entry.largestItemBytes = Math.max(entry.largestItemBytes, itemBytes);
      entry.units += partitionUnits.reduce((sum, { units }) => sum + units, 0);
    }
    if (failed) this.dynamodb.conditionFailures += 1;
    for (const { partition, units, index } of partitionUnits) {
      if (index) add(this.dynamodb.indexWriteUnits, index, units);
      else this.dynamodb.tableWriteUnits += units;
      this.#byFunction(fn).writeUnits += units;
      this.dynamodb.partitionWrites.set(partition, (this.dynamodb.partitionWrites.get(partition) ?? 0) + units);
    }
  }

  sqsRequest(origin: SqsOrigin, operation: string, billed: number, empty = false): void {
    add(this.sqs.requests, `${origin} ${operation}`, billed);
    if (empty) this.sqs.emptyReceives += billed;
  }

  s3Request(fn: string, operation: string, bytesPut: number): void {
    add(this.s3.calls, operation, 1);
    add((this.s3.byFunction[fn] ??= {}), operation, 1);
    if (/^(Put|Copy|Post|List|CreateMultipart|UploadPart|CompleteMultipart)/.test(operation)) this.s3.tier1 += 1;
    else this.s3.tier2 += 1;
    this.s3.bytesPut += bytesPut;
  }

  invocation(fn: string, ms: number, records = 0): void {
    const entry = (this.lambda[fn] ??= { invocations: 0, ms: 0, records: 0 });
    entry.invocations += 1;
    entry.ms += Math.ceil(ms);
    entry.records += records;
    (this.invocationsOf[fn] ??= []).push({ ms: Math.ceil(ms), records });
  }

  logged(fn: string, bytes: number, metrics: boolean): void {
    if (metrics) {
      this.logs.metricsBytes += bytes;
      add(this.logs.metricsByFunction, fn, bytes);
    } else this.logs.applicationBytes += bytes;
    add(this.logs.byFunction, fn, bytes);
  }

  #byFunction(fn: string): { readUnits: number; writeUnits: number } {
    return (this.dynamodb.byFunction[fn] ??= { readUnits: 0, writeUnits: 0 });
  }
}

const add = (record: Record<string, number>, key: string, amount: number): void => {
  record[key] = (record[key] ?? 0) + amount;
};
