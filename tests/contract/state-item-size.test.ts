/**
 * The state item (`DECL#<id>` / `META`) of a typical declaration stays under 1 KB at every stage,
 * so each state change is one write request unit (docs/cost.md, "The state item under 1 KB"). The
 * fixture declaration goes through the pipeline on the fakes (the real use cases, the demo
 * region's reference data); every change the stages made is then replayed on the DynamoDB adapter
 * on the local cloud, and the item it stored is measured by DynamoDB's item size rules.
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { itemSize } from '#bench/cost/dynamodb-units.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { keys } from '#shared/adapters/keys.ts';
import { declarationRepository, sharedDynamoDb } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import type { Transition } from '#shared/ports/declarations.ts';
import type { FunctionName } from '#shared/resources.ts';
import { claimDeclaration, decideOnDeclaration } from '#shared/usecases/review-decisions.ts';
import { fakePlatform, ordinaryImporter, trustedTrader } from '#tests/support/fake-platform.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';

/** DynamoDB bills a write 1 WRU per started kilobyte of the larger of the item before and after. */
const ONE_WRITE_UNIT = 1024;

const officer: Principal = { subject: 'officer-size', roles: ['officer'], partyId: undefined };

type Step =
  | { kind: 'create'; record: DeclarationRecord }
  | { kind: 'transition'; change: Transition }
  | { kind: 'claim'; args: Parameters<Awaited<ReturnType<typeof fakePlatform>>['repository']['claim']> };

/** Every write the stages made to the fake repository, in order, with the function that makes it in AWS. */
async function pipelineWrites(lane: 'GREEN' | 'RED'): Promise<{ id: string; steps: { fn: FunctionName; step: Step }[] }> {
  const platform = await fakePlatform();
  const steps: { fn: FunctionName; step: Step }[] = [];
  let fn: FunctionName = 'submitDeclaration';
  const { repository } = platform;
  const create = repository.create.bind(repository);
  const transition = repository.transition.bind(repository);
  const claim = repository.claim.bind(repository);
  vi.spyOn(repository, 'create').mockImplementation((record) => {
    steps.push({ fn, step: { kind: 'create', record: structuredClone(record) } });
    return create(record);
  });
  vi.spyOn(repository, 'transition').mockImplementation((change) => {
    steps.push({ fn, step: { kind: 'transition', change: structuredClone(change) } });
    return transition(change);
  });
  vi.spyOn(repository, 'claim').mockImplementation((...args) => {
    steps.push({ fn, step: { kind: 'claim', args: structuredClone(args) } });
    return claim(...args);
  });
  const id =
    lane === 'GREEN'
      ? await platform.submit(platform.declaration(trustedTrader))
      : await platform.submit(platform.declaration(ordinaryImporter, ferroSiliconCif));
  const stages: [Parameters<typeof platform.deliver>[0], FunctionName][] = [
    ['validation', 'validateDeclaration'],
    ['risk', 'scoreRisk'],
    ['duty', 'assessDuty'],
    ['release', 'decideRelease'],
  ];
  for (const [stage, name] of stages) {
    fn = name;
    await platform.deliver(stage);
  }
  if (lane === 'RED') {
    const deps = { ...platform.deps.review };
    fn = 'claimDeclaration';
    const claimed = await claimDeclaration({ principal: officer, id }, deps);
    fn = 'decideOnDeclaration';
    await decideOnDeclaration(
      { principal: officer, id, expectedVersion: claimed.version, decision: { action: 'RELEASE', message: 'Released after a check' } },
      deps,
    );
  }
  expect((await platform.record(id)).status).toBe('RELEASED');
  return { id, steps };
}

let cloud: LocalCloud;
let client: DynamoDBClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  client = sharedDynamoDb();
});

afterAll(async () => {
  await cloud?.stop();
});

/** Replays the writes on the DynamoDB adapter (each with its function's configuration) and measures the state item after each. */
async function storedSizes(lane: 'GREEN' | 'RED'): Promise<{ after: string; bytes: number }[]> {
  const { id, steps } = await pipelineWrites(lane);
  const sizes: { after: string; bytes: number }[] = [];
  for (const { fn, step } of steps) {
    const repository = declarationRepository(loadConfig(fn), 'no bodies');
    if (step.kind === 'create') expect(await repository.create(step.record)).toBe(true);
    else if (step.kind === 'transition') expect(await repository.transition(step.change)).toBe('applied');
    else expect((await repository.claim(...step.args)).outcome).toBe('claimed');
    const stored = await client.send(
      new GetItemCommand({
        TableName: loadConfig(fn).tableName('main'),
        Key: { PK: { S: keys.declaration(id).PK }, SK: { S: keys.declaration(id).SK } },
        ConsistentRead: true,
      }),
    );
    const item = stored.Item ?? {};
    const label = step.kind === 'transition' ? `${fn} -> ${step.change.to}` : `${fn} (${step.kind})`;
    if (process.env.SHOW_ITEM_SIZES)
      console.info(
        label,
        itemSize(item),
        Object.entries(item)
          .map(([name, value]) => `${name}=${itemSize({ [name]: value })}`)
          .join(' '),
      );
    sizes.push({ after: label, bytes: itemSize(item) });
  }
  return sizes;
}

describe('the state item of the fixture declaration, stored by the DynamoDB adapter', () => {
  it('stays under 1 KB at every stage of a GREEN declaration: every state change is 1 WRU', async () => {
    // Prepare, Act: the fixture from a trusted trader, submitted, validated, scored GREEN, assessed, released
    const sizes = await storedSizes('GREEN');

    // Assess
    expect(sizes.map(({ after }) => after)).toEqual([
      'submitDeclaration (create)',
      'validateDeclaration -> VALIDATED',
      'scoreRisk -> SCORED',
      'assessDuty -> ASSESSED',
      'decideRelease -> RELEASED',
    ]);
    for (const { after, bytes } of sizes) expect({ after, bytes: bytes < ONE_WRITE_UNIT }).toEqual({ after, bytes: true });
  });

  it('stays under 1 KB through the pipeline of a RED declaration, under 2 KB while an officer holds it', async () => {
    // Prepare, Act: ferro-silicon from China (CIF), scored RED, queued, claimed and released by an officer
    const sizes = await storedSizes('RED');

    // Assess: the officer's claim (kept as a map: its writes are conditioned on it) and decision add to the queued item
    const officers = ['claimDeclaration (claim)', 'decideOnDeclaration -> RELEASED'];
    expect(sizes.map(({ after }) => after)).toEqual([
      'submitDeclaration (create)',
      'validateDeclaration -> VALIDATED',
      'scoreRisk -> SCORED',
      'assessDuty -> ASSESSED',
      'decideRelease -> UNDER_REVIEW',
      ...officers,
    ]);
    for (const { after, bytes } of sizes)
      expect({ after, bytes: bytes < (officers.includes(after) ? 2 * ONE_WRITE_UNIT : ONE_WRITE_UNIT) }).toEqual({ after, bytes: true });
  });
});
